//! Helpers for testing code that records metrics, like client_golang's
//! `testutil`: read a series by its typed labels, compare an exposition with
//! expected text, and isolated registries.
//!
//! Needs the `testing` cargo feature, in the dev-dependencies:
//! `metrics-core = { version = "0.1", features = ["testing"] }`.
//!
//! ```
//! use std::sync::Arc;
//! use metrics_core::{testing, Counter, Family, LabelSet, Metadata};
//!
//! // An open-ended label set (normally `#[derive(LabelSet)]`).
//! #[derive(Clone, PartialEq, Eq, Hash)]
//! struct Tenant(String);
//! impl LabelSet for Tenant {
//!     const NAMES: &'static [&'static str] = &["tenant"];
//!     const DOMAINS: &'static [Option<&'static [&'static str]>] = &[None];
//!     fn dense_index(&self) -> Option<usize> { None }
//!     fn visit_values(&self, visit: &mut dyn FnMut(&str)) { visit(&self.0) }
//! }
//!
//! let registry = testing::isolated_registry();
//! let by_tenant = Arc::new(Family::<Tenant, Counter>::new());
//! registry.register_metric(Metadata::new("requests", "Requests."), by_tenant.clone()).unwrap();
//!
//! let acme = Tenant("acme".into());
//! by_tenant.get_or_create(&acme).inc_by(2);
//!
//! assert_eq!(testing::value(&*by_tenant, &acme), Some(2));
//! assert_eq!(testing::value(&*by_tenant, &Tenant("other".into())), None);
//! assert_eq!(testing::sample_value(&registry, "requests_total", &[("tenant", "acme")]), Some(2.0));
//! testing::assert_exposition_eq(&registry, r#"
//!     ## HELP requests_total Requests.
//!     ## TYPE requests_total counter
//!     requests_total{tenant="acme"} 2
//! "#);
//! ```

use std::hash::Hash;

use crate::encoding::Format;
use crate::family::Family;
use crate::histogram::HistogramSnapshot;
use crate::label::LabelSet;
use crate::metric::Metric;
use crate::registry::Registry;
use crate::{Counter, Gauge, Histogram};

/// A fresh registry that shares nothing with the global one or other tests.
pub fn isolated_registry() -> Registry {
    Registry::new()
}

/// A metric whose current value tests can read.
pub trait ReadValue {
    /// What a reading gives.
    type Value;
    /// Reads the current value.
    fn read(&self) -> Self::Value;
}

impl ReadValue for Counter<u64> {
    type Value = u64;
    fn read(&self) -> u64 {
        self.get()
    }
}
impl ReadValue for Counter<f64> {
    type Value = f64;
    fn read(&self) -> f64 {
        self.get()
    }
}
impl ReadValue for Gauge<i64> {
    type Value = i64;
    fn read(&self) -> i64 {
        self.get()
    }
}
impl ReadValue for Gauge<f64> {
    type Value = f64;
    fn read(&self) -> f64 {
        self.get()
    }
}
impl ReadValue for Histogram {
    type Value = HistogramSnapshot;
    fn read(&self) -> HistogramSnapshot {
        self.snapshot()
    }
}

/// The value of the series for `labels`, or `None` when a sparse family
/// has no such series (reading never creates one).
pub fn value<L, M>(family: &Family<L, M>, labels: &L) -> Option<M::Value>
where
    L: LabelSet + Hash + Eq + Clone,
    M: Metric + ReadValue,
{
    family.get(labels).map(|series| series.read())
}

/// Checks that every `#[register]` static of the program joined the global
/// registry: returns the failures (each naming its static, and for a name
/// clash the static holding the other family).
pub fn check_global_registry() -> Result<(), Vec<crate::GlobalRegistrationError>> {
    let errors = Registry::global_errors();
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors.to_vec())
    }
}

/// Panics, listing every failure, unless every `#[register]` static of the
/// program joined the global registry. Put it in one unit test so a name
/// clash between two statics fails the test suite, not the first scrape.
#[track_caller]
pub fn assert_global_registry_ok() {
    if let Err(errors) = check_global_registry() {
        let list: Vec<String> = errors.iter().map(|e| format!("  - {e}")).collect();
        panic!(
            "the global registry refused some #[register] statics:\n{}",
            list.join("\n")
        );
    }
}

/// Panics with a readable diff unless the registry's text 0.0.4 exposition
/// equals `expected`, ignoring the order of families, leading and trailing
/// whitespace on each line, and blank lines.
#[track_caller]
pub fn assert_exposition_eq(registry: &Registry, expected: &str) {
    assert_exposition_eq_in(registry, Format::Text, expected)
}

