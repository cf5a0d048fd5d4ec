use metrics_core::{Counter, Metrics};

#[derive(Metrics)]
struct AppMetrics {
    /// Requests.
    #[metrics(native)]
    requests: Counter,
}

fn main() {}
