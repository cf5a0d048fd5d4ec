//! The stream processor's label types: closed sets are enums (a misspelled
//! value does not compile, and every combination is exposed at zero from
//! the first scrape); the Kafka topic is open-ended, so it is a `String`
//! in a capped label set.
//!
//! A label enum needs `#[derive(LabelValue)]` and four standard derives:
//! `Clone` and `Copy` (families index by value) and `PartialEq` and `Eq`
//! (label sets compare); `Debug` and `Hash` are not required. The label's name is the type's
//! name in snake_case without a trailing `Label` (`WindowType` ->
//! `window_type`, `ResultLabel` -> `result`), so renaming the type renames
//! the label; `#[label(name = "...")]` pins it instead. Values are the
//! variants in snake_case: `RocksDb` would be `rocks_db`, hence the
//! `rename` below.

use metrics_core::{LabelSet, LabelValue};

/// What became of an event (`result`).
#[derive(LabelValue, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ResultLabel {
    Success,
    Error,
    Dropped,
    Filtered,
}

/// `window_type`.
#[derive(LabelValue, Clone, Copy, PartialEq, Eq)]
pub(crate) enum WindowType {
    Tumbling,
    Sliding,
    Session,
}

/// `aggregate_type`: what a triggered window computes.
#[derive(LabelValue, Clone, Copy, PartialEq, Eq)]
pub(crate) enum AggregateType {
    Count,
    Sum,
    Mean,
    Min,
    Max,
    Distinct,
}

/// `operation` on the state store.
#[derive(LabelValue, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Operation {
    Get,
    Put,
    Delete,
    Scan,
}

/// `backend` of the state store.
#[derive(LabelValue, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Backend {
    Memory,
    /// Without the rename the value would be `rocks_db`.
    #[label(rename = "rocksdb")]
    RocksDb,
    Redis,
}

/// A state operation: two closed labels, so the family is a dense array
/// of 4 x 3 series.
#[derive(LabelSet, Clone, Copy, PartialEq, Eq)]
pub(crate) struct StateOp {
    pub(crate) operation: Operation,
    pub(crate) backend: Backend,
}

/// `layer` of the state cache.
#[derive(LabelValue, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Layer {
    L1,
    L2,
    L3,
}

/// The strategy used to fill a gap in a series. Alone it would be
/// labelled `fill_strategy`, after the type; the metric set says
/// `strategy`.
#[derive(LabelValue, Clone, Copy, PartialEq, Eq)]
#[label(name = "strategy")]
pub(crate) enum FillStrategy {
    Forward,
    Backward,
    Linear,
    Zero,
    Drop,
}

/// Why the pipeline failed an event, and the error type of its stages: a
/// `#[timed(..., errors = ...)]` stage counts each `Err` by variant. The
/// type is named for what it is in the code, so the label is named
/// explicitly.
#[derive(LabelValue, Clone, Copy, PartialEq, Eq)]
#[label(name = "error_type")]
pub(crate) enum PipelineError {
    Deserialization,
    Validation,
    Timeout,
    State,
    Sink,
}

/// `operator`: one stage of the pipeline.
#[derive(LabelValue, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Operator {
    Source,
    Parse,
    Dedup,
    Normalize,
    Window,
    Aggregate,
    Sink,
}

/// A Kafka topic partition. The topic is open-ended (topics come and go
/// at run time), which makes the set sparse: a capped map rather than an
/// array, so it also derives `Hash` and is looked up with
/// `family.get_or_create(&labels)`.
#[derive(LabelSet, Clone, PartialEq, Eq, Hash)]
pub(crate) struct TopicPartition {
    pub(crate) topic: String,
    pub(crate) partition: u32,
}
