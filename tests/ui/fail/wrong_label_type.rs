use metrics_core::{Counter, Family, Global, LabelValue, Metrics};

#[derive(LabelValue, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    Success,
    Failure,
}

#[derive(LabelValue, Clone, Copy, PartialEq, Eq)]
enum Method {
    Get,
    Post,
}

#[derive(Metrics)]
struct AppMetrics {
    /// Requests by outcome.
    requests: Family<Outcome, Counter>,
}

static METRICS: Global<AppMetrics> = Global::new();

fn main() {
    METRICS.requests[Method::Get].inc();
}
