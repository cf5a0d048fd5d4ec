//! The Prometheus naming rules, in one place: what a metric, label or unit
//! name may be, which label names are reserved, which sample names a family
//! writes, and when two families would clash once those are added.
//!
//! Everything is a `const fn` with no dependencies, so that the three
//! places that apply the rules use this one copy: the derive macros while
//! they expand (an error at the user's token), the `const` assertions in
//! the code they generate (rules that need a field's type), and the
//! registry at run time (names built at run time). The messages are the
//! same in all three.
//!
//! The rules are Prometheus' classic ones by default, which every scraper
//! accepts: metric names match `[a-zA-Z_:][a-zA-Z0-9_:]*`, label names match
//! `[a-zA-Z_][a-zA-Z0-9_]*` and must not start with `__` (reserved for
//! Prometheus' internal labels). A family may opt in to UTF-8 names
//! ([`NameRules::Utf8`]): any non-empty name, label names still not
//! starting with `__`. Such names reach scrapers through the
//! [`Escaping`] scheme they negotiate.

#![no_std]
#![forbid(unsafe_code)]

use core::fmt;

mod escaping;

pub use escaping::Escaping;

/// What a name names, for messages that say which rule applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Subject {
    Metric,
    Label,
    /// Not known: the rule for either (`Display`).
    Either,
}

/// Why a metric or label name was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum NameError {
    /// The name is empty.
    Empty,
    /// The name starts with a digit.
    InvalidStart,
    /// The name contains a character outside the allowed set.
    InvalidCharacter,
    /// A label name starts with `__`, which Prometheus reserves.
    ReservedPrefix,
}

impl NameError {
    /// The rule a metric name broke, as a sentence.
    pub const fn metric_message(self) -> &'static str {
        self.message_for(Subject::Metric)
    }

    /// The rule a label name broke, as a sentence.
    pub const fn label_message(self) -> &'static str {
        self.message_for(Subject::Label)
    }

    const fn message_for(self, subject: Subject) -> &'static str {
        match (self, subject) {
            (NameError::Empty, Subject::Metric) => "metric name is empty",
            (NameError::Empty, Subject::Label) => "label name is empty",
            (NameError::Empty, Subject::Either) => "name is empty",
            (NameError::InvalidStart, Subject::Metric) => {
                "metric names must not start with a digit"
            }
            (NameError::InvalidStart, Subject::Label) => "label names must not start with a digit",
            (NameError::InvalidStart, Subject::Either) => "names must not start with a digit",
            (NameError::InvalidCharacter, Subject::Metric) => {
                "metric names may contain only ASCII letters, digits, `_` and `:`"
            }
            (NameError::InvalidCharacter, Subject::Label) => {
                "label names may contain only ASCII letters, digits and `_`"
            }
            (NameError::InvalidCharacter, Subject::Either) => {
                "names may contain only ASCII letters, digits and `_` (and `:` for metrics)"
            }
            (NameError::ReservedPrefix, _) => {
                "label names starting with `__` are reserved for Prometheus"
            }
        }
    }
}

/// The rule in words that fit a metric or a label name; callers that know
/// which use [`NameError::metric_message`] or [`NameError::label_message`].
impl fmt::Display for NameError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.message_for(Subject::Either))
    }
}

impl core::error::Error for NameError {}

const fn is_name_start(b: u8, colon: bool) -> bool {
    b.is_ascii_alphabetic() || b == b'_' || (colon && b == b':')
}

const fn is_name_continue(b: u8, colon: bool) -> bool {
    is_name_start(b, colon) || b.is_ascii_digit()
}

const fn check(name: &str, colon: bool) -> Result<(), NameError> {
    let bytes = name.as_bytes();
    if bytes.is_empty() {
        return Err(NameError::Empty);
    }
    if !is_name_start(bytes[0], colon) {
        return Err(if bytes[0].is_ascii_digit() {
            NameError::InvalidStart
        } else {
            NameError::InvalidCharacter
        });
    }
    let mut i = 1;
    while i < bytes.len() {
        if !is_name_continue(bytes[i], colon) {
            return Err(NameError::InvalidCharacter);
        }
        i += 1;
    }
    Ok(())
}

/// Checks a metric family name: `[a-zA-Z_:][a-zA-Z0-9_:]*`.
///
/// ```
/// use metrics_names::{validate_metric_name, NameError};
/// assert!(validate_metric_name("http_requests").is_ok());
/// assert_eq!(validate_metric_name("2xx"), Err(NameError::InvalidStart));
/// assert_eq!(validate_metric_name("a-b"), Err(NameError::InvalidCharacter));
/// ```
pub const fn validate_metric_name(name: &str) -> Result<(), NameError> {
    check(name, true)
}

