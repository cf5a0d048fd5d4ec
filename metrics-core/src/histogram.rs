//! Histograms: observations counted into fixed buckets, without locks.

use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use crate::buckets::Buckets;
use crate::encoding::{format_float, FamilyWriter, Labels, MetricType};
use crate::invalid::InvalidValue;
use crate::metric::Metric;

/// A bucket layout shared by every series of a histogram family: the bounds
/// and their `le` label values, rendered once.
#[derive(Clone)]
pub struct HistogramOptions {
    layout: Arc<Layout>,
}

struct Layout {
    bounds: Box<[f64]>,
    // One per bound plus "+Inf", already formatted.
    le: Box<[Box<str>]>,
}

impl From<Buckets> for HistogramOptions {
    fn from(buckets: Buckets) -> Self {
        let bounds: Box<[f64]> = buckets.bounds().into();
        let le = bounds
            .iter()
            .map(|b| {
                let mut s = String::new();
                format_float(*b, &mut s);
                s.into_boxed_str()
            })
            .chain(std::iter::once(Box::from("+Inf")))
            .collect();
        HistogramOptions {
            layout: Arc::new(Layout { bounds, le }),
        }
    }
}

impl Default for HistogramOptions {
    fn default() -> Self {
        Buckets::DEFAULT.into()
    }
}

impl fmt::Debug for HistogramOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HistogramOptions")
            .field("bounds", &self.layout.bounds)
            .finish()
    }
}

/// Observations counted into fixed buckets, with their sum.
///
/// `observe` takes no lock: it finds the bucket and does one `fetch_add` on
/// it, then adds to the sum with a compare-exchange loop. Buckets are stored
/// non-cumulatively; a scrape reads them once and derives the cumulative
/// counts, the `+Inf` bucket and `_count` from that one reading, so
/// `_count` equals the `+Inf` bucket in every scrape, even while other
/// threads observe. (`_sum` is read separately and may include an
/// observation the buckets do not yet show, or the reverse.)
///
/// **Memory ordering.** `Relaxed` throughout: each bucket and the sum are
/// independent totals that publish no other memory.
///
/// **Non-finite observations** (NaN, ±infinity) are refused and leave the
/// histogram unchanged, so one bad value cannot turn `_sum` into NaN
/// forever; [`try_observe`](Self::try_observe) reports them.
///
/// ```
/// use metrics_core::{Buckets, Histogram};
/// let h = Histogram::new(Buckets::new(&[0.1, 1.0]));
/// h.observe(0.05);
/// h.observe(0.5);
/// h.observe(3.0);
/// let s = h.snapshot();
/// assert_eq!(s.cumulative, vec![1, 2, 3]);
/// assert_eq!(s.count, 3);
/// assert_eq!(s.sum, 3.55);
/// ```
pub struct Histogram {
    layout: Arc<Layout>,
    // Non-cumulative; the last one is the +Inf bucket.
    counts: Box<[AtomicU64]>,
    // f64 bits.
    sum: AtomicU64,
}

/// One consistent reading of a histogram.
#[derive(Debug, Clone, PartialEq)]
pub struct HistogramSnapshot {
    /// The finite bucket bounds.
    pub bounds: Vec<f64>,
    /// Cumulative counts, one per bound plus the `+Inf` bucket.
    pub cumulative: Vec<u64>,
    /// Number of observations (equal to the `+Inf` bucket).
    pub count: u64,
    /// Sum of observations.
    pub sum: f64,
}

impl Histogram {
    /// A histogram with the given buckets.
    pub fn new(buckets: Buckets) -> Self {
        Self::with_options(&buckets.into())
    }

    /// Records one observation. Non-finite values are refused (see the
    /// type's docs).
    #[inline]
    pub fn observe(&self, v: f64) {
        let _ = self.try_observe(v);
    }

