use metrics_core::{Buckets, Histogram, Metrics};

#[derive(Metrics)]
struct AppMetrics {
    /// Latency.
    #[metrics(unit = "seconds", buckets = Buckets::new(&[0.1, 0.5, 0.5, 1.0]))]
    latency: Histogram,
}

fn main() {}
