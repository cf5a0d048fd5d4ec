//! The operators an event passes through: parse, deduplicate, normalize,
//! read and write state, assign to windows, aggregate triggered windows.
//!
//! Parsing, deduplication, window bookkeeping and aggregation do real work
//! on the simulated data and are timed for real (two of them with
//! `#[timed]`). The state backends and the sink do not exist, so their
//! latencies are drawn from a model of each (memory fast, RocksDB slower
//! with a long tail, Redis a network hop) and observed like measured ones.

use std::collections::{HashMap, HashSet, VecDeque};

use metrics_core::{timed, LabelValue as _};

use crate::labels::{
    AggregateType, Backend, FillStrategy, Layer, Operation, Operator, PipelineError, StateOp,
    WindowType,
};
use crate::metrics::METRICS;
use crate::rng::Rng;

/// A message as it comes off a topic: bytes to parse.
pub(crate) struct RawEvent {
    pub(crate) payload: String,
}

/// A parsed event.
pub(crate) struct Event {
    pub(crate) id: u64,
    pub(crate) key: u32,
    pub(crate) series: u32,
    pub(crate) seq: u64,
    pub(crate) value: f64,
}

/// Parses `id,key,series,seq,value`. Timed into the `parse` operator's
/// histogram; each `Err` is also counted by variant into
/// `processor_pipeline_errors_total{error_type}`.
#[timed(METRICS.pipeline.operator_duration[Operator::Parse], errors = METRICS.pipeline.pipeline_errors)]
pub(crate) fn parse(raw: &RawEvent) -> Result<Event, PipelineError> {
    let mut fields = raw.payload.split(',');
    let event = Event {
        id: field(&mut fields)?,
        key: field(&mut fields)?,
        series: field(&mut fields)?,
        seq: field(&mut fields)?,
        value: field(&mut fields)?,
    };
    if !event.value.is_finite() || event.value < 0.0 {
        return Err(PipelineError::Validation);
    }
    Ok(event)
}

/// The next comma-separated field, parsed.
fn field<T: std::str::FromStr>(fields: &mut std::str::Split<'_, char>) -> Result<T, PipelineError> {
    fields
        .next()
        .and_then(|f| f.parse().ok())
        .ok_or(PipelineError::Deserialization)
}

/// Drops redelivered events: a bounded set of recently seen ids.
pub(crate) struct Dedup {
    seen: HashSet<u64>,
    order: VecDeque<u64>,
    capacity: usize,
}

impl Dedup {
    pub(crate) fn new(capacity: usize) -> Self {
        Dedup {
            seen: HashSet::with_capacity(capacity),
            order: VecDeque::with_capacity(capacity),
            capacity,
        }
    }

    /// Whether `id` was seen before; remembers it otherwise.
    pub(crate) fn is_duplicate(&mut self, id: u64) -> bool {
        let m = &METRICS.dedup;
        m.dedup_events_checked.inc();
        if self.seen.contains(&id) {
            m.dedup_duplicates_found.inc();
            return true;
        }
        if self.order.len() == self.capacity {
            if let Some(old) = self.order.pop_front() {
                self.seen.remove(&old);
                m.dedup_cache_evictions.inc();
            }
        }
        self.seen.insert(id);
        self.order.push_back(id);
        m.dedup_cache_size.set(self.order.len() as i64);
        false
    }
}

/// Fills gaps in each series and flags outliers.
#[derive(Default)]
pub(crate) struct Normalizer {
    last_seq: HashMap<u32, u64>,
}

/// Values above this are outliers, clamped before aggregation.
const OUTLIER: f64 = 1_000.0;

impl Normalizer {
    pub(crate) fn normalize(&mut self, event: &mut Event) {
        let m = &METRICS.normalization;
        m.normalization_events.inc();
        let last = self.last_seq.insert(event.series, event.seq);
        if let Some(last) = last {
            if event.seq > last + 1 {
                m.normalization_gaps_filled.inc();
                // Each series is configured with one fill strategy.
                let strategy = [
                    FillStrategy::Forward,
                    FillStrategy::Backward,
                    FillStrategy::Linear,
                    FillStrategy::Zero,
                    FillStrategy::Drop,
                ][event.series as usize % 5];
                m.normalization_fill_operations[strategy].inc_by(event.seq - last - 1);
            }
        }
        if event.value > OUTLIER {
            m.normalization_outliers_detected.inc();
            event.value = OUTLIER;
        }
    }
}

