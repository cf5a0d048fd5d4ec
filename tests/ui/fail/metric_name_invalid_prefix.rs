use metrics_core::{Counter, Metrics};

#[derive(Metrics)]
#[metrics(prefix = "my-app")]
struct AppMetrics {
    /// Requests.
    requests: Counter,
}

fn main() {}
