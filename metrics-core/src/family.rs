//! Families: one metric per combination of typed labels.

use std::collections::hash_map::RandomState;
use std::collections::HashMap;
use std::fmt;
use std::hash::{BuildHasher, Hash};
use std::ops::{Deref, Index};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::Instant;

use parking_lot::RwLock;

use crate::encode::{push_label_pair, FamilyWriter, Labels, MetricType};
use crate::label::{dense_cardinality, DenseLabelSet, LabelSet};
use crate::metric::{EncodeMetric, Metric};

/// The value every label of the overflow series carries.
pub const OVERFLOW_LABEL_VALUE: &str = "__overflow__";

/// The series cap of a sparse family unless set with
/// [`Family::with_max_series`].
pub const DEFAULT_MAX_SERIES: usize = 10_000;

/// Dense sets with more combinations than this are stored sparse (a
/// preallocated array that large would be mostly zeros nobody reads).
pub const MAX_DENSE_SERIES: usize = 1 << 20;

const SHARDS: usize = 16;

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

struct Dense<M> {
    series: Box<[M]>,
    // For each label, the rendered `name="value"` of each of its values.
    pairs: Box<[Box<[Box<str>]>]>,
    // Where a lookup lands if a hand-written `DenseLabelSet` breaks its
    // contract (index out of range); never exposed.
    stray: M,
}

type Shard<L, M> = RwLock<HashMap<L, Arc<Series<M>>>>;

struct Sparse<L, M> {
    shards: Box<[Shard<L, M>]>,
    hasher: RandomState,
    len: AtomicUsize,
    // Next creation sequence number.
    next_created: AtomicU64,
    max_series: usize,
    overflow: Arc<Series<M>>,
    dropped: AtomicU64,
    // Seconds since `clock_base()` plus one at the last warning; 0: never.
    last_warning: AtomicU64,
    name: OnceLock<Box<str>>,
}

/// One series of a sparse family with its rendered labels.
pub struct Series<M> {
    metric: M,
    labels: Box<str>,
    // Creation sequence number within the family, for a stable order.
    created: u64,
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

impl<M: Metric> Dense<M> {
    fn new<L: LabelSet>(n: usize, options: &M::Options) -> Self {
        let pairs = L::NAMES
            .iter()
            .zip(L::DOMAINS)
            .map(|(name, domain)| {
                domain
                    .unwrap_or(&[])
                    .iter()
                    .map(|value| {
                        let mut pair = String::new();
                        push_label_pair(&mut pair, name, value);
                        pair.into_boxed_str()
                    })
                    .collect()
            })
            .collect();
        Dense {
            series: (0..n).map(|_| M::with_options(options)).collect(),
            pairs,
            stray: M::with_options(options),
        }
    }

    #[inline]
    fn get<L: LabelSet>(&self, labels: &L) -> &M {
        match labels.dense_index() {
            Some(i) => self.series.get(i).unwrap_or(&self.stray),
            None => &self.stray,
        }
    }

    fn encode(&self, out: &mut FamilyWriter<'_>) {
        // An odometer over the label values: the last label turns fastest,
        // matching the mixed-radix index.
        let mut digits = vec![0usize; self.pairs.len()];
        // The current `name="value"` of each label, changed only where the
        // odometer turns; written joined, without building a block first.
        let mut current: Vec<&str> = self
            .pairs
            .iter()
            .map(|values| values.first().map_or("", |p| p))
            .collect();
        for series in self.series.iter() {
            series.encode(Labels::Pairs(&current), out);
            for ((values, digit), piece) in self
                .pairs
                .iter()
                .zip(digits.iter_mut())
                .zip(current.iter_mut())
                .rev()
            {
                *digit += 1;
                let wrapped = *digit >= values.len();
                if wrapped {
                    *digit = 0;
                }
                *piece = values.get(*digit).map_or("", |p| p);
                if !wrapped {
                    break;
                }
            }
        }
    }
}

fn render_labels<L: LabelSet>(labels: &L) -> Box<str> {
    let mut out = String::new();
    let mut names = L::NAMES.iter();
    labels.visit_values(&mut |value| {
        if let Some(name) = names.next() {
            if !out.is_empty() {
                out.push(',');
            }
            push_label_pair(&mut out, name, value);
        }
    });
    out.into_boxed_str()
}

fn clock_base() -> Instant {
    static BASE: OnceLock<Instant> = OnceLock::new();
    *BASE.get_or_init(Instant::now)
}

impl<L: LabelSet, M: Metric> Sparse<L, M> {
    fn new(options: &M::Options) -> Self {
        let hasher = RandomState::new();
        let overflow_labels = L::NAMES
            .iter()
            .map(|name| {
                let mut pair = String::new();
                push_label_pair(&mut pair, name, OVERFLOW_LABEL_VALUE);
                pair
            })
            .collect::<Vec<_>>()
            .join(",");
        Sparse {
            shards: (0..SHARDS).map(|_| RwLock::new(HashMap::new())).collect(),
            hasher,
            len: AtomicUsize::new(0),
            next_created: AtomicU64::new(0),
            max_series: DEFAULT_MAX_SERIES,
            overflow: Arc::new(Series {
                metric: M::with_options(options),
                labels: overflow_labels.into_boxed_str(),
                created: u64::MAX,
            }),
            dropped: AtomicU64::new(0),
            last_warning: AtomicU64::new(0),
            name: OnceLock::new(),
        }
    }

