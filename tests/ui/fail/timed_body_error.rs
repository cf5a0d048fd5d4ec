use metrics_core::timed;

#[timed]
fn parse(input: &str) -> u32 {
    // The error points here, at the user's code, not at the macro.
    input.len() + "1"
}

fn main() {
    let _ = parse("x");
}
