//! Procedural macros for `metrics-core`; use them through its re-exports
//! (`use metrics_core::{Metrics, LabelValue, LabelSet, register};`).
//!
//! Each macro lives in a folder that parses its input into a small AST
//! (`parse.rs`), checks it (`check.rs`) and expands it (`expand.rs`).
//! Errors are collected for the whole item and reported together, each at
//! the offending token; a failing derive still emits a minimal impl so one
//! mistake does not cascade into unrelated errors. Generated code names only
//! absolute paths (`::core::...`, `::metrics_core::...`, or the path given
//! with `crate = ...`).

#![forbid(unsafe_code)]

mod attr;
mod case;
mod errors;
mod item;
mod label_set;
mod label_value;
mod metrics;
mod register;
mod timed;

use proc_macro::TokenStream;
use syn::parse_macro_input;

/// Implements `LabelValue` for a fieldless enum: each variant is one value
/// of a closed label.
///
/// The trait asks for `Copy + Eq`, so a label enum derives `LabelValue`
/// and four standard traits: `Clone, Copy, PartialEq, Eq` (`Clone` and
/// `PartialEq` because `Copy` and `Eq` build on them). Families take labels by value
/// and compare them; `Debug` and `Hash` are not needed (a sparse
/// `LabelSet` struct that holds the enum derives `Hash` itself).
///
/// Names follow the Rust names. The label is the enum's name in
/// snake_case without a trailing `Label`: `WindowType` is `window_type`,
/// `ResultLabel` is `result`, so renaming the type renames the label
/// (pin it with `name`). Values are the variants in snake_case, word by
/// word, so an acronym written in camel case splits: `RocksDb` is
/// `rocks_db`, `HTTPError` is `http_error`; `#[label(rename = "rocksdb")]`
/// on the variant, or `rename_all = "lowercase"` on the enum, says
/// otherwise.
///
/// | attribute | on | meaning |
/// | --- | --- | --- |
/// | `#[label(name = "...")]` | enum | the label's name when the enum is used alone (default: the enum's name in snake_case, without a `Label` suffix) |
/// | `#[label(rename_all = "...")]` | enum | casing of the values: `snake_case` (default), `lowercase`, `UPPERCASE`, `PascalCase`, `camelCase`, `SCREAMING_SNAKE_CASE`, `kebab-case`, `SCREAMING-KEBAB-CASE` |
/// | `#[label(rename = "...")]` | variant | this value's exact text (any UTF-8, escaped on output) |
/// | `#[label(utf8)]` | enum | the label's name may be any non-empty UTF-8 (`name = "http.method"`), not only `[a-zA-Z_][a-zA-Z0-9_]*`; a family keyed by it opts in too (`#[metrics(utf8)]`) |
/// | `#[label(crate = path)]` | enum | where `metrics_core` is, if renamed |
///
/// Compile errors: a variant with data, an enum without variants, a generic
/// enum, an invalid label name (empty, starting with `__`, or outside the
/// legacy character set without `utf8`), two variants exposed as the same
/// text.
///
/// ```
/// use metrics_core::LabelValue;
///
/// #[derive(LabelValue, Clone, Copy, Debug, PartialEq, Eq, Hash)]
/// enum HttpMethodLabel { Get, Post, #[label(rename = "OPTIONS")] Options }
///
/// assert_eq!(HttpMethodLabel::NAME, "http_method");
/// assert_eq!(HttpMethodLabel::STRINGS, &["get", "post", "OPTIONS"]);
/// assert_eq!(HttpMethodLabel::Post.index(), 1);
///
/// #[derive(LabelValue, Clone, Copy, PartialEq, Eq)] // all it needs
/// enum Backend { Memory, RocksDb, #[label(rename = "rocksdb_v2")] RocksDbV2 }
///
/// assert_eq!(Backend::NAME, "backend");
/// assert_eq!(Backend::STRINGS, &["memory", "rocks_db", "rocksdb_v2"]);
/// ```
#[proc_macro_derive(LabelValue, attributes(label))]
pub fn derive_label_value(input: TokenStream) -> TokenStream {
    label_value::derive(&parse_macro_input!(input as syn::DeriveInput)).into()
}

