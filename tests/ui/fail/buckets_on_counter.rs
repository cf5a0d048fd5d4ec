use metrics_core::{Buckets, Counter, Metrics};

#[derive(Metrics)]
struct AppMetrics {
    /// Requests.
    #[metrics(buckets = Buckets::exponential(0.001, 2.0, 8))]
    requests: Counter,
}

fn main() {}
