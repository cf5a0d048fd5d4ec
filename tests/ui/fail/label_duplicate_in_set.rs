use metrics_core::LabelSet;

#[derive(LabelSet, Clone, PartialEq, Eq, Hash)]
struct Labels {
    tenant: String,
    #[label(name = "tenant")]
    customer: String,
}

fn main() {}