/// Implements `LabelSet` for a struct with named fields: each field is a
/// label, named after the field.
///
/// A field is a `#[derive(LabelValue)]` enum (closed) or an open-ended
/// value: `String`, `&'static str`, `Cow<'static, str>`, `Box<str>`,
/// `Arc<str>`, an integer or `bool`. When every field is an enum the set is
/// **dense** (it also implements `DenseLabelSet`, so a family keyed by it
/// is indexed: `family[labels]`); otherwise it is **sparse** (use
/// `family.get_or_create(&labels)`, and derive `Clone`, `PartialEq`, `Eq`
/// and `Hash`).
///
/// | attribute | on | meaning |
/// | --- | --- | --- |
/// | `#[label(name = "...")]` | field | the label's name (default: the field's name) |
/// | `#[label(utf8)]` | struct | label names may be any non-empty UTF-8, not only `[a-zA-Z_][a-zA-Z0-9_]*`; a family keyed by it opts in too (`#[metrics(utf8)]`) |
/// | `#[label(crate = path)]` | struct | where `metrics_core` is, if renamed |
///
/// Compile errors: tuple or unit structs, enums, generics, an invalid or
/// repeated label name, a field type that cannot be a label.
///
/// ```
/// use metrics_core::{Counter, Family, LabelSet, LabelValue};
///
/// #[derive(LabelValue, Clone, Copy, Debug, PartialEq, Eq, Hash)]
/// enum Operation { Get, Put }
///
/// #[derive(LabelSet, Clone, Debug, PartialEq, Eq, Hash)]
/// struct TenantOp { tenant: String, #[label(name = "op")] operation: Operation }
///
/// assert_eq!(TenantOp::NAMES, &["tenant", "op"]);
/// let family: Family<TenantOp, Counter> = Family::new().with_max_series(100);
/// family.get_or_create(&TenantOp { tenant: "acme".into(), operation: Operation::Put }).inc();
/// ```
#[proc_macro_derive(LabelSet, attributes(label))]
pub fn derive_label_set(input: TokenStream) -> TokenStream {
    label_set::derive(&parse_macro_input!(input as syn::DeriveInput)).into()
}

