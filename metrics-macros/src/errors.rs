//! An accumulator of spanned errors, so every mistake of an item is
//! reported in one compile (after serde_derive's `Ctxt`).

use proc_macro2::TokenStream;
use quote::ToTokens;
use std::fmt::Display;

#[derive(Default)]
pub(crate) struct Errors(Vec<syn::Error>);

impl Errors {
    /// Records an error spanning `tokens`.
    pub(crate) fn at<T: ToTokens, M: Display>(&mut self, tokens: T, message: M) {
        self.0.push(syn::Error::new_spanned(tokens, message));
    }

    /// Records an error at a span.
    pub(crate) fn at_span<M: Display>(&mut self, span: proc_macro2::Span, message: M) {
        self.0.push(syn::Error::new(span, message));
    }

    /// Records a parse error.
    pub(crate) fn push(&mut self, error: syn::Error) {
        self.0.push(error);
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The errors as `compile_error!` invocations.
    pub(crate) fn into_compile_errors(self) -> TokenStream {
        self.0.into_iter().map(|e| e.to_compile_error()).collect()
    }
}

/// The stages of a derive: parse into a small AST, check it, expand it; on
/// any error, the errors plus a minimal fallback item, so one mistake does
/// not cascade into "trait not implemented" errors at every use.
pub(crate) struct Stages<'a, Ast, Checked> {
    pub(crate) parse: fn(&'a syn::DeriveInput, &mut Errors) -> Option<Ast>,
    pub(crate) check: fn(&Ast, &mut Errors) -> Checked,
    pub(crate) expand: fn(&Ast, &Checked) -> TokenStream,
    pub(crate) fallback: fn(&Ast) -> TokenStream,
}

impl<'a, Ast, Checked> Stages<'a, Ast, Checked> {
    pub(crate) fn run(self, input: &'a syn::DeriveInput) -> TokenStream {
        let mut errors = Errors::default();
        let Some(ast) = (self.parse)(input, &mut errors) else {
            return errors.into_compile_errors();
        };
        let checked = (self.check)(&ast, &mut errors);
        if errors.is_empty() {
            (self.expand)(&ast, &checked)
        } else {
            let mut out = errors.into_compile_errors();
            // A generic item gets no fallback: its impl would need the
            // bounds the errors are about.
            if input.generics.params.is_empty() {
                out.extend((self.fallback)(&ast));
            }
            out
        }
    }
}

/// The `struct`, `enum` or `union` keyword of a derive's input: where
/// "this derive does not apply to this kind of item" is reported.
pub(crate) fn keyword_span(data: &syn::Data) -> proc_macro2::Span {
    match data {
        syn::Data::Struct(s) => s.struct_token.span,
        syn::Data::Enum(e) => e.enum_token.span,
        syn::Data::Union(u) => u.union_token.span,
    }
}
