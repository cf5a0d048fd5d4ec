//! The simulated pipeline: Kafka topics that producers fill at a varying
//! rate, a consumer that fetches into a bounded buffer, and the operators
//! of [`stages`](crate::stages) that every event passes through, advanced
//! in small ticks of wall-clock time.
//!
//! The run is shaped so that every family moves: the consumer starts
//! behind (a backlog it drains), slows down now and then (lag rises, then
//! falls), some events are corrupt, redelivered, late or filtered, a state
//! backend fails once in a while, and a new topic appears a few seconds in.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Instant;

use metrics_core::{timed, Counter, Gauge, Handle};

use crate::labels::{Operation, Operator, ResultLabel, TopicPartition};
use crate::metrics::METRICS;
use crate::rng::Rng;
use crate::stages::{self, Dedup, Normalizer, RawEvent, StateStore, Windows};

/// Seconds before the consumer is connected and `/ready` turns 200,
/// unless `--warm-up` says otherwise.
pub(crate) const WARM_UP: f64 = 1.5;
/// Seconds into the run when the `refunds` topic appears.
pub(crate) const NEW_TOPIC_AT: f64 = 3.0;
/// Events the consumer may hold fetched but unprocessed.
const BUFFER_CAPACITY: usize = 1_000;
/// Events per second the pipeline processes at full speed.
const CAPACITY: f64 = 3_000.0;
/// How far behind the newest event time the watermark is held, so that
/// slightly out-of-order events still land in their windows.
const OUT_OF_ORDERNESS: f64 = 1.0;
const PARTITIONS: u32 = 4;

/// What the status line and the readiness check read while the
/// simulation runs.
#[derive(Default)]
pub(crate) struct Progress {
    /// The consumer is connected (the warm-up is over).
    pub(crate) ready: AtomicBool,
    /// Messages behind, over every partition.
    pub(crate) consumer_lag: AtomicU64,
    /// Topics consumed.
    pub(crate) topics: AtomicU64,
}

struct Partition {
    /// The newest event time seen from this partition.
    max_event_time: f64,
    /// Messages produced so far (fractional: producers are a rate).
    log_end: f64,
    /// Next offset to fetch.
    fetched: u64,
    /// The kept series handles: no label lookup per message.
    consumed: Handle<'static, Counter>,
    produced: Handle<'static, Counter>,
    lag: Handle<'static, Gauge>,
    commit_errors: Handle<'static, Counter>,
}

struct Topic {
    rate: f64,
    appears_at: f64,
    partitions: Vec<Partition>,
}

struct Pending {
    topic: usize,
    partition: usize,
    fetched_at: f64,
    /// When the message was produced, by the partition's clock.
    produced_at: f64,
}

/// The whole pipeline's state.
pub(crate) struct Simulation {
    rng: Rng,
    topics: Vec<Topic>,
    buffer: VecDeque<Pending>,
    dedup: Dedup,
    normalizer: Normalizer,
    state: StateStore,
    windows: Windows,
    last_tick: f64,
    carry: f64,
    next_id: u64,
    recent_ids: VecDeque<u64>,
    series_seq: Vec<u64>,
    watermark: f64,
    last_commit: f64,
    slow_until: f64,
    burst_until: f64,
    warm_up: f64,
    started: Instant,
}

fn partition(topic: &str, number: u32, output: &str, backlog: f64) -> Partition {
    let k = &METRICS.kafka;
    let labels = |topic: &str| TopicPartition {
        topic: topic.to_owned(),
        partition: number,
    };
    Partition {
        max_event_time: f64::NEG_INFINITY,
        log_end: backlog,
        fetched: 0,
        consumed: k.kafka_messages_consumed.get_or_create(&labels(topic)),
        produced: k.kafka_messages_produced.get_or_create(&labels(output)),
        lag: k.kafka_consumer_lag.get_or_create(&labels(topic)),
        commit_errors: k.kafka_offset_commit_errors.get_or_create(&labels(topic)),
    }
}

