use metrics_core::{Histogram, Metrics};

#[derive(Metrics)]
struct AppMetrics {
    /// Latency.
    #[metrics(unit = "seconds")]
    latency_seconds: Histogram,
}

fn main() {}