/// Turns a struct of metric fields into statically named families: it
/// implements `Default` (every metric created at zero, every combination of
/// a dense family included; so do not derive `Default` as well),
/// `Collector` (so a registry can expose it) and `Metrics`.
///
/// There is no `new()`: build the struct with `Default`, either in a
/// `#[register] static M: Global<T> = Global::new();` (the usual way: in
/// the global registry, built on first use) or with `T::default()` (in an
/// `Arc`, registered in a registry of your own with `registry.register`).
///
/// A field is a `Counter`, `Counter<f64>`, `Gauge`, `Gauge<f64>`,
/// `Histogram`, `Info`, a `Family<Labels, M>` of those, or a nested
/// `#[derive(Metrics)]` struct marked `flatten`. The metric's name is
/// `<prefix>_<field or name>_<unit>`; its help text is the field's doc
/// comment (lines trimmed and joined), escaped on output.
///
/// | attribute | on | meaning |
/// | --- | --- | --- |
/// | `#[metrics(prefix = "...")]` | struct | prepended to every name, with `_` |
/// | `#[metrics(crate = path)]` | struct | where `metrics_core` is, if renamed |
/// | `#[metrics(name = "...")]` | field | the name instead of the field's |
/// | `#[metrics(unit = "...")]` | field | a unit (`seconds`, `bytes`, ...), appended to the name and exposed as OpenMetrics `# UNIT` |
/// | `#[metrics(buckets = <const expr>)]` | histogram field | a `Buckets` constant expression, checked at compile time (default: `Buckets::DEFAULT`) |
/// | `#[metrics(native)]`, `#[metrics(native = <const expr>)]` | histogram field | native (sparse exponential) buckets, `NativeBuckets::DEFAULT` or the given `NativeBuckets` constant, checked at compile time; with `buckets` too, both kinds |
/// | `#[metrics(max_series = <expr>)]` | sparse family field | series cap (default 10,000); label sets beyond it share one overflow series |
/// | `#[metrics(help = "...")]` | field | help text instead of the doc comment |
/// | `#[metrics(flatten)]` | field | a nested metrics struct whose families are exposed with their own names |
/// | `#[metrics(utf8)]` | struct or field | UTF-8 names: the metric name (and on the struct, the prefix) and the label names may be any non-empty UTF-8 instead of the legacy `[a-zA-Z_:][a-zA-Z0-9_:]*` / `[a-zA-Z_][a-zA-Z0-9_]*`; each scraper gets them as its `escaping=` asks (quoted, or escaped; legacy-safe when it names none) |
///
/// UTF-8 names are opt-in, per struct or field: without `utf8` every legacy
/// check applies; with it a name is still checked to be non-empty (and a
/// label name not to start with `__`), and two names that an escaping
/// scheme would write alike are refused at registration. A legacy name
/// costs nothing either way: only families with other names take the
/// escaping path.
///
/// ```
/// use metrics_core::{Counter, Escaping, Exposition, Family, Format, LabelValue, Metrics, Registry};
///
/// #[derive(LabelValue, Clone, Copy, PartialEq, Eq)]
/// #[label(name = "http.request.method", utf8)]
/// enum Method { Get, Post }
///
/// #[derive(Metrics)]
/// #[metrics(utf8)]
/// struct Http {
///     /// Requests served.
///     #[metrics(name = "http.server.requests")]
///     requests: Family<Method, Counter>,
/// }
///
/// let http = std::sync::Arc::new(Http::default());
/// let registry = Registry::new();
/// registry.register(http.clone()).unwrap();
/// http.requests[Method::Get].inc();
/// let utf8 = Exposition::new(Format::Text).with_escaping(Escaping::AllowUtf8);
/// assert!(registry.encode_to_string(utf8)
///     .contains("{\"http.server.requests_total\",\"http.request.method\"=\"get\"} 1\n"));
/// assert!(registry.encode_to_string(Format::Text)
///     .contains("http_server_requests_total{http_request_method=\"get\"} 1\n"));
/// ```
///
/// Compile errors, each at the offending token: an invalid name, prefix or
/// unit (outside the legacy character set without `utf8`, or empty); a
/// unit the name already ends with; two fields exposing one name
/// (also after the `_total`, `_bucket`, `_count`, `_sum` suffixes); a
/// counter named `..._total`; invalid, reserved (`le` on histograms,
/// `quantile`, leading `__`) or repeated label names; `buckets` or `native` on a
/// non-histogram; a bad native bucket factor or schema; `max_series` on a dense family; buckets that are empty,
/// unsorted, duplicated, NaN or infinite; a field that is not a metric; an
/// unknown attribute (with the closest known one suggested). All mistakes of
/// a struct are reported in one compile.
///
/// ```
/// use std::sync::Arc;
/// use metrics_core::{Buckets, Counter, Family, Format, Gauge, Histogram, LabelValue, Metrics, Registry};
///
/// #[derive(LabelValue, Clone, Copy, Debug, PartialEq, Eq, Hash)]
/// enum Outcome { Ok, Error }
///
/// #[derive(Metrics)]
/// #[metrics(prefix = "jobs")]
/// struct JobMetrics {
///     /// Jobs run, by outcome.
///     runs: Family<Outcome, Counter>,
///     /// Time per job.
///     #[metrics(unit = "seconds", buckets = Buckets::exponential(0.01, 4.0, 6))]
///     duration: Histogram,
///     #[metrics(name = "queued", help = "Jobs waiting.")]
///     queue_length: Gauge,
/// }
///
/// let metrics = Arc::new(JobMetrics::default());
/// let registry = Registry::new();
/// registry.register(metrics.clone()).unwrap();
/// metrics.runs[Outcome::Ok].inc();
/// metrics.duration.observe(0.2);
///
/// let text = registry.encode_to_string(Format::Text);
/// assert!(text.contains("# HELP jobs_runs_total Jobs run, by outcome.\n"));
/// assert!(text.contains("jobs_runs_total{outcome=\"error\"} 0\n"));
/// assert!(text.contains("jobs_duration_seconds_count 1\n"));
/// assert!(text.contains("# HELP jobs_queued Jobs waiting.\n"));
/// ```
#[proc_macro_derive(Metrics, attributes(metrics))]
pub fn derive_metrics(input: TokenStream) -> TokenStream {
    metrics::derive(&parse_macro_input!(input as syn::DeriveInput)).into()
}

