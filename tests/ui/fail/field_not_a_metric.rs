use metrics_core::{Counter, Metrics};

#[derive(Metrics)]
struct AppMetrics {
    /// Requests.
    requests: Counter,
    /// Not a metric.
    last_error: String,
}

fn main() {}
