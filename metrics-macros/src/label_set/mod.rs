//! `#[derive(LabelSet)]`: a struct whose named fields are labels.

mod check;
mod expand;
mod parse;

use proc_macro2::TokenStream;

use crate::errors::Stages;

pub(crate) fn derive(input: &syn::DeriveInput) -> TokenStream {
    Stages {
        parse: parse::parse,
        check: check::check,
        expand: |ast, ()| expand::expand(ast),
        fallback: expand::fallback,
    }
    .run(input)
}