impl Simulation {
    /// A pipeline whose consumer connects after `warm_up` seconds.
    pub(crate) fn new(seed: u64, warm_up: f64) -> Self {
        let mut rng = Rng::new(seed);
        let mut topics = Vec::new();
        for (name, rate, appears_at) in [
            ("orders", 700.0, 0.0),
            ("payments", 350.0, 0.0),
            ("clicks", 900.0, 0.0),
            ("refunds", 150.0, NEW_TOPIC_AT),
        ] {
            let mut partitions = Vec::new();
            if appears_at == 0.0 {
                for number in 0..PARTITIONS {
                    // The consumer group resumes behind: a backlog to drain.
                    let backlog = 300.0 + rng.below(1_200) as f64;
                    partitions.push(partition(name, number, "enriched", backlog));
                }
            }
            topics.push(Topic {
                rate,
                appears_at,
                partitions,
            });
        }
        METRICS.pipeline.pipeline_operators_active.set(7);
        Simulation {
            rng,
            topics,
            buffer: VecDeque::with_capacity(BUFFER_CAPACITY),
            dedup: Dedup::new(5_000),
            normalizer: Normalizer::default(),
            state: StateStore::new(),
            windows: Windows::default(),
            last_tick: 0.0,
            carry: 0.0,
            next_id: 1,
            recent_ids: VecDeque::with_capacity(256),
            series_seq: vec![0; 200],
            watermark: f64::NEG_INFINITY,
            last_commit: 0.0,
            slow_until: 0.0,
            burst_until: 0.0,
            warm_up,
            started: Instant::now(),
        }
    }

    /// Seconds since the simulation started.
    pub(crate) fn now(&self) -> f64 {
        self.started.elapsed().as_secs_f64()
    }

    /// Advances the pipeline to the current time.
    pub(crate) fn tick(&mut self, progress: &Progress) {
        let now = self.now();
        let dt = (now - self.last_tick).clamp(0.0, 0.5);
        self.last_tick = now;
        self.produce(now, dt);
        if now < self.warm_up {
            self.publish_lag(progress);
            return;
        }
        progress.ready.store(true, Ordering::Relaxed);
        self.fetch(now, dt);
        let capacity = if now < self.slow_until {
            CAPACITY * 0.45
        } else {
            CAPACITY
        };
        let budget = capacity * dt + self.carry;
        let count = budget.floor() as usize;
        self.carry = budget - count as f64;
        for _ in 0..count {
            let Some(pending) = self.buffer.pop_front() else {
                self.carry = 0.0;
                break;
            };
            self.process(pending, now);
        }
        self.advance_watermark(now);
        if now - self.last_commit >= 0.5 {
            self.last_commit = now;
            self.commit_offsets(now);
        }
        self.publish_lag(progress);
        let s = &METRICS.stream;
        s.backpressure_events.set(self.buffer.len() as i64);
        let oldest = self.buffer.front().map_or(0.0, |p| now - p.produced_at);
        s.pipeline_lag.set(oldest.max(0.0));
        progress
            .topics
            .store(self.active_topics() as u64, Ordering::Relaxed);
    }

    fn active_topics(&self) -> usize {
        self.topics
            .iter()
            .filter(|t| !t.partitions.is_empty())
            .count()
    }

    /// Producers append to every partition; the load swings slowly, with
    /// bursts, and the consumer now and then slows down.
    fn produce(&mut self, now: f64, dt: f64) {
        if now > self.burst_until + 5.0 && self.rng.chance(dt / 15.0) {
            self.burst_until = now + 2.0;
        }
        if now > self.slow_until + 8.0 && self.rng.chance(dt / 20.0) {
            self.slow_until = now + 4.0;
        }
        let mut load = 1.0 + 0.3 * (now * std::f64::consts::TAU / 30.0).sin();
        if now < self.burst_until {
            load *= 1.6;
        }
        for topic in &mut self.topics {
            if topic.partitions.is_empty() && now >= topic.appears_at && topic.appears_at > 0.0 {
                // A new topic: the group rebalances and takes it on.
                for number in 0..PARTITIONS {
                    topic
                        .partitions
                        .push(partition("refunds", number, "enriched", 0.0));
                }
            }
            let per_partition = topic.rate * load * dt / PARTITIONS as f64;
            for p in &mut topic.partitions {
                p.log_end += per_partition;
            }
        }
        // Fewer operators run for the second the rebalance takes.
        let rebalancing = Self::rebalancing(now);
        METRICS
            .pipeline
            .pipeline_operators_active
            .set(if rebalancing { 5 } else { 7 });
    }

