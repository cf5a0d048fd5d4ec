//! Families: one metric per combination of typed labels.

use std::fmt;
use std::hash::Hash;
use std::ops::{Deref, Index};
use std::sync::atomic::Ordering;
use std::sync::Arc;

use crate::encoding::{FamilyWriter, MetricType};
use crate::label::{dense_cardinality, DenseLabelSet, LabelSet};
use crate::metric::{EncodeMetric, Metric};

mod dense;
mod sparse;

use dense::Dense;
use sparse::Sparse;

/// The value every label of the overflow series carries.
pub const OVERFLOW_LABEL_VALUE: &str = "__overflow__";

/// The series cap of a sparse family unless set with
/// [`Family::with_max_series`].
pub const DEFAULT_MAX_SERIES: usize = 10_000;

/// Dense sets with more combinations than this are stored sparse (a
/// preallocated array that large would be mostly zeros nobody reads).
pub(crate) const MAX_DENSE_SERIES: usize = 1 << 20;

/// A metric family: one series of `M` per label set `L`.
///
/// **Dense** (every label an enum): all combinations are created at zero
/// with the family, so every series is exposed from the first scrape, and
/// `family[labels]` is an index computation into a preallocated array: no
/// hash, lock or allocation. Each series costs `size_of::<M>()` bytes (8 for
/// counters and gauges); the family adds the rendered `name="value"` text of
/// each label value once (not once per combination). Adjacent series share
/// cache lines, so threads hammering *different* series of one family can
/// contend; the trade is 8 bytes a series instead of 64.
///
/// **Sparse** (any open-ended label): series are created on first use by
/// [`get_or_create`](Self::get_or_create), which returns a cheap clonable
/// [`Handle`] a caller may keep to skip the lookup. The map is split in 16
/// read-write-locked shards. At most [`max_series`](Self::with_max_series)
/// series are created; label sets beyond the cap all share one overflow
/// series whose labels are all [`OVERFLOW_LABEL_VALUE`] (exposed once
/// anything overflowed), are counted
/// ([`dropped_label_sets`](EncodeMetric::dropped_label_sets), exposed by the
/// registry as `metrics_label_sets_dropped_total{family="..."}` once the
/// family has dropped any), and a warning is logged through `log` at most
/// once a minute per family. Label values are
/// escaped when a series is created and never trusted. Series are exposed
/// in creation order, which is stable from one scrape to the next.
///
/// ```
/// use metrics_core::{Counter, Family, LabelValue};
/// #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
/// enum Method { Get, Post }
/// impl LabelValue for Method {
///     const NAME: &'static str = "method";
///     const VALUES: &'static [Self] = &[Method::Get, Method::Post];
///     const STRINGS: &'static [&'static str] = &["GET", "POST"];
///     fn index(self) -> usize { self as usize }
/// }
/// let requests: Family<Method, Counter> = Family::new();
/// requests[Method::Get].inc();
/// assert_eq!(requests[Method::Get].get(), 1);
/// assert_eq!(requests.len(), 2); // both methods exist at zero
/// ```
pub struct Family<L, M: Metric> {
    options: M::Options,
    storage: Storage<L, M>,
}

enum Storage<L, M> {
    Dense(Dense<M>),
    Sparse(Box<Sparse<L, M>>),
}

/// One series of a sparse family with its rendered labels.
pub(crate) struct Series<M> {
    pub(super) metric: M,
    pub(super) labels: Box<str>,
    // Creation sequence number within the family, for a stable order.
    pub(super) created: u64,
}

/// A reference to one series of a family; derefs to the metric.
///
/// For sparse families it owns the series (an `Arc`), so keeping it skips
/// the map lookup on later updates.
pub struct Handle<'a, M>(HandleRepr<'a, M>);

enum HandleRepr<'a, M> {
    Borrowed(&'a M),
    Shared(Arc<Series<M>>),
}

impl<M> Deref for Handle<'_, M> {
    type Target = M;
    #[inline]
    fn deref(&self) -> &M {
        match &self.0 {
            HandleRepr::Borrowed(m) => m,
            HandleRepr::Shared(s) => &s.metric,
        }
    }
}

impl<M> Clone for Handle<'_, M> {
    fn clone(&self) -> Self {
        Handle(match &self.0 {
            HandleRepr::Borrowed(m) => HandleRepr::Borrowed(m),
            HandleRepr::Shared(s) => HandleRepr::Shared(Arc::clone(s)),
        })
    }
}

impl<M: fmt::Debug> fmt::Debug for Handle<'_, M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&**self, f)
    }
}

impl<L: LabelSet, M: Metric> Default for Family<L, M> {
    fn default() -> Self {
        Self::new()
    }
}

impl<L: LabelSet, M: Metric> Family<L, M> {
    /// A family whose series are created with `M`'s default options.
    pub fn new() -> Self {
        Self::with_options(M::Options::default())
    }