/// Checks a label name: `[a-zA-Z_][a-zA-Z0-9_]*`, not starting with `__`.
///
/// ```
/// use metrics_names::{validate_label_name, NameError};
/// assert!(validate_label_name("method").is_ok());
/// assert_eq!(validate_label_name("__name__"), Err(NameError::ReservedPrefix));
/// assert_eq!(validate_label_name("a:b"), Err(NameError::InvalidCharacter));
/// ```
pub const fn validate_label_name(name: &str) -> Result<(), NameError> {
    if let Err(e) = check(name, false) {
        return Err(e);
    }
    let b = name.as_bytes();
    if b.len() >= 2 && b[0] == b'_' && b[1] == b'_' {
        return Err(NameError::ReservedPrefix);
    }
    Ok(())
}

/// Which names a family accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum NameRules {
    /// The legacy character set: metric names `[a-zA-Z_:][a-zA-Z0-9_:]*`,
    /// label names `[a-zA-Z_][a-zA-Z0-9_]*`. The default.
    #[default]
    Legacy,
    /// Any non-empty UTF-8 name (label names still not starting with
    /// `__`), escaped for each scraper as it negotiates ([`Escaping`]).
    Utf8,
}

/// Whether `name` is a legacy-valid metric name, which no escaping scheme
/// changes and no format quotes.
pub const fn is_legacy_metric_name(name: &str) -> bool {
    check(name, true).is_ok()
}

/// Whether `name` is made of the legacy label name characters
/// (`[a-zA-Z_][a-zA-Z0-9_]*`), which no escaping scheme changes and no
/// format quotes. (Whether it is reserved is another question:
/// [`validate_label_name`].)
pub const fn is_legacy_label_name(name: &str) -> bool {
    check(name, false).is_ok()
}

/// Checks a metric family name under `rules`: the legacy pattern
/// ([`validate_metric_name`]), or for UTF-8 names only that it is not empty.
///
/// ```
/// use metrics_names::{validate_metric_name_in, NameError, NameRules};
/// assert!(validate_metric_name_in(NameRules::Utf8, "http.server.duration").is_ok());
/// assert!(validate_metric_name_in(NameRules::Legacy, "http.server.duration").is_err());
/// assert_eq!(validate_metric_name_in(NameRules::Utf8, ""), Err(NameError::Empty));
/// ```
pub const fn validate_metric_name_in(rules: NameRules, name: &str) -> Result<(), NameError> {
    match rules {
        NameRules::Legacy => validate_metric_name(name),
        NameRules::Utf8 if name.is_empty() => Err(NameError::Empty),
        NameRules::Utf8 => Ok(()),
    }
}

/// Checks a label name under `rules`: the legacy pattern
/// ([`validate_label_name`]), or for UTF-8 names that it is not empty; in
/// both, a name starting with `__` is reserved.
///
/// ```
/// use metrics_names::{validate_label_name_in, NameError, NameRules};
/// assert!(validate_label_name_in(NameRules::Utf8, "service.name").is_ok());
/// assert_eq!(validate_label_name_in(NameRules::Utf8, "__x.y"), Err(NameError::ReservedPrefix));
/// ```
pub const fn validate_label_name_in(rules: NameRules, name: &str) -> Result<(), NameError> {
    match rules {
        NameRules::Legacy => validate_label_name(name),
        NameRules::Utf8 => {
            let b = name.as_bytes();
            if b.is_empty() {
                Err(NameError::Empty)
            } else if b.len() >= 2 && b[0] == b'_' && b[1] == b'_' {
                Err(NameError::ReservedPrefix)
            } else {
                Ok(())
            }
        }
    }
}

/// Checks a unit (`seconds`, `bytes`): ASCII letters, digits and `_`.
pub const fn validate_unit(unit: &str) -> Result<(), &'static str> {
    let b = unit.as_bytes();
    if b.is_empty() {
        return Err("a unit is not empty: use ASCII letters, digits and `_` (e.g. \"seconds\")");
    }
    let mut i = 0;
    while i < b.len() {
        if !(b[i].is_ascii_alphanumeric() || b[i] == b'_') {
            return Err("a unit may contain only ASCII letters, digits and `_` (e.g. \"seconds\")");
        }
        i += 1;
    }
    Ok(())
}

/// Whether `name` already carries `unit` as its last `_`-separated part
/// (or is the unit): a unit given beside it would be appended twice.
pub const fn ends_with_unit(name: &str, unit: &str) -> bool {
    if str_eq(name, unit) {
        return true;
    }
    let (n, u) = (name.as_bytes(), unit.as_bytes());
    n.len() > u.len() && ends_with(name, unit) && n[n.len() - u.len() - 1] == b'_'
}

