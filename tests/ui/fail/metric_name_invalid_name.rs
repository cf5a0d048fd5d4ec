use metrics_core::{Counter, Metrics};

#[derive(Metrics)]
struct AppMetrics {
    /// Requests.
    #[metrics(name = "http requests")]
    requests: Counter,
}

fn main() {}
