//! Info metrics: constant labels with the value 1 (`build_info{version=...} 1`).

use std::borrow::Cow;
use std::fmt;

use crate::lock::RwLock;

use crate::encoding::{render_label_pairs, FamilyWriter, MetricType};
use crate::metric::EncodeMetric;
use crate::name::{validate_label_name, NameError};

/// Why info labels were refused.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum InfoError {
    /// A label name breaks the label name rules.
    InvalidLabelName {
        /// The label.
        label: String,
        /// What is wrong with it.
        reason: NameError,
    },
    /// A label name appears twice.
    DuplicateLabelName(String),
}

impl fmt::Display for InfoError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            InfoError::InvalidLabelName { label, reason } => {
                write!(
                    f,
                    "invalid info label name `{label}`: {}",
                    reason.label_message()
                )
            }
            InfoError::DuplicateLabelName(label) => write!(f, "info label `{label}` given twice"),
        }
    }
}

impl std::error::Error for InfoError {}

/// Facts about the process exposed as labels of a series whose value is 1,
/// like `build_info{version="1.2.0",commit="abc123"} 1`. Register it under
/// the base name (`build`): the samples are `build_info` (OpenMetrics type
/// `info`; a gauge in text 0.0.4, which has no info type).
///
/// ```
/// use metrics_core::Info;
/// let build = Info::new([("version", env!("CARGO_PKG_VERSION"))]).unwrap();
/// build.set([("version", "2.0.0"), ("commit", "abc123")]).unwrap();
/// assert!(Info::new([("bad-name", "x")]).is_err());
/// ```
#[derive(Default)]
pub struct Info {
    labels: RwLock<Labels>,
}

#[derive(Default)]
struct Labels {
    names: Vec<String>,
    rendered: String,
}

impl Info {
    /// An info metric with these labels.
    pub fn new<'a>(
        labels: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Result<Self, InfoError> {
        let info = Info::default();
        info.set(labels)?;
        Ok(info)
    }

    /// Replaces the labels. On error the labels are unchanged.
    ///
    /// The registry checks label names against its constant labels only
    /// when the info metric is registered; set the final names before that.
    pub fn set<'a>(
        &self,
        labels: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Result<(), InfoError> {
        let labels: Vec<(&str, &str)> = labels.into_iter().collect();
        let mut names: Vec<String> = Vec::with_capacity(labels.len());
        for (name, _) in &labels {
            validate_label_name(name).map_err(|reason| InfoError::InvalidLabelName {
                label: (*name).to_owned(),
                reason,
            })?;
            if names.iter().any(|n| n == name) {
                return Err(InfoError::DuplicateLabelName((*name).to_owned()));
            }
            names.push((*name).to_owned());
        }
        *self.labels.write() = Labels {
            names,
            rendered: render_label_pairs(labels),
        };
        Ok(())
    }
}

impl fmt::Debug for Info {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Info")
            .field(&self.labels.read().rendered)
            .finish()
    }
}

impl EncodeMetric for Info {
    fn metric_type(&self) -> MetricType {
        MetricType::Info
    }

    fn label_names(&self) -> Vec<Cow<'static, str>> {
        self.labels
            .read()
            .names
            .iter()
            .map(|n| Cow::Owned(n.clone()))
            .collect()
    }

    fn encode(&self, out: &mut FamilyWriter<'_>) {
        out.info(&self.labels.read().rendered);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invalid_label_names_are_refused_with_the_label_rule() {
        let e = Info::new([("build:id", "x")]).err().unwrap();
        assert_eq!(
            e.to_string(),
            "invalid info label name `build:id`: label names may contain only ASCII letters, \
             digits and `_`"
        );
        assert!(matches!(
            Info::new([("a", "1"), ("a", "2")]),
            Err(InfoError::DuplicateLabelName(_))
        ));
    }
}
