//! The native buckets of one histogram series: counted without a lock,
//! re-laid out (shifted, coarsened, reset) under one when they must change.
//!
//! The buckets in use live in a [`Layout`]: a schema, a zero bucket and, per
//! sign, a window of counters over a range of bucket indices. Observing
//! loads the current layout (one `Acquire` load), computes the index and
//! adds to the counter: the only atomic write is that add. A value outside
//! the windows takes the slow path, which under the mutex builds a new
//! layout that covers it and publishes it.
//!
//! A layout is never freed or changed while the series lives, since a
//! thread may still be adding to one it loaded before a newer one was
//! published. Nothing is copied from an old layout to the new one either:
//! a reading merges every layout since the last reset, mapped to the
//! current schema and zero threshold, so an add that lands in an old
//! layout after the change still counts. Layouts are few (most series have
//! two or three); the number is bounded by [`MAX_LAYOUTS`].

use std::ptr;
use std::sync::atomic::{AtomicPtr, AtomicU64, Ordering};
use std::sync::{Mutex, PoisonError};
use std::time::Instant;

use super::native::NativeBuckets;
use super::schema;
use crate::encoding::NativeSnapshot;

/// The most layouts one series keeps. Without resets a series needs at
/// most a few per schema (13 schemas); past this, resets stop and the
/// resolution is lowered instead, which needs no more.
const MAX_LAYOUTS: usize = 128;

/// The smallest window allocated when there is no bucket limit.
const MIN_WINDOW: usize = 16;

struct Window {
    /// The bucket index counted by `counts[0]`.
    first: i32,
    counts: Box<[AtomicU64]>,
}

impl Window {
    fn new(first: i32, len: usize) -> Self {
        Window {
            first,
            counts: (0..len).map(|_| AtomicU64::new(0)).collect(),
        }
    }

    #[inline]
    fn slot(&self, index: i32) -> Option<&AtomicU64> {
        // Below `first`, the wrapped difference is huge and misses too.
        self.counts
            .get(index.wrapping_sub(self.first) as u32 as usize)
    }

    fn contains(&self, index: i32) -> bool {
        self.slot(index).is_some()
    }
}

struct Layout {
    schema: i8,
    octave: schema::Octave,
    zero_threshold: f64,
    zero: AtomicU64,
    positive: Window,
    negative: Window,
}

impl Layout {
    fn empty(schema: i8, zero_threshold: f64) -> Self {
        Layout {
            schema,
            octave: schema::Octave::of(schema),
            zero_threshold,
            zero: AtomicU64::new(0),
            positive: Window::new(0, 0),
            negative: Window::new(0, 0),
        }
    }

    /// The counter `v` belongs in, if this layout has it.
    #[inline]
    fn slot(&self, v: f64) -> Option<&AtomicU64> {
        if v > self.zero_threshold {
            self.positive.slot(self.octave.bucket_index(v))
        } else if v < -self.zero_threshold {
            self.negative.slot(self.octave.bucket_index(-v))
        } else {
            Some(&self.zero)
        }
    }
}

struct Layouts {
    /// Every layout allocated, oldest first; the current one is the last.
    /// Boxed so that a layout keeps its address while the list grows:
    /// observers hold pointers to it.
    #[allow(clippy::vec_box)]
    all: Vec<Box<Layout>>,
    /// Layouts before this index belong to a time before the last reset
    /// and are no longer read.
    live_from: usize,
    last_reset: Instant,
    /// Bucket counts of the live layouts, merged: scratch space kept
    /// between restructurings.
    merged: NativeSnapshot,
}

/// The native buckets of one series: the pointer observers load, inline
/// in the histogram, and the rest (touched on the slow path and by
/// scrapes) behind one box, so a classic histogram's `Option` of this is
/// two words.
pub(crate) struct NativeSeries {
    /// Points into `shared.layouts.all` (the last entry); never null.
    current: AtomicPtr<Layout>,
    shared: Box<Shared>,
}

