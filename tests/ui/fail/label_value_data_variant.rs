use metrics_core::LabelValue;

#[derive(LabelValue, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    Success,
    Failure(u16),
}

fn main() {}
