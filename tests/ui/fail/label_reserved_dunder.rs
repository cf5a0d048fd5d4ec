use metrics_core::LabelSet;

#[derive(LabelSet, Clone, PartialEq, Eq, Hash)]
struct Labels {
    #[label(name = "__name__")]
    name: String,
}

fn main() {}
