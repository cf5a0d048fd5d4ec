//! `#[derive(Metrics)]`: a struct of metric fields as statically named
//! families.

mod check;
mod expand;
mod parse;

use proc_macro2::TokenStream;

use crate::errors::Stages;

pub(crate) fn derive(input: &syn::DeriveInput) -> TokenStream {
    Stages {
        parse: parse::parse,
        check: check::check,
        expand: expand::expand,
        fallback: expand::fallback,
    }
    .run(input)
}