    fn name(&self) -> &str {
        self.name.get().map_or("<unregistered>", |n| n)
    }

    fn warn_unindexable(&self) {
        if self.should_warn() {
            log::error!(
                "metric family `{}`: indexed with a dense label set but stored sparse \
                 (too many combinations); the sample went to the overflow series",
                self.name()
            );
        }
    }

    /// At most one warning a minute per family: a compare-exchange on the
    /// time of the last one decides which thread logs.
    fn should_warn(&self) -> bool {
        let now = clock_base().elapsed().as_secs() + 1;
        let last = self.last_warning.load(Ordering::Relaxed);
        (last == 0 || now >= last + 60)
            && self
                .last_warning
                .compare_exchange(last, now, Ordering::Relaxed, Ordering::Relaxed)
                .is_ok()
    }

    fn encode(&self, out: &mut FamilyWriter<'_>) {
        let mut series: Vec<Arc<Series<M>>> = Vec::with_capacity(self.len.load(Ordering::Relaxed));
        for shard in self.shards.iter() {
            series.extend(shard.read().values().cloned());
        }
        // Creation order: stable across scrapes (diffable, exact in tests)
        // and an integer sort, several times cheaper than sorting by the
        // label text.
        series.sort_unstable_by_key(|s| s.created);
        for s in &series {
            s.metric.encode(Labels::Block(&s.labels), out);
        }
        if self.dropped.load(Ordering::Relaxed) > 0 {
            self.overflow
                .metric
                .encode(Labels::Block(&self.overflow.labels), out);
        }
    }
}

impl<L: LabelSet + Hash + Eq + Clone, M: Metric> Sparse<L, M> {
    fn shard(&self, labels: &L) -> &Shard<L, M> {
        let hash = self.hasher.hash_one(labels);
        // The top bits: the map inside the shard uses the low ones.
        &self.shards[(hash >> 60) as usize % SHARDS]
    }

    fn get(&self, labels: &L) -> Option<Arc<Series<M>>> {
        self.shard(labels).read().get(labels).cloned()
    }

    fn get_or_create(&self, labels: &L, options: &M::Options) -> Arc<Series<M>> {
        let shard = self.shard(labels);
        if let Some(series) = shard.read().get(labels) {
            return Arc::clone(series);
        }
        let rendered = render_labels(labels);
        if rendered == self.overflow.labels {
            // A label set spelled like the overflow series *is* it: two
            // series with one label set would make the scrape invalid.
            return Arc::clone(&self.overflow);
        }
        let mut map = shard.write();
        if let Some(series) = map.get(labels) {
            return Arc::clone(series);
        }
        // Reserve a place under the cap before inserting, so concurrent
        // inserts in other shards cannot overshoot it.
        if self.len.fetch_add(1, Ordering::Relaxed) >= self.max_series {
            self.len.fetch_sub(1, Ordering::Relaxed);
            drop(map);
            let dropped = self.dropped.fetch_add(1, Ordering::Relaxed) + 1;
            if self.should_warn() {
                log::warn!(
                    "metric family `{}` reached its cap of {} series; label set {{{}}} and \
                     any further new ones are recorded in the overflow series \
                     ({} label sets dropped so far)",
                    self.name(),
                    self.max_series,
                    rendered,
                    dropped
                );
            }
            return Arc::clone(&self.overflow);
        }
        let created = self.next_created.fetch_add(1, Ordering::Relaxed);
        let series = Arc::new(Series {
            metric: M::with_options(options),
            labels: rendered,
            created,
        });
        map.insert(labels.clone(), Arc::clone(&series));
        series
    }

