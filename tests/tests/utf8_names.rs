//! UTF-8 metric and label names end to end: a registry whose families opt
//! in, served by the endpoint, scraped with each `Accept` a Prometheus (or
//! a person with curl) sends. Each escaping scheme's body is checked, the
//! `Content-Type` echoes what was negotiated, and every body with
//! legacy-escaped names passes `promtool check metrics` (promtool 2.x reads
//! only legacy names: the quoted `allow-utf-8` bodies are checked by their
//! lines instead).

use std::io::Read;
use std::sync::Arc;
use std::time::Duration;

use integration_tests::{http_get, proto, HttpResponse, TestServer};
use metrics_core::{
    Buckets, Counter, Family, Gauge, Histogram, LabelSet, LabelValue, Metadata, Metrics, Registry,
};
use metrics_http::Endpoint;

#[derive(LabelValue, Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[label(name = "http.request.method", rename_all = "UPPERCASE", utf8)]
enum Method {
    Get,
    Post,
}

#[derive(LabelSet, Clone, Debug, PartialEq, Eq, Hash)]
#[label(utf8)]
struct Route {
    #[label(name = "url.path")]
    path: String,
    #[label(name = "http.request.method")]
    method: Method,
}

/// Names as OpenTelemetry spells them, opted in on the struct.
#[derive(Metrics)]
#[metrics(utf8)]
struct HttpMetrics {
    /// Requests served, by method.
    #[metrics(name = "http.server.requests")]
    requests: Family<Method, Counter>,
    /// Requests by route.
    #[metrics(name = "http.server.routes", max_series = 100)]
    routes: Family<Route, Counter>,
    /// Time to answer.
    #[metrics(
        name = "http.server.request.duration",
        unit = "seconds",
        buckets = Buckets::new(&[0.1, 1.0])
    )]
    duration: Histogram,
    /// Connections open (a legacy name in a UTF-8 struct).
    connections_open: Gauge,
}

fn registry() -> Arc<Registry> {
    let registry = Arc::new(Registry::new());
    let http = Arc::new(HttpMetrics::default());
    registry.register(http.clone()).unwrap();
    http.requests[Method::Get].inc_by(3);
    http.routes
        .get_or_create(&Route {
            path: "/a \"b\"".into(),
            method: Method::Post,
        })
        .inc();
    http.duration.observe(0.5);
    http.connections_open.set(2);
    // A legacy family beside them, registered without the opt-in.
    let jobs = Arc::new(Counter::<u64>::new());
    jobs.inc();
    registry
        .register_metric(Metadata::new("legacy_jobs", "Jobs."), jobs)
        .unwrap();
    registry
}

fn server() -> TestServer {
    TestServer::start(
        Endpoint::builder(registry())
            .self_metrics(false)
            .build()
            .unwrap(),
    )
}

fn scrape(s: &TestServer, accept: Option<&str>) -> HttpResponse {
    let headers: Vec<(&str, &str)> = accept.map(|a| ("Accept", a)).into_iter().collect();
    let response = http_get(s.addr, "GET", "/metrics", &headers).unwrap();
    assert_eq!(response.status, 200);
    response
}

fn assert_lines(body: &str, lines: &[String]) {
    for line in lines {
        assert!(
            body.contains(&format!("{line}\n")),
            "missing {line:?} in\n{body}"
        );
    }
}

fn assert_promtool_passes(body: &str) {
    // Skipped (passes) without promtool, except under CI.
    let (ok, report) = integration_tests::promtool_check(body).unwrap_or((true, String::new()));
    assert!(
        ok,
        "promtool check metrics failed:\n{report}\n--- body\n{body}"
    );
}

const PROMETHEUS_3: &str = "application/openmetrics-text;version=1.0.0;escaping=allow-utf-8;q=0.5,application/openmetrics-text;version=0.0.1;q=0.4,text/plain;version=1.0.0;escaping=allow-utf-8;q=0.3,text/plain;version=0.0.4;q=0.2,*/*;q=0.1";