/// A state store behind three cache layers, over three backends.
pub(crate) struct StateStore {
    size: [i64; 3],
}

/// How much each backend holds before it evicts.
const BACKEND_CAPACITY: [i64; 3] = [8 << 20, 64 << 20, 16 << 20];

impl StateStore {
    pub(crate) fn new() -> Self {
        StateStore {
            // Warm from an earlier run: close to what each holds at most.
            size: [
                (8 << 20) - 150_000,
                (64 << 20) - 600_000,
                (16 << 20) - 250_000,
            ],
        }
    }

    /// One operation on `key`'s state: its simulated latency in seconds,
    /// or the error it failed with.
    pub(crate) fn operate(
        &mut self,
        rng: &mut Rng,
        key: u32,
        operation: Operation,
    ) -> Result<f64, PipelineError> {
        let backend = match key % 20 {
            0..=5 => Backend::Memory,
            6..=16 => Backend::RocksDb,
            _ => Backend::Redis,
        };
        let m = &METRICS.state;
        let op = StateOp { operation, backend };
        m.state_operations[op].inc();
        let mut seconds = 0.00002;
        let mut needs_backend = true;
        if operation == Operation::Get {
            // The cache layers answer most reads before the backend does.
            for (layer, hit_ratio, cost) in [
                (Layer::L1, 0.70, 0.000_01),
                (Layer::L2, 0.55, 0.000_1),
                (Layer::L3, 0.40, 0.000_5),
            ] {
                seconds += cost;
                if rng.chance(hit_ratio) {
                    m.state_cache_hits[layer].inc();
                    needs_backend = false;
                    break;
                }
                m.state_cache_misses[layer].inc();
            }
        }
        if needs_backend {
            let (typical, tail) = match backend {
                Backend::Memory => (0.000_05, 0.000_5),
                Backend::RocksDb => (0.000_8, 0.02),
                Backend::Redis => (0.001_5, 0.01),
            };
            seconds += rng.latency(typical, tail);
            if operation == Operation::Scan {
                seconds *= 12.0;
            }
            if backend == Backend::Redis && rng.chance(0.002) {
                return Err(PipelineError::Timeout);
            }
            if backend != Backend::Memory && rng.chance(0.001) {
                return Err(PipelineError::State);
            }
        }
        let slot = backend.index();
        match operation {
            Operation::Put => self.size[slot] += 180 + (key as i64 % 64) * 8,
            Operation::Delete => self.size[slot] = (self.size[slot] - 400).max(0),
            Operation::Get | Operation::Scan => {}
        }
        if self.size[slot] > BACKEND_CAPACITY[slot] {
            // Evict about a hundredth of the backend.
            let evicted = BACKEND_CAPACITY[slot] / 100;
            self.size[slot] -= evicted;
            m.state_evictions[backend].inc_by((evicted / 400) as u64);
        }
        m.state_size[backend].set(self.size[slot]);
        m.state_operation_duration[op].observe(seconds);
        Ok(seconds)
    }
}

/// One open window: its events' values until it triggers.
struct Window {
    kind: WindowType,
    end: f64,
    values: Vec<f64>,
}

/// Tumbling (1 s), sliding (2 s every 0.5 s) and session (1 s gap) windows
/// over event time, triggered when the watermark passes their end.
#[derive(Default)]
pub(crate) struct Windows {
    /// Keyed by (type, start in ms, session key).
    open: HashMap<(u8, i64, u32), Window>,
    /// Per session key: the session's start and its last event time.
    sessions: HashMap<u32, (i64, f64)>,
}

const TUMBLING: f64 = 1.0;
const SLIDING: f64 = 2.0;
const SLIDE: f64 = 0.5;
const SESSION_GAP: f64 = 1.0;

