use metrics_core::{Counter, Family, LabelValue, Metrics};

#[derive(LabelValue, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    Success,
    Failure,
}

#[derive(Metrics)]
struct AppMetrics {
    /// Requests by outcome: every combination exists, a cap means nothing.
    #[metrics(max_series = 10)]
    requests: Family<Outcome, Counter>,
}

fn main() {}
