//! Typed Prometheus instrumentation: a metric is a typed field, not a string.
//!
//! Declare metrics as a struct; labels are enums, so a misspelled label
//! does not compile, and every combination of a family keyed by enums
//! exists at zero from the first scrape:
//!
//! ```
//! use metrics_core::{
//!     register, Buckets, Counter, Family, Format, Gauge, Global, Histogram, LabelSet, LabelValue,
//!     Metrics, Registry,
//! };
//!
//! #[derive(LabelValue, Clone, Copy, PartialEq, Eq)] // all a label enum needs
//! enum ResultLabel { Success, Failure, Timeout } // label `result`: the type's name, minus `Label`
//!
//! #[derive(LabelValue, Clone, Copy, PartialEq, Eq)]
//! enum Operation { Get, Put }                // label `operation`, values "get", "put"
//!
//! #[derive(LabelSet, Clone, Copy, PartialEq, Eq)]
//! struct OpLabels { operation: Operation, result: ResultLabel } // field name = label name
//!
//! #[derive(LabelSet, Clone, Debug, PartialEq, Eq, Hash)]
//! struct TenantLabels { tenant: String }     // open-ended: a capped, sparse family
//!
//! #[derive(Metrics)]
//! #[metrics(prefix = "stream")]
//! struct StreamMetrics {
//!     /// Events ingested.
//!     events_ingested: Counter,                          // stream_events_ingested_total
//!     /// Events by outcome.
//!     events_processed: Family<ResultLabel, Counter>,
//!     /// Time to process one event.
//!     #[metrics(unit = "seconds", buckets = Buckets::exponential(0.001, 2.0, 16))]
//!     processing_duration: Family<ResultLabel, Histogram>, // stream_processing_duration_seconds
//!     /// Events waiting.
//!     queue_depth: Gauge,
//!     /// State operations.
//!     state_ops: Family<OpLabels, Counter>,
//!     /// Requests per tenant.
//!     #[metrics(max_series = 1000)]
//!     tenant_requests: Family<TenantLabels, Counter>,
//! }
//!
//! #[register] // in the global registry at link time: visible at the first scrape
//! static METRICS: Global<StreamMetrics> = Global::new();
//!
//! METRICS.events_ingested.inc();
//! METRICS.events_processed[ResultLabel::Success].inc();       // arithmetic: no hash, lock or allocation
//! METRICS.processing_duration[ResultLabel::Success].observe(0.004);
//! METRICS.state_ops[OpLabels { operation: Operation::Put, result: ResultLabel::Failure }].inc_by(3);
//! let acme = METRICS.tenant_requests.get_or_create(&TenantLabels { tenant: "acme".into() });
//! acme.inc();                                                // keep the handle to skip the lookup
//!
//! let text = Registry::global().encode_to_string(Format::Text);
//! assert!(text.contains("stream_events_processed_total{result=\"timeout\"} 0\n"));
//! assert!(text.contains("stream_state_ops_total{operation=\"put\",result=\"failure\"} 3\n"));
//! assert!(text.contains("stream_tenant_requests_total{tenant=\"acme\"} 1\n"));
//! ```
//!
//! Mistakes are compile errors at the line that wrote them: an invalid name,
//! a reserved or repeated label name, a counter named `..._total`, buckets
//! that are empty, unsorted, duplicated or NaN, a field that is not a
//! metric, a label of the wrong type. See [`Metrics`](derive@Metrics) for
//! every attribute.
//!
//! Underneath is a small runtime usable by hand: [`Counter`], [`Gauge`] and
//! [`Histogram`] are plain atomics (8 bytes for counters and gauges), a
//! [`Family`] keyed by [`LabelValue`] enums is a preallocated array indexed
//! by arithmetic, a family keyed by open-ended values is a capped
//! concurrent map, and a [`Registry`] checks names once, at registration,
//! and encodes Prometheus text 0.0.4 or OpenMetrics 1.0.0 into any
//! `io::Write`:
//!
//! ```
//! use std::sync::Arc;
//! use metrics_core::{Buckets, Format, Histogram, Metadata, Registry};
//!
//! let registry = Registry::new();
//! let latency = Arc::new(Histogram::new(Buckets::exponential(0.001, 2.0, 12)));
//! registry
//!     .register_metric(Metadata::new("latency_seconds", "Latency.").with_unit("seconds"), latency.clone())
//!     .unwrap();
//! latency.observe(0.003);
//! let text = registry.encode_to_string(Format::OpenMetrics);
//! assert!(text.contains("latency_seconds_bucket{le=\"+Inf\"} 1\n"));
//! assert!(text.ends_with("# EOF\n"));
//! ```
//!
//! Every operation on a metric is lock-free and allocation-free; the memory
//! ordering of each is stated on its type. Bad input is refused with a
//! documented, non-panicking behaviour: negative or non-finite counter
//! increments and non-finite observations leave the metric unchanged,
//! invalid names are registration errors, label values are escaped.

