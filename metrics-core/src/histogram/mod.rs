//! Histograms: observations counted into fixed (classic) buckets, native
//! (sparse exponential) buckets, or both, without locks.

mod exemplars;
mod native;
mod schema;
mod sparse;

use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use crate::buckets::Buckets;
use crate::encoding::{
    format_float, Exemplar, ExemplarError, ExemplarLabels, FamilyWriter, HistogramSample, Labels,
    MetricType,
};
use crate::invalid::InvalidValue;
use crate::metric::Metric;

pub use crate::encoding::NativeSnapshot;
use exemplars::ExemplarSlots;
pub use native::{NativeBuckets, NativeBucketsError};
use sparse::{NativeSeries, Observed};

/// How many exemplars a native-only histogram keeps (one per group of
/// buckets, so that they spread over the range of values).
const NATIVE_EXEMPLARS: usize = 8;

/// The bucket layout shared by every series of a histogram family: the
/// classic bounds with their `le` label values rendered once, and the
/// native buckets' layout if the histogram has them.
///
/// ```
/// use metrics_core::{Buckets, HistogramOptions, NativeBuckets};
/// let classic = HistogramOptions::from(Buckets::new(&[0.1, 1.0]));
/// let native = HistogramOptions::native(NativeBuckets::DEFAULT);
/// let both = HistogramOptions::from(Buckets::DEFAULT).with_native(NativeBuckets::DEFAULT);
/// assert!(classic.native_buckets().is_none());
/// assert!(native.bounds().is_empty() && native.native_buckets().is_some());
/// assert_eq!(both.bounds().len(), Buckets::DEFAULT.bounds().len());
/// ```
#[derive(Clone)]
pub struct HistogramOptions {
    layout: Arc<Layout>,
}

struct Layout {
    bounds: Box<[f64]>,
    // One per bound plus "+Inf", already formatted.
    le: Box<[Box<str>]>,
    native: Option<NativeBuckets>,
}

impl HistogramOptions {
    /// Native buckets only: no classic bounds (the text formats, which
    /// cannot carry native buckets, show `_count`, `_sum` and the `+Inf`
    /// bucket).
    pub fn native(native: NativeBuckets) -> Self {
        Self::new(&[], Some(native))
    }

    /// These options with native buckets added.
    pub fn with_native(self, native: NativeBuckets) -> Self {
        Self::new(&self.layout.bounds, Some(native))
    }

    /// The classic bounds (empty for a native-only histogram).
    pub fn bounds(&self) -> &[f64] {
        &self.layout.bounds
    }

    /// The native buckets' layout, if any.
    pub fn native_buckets(&self) -> Option<&NativeBuckets> {
        self.layout.native.as_ref()
    }

    fn new(bounds: &[f64], native: Option<NativeBuckets>) -> Self {
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
            layout: Arc::new(Layout {
                bounds: bounds.into(),
                le,
                native,
            }),
        }
    }
}

impl From<Buckets> for HistogramOptions {
    fn from(buckets: Buckets) -> Self {
        Self::new(buckets.bounds(), None)
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
            .field("native", &self.layout.native)
            .finish()
    }
}

/// Observations counted into buckets, with their sum: classic buckets
/// (fixed bounds, the default), native buckets (sparse exponential ones,
/// see [`NativeBuckets`]), or both.
///
/// `observe` takes no lock: it finds the classic bucket and does one
/// `fetch_add` on it, adds to the native bucket the same way if there are
/// native buckets (taking a lock only in the rare case the native layout
/// must change, see [`NativeBuckets`]), then adds to the sum with a
/// compare-exchange loop. Buckets are stored non-cumulatively; a scrape
/// reads them once and derives the cumulative counts, the `+Inf` bucket
/// and `_count` from that one reading, so `_count` equals the `+Inf`
/// bucket in every scrape, even while other threads observe. (`_sum` is
/// read separately and may include an observation the buckets do not yet
/// show, or the reverse.)
///
/// **Memory ordering.** `Relaxed` throughout: each bucket and the sum are
/// independent totals that publish no other memory.
///
/// **Non-finite observations** (NaN, ±infinity) are refused and leave the
/// histogram unchanged, so one bad value cannot turn `_sum` into NaN
/// forever; [`try_observe`](Self::try_observe) reports them.
///
/// **Formats.** Classic buckets travel in every format. Native buckets
/// travel in the protobuf format only (Prometheus with native histograms
/// enabled); in the text formats a native-only histogram shows its
/// `_count`, `_sum` and the `+Inf` bucket, as client_golang does.
///
/// ```
/// use metrics_core::{Buckets, Histogram, NativeBuckets};
/// let h = Histogram::new(Buckets::new(&[0.1, 1.0]));
/// h.observe(0.05);
/// h.observe(0.5);
/// h.observe(3.0);
/// let s = h.snapshot();
/// assert_eq!(s.cumulative, vec![1, 2, 3]);
/// assert_eq!(s.count, 3);
/// assert_eq!(s.sum, 3.55);
///
/// let n = Histogram::native(NativeBuckets::from_schema(0));
/// n.observe(3.0); // in (2, 4]: bucket 2 at schema 0
/// let native = n.snapshot().native.unwrap();
/// assert_eq!(native.positive, vec![(2, 1)]);
/// ```
pub struct Histogram {
    layout: Arc<Layout>,
    // Non-cumulative; the last one is the +Inf bucket. Empty for a
    // native-only histogram.
    counts: Box<[AtomicU64]>,
    // f64 bits.
    sum: AtomicU64,
    native: Option<NativeSeries>,
    exemplars: ExemplarSlots,
}

