//! The enum and its `#[label(...)]` attributes.

use syn::{Data, DeriveInput, Fields, Ident, LitStr, Path};

use metrics_names::NameRules;

use crate::attr::{self, SpannedName};
use crate::case::{Case, CASES};
use crate::errors::{keyword_span, Errors};

pub(crate) struct LabelEnum<'a> {
    pub(crate) input: &'a DeriveInput,
    pub(crate) krate: Path,
    /// `#[label(name = "...")]`, or derived from the enum's name.
    pub(crate) name: SpannedName,
    /// `#[label(utf8)]`: the name may be any UTF-8.
    pub(crate) rules: NameRules,
    pub(crate) variants: Vec<Variant<'a>>,
}

pub(crate) struct Variant<'a> {
    pub(crate) ident: &'a Ident,
    pub(crate) fields: &'a Fields,
    /// The exposed value and the token it comes from.
    pub(crate) value: SpannedName,
}

pub(crate) fn parse<'a>(input: &'a DeriveInput, errors: &mut Errors) -> Option<LabelEnum<'a>> {
    let data = match &input.data {
        Data::Enum(data) => data,
        other => {
            let message = if matches!(other, Data::Struct(_)) {
                "`LabelValue` can only be derived for fieldless enums; for a struct of labels use \
                 `#[derive(LabelSet)]`"
            } else {
                "`LabelValue` can only be derived for fieldless enums"
            };
            errors.at_span(keyword_span(other), message);
            return None;
        }
    };
    let mut krate: Path = syn::parse_quote!(::metrics_core);
    let mut name: Option<LitStr> = None;
    let mut rename_all = Case::Snake;
    let mut rules = NameRules::Legacy;
    attr::parse(
        &input.attrs,
        "label",
        &["name", "rename_all", "crate", "utf8"],
        errors,
        |key, meta, errors| {
            match key {
                "name" => name = Some(attr::string(meta)?),
                "utf8" => {
                    attr::flag(meta)?;
                    rules = NameRules::Utf8;
                }
                "crate" => krate = attr::path(meta)?,
                "rename_all" => {
                    let s = attr::string(meta)?;
                    match Case::from_name(&s.value()) {
                        Some(case) => rename_all = case,
                        None => {
                            let names: Vec<&str> = CASES.iter().map(|(n, _)| *n).collect();
                            let hint = attr::closest(&s.value(), &names).map_or_else(
                                || format!("; expected one of: {}", names.join(", ")),
                                |c| format!("; did you mean `{c}`?"),
                            );
                            errors.at(&s, format!("unknown casing `{}`{hint}", s.value()));
                        }
                    }
                }
                other => return Err(attr::unexpected_key(meta, other)),
            }
            Ok(())
        },
    );
    let name = SpannedName::from_literal_or(
        name,
        || {
            let ident = input.ident.to_string();
            let base = ident
                .strip_suffix("Label")
                .filter(|b| !b.is_empty())
                .unwrap_or(&ident);
            Case::Snake.apply(base)
        },
        input.ident.span(),
    );
    let variants = data
        .variants
        .iter()
        .map(|v| {
            let mut rename: Option<LitStr> = None;
            attr::parse(&v.attrs, "label", &["rename"], errors, |_, meta, _| {
                rename = Some(attr::string(meta)?);
                Ok(())
            });
            let value = SpannedName::from_literal_or(
                rename,
                || rename_all.apply(&v.ident.to_string()),
                v.ident.span(),
            );
            Variant {
                ident: &v.ident,
                fields: &v.fields,
                value,
            }
        })
        .collect();
    Some(LabelEnum {
        input,
        krate,
        name,
        rules,
        variants,
    })
}
