use metrics_core::{Counter, Gauge, Histogram, Metrics};

#[derive(Metrics)]
#[metrics(prefx = "app")]
struct AppMetrics {
    /// Requests.
    #[metrics(name = "bad name")]
    requests: Counter,
    /// Depth.
    depth: Gauge,
    /// Latency.
    #[metrics(unit = "seconds")]
    latency_seconds: Histogram,
}

fn main() {
    // The struct still has its impls: no follow-on errors here.
    let metrics = AppMetrics::default();
    metrics.depth.inc();
}
