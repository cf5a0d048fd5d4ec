use metrics_core::LabelValue;

#[derive(LabelValue, Clone, Copy, PartialEq, Eq)]
#[label(name = "http-method")]
enum Method {
    Get,
    Post,
}

fn main() {}