    /// Fetches from every partition in turn into the buffer, as far as it
    /// has room.
    fn fetch(&mut self, now: f64, dt: f64) {
        let mut room = BUFFER_CAPACITY.saturating_sub(self.buffer.len());
        let partitions = self
            .topics
            .iter()
            .map(|t| t.partitions.len())
            .sum::<usize>();
        let per_partition = (CAPACITY * 1.5 * dt / partitions.max(1) as f64).ceil() as usize;
        for (t, topic) in self.topics.iter_mut().enumerate() {
            for (i, p) in topic.partitions.iter_mut().enumerate() {
                let available = (p.log_end as u64).saturating_sub(p.fetched) as usize;
                let n = available.min(per_partition).min(room);
                if n == 0 {
                    continue;
                }
                let rate = topic.rate / PARTITIONS as f64;
                for k in 0..n {
                    // Messages further behind the log end were produced
                    // earlier.
                    let behind = (available - k) as f64 / rate;
                    self.buffer.push_back(Pending {
                        topic: t,
                        partition: i,
                        fetched_at: now,
                        produced_at: now - behind,
                    });
                }
                p.fetched += n as u64;
                p.consumed.inc_by(n as u64);
                METRICS.stream.events_received.inc_by(n as u64);
                room -= n;
            }
        }
        METRICS.pipeline.operator_duration[Operator::Source].observe(self.rng.latency(5e-5, 5e-4));
    }

    /// A message's payload as the producer wrote it: mostly well-formed,
    /// some redelivered, a few corrupt or invalid.
    fn payload(&mut self) -> String {
        let id = if self.recent_ids.len() > 100 && self.rng.chance(0.015) {
            // At-least-once delivery: an id seen a moment ago.
            self.recent_ids[self.rng.below(self.recent_ids.len() as u64) as usize]
        } else {
            self.next_id += 1;
            if self.recent_ids.len() == 256 {
                self.recent_ids.pop_front();
            }
            self.recent_ids.push_back(self.next_id);
            self.next_id
        };
        if self.rng.chance(0.003) {
            return format!("{id},\u{fffd}corrupt");
        }
        // Few heavy keys, many light ones.
        let key = (self.rng.unit().powi(3) * 2_000.0) as u32;
        let series = key % self.series_seq.len() as u32;
        let seq = &mut self.series_seq[series as usize];
        // A dropped message upstream leaves a gap in the series.
        *seq += if self.rng.chance(0.02) { 3 } else { 1 };
        let value = if self.rng.chance(0.002) {
            -1.0
        } else if self.rng.chance(0.005) {
            50_000.0
        } else {
            (self.rng.unit() * 1_000.0).round() / 10.0
        };
        format!("{id},{key},{series},{seq},{value}")
    }

    /// One event through every operator, ending in one `result`.
    fn process(&mut self, pending: Pending, now: f64) {
        let queued = now - pending.fetched_at;
        let mut spent = 0.0;
        let result = self.run_operators(&pending, &mut spent);
        let s = &METRICS.stream;
        s.events_processed[result].inc();
        // Queueing, the operators' time, and a little scheduling jitter.
        let total = queued + spent + self.rng.exponential(0.000_3);
        s.event_processing_duration[result].observe(total);
    }

