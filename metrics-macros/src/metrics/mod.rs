//! `#[derive(Metrics)]`: a struct of metric fields as statically named
//! families.

mod check;
mod expand;
mod parse;

use proc_macro2::TokenStream;

use crate::errors::Errors;

pub(crate) fn derive(input: &syn::DeriveInput) -> TokenStream {
    let mut errors = Errors::default();
    let parsed = parse::parse(input, &mut errors);
    let checked = parsed.as_ref().map(|p| check::check(p, &mut errors));
    match (parsed, checked) {
        (Some(parsed), Some(names)) if errors.is_empty() => expand::expand(&parsed, &names),
        (parsed, _) => {
            let mut out = errors.into_compile_errors();
            if let Some(parsed) = parsed {
                out.extend(expand::fallback(&parsed));
            }
            out
        }
    }
}
