//! `#[register]`: a static in the global registry, gathered at link time.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use syn::parse::Parser;
use syn::Path;

use crate::attr;
use crate::errors::Errors;
use crate::item::Static;

pub(crate) fn expand(args: TokenStream, input: TokenStream) -> TokenStream {
    let mut errors = Errors::default();
    let mut krate: Path = syn::parse_quote!(::metrics_core);
    let parser = syn::meta::parser(|meta| {
        if meta.path.is_ident("crate") {
            krate = attr::path(&meta)?;
            Ok(())
        } else {
            Err(meta.error("unknown `register` option; expected `crate = path`"))
        }
    });
    if let Err(e) = parser.parse2(args) {
        errors.push(e);
    }
    let item = match Static::parse.parse2(input.clone()) {
        Ok(Some(item)) => item,
        Ok(None) => {
            errors.at(
                &input,
                "`#[register]` applies to a static holding metrics: `static NAME: Global<T> = Global::new();`",
            );
            let mut out = errors.into_compile_errors();
            out.extend(input);
            return out;
        }
        Err(e) => {
            errors.push(e);
            let mut out = errors.into_compile_errors();
            out.extend(input);
            return out;
        }
    };
    if let Some(mutability) = &item.mutability {
        errors.at(mutability, "`#[register]` statics cannot be `mut`");
    }
    if !errors.is_empty() {
        let mut out = errors.into_compile_errors();
        out.extend(input);
        return out;
    }
    let ident = &item.ident;
    let entry = format_ident!("__METRICS_REGISTER_{}", ident);
    quote! {
        #input

        #[#krate::__private::linkme::distributed_slice(#krate::__private::GLOBAL_COLLECTORS)]
        #[linkme(crate = #krate::__private::linkme)]
        #[doc(hidden)]
        #[allow(non_upper_case_globals)]
        static #entry: #krate::__private::Registration = #krate::__private::Registration {
            name: ::core::concat!(::core::module_path!(), "::", ::core::stringify!(#ident)),
            collector: || -> &'static dyn #krate::__private::Collector { &#ident },
        };
    }
}
