//! What makes a label enum invalid: data in a variant, generics, no
//! variants, a bad label name, two variants exposed alike.

use syn::Fields;

use super::parse::LabelEnum;
use crate::attr::label_message;
use crate::errors::Errors;
use metrics_names::validate_label_name_in;

pub(crate) fn check(e: &LabelEnum<'_>, errors: &mut Errors) {
    if !e.input.generics.params.is_empty() {
        errors.at(&e.input.generics, "`LabelValue` enums cannot be generic");
    }
    if e.variants.is_empty() {
        errors.at(
            &e.input.ident,
            "a `LabelValue` enum needs at least one variant",
        );
    }
    if let Err(reason) = validate_label_name_in(e.rules, &e.name.text) {
        let message = label_message(reason, &e.name.text, "enum");
        errors.at_span(
            e.name.span,
            format!("invalid label name `{}`: {message}", e.name.text),
        );
    }
    for (i, v) in e.variants.iter().enumerate() {
        if !matches!(v.fields, Fields::Unit) {
            errors.at(
                v.fields,
                format!(
                    "variant `{}` carries data; label values must be fieldless variants",
                    v.ident
                ),
            );
        }
        if v.value.text.is_empty() {
            errors.at_span(
                v.value.span,
                "a label value must not be empty (Prometheus reads it as a missing label)",
            );
        }
        if let Some(first) = e.variants[..i]
            .iter()
            .find(|w| w.value.text == v.value.text)
        {
            errors.at_span(
                v.value.span,
                format!(
                    "variants `{}` and `{}` are both exposed as \"{}\"; rename one with #[label(rename = \"...\")]",
                    first.ident, v.ident, v.value.text
                ),
            );
        }
    }
}
