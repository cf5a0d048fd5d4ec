use metrics_core::LabelValue;

#[derive(LabelValue, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    Success,
    #[label(rename = "success")]
    Ok,
}

fn main() {}
