//! The stream processor's 37 metric families: one `#[derive(Metrics)]`
//! struct per area of the pipeline, all with the `processor` prefix, and
//! one static that holds them all, registered in the global registry
//! before `main` runs.
//!
//! Names are the field names with the prefix and, where given, the unit;
//! counters gain `_total` when exposed (`events_received` is scraped as
//! `processor_events_received_total`).

use metrics_core::{register, Buckets, Counter, Family, Gauge, Global, Histogram, Metrics};

use crate::labels::{
    AggregateType, Backend, FillStrategy, Layer, Operator, PipelineError, ResultLabel, StateOp,
    TopicPartition, WindowType,
};

/// Durations: 1 ms to about 33 s, doubling (16 buckets).
pub(crate) const DURATION_BUCKETS: Buckets = Buckets::exponential(0.001, 2.0, 16);
/// Sizes in events: 1 to 10,000 (14 buckets).
pub(crate) const SIZE_BUCKETS: Buckets = Buckets::new(&[
    1.0, 2.0, 5.0, 10.0, 20.0, 50.0, 100.0, 200.0, 500.0, 1000.0, 2000.0, 3000.0, 5000.0, 10000.0,
]);

/// Every area of the pipeline, flattened: each area's families keep their
/// own names.
#[derive(Metrics)]
pub(crate) struct ProcessorMetrics {
    #[metrics(flatten)]
    pub(crate) stream: StreamMetrics,
    #[metrics(flatten)]
    pub(crate) windows: WindowMetrics,
    #[metrics(flatten)]
    pub(crate) aggregations: AggregationMetrics,
    #[metrics(flatten)]
    pub(crate) state: StateMetrics,
    #[metrics(flatten)]
    pub(crate) dedup: DedupMetrics,
    #[metrics(flatten)]
    pub(crate) normalization: NormalizationMetrics,
    #[metrics(flatten)]
    pub(crate) watermarks: WatermarkMetrics,
    #[metrics(flatten)]
    pub(crate) kafka: KafkaMetrics,
    #[metrics(flatten)]
    pub(crate) pipeline: PipelineMetrics,
}

/// Built on first use, and in the global registry at link time: every
/// family is exposed at the first scrape, even one not yet touched.
#[register]
pub(crate) static METRICS: Global<ProcessorMetrics> = Global::new();

#[derive(Metrics)]
#[metrics(prefix = "processor")]
pub(crate) struct StreamMetrics {
    /// Events read from the source topics.
    pub(crate) events_received: Counter,
    /// Events that left the pipeline, by what became of them.
    pub(crate) events_processed: Family<ResultLabel, Counter>,
    /// Time from receiving an event to its result.
    #[metrics(unit = "seconds", buckets = DURATION_BUCKETS)]
    pub(crate) event_processing_duration: Family<ResultLabel, Histogram>,
    /// Age of the oldest fetched event not yet processed.
    #[metrics(unit = "seconds")]
    pub(crate) pipeline_lag: Gauge<f64>,
    /// Events fetched and waiting for the operators: what backpressure
    /// holds back right now.
    pub(crate) backpressure_events: Gauge,
}

#[derive(Metrics)]
#[metrics(prefix = "processor")]
pub(crate) struct WindowMetrics {
    /// Windows opened.
    pub(crate) windows_created: Family<WindowType, Counter>,
    /// Windows closed by the watermark and emitted.
    pub(crate) windows_triggered: Family<WindowType, Counter>,
    /// Windows open right now.
    pub(crate) windows_active: Family<WindowType, Gauge>,
    /// Events in a window when it triggered.
    #[metrics(unit = "events", buckets = SIZE_BUCKETS)]
    pub(crate) window_size: Family<WindowType, Histogram>,
    /// Events that arrived after their window closed.
    pub(crate) late_events: Counter,
}

