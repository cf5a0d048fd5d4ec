use metrics_core::{Counter, Family, LabelValue, Metrics};

#[derive(LabelValue, Clone, Copy, PartialEq, Eq)]
#[label(name = "quantile")]
enum Quantile {
    Median,
    P99,
}

#[derive(Metrics)]
struct AppMetrics {
    /// Requests by quantile.
    requests: Family<Quantile, Counter>,
}

fn main() {}
