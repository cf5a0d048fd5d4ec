//! [`NativeBuckets`]: how a histogram's native (sparse, exponential)
//! buckets are laid out and kept within a size, checked by `const fn`s.

use std::fmt;
use std::time::Duration;

use super::schema;

/// Why a native bucket layout was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum NativeBucketsError {
    /// The bucket factor is not a finite number above 1.
    Factor,
    /// The schema is outside -4..=8.
    Schema,
    /// A zero threshold is negative, NaN or infinite, or the maximum zero
    /// threshold is below the zero threshold.
    ZeroThreshold,
}

impl NativeBucketsError {
    /// A sentence describing the problem, usable in `const` panics.
    pub const fn message(self) -> &'static str {
        match self {
            NativeBucketsError::Factor => {
                "native histogram bucket factor must be a finite number above 1 (1.1 is the usual choice)"
            }
            NativeBucketsError::Schema => "native histogram schema must be within -4..=8",
            NativeBucketsError::ZeroThreshold => {
                "native histogram zero threshold must be finite and at least 0, and the \
                 maximum zero threshold at least the zero threshold"
            }
        }
    }
}

impl fmt::Display for NativeBucketsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.message())
    }
}

impl std::error::Error for NativeBucketsError {}

/// The layout of a histogram's native buckets: exponential buckets that
/// exist only where observations fell, sent in the protobuf format
/// (Prometheus with native histograms enabled).
///
/// A layout starts at a resolution (the *schema*: each bucket is
/// `2^(2^-schema)` times wider than the one below) and a zero bucket for
/// values within `±zero_threshold`. It is kept within `max_buckets` the way
/// Go's client_golang keeps it: when an observation would need more, the
/// histogram is reset if `min_reset_duration` has passed since the last
/// reset, else the zero bucket widens (up to `max_zero_threshold`) to take
/// in the buckets nearest zero, else the resolution halves (neighbouring
/// buckets merge) until the buckets fit.
///
/// ```
/// use metrics_core::NativeBuckets;
/// use std::time::Duration;
///
/// const LATENCY: NativeBuckets = NativeBuckets::from_factor(1.05)
///     .with_max_buckets(100)
///     .with_min_reset_duration(Duration::from_secs(3600));
/// assert_eq!(LATENCY.schema(), 4);
/// assert_eq!(NativeBuckets::DEFAULT.schema(), 3);
/// ```
///
/// ```compile_fail
/// use metrics_core::NativeBuckets;
/// const BAD: NativeBuckets = NativeBuckets::from_factor(0.9); // does not compile
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NativeBuckets {
    schema: i8,
    zero_threshold: f64,
    max_zero_threshold: f64,
    max_buckets: u32,
    min_reset_duration: Duration,
}

impl NativeBuckets {
    /// Prometheus's recommended layout: bucket factor 1.1 (schema 3, about
    /// 4.5% relative error), zero threshold 2^-128, at most 160 buckets,
    /// no reset, no widening of the zero bucket.
    pub const DEFAULT: NativeBuckets = NativeBuckets::from_factor(1.1);

    /// The bucket limit of [`DEFAULT`](Self::DEFAULT).
    pub const DEFAULT_MAX_BUCKETS: u32 = 160;

    /// The zero threshold of [`DEFAULT`](Self::DEFAULT): 2^-128.
    pub const DEFAULT_ZERO_THRESHOLD: f64 = 2.938735877055719e-39;

    /// Buckets growing by at most `factor` each: the coarsest schema whose
    /// factor does not exceed it (as client_golang chooses). Factors below
    /// the finest schema's (1.0027) get the finest.
    pub const fn try_from_factor(factor: f64) -> Result<Self, NativeBucketsError> {
        if !(factor > 1.0 && factor.is_finite()) {
            return Err(NativeBucketsError::Factor);
        }
        let mut i = 0;
        while i < schema::FACTORS.len() - 1 && schema::FACTORS[i] > factor {
            i += 1;
        }
        Self::try_from_schema(schema::MIN + i as i8)
    }

    /// [`try_from_factor`](Self::try_from_factor), panicking on a bad
    /// factor: in a `const` item, a compile error.
    pub const fn from_factor(factor: f64) -> Self {
        match Self::try_from_factor(factor) {
            Ok(b) => b,
            Err(e) => panic!("{}", e.message()),
        }
    }

    /// Buckets at `schema` (-4..=8; factor `2^(2^-schema)`).
    pub const fn try_from_schema(schema: i8) -> Result<Self, NativeBucketsError> {
        if schema < schema::MIN || schema > schema::MAX {
            return Err(NativeBucketsError::Schema);
        }
        Ok(NativeBuckets {
            schema,
            zero_threshold: Self::DEFAULT_ZERO_THRESHOLD,
            max_zero_threshold: Self::DEFAULT_ZERO_THRESHOLD,
            max_buckets: Self::DEFAULT_MAX_BUCKETS,
            min_reset_duration: Duration::ZERO,
        })
    }

    /// [`try_from_schema`](Self::try_from_schema), panicking on a bad
    /// schema: in a `const` item, a compile error.
    pub const fn from_schema(schema: i8) -> Self {
        match Self::try_from_schema(schema) {
            Ok(b) => b,
            Err(e) => panic!("{}", e.message()),
        }
    }

    /// Observations with `|v| <= threshold` count in the zero bucket.
    /// Raises the maximum zero threshold to match if it was lower. Refused
    /// when negative, NaN or infinite.
    pub const fn try_with_zero_threshold(
        mut self,
        threshold: f64,
    ) -> Result<Self, NativeBucketsError> {
        if !(threshold >= 0.0 && threshold.is_finite()) {
            return Err(NativeBucketsError::ZeroThreshold);
        }
        self.zero_threshold = threshold;
        if self.max_zero_threshold < threshold {
            self.max_zero_threshold = threshold;
        }
        Ok(self)
    }

