use metrics_core::LabelSet;

#[derive(LabelSet, Clone, PartialEq, Eq, Hash)]
struct Labels {
    tenant: String,
    ratio: Vec<u8>,
}

fn main() {}