/// The lines every text body has, with the names as `name(..)` writes
/// them: for a legacy-escaped scheme, `name` returns the escaped name and
/// the lines are plain.
fn escaped_lines(
    requests: &str,
    routes: &str,
    duration: &str,
    method: &str,
    path: &str,
) -> Vec<String> {
    vec![
        format!("# HELP {requests}_total Requests served, by method."),
        format!("# TYPE {requests}_total counter"),
        format!("{requests}_total{{{method}=\"GET\"}} 3"),
        format!("{requests}_total{{{method}=\"POST\"}} 0"),
        format!("{routes}_total{{{path}=\"/a \\\"b\\\"\",{method}=\"POST\"}} 1"),
        format!("# TYPE {duration} histogram"),
        format!("{duration}_bucket{{le=\"1.0\"}} 1"),
        format!("{duration}_count 1"),
        "connections_open 2".to_owned(),
        "legacy_jobs_total 1".to_owned(),
    ]
}

#[test]
fn each_scheme_has_its_body_and_content_type() {
    let s = server();
    for (scheme, requests, routes, duration, method, path) in [
        (
            "underscores",
            "http_server_requests",
            "http_server_routes",
            "http_server_request_duration_seconds",
            "http_request_method",
            "url_path",
        ),
        (
            "dots",
            "http_dot_server_dot_requests",
            "http_dot_server_dot_routes",
            "http_dot_server_dot_request_dot_duration__seconds",
            "http_dot_request_dot_method",
            "url_dot_path",
        ),
        (
            "values",
            "U__http_2e_server_2e_requests",
            "U__http_2e_server_2e_routes",
            "U__http_2e_server_2e_request_2e_duration__seconds",
            "U__http_2e_request_2e_method",
            "U__url_2e_path",
        ),
    ] {
        let accept = format!("text/plain;version=1.0.0;escaping={scheme}");
        let response = scrape(&s, Some(&accept));
        assert_eq!(
            response.header("content-type"),
            Some(format!("text/plain; version=1.0.0; charset=utf-8; escaping={scheme}").as_str())
        );
        let body = response.text();
        assert_lines(
            &body,
            &escaped_lines(requests, routes, duration, method, path),
        );
        assert!(!body.contains("http.server"), "{body}");
        assert_promtool_passes(&body);
    }
}

#[test]
fn no_scheme_named_gets_legacy_safe_names() {
    let s = server();
    let underscores = escaped_lines(
        "http_server_requests",
        "http_server_routes",
        "http_server_request_duration_seconds",
        "http_request_method",
        "url_path",
    );
    // No Accept at all (curl), and Prometheus 2's header.
    let plain = scrape(&s, None);
    assert_eq!(
        plain.header("content-type"),
        Some("text/plain; version=0.0.4; charset=utf-8")
    );
    assert_lines(&plain.text(), &underscores);
    assert_promtool_passes(&plain.text());
    let prometheus_2 = scrape(
        &s,
        Some("application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1"),
    );
    assert_eq!(
        prometheus_2.header("content-type"),
        Some("application/openmetrics-text; version=1.0.0; charset=utf-8")
    );
    let om = prometheus_2.text();
    assert!(om.contains("# TYPE http_server_requests counter\n"), "{om}");
    assert!(om.contains("\nhttp_server_requests_total{http_request_method=\"GET\"} 3\n"));
    assert!(om.ends_with("# EOF\n"));
}

