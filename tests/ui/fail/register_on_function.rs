use metrics_core::register;

#[register]
fn metrics() {}

fn main() {}
