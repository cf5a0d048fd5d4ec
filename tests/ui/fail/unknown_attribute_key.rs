use metrics_core::{Histogram, Metrics};

#[derive(Metrics)]
struct AppMetrics {
    /// Latency.
    #[metrics(unti = "seconds")]
    latency: Histogram,
}

fn main() {}
