//! The `LabelValue` impl.

use proc_macro2::TokenStream;
use quote::quote;

use super::parse::LabelEnum;

pub(crate) fn expand(e: &LabelEnum<'_>) -> TokenStream {
    let krate = &e.krate;
    let ident = &e.input.ident;
    let name = &e.name.text;
    let variants: Vec<_> = e.variants.iter().map(|v| v.ident).collect();
    let values: Vec<&String> = e.variants.iter().map(|v| &v.value.text).collect();
    let indices = 0..variants.len();
    quote! {
        #[automatically_derived]
        #[automatically_derived]
        impl #krate::__private::LabelValue for #ident {
            const NAME: &'static ::core::primitive::str = #name;
            const VALUES: &'static [Self] = &[#(#ident::#variants),*];
            const STRINGS: &'static [&'static ::core::primitive::str] = &[#(#values),*];
            #[inline]
            fn index(self) -> ::core::primitive::usize {
                match self {
                    #(#ident::#variants => #indices,)*
                }
            }
        }
    }
}

/// Emitted beside the errors, so uses of the enum as a label do not add
/// "trait not implemented" errors to the real one.
pub(crate) fn fallback(e: &LabelEnum<'_>) -> TokenStream {
    let krate = &e.krate;
    let ident = &e.input.ident;
    quote! {
        #[automatically_derived]
        impl #krate::__private::LabelValue for #ident {
            const NAME: &'static ::core::primitive::str = "";
            const VALUES: &'static [Self] = &[];
            const STRINGS: &'static [&'static ::core::primitive::str] = &[];
            fn index(self) -> ::core::primitive::usize {
                0
            }
        }
    }
}
