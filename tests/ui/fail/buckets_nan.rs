use metrics_core::{Buckets, Histogram, Metrics};

#[derive(Metrics)]
struct AppMetrics {
    /// Latency.
    #[metrics(unit = "seconds", buckets = Buckets::new(&[0.1, f64::NAN]))]
    latency: Histogram,
}

fn main() {}
