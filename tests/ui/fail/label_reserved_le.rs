use metrics_core::{Family, Histogram, LabelValue, Metrics};

#[derive(LabelValue, Clone, Copy, PartialEq, Eq)]
#[label(name = "le")]
enum Level {
    Low,
    High,
}

#[derive(Metrics)]
struct AppMetrics {
    /// Latency by level.
    latency: Family<Level, Histogram>,
}

fn main() {}
