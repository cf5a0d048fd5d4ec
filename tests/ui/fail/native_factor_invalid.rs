use metrics_core::{Histogram, Metrics, NativeBuckets};

#[derive(Metrics)]
struct AppMetrics {
    /// Latency.
    #[metrics(unit = "seconds", native = NativeBuckets::from_factor(0.9))]
    latency: Histogram,
}

fn main() {}
