//! UTF-8 names, opted in on the struct, a field, a label enum and a label
//! set: they compile, and each scraper gets them as it negotiates.

use metrics_core::{
    Counter, Escaping, Exposition, Family, Format, Gauge, LabelSet, LabelValue, Metrics, Registry,
};

#[derive(LabelValue, Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[label(name = "http.request.method", utf8)]
enum Method {
    Get,
}

#[derive(LabelSet, Clone, Debug, PartialEq, Eq, Hash)]
#[label(utf8)]
struct Route {
    #[label(name = "url.path")]
    path: String,
    método: Method,
}

#[derive(Metrics)]
#[metrics(prefix = "app.v2", utf8)]
struct AppMetrics {
    /// Requests by method.
    #[metrics(name = "http.requests")]
    requests: Family<Method, Counter>,
    /// Requests by route.
    routes: Family<Route, Counter>,
    /// Legacy-valid anyway.
    depth: Gauge,
}

#[derive(Metrics)]
struct Mixed {
    /// Only this field opts in.
    #[metrics(name = "temperature.celsius", utf8)]
    température: Gauge,
    /// Legacy.
    plain: Gauge,
}

fn main() {
    let registry = Registry::new();
    let app = std::sync::Arc::new(AppMetrics::default());
    registry.register(app.clone()).unwrap();
    registry.register(Mixed::default()).unwrap();
    app.requests[Method::Get].inc();
    app.routes
        .get_or_create(&Route { path: "/a".into(), método: Method::Get })
        .inc();

    let utf8 = registry
        .encode_to_string(Exposition::new(Format::OpenMetrics).with_escaping(Escaping::AllowUtf8));
    assert!(utf8.contains("{\"app.v2_http.requests_total\",\"http.request.method\"=\"get\"} 1\n"));
    assert!(utf8.contains(
        "{\"app.v2_routes_total\",\"url.path\"=\"/a\",\"método\"=\"get\"} 1\n"
    ));
    assert!(utf8.contains("# TYPE \"temperature.celsius\" gauge\n"));
    assert!(utf8.contains("\napp.v2_depth") || utf8.contains("{\"app.v2_depth\"} 0\n"));
    assert!(utf8.contains("\nplain 0\n"));

    let legacy = registry.encode_to_string(Format::Text);
    assert!(legacy.contains("app_v2_http_requests_total{http_request_method=\"get\"} 1\n"));
    assert!(legacy.contains("app_v2_routes_total{url_path=\"/a\",m_todo=\"get\"} 1\n"));
    assert!(legacy.contains("\ntemperature_celsius 0\n"));
}