struct Shared {
    config: NativeBuckets,
    layouts: Mutex<Layouts>,
}

/// What [`NativeSeries::observe`] asks of its histogram when it reset.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Observed {
    Counted,
    /// The series started over: the histogram's other parts (sum, classic
    /// buckets) must too.
    Reset,
}

impl NativeSeries {
    pub(crate) fn new(config: NativeBuckets) -> Self {
        let mut first = Box::new(Layout::empty(config.schema(), config.zero_threshold()));
        let current = AtomicPtr::new(ptr::addr_of_mut!(*first));
        NativeSeries {
            current,
            shared: Box::new(Shared {
                config,
                layouts: Mutex::new(Layouts {
                    all: vec![first],
                    live_from: 0,
                    last_reset: Instant::now(),
                    merged: NativeSnapshot::default(),
                }),
            }),
        }
    }

    #[allow(unsafe_code)]
    fn current(&self) -> &Layout {
        // SAFETY: `current` always points to a layout boxed in
        // `self.shared.layouts.all`, which never drops or moves a box while
        // `self` lives (boxes keep their address when the Vec grows), and
        // a layout is never written through a shared reference except by
        // its atomics. `Acquire` pairs with the `Release` that published
        // it, so its fields are initialized.
        unsafe { &*self.current.load(Ordering::Acquire) }
    }

    /// Counts `v` (finite). Lock-free unless `v` needs a new layout.
    #[inline]
    pub(crate) fn observe(&self, v: f64) -> Observed {
        if let Some(slot) = self.current().slot(v) {
            // Relaxed: an independent count, read by scrapes only.
            slot.fetch_add(1, Ordering::Relaxed);
            return Observed::Counted;
        }
        self.observe_slow(v)
    }

    #[cold]
    fn observe_slow(&self, v: f64) -> Observed {
        let mut layouts = self
            .shared
            .layouts
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        // Another thread may have made room meanwhile.
        let current = self.current();
        if let Some(slot) = current.slot(v) {
            slot.fetch_add(1, Ordering::Relaxed);
            return Observed::Counted;
        }
        let (schema, zero_threshold) = (current.schema, current.zero_threshold);
        let mut merged = std::mem::take(&mut layouts.merged);
        read_live(&layouts, schema, zero_threshold, &mut merged);
        let mut plan = Plan::new(&merged, schema, zero_threshold);
        let (positive, index) = plan.add(v);

        let mut observed = Observed::Counted;
        if self.over_limit(&plan) {
            let reset_allowed = !self.shared.config.min_reset_duration().is_zero()
                && layouts.last_reset.elapsed() >= self.shared.config.min_reset_duration()
                && layouts.all.len() < MAX_LAYOUTS;
            if reset_allowed {
                plan = Plan::fresh(&self.shared.config);
                plan.add(v);
                layouts.live_from = layouts.all.len();
                layouts.last_reset = Instant::now();
                observed = Observed::Reset;
            } else {
                while self.over_limit(&plan)
                    && plan.widen_zero(self.shared.config.max_zero_threshold())
                {}
                while self.over_limit(&plan) && plan.schema > schema::MIN {
                    plan.coarsen();
                }
            }
        }

        let cap = self.window_len(&plan);
        let old = self.current();
        let layout = Box::new(Layout {
            schema: plan.schema,
            octave: schema::Octave::of(plan.schema),
            zero_threshold: plan.zero_threshold,
            zero: AtomicU64::new(0),
            positive: plan.window(
                &plan.positive,
                &old.positive,
                old.schema,
                cap,
                positive.then_some(index),
            ),
            negative: plan.window(
                &plan.negative,
                &old.negative,
                old.schema,
                cap,
                (!positive).then_some(index),
            ),
        });
        // The new layout has room for `v` by construction; count it before
        // publishing so no reader sees the layout without it.
        if let Some(slot) = layout.slot(v) {
            slot.fetch_add(1, Ordering::Relaxed);
        }
        let mut layout = layout;
        // Release: publishes the initialized layout to `current()`.
        self.current
            .store(ptr::addr_of_mut!(*layout), Ordering::Release);
        layouts.all.push(layout);
        layouts.merged = merged;
        observed
    }

