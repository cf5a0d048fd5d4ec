//! The two traits every metric implements: one series ([`Metric`]) and one
//! family of series ([`EncodeMetric`]).

use std::borrow::Cow;

use crate::encoding::{FamilyWriter, Labels, MetricType};

/// One time series: a counter, gauge or histogram value.
///
/// A [`Family`](crate::Family) creates its series through
/// [`with_options`](Metric::with_options), so every series of a family is
/// built alike (for histograms: the same buckets).
pub trait Metric: Send + Sync + 'static {
    /// The family type this metric is exposed as.
    const TYPE: MetricType;

    /// What is needed to create one series (`()`-like for counters and
    /// gauges, the bucket layout for histograms).
    type Options: Clone + Default + Send + Sync + 'static;

    /// Creates a series at zero.
    fn with_options(options: &Self::Options) -> Self;

    /// Writes this series with the given (escaped) labels.
    fn encode(&self, labels: Labels<'_>, out: &mut FamilyWriter<'_>);
}

/// A whole metric family: what a registry can expose under one name.
///
/// Implemented by every [`Metric`] (a family of one unlabelled series), by
/// [`Family`](crate::Family), [`Info`](crate::Info) and by collectors' own
/// computed families.
pub trait EncodeMetric: Send + Sync {
    /// The family's type.
    fn metric_type(&self) -> MetricType;

    /// The label names every series carries, in order (validated by the
    /// registry when the family is registered).
    fn label_names(&self) -> Vec<Cow<'static, str>> {
        Vec::new()
    }

    /// Writes every series of the family.
    fn encode(&self, out: &mut FamilyWriter<'_>);

    /// For families with a series cap: how many label sets were sent to the
    /// overflow series so far. `None` for families without a cap.
    fn dropped_label_sets(&self) -> Option<u64> {
        None
    }

    /// Called once by the registry with the family's name, so that warnings
    /// can name it. The default does nothing.
    fn registered_as(&self, name: &str) {
        let _ = name;
    }
}

impl<M: Metric> EncodeMetric for M {
    fn metric_type(&self) -> MetricType {
        M::TYPE
    }

    fn encode(&self, out: &mut FamilyWriter<'_>) {
        Metric::encode(self, Labels::Block(""), out);
    }
}

/// `Debug` and [`Metric`] for a metric that is one atomic value, for each
/// number type it comes in (`Counter<u64>` and `Counter<f64>`, ...): the
/// code is the same but for the type, the family type and the sample kind.
macro_rules! one_value_metric {
    ($name:ident, $kind:ident, $sample:ident: $($number:ty),+) => {$(
        impl ::std::fmt::Debug for $name<$number> {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.debug_tuple(stringify!($name)).field(&self.get()).finish()
            }
        }

        impl $crate::metric::Metric for $name<$number> {
            const TYPE: $crate::encoding::MetricType = $crate::encoding::MetricType::$kind;
            type Options = ();

            fn with_options(_: &()) -> Self {
                Self::new()
            }

            fn encode(
                &self,
                labels: $crate::encoding::Labels<'_>,
                out: &mut $crate::encoding::FamilyWriter<'_>,
            ) {
                out.$sample(labels, self.get());
            }
        }
    )+};
}
pub(crate) use one_value_metric;
