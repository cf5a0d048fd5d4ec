use metrics_core::{Counter, Metrics};

#[derive(Metrics)]
#[metrics(utf8)]
struct AppMetrics {
    /// Requests: a UTF-8 name is still not empty.
    #[metrics(name = "")]
    requests: Counter,
}

fn main() {}
