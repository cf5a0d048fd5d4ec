use metrics_core::{Counter, Family, LabelValue, Metrics};

#[derive(LabelValue, Clone, Copy, PartialEq, Eq)]
#[label(name = "http.method", utf8)]
enum Method {
    Get,
}

#[derive(Metrics)]
struct AppMetrics {
    /// Requests: the family does not opt in to UTF-8 label names.
    requests: Family<Method, Counter>,
}

fn main() {}