impl Windows {
    /// Adds an event at `event_time` (seconds) to every window it falls in.
    pub(crate) fn assign(&mut self, event_time: f64, key: u32, value: f64) {
        let tumbling = (event_time / TUMBLING).floor() * TUMBLING;
        self.add(WindowType::Tumbling, tumbling, TUMBLING, 0, value);
        let last_slide = (event_time / SLIDE).floor() * SLIDE;
        let mut start = last_slide;
        while start > event_time - SLIDING {
            self.add(WindowType::Sliding, start, SLIDING, 0, value);
            start -= SLIDE;
        }
        // Sessions only for the keys of the click stream (key < 500).
        if key < 500 {
            let session = match self.sessions.get(&key) {
                Some(&(start, last)) if event_time - last < SESSION_GAP => start,
                _ => (event_time * 1000.0) as i64,
            };
            let last = self
                .sessions
                .get(&key)
                .map_or(event_time, |&(_, last)| last.max(event_time));
            self.sessions.insert(key, (session, last));
            let window = self.open_window(WindowType::Session, session, key);
            window.end = last + SESSION_GAP;
            window.values.push(value);
        }
    }

    fn add(&mut self, kind: WindowType, start: f64, length: f64, key: u32, value: f64) {
        let window = self.open_window(kind, (start * 1000.0) as i64, key);
        window.end = start + length;
        window.values.push(value);
    }

    fn open_window(&mut self, kind: WindowType, start_ms: i64, key: u32) -> &mut Window {
        self.open
            .entry((kind.index() as u8, start_ms, key))
            .or_insert_with(|| {
                let m = &METRICS.windows;
                m.windows_created[kind].inc();
                m.windows_active[kind].inc();
                Window {
                    kind,
                    end: f64::INFINITY,
                    values: Vec::new(),
                }
            })
    }

    /// Triggers every window the watermark has passed: emits its size and
    /// its aggregates.
    pub(crate) fn trigger(&mut self, watermark: f64) {
        let due: Vec<_> = self
            .open
            .iter()
            .filter(|(_, w)| w.end <= watermark)
            .map(|(k, _)| *k)
            .collect();
        let m = &METRICS.windows;
        for key in &due {
            let Some(window) = self.open.remove(key) else {
                continue;
            };
            m.windows_triggered[window.kind].inc();
            m.windows_active[window.kind].dec();
            m.window_size[window.kind].observe(window.values.len() as f64);
            for kind in AggregateType::VALUES {
                let a = &METRICS.aggregations;
                match aggregate(*kind, &window.values) {
                    Ok(_) => a.aggregations_computed[*kind].inc(),
                    Err(_) => a.aggregation_errors[*kind].inc(),
                }
            }
        }
        self.sessions
            .retain(|_, &mut (_, last)| last + SESSION_GAP > watermark);
    }
}

/// The most distinct values the `distinct` aggregate tracks exactly.
const DISTINCT_LIMIT: usize = 400;

/// Computes one aggregate over a window's values, timed per aggregate type.
#[timed(METRICS.aggregations.aggregation_duration[kind])]
fn aggregate(kind: AggregateType, values: &[f64]) -> Result<f64, PipelineError> {
    if values.is_empty() {
        return Err(PipelineError::Validation);
    }
    let sum: f64 = values.iter().sum();
    Ok(match kind {
        AggregateType::Count => values.len() as f64,
        AggregateType::Sum => sum,
        AggregateType::Mean => sum / values.len() as f64,
        AggregateType::Min => values.iter().copied().fold(f64::INFINITY, f64::min),
        AggregateType::Max => values.iter().copied().fold(f64::NEG_INFINITY, f64::max),
        AggregateType::Distinct => {
            let distinct: HashSet<u64> = values.iter().map(|v| v.to_bits()).collect();
            if distinct.len() > DISTINCT_LIMIT {
                // Too many to count exactly within the window's budget.
                return Err(PipelineError::Validation);
            }
            distinct.len() as f64
        }
    })
}
