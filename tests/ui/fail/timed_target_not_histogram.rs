use metrics_core::{timed, Counter, Global, Metrics};

#[derive(Metrics)]
struct AppMetrics {
    /// Calls.
    calls: Counter,
}

static METRICS: Global<AppMetrics> = Global::new();

#[timed(METRICS.calls)]
fn work() {}

fn main() {
    work();
}
