//! The one error a metric's update can give: a value it refused.

use std::fmt;

/// A value a metric refused, leaving the metric unchanged: a `Counter<f64>`
/// increment that is negative, NaN or infinite, or a histogram observation
/// that is NaN or infinite.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct InvalidValue {
    value: f64,
    refused_by: RefusedBy,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum RefusedBy {
    CounterIncrement,
    Observation,
}

impl InvalidValue {
    pub(crate) fn increment(value: f64) -> Self {
        InvalidValue {
            value,
            refused_by: RefusedBy::CounterIncrement,
        }
    }

    pub(crate) fn observation(value: f64) -> Self {
        InvalidValue {
            value,
            refused_by: RefusedBy::Observation,
        }
    }

    /// The value that was refused.
    pub fn value(&self) -> f64 {
        self.value
    }
}

impl fmt::Display for InvalidValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.refused_by {
            RefusedBy::CounterIncrement => write!(
                f,
                "counter increment {} refused: increments must be finite and not negative",
                self.value
            ),
            RefusedBy::Observation => write!(
                f,
                "histogram observation {} refused: observations must be finite",
                self.value
            ),
        }
    }
}

impl std::error::Error for InvalidValue {}