/// [`assert_exposition_eq`] for a chosen format.
#[track_caller]
pub fn assert_exposition_eq_in(registry: &Registry, format: Format, expected: &str) {
    let actual = registry.encode_to_string(format);
    let (a, e) = (family_blocks(&actual), family_blocks(expected));
    if a != e {
        panic!(
            "exposition differs (families sorted)\n--- expected\n{}\n--- actual\n{}\n",
            e.concat(),
            a.concat()
        );
    }
}

/// Splits an exposition into one text block per family (its comment lines
/// and samples), sorted.
fn family_blocks(text: &str) -> Vec<String> {
    let mut blocks: Vec<String> = Vec::new();
    let mut current_family: Option<String> = None;
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
        if let Some(rest) = line.strip_prefix("# ") {
            let mut words = rest.split_whitespace();
            let family = match (words.next(), words.next()) {
                (Some("HELP" | "TYPE" | "UNIT"), Some(name)) => Some(name.to_owned()),
                _ => None,
            };
            if family.is_some() && family != current_family {
                current_family = family;
                blocks.push(String::new());
            }
        }
        if blocks.is_empty() {
            blocks.push(String::new());
        }
        if let Some(block) = blocks.last_mut() {
            block.push_str(line);
            block.push('\n');
        }
    }
    blocks.sort();
    blocks
}

/// The value of the sample `name` (full sample name, e.g. `x_total` or
/// `x_bucket`) whose labels are exactly `labels` (in any order), read from
/// the registry's text 0.0.4 exposition. `None` when there is no such
/// sample.
pub fn sample_value(registry: &Registry, name: &str, labels: &[(&str, &str)]) -> Option<f64> {
    sample_value_in(&registry.encode_to_string(Format::Text), name, labels)
}

/// [`sample_value`] on an exposition already encoded (either format).
pub fn sample_value_in(text: &str, name: &str, labels: &[(&str, &str)]) -> Option<f64> {
    let mut want: Vec<(String, String)> = labels
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    want.sort();
    text.lines()
        .filter(|l| !l.starts_with('#'))
        .find_map(|line| {
            let (sample, mut got, value) = parse_sample(line)?;
            got.sort();
            (sample == name && got == want).then_some(value)
        })
}

/// Parses `name{a="x",b="y"} value` into its parts, unescaping values.
type Sample<'a> = (&'a str, Vec<(String, String)>, f64);

fn parse_sample(line: &str) -> Option<Sample<'_>> {
    let name_end = line.find(['{', ' '])?;
    let name = &line[..name_end];
    let mut labels = Vec::new();
    let mut rest = &line[name_end..];
    if let Some(after) = rest.strip_prefix('{') {
        let mut chars = after.char_indices();
        let mut label = String::new();
        let mut end = None;
        while let Some((i, c)) = chars.next() {
            match c {
                '}' if label.is_empty() => {
                    end = Some(i + 1);
                    break;
                }
                ',' if label.is_empty() => {}
                '=' => {
                    let mut value = String::new();
                    let _opening_quote = chars.next()?;
                    loop {
                        match chars.next()?.1 {
                            '"' => break,
                            '\\' => match chars.next()?.1 {
                                'n' => value.push('\n'),
                                other => value.push(other),
                            },
                            other => value.push(other),
                        }
                    }
                    labels.push((std::mem::take(&mut label), value));
                }
                c => label.push(c),
            }
        }
        rest = &after[end?..];
    }
    let value = rest.split_whitespace().next()?;
    let value = match value {
        "+Inf" => f64::INFINITY,
        "-Inf" => f64::NEG_INFINITY,
        v => v.parse().ok()?,
    };
    Some((name, labels, value))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_escaped_samples() {
        let (name, labels, value) = parse_sample(r#"x_total{a="q\"\\\n",b="é,}"} 3"#).unwrap();
        assert_eq!(name, "x_total");
        assert_eq!(
            labels,
            vec![("a".into(), "q\"\\\n".into()), ("b".into(), "é,}".into())]
        );
        assert_eq!(value, 3.0);
        assert_eq!(parse_sample("y +Inf").unwrap().2, f64::INFINITY);
        assert!(parse_sample("garbage").is_none());
        assert!(parse_sample(r#"x{a="unterminated} 1"#).is_none());
    }

    #[test]
    fn blocks_ignore_family_order() {
        let a = "# HELP a x\n# TYPE a gauge\na 1\n# HELP b y\n# TYPE b gauge\nb 2\n";
        let b = "# HELP b y\n# TYPE b gauge\nb 2\n# HELP a x\n# TYPE a gauge\na 1\n";
        assert_eq!(family_blocks(a), family_blocks(b));
        assert_ne!(
            family_blocks(a),
            family_blocks("# HELP a x\n# TYPE a gauge\na 2\n")
        );
    }
}
