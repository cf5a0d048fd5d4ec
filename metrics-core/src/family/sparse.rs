//! Sparse storage: series of label sets with open-ended values, created on
//! first use in a sharded map, capped, with one overflow series.

use std::collections::hash_map::RandomState;
use std::collections::HashMap;
use std::hash::{BuildHasher, Hash};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::Instant;

use crate::lock::RwLock;

use super::{Series, DEFAULT_MAX_SERIES, OVERFLOW_LABEL_VALUE};
use crate::encoding::{push_label_pair, render_label_pairs, FamilyWriter, Labels};
use crate::label::LabelSet;
use crate::metric::Metric;

const SHARDS: usize = 16;

type Shard<L, M> = RwLock<HashMap<L, Arc<Series<M>>>>;

pub(super) struct Sparse<L, M> {
    shards: Box<[Shard<L, M>]>,
    hasher: RandomState,
    pub(super) len: AtomicUsize,
    // Next creation sequence number.
    next_created: AtomicU64,
    pub(super) max_series: usize,
    pub(super) overflow: Arc<Series<M>>,
    pub(super) dropped: AtomicU64,
    // Seconds since `clock_base()` plus one at the last warning; 0: never.
    last_warning: AtomicU64,
    pub(super) name: OnceLock<Box<str>>,
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
    pub(super) fn new(options: &M::Options) -> Self {
        let hasher = RandomState::new();
        let overflow_labels =
            render_label_pairs(L::NAMES.iter().map(|name| (*name, OVERFLOW_LABEL_VALUE)));
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

    pub(super) fn name(&self) -> &str {
        self.name.get().map_or("<unregistered>", |n| n)
    }

    pub(super) fn warn_unindexable(&self) {
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

    pub(super) fn encode(&self, out: &mut FamilyWriter<'_>) {
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

    pub(super) fn get(&self, labels: &L) -> Option<Arc<Series<M>>> {
        self.shard(labels).read().get(labels).cloned()
    }

    pub(super) fn get_or_create(&self, labels: &L, options: &M::Options) -> Arc<Series<M>> {
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

    pub(super) fn remove(&self, labels: &L) -> bool {
        let removed = self.shard(labels).write().remove(labels).is_some();
        if removed {
            self.len.fetch_sub(1, Ordering::Relaxed);
        }
        removed
    }
}
