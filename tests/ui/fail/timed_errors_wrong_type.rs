use metrics_core::{timed, Counter, Family, Global, LabelValue, Metrics, Outcome, Histogram};

#[derive(LabelValue, Clone, Copy, PartialEq, Eq)]
enum DbError {
    NotFound,
}

#[derive(LabelValue, Clone, Copy, PartialEq, Eq)]
enum HttpError {
    BadGateway,
}

#[derive(Metrics)]
struct AppMetrics {
    /// Latency.
    #[metrics(unit = "seconds")]
    latency: Family<Outcome, Histogram>,
    /// Errors by HTTP error: not this function's error type.
    http_errors: Family<HttpError, Counter>,
}

static METRICS: Global<AppMetrics> = Global::new();

#[timed(METRICS.latency, errors = METRICS.http_errors)]
fn query() -> Result<(), DbError> {
    Err(DbError::NotFound)
}

fn main() {
    let _ = query();
}
