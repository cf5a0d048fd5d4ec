//! Exemplars: a label set (usually a trace id) pointing at one observed
//! event, kept beside the bucket that counted it, so a slow bucket links
//! to a trace of a slow request.
//!
//! Exposition: OpenMetrics writes them after a bucket's sample
//! (`x_bucket{le="0.5"} 3 # {trace_id="abc"} 0.43 1700000000.123`); the
//! protobuf format carries them in `Bucket.exemplar` and, for native
//! histograms, in `Histogram.exemplars`; text 0.0.4 has none.

use std::fmt;
use std::time::{SystemTime, UNIX_EPOCH};

use super::escape_label_value;
use crate::label::LabelSet;
use crate::name::{validate_label_name, NameError};

/// The most UTF-8 code points an exemplar's label names and values may
/// have together (OpenMetrics).
pub const MAX_EXEMPLAR_LABEL_CHARS: usize = 128;

/// Why an exemplar was refused.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum ExemplarError {
    /// The label names and values together exceed
    /// [`MAX_EXEMPLAR_LABEL_CHARS`] code points.
    TooLong {
        /// How many code points they have.
        chars: usize,
    },
    /// A label name is not a valid label name.
    InvalidLabelName {
        /// The name.
        name: String,
        /// What is wrong with it.
        error: NameError,
    },
    /// The exemplar's value is NaN or infinite.
    NonFiniteValue(f64),
}

impl fmt::Display for ExemplarError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ExemplarError::TooLong { chars } => write!(
                f,
                "exemplar labels have {chars} code points; OpenMetrics allows at most \
                 {MAX_EXEMPLAR_LABEL_CHARS} (names and values together)"
            ),
            ExemplarError::InvalidLabelName { name, error } => {
                write!(f, "invalid exemplar label name `{name}`: {error}")
            }
            ExemplarError::NonFiniteValue(v) => write!(f, "exemplar value {v} is not finite"),
        }
    }
}

impl std::error::Error for ExemplarError {}

/// Label sets an exemplar can carry: a typed [`LabelSet`], or borrowed
/// `(name, value)` pairs (`&[("trace_id", id)]`).
pub trait ExemplarLabels {
    /// Calls `visit` with each label's name and value.
    fn visit_pairs(&self, visit: &mut dyn FnMut(&str, &str));
}

impl<L: LabelSet> ExemplarLabels for L {
    fn visit_pairs(&self, visit: &mut dyn FnMut(&str, &str)) {
        let mut names = L::NAMES.iter();
        self.visit_values(&mut |value| {
            if let Some(name) = names.next() {
                visit(name, value);
            }
        });
    }
}

impl ExemplarLabels for [(&str, &str)] {
    fn visit_pairs(&self, visit: &mut dyn FnMut(&str, &str)) {
        for (name, value) in self {
            visit(name, value);
        }
    }
}

impl<const N: usize> ExemplarLabels for [(&str, &str); N] {
    fn visit_pairs(&self, visit: &mut dyn FnMut(&str, &str)) {
        self.as_slice().visit_pairs(visit);
    }
}

/// One exemplar: its labels (checked and escaped once, when made), the
/// observed value and, optionally, when it was observed.
#[derive(Debug, Clone, PartialEq)]
pub struct Exemplar {
    labels: Box<str>,
    value: f64,
    timestamp: Option<SystemTime>,
}

impl Exemplar {
    /// An exemplar of `value` with `labels`, refused if a name is invalid,
    /// the labels exceed [`MAX_EXEMPLAR_LABEL_CHARS`] code points or the
    /// value is not finite.
    pub fn new<L: ExemplarLabels + ?Sized>(labels: &L, value: f64) -> Result<Self, ExemplarError> {
        if !value.is_finite() {
            return Err(ExemplarError::NonFiniteValue(value));
        }
        let mut error = None;
        let mut chars = 0;
        let mut block = String::new();
        labels.visit_pairs(&mut |name, value| {
            if error.is_some() {
                return;
            }
            if let Err(e) = validate_label_name(name) {
                error = Some(ExemplarError::InvalidLabelName {
                    name: name.to_owned(),
                    error: e,
                });
                return;
            }
            chars += name.chars().count() + value.chars().count();
            if !block.is_empty() {
                block.push(',');
            }
            block.push_str(name);
            block.push_str("=\"");
            escape_label_value(value, &mut block);
            block.push('"');
        });
        if let Some(e) = error {
            return Err(e);
        }
        if chars > MAX_EXEMPLAR_LABEL_CHARS {
            return Err(ExemplarError::TooLong { chars });
        }
        Ok(Exemplar {
            labels: block.into_boxed_str(),
            value,
            timestamp: None,
        })
    }

    /// The exemplar with the time it was observed.
    pub fn with_timestamp(mut self, timestamp: SystemTime) -> Self {
        self.timestamp = Some(timestamp);
        self
    }

    /// The exemplar stamped with the current time.
    pub fn now(self) -> Self {
        self.with_timestamp(SystemTime::now())
    }

    /// The escaped label block (`trace_id="abc"`).
    pub fn labels(&self) -> &str {
        &self.labels
    }

    /// The observed value.
    pub fn value(&self) -> f64 {
        self.value
    }

    /// When it was observed, if known.
    pub fn timestamp(&self) -> Option<SystemTime> {
        self.timestamp
    }

    /// Seconds and nanoseconds since the Unix epoch (negative seconds
    /// before it), if the exemplar has a timestamp.
    pub(crate) fn unix_time(&self) -> Option<(i64, u32)> {
        let t = self.timestamp?;
        Some(match t.duration_since(UNIX_EPOCH) {
            Ok(d) => (
                i64::try_from(d.as_secs()).unwrap_or(i64::MAX),
                d.subsec_nanos(),
            ),
            Err(before) => {
                let d = before.duration();
                let secs = -i64::try_from(d.as_secs()).unwrap_or(i64::MAX);
                match d.subsec_nanos() {
                    0 => (secs, 0),
                    n => (secs - 1, 1_000_000_000 - n),
                }
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_are_checked_and_escaped() {
        let e = Exemplar::new(&[("trace_id", "a\"b")], 0.5).unwrap();
        assert_eq!(e.labels(), r#"trace_id="a\"b""#);
        assert!(matches!(
            Exemplar::new(&[("1x", "v")], 1.0),
            Err(ExemplarError::InvalidLabelName { .. })
        ));
        assert!(matches!(
            Exemplar::new(&[("t", "x")], f64::NAN),
            Err(ExemplarError::NonFiniteValue(_))
        ));
    }

    #[test]
    fn the_limit_counts_code_points_of_names_and_values() {
        // 8 + 120 = 128 code points: allowed; one more is not.
        let ok = "é".repeat(120);
        assert!(Exemplar::new(&[("trace_id", ok.as_str())], 1.0).is_ok());
        let long = "é".repeat(121);
        let err = Exemplar::new(&[("trace_id", long.as_str())], 1.0).unwrap_err();
        assert_eq!(err, ExemplarError::TooLong { chars: 129 });
        assert!(err.to_string().contains("at most 128"));
    }

    #[test]
    fn times_before_the_epoch_are_split_correctly() {
        let e = Exemplar::new(&[("t", "x")], 1.0).unwrap();
        let before = UNIX_EPOCH - std::time::Duration::from_millis(1500);
        assert_eq!(
            e.clone().with_timestamp(before).unix_time(),
            Some((-2, 500_000_000))
        );
        let after = UNIX_EPOCH + std::time::Duration::from_millis(1500);
        assert_eq!(e.with_timestamp(after).unix_time(), Some((1, 500_000_000)));
    }
}
