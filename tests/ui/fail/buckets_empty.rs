use metrics_core::{Buckets, Histogram, Metrics};

#[derive(Metrics)]
struct AppMetrics {
    /// Latency.
    #[metrics(unit = "seconds", buckets = Buckets::new(&[]))]
    latency: Histogram,
}

fn main() {}
