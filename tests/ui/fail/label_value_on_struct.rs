use metrics_core::LabelValue;

#[derive(LabelValue, Clone, Copy, PartialEq, Eq)]
struct Outcome {
    code: u16,
}

fn main() {}
