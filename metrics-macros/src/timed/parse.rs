//! The `#[timed(...)]` arguments.

use proc_macro2::{Span, TokenStream, TokenTree};
use syn::parse::{ParseStream, Parser};
use syn::punctuated::Punctuated;
use syn::{Ident, LitStr, Token, Type};

use crate::attr::{closest, Value};
use crate::errors::Errors;

pub(crate) const KEYS: &[&str] = &["name", "buckets", "errors", "in_flight", "crate"];
pub(crate) const FLAGS: &[&str] = &["result", "no_result", "in_flight"];

#[derive(Default)]
pub(crate) struct Options {
    pub(crate) target: Option<Value>,
    /// `crate = path`: where `metrics_core` is, if renamed.
    pub(crate) krate: Option<syn::Path>,
    pub(crate) name: Option<LitStr>,
    pub(crate) buckets: Option<(Span, Value)>,
    pub(crate) errors: Option<(Span, Value)>,
    /// `in_flight` (flag: the built-in gauge) or `in_flight = <gauge>`.
    pub(crate) in_flight: Option<(Span, Option<Value>)>,
    pub(crate) result: Option<Span>,
    pub(crate) no_result: Option<Span>,
}

enum Arg {
    Key(Ident, Value),
    Flag(Ident),
    Target(Value),
}

fn parse_arg(input: ParseStream<'_>) -> syn::Result<Arg> {
    if input.peek(Token![crate]) && input.peek2(Token![=]) {
        let key: Token![crate] = input.parse()?;
        input.parse::<Token![=]>()?;
        return Ok(Arg::Key(Ident::new("crate", key.span), input.parse()?));
    }
    if input.peek(Ident) && input.peek2(Token![=]) && !input.peek2(Token![==]) {
        let key: Ident = input.parse()?;
        input.parse::<Token![=]>()?;
        return Ok(Arg::Key(key, input.parse()?));
    }
    let fork = input.fork();
    if let Ok(ident) = fork.parse::<Ident>() {
        if fork.is_empty() || fork.peek(Token![,]) {
            let name = ident.to_string();
            // A bare lowercase word is an option (or a misspelt one);
            // targets are statics (`LATENCY`) or paths (`METRICS.latency`).
            if FLAGS.contains(&name.as_str()) || name.chars().all(|c| c.is_lowercase() || c == '_')
            {
                input.parse::<Ident>()?;
                return Ok(Arg::Flag(ident));
            }
        }
    }
    Ok(Arg::Target(input.parse()?))
}

pub(crate) fn parse_options(args: TokenStream, errors: &mut Errors) -> Options {
    let mut options = Options::default();
    let parser = |input: ParseStream<'_>| {
        Punctuated::<Arg, Token![,]>::parse_terminated_with(input, parse_arg)
    };
    let parsed = match parser.parse2(args) {
        Ok(parsed) => parsed,
        Err(e) => {
            errors.push(e);
            return options;
        }
    };
    let mut seen: Vec<String> = Vec::new();
    for arg in parsed {
        let (key, span) = match &arg {
            Arg::Key(k, _) | Arg::Flag(k) => (k.to_string(), k.span()),
            Arg::Target(e) => ("target".to_owned(), syn::spanned::Spanned::span(e)),
        };
        if seen.contains(&key) {
            let what = if key == "target" {
                "a second target".to_owned()
            } else {
                format!("`{key}` given twice")
            };
            errors.at_span(span, format!("{what}: `#[timed]` takes each option once"));
            continue;
        }
        seen.push(key.clone());
        match arg {
            Arg::Target(expr) => options.target = Some(expr),
            Arg::Key(k, value) => match key.as_str() {
                "name" => match value.as_str_literal() {
                    Some(s) => options.name = Some(s),
                    None => errors.at(value, "`name` takes a string literal"),
                },
                "buckets" => options.buckets = Some((span, value)),
                "errors" => options.errors = Some((span, value)),
                "in_flight" => options.in_flight = Some((span, Some(value))),
                "crate" => match value.as_path() {
                    Some(path) => options.krate = Some(path),
                    None => errors.at(value, "`crate` takes a path, e.g. `crate = ::metrics_core`"),
                },
                _ => errors.at(&k, unknown(&key, KEYS)),
            },
            Arg::Flag(k) => match key.as_str() {
                "result" => options.result = Some(span),
                "no_result" => options.no_result = Some(span),
                "in_flight" => options.in_flight = Some((span, None)),
                _ => errors.at(&k, unknown(&key, FLAGS)),
            },
        }
    }
    options
}

fn unknown(key: &str, known: &[&str]) -> String {
    let all: Vec<&str> = KEYS.iter().chain(FLAGS).copied().collect();
    let hint = closest(key, &all).or_else(|| closest(key, known));
    match hint {
        Some(h) => format!("unknown `#[timed]` option `{key}`; did you mean `{h}`?"),
        None => format!(
            "unknown `#[timed]` option `{key}`; expected a target (`METRICS.field`), `name = \"...\"`, \
             `buckets = ...`, `errors = ...`, `in_flight`, `result`, `no_result` or `crate = path`"
        ),
    }
}

/// Whether a type mentions `impl Trait` (which cannot annotate a `let`).
pub(crate) fn mentions_impl(ty: &Type) -> bool {
    fn walk(tokens: TokenStream) -> bool {
        tokens.into_iter().any(|t| match t {
            TokenTree::Ident(i) => i == "impl",
            TokenTree::Group(g) => walk(g.stream()),
            _ => false,
        })
    }
    walk(quote::quote!(#ty))
}
