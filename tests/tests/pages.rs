//! The endpoint's pages: the landing page on `/` and the live view, open
//! without the token (they carry no data), switched off, and refused on a
//! path that is taken.

use std::sync::Arc;

use integration_tests::{http_get, TestServer};
use metrics_core::Registry;
use metrics_http::Endpoint;

#[test]
fn landing_page_and_live_view() {
    let registry = Arc::new(Registry::new());
    let endpoint = Endpoint::builder(registry.clone())
        .name("orders")
        .version("2.1")
        .live_view(true)
        .bearer_token("s3cret")
        .build()
        .unwrap();
    let server = TestServer::start(endpoint);
    let landing = http_get(server.addr, "GET", "/", &[]).unwrap();
    assert_eq!(landing.status, 200);
    assert_eq!(
        landing.header("content-type"),
        Some("text/html; charset=utf-8")
    );
    assert_eq!(landing.header("x-content-type-options"), Some("nosniff"));
    assert!(
        landing.text().contains("<h1>orders 2.1</h1>"),
        "{}",
        landing.text()
    );
    // The pages carry no data, so they stay open; the data needs the token
    // (the live view asks for it when the metrics path answers 401).
    let live = http_get(server.addr, "GET", "/live", &[]).unwrap();
    assert_eq!(live.status, 200);
    assert!(live.header("content-security-policy").is_some());
    assert!(live
        .text()
        .contains("<meta name=\"metrics-path\" content=\"/metrics\">"));
    assert_eq!(
        http_get(server.addr, "GET", "/metrics", &[])
            .unwrap()
            .status,
        401
    );
    let head = http_get(server.addr, "HEAD", "/live", &[]).unwrap();
    assert_eq!(head.status, 200);
    assert!(head.body.is_empty());
    assert_eq!(http_get(server.addr, "POST", "/", &[]).unwrap().status, 405);
    server.stop();

    // Off: `/` is unknown, and the live view is off by default.
    let plain = TestServer::start(
        Endpoint::builder(registry.clone())
            .landing_page(false)
            .self_metrics(false)
            .build()
            .unwrap(),
    );
    assert_eq!(http_get(plain.addr, "GET", "/", &[]).unwrap().status, 404);
    assert_eq!(
        http_get(plain.addr, "GET", "/live", &[]).unwrap().status,
        404
    );
    plain.stop();

    // A live path that coincides with another path is refused.
    let clash = Endpoint::builder(registry)
        .self_metrics(false)
        .live_path("/metrics")
        .build();
    assert!(matches!(clash, Err(metrics_http::Error::InvalidPath(p)) if p == "/metrics"));
}

#[test]
fn pages_show_the_version_only_where_health_would() {
    let protected = TestServer::start(
        Endpoint::builder(Arc::new(Registry::new()))
            .name("orders")
            .version("2.1")
            .bearer_token("s3cret")
            .protect_health(true)
            .build()
            .unwrap(),
    );
    let landing = http_get(protected.addr, "GET", "/", &[]).unwrap().text();
    assert!(landing.contains("<h1>orders</h1>"), "{landing}");
    assert_eq!(
        http_get(protected.addr, "GET", "/health", &[])
            .unwrap()
            .status,
        401
    );
    protected.stop();

    // No version given: the page does not say "unknown".
    let unnamed = TestServer::start(
        Endpoint::builder(Arc::new(Registry::new()))
            .build()
            .unwrap(),
    );
    let landing = http_get(unnamed.addr, "GET", "/", &[]).unwrap().text();
    assert!(landing.contains("<h1>metrics</h1>"), "{landing}");
}
