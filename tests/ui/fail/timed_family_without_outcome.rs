use metrics_core::{timed, Family, Global, Histogram, LabelValue, Metrics};

#[derive(LabelValue, Clone, Copy, PartialEq, Eq)]
enum Method {
    Get,
    Post,
}

#[derive(Metrics)]
struct AppMetrics {
    /// Latency by method: no label for the outcome.
    #[metrics(unit = "seconds")]
    latency: Family<Method, Histogram>,
}

static METRICS: Global<AppMetrics> = Global::new();

#[timed(METRICS.latency)]
fn work() {}

fn main() {
    work();
}
