//! How `#[derive(Metrics)]` creates and checks its fields.
//!
//! Everything here is what the macros' generated code calls; users rarely
//! name it. The checks are `const fn`s, evaluated in `const` items spanned
//! at the offending field, so a mistake that depends on a field's *type*
//! (a counter named `..._total`, `le` in a histogram family's labels,
//! buckets on a counter) fails the build at the line that wrote it.

use crate::buckets::Buckets;
use crate::counter::Counter;
use crate::encoding::MetricType;
use crate::family::Family;
use crate::gauge::Gauge;
use crate::histogram::{Histogram, HistogramOptions, NativeBuckets};
use crate::info::Info;
use crate::label::LabelSet;
use crate::metric::{EncodeMetric, Metric};
use crate::registry::Collector;

/// A struct of metric fields, as `#[derive(Metrics)]` makes it: every
/// family created (dense ones with every combination at zero) by
/// `Default`, exposed through [`Collector`].
pub trait Metrics: Collector + Default + 'static {}

/// Per-field options from `#[metrics(...)]` attributes.
#[derive(Debug, Clone, Copy, Default)]
pub struct FieldOptions {
    /// `buckets = ...`, for histograms.
    pub buckets: Option<Buckets>,
    /// `native` or `native = ...`, for histograms: native buckets (with
    /// classic ones only if `buckets` is given too).
    pub native: Option<NativeBuckets>,
    /// `max_series = ...`, for sparse families.
    pub max_series: Option<usize>,
}

/// A type that can be a field of a `#[derive(Metrics)]` struct.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a metric type",
    label = "not a metric",
    note = "a `#[derive(Metrics)]` field is a `Counter`, `Gauge`, `Histogram`, `Info`, a \
            `Family<Labels, _>` of those, or a nested metrics struct marked `#[metrics(flatten)]`"
)]
pub trait MetricField: Sized + 'static {
    /// The family type.
    const KIND: MetricType;
    /// The label names of every series (empty for unlabelled metrics).
    const LABELS: &'static [&'static str];
    /// `true` for families with an open-ended label (which take `max_series`).
    const SPARSE: bool;

    /// Creates the field with every series at zero.
    fn create(options: &FieldOptions) -> Self;

    /// The field as a family the registry can encode.
    fn as_family(&self) -> &dyn EncodeMetric;

    /// The options each series of a family of `Self` is created with.
    fn series_options(options: &FieldOptions) -> <Self as Metric>::Options
    where
        Self: Metric,
    {
        let _ = options;
        Self::Options::default()
    }
}

macro_rules! simple_field {
    ($($t:ty),*) => {$(
        impl MetricField for $t {
            const KIND: MetricType = <$t as Metric>::TYPE;
            const LABELS: &'static [&'static str] = &[];
            const SPARSE: bool = false;
            fn create(_: &FieldOptions) -> Self {
                Self::new()
            }
            fn as_family(&self) -> &dyn EncodeMetric {
                self
            }
        }
    )*};
}
simple_field!(Counter<u64>, Counter<f64>, Gauge<i64>, Gauge<f64>);

impl MetricField for Histogram {
    const KIND: MetricType = MetricType::Histogram;
    const LABELS: &'static [&'static str] = &[];
    const SPARSE: bool = false;

    fn create(options: &FieldOptions) -> Self {
        <Histogram as Metric>::with_options(&Self::series_options(options))
    }

    fn as_family(&self) -> &dyn EncodeMetric {
        self
    }

    fn series_options(options: &FieldOptions) -> HistogramOptions {
        match (options.buckets, options.native) {
            (buckets, None) => buckets.unwrap_or_default().into(),
            (None, Some(native)) => HistogramOptions::native(native),
            (Some(buckets), Some(native)) => HistogramOptions::from(buckets).with_native(native),
        }
    }
}

impl MetricField for Info {
    const KIND: MetricType = MetricType::Info;
    const LABELS: &'static [&'static str] = &[];
    const SPARSE: bool = false;

    fn create(_: &FieldOptions) -> Self {
        Info::default()
    }

    fn as_family(&self) -> &dyn EncodeMetric {
        self
    }
}

impl<L: LabelSet, M: Metric + MetricField> MetricField for Family<L, M> {
    const KIND: MetricType = M::KIND;
    const LABELS: &'static [&'static str] = L::NAMES;
    const SPARSE: bool = !all_closed(L::DOMAINS);

    fn create(options: &FieldOptions) -> Self {
        let family = Family::with_options(M::series_options(options));
        match options.max_series {
            Some(n) => family.with_max_series(n),
            None => family,
        }
    }

    fn as_family(&self) -> &dyn EncodeMetric {
        self
    }
}

const fn all_closed(domains: &[Option<&[&str]>]) -> bool {
    let mut i = 0;
    while i < domains.len() {
        if domains[i].is_none() {
            return false;
        }
        i += 1;
    }
    !domains.is_empty()
}

/// Checks that a field's options suit its type.
pub const fn check_options(
    kind: MetricType,
    sparse: bool,
    has_buckets: bool,
    has_max_series: bool,
) -> Result<(), &'static str> {
    if has_buckets && !matches!(kind, MetricType::Histogram) {
        return Err("`buckets` and `native` apply only to histograms and histogram families");
    }
    if has_max_series && !sparse {
        return Err(
            "`max_series` applies only to families with an open-ended label; a family keyed \
             by enums holds every combination",
        );
    }
    Ok(())
}

/// The number of values of a closed label (0 for an open-ended one).
pub const fn domain_len(domain: Option<&[&str]>) -> usize {
    match domain {
        Some(values) => values.len(),
        None => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checks() {
        use MetricType::*;
        assert!(check_options(Counter, false, true, false).is_err());
        assert!(check_options(Histogram, false, true, false).is_ok());
        assert!(check_options(Counter, false, false, true).is_err());
        assert!(check_options(Counter, true, false, true).is_ok());
        assert_eq!(domain_len(Some(&["a", "b"])), 2);
        assert_eq!(domain_len(None), 0);
        assert!(!all_closed(&[]));
        assert!(all_closed(&[Some(&["x"])]));
        assert!(!all_closed(&[Some(&["x"]), None]));
    }
}