/// One consistent reading of a histogram.
#[derive(Debug, Clone, PartialEq)]
pub struct HistogramSnapshot {
    /// The finite classic bucket bounds.
    pub bounds: Vec<f64>,
    /// Cumulative counts, one per bound plus the `+Inf` bucket.
    pub cumulative: Vec<u64>,
    /// Number of observations (equal to the `+Inf` bucket).
    pub count: u64,
    /// Sum of observations.
    pub sum: f64,
    /// The native buckets, for a histogram that has them.
    pub native: Option<NativeSnapshot>,
}

impl Histogram {
    /// A histogram with the given classic buckets.
    pub fn new(buckets: Buckets) -> Self {
        Self::with_options(&buckets.into())
    }

    /// A histogram with native buckets only.
    pub fn native(native: NativeBuckets) -> Self {
        Self::with_options(&HistogramOptions::native(native))
    }

    /// A histogram with both classic and native buckets.
    pub fn classic_and_native(buckets: Buckets, native: NativeBuckets) -> Self {
        Self::with_options(&HistogramOptions::from(buckets).with_native(native))
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
        match &self.native {
            None => self.observe_classic(v),
            Some(native) => {
                if native.observe(v) == Observed::Reset {
                    self.reset_classic();
                }
                // Native-only histograms have no classic counts.
                if !self.counts.is_empty() {
                    self.observe_classic(v);
                }
            }
        }
        // The closure always returns Some, so the update cannot fail.
        let _ = self
            .sum
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |bits| {
                Some((f64::from_bits(bits) + v).to_bits())
            });
        Ok(())
    }

    /// Records one observation with an exemplar (labels such as a trace
    /// id, see [`Exemplar`]), kept as the latest of the bucket the value
    /// falls in. The observation is recorded even when the exemplar is
    /// refused (labels over 128 code points, an invalid label name); a
    /// non-finite value is refused as [`observe`](Self::observe) refuses
    /// it. Costs an allocation for the exemplar; `observe` is unchanged.
    ///
    /// ```
    /// use metrics_core::{Buckets, Histogram};
    /// let h = Histogram::new(Buckets::new(&[0.1, 1.0]));
    /// h.observe_with_exemplar(0.7, &[("trace_id", "4bf92f3577b34da6")], None).unwrap();
    /// let too_long = "x".repeat(200);
    /// assert!(h.observe_with_exemplar(0.2, &[("trace_id", too_long.as_str())], None).is_err());
    /// assert_eq!(h.snapshot().count, 2);
    /// ```
    pub fn observe_with_exemplar<L: ExemplarLabels + ?Sized>(
        &self,
        v: f64,
        labels: &L,
        timestamp: Option<std::time::SystemTime>,
    ) -> Result<(), ExemplarError> {
        if !v.is_finite() {
            return Err(ExemplarError::NonFiniteValue(v));
        }
        let exemplar = Exemplar::new(labels, v);
        self.observe(v);
        let mut exemplar = exemplar?;
        if let Some(t) = timestamp {
            exemplar = exemplar.with_timestamp(t);
        }
        let (slot, slots) = match (&self.layout.native, self.counts.len()) {
            (Some(native), 0) => {
                let index = if v == 0.0 {
                    0
                } else {
                    schema::bucket_index(v.abs(), native.schema())
                };
                (
                    index.rem_euclid(NATIVE_EXEMPLARS as i32) as usize,
                    NATIVE_EXEMPLARS,
                )
            }
            (_, len) => (self.classic_index(v), len),
        };
        self.exemplars.store(slot, slots, exemplar);
        Ok(())
    }

    /// The classic bucket `v` falls in (`le` semantics: the first whose
    /// bound is >= v, which is the number of bounds below v).
    #[inline]
    fn classic_index(&self, v: f64) -> usize {
        let bounds = &self.layout.bounds;
        // Counting is branchless (and vectorizes), which beats both an
        // early-exit scan and binary search on the short lists histograms
        // usually have: no mispredicted branches.
        if bounds.len() <= 16 {
            bounds.iter().map(|b| usize::from(*b < v)).sum()
        } else {
            bounds.partition_point(|b| *b < v)
        }
    }

    /// Counts `v` in its classic bucket.
    #[inline]
    fn observe_classic(&self, v: f64) {
        let i = self.classic_index(v);
        if let Some(bucket) = self.counts.get(i) {
            // Relaxed: see the type's docs.
            bucket.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// The native buckets started over (their limit was reached after the
    /// minimum reset duration): so do the classic ones and the sum, so the
    /// series stays one histogram. To Prometheus this is a counter reset.
    /// An observation racing with it may count on either side.
    #[cold]
    fn reset_classic(&self) {
        for c in self.counts.iter() {
            c.store(0, Ordering::Relaxed);
        }
        self.sum.store(0f64.to_bits(), Ordering::Relaxed);
    }

    /// Reads the histogram once.
    pub fn snapshot(&self) -> HistogramSnapshot {
        let native = self.native.as_ref().map(|n| n.snapshot());
        let mut cumulative = vec![0; self.counts.len()];
        let mut count = self.read_cumulative(&mut cumulative);
        if let Some(native) = &native {
            count = count.max(native.count());
            if self.counts.is_empty() {
                cumulative.push(count);
            }
        }
        HistogramSnapshot {
            bounds: self.layout.bounds.to_vec(),
            count,
            cumulative,
            sum: f64::from_bits(self.sum.load(Ordering::Relaxed)),
            native,
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

    /// The finite classic bucket bounds.
    pub fn bounds(&self) -> &[f64] {
        &self.layout.bounds
    }

    /// The native buckets' layout, if the histogram has native buckets.
    pub fn native_buckets(&self) -> Option<&NativeBuckets> {
        self.layout.native.as_ref()
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
            .field("native", &s.native)
            .finish()
    }
}

impl Metric for Histogram {
    const TYPE: MetricType = MetricType::Histogram;
    type Options = HistogramOptions;

    fn with_options(options: &HistogramOptions) -> Self {
        let layout = &options.layout;
        let classic = if layout.native.is_some() && layout.bounds.is_empty() {
            0
        } else {
            layout.bounds.len() + 1
        };
        Histogram {
            layout: layout.clone(),
            counts: (0..classic).map(|_| AtomicU64::new(0)).collect(),
            sum: AtomicU64::new(0),
            native: layout.native.map(NativeSeries::new),
            exemplars: ExemplarSlots::default(),
        }
    }

    fn encode(&self, labels: Labels<'_>, out: &mut FamilyWriter<'_>) {
        // One reading of every bucket, on the stack (at most 65 buckets).
        let mut cumulative = [0u64; Buckets::MAX + 1];
        let n = self.counts.len().min(cumulative.len());
        let mut count = self.read_cumulative(&mut cumulative[..n]);
        let sum = f64::from_bits(self.sum.load(Ordering::Relaxed));
        let native = self.native.as_ref().map(NativeSeries::snapshot);
        if let Some(native) = &native {
            // The count covers both readings (Prometheus refuses a native
            // histogram whose buckets hold more than its count).
            count = count.max(native.count());
            if n == 0 {
                cumulative[0] = count;
            }
        }
        let exemplars = self.exemplars.read();
        let sample = HistogramSample {
            le: &self.layout.le,
            cumulative: &cumulative[..n.max(1)],
            count,
            sum,
            native: native.as_ref(),
            exemplars: &exemplars,
        };
        out.histogram_sample(labels, &sample);
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
