use metrics_core::timed;

#[timed]
struct Worker {
    id: u32,
}

fn main() {}
