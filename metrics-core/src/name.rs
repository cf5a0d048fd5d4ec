//! The naming rules, from `metrics-names`: the one copy the macros, the
//! `const` checks in generated code and the registry all apply.

pub use metrics_names::{
    check_labels, check_name, ends_with, str_eq, validate_label_name, validate_metric_name,
    MetricType, NameError,
};
pub(crate) use metrics_names::{ends_with_unit, is_reserved_label, validate_unit};
