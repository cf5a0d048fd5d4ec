//! The struct, its `#[metrics(...)]` attributes and doc comments.

use proc_macro2::Span;
use syn::spanned::Spanned;
use syn::{Data, DeriveInput, Fields, GenericArgument, Ident, LitStr, Path, PathArguments, Type};

use metrics_names::NameRules;

use crate::attr;
use crate::errors::{keyword_span, Errors};

pub(crate) struct MetricsStruct<'a> {
    pub(crate) input: &'a DeriveInput,
    pub(crate) krate: Path,
    pub(crate) prefix: Option<LitStr>,
    /// `#[metrics(utf8)]` on the struct: every name may be any UTF-8.
    pub(crate) utf8: Option<Span>,
    pub(crate) fields: Vec<Field<'a>>,
}

pub(crate) struct Field<'a> {
    pub(crate) ident: &'a Ident,
    pub(crate) ty: &'a Type,
    /// The metric type as far as the syntax tells (`None` for aliases).
    pub(crate) kind: Option<Kind>,
    pub(crate) name: Option<LitStr>,
    pub(crate) unit: Option<LitStr>,
    pub(crate) buckets: Option<(Span, attr::Value)>,
    pub(crate) max_series: Option<(Span, attr::Value)>,
    /// `native` (the default layout) or `native = <const expr>`.
    pub(crate) native: Option<(Span, Option<attr::Value>)>,
    pub(crate) help: Option<LitStr>,
    pub(crate) doc: Option<String>,
    pub(crate) flatten: Option<Span>,
    /// `#[metrics(utf8)]` on the field: its names may be any UTF-8.
    pub(crate) utf8: Option<Span>,
}

impl MetricsStruct<'_> {
    /// The rules the prefix follows: UTF-8 with `#[metrics(utf8)]` on the
    /// struct.
    pub(crate) fn rules(&self) -> NameRules {
        if self.utf8.is_some() {
            NameRules::Utf8
        } else {
            NameRules::Legacy
        }
    }
}

impl Field<'_> {
    /// The rules the field's names (metric and labels) follow: UTF-8 with
    /// `#[metrics(utf8)]` on the field or the struct.
    pub(crate) fn rules(&self, s: &MetricsStruct<'_>) -> NameRules {
        if self.utf8.is_some() {
            NameRules::Utf8
        } else {
            s.rules()
        }
    }
}

/// A field's metric type, known from its Rust type's name.
pub(crate) use metrics_names::MetricType as Kind;

pub(crate) const FIELD_KEYS: &[&str] = &[
    "name",
    "unit",
    "buckets",
    "native",
    "max_series",
    "help",
    "flatten",
    "utf8",
];

pub(crate) fn parse<'a>(input: &'a DeriveInput, errors: &mut Errors) -> Option<MetricsStruct<'a>> {
    let fields = match &input.data {
        Data::Struct(s) => match &s.fields {
            Fields::Named(named) => named,
            _ => {
                errors.at(
                    &input.ident,
                    "`Metrics` needs a struct with named fields: each field is a metric",
                );
                return None;
            }
        },
        other => {
            errors.at_span(
                keyword_span(other),
                "`Metrics` is derived for structs whose fields are metrics",
            );
            return None;
        }
    };
    let mut krate: Path = syn::parse_quote!(::metrics_core);
    let mut prefix = None;
    let mut utf8 = None;
    attr::parse(
        &input.attrs,
        "metrics",
        &["prefix", "crate", "utf8"],
        errors,
        |key, meta, _| {
            match key {
                "prefix" => prefix = Some(attr::string(meta)?),
                "crate" => krate = attr::path(meta)?,
                "utf8" => {
                    attr::flag(meta)?;
                    utf8 = Some(meta.path.span());
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
            let mut field = Field {
                ident: f.ident.as_ref()?,
                ty: &f.ty,
                kind: kind_of(&f.ty),
                name: None,
                unit: None,
                buckets: None,
                max_series: None,
                native: None,
                help: None,
                doc: attr::doc_comment(&f.attrs),
                flatten: None,
                utf8: None,
            };
            attr::parse(&f.attrs, "metrics", FIELD_KEYS, errors, |key, meta, _| {
                let span = meta
                    .path
                    .get_ident()
                    .map_or_else(Span::call_site, Ident::span);
                match key {
                    "name" => field.name = Some(attr::string(meta)?),
                    "unit" => field.unit = Some(attr::string(meta)?),
                    "help" => field.help = Some(attr::string(meta)?),
                    "buckets" => field.buckets = Some((span, attr::expr(meta)?)),
                    "max_series" => field.max_series = Some((span, attr::expr(meta)?)),
                    "native" => {
                        let layout = if meta.input.peek(syn::Token![=]) {
                            Some(attr::expr(meta)?)
                        } else {
                            attr::flag(meta)?;
                            None
                        };
                        field.native = Some((span, layout));
                    }
                    "flatten" => {
                        attr::flag(meta)?;
                        field.flatten = Some(span);
                    }
                    "utf8" => {
                        attr::flag(meta)?;
                        field.utf8 = Some(span);
                    }
                    other => return Err(attr::unexpected_key(meta, other)),
                }
                Ok(())
            });
            Some(field)
        })
        .collect();
    Some(MetricsStruct {
        input,
        krate,
        prefix,
        utf8,
        fields,
    })
}

/// The metric type named by a field's type, when it is spelled with the
/// runtime's names (`Counter`, `Family<L, Histogram>`, ...).
fn kind_of(ty: &Type) -> Option<Kind> {
    let Type::Path(path) = ty else { return None };
    let last = path.path.segments.last()?;
    match last.ident.to_string().as_str() {
        "Counter" => Some(Kind::Counter),
        "Gauge" => Some(Kind::Gauge),
        "Histogram" => Some(Kind::Histogram),
        "Info" => Some(Kind::Info),
        "Family" => {
            let PathArguments::AngleBracketed(args) = &last.arguments else {
                return None;
            };
            let types: Vec<&Type> = args
                .args
                .iter()
                .filter_map(|a| match a {
                    GenericArgument::Type(t) => Some(t),
                    _ => None,
                })
                .collect();
            kind_of(types.get(1)?)
        }
        _ => None,
    }
}
