use metrics_core::{Counter, Family, LabelValue, Metrics};

#[derive(LabelValue, Clone, Copy, PartialEq, Eq)]
enum ReadResult {
    Ok,
    Err,
}

#[derive(LabelValue, Clone, Copy, PartialEq, Eq)]
#[label(name = "read_result")]
enum WriteResult {
    Ok,
    Err,
}

#[derive(Metrics)]
struct AppMetrics {
    /// Both results use the label name `read_result`.
    io: Family<(ReadResult, WriteResult), Counter>,
}

fn main() {}
