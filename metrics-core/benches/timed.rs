//! `#[timed]` overhead: an empty timed function against the same function
//! timed by hand (`Instant::now()` pair plus `observe`) and against no
//! timing at all, in one run.
//!
//! ```text
//! cargo bench -p metrics-core --bench timed
//! ```

mod support;

use std::hint::black_box;
use std::time::Instant;

use metrics_core::{timed, Family, Global, Histogram, Metrics, Outcome};

#[derive(Metrics)]
struct BenchMetrics {
    /// Hand-timed calls.
    #[metrics(unit = "seconds")]
    by_hand: Family<Outcome, Histogram>,
    /// #[timed] calls.
    #[metrics(unit = "seconds")]
    by_macro: Family<Outcome, Histogram>,
    /// #[timed] calls of a Result-returning function.
    #[metrics(unit = "seconds")]
    by_macro_result: Family<Outcome, Histogram>,
}

static M: Global<BenchMetrics> = Global::new();

#[inline(never)]
fn untimed(x: u64) -> u64 {
    black_box(x)
}

#[inline(never)]
fn by_hand(x: u64) -> u64 {
    let start = Instant::now();
    let r = black_box(x);
    M.by_hand[Outcome::Ok].observe(start.elapsed().as_secs_f64());
    r
}

#[timed(M.by_macro)]
#[inline(never)]
fn by_macro(x: u64) -> u64 {
    black_box(x)
}

#[timed(M.by_macro_result)]
#[inline(never)]
fn by_macro_result(x: u64) -> Result<u64, ()> {
    Ok(black_box(x))
}

#[timed]
#[inline(never)]
fn builtin(x: u64) -> u64 {
    black_box(x)
}

const CALLS: u64 = 5_000_000;
const ROUNDS: usize = 7;

fn ns_per_call(f: impl Fn(u64) -> u64) -> f64 {
    (0..ROUNDS)
        .map(|_| {
            let start = Instant::now();
            let mut acc = 0u64;
            for i in 0..CALLS {
                acc = acc.wrapping_add(f(i));
            }
            black_box(acc);
            start.elapsed().as_nanos() as f64 / CALLS as f64
        })
        .fold(f64::INFINITY, f64::min)
}

fn main() {
    println!(
        "#[timed] overhead benchmark, best of {ROUNDS} rounds of {CALLS} calls, single thread"
    );
    println!("machine: {}", support::machine());
    println!("date:    {} (UTC)", support::today());
    // Build the lazy statics outside the measurement.
    let _ = (&*M, metrics_core::Registry::global());
    let none = ns_per_call(untimed);
    let hand = ns_per_call(by_hand);
    let timed = ns_per_call(by_macro);
    let timed_result = ns_per_call(|x| by_macro_result(x).unwrap_or(0));
    let timed_builtin = ns_per_call(builtin);
    println!("{:<52} {:>9}  {:>12}", "variant", "ns/call", "vs by hand");
    for (name, ns) in [
        ("no timing", none),
        ("by hand: Instant::now() pair + observe", hand),
        ("#[timed(METRICS.family)]", timed),
        ("#[timed(METRICS.family)] -> Result", timed_result),
        (
            "#[timed] (built-in families: histogram + counter)",
            timed_builtin,
        ),
    ] {
        println!("{name:<52} {ns:>9.2}  {:>11.2}x", ns / hand);
    }
    println!("goal: #[timed(target)] within 1.2x of by hand");
    assert!(M.by_macro[Outcome::Ok].snapshot().count > 0);
}