/// `true` when `name` ends with `suffix` (usable in `const` context).
pub const fn ends_with(name: &str, suffix: &str) -> bool {
    let (n, s) = (name.as_bytes(), suffix.as_bytes());
    if s.len() > n.len() {
        return false;
    }
    let offset = n.len() - s.len();
    let mut i = 0;
    while i < s.len() {
        if n[offset + i] != s[i] {
            return false;
        }
        i += 1;
    }
    true
}

/// `true` when two strings are equal (usable in `const` context).
pub const fn str_eq(a: &str, b: &str) -> bool {
    a.len() == b.len() && ends_with(a, b)
}

/// The type of a metric family, as written in `# TYPE`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MetricType {
    /// A monotonically increasing total; samples are `<name>_total`.
    Counter,
    /// A value that goes up and down.
    Gauge,
    /// Observations counted in cumulative buckets, with `_sum` and `_count`.
    Histogram,
    /// Constant labels with the value 1; samples are `<name>_info`.
    Info,
}

impl MetricType {
    /// The sample names a family of this type writes, as suffixes of its
    /// name (`""` is the bare name). Two families clash when any of their
    /// sample names coincide.
    pub const fn sample_suffixes(self) -> &'static [&'static str] {
        match self {
            MetricType::Counter => &["_total", "_created"],
            MetricType::Gauge => &[""],
            MetricType::Histogram => &["_bucket", "_count", "_sum", "_created"],
            MetricType::Info => &["_info"],
        }
    }

    /// The lowercase name of the type.
    pub const fn as_str(self) -> &'static str {
        match self {
            MetricType::Counter => "counter",
            MetricType::Gauge => "gauge",
            MetricType::Histogram => "histogram",
            MetricType::Info => "info",
        }
    }
}

impl fmt::Display for MetricType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Checks a family's full name against its type: counters and info
/// metrics must not carry the suffix the exposition adds.
pub const fn check_name(kind: MetricType, name: &str) -> Result<(), &'static str> {
    if matches!(kind, MetricType::Counter) && ends_with(name, "_total") {
        return Err("a counter's name must not end with `_total`: the exposition adds it");
    }
    if matches!(kind, MetricType::Info) && ends_with(name, "_info") {
        return Err("an info metric's name must not end with `_info`: the exposition adds it");
    }
    Ok(())
}

/// Whether a label name is reserved on a family of the given type: `le`
/// on histograms (the bucket bound), `quantile` on any (a summary's).
pub const fn is_reserved_label(kind: MetricType, label: &str) -> bool {
    (matches!(kind, MetricType::Histogram) && str_eq(label, "le")) || str_eq(label, "quantile")
}

/// Checks the label names of a family of the given type: each valid, none
/// reserved (`le` on histograms, `quantile`), none twice.
pub const fn check_labels(kind: MetricType, labels: &[&str]) -> Result<(), &'static str> {
    check_labels_in(NameRules::Legacy, kind, labels)
}

