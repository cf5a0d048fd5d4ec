//! Why a registration was refused.

use std::fmt;

use crate::encoding::MetricType;
use crate::name::NameError;

/// Why a registration was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum RegistryError {
    /// A metric name breaks `[a-zA-Z_:][a-zA-Z0-9_:]*`.
    InvalidMetricName {
        /// The name.
        name: String,
        /// What is wrong with it.
        reason: NameError,
    },
    /// A label name breaks `[a-zA-Z_][a-zA-Z0-9_]*` or starts with `__`.
    InvalidLabelName {
        /// The family.
        family: String,
        /// The label.
        label: String,
        /// What is wrong with it.
        reason: NameError,
    },
    /// A label name the family's type reserves (`le` on histograms,
    /// `quantile`).
    ReservedLabelName {
        /// The family.
        family: String,
        /// The label.
        label: String,
    },
    /// One label name twice in a family (constant labels included).
    DuplicateLabelName {
        /// The family.
        family: String,
        /// The label.
        label: String,
    },
    /// A registry's constant label is invalid or given twice.
    InvalidConstLabel {
        /// The label.
        label: String,
        /// What is wrong with its name; `None`: it is given twice.
        reason: Option<NameError>,
    },
    /// A counter or info family named with the suffix the format adds.
    RedundantSuffix {
        /// The family name as given.
        name: String,
        /// `_total` for counters, `_info` for info metrics.
        suffix: &'static str,
    },
    /// A unit that the name does not end with, or that is not a valid name
    /// part.
    InvalidUnit {
        /// The family name.
        name: String,
        /// The unit.
        unit: String,
    },
    /// Two families whose names, or the sample names they write, coincide.
    NameClash {
        /// The name both would write.
        name: String,
        /// The family being registered.
        family: String,
        /// Its type.
        kind: MetricType,
        /// The family already registered.
        existing_family: String,
        /// Its type.
        existing_kind: MetricType,
    },
}

impl fmt::Display for RegistryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RegistryError::InvalidMetricName { name, reason } => {
                write!(f, "invalid metric name `{name}`: {}", reason.metric_message())
            }
            RegistryError::InvalidLabelName { family, label, reason } => {
                write!(
                    f,
                    "invalid label name `{label}` in metric `{family}`: {}",
                    reason.label_message()
                )
            }
            RegistryError::ReservedLabelName { family, label } => {
                write!(f, "label name `{label}` is reserved in metric `{family}`")
            }
            RegistryError::InvalidConstLabel {
                label,
                reason: Some(reason),
            } => write!(
                f,
                "invalid constant label name `{label}`: {}",
                reason.label_message()
            ),
            RegistryError::InvalidConstLabel { label, reason: None } => {
                write!(f, "constant label `{label}` is given twice")
            }
            RegistryError::DuplicateLabelName { family, label } => write!(
                f,
                "label `{label}` appears twice in metric `{family}` (constant labels included)"
            ),
            RegistryError::RedundantSuffix { name, suffix } => write!(
                f,
                "metric `{name}` ends with `{suffix}`, which the exposition adds: register it as `{}`",
                name.strip_suffix(suffix).unwrap_or(name)
            ),
            RegistryError::InvalidUnit { name, unit } => write!(
                f,
                "unit `{unit}` of metric `{name}` must be a valid name part and the name's last \
                 `_`-separated part (e.g. `{name}_{unit}`)"
            ),
            RegistryError::NameClash { name, family, kind, existing_family, existing_kind } => {
                write!(
                    f,
                    "{kind} `{family}` clashes with the registered {existing_kind} \
                     `{existing_family}`: both would expose `{name}`"
                )
            }
        }
    }
}

impl std::error::Error for RegistryError {}
