//! The exposition formats: Prometheus text 0.0.4, OpenMetrics 1.0.0 and
//! the protobuf format, and what a hand-written collector uses to write
//! into them.
//!
//! Encoding is split in two layers. Metrics write samples through a
//! [`FamilyWriter`], which appends to an in-memory buffer and cannot fail;
//! the registry flushes that buffer to the caller's `io::Write` between
//! families, so memory stays bounded by one family while the output streams.
//!
//! Label blocks (`a="x",b="y"`, the text between the braces) are passed in
//! already escaped: dense families render each label value once when they are
//! created, sparse series when they are first seen, so a scrape is mostly
//! copying bytes and formatting numbers.
//!
//! Format rules followed here, from the two specifications:
//!
//! * Label values escape `\` as `\\`, `"` as `\"` and line feed as `\n`, in
//!   both formats; any other UTF-8 is written as is.
//! * `# HELP` text escapes `\` and line feed in text 0.0.4, and also `"` in
//!   OpenMetrics.
//! * Non-finite floats are spelled `+Inf`, `-Inf` and `NaN` in both formats.
//! * Text 0.0.4 names a counter family by its sample name (`x_total`) and has
//!   no `info` type (an info metric is a gauge `x_info`); OpenMetrics names
//!   the family without the suffix, adds `# UNIT` and ends with `# EOF`.
//! * Names outside the legacy character set (families opted in with
//!   [`Metadata::with_utf8_names`](crate::Metadata::with_utf8_names)) are
//!   written as the negotiated [`Escaping`] scheme says: under
//!   `allow-utf-8` quoted, the metric name as the first item in the braces
//!   (`{"http.requests_total","http.method"="GET"} 3`, and
//!   `# HELP "http.requests_total" ...`); under the other schemes escaped,
//!   the family name first and the suffix after it
//!   (`http_dot_requests_total`). Legacy names are written as they are under
//!   every scheme, through the same code as before: the registry decides at
//!   registration which families have other names (`names.rs`). Label
//!   blocks quote non-legacy label names (`"http.method"="GET"`), so
//!   hand-written blocks should come from [`render_label_pairs`].
//!
//! One file per concern: [`FamilyWriter`] and the family headers
//! (`writer.rs`), label blocks ([`Labels`], `labels.rs`), escaping
//! (`escape.rs`), UTF-8 names (`names.rs`) and sample values with their number formatting
//! ([`Value`], `value.rs`), and the protobuf wire format with the
//! `metrics.proto` field numbers (`protobuf.rs`).
//!
//! Protobuf: one length-delimited `MetricFamily` per family, named as in
//! text 0.0.4 (`x_total` for a counter, `x_info` for an info metric, which
//! is a gauge; UTF-8 names unquoted, escaped unless the scheme is
//! `allow-utf-8`), every value a double, a histogram's buckets without the
//! implied `+Inf`, the unit in `MetricFamily.unit`; families without series
//! are left out. Native histogram buckets ([`NativeSnapshot`]) travel in
//! protobuf only, as spans and deltas; an empty native histogram carries
//! one no-op span so that it is not read as a classic one.

mod escape;
mod exemplar;
mod labels;
mod names;
mod native;
mod protobuf;
mod value;
mod writer;

pub(crate) use crate::format::Format;
pub use crate::metric::EncodeMetric;
pub use crate::name::{
    is_legacy_label_name, is_legacy_metric_name, validate_label_name, validate_label_name_in,
    validate_metric_name, validate_metric_name_in, Escaping, MetricType, NameError, NameRules,
};
pub use crate::registry::Families;
pub(crate) use escape::push_label_pair;
pub use escape::{escape_label_value, render_label_pairs};
pub use exemplar::{Exemplar, ExemplarError, ExemplarLabels, MAX_EXEMPLAR_LABEL_CHARS};
pub use labels::Labels;
pub(crate) use names::Renaming;
pub use native::NativeSnapshot;
pub use value::{format_float, Value};
pub(crate) use writer::{finish_family, write_header, FamilyName};
pub use writer::{FamilyWriter, HistogramSample};

#[cfg(test)]
mod tests;