// No unsafe code, but for two places, each allowed where it is: the one
// link-section static through which the built-in `#[timed]` families join
// the link-time registrations (the lint counts `#[link_section]` as
// unsafe), and the native histogram's load of its current bucket layout
// (`histogram/sparse.rs`: a pointer to a layout that lives as long as the
// series, so that observing costs one load and one add).
#![deny(unsafe_code)]

// Lets the macros' `::metrics_core::...` paths resolve inside this crate's
// own tests and doctests.
extern crate self as metrics_core;

// The modules are private: what a user writes is re-exported below, once.
// Three namespaces are public: `encoding` (for hand-written collectors),
// `testing` and `process` (each behind the cargo feature of its name, so
// that a program that uses neither does not compile them).
mod buckets;
mod counter;
pub mod encoding;
mod family;
mod field;
mod format;
mod gauge;
mod global;
mod histogram;
mod info;
mod invalid;
mod label;
mod lock;
mod metadata;
mod metric;
mod name;
mod order;
#[cfg(feature = "process")]
pub mod process;
mod registry;
#[cfg(any(test, feature = "testing"))]
pub mod testing;
mod timed;

pub use buckets::{Buckets, BucketsError};
pub use counter::Counter;
pub use encoding::{Exemplar, ExemplarError, ExemplarLabels};
pub use family::{Family, Handle, DEFAULT_MAX_SERIES, OVERFLOW_LABEL_VALUE};
pub use field::Metrics;
pub use format::{Escaping, Exposition, Format, OpenMetricsVersion, TextVersion};
pub use gauge::Gauge;
pub use global::{Global, GlobalRegistrationError};
pub use histogram::{
    Histogram, HistogramOptions, HistogramSnapshot, NativeBuckets, NativeBucketsError,
    NativeSnapshot,
};
pub use info::{Info, InfoError};
pub use invalid::InvalidValue;
pub use label::{DenseLabelSet, LabelSet, LabelValue};
pub use metadata::Metadata;
pub use metric::Metric;
pub use registry::{Collector, CollectorId, ExpositionStats, Registry, RegistryError};
pub use timed::{ErrorTarget, Outcome, TimedTarget};
// Implemented by the library's types, not by users: public so that a
// compile error can name them ("`String` is not a metric type").
pub use field::MetricField;
pub use label::LabelField;

#[cfg(feature = "derive")]
pub use metrics_macros::{register, timed, LabelSet, LabelValue, Metrics};

/// Items the macros' generated code names; not a stable API. Generated
/// code names nothing else of this crate.
#[doc(hidden)]
pub mod __private {
    pub use crate::encoding::Families;
    pub use crate::field::{check_options, domain_len, FieldOptions};
    pub use crate::global::{Registration, GLOBAL_COLLECTORS};
    pub use crate::name::{
        check_labels, check_labels_in, check_name, ends_with, str_eq, NameRules,
    };
    pub use crate::timed::{error_of, ReturnOutcome, TimedSite, Timer, WithInFlight, TIMED_SITES};
    pub use crate::{
        Buckets, Collector, DenseLabelSet, ErrorTarget, LabelField, LabelSet, LabelValue, Metadata,
        MetricField, Metrics, NativeBuckets, Outcome, TimedTarget,
    };
    pub use linkme;
}