    fn over_limit(&self, plan: &Plan) -> bool {
        let max = self.shared.config.max_buckets() as usize;
        max != 0 && plan.span() > max
    }

    /// The window length per side: the whole budget when there is a limit
    /// (windows then only move, they never need to grow); otherwise twice
    /// what is in use, so growth is rare.
    fn window_len(&self, plan: &Plan) -> usize {
        match self.shared.config.max_buckets() as usize {
            0 => (2 * plan.span()).next_power_of_two().max(MIN_WINDOW),
            max => max,
        }
    }

    /// Reads every bucket since the last reset, at the current schema.
    pub(crate) fn snapshot(&self) -> NativeSnapshot {
        let layouts = self
            .shared
            .layouts
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let current = self.current();
        let mut out = NativeSnapshot::default();
        read_live(&layouts, current.schema, current.zero_threshold, &mut out);
        out
    }

    /// How many layouts the series has allocated.
    #[cfg(test)]
    pub(crate) fn layouts(&self) -> usize {
        self.shared
            .layouts
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .all
            .len()
    }
}

/// Merges the live layouts into `out`, mapped to `schema` (never finer
/// than any live layout's) and `zero_threshold` (never below any's).
fn read_live(layouts: &Layouts, schema: i8, zero_threshold: f64, out: &mut NativeSnapshot) {
    out.schema = schema;
    out.zero_threshold = zero_threshold;
    out.zero_count = 0;
    out.positive.clear();
    out.negative.clear();
    // Buckets at or below this index lie wholly within the zero bucket.
    let zero_cut = zero_cut(zero_threshold, schema);
    for layout in &layouts.all[layouts.live_from..] {
        out.zero_count += layout.zero.load(Ordering::Relaxed);
        for (window, side) in [
            (&layout.positive, &mut out.positive),
            (&layout.negative, &mut out.negative),
        ] {
            for (offset, count) in window.counts.iter().enumerate() {
                let count = count.load(Ordering::Relaxed);
                if count == 0 {
                    continue;
                }
                let index = schema::coarsen(window.first + offset as i32, layout.schema, schema);
                if index <= zero_cut {
                    out.zero_count += count;
                } else {
                    side.push((index, count));
                }
            }
        }
    }
    for side in [&mut out.positive, &mut out.negative] {
        // Already in order when there is one live layout (the usual case).
        side.sort_unstable_by_key(|(index, _)| *index);
        side.dedup_by(|next, kept| {
            let same = next.0 == kept.0;
            if same {
                kept.1 += next.1;
            }
            same
        });
    }
}

/// The highest bucket index at `schema` whose upper bound is within the
/// zero threshold.
fn zero_cut(zero_threshold: f64, schema: i8) -> i32 {
    if zero_threshold <= 0.0 {
        return i32::MIN;
    }
    let i = schema::bucket_index(zero_threshold, schema);
    if schema::upper_bound(i, schema) <= zero_threshold {
        i
    } else {
        i - 1
    }
}

/// The layout being planned on the slow path: the index range each side
/// needs at a schema and zero threshold.
struct Plan {
    schema: i8,
    zero_threshold: f64,
    // Sorted indices in use per side.
    positive: Vec<i32>,
    negative: Vec<i32>,
}

impl Plan {
    fn new(merged: &NativeSnapshot, schema: i8, zero_threshold: f64) -> Self {
        Plan {
            schema,
            zero_threshold,
            positive: merged.positive.iter().map(|(i, _)| *i).collect(),
            negative: merged.negative.iter().map(|(i, _)| *i).collect(),
        }
    }

