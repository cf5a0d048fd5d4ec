//! The shortest complete program: declare metrics as a struct, register
//! it, update it, serve it.
//!
//! ```text
//! cargo run -p examples --example quickstart
//! curl -s 127.0.0.1:9090/metrics | grep app_
//! ```

use std::time::Duration;

use metrics_core::{register, Counter, Family, Gauge, Global, LabelValue, Metrics, Registry};
use metrics_http::{serve, shutdown_signal, EndpointBuilder};

/// The `method` label: a misspelled method does not compile.
#[derive(LabelValue, Clone, Copy, PartialEq, Eq)]
enum Method {
    Get,
    Post,
}

#[derive(Metrics)]
#[metrics(prefix = "app")]
struct AppMetrics {
    /// Requests handled, by method.
    requests: Family<Method, Counter>,
    /// Connections open.
    connections: Gauge,
}

#[register]
static METRICS: Global<AppMetrics> = Global::new();

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    // Stand-in for the application's own work.
    tokio::spawn(async {
        for i in 0u64.. {
            let method = if i % 4 == 0 {
                Method::Post
            } else {
                Method::Get
            };
            METRICS.requests[method].inc();
            METRICS.connections.set((i % 10) as i64);
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    });
    // METRICS_ADDR moves it from 127.0.0.1:9090.
    let endpoint = EndpointBuilder::from_env(Registry::global()).build()?;
    let listener = tokio::net::TcpListener::bind(endpoint.addr()).await?;
    println!(
        "serving http://{}/metrics (ctrl-c to stop)",
        listener.local_addr()?
    );
    serve(listener, endpoint)
        .with_graceful_shutdown(shutdown_signal())
        .await?;
    Ok(())
}