/// Registers `static NAME: Global<T> = Global::new();` in the global
/// registry at link time.
///
/// The static is added to a linker-gathered slice (linkme), so no code
/// runs before `main`; `Registry::global()` registers every such static
/// when first used, so all their families are exposed at the first scrape
/// even if the program never touched them. Two statics whose names clash
/// are reported, naming both, by `Registry::global_errors()` and
/// `testing::assert_global_registry_ok()` (and logged at first use).
/// `#[register(crate = path)]` names a renamed `metrics_core`.
///
/// ```
/// use metrics_core::{register, Counter, Format, Global, Metrics, Registry};
///
/// #[derive(Metrics)]
/// struct Startup {
///     /// Times the service started.
///     starts: Counter,
/// }
///
/// #[register]
/// static STARTUP: Global<Startup> = Global::new();
///
/// // Never touched, yet exposed.
/// let text = Registry::global().encode_to_string(Format::Text);
/// assert!(text.contains("starts_total 0\n"));
/// ```
#[proc_macro_attribute]
pub fn register(args: TokenStream, input: TokenStream) -> TokenStream {
    register::expand(args.into(), input.into()).into()
}

/// Times a function into a histogram, labelled by outcome.
///
/// Outcomes: `ok`; `error` when the function returns `Result::Err`
/// (detected from a return type named `Result`: `Result<T, E>`,
/// `io::Result<T>`, `anyhow::Result<T>`; force with `result` or
/// `no_result`); `panic` when it unwinds (the panic continues unchanged);
/// `cancelled` when an async call's future is dropped before completing.
/// Timing uses the monotonic clock and starts when the body starts (for an
/// `async fn`, at its first poll).
///
/// | form | records into |
/// | --- | --- |
/// | `#[timed]` | the built-in `function_calls_duration_seconds` and `function_calls_total`, labels `function`, `module`, `result`; every annotated function's series exist at zero from the first scrape of the global registry |
/// | `#[timed(METRICS.field)]` | a `Histogram`, or a `Family<L, Histogram>` whose dense label set `L` implements `From<Outcome>` (e.g. `Family<Outcome, Histogram>`) |
///
/// | option | meaning |
/// | --- | --- |
/// | `name = "..."` | the `function` label (default: the function's name) |
/// | `buckets = <const expr>` | buckets of the built-in histogram for this function |
/// | `in_flight` | also keep the built-in `function_calls_in_flight` gauge |
/// | `in_flight = <gauge>` | with a target: a `Gauge` of calls in progress |
/// | `errors = <family>` | also record each `Err` by variant into a `Family<E, Counter>` or `Family<E, Histogram>`, `E` being the error type (a `LabelValue` enum) |
/// | `result` / `no_result` | whether an `Err` is the `error` outcome, when the return type does not say |
/// | `crate = path` | where `metrics_core` is, if renamed |
///
/// Works on free functions, methods (`&self`, `&mut self`, `self`),
/// generic functions, `impl Trait` arguments and returns, `async fn`,
/// functions returning `Pin<Box<dyn Future<Output = T>>>` (as async-trait
/// makes them), `unsafe fn`, early `return` and `?`. The body's tokens are
/// kept, so errors in it point at the user's code. A target that borrows
/// `self` is borrowed for the whole call.
///
/// ```
/// use metrics_core::{register, timed, Family, Format, Global, Histogram, Metrics, Outcome, Registry};
///
/// #[derive(Metrics)]
/// struct Db {
///     /// Query time by outcome.
///     #[metrics(unit = "seconds")]
///     query: Family<Outcome, Histogram>,
/// }
///
/// #[register] // without it the timings are recorded but never exposed
/// static DB: Global<Db> = Global::new();
///
/// #[timed(DB.query)]
/// fn query(id: u32) -> Result<u32, String> {
///     if id == 0 { return Err("no such row".into()); }
///     Ok(id * 2)
/// }
///
/// #[timed] // the built-in families
/// fn tick() {}
///
/// assert_eq!(query(2), Ok(4));
/// assert!(query(0).is_err());
/// tick();
/// assert_eq!(DB.query[Outcome::Ok].snapshot().count, 1);
/// assert_eq!(DB.query[Outcome::Error].snapshot().count, 1);
/// let text = Registry::global().encode_to_string(Format::Text);
/// assert!(text.contains("function_calls_total{function=\"tick\","));
/// assert!(text.contains("query_seconds_count{result=\"error\"} 1\n"));
/// ```
#[proc_macro_attribute]
pub fn timed(args: TokenStream, input: TokenStream) -> TokenStream {
    timed::expand(args.into(), input.into()).into()
}