    fn fresh(config: &NativeBuckets) -> Self {
        Plan {
            schema: config.schema(),
            zero_threshold: config.zero_threshold(),
            positive: Vec::new(),
            negative: Vec::new(),
        }
    }

    /// Adds the bucket of `v` (outside the zero bucket); returns its side
    /// (`true`: positive) and index.
    fn add(&mut self, v: f64) -> (bool, i32) {
        let positive = v > 0.0;
        let index = schema::bucket_index(v.abs(), self.schema);
        let side = if positive {
            &mut self.positive
        } else {
            &mut self.negative
        };
        if let Err(at) = side.binary_search(&index) {
            side.insert(at, index);
        }
        (positive, index)
    }

    /// Buckets needed: the range from lowest to highest, per side.
    fn span(&self) -> usize {
        let span = |s: &[i32]| match (s.first(), s.last()) {
            (Some(lo), Some(hi)) => (i64::from(*hi) - i64::from(*lo) + 1) as usize,
            _ => 0,
        };
        span(&self.positive) + span(&self.negative)
    }

    /// Widens the zero bucket to take in the bucket nearest zero, if that
    /// stays within `max`. Returns whether it did.
    fn widen_zero(&mut self, max: f64) -> bool {
        let lowest = match (self.positive.first(), self.negative.first()) {
            (Some(p), Some(n)) => *p.min(n),
            (Some(p), None) => *p,
            (None, Some(n)) => *n,
            (None, None) => return false,
        };
        let threshold = schema::upper_bound(lowest, self.schema);
        if threshold > max {
            return false;
        }
        self.zero_threshold = threshold;
        self.positive.retain(|i| *i > lowest);
        self.negative.retain(|i| *i > lowest);
        true
    }

    /// Halves the resolution: neighbouring buckets merge.
    fn coarsen(&mut self) {
        let to = self.schema - 1;
        for side in [&mut self.positive, &mut self.negative] {
            for i in side.iter_mut() {
                *i = schema::coarsen(*i, self.schema, to);
            }
            side.dedup();
        }
        self.schema = to;
    }

