//! Counters: monotonically increasing totals.

use std::marker::PhantomData;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::invalid::InvalidValue;
use crate::metric::one_value_metric;

/// A monotonically increasing total, exposed as `<name>_total`.
///
/// `Counter` (`Counter<u64>`) counts events; `Counter<f64>` accumulates
/// amounts such as seconds or bytes. Both are one `AtomicU64` (8 bytes).
///
/// **Memory ordering.** Every operation is `Relaxed`: a counter publishes no
/// other memory, readers only need each value to be one that was written,
/// and the atomicity of the read-modify-write keeps every increment.
///
/// **Overflow.** `Counter<u64>` wraps at 2^64, which Prometheus reads as a
/// counter reset.
///
/// ```
/// use metrics_core::Counter;
/// let requests: Counter = Counter::new();
/// requests.inc();
/// requests.inc_by(2);
/// assert_eq!(requests.get(), 3);
///
/// let seconds: Counter<f64> = Counter::new();
/// seconds.inc_by(0.25);
/// seconds.inc_by(-1.0); // refused: counters never go down
/// assert_eq!(seconds.get(), 0.25);
/// ```
pub struct Counter<N = u64> {
    // The value's bits: a u64, or an f64's bit pattern (0 is 0.0 in both).
    bits: AtomicU64,
    _number: PhantomData<fn() -> N>,
}

impl<N> Counter<N> {
    /// A counter at zero.
    pub const fn new() -> Self {
        Counter {
            bits: AtomicU64::new(0),
            _number: PhantomData,
        }
    }
}

impl<N> Default for Counter<N> {
    fn default() -> Self {
        Self::new()
    }
}

impl Counter<u64> {
    /// Adds one.
    #[inline]
    pub fn inc(&self) {
        // Relaxed: see the type's docs.
        self.bits.fetch_add(1, Ordering::Relaxed);
    }

    /// Adds `v`.
    #[inline]
    pub fn inc_by(&self, v: u64) {
        // Relaxed: see the type's docs.
        self.bits.fetch_add(v, Ordering::Relaxed);
    }

    /// The current total.
    #[inline]
    pub fn get(&self) -> u64 {
        // Relaxed: any value written is a valid reading.
        self.bits.load(Ordering::Relaxed)
    }
}

impl Counter<f64> {
    /// Adds one.
    #[inline]
    pub fn inc(&self) {
        self.add(1.0);
    }

    /// Adds `v`. A negative, NaN or infinite `v` is refused and the counter
    /// is left unchanged (use [`try_inc_by`](Self::try_inc_by) to learn of
    /// it); counters never go down and never become non-finite.
    #[inline]
    pub fn inc_by(&self, v: f64) {
        let _ = self.try_inc_by(v);
    }

    /// Adds `v`, or returns why it was refused.
    #[inline]
    pub fn try_inc_by(&self, v: f64) -> Result<(), InvalidValue> {
        if !v.is_finite() || v < 0.0 {
            return Err(InvalidValue::increment(v));
        }
        self.add(v);
        Ok(())
    }

    #[inline]
    fn add(&self, v: f64) {
        // Relaxed compare-exchange loop: see the type's docs. The closure
        // always returns Some, so the update cannot fail.
        let _ = self
            .bits
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |bits| {
                Some((f64::from_bits(bits) + v).to_bits())
            });
    }

    /// The current total.
    #[inline]
    pub fn get(&self) -> f64 {
        f64::from_bits(self.bits.load(Ordering::Relaxed))
    }
}

one_value_metric!(Counter, Counter, counter: u64, f64);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integer_counter_counts() {
        let c: Counter = Counter::new();
        c.inc();
        c.inc_by(41);
        assert_eq!(c.get(), 42);
        assert_eq!(format!("{c:?}"), "Counter(42)");
        assert_eq!(std::mem::size_of::<Counter>(), 8);
    }

    #[test]
    fn float_counter_refuses_bad_increments() {
        let c: Counter<f64> = Counter::new();
        c.inc();
        c.inc_by(0.5);
        for bad in [-1.0, f64::NAN, f64::INFINITY, f64::NEG_INFINITY, -0.0001] {
            assert_eq!(
                c.try_inc_by(bad).map_err(|e| e.value().to_bits()),
                Err(bad.to_bits())
            );
            c.inc_by(bad);
        }
        assert_eq!(c.get(), 1.5);
        assert!(InvalidValue::increment(-1.0).to_string().contains("-1"));
        c.inc_by(0.0);
        assert_eq!(c.get(), 1.5);
    }
}
