use metrics_core::{Counter, Metrics};

#[derive(Metrics)]
struct AppMetrics {
    /// Requests.
    requests_total: Counter,
}

fn main() {}