    /// [`try_with_zero_threshold`](Self::try_with_zero_threshold),
    /// panicking on a bad threshold: in a `const` item, a compile error.
    pub const fn with_zero_threshold(self, threshold: f64) -> Self {
        match self.try_with_zero_threshold(threshold) {
            Ok(b) => b,
            Err(e) => panic!("{}", e.message()),
        }
    }

    /// How far the zero bucket may widen to keep within the bucket limit
    /// (default: not at all). Refused when below the zero threshold or not
    /// finite.
    pub const fn try_with_max_zero_threshold(
        mut self,
        threshold: f64,
    ) -> Result<Self, NativeBucketsError> {
        if !(threshold >= self.zero_threshold && threshold.is_finite()) {
            return Err(NativeBucketsError::ZeroThreshold);
        }
        self.max_zero_threshold = threshold;
        Ok(self)
    }

    /// [`try_with_max_zero_threshold`](Self::try_with_max_zero_threshold),
    /// panicking on a bad threshold: in a `const` item, a compile error.
    pub const fn with_max_zero_threshold(self, threshold: f64) -> Self {
        match self.try_with_max_zero_threshold(threshold) {
            Ok(b) => b,
            Err(e) => panic!("{}", e.message()),
        }
    }

    /// The most buckets (positive and negative together) a series keeps;
    /// 0 for no limit. The limit bounds the range from the lowest to the
    /// highest bucket in use on each side, so it bounds memory as well as
    /// the number of buckets sent.
    pub const fn with_max_buckets(mut self, max: u32) -> Self {
        self.max_buckets = max;
        self
    }

    /// Allows the histogram to start over (a counter reset to Prometheus)
    /// when it reaches the bucket limit at least this long after it last
    /// started, instead of losing resolution. Zero (the default): never.
    pub const fn with_min_reset_duration(mut self, duration: Duration) -> Self {
        self.min_reset_duration = duration;
        self
    }

    /// The starting schema.
    pub const fn schema(&self) -> i8 {
        self.schema
    }

    /// The bucket growth factor of the starting schema.
    pub const fn factor(&self) -> f64 {
        schema::FACTORS[(self.schema - schema::MIN) as usize]
    }

    /// The starting zero threshold.
    pub const fn zero_threshold(&self) -> f64 {
        self.zero_threshold
    }

    /// The widest the zero bucket may become.
    pub const fn max_zero_threshold(&self) -> f64 {
        self.max_zero_threshold
    }

    /// The bucket limit (0: none).
    pub const fn max_buckets(&self) -> u32 {
        self.max_buckets
    }

    /// The least time between resets (zero: no reset).
    pub const fn min_reset_duration(&self) -> Duration {
        self.min_reset_duration
    }
}

impl Default for NativeBuckets {
    fn default() -> Self {
        Self::DEFAULT
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn factors_pick_the_coarsest_schema_not_above_them() {
        assert_eq!(NativeBuckets::from_factor(1.1).schema(), 3);
        assert_eq!(NativeBuckets::from_factor(1.0905077326652577).schema(), 3);
        assert_eq!(NativeBuckets::from_factor(2.0).schema(), 0);
        assert_eq!(NativeBuckets::from_factor(3.0).schema(), 0);
        assert_eq!(NativeBuckets::from_factor(1e9).schema(), -4);
        assert_eq!(NativeBuckets::from_factor(1.0001).schema(), 8);
        assert!(NativeBuckets::from_factor(1.1).factor() <= 1.1);
    }

    #[test]
    fn bad_layouts_are_refused() {
        for f in [1.0, 0.5, -2.0, f64::NAN, f64::INFINITY] {
            assert_eq!(
                NativeBuckets::try_from_factor(f),
                Err(NativeBucketsError::Factor)
            );
        }
        assert_eq!(
            NativeBuckets::try_from_schema(9),
            Err(NativeBucketsError::Schema)
        );
        assert_eq!(
            NativeBuckets::try_from_schema(-5),
            Err(NativeBucketsError::Schema)
        );
        assert!(
            std::panic::catch_unwind(|| NativeBuckets::DEFAULT.with_zero_threshold(-1.0)).is_err()
        );
        assert!(std::panic::catch_unwind(|| {
            NativeBuckets::DEFAULT
                .with_zero_threshold(0.5)
                .with_max_zero_threshold(0.1)
        })
        .is_err());
    }

    #[test]
    fn bad_thresholds_are_refused_without_panicking() {
        assert_eq!(
            NativeBuckets::DEFAULT.try_with_zero_threshold(f64::NAN),
            Err(NativeBucketsError::ZeroThreshold)
        );
        assert_eq!(
            NativeBuckets::DEFAULT.try_with_max_zero_threshold(0.0),
            Err(NativeBucketsError::ZeroThreshold)
        );
        let ok = NativeBuckets::DEFAULT
            .try_with_zero_threshold(0.001)
            .unwrap();
        assert_eq!(ok.max_zero_threshold(), 0.001);
    }

    #[test]
    fn the_default_is_prometheus_recommendation() {
        let d = NativeBuckets::default();
        assert_eq!(d.zero_threshold(), 2f64.powi(-128));
        assert_eq!(d.max_buckets(), 160);
        assert_eq!(d.min_reset_duration(), Duration::ZERO);
    }
}
