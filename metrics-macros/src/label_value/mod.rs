//! `#[derive(LabelValue)]`: a fieldless enum as a closed label.

mod check;
mod expand;
mod parse;

use proc_macro2::TokenStream;

use crate::errors::Errors;

pub(crate) fn derive(input: &syn::DeriveInput) -> TokenStream {
    let mut errors = Errors::default();
    let parsed = parse::parse(input, &mut errors);
    if let Some(parsed) = &parsed {
        check::check(parsed, &mut errors);
    }
    match parsed {
        Some(parsed) if errors.is_empty() => expand::expand(&parsed),
        parsed => {
            let mut out = errors.into_compile_errors();
            if let Some(parsed) = parsed {
                out.extend(expand::fallback(&parsed));
            }
            out
        }
    }
}
