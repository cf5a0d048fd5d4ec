use metrics_core::timed;

#[timed(name = "a", name = "b")]
fn work() {}

fn main() {
    work();
}