    fn run_operators(&mut self, pending: &Pending, spent: &mut f64) -> ResultLabel {
        let ops = &METRICS.pipeline.operator_duration;
        let raw = RawEvent {
            payload: self.payload(),
        };
        let started = Instant::now();
        let parsed = stages::parse(&raw);
        *spent += started.elapsed().as_secs_f64();
        let Ok(mut event) = parsed else {
            return ResultLabel::Error;
        };

        let started = Instant::now();
        let duplicate = self.dedup.is_duplicate(event.id);
        ops[Operator::Dedup].observe(started.elapsed().as_secs_f64());
        if duplicate {
            return ResultLabel::Dropped;
        }
        // Normalized before filtering: a gap in a series is a gap whatever
        // its events turn out to be.
        let started = Instant::now();
        self.normalizer.normalize(&mut event);
        let event_time = pending.produced_at - self.event_delay();
        let w = &METRICS.watermarks;
        let partition = &mut self.topics[pending.topic].partitions[pending.partition];
        if event_time < partition.max_event_time {
            w.out_of_order_events.inc();
        }
        partition.max_event_time = partition.max_event_time.max(event_time);
        ops[Operator::Normalize].observe(started.elapsed().as_secs_f64());
        // Heartbeats and test traffic carry small values: not forwarded.
        if event.value < 5.0 {
            return ResultLabel::Filtered;
        }
        if event_time < self.watermark {
            // Its windows have already been emitted.
            METRICS.windows.late_events.inc();
            return ResultLabel::Dropped;
        }

        for operation in self.state_operations() {
            match self.state.operate(&mut self.rng, event.key, operation) {
                Ok(seconds) => *spent += seconds,
                Err(error) => {
                    METRICS.pipeline.pipeline_errors[error].inc();
                    return ResultLabel::Error;
                }
            }
        }

        let started = Instant::now();
        self.windows.assign(event_time, event.key, event.value);
        ops[Operator::Window].observe(started.elapsed().as_secs_f64());

        let sink = self.rng.latency(0.000_4, 0.004);
        ops[Operator::Sink].observe(sink);
        *spent += sink;
        if self.rng.chance(0.0015) {
            METRICS.pipeline.pipeline_errors[crate::labels::PipelineError::Sink].inc();
            return ResultLabel::Error;
        }
        self.topics[pending.topic].partitions[pending.partition]
            .produced
            .inc();
        ResultLabel::Success
    }

    /// How long before it was produced the event happened: usually a few
    /// milliseconds, sometimes most of a second (out of order, but within
    /// the watermark's allowance), now and then seconds (a phone that was
    /// offline: late).
    fn event_delay(&mut self) -> f64 {
        let r = self.rng.unit();
        if r < 0.015 {
            2.0 + self.rng.unit() * 6.0
        } else if r < 0.05 {
            0.05 + self.rng.unit() * 0.75
        } else {
            self.rng.exponential(0.002)
        }
    }

    fn state_operations(&mut self) -> impl Iterator<Item = Operation> {
        let r = self.rng.unit();
        let mut ops = vec![Operation::Get];
        if r < 0.6 {
            ops.push(Operation::Put);
        }
        if r > 0.92 {
            ops.push(Operation::Delete);
        }
        if self.rng.chance(0.02) {
            ops.push(Operation::Scan);
        }
        ops.into_iter()
    }

    /// Moves the watermark with the event time of the partition furthest
    /// behind (partitions that have sent nothing yet are idle and do not
    /// hold it back), and emits the windows it passed.
    fn advance_watermark(&mut self, now: f64) {
        let w = &METRICS.watermarks;
        let slowest = self
            .topics
            .iter()
            .flat_map(|t| &t.partitions)
            .map(|p| p.max_event_time)
            .filter(|t| t.is_finite())
            .fold(f64::INFINITY, f64::min);
        let candidate = slowest - OUT_OF_ORDERNESS;
        if candidate.is_finite() && candidate > self.watermark {
            self.watermark = candidate;
            w.watermark_updates.inc();
        }
        if self.watermark.is_finite() {
            w.watermark_lag.set((now - self.watermark).max(0.0));
        }
        let started = Instant::now();
        self.windows.trigger(self.watermark);
        METRICS.pipeline.operator_duration[Operator::Aggregate]
            .observe(started.elapsed().as_secs_f64());
    }

    /// The consumer group rebalances for a second when the new topic
    /// appears.
    fn rebalancing(now: f64) -> bool {
        (NEW_TOPIC_AT..NEW_TOPIC_AT + 1.0).contains(&now)
    }

    /// Commits the consumer's offsets, partition by partition. Commits
    /// fail while the group rebalances (the new topic's arrival) and once
    /// in a while otherwise (the broker is moving a partition). Timed with
    /// the built-in `function_calls_*` families.
    #[timed]
    fn commit_offsets(&mut self, now: f64) {
        let rebalancing = Self::rebalancing(now);
        for topic in &self.topics {
            for p in &topic.partitions {
                if rebalancing || self.rng.chance(0.005) {
                    p.commit_errors.inc();
                }
            }
        }
    }

    fn publish_lag(&self, progress: &Progress) {
        let mut total = 0;
        for topic in &self.topics {
            for p in &topic.partitions {
                let lag = (p.log_end as u64).saturating_sub(p.fetched);
                p.lag.set(lag as i64);
                total += lag;
            }
        }
        progress.consumer_lag.store(total, Ordering::Relaxed);
    }
}
