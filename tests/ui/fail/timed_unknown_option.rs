use metrics_core::timed;

#[timed(nmae = "work")]
fn work() {}

fn main() {
    work();
}
