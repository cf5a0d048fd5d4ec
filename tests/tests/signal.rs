//! Graceful shutdown on SIGTERM: a test binary of its own, since the signal
//! goes to the whole process.

#![cfg(unix)]

use std::future::IntoFuture;
use std::sync::Arc;
use std::time::{Duration, Instant};

use integration_tests::http_get;
use metrics_core::Registry;
use metrics_http::Endpoint;

#[test]
fn sigterm_stops_the_server_gracefully() {
    let endpoint = Endpoint::builder(Arc::new(Registry::new()))
        .build()
        .unwrap();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let listener = runtime
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .unwrap();
    let addr = listener.local_addr().unwrap();
    let serving = runtime.spawn(
        metrics_http::serve(listener, endpoint)
            .with_graceful_shutdown(metrics_http::shutdown_signal())
            .into_future(),
    );
    // Serving, with the signal handler installed by the first poll.
    assert_eq!(http_get(addr, "GET", "/health", &[]).unwrap().status, 200);
    std::thread::sleep(Duration::from_millis(100));

    let status = std::process::Command::new("kill")
        .args(["-TERM", &std::process::id().to_string()])
        .status()
        .expect("kill runs");
    assert!(status.success());
    let start = Instant::now();
    runtime
        .block_on(async { tokio::time::timeout(Duration::from_secs(10), serving).await })
        .unwrap()
        .unwrap()
        .unwrap();
    assert!(start.elapsed() < Duration::from_secs(10));
    assert!(
        http_get(addr, "GET", "/health", &[]).is_err(),
        "no longer listening"
    );
}
