//! The naming rules, from `metrics-names`: the one copy the macros, the
//! `const` checks in generated code and the registry all apply.

pub use metrics_names::{
    check_labels, check_labels_in, check_name, ends_with, is_legacy_label_name,
    is_legacy_metric_name, str_eq, validate_label_name, validate_label_name_in,
    validate_metric_name, validate_metric_name_in, Escaping, MetricType, NameError, NameRules,
};
pub(crate) use metrics_names::{ends_with_unit, is_reserved_label, validate_unit};