#[derive(Metrics)]
#[metrics(prefix = "processor")]
pub(crate) struct AggregationMetrics {
    /// Aggregates computed over triggered windows.
    pub(crate) aggregations_computed: Family<AggregateType, Counter>,
    /// Aggregates that could not be computed.
    pub(crate) aggregation_errors: Family<AggregateType, Counter>,
    /// Time to compute one aggregate.
    #[metrics(unit = "seconds", buckets = DURATION_BUCKETS)]
    pub(crate) aggregation_duration: Family<AggregateType, Histogram>,
}

#[derive(Metrics)]
#[metrics(prefix = "processor")]
pub(crate) struct StateMetrics {
    /// State store operations.
    pub(crate) state_operations: Family<StateOp, Counter>,
    /// Time per state store operation.
    #[metrics(unit = "seconds", buckets = DURATION_BUCKETS)]
    pub(crate) state_operation_duration: Family<StateOp, Histogram>,
    /// State reads answered by a cache layer.
    pub(crate) state_cache_hits: Family<Layer, Counter>,
    /// State reads a cache layer could not answer.
    pub(crate) state_cache_misses: Family<Layer, Counter>,
    /// Bytes held by each state backend.
    #[metrics(unit = "bytes")]
    pub(crate) state_size: Family<Backend, Gauge>,
    /// Entries evicted from a state backend.
    pub(crate) state_evictions: Family<Backend, Counter>,
}

#[derive(Metrics)]
#[metrics(prefix = "processor")]
pub(crate) struct DedupMetrics {
    /// Events checked against the deduplication cache.
    pub(crate) dedup_events_checked: Counter,
    /// Events found to be duplicates and dropped.
    pub(crate) dedup_duplicates_found: Counter,
    /// Event ids evicted from the deduplication cache.
    pub(crate) dedup_cache_evictions: Counter,
    /// Event ids in the deduplication cache.
    pub(crate) dedup_cache_size: Gauge,
}

#[derive(Metrics)]
#[metrics(prefix = "processor")]
pub(crate) struct NormalizationMetrics {
    /// Events normalized.
    pub(crate) normalization_events: Counter,
    /// Gaps in a series filled in.
    pub(crate) normalization_gaps_filled: Counter,
    /// Values outside the expected range.
    pub(crate) normalization_outliers_detected: Counter,
    /// Fill operations, by strategy.
    pub(crate) normalization_fill_operations: Family<FillStrategy, Counter>,
}

#[derive(Metrics)]
#[metrics(prefix = "processor")]
pub(crate) struct WatermarkMetrics {
    /// How far the watermark trails the wall clock: the age of the
    /// newest event time all partitions have passed.
    #[metrics(unit = "seconds")]
    pub(crate) watermark_lag: Gauge<f64>,
    /// Times the watermark advanced.
    pub(crate) watermark_updates: Counter,
    /// Events older than an event already seen.
    pub(crate) out_of_order_events: Counter,
}

#[derive(Metrics)]
#[metrics(prefix = "processor")]
pub(crate) struct KafkaMetrics {
    /// Messages consumed, by topic and partition.
    #[metrics(max_series = 1000)]
    pub(crate) kafka_messages_consumed: Family<TopicPartition, Counter>,
    /// Messages produced, by topic and partition.
    #[metrics(max_series = 1000)]
    pub(crate) kafka_messages_produced: Family<TopicPartition, Counter>,
    /// Offset commits that failed.
    #[metrics(max_series = 1000)]
    pub(crate) kafka_offset_commit_errors: Family<TopicPartition, Counter>,
    /// Messages behind the end of each partition.
    #[metrics(max_series = 1000)]
    pub(crate) kafka_consumer_lag: Family<TopicPartition, Gauge>,
}

#[derive(Metrics)]
#[metrics(prefix = "processor")]
pub(crate) struct PipelineMetrics {
    /// Events failed, by cause.
    pub(crate) pipeline_errors: Family<PipelineError, Counter>,
    /// Operators running.
    pub(crate) pipeline_operators_active: Gauge,
    /// Time spent in each operator per event.
    #[metrics(unit = "seconds", buckets = DURATION_BUCKETS)]
    pub(crate) operator_duration: Family<Operator, Histogram>,
}
