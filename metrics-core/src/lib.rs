//! Typed Prometheus instrumentation: a small atomic runtime.
//!
//! A metric is a typed value: [`Counter`], [`Gauge`] and [`Histogram`] are
//! plain atomics (8 bytes for counters and gauges), a [`Family`] keyed by
//! [`LabelValue`] enums is a preallocated array indexed by arithmetic, and a
//! family keyed by open-ended values is a capped concurrent map. A
//! [`Registry`] checks names once, at registration, and encodes Prometheus
//! text 0.0.4 or OpenMetrics 1.0.0 into any `io::Write`.
//!
//! ```
//! use std::sync::Arc;
//! use metrics_core::{Buckets, Counter, Family, Format, Histogram, LabelValue, Metadata, Registry};
//!
//! #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
//! enum Outcome { Success, Failure }
//! impl LabelValue for Outcome {
//!     const NAME: &'static str = "outcome";
//!     const VALUES: &'static [Self] = &[Outcome::Success, Outcome::Failure];
//!     const STRINGS: &'static [&'static str] = &["success", "failure"];
//!     fn index(self) -> usize { self as usize }
//! }
//!
//! let registry = Registry::new();
//! let events = Arc::new(Family::<Outcome, Counter>::new());
//! let latency = Arc::new(Histogram::new(Buckets::exponential(0.001, 2.0, 12)));
//! registry.register_metric(Metadata::new("events", "Events by outcome."), events.clone()).unwrap();
//! registry
//!     .register_metric(Metadata::new("latency_seconds", "Latency.").with_unit("seconds"), latency.clone())
//!     .unwrap();
//!
//! events[Outcome::Success].inc();
//! latency.observe(0.003);
//!
//! let text = registry.encode_to_string(Format::Text);
//! assert!(text.contains("events_total{outcome=\"success\"} 1\n"));
//! assert!(text.contains("events_total{outcome=\"failure\"} 0\n"));
//! assert!(text.contains("latency_seconds_bucket{le=\"+Inf\"} 1\n"));
//! ```
//!
//! Every operation on a metric is lock-free and allocation-free; the memory
//! ordering of each is stated on its type. Bad input is refused with a
//! documented, non-panicking behaviour: negative or non-finite counter
//! increments and non-finite observations leave the metric unchanged,
//! invalid names are registration errors, label values are escaped.

#![forbid(unsafe_code)]

// Lets the macros' `::metrics_core::...` paths resolve inside this crate's
// own tests and doctests.
extern crate self as metrics_core;

pub mod buckets;
pub mod counter;
pub mod encode;
pub mod family;
pub mod field;
pub mod gauge;
mod global;
pub mod histogram;
pub mod info;
pub mod label;
pub mod metric;
pub mod name;
pub mod process;
pub mod registry;
pub mod testing;

pub use buckets::{Buckets, BucketsError};
pub use counter::{Counter, InvalidIncrement};
pub use encode::{Format, Metadata, MetricType};
pub use family::{Family, Handle};
pub use field::Metrics;
pub use gauge::Gauge;
pub use global::{Global, GlobalRegistrationError};
pub use histogram::{Histogram, HistogramOptions, HistogramSnapshot, InvalidObservation};
pub use info::{Info, InfoError};
pub use label::{DenseLabelSet, LabelField, LabelSet, LabelValue};
pub use metric::{EncodeMetric, Metric};
pub use registry::{Collector, CollectorId, ExpositionStats, Families, Registry, RegistryError};

#[cfg(feature = "derive")]
pub use metrics_macros::{register, LabelSet, LabelValue, Metrics};

/// Items the macros' generated code names; not a stable API.
#[doc(hidden)]
pub mod __private {
    pub use crate::field::{
        check_labels, check_name, check_options, domain_len, FieldOptions, MetricField,
    };
    pub use crate::global::{Registration, GLOBAL_COLLECTORS};
    pub use crate::name::{ends_with, str_eq, validate_label_name, validate_metric_name};
    pub use linkme;
}

// The README's examples compile and run as doctests.
#[doc = include_str!("../../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;