    /// A family whose series are created with `options` (for histograms:
    /// the buckets, e.g. `Family::with_options(Buckets::linear(0.0, 1.0, 5))`).
    pub fn with_options(options: impl Into<M::Options>) -> Self {
        let options = options.into();
        let storage = match dense_cardinality::<L>() {
            Some(n) if n <= MAX_DENSE_SERIES => Storage::Dense(Dense::new::<L>(n, &options)),
            Some(n) => {
                log::error!(
                    "a family keyed by {} has {n} label combinations, more than the dense \
                     limit of {MAX_DENSE_SERIES}; it is stored sparse: use get_or_create, \
                     indexing it does not record",
                    std::any::type_name::<L>()
                );
                Storage::Sparse(Box::new(Sparse::new(&options)))
            }
            None => Storage::Sparse(Box::new(Sparse::new(&options))),
        };
        Family { options, storage }
    }

    /// Sets the series cap of a sparse family (no effect on dense ones).
    /// With a cap of 0 every label set goes to the overflow series.
    pub fn with_max_series(mut self, max_series: usize) -> Self {
        if let Storage::Sparse(s) = &mut self.storage {
            s.max_series = max_series;
        }
        self
    }

    /// `true` when every combination is preallocated.
    pub fn is_dense(&self) -> bool {
        matches!(self.storage, Storage::Dense(_))
    }

    /// The number of series (for sparse families, excluding the overflow
    /// series).
    pub fn len(&self) -> usize {
        match &self.storage {
            Storage::Dense(d) => d.series.len(),
            Storage::Sparse(s) => s.len.load(Ordering::Relaxed),
        }
    }

    /// `true` when the family holds no series.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The options every series is created with.
    pub fn options(&self) -> &M::Options {
        &self.options
    }
}

impl<L: LabelSet + Hash + Eq + Clone, M: Metric> Family<L, M> {
    /// The series for `labels`, created at zero if it does not exist yet (or
    /// the overflow series when a sparse family is at its cap).
    pub fn get_or_create(&self, labels: &L) -> Handle<'_, M> {
        match &self.storage {
            Storage::Dense(d) => Handle(HandleRepr::Borrowed(d.get(labels))),
            Storage::Sparse(s) => {
                Handle(HandleRepr::Shared(s.get_or_create(labels, &self.options)))
            }
        }
    }

    /// The series for `labels` if it exists; never creates one.
    pub fn get(&self, labels: &L) -> Option<Handle<'_, M>> {
        match &self.storage {
            Storage::Dense(d) => Some(Handle(HandleRepr::Borrowed(d.get(labels)))),
            Storage::Sparse(s) => s.get(labels).map(|s| Handle(HandleRepr::Shared(s))),
        }
    }

    /// Removes the series for `labels` from a sparse family, so it is no
    /// longer exposed and frees a place under the cap; handles kept by
    /// callers still work but no longer count. Returns whether a series was
    /// removed. Dense families keep every combination: always `false`.
    pub fn remove(&self, labels: &L) -> bool {
        match &self.storage {
            Storage::Dense(_) => false,
            Storage::Sparse(s) => s.remove(labels),
        }
    }
}

impl<L: DenseLabelSet, M: Metric> Index<L> for Family<L, M> {
    type Output = M;

    /// The series for `labels`: an index computation, no hash, lock or
    /// allocation.
    #[inline]
    fn index(&self, labels: L) -> &M {
        match &self.storage {
            Storage::Dense(d) => d.get(&labels),
            Storage::Sparse(s) => {
                s.warn_unindexable();
                &s.overflow.metric
            }
        }
    }
}

impl<L: LabelSet, M: Metric> EncodeMetric for Family<L, M> {
    fn metric_type(&self) -> MetricType {
        M::TYPE
    }

    fn label_names(&self) -> Vec<std::borrow::Cow<'static, str>> {
        L::NAMES
            .iter()
            .map(|n| std::borrow::Cow::Borrowed(*n))
            .collect()
    }

    fn encode(&self, out: &mut FamilyWriter<'_>) {
        match &self.storage {
            Storage::Dense(d) => d.encode(out),
            Storage::Sparse(s) => s.encode(out),
        }
    }

    fn dropped_label_sets(&self) -> Option<u64> {
        match &self.storage {
            Storage::Dense(_) => None,
            Storage::Sparse(s) => Some(s.dropped.load(Ordering::Relaxed)),
        }
    }

    fn registered_as(&self, name: &str) {
        if let Storage::Sparse(s) = &self.storage {
            let _ = s.name.set(name.into());
        }
    }
}

impl<L: LabelSet, M: Metric> fmt::Debug for Family<L, M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Family")
            .field("labels", &L::NAMES)
            .field("dense", &self.is_dense())
            .field("series", &self.len())
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests;