/// [`check_labels`] under `rules`: with [`NameRules::Utf8`] the names may be
/// any UTF-8. (Used by the derive's generated code: a legacy family whose
/// label type has UTF-8 names is told how to opt in.)
pub const fn check_labels_in(
    rules: NameRules,
    kind: MetricType,
    labels: &[&str],
) -> Result<(), &'static str> {
    let mut i = 0;
    while i < labels.len() {
        if let Err(e) = validate_label_name_in(rules, labels[i]) {
            if validate_label_name_in(NameRules::Utf8, labels[i]).is_ok() {
                return Err(match e {
                    NameError::InvalidStart => {
                        "label names must not start with a digit; a family opts in to UTF-8 \
                         label names with `#[metrics(utf8)]`"
                    }
                    _ => {
                        "label names may contain only ASCII letters, digits and `_`; a family \
                         opts in to UTF-8 label names with `#[metrics(utf8)]`"
                    }
                });
            }
            return Err(e.label_message());
        }
        if is_reserved_label(kind, labels[i]) {
            return Err(if str_eq(labels[i], "le") {
                "label name `le` is reserved on histograms: it holds the bucket bound"
            } else {
                "label name `quantile` is reserved: it holds a summary's quantile"
            });
        }
        let mut j = 0;
        while j < i {
            if str_eq(labels[i], labels[j]) {
                return Err("the same label name appears twice in this label set");
            }
            j += 1;
        }
        i += 1;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    extern crate std;
    use std::string::ToString;

    use super::*;

    #[test]
    fn metric_names() {
        for ok in ["a", "_a", ":a", "a:b_c9", "process_cpu_seconds_total"] {
            assert_eq!(validate_metric_name(ok), Ok(()), "{ok}");
        }
        assert_eq!(validate_metric_name(""), Err(NameError::Empty));
        assert_eq!(validate_metric_name("9a"), Err(NameError::InvalidStart));
        assert_eq!(
            validate_metric_name("a b"),
            Err(NameError::InvalidCharacter)
        );
        assert_eq!(validate_metric_name("é"), Err(NameError::InvalidCharacter));
        assert_eq!(
            validate_metric_name("a.b"),
            Err(NameError::InvalidCharacter)
        );
    }

    #[test]
    fn label_names() {
        for ok in ["a", "_a", "le", "a_9"] {
            assert_eq!(validate_label_name(ok), Ok(()), "{ok}");
        }
        assert_eq!(validate_label_name(":a"), Err(NameError::InvalidCharacter));
        assert_eq!(validate_label_name("a:"), Err(NameError::InvalidCharacter));
        assert_eq!(validate_label_name("__x"), Err(NameError::ReservedPrefix));
        assert_eq!(validate_label_name("1"), Err(NameError::InvalidStart));
    }

    #[test]
    fn messages_name_the_rule_that_applies() {
        assert_eq!(
            NameError::InvalidCharacter.label_message(),
            "label names may contain only ASCII letters, digits and `_`"
        );
        assert!(NameError::InvalidCharacter.metric_message().contains("`:`"));
        assert!(NameError::ReservedPrefix.metric_message().contains("`__`"));
        // Display does not know which: it does not claim one.
        let shown = NameError::InvalidCharacter.to_string();
        assert!(
            !shown.starts_with("metric") && !shown.starts_with("label"),
            "{shown}"
        );
    }

    #[test]
    fn utf8_names_are_opted_in() {
        use NameRules::*;
        for name in ["a.b", "9lives", "😱", "a b", "a-b", "ok"] {
            assert_eq!(validate_metric_name_in(Utf8, name), Ok(()), "{name}");
            assert_eq!(validate_label_name_in(Utf8, name), Ok(()), "{name}");
        }
        assert!(validate_metric_name_in(Legacy, "a.b").is_err());
        assert_eq!(validate_metric_name_in(Utf8, ""), Err(NameError::Empty));
        assert_eq!(validate_label_name_in(Utf8, ""), Err(NameError::Empty));
        assert_eq!(
            validate_label_name_in(Utf8, "__a.b"),
            Err(NameError::ReservedPrefix)
        );
        assert!(is_legacy_metric_name("a:b_1") && !is_legacy_metric_name("a.b"));
        assert!(is_legacy_label_name("a_1") && !is_legacy_label_name("a:b"));
        assert!(!is_legacy_metric_name("") && !is_legacy_label_name("1a"));

        assert!(check_labels_in(Utf8, MetricType::Counter, &["a.b", "c"]).is_ok());
        assert!(check_labels_in(Utf8, MetricType::Histogram, &["le"]).is_err());
        assert!(check_labels_in(Utf8, MetricType::Counter, &["a.b", "a.b"]).is_err());
        let legacy = check_labels(MetricType::Counter, &["a.b"]).unwrap_err();
        assert!(legacy.contains("#[metrics(utf8)]"), "{legacy}");
        let digit = check_labels(MetricType::Counter, &["9"]).unwrap_err();
        assert!(
            digit.starts_with(NameError::InvalidStart.label_message()),
            "{digit}"
        );
        assert_eq!(
            check_labels(MetricType::Counter, &["__a"]),
            Err(NameError::ReservedPrefix.label_message())
        );
    }

    #[test]
    fn units() {
        assert!(validate_unit("seconds").is_ok());
        assert!(validate_unit("").is_err());
        assert!(validate_unit("sec-onds").is_err());
        assert!(ends_with_unit("latency_seconds", "seconds"));
        assert!(ends_with_unit("seconds", "seconds"));
        assert!(!ends_with_unit("latencyseconds", "seconds"));
        assert!(!ends_with_unit("latency", "seconds"));
    }

    #[test]
    fn types_and_labels() {
        use MetricType::*;
        assert!(check_name(Counter, "a_total").is_err());
        assert!(check_name(Gauge, "a_total").is_ok());
        assert!(check_name(Info, "a_info").is_err());
        assert!(check_labels(Histogram, &["le"]).is_err());
        assert!(check_labels(Counter, &["le"]).is_ok());
        assert!(check_labels(Counter, &["quantile"]).is_err());
        assert!(check_labels(Counter, &["__a"]).is_err());
        assert!(check_labels(Counter, &["a-b"]).is_err());
        assert!(check_labels(Counter, &["a", "b", "a"]).is_err());
        const { assert!(ends_with("a_total", "_total")) };
        const { assert!(validate_metric_name("ok_name").is_ok()) };
        assert!(str_eq("abc", "abc"));
        assert!(!str_eq("abc", "bc"));
    }
}
