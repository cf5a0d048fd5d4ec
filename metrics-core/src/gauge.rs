//! Gauges: values that go up and down.

use std::marker::PhantomData;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::metric::one_value_metric;

/// A value that goes up and down: `Gauge` (`Gauge<i64>`) or `Gauge<f64>`.
///
/// One `AtomicU64` (8 bytes) either way. Integer arithmetic wraps on
/// overflow (two's complement). Float gauges accept any value, NaN and
/// infinities included, and expose them as `NaN`, `+Inf` and `-Inf`.
///
/// **Memory ordering.** Every operation is `Relaxed`: a gauge publishes no
/// other memory; read-modify-writes are atomic, so no update is lost.
///
/// ```
/// use metrics_core::Gauge;
/// let in_flight: Gauge = Gauge::new();
/// in_flight.inc();
/// in_flight.add(5);
/// in_flight.dec();
/// assert_eq!(in_flight.get(), 5);
///
/// let temperature: Gauge<f64> = Gauge::new();
/// temperature.set(21.5);
/// temperature.sub(1.5);
/// assert_eq!(temperature.get(), 20.0);
/// ```
pub struct Gauge<N = i64> {
    // An i64 as two's complement bits, or an f64's bit pattern.
    bits: AtomicU64,
    _number: PhantomData<fn() -> N>,
}

impl<N> Gauge<N> {
    /// A gauge at zero.
    pub const fn new() -> Self {
        Gauge {
            bits: AtomicU64::new(0),
            _number: PhantomData,
        }
    }
}

impl<N> Default for Gauge<N> {
    fn default() -> Self {
        Self::new()
    }
}

impl Gauge<i64> {
    /// Sets the value.
    #[inline]
    pub fn set(&self, v: i64) {
        self.bits.store(v as u64, Ordering::Relaxed);
    }

    /// Adds one.
    #[inline]
    pub fn inc(&self) {
        self.add(1);
    }

    /// Subtracts one.
    #[inline]
    pub fn dec(&self) {
        self.sub(1);
    }

    /// Adds `v` (wrapping).
    #[inline]
    pub fn add(&self, v: i64) {
        // Two's complement addition is the same on u64 bits.
        self.bits.fetch_add(v as u64, Ordering::Relaxed);
    }

    /// Subtracts `v` (wrapping).
    #[inline]
    pub fn sub(&self, v: i64) {
        self.bits.fetch_sub(v as u64, Ordering::Relaxed);
    }

    /// The current value.
    #[inline]
    pub fn get(&self) -> i64 {
        self.bits.load(Ordering::Relaxed) as i64
    }
}

impl Gauge<f64> {
    /// Sets the value.
    #[inline]
    pub fn set(&self, v: f64) {
        self.bits.store(v.to_bits(), Ordering::Relaxed);
    }

    /// Adds one.
    #[inline]
    pub fn inc(&self) {
        self.add(1.0);
    }

    /// Subtracts one.
    #[inline]
    pub fn dec(&self) {
        self.add(-1.0);
    }

    /// Adds `v`.
    #[inline]
    pub fn add(&self, v: f64) {
        // Relaxed compare-exchange loop; the closure always returns Some.
        let _ = self
            .bits
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |bits| {
                Some((f64::from_bits(bits) + v).to_bits())
            });
    }

    /// Subtracts `v`.
    #[inline]
    pub fn sub(&self, v: f64) {
        self.add(-v);
    }

    /// The current value.
    #[inline]
    pub fn get(&self) -> f64 {
        f64::from_bits(self.bits.load(Ordering::Relaxed))
    }
}

one_value_metric!(Gauge, Gauge, gauge: i64, f64);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integer_gauge() {
        let g: Gauge = Gauge::new();
        g.set(10);
        g.inc();
        g.dec();
        g.dec();
        g.sub(20);
        assert_eq!(g.get(), -11);
        g.set(i64::MAX);
        g.inc();
        assert_eq!(g.get(), i64::MIN);
    }

    #[test]
    fn float_gauge() {
        let g: Gauge<f64> = Gauge::new();
        assert_eq!(g.get(), 0.0);
        g.inc();
        g.add(0.5);
        g.dec();
        assert_eq!(g.get(), 0.5);
        g.set(f64::NAN);
        assert!(g.get().is_nan());
        assert_eq!(format!("{:?}", Gauge::<f64>::new()), "Gauge(0.0)");
    }
}
