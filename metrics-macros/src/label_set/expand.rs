//! The `LabelSet` impl, and `DenseLabelSet` when every field is an enum.

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;

use super::parse::LabelStruct;

pub(crate) fn expand(s: &LabelStruct<'_>) -> TokenStream {
    let krate = &s.krate;
    let ident = &s.input.ident;
    let names: Vec<&String> = s.fields.iter().map(|f| &f.name.text).collect();
    let visits = s.fields.iter().map(|f| {
        let (ty, field) = (f.ty, f.ident);
        quote_spanned!(ty.span()=> <#ty as #krate::__private::LabelField>::visit(&self.#field, visit);)
    });
    let private = quote!(#krate::__private);
    // Spanned at each field's type, so a type that cannot be a label is
    // reported there.
    let domains = s.fields.iter().map(|f| {
        let ty = f.ty;
        quote_spanned!(ty.span()=> <#ty as #krate::__private::LabelField>::DOMAIN)
    });
    let index_steps = s.fields.iter().map(|f| {
        let (ty, field) = (f.ty, f.ident);
        quote_spanned! {ty.span()=>
            index = index * #private::domain_len(<#ty as #krate::__private::LabelField>::DOMAIN)
                + <#ty as #krate::__private::LabelField>::field_index(&self.#field)?;
        }
    });
    let dense_bounds = s.fields.iter().map(|f| {
        let ty = f.ty;
        // Higher-ranked so that a bound that does not hold (a `String`
        // field) makes the impl inapplicable instead of an error.
        quote!(for<'__label> #ty: #krate::__private::LabelValue)
    });
    quote! {
        const _: () = {
            #[automatically_derived]
            #[automatically_derived]
            impl #krate::__private::LabelSet for #ident {
                const NAMES: &'static [&'static ::core::primitive::str] = &[#(#names),*];
                const DOMAINS: &'static [::core::option::Option<&'static [&'static ::core::primitive::str]>] = &[#(#domains),*];

                #[inline]
                fn dense_index(&self) -> ::core::option::Option<::core::primitive::usize> {
                    let mut index: ::core::primitive::usize = 0;
                    #(#index_steps)*
                    ::core::option::Option::Some(index)
                }

                fn visit_values(&self, visit: &mut dyn ::core::ops::FnMut(&::core::primitive::str)) {
                    #(#visits)*
                }
            }

            #[automatically_derived]
            #[automatically_derived]
            impl #krate::__private::DenseLabelSet for #ident where #(#dense_bounds),* {}
        };
    }
}

/// Emitted beside the errors so uses of the struct do not add unrelated
/// "trait not implemented" errors.
pub(crate) fn fallback(s: &LabelStruct<'_>) -> TokenStream {
    let krate = &s.krate;
    let ident = &s.input.ident;
    quote! {
        #[automatically_derived]
        impl #krate::__private::LabelSet for #ident {
            const NAMES: &'static [&'static ::core::primitive::str] = &[];
            const DOMAINS: &'static [::core::option::Option<&'static [&'static ::core::primitive::str]>] = &[];
            fn dense_index(&self) -> ::core::option::Option<::core::primitive::usize> {
                ::core::option::Option::None
            }
            fn visit_values(&self, _: &mut dyn ::core::ops::FnMut(&::core::primitive::str)) {}
        }
    }
}