    /// A window of `len` counters covering `used`. Kept where the old one
    /// was when that still covers it; otherwise placed with the room on
    /// the side the new bucket (`grew_to`) was added, since data that
    /// moved tends to keep moving.
    fn window(
        &self,
        used: &[i32],
        old: &Window,
        old_schema: i8,
        len: usize,
        grew_to: Option<i32>,
    ) -> Window {
        let (Some(&lo), Some(&hi)) = (used.first(), used.last()) else {
            return Window::new(0, 0);
        };
        let len = len.max((i64::from(hi) - i64::from(lo) + 1) as usize);
        let len_i = i32::try_from(len).unwrap_or(i32::MAX);
        let keep = old_schema == self.schema
            && old.counts.len() == len
            && old.contains(lo)
            && old.contains(hi);
        let first = if keep {
            old.first
        } else {
            match grew_to {
                Some(i) if i == hi && lo != hi => lo,
                Some(i) if i == lo && lo != hi => hi.saturating_sub(len_i - 1),
                // A new side, or a rebuilt one: centred.
                _ => lo.saturating_sub((len_i - (hi - lo + 1)) / 2),
            }
        };
        Window::new(first, len)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn series(config: NativeBuckets, values: &[f64]) -> NativeSeries {
        let s = NativeSeries::new(config);
        for v in values {
            s.observe(*v);
        }
        s
    }

    #[test]
    fn observations_land_in_their_buckets() {
        let s = series(
            NativeBuckets::from_schema(0),
            &[0.0, 1.0, 1.5, 2.0, 3.0, -1.0, -5.0],
        );
        let snap = s.snapshot();
        assert_eq!(snap.schema, 0);
        assert_eq!(snap.zero_count, 1);
        // (1, 2] holds 1.5 and 2; (2, 4] holds 3; (0.5, 1] holds 1.
        assert_eq!(snap.positive, vec![(0, 1), (1, 2), (2, 1)]);
        assert_eq!(snap.negative, vec![(0, 1), (3, 1)]);
        assert_eq!(snap.count(), 7);
    }

    #[test]
    fn the_limit_lowers_the_resolution() {
        let config = NativeBuckets::from_schema(3).with_max_buckets(20);
        // Twelve octaves at schema 3 would need ~96 buckets.
        let values: Vec<f64> = (0..1000).map(|i| 2f64.powf(f64::from(i) / 83.0)).collect();
        let s = series(config, &values);
        let snap = s.snapshot();
        assert!(snap.schema < 3, "schema {}", snap.schema);
        let (lo, hi) = (snap.positive[0].0, snap.positive.last().unwrap().0);
        assert!((hi - lo + 1) as usize <= 20);
        assert_eq!(snap.count(), 1000);
        // Every value is counted in the bucket that holds it.
        let mut expected = std::collections::BTreeMap::new();
        for v in &values {
            *expected
                .entry(schema::bucket_index(*v, snap.schema))
                .or_insert(0u64) += 1;
        }
        assert_eq!(snap.positive, expected.into_iter().collect::<Vec<_>>());
        assert!(s.layouts() < 20, "{} layouts", s.layouts());
    }

    #[test]
    fn the_zero_bucket_widens_before_the_resolution_drops() {
        let config = NativeBuckets::from_schema(0)
            .with_max_buckets(3)
            .with_max_zero_threshold(0.5);
        let s = series(config, &[0.1, 1.0, 2.0, 4.0]);
        let snap = s.snapshot();
        assert_eq!(snap.schema, 0);
        assert_eq!(snap.zero_threshold, 0.125);
        assert_eq!(snap.zero_count, 1);
        assert_eq!(snap.positive, vec![(0, 1), (1, 1), (2, 1)]);
    }

    #[test]
    fn a_reset_starts_over_after_the_minimum_duration() {
        let config = NativeBuckets::from_schema(0)
            .with_max_buckets(2)
            .with_min_reset_duration(Duration::from_nanos(1));
        let s = NativeSeries::new(config);
        assert_eq!(s.observe(1.0), Observed::Counted);
        assert_eq!(s.observe(2.0), Observed::Counted);
        std::thread::sleep(Duration::from_millis(1));
        assert_eq!(s.observe(100.0), Observed::Reset);
        let snap = s.snapshot();
        assert_eq!(snap.schema, 0);
        assert_eq!(snap.positive, vec![(7, 1)]);
    }

    #[test]
    fn without_a_limit_windows_grow() {
        let config = NativeBuckets::from_schema(8).with_max_buckets(0);
        let values: Vec<f64> = (1..=200).map(|i| f64::from(i) * 7.5).collect();
        let s = series(config, &values);
        let snap = s.snapshot();
        assert_eq!(snap.schema, 8);
        assert_eq!(snap.count(), 200);
    }

    #[test]
    fn concurrent_observations_are_all_counted() {
        let config = NativeBuckets::from_schema(4).with_max_buckets(30);
        let s = NativeSeries::new(config);
        std::thread::scope(|scope| {
            for t in 0..4 {
                let s = &s;
                scope.spawn(move || {
                    for i in 0..20_000 {
                        let v = (f64::from(i % 977) + 1.0) * f64::from(t + 1) * 1e-3;
                        s.observe(if i % 5 == 0 { -v } else { v });
                    }
                });
            }
        });
        let snap = s.snapshot();
        assert_eq!(snap.count(), 80_000);
        let span = |b: &[(i32, u64)]| b.last().map_or(0, |l| l.0 - b[0].0 + 1);
        assert!(span(&snap.positive) + span(&snap.negative) <= 30);
    }
}