    fn remove(&self, labels: &L) -> bool {
        let removed = self.shard(labels).write().remove(labels).is_some();
        if removed {
            self.len.fetch_sub(1, Ordering::Relaxed);
        }
        removed
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
mod tests {
    use super::*;
    use crate::label::tests::{Code, Method};
    use crate::{Counter, Format, Histogram, Metadata, Registry};

    #[derive(Clone, Debug, PartialEq, Eq, Hash)]
    struct Tenant(String);
    impl LabelSet for Tenant {
        const NAMES: &'static [&'static str] = &["tenant"];
        const DOMAINS: &'static [Option<&'static [&'static str]>] = &[None];
        fn dense_index(&self) -> Option<usize> {
            None
        }
        fn visit_values(&self, visit: &mut dyn FnMut(&str)) {
            visit(&self.0)
        }
    }

    fn exposition<L: LabelSet, M: Metric>(family: Family<L, M>) -> String {
        let registry = Registry::new();
        registry
            .register_metric(Metadata::new("f", "h"), Arc::new(family))
            .unwrap();
        registry.encode_to_string(Format::Text)
    }

    #[test]
    fn dense_family_preallocates_every_combination() {
        let f: Family<(Method, Code), Counter> = Family::new();
        assert!(f.is_dense());
        assert_eq!(f.len(), 6);
        f[(Method::Post, Code::Error)].inc_by(5);
        assert_eq!(f.get_or_create(&(Method::Post, Code::Error)).get(), 5);
        assert!(!f.remove(&(Method::Post, Code::Error)));
        let text = exposition(f);
        let samples: Vec<&str> = text.lines().filter(|l| !l.starts_with('#')).collect();
        assert_eq!(
            samples,
            [
                r#"f_total{method="get",code="200"} 0"#,
                r#"f_total{method="get",code="404"} 0"#,
                r#"f_total{method="get",code="500"} 0"#,
                r#"f_total{method="post",code="200"} 0"#,
                r#"f_total{method="post",code="404"} 0"#,
                r#"f_total{method="post",code="500"} 5"#,
            ]
        );
    }

    #[test]
    fn sparse_family_caps_series_and_counts_drops() {
        let f: Family<Tenant, Counter> = Family::new().with_max_series(2);
        assert!(!f.is_dense());
        for t in ["a", "b", "c", "d", "a"] {
            f.get_or_create(&Tenant(t.into())).inc();
        }
        assert_eq!(f.len(), 2);
        assert_eq!(f.dropped_label_sets(), Some(2));
        assert!(f.get(&Tenant("c".into())).is_none());
        // A value spelled like the overflow marker lands in the overflow series.
        f.get_or_create(&Tenant(OVERFLOW_LABEL_VALUE.into())).inc();
        let text = exposition(f);
        assert!(text.contains("f_total{tenant=\"a\"} 2\n"), "{text}");
        assert!(text.contains("f_total{tenant=\"b\"} 1\n"), "{text}");
        assert!(
            text.contains("f_total{tenant=\"__overflow__\"} 3\n"),
            "{text}"
        );
        assert!(
            text.contains("metrics_label_sets_dropped_total{family=\"f\"} 2\n"),
            "{text}"
        );
    }

    #[test]
    fn sparse_remove_frees_a_place() {
        let f: Family<Tenant, Counter> = Family::new().with_max_series(1);
        let kept = f.get_or_create(&Tenant("a".into()));
        kept.inc();
        assert!(f.remove(&Tenant("a".into())));
        assert!(!f.remove(&Tenant("a".into())));
        f.get_or_create(&Tenant("b".into())).inc();
        assert_eq!(f.dropped_label_sets(), Some(0));
        kept.inc(); // still usable, no longer exposed
        assert_eq!(kept.get(), 2);
        let handle = f.get(&Tenant("b".into())).unwrap();
        assert_eq!(format!("{:?}", handle.clone()), "Counter(1)");
    }

    #[test]
    fn hostile_label_values_are_escaped() {
        let f: Family<Tenant, Counter> = Family::new();
        f.get_or_create(&Tenant("a\"b\\c\nd}{,=é".into())).inc();
        let text = exposition(f);
        assert!(
            text.contains(r#"f_total{tenant="a\"b\\c\nd}{,=é"} 1"#),
            "{text}"
        );
    }

    #[test]
    fn histogram_family_shares_buckets() {
        let f: Family<Method, Histogram> = Family::with_options(crate::Buckets::new(&[1.0, 2.0]));
        f[Method::Get].observe(1.5);
        let text = exposition(f);
        assert!(
            text.contains("f_bucket{method=\"get\",le=\"2.0\"} 1\n"),
            "{text}"
        );
        assert!(
            text.contains("f_bucket{method=\"post\",le=\"+Inf\"} 0\n"),
            "{text}"
        );
        assert!(text.contains("f_count{method=\"get\"} 1\n"), "{text}");
    }

    #[test]
    fn lying_dense_impl_never_panics() {
        #[derive(Clone, Copy, PartialEq, Eq, Hash)]
        struct Liar;
        impl LabelSet for Liar {
            const NAMES: &'static [&'static str] = &["x"];
            const DOMAINS: &'static [Option<&'static [&'static str]>] = &[Some(&["a"])];
            fn dense_index(&self) -> Option<usize> {
                Some(7)
            }
            fn visit_values(&self, visit: &mut dyn FnMut(&str)) {
                visit("a")
            }
        }
        impl DenseLabelSet for Liar {}
        let f: Family<Liar, Counter> = Family::new();
        f[Liar].inc();
        assert_eq!(f[Liar].get(), 1);
        assert!(format!("{f:?}").contains("dense: true"));
    }

    #[test]
    fn dense_series_cost_eight_bytes() {
        assert_eq!(std::mem::size_of::<Counter>(), 8);
        assert!(std::mem::size_of::<Family<(Method, Code), Counter>>() <= 64);
    }
}
