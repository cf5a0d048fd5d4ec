//! The short examples, each run as a user would run it.

use std::time::Duration;

use integration_tests::http_get;
use integration_tests::servers::{example_binary, serve_example, wait_for};
use metrics_core::testing::sample_value_in;

#[test]
fn quickstart_serves_its_metrics_where_metrics_addr_says() {
    // METRICS_ADDR=127.0.0.1:0, and the address it prints.
    let (program, addr) = serve_example("quickstart", None, &[]);
    wait_for(
        "requests counted and served",
        Duration::from_secs(30),
        || {
            http_get(addr, "GET", "/metrics", &[])
                .map(|r| {
                    sample_value_in(&r.text(), "app_requests_total", &[("method", "get")])
                        .is_some_and(|v| v != 0.0)
                })
                .unwrap_or(false)
        },
    );
    let body = http_get(addr, "GET", "/metrics", &[]).unwrap().text();
    assert!(body.contains("# HELP app_requests_total Requests handled, by method."));
    assert!(
        sample_value_in(&body, "app_connections", &[]).is_some(),
        "{body}"
    );
    let (status, stdout) = program.terminate(Duration::from_secs(10));
    assert_eq!(status, Some(0), "a clean exit on SIGTERM: {stdout}");
}

#[test]
fn axum_example_mounts_the_endpoint_beside_its_own_routes() {
    let (program, addr) = serve_example("axum", Some("--addr"), &[]);
    assert_eq!(
        http_get(addr, "GET", "/", &[]).unwrap().text(),
        "the shop\n"
    );
    for _ in 0..3 {
        let placed = http_get(addr, "POST", "/orders", &[("Content-Length", "0")]).unwrap();
        assert_eq!(placed.status, 200);
    }
    let metrics = http_get(addr, "GET", "/metrics", &[("Accept-Encoding", "gzip")]).unwrap();
    assert_eq!(metrics.status, 200);
    assert_eq!(
        metrics.header("content-encoding"),
        Some("gzip"),
        "negotiated by the endpoint"
    );
    let plain = http_get(addr, "GET", "/metrics", &[]).unwrap().text();
    assert_eq!(
        sample_value_in(&plain, "shop_orders_total", &[]),
        Some(3.0),
        "{plain}"
    );
    assert_eq!(http_get(addr, "GET", "/health", &[]).unwrap().status, 200);
    assert_eq!(http_get(addr, "GET", "/ready", &[]).unwrap().status, 200);
    let (status, _) = program.terminate(Duration::from_secs(10));
    assert_eq!(status, Some(0));
}

#[test]
fn custom_registry_keeps_each_tenant_apart() {
    let out = std::process::Command::new(example_binary("custom_registry"))
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let text = String::from_utf8(out.stdout).unwrap();
    let (acme, globex) = text
        .strip_prefix("## acme\n")
        .and_then(|t| t.split_once("## globex\n"))
        .expect("one exposition per tenant");
    assert_eq!(sample_value_in(acme, "tenant_jobs_total", &[]), Some(10.0));
    assert_eq!(
        sample_value_in(globex, "tenant_jobs_total", &[]),
        Some(20.0)
    );
    assert_eq!(
        sample_value_in(acme, "tenant_storage_bytes", &[]),
        Some(1048576.0)
    );
    assert_eq!(
        sample_value_in(globex, "tenant_storage_bytes", &[]),
        Some(2097152.0)
    );
    assert!(!acme.contains("process_"), "nothing global leaks in");
}
