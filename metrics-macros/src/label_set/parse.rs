//! The struct and its `#[label(...)]` attributes.

use syn::{Data, DeriveInput, Fields, Ident, LitStr, Path, Type};

use metrics_names::NameRules;

use crate::attr::{self, SpannedName};
use crate::errors::{keyword_span, Errors};

pub(crate) struct LabelStruct<'a> {
    pub(crate) input: &'a DeriveInput,
    pub(crate) krate: Path,
    /// `#[label(utf8)]` on the struct: label names may be any UTF-8.
    pub(crate) rules: NameRules,
    pub(crate) fields: Vec<Field<'a>>,
}

pub(crate) struct Field<'a> {
    pub(crate) ident: &'a Ident,
    pub(crate) ty: &'a Type,
    /// The label name and the token it comes from.
    pub(crate) name: SpannedName,
}

pub(crate) fn parse<'a>(input: &'a DeriveInput, errors: &mut Errors) -> Option<LabelStruct<'a>> {
    let fields = match &input.data {
        Data::Struct(s) => match &s.fields {
            Fields::Named(named) => named,
            other => {
                errors.at(
                    other,
                    "`LabelSet` needs named fields: each field name is a label name",
                );
                if matches!(other, Fields::Unit) {
                    errors.at(
                        &input.ident,
                        "`LabelSet` needs named fields: each field name is a label name",
                    );
                }
                return None;
            }
        },
        other => {
            let message = if matches!(other, Data::Enum(_)) {
                "`LabelSet` is derived for structs; for an enum of label values use `#[derive(LabelValue)]`"
            } else {
                "`LabelSet` is derived for structs with named fields"
            };
            errors.at_span(keyword_span(other), message);
            return None;
        }
    };
    let mut krate: Path = syn::parse_quote!(::metrics_core);
    let mut rules = NameRules::Legacy;
    attr::parse(
        &input.attrs,
        "label",
        &["crate", "utf8"],
        errors,
        |key, meta, _| {
            match key {
                "crate" => krate = attr::path(meta)?,
                "utf8" => {
                    attr::flag(meta)?;
                    rules = NameRules::Utf8;
                }
                other => return Err(attr::unexpected_key(meta, other)),
            }
            Ok(())
        },
    );
    let fields = fields
        .named
        .iter()
        .filter_map(|f| {
            let ident = f.ident.as_ref()?;
            let mut name: Option<LitStr> = None;
            attr::parse(&f.attrs, "label", &["name"], errors, |_, meta, _| {
                name = Some(attr::string(meta)?);
                Ok(())
            });
            let name = SpannedName::from_literal_or(
                name,
                || ident.to_string().trim_start_matches("r#").to_owned(),
                ident.span(),
            );
            Some(Field {
                ident,
                ty: &f.ty,
                name,
            })
        })
        .collect();
    Some(LabelStruct {
        input,
        krate,
        rules,
        fields,
    })
}
