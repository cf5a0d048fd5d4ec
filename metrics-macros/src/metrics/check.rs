//! What the macro can tell is wrong from the syntax alone: names, units,
//! options that do not go together, two fields exposing one name. Checks
//! that need the field's type (a counter named `..._total`, reserved label
//! names, bucket lists) are `const` assertions emitted by `expand`.

use proc_macro2::Span;

use super::parse::{Field, MetricsStruct};
use crate::errors::Errors;
use metrics_names::{ends_with_unit, validate_metric_name_in, validate_unit, NameError, NameRules};

/// The rule a metric name broke, and how to allow it when UTF-8 names
/// would.
fn metric_message(e: NameError, name: &str) -> String {
    let message = e.metric_message();
    if validate_metric_name_in(NameRules::Utf8, name).is_ok() {
        format!("{message}; `#[metrics(utf8)]` allows any UTF-8 name")
    } else {
        message.to_owned()
    }
}

/// The full metric name of each field (`None` for flattened fields), in
/// field order.
pub(crate) type Names = Vec<Option<String>>;

pub(crate) fn check(s: &MetricsStruct<'_>, errors: &mut Errors) -> Names {
    if !s.input.generics.params.is_empty() {
        errors.at(&s.input.generics, "`Metrics` structs cannot be generic");
    }
    if let Some(prefix) = &s.prefix {
        if let Err(e) = validate_metric_name_in(s.rules(), &prefix.value()) {
            let message = metric_message(e, &prefix.value());
            errors.at(
                prefix,
                format!("invalid metric name prefix `{}`: {message}", prefix.value()),
            );
        }
    }
    let names: Names = s.fields.iter().map(|f| field_name(s, f, errors)).collect();

    // Every name each field is known by or writes, to find clashes.
    let mut claimed: Vec<(String, &Field<'_>)> = Vec::new();
    for (f, name) in s.fields.iter().zip(&names) {
        let Some(name) = name else { continue };
        let suffixes = f.kind.map_or(&[][..], |k| k.sample_suffixes());
        // The name itself, and every sample name the exposition writes.
        let mut all = vec![name.clone()];
        all.extend(
            suffixes
                .iter()
                .filter(|s| !s.is_empty())
                .map(|s| format!("{name}{s}")),
        );
        let mut reported = false;
        for candidate in all {
            if let Some((_, other)) = claimed.iter().find(|(n, _)| *n == candidate) {
                if !reported {
                    errors.at_span(
                        blame(f),
                        format!(
                            "fields `{}` and `{}` both expose the metric name `{candidate}`",
                            other.ident, f.ident
                        ),
                    );
                    reported = true;
                }
            } else {
                claimed.push((candidate, f));
            }
        }
    }
    names
}

/// The token a name problem is reported at: the `name = "..."` literal if
/// any, else the field's identifier.
fn blame(f: &Field<'_>) -> Span {
    f.name.as_ref().map_or_else(|| f.ident.span(), |n| n.span())
}

fn field_name(s: &MetricsStruct<'_>, f: &Field<'_>, errors: &mut Errors) -> Option<String> {
    if let Some(flatten) = f.flatten {
        let mixed = f.name.is_some()
            || f.unit.is_some()
            || f.buckets.is_some()
            || f.native.is_some()
            || f.max_series.is_some()
            || f.help.is_some()
            || f.utf8.is_some();
        if mixed {
            errors.at_span(
                flatten,
                "`flatten` exposes the nested struct's own metrics: it takes no `name`, `unit`, \
                 `buckets`, `native`, `max_series`, `help` or `utf8`",
            );
        }
        return None;
    }
    let base = match &f.name {
        Some(lit) => lit.value(),
        None => f.ident.to_string().trim_start_matches("r#").to_owned(),
    };
    if let Err(e) = validate_metric_name_in(f.rules(s), &base) {
        let message = metric_message(e, &base);
        errors.at_span(blame(f), format!("invalid metric name `{base}`: {message}"));
        return None;
    }
    let mut full = match &s.prefix {
        Some(prefix) => format!("{}_{base}", prefix.value()),
        None => base.clone(),
    };
    if let Some(unit) = &f.unit {
        let u = unit.value();
        if let Err(message) = validate_unit(&u) {
            errors.at(unit, format!("invalid unit `{u}`: {message}"));
        } else if ends_with_unit(&base, &u) {
            errors.at(
                unit,
                format!(
                    "the name `{base}` already ends with the unit `{u}`, which is appended: \
                     name the field `{}` or drop `unit`",
                    base.strip_suffix(&format!("_{u}")).unwrap_or(&base)
                ),
            );
        } else {
            full = format!("{full}_{u}");
        }
    }
    Some(full)
}
