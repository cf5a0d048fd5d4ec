//! The runtime behind `#[timed]`: the RAII timer here, how the outcome is
//! decided (`outcome.rs`), what a call records into (`target.rs`), and the
//! built-in per-function families (`builtin.rs`).

use std::time::Instant;

mod builtin;
mod outcome;
mod target;

pub use builtin::{TimedSite, TIMED_SITES};
pub use outcome::{error_of, Outcome, ReturnOutcome};
pub use target::{ErrorTarget, TimedTarget, WithInFlight};

/// Times one call: created when the call starts, `finish`ed with the
/// outcome when it returns. Dropped without `finish`, it records `Panic`
/// while unwinding and `Cancelled` otherwise (an async call's future
/// dropped before completion). Uses the monotonic clock (`Instant`).
///
/// The target is a trait object so that a wrong target is one error at the
/// coercion, not one per use; the call is inlined and devirtualized at
/// every `#[timed]` site (see the `timed` benchmark).
#[must_use = "a timer records when finished or dropped"]
pub struct Timer<'a> {
    target: &'a dyn TimedTarget,
    start: Instant,
    finished: bool,
}

impl<'a> Timer<'a> {
    /// Starts timing a call into `target`.
    #[inline]
    pub fn start(target: &'a dyn TimedTarget) -> Self {
        target.enter();
        Timer {
            target,
            start: Instant::now(),
            finished: false,
        }
    }

    /// Records the call's outcome and duration.
    #[inline]
    pub fn finish(mut self, outcome: Outcome) {
        self.finished = true;
        self.target
            .record(outcome, self.start.elapsed().as_secs_f64());
    }

    /// Seconds since the call started.
    #[inline]
    pub fn elapsed_seconds(&self) -> f64 {
        self.start.elapsed().as_secs_f64()
    }
}

impl Drop for Timer<'_> {
    #[inline]
    fn drop(&mut self) {
        if !self.finished {
            let outcome = if std::thread::panicking() {
                Outcome::Panic
            } else {
                Outcome::Cancelled
            };
            self.target
                .record(outcome, self.start.elapsed().as_secs_f64());
        }
        self.target.exit();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::counter::Counter;
    use crate::family::Family;
    use crate::histogram::Histogram;
    use crate::label::LabelValue;

    #[test]
    fn timer_records_outcomes() {
        let family: Family<Outcome, Histogram> = Family::new();
        Timer::start(&family).finish(Outcome::Ok);
        Timer::start(&family).finish(Outcome::Error);
        drop(Timer::start(&family));
        let caught = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let _timer = Timer::start(&family);
            panic!("boom");
        }));
        assert!(caught.is_err());
        for outcome in Outcome::VALUES {
            assert_eq!(family[*outcome].snapshot().count, 1, "{outcome:?}");
        }
    }

    #[test]
    fn error_targets_count_by_variant() {
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        enum E {
            A,
            B,
        }
        impl LabelValue for E {
            const NAME: &'static str = "error";
            const VALUES: &'static [Self] = &[E::A, E::B];
            const STRINGS: &'static [&'static str] = &["a", "b"];
            fn index(self) -> usize {
                self as usize
            }
        }
        let counts: Family<E, Counter> = Family::new();
        let r: Result<(), E> = Err(E::B);
        if let Some(e) = error_of(&r) {
            counts.record_error(e, 0.1);
        }
        assert_eq!(counts[E::B].get(), 1);
        assert_eq!(r.outcome(), Outcome::Error);
        assert_eq!(Ok::<(), E>(()).outcome(), Outcome::Ok);
    }
}
