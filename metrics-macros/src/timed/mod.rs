//! `#[timed]`: records a function's duration by outcome.

mod check;
mod expand;
mod outcome;
mod parse;

use proc_macro2::TokenStream;

use crate::errors::Errors;
use crate::item::Function;

pub(crate) fn expand(args: TokenStream, input: TokenStream) -> TokenStream {
    let mut errors = Errors::default();
    let options = parse::parse_options(args, &mut errors);
    let function = match syn::parse2::<Function>(input.clone()) {
        Ok(function) => function,
        Err(_) => {
            errors.at_span(
                first_token_span(&input),
                "`#[timed]` applies to functions and methods with a body",
            );
            let mut out = errors.into_compile_errors();
            out.extend(input);
            return out;
        }
    };
    let shape = outcome::shape(&function, &options);
    check::check(&function, &options, &shape, &mut errors);
    if errors.is_empty() {
        expand::expand(&function, &options, &shape)
    } else {
        // The function unchanged beside the errors: its callers still compile.
        let mut out = errors.into_compile_errors();
        out.extend(input);
        out
    }
}

fn first_token_span(input: &TokenStream) -> proc_macro2::Span {
    input
        .clone()
        .into_iter()
        .next()
        .map_or_else(proc_macro2::Span::call_site, |t| t.span())
}