#[test]
fn allow_utf_8_quotes_names_in_both_text_formats() {
    let s = server();
    let om = scrape(&s, Some(PROMETHEUS_3));
    assert_eq!(
        om.header("content-type"),
        Some("application/openmetrics-text; version=1.0.0; charset=utf-8; escaping=allow-utf-8")
    );
    let body = om.text();
    assert_lines(
        &body,
        &[
            "# HELP \"http.server.requests\" Requests served, by method.".into(),
            "# TYPE \"http.server.requests\" counter".into(),
            "{\"http.server.requests_total\",\"http.request.method\"=\"GET\"} 3".into(),
            "{\"http.server.routes_total\",\"url.path\"=\"/a \\\"b\\\"\",\"http.request.method\"=\"POST\"} 1".into(),
            "# TYPE \"http.server.request.duration_seconds\" histogram".into(),
            "# UNIT \"http.server.request.duration_seconds\" seconds".into(),
            "{\"http.server.request.duration_seconds_bucket\",le=\"+Inf\"} 1".into(),
            "{\"http.server.request.duration_seconds_count\"} 1".into(),
            "connections_open 2".into(),
            "legacy_jobs_total 1".into(),
        ],
    );
    assert!(body.ends_with("# EOF\n"));

    let text = scrape(&s, Some("text/plain;version=1.0.0;escaping=allow-utf-8"));
    assert_eq!(
        text.header("content-type"),
        Some("text/plain; version=1.0.0; charset=utf-8; escaping=allow-utf-8")
    );
    assert_lines(
        &text.text(),
        &[
            "# TYPE \"http.server.requests_total\" counter".into(),
            "{\"http.server.requests_total\",\"http.request.method\"=\"POST\"} 0".into(),
        ],
    );
}

#[test]
fn protobuf_carries_names_as_they_are_only_under_allow_utf_8() {
    let s = server();
    let protobuf = "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited";
    let utf8 = scrape(&s, Some(&format!("{protobuf};escaping=allow-utf-8")));
    assert_eq!(
        utf8.header("content-type"),
        Some(
            "application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; \
             encoding=delimited; escaping=allow-utf-8"
        )
    );
    let families = proto::names(&utf8.body);
    let (name, labels) = families
        .iter()
        .find(|(n, _)| n.starts_with("http.server.routes"))
        .expect("the routes family");
    assert_eq!(name, "http.server.routes_total");
    assert_eq!(labels[0], ["url.path", "http.request.method"]);

    // Prometheus 3 with native histograms names no scheme for protobuf.
    let escaped = scrape(&s, Some(&format!("{protobuf};q=0.6,{PROMETHEUS_3}")));
    assert!(!escaped.header("content-type").unwrap().contains("escaping"));
    let names: Vec<String> = proto::names(&escaped.body)
        .into_iter()
        .map(|(n, _)| n)
        .collect();
    assert_eq!(
        names,
        [
            "connections_open",
            "http_server_request_duration_seconds",
            "http_server_requests_total",
            "http_server_routes_total",
            "legacy_jobs_total"
        ]
    );
}

#[test]
fn the_cache_keeps_one_body_per_scheme_and_gzip_is_unchanged() {
    let s = TestServer::start(
        Endpoint::builder(registry())
            .self_metrics(false)
            .cache_ttl(Duration::from_secs(60))
            .gzip(true)
            .build()
            .unwrap(),
    );
    let utf8 = "text/plain;version=1.0.0;escaping=allow-utf-8";
    let first = scrape(&s, Some(utf8)).text();
    assert!(first.contains("{\"http.server.requests_total\""), "{first}");
    // Cached, but another scheme's body is not served for this one.
    let underscores = scrape(&s, Some("text/plain;version=1.0.0;escaping=underscores")).text();
    assert!(
        underscores.contains("\nhttp_server_requests_total{"),
        "{underscores}"
    );
    // Naming `underscores` or nothing: the same body, each with its own
    // Content-Type.
    let plain = scrape(&s, None);
    assert_eq!(plain.text(), underscores);
    assert!(!plain.header("content-type").unwrap().contains("escaping"));
    assert_eq!(scrape(&s, Some(utf8)).text(), first);

    let gz = http_get(
        s.addr,
        "GET",
        "/metrics",
        &[("Accept", utf8), ("Accept-Encoding", "gzip")],
    )
    .unwrap();
    assert_eq!(gz.header("content-encoding"), Some("gzip"));
    assert_eq!(
        gz.header("content-type"),
        Some("text/plain; version=1.0.0; charset=utf-8; escaping=allow-utf-8")
    );
    let mut unzipped = String::new();
    flate2::read::GzDecoder::new(&gz.body[..])
        .read_to_string(&mut unzipped)
        .unwrap();
    assert_eq!(unzipped, first);
}
