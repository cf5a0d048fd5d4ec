//! Parsing of `#[label(...)]` and `#[metrics(...)]` attribute lists: known
//! keys dispatched to a handler, unknown keys reported with a "did you
//! mean", duplicates refused, every error kept.

use proc_macro2::{TokenStream, TokenTree};
use quote::ToTokens;
use syn::meta::ParseNestedMeta;
use syn::parse::{Parse, ParseStream};
use syn::{Attribute, Expr, LitStr, Path};

use crate::errors::Errors;

/// Calls `handle(key, meta, errors)` for each `key` or `key = value` in the
/// attributes named `name`. `handle` parses the value (a parse error stops
/// that attribute) and records semantic errors in `errors`.
pub(crate) fn parse<F>(
    attrs: &[Attribute],
    name: &str,
    known: &[&str],
    errors: &mut Errors,
    mut handle: F,
) where
    F: FnMut(&str, &ParseNestedMeta<'_>, &mut Errors) -> syn::Result<()>,
{
    let mut seen: Vec<String> = Vec::new();
    for attr in attrs.iter().filter(|a| a.path().is_ident(name)) {
        let result = attr.parse_nested_meta(|meta| {
            let key = path_string(&meta.path);
            if !known.contains(&key.as_str()) {
                skip_value(&meta)?;
                let hint = match closest(&key, known) {
                    Some(k) => format!("; did you mean `{k}`?"),
                    None => format!("; expected one of: {}", list(known)),
                };
                errors.at(
                    &meta.path,
                    format!("unknown `{name}` attribute `{key}`{hint}"),
                );
                return Ok(());
            }
            if seen.contains(&key) {
                skip_value(&meta)?;
                errors.at(&meta.path, format!("duplicate `{key}` in `#[{name}(...)]`"));
                return Ok(());
            }
            seen.push(key.clone());
            handle(&key, &meta, errors)
        });
        if let Err(e) = result {
            errors.push(e);
        }
    }
}

fn list(known: &[&str]) -> String {
    known
        .iter()
        .map(|k| format!("`{k}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn path_string(path: &Path) -> String {
    path.segments
        .iter()
        .map(|s| s.ident.to_string())
        .collect::<Vec<_>>()
        .join("::")
}

/// Consumes `= value` or `(...)` after an unknown key, so parsing goes on.
fn skip_value(meta: &ParseNestedMeta<'_>) -> syn::Result<()> {
    if meta.input.peek(syn::Token![=]) {
        let _: Value = meta.value()?.parse()?;
    } else if meta.input.peek(syn::token::Paren) {
        meta.parse_nested_meta(|inner| skip_value(&inner))?;
    }
    Ok(())
}

/// `key = "string"`.
pub(crate) fn string(meta: &ParseNestedMeta<'_>) -> syn::Result<LitStr> {
    meta.value()?.parse()
}

/// `key = <expression>`.
pub(crate) fn expr(meta: &ParseNestedMeta<'_>) -> syn::Result<Value> {
    meta.value()?.parse()
}

/// An option's value as written: the tokens up to the next `,` outside
/// brackets and turbofish, kept unparsed. The macros only move values into
/// generated code (where rustc parses and type-checks them, with the user's
/// spans), so parsing Rust expressions here would need syn's `full` feature,
/// the largest part of this crate's build, for nothing.
#[derive(Clone)]
pub(crate) struct Value(pub(crate) TokenStream);

impl Value {
    /// The value as a string literal, if it is one.
    pub(crate) fn as_str_literal(&self) -> Option<LitStr> {
        syn::parse2(self.0.clone()).ok()
    }

    /// The value as a path, if it is one.
    pub(crate) fn as_path(&self) -> Option<Path> {
        syn::parse2(self.0.clone()).ok()
    }
}

impl Parse for Value {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        input.step(|cursor| {
            let mut rest = *cursor;
            let mut tokens = TokenStream::new();
            // Depth of `::<...>` generic arguments, whose commas are not
            // the option list's.
            let mut turbofish = 0usize;
            let mut previous = None;
            while let Some((tree, next)) = rest.token_tree() {
                let current = match &tree {
                    TokenTree::Punct(p) => Some(p.as_char()),
                    _ => None,
                };
                match (previous, current) {
                    (_, Some(',')) if turbofish == 0 => break,
                    (Some(':'), Some('<')) => turbofish += 1,
                    (Some('-'), Some('>')) => {}
                    (_, Some('>')) if turbofish > 0 => turbofish -= 1,
                    _ => {}
                }
                previous = current;
                tokens.extend([tree]);
                rest = next;
            }
            if tokens.is_empty() {
                return Err(cursor.error("expected a value"));
            }
            Ok((Value(tokens), rest))
        })
    }
}

impl ToTokens for Value {
    fn to_tokens(&self, tokens: &mut TokenStream) {
        self.0.to_tokens(tokens);
    }
}

/// `key = some::path` or `key = "some::path"`.
pub(crate) fn path(meta: &ParseNestedMeta<'_>) -> syn::Result<Path> {
    let value = meta.value()?;
    if value.peek(LitStr) {
        let s: LitStr = value.parse()?;
        s.parse()
    } else {
        value.parse()
    }
}

/// A bare flag: `key` with no value.
pub(crate) fn flag(meta: &ParseNestedMeta<'_>) -> syn::Result<()> {
    if meta.input.peek(syn::Token![=]) || meta.input.peek(syn::token::Paren) {
        return Err(meta.error("this option takes no value"));
    }
    Ok(())
}

/// The known key closest to `key` by edit distance, if close enough to be
/// a likely typo.
pub(crate) fn closest<'a>(key: &str, known: &[&'a str]) -> Option<&'a str> {
    known
        .iter()
        .map(|k| (distance(key, k), *k))
        .filter(|(d, k)| *d <= 2.max(k.len() / 3))
        .min_by_key(|(d, _)| *d)
        .map(|(_, k)| k)
}

fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != *cb)).min(row[j] + 1).min(cur + 1);
            prev = cur;
        }
    }
    row[b.len()]
}

/// The text of `///` comments, lines trimmed and joined with spaces.
pub(crate) fn doc_comment(attrs: &[Attribute]) -> Option<String> {
    let lines: Vec<String> = attrs
        .iter()
        .filter(|a| a.path().is_ident("doc"))
        .filter_map(|a| match &a.meta {
            syn::Meta::NameValue(nv) => match &nv.value {
                Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Str(s),
                    ..
                }) => Some(s.value()),
                _ => None,
            },
            _ => None,
        })
        .flat_map(|s| s.lines().map(|l| l.trim().to_owned()).collect::<Vec<_>>())
        .filter(|l| !l.is_empty())
        .collect();
    (!lines.is_empty()).then(|| lines.join(" "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestions() {
        let known = ["name", "unit", "buckets", "max_series", "help", "flatten"];
        assert_eq!(closest("nmae", &known), Some("name"));
        assert_eq!(closest("bucket", &known), Some("buckets"));
        assert_eq!(closest("max_serie", &known), Some("max_series"));
        assert_eq!(closest("zzzzzz", &known), None);
    }
}

/// A name as the user wrote it or as it was derived, with the token to
/// report problems with it at.
#[derive(Clone)]
pub(crate) struct SpannedName {
    pub(crate) text: String,
    pub(crate) span: proc_macro2::Span,
}

impl SpannedName {
    /// The literal's text, or `derived` at `span` when there is none.
    pub(crate) fn from_literal_or(
        literal: Option<LitStr>,
        derived: impl FnOnce() -> String,
        span: proc_macro2::Span,
    ) -> Self {
        match literal {
            Some(lit) => SpannedName {
                text: lit.value(),
                span: lit.span(),
            },
            None => SpannedName {
                text: derived(),
                span,
            },
        }
    }
}

/// The rule a label name broke, and how to allow it (`opt_in`, where the
/// attribute that does goes) when UTF-8 names would.
pub(crate) fn label_message(e: metrics_names::NameError, name: &str, opt_in: &str) -> String {
    let message = e.label_message();
    let utf8 = metrics_names::NameRules::Utf8;
    if metrics_names::validate_label_name_in(utf8, name).is_ok() {
        format!("{message}; `#[label(utf8)]` on the {opt_in} allows any UTF-8 name")
    } else {
        message.to_owned()
    }
}

/// A key the caller's list allowed but its `match` does not handle: a bug
/// in this crate, reported as an error at the key rather than a panic.
pub(crate) fn unexpected_key(meta: &ParseNestedMeta<'_>, key: &str) -> syn::Error {
    meta.error(format!(
        "internal error in metrics-macros: key `{key}` is accepted but not handled"
    ))
}

#[cfg(test)]
mod value_tests {
    use super::Value;
    use quote::quote;
    use syn::punctuated::Punctuated;
    use syn::Token;

    fn values(tokens: proc_macro2::TokenStream) -> Vec<String> {
        let parser = Punctuated::<Value, Token![,]>::parse_terminated;
        syn::parse::Parser::parse2(parser, tokens)
            .expect("values")
            .into_iter()
            .map(|v| v.0.to_string())
            .collect()
    }

    #[test]
    fn a_value_ends_at_a_comma_outside_brackets_and_turbofish() {
        assert_eq!(
            values(quote!(Buckets::new(&[0.1, 0.5]), METRICS.a[Op::Get], 3)),
            [
                "Buckets :: new (& [0.1 , 0.5])",
                "METRICS . a [Op :: Get]",
                "3"
            ]
        );
        assert_eq!(
            values(quote!(f::<A, B>(), g::<fn() -> u8, C>(), x)),
            ["f :: < A , B > ()", "g :: < fn () -> u8 , C > ()", "x"]
        );
        assert!(syn::parse2::<Value>(quote!()).is_err());
        assert_eq!(
            Value(quote!("text")).as_str_literal().map(|l| l.value()),
            Some("text".to_owned())
        );
        assert!(Value(quote!(a + b)).as_path().is_none());
    }
}