    /// Records one observation, or returns why it was refused.
    #[inline]
    pub fn try_observe(&self, v: f64) -> Result<(), InvalidValue> {
        if !v.is_finite() {
            return Err(InvalidValue::observation(v));
        }
        let bounds = &self.layout.bounds;
        // `le` semantics: the first bucket whose bound is >= v, which is the
        // number of bounds below v. Counting is branchless (and vectorizes),
        // which beats both an early-exit scan and binary search on the
        // short lists histograms usually have: no mispredicted branches.
        let i = if bounds.len() <= 16 {
            bounds.iter().map(|b| usize::from(*b < v)).sum()
        } else {
            bounds.partition_point(|b| *b < v)
        };
        if let Some(bucket) = self.counts.get(i) {
            // Relaxed: see the type's docs.
            bucket.fetch_add(1, Ordering::Relaxed);
        }
        // The closure always returns Some, so the update cannot fail.
        let _ = self
            .sum
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |bits| {
                Some((f64::from_bits(bits) + v).to_bits())
            });
        Ok(())
    }

    /// Reads the histogram once.
    pub fn snapshot(&self) -> HistogramSnapshot {
        let mut cumulative = vec![0; self.counts.len()];
        let count = self.read_cumulative(&mut cumulative);
        HistogramSnapshot {
            bounds: self.layout.bounds.to_vec(),
            count,
            cumulative,
            sum: f64::from_bits(self.sum.load(Ordering::Relaxed)),
        }
    }

    /// Reads every bucket once into `out` as cumulative counts and returns
    /// the total, which is therefore the `+Inf` bucket by construction.
    fn read_cumulative(&self, out: &mut [u64]) -> u64 {
        let mut total = 0;
        for (slot, c) in out.iter_mut().zip(self.counts.iter()) {
            total += c.load(Ordering::Relaxed);
            *slot = total;
        }
        total
    }

    /// The finite bucket bounds.
    pub fn bounds(&self) -> &[f64] {
        &self.layout.bounds
    }
}

impl Default for Histogram {
    fn default() -> Self {
        Self::with_options(&HistogramOptions::default())
    }
}

impl fmt::Debug for Histogram {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = self.snapshot();
        f.debug_struct("Histogram")
            .field("bounds", &s.bounds)
            .field("cumulative", &s.cumulative)
            .field("sum", &s.sum)
            .finish()
    }
}

impl Metric for Histogram {
    const TYPE: MetricType = MetricType::Histogram;
    type Options = HistogramOptions;

    fn with_options(options: &HistogramOptions) -> Self {
        let counts = (0..=options.layout.bounds.len())
            .map(|_| AtomicU64::new(0))
            .collect();
        Histogram {
            layout: options.layout.clone(),
            counts,
            sum: AtomicU64::new(0),
        }
    }

    fn encode(&self, labels: Labels<'_>, out: &mut FamilyWriter<'_>) {
        // One reading of every bucket, on the stack (at most 65 buckets).
        let mut cumulative = [0u64; Buckets::MAX + 1];
        let n = self.counts.len().min(cumulative.len());
        self.read_cumulative(&mut cumulative[..n]);
        let sum = f64::from_bits(self.sum.load(Ordering::Relaxed));
        out.histogram(labels, &self.layout.le, &cumulative[..n], sum);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bucket_boundaries_are_inclusive() {
        let h = Histogram::new(Buckets::new(&[1.0, 2.0]));
        for v in [-5.0, 1.0, 1.5, 2.0, 2.0001] {
            h.observe(v);
        }
        let s = h.snapshot();
        assert_eq!(s.cumulative, vec![2, 4, 5]);
        assert_eq!(s.count, 5);
    }

    #[test]
    fn non_finite_observations_are_refused() {
        let h = Histogram::default();
        assert!(h.try_observe(f64::NAN).is_err());
        assert!(h.try_observe(f64::INFINITY).is_err());
        h.observe(f64::NEG_INFINITY);
        let s = h.snapshot();
        assert_eq!(s.count, 0);
        assert_eq!(s.sum, 0.0);
        assert!(InvalidValue::observation(f64::NAN)
            .to_string()
            .contains("NaN"));
    }

    #[test]
    fn many_buckets_use_binary_search() {
        let h = Histogram::new(Buckets::linear(0.0, 1.0, 40));
        for v in 0..50 {
            h.observe(v as f64);
        }
        let s = h.snapshot();
        assert_eq!(s.cumulative[0], 1);
        assert_eq!(s.cumulative[39], 40);
        assert_eq!(s.cumulative[40], 50);
    }
}
