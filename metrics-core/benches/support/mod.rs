//! What the benchmarks share: timing loops, and what they print about
//! where they ran.

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// The CPU model from `/proc/cpuinfo` (the architecture elsewhere) and the
/// number of CPUs.
pub(crate) fn machine() -> String {
    let model = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines().find_map(|l| {
                l.strip_prefix("model name")
                    .and_then(|r| r.split(':').nth(1))
                    .map(|m| m.trim().to_owned())
            })
        })
        .unwrap_or_else(|| std::env::consts::ARCH.to_owned());
    let cpus = std::thread::available_parallelism().map_or(0, |n| n.get());
    format!("{model} ({cpus} cpus)")
}

/// Today's civil date (UTC) from the Unix clock (Howard Hinnant's
/// algorithm).
pub(crate) fn today() -> String {
    let days = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() / 86_400) as i64;
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

/// The best (lowest) nanoseconds per operation of `f(iterations)` over
/// `rounds` rounds, to discount noise from other processes.
#[allow(dead_code)] // not every benchmark times per operation
pub(crate) fn ns_per_op(rounds: usize, iterations: u64, mut f: impl FnMut(u64)) -> f64 {
    (0..rounds)
        .map(|_| {
            let start = Instant::now();
            f(iterations);
            start.elapsed().as_nanos() as f64 / iterations as f64
        })
        .fold(f64::INFINITY, f64::min)
}

/// The best duration of `f` over `rounds` rounds.
#[allow(dead_code)] // not every benchmark times whole runs
pub(crate) fn best_duration(rounds: usize, mut f: impl FnMut()) -> Duration {
    (0..rounds)
        .map(|_| {
            let start = Instant::now();
            f();
            start.elapsed()
        })
        .min()
        .unwrap_or_default()
}
