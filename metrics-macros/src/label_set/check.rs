//! What makes a label struct invalid: generics, no fields, bad or
//! repeated label names.

use super::parse::LabelStruct;
use crate::attr::label_message;
use crate::errors::Errors;
use metrics_names::validate_label_name_in;

pub(crate) fn check(s: &LabelStruct<'_>, errors: &mut Errors) {
    if !s.input.generics.params.is_empty() {
        errors.at(&s.input.generics, "`LabelSet` structs cannot be generic");
    }
    if s.fields.is_empty() {
        errors.at(&s.input.ident, "a `LabelSet` needs at least one field");
    }
    for (i, f) in s.fields.iter().enumerate() {
        if let Err(reason) = validate_label_name_in(s.rules, &f.name.text) {
            let message = label_message(reason, &f.name.text, "struct");
            errors.at_span(
                f.name.span,
                format!("invalid label name `{}`: {message}", f.name.text),
            );
        }
        if let Some(first) = s.fields[..i].iter().find(|g| g.name.text == f.name.text) {
            errors.at_span(
                f.name.span,
                format!(
                    "label name `{}` is used twice (fields `{}` and `{}`); rename one with #[label(name = \"...\")]",
                    f.name.text, first.ident, f.ident
                ),
            );
        }
    }
}
