//! What `#[timed]` records into: a histogram or an outcome-labelled
//! family, optionally with an in-flight gauge, and the families `errors =`
//! counts by variant.

use super::Outcome;
use crate::counter::Counter;
use crate::family::Family;
use crate::gauge::Gauge;
use crate::histogram::Histogram;
use crate::label::{DenseLabelSet, LabelValue};

/// Something `#[timed(target)]` can record a call into: a [`Histogram`], or
/// a [`Family`] of histograms keyed by a dense label set built from the
/// [`Outcome`] (`Family<Outcome, Histogram>`, or your own label enum with
/// `impl From<Outcome>`).
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot record the duration of calls",
    label = "not a timing target",
    note = "`#[timed(target)]` records into a `Histogram` or a `Family<L, Histogram>` whose \
            label set `L` is dense and implements `From<metrics_core::Outcome>`"
)]
pub trait TimedTarget: Sync {
    /// Records one call.
    fn record(&self, outcome: Outcome, seconds: f64);
    /// A call started (for in-flight gauges).
    fn enter(&self) {}
    /// A call ended, however it ended.
    fn exit(&self) {}
}

impl TimedTarget for Histogram {
    #[inline]
    fn record(&self, _: Outcome, seconds: f64) {
        self.observe(seconds);
    }
}

impl<L: DenseLabelSet + From<Outcome>> TimedTarget for Family<L, Histogram> {
    #[inline]
    fn record(&self, outcome: Outcome, seconds: f64) {
        self[L::from(outcome)].observe(seconds);
    }
}

impl<T: TimedTarget + ?Sized> TimedTarget for &T {
    #[inline]
    fn record(&self, outcome: Outcome, seconds: f64) {
        (**self).record(outcome, seconds)
    }
    #[inline]
    fn enter(&self) {
        (**self).enter()
    }
    #[inline]
    fn exit(&self) {
        (**self).exit()
    }
}

/// A target plus a gauge of calls in progress (`in_flight = gauge`).
pub struct WithInFlight<'a, T> {
    target: T,
    gauge: &'a Gauge,
}

impl<'a, T: TimedTarget> WithInFlight<'a, T> {
    /// Records into `target`, counting calls in progress in `gauge`.
    pub fn new(target: T, gauge: &'a Gauge) -> Self {
        WithInFlight { target, gauge }
    }
}

impl<T: TimedTarget> TimedTarget for WithInFlight<'_, T> {
    #[inline]
    fn record(&self, outcome: Outcome, seconds: f64) {
        self.target.record(outcome, seconds)
    }
    #[inline]
    fn enter(&self) {
        self.gauge.inc();
        self.target.enter()
    }
    #[inline]
    fn exit(&self) {
        self.gauge.dec();
        self.target.exit()
    }
}

/// What `#[timed(..., errors = target)]` counts errors into: a family keyed
/// by the function's error type itself, which must be a `LabelValue` enum
/// (`Family<MyError, Counter>` counts by variant, `Family<MyError,
/// Histogram>` times by variant).
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot record errors of type `{E}`",
    label = "not an error target for this function's error type",
    note = "`errors = target` needs a `Family<E, Counter>` or `Family<E, Histogram>` where `E` is \
            the function's error type and derives `LabelValue`"
)]
pub trait ErrorTarget<E> {
    /// Records one error.
    fn record_error(&self, error: &E, seconds: f64);
}

impl<E: LabelValue> ErrorTarget<E> for Family<E, Counter> {
    #[inline]
    fn record_error(&self, error: &E, _: f64) {
        self[*error].inc();
    }
}

impl<E: LabelValue> ErrorTarget<E> for Family<E, Histogram> {
    #[inline]
    fn record_error(&self, error: &E, seconds: f64) {
        self[*error].observe(seconds);
    }
}
