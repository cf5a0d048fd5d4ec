use metrics_core::{Counter, Gauge, Metrics};

#[derive(Metrics)]
struct AppMetrics {
    /// Requests (exposed as `requests_total`).
    requests: Counter,
    /// A gauge exposed as `requests_total` too.
    #[metrics(name = "requests_total")]
    requests_gauge: Gauge,
}

fn main() {}
