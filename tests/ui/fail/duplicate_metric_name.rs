use metrics_core::{Counter, Metrics};

#[derive(Metrics)]
struct AppMetrics {
    /// Requests.
    requests: Counter,
    /// Also requests.
    #[metrics(name = "requests")]
    more_requests: Counter,
}

fn main() {}
