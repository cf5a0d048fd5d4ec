//! The `Default`, `Collector` and `Metrics` impls, and the `const`
//! assertions that check each field against its type.

use proc_macro2::TokenStream;
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;

use metrics_names::NameRules;

use super::check::Names;
use super::parse::MetricsStruct;

pub(crate) fn expand(s: &MetricsStruct<'_>, names: &Names) -> TokenStream {
    let krate = &s.krate;
    let private = quote!(#krate::__private);
    let ident = &s.input.ident;
    let mut inits = Vec::new();
    let mut collects = Vec::new();
    let mut items = Vec::new();

    for (i, (f, name)) in s.fields.iter().zip(names).enumerate() {
        let (field, ty) = (f.ident, f.ty);
        let Some(name) = name else {
            // #[metrics(flatten)]: a nested metrics struct.
            inits.push(
                quote_spanned!(ty.span()=> #field: <#ty as ::core::default::Default>::default()),
            );
            collects.push(quote_spanned!(ty.span()=> <#ty as #krate::__private::Collector>::collect(&self.#field, families);));
            items.push(quote_spanned! {ty.span()=>
                const _: fn() = || {
                    fn nested_metrics<T: #krate::__private::Metrics>() {}
                    nested_metrics::<#ty>();
                };
            });
            continue;
        };
        let as_field = quote_spanned!(ty.span()=> <#ty as #private::MetricField>);

        let buckets = match &f.buckets {
            Some((_, expr)) => {
                let konst = format_ident!("__METRICS_BUCKETS_{}", i);
                // Evaluated at compile time: a bad list fails the build here.
                items.push(
                    quote_spanned!(expr.span()=> const #konst: #krate::__private::Buckets = #expr;),
                );
                quote!(::core::option::Option::Some(#konst))
            }
            None => quote!(::core::option::Option::None),
        };
        let native = match &f.native {
            Some((_, Some(expr))) => {
                let konst = format_ident!("__METRICS_NATIVE_{}", i);
                // Evaluated at compile time, as buckets are.
                items.push(
                    quote_spanned!(expr.span()=> const #konst: #krate::__private::NativeBuckets = #expr;),
                );
                quote!(::core::option::Option::Some(#konst))
            }
            Some((span, None)) => {
                quote_spanned!(*span=> ::core::option::Option::Some(#krate::__private::NativeBuckets::DEFAULT))
            }
            None => quote!(::core::option::Option::None),
        };
        let max_series = match &f.max_series {
            Some((_, expr)) => quote_spanned!(expr.span()=> ::core::option::Option::Some(#expr)),
            None => quote!(::core::option::Option::None),
        };
        inits.push(quote! {
            #field: #as_field::create(&#private::FieldOptions {
                buckets: #buckets,
                native: #native,
                max_series: #max_series,
            })
        });

        let help = f
            .help
            .as_ref()
            .map(|h| h.value())
            .or_else(|| f.doc.clone())
            .unwrap_or_default();
        let unit = match &f.unit {
            Some(u) => quote!(::core::option::Option::Some(#u)),
            None => quote!(::core::option::Option::None),
        };
        let metadata = format_ident!("__METRICS_METADATA_{}", i);
        let family = quote_spanned!(ty.span()=> #as_field::as_family(&self.#field));
        let utf8 = f.rules(s) == NameRules::Utf8;
        let utf8_names = utf8.then(|| quote!(.with_utf8_names()));
        collects.push(quote! {
            static #metadata: #krate::__private::Metadata = #krate::__private::Metadata::from_static(#name, #help, #unit)#utf8_names;
            families.push(&#metadata, #family);
        });

        // Checks that need the field's type, each spanned where the
        // mistake is written.
        let name_span = f.name.as_ref().map_or_else(|| f.ident.span(), |n| n.span());
        items.push(const_check(
            name_span,
            quote!(#private::check_name(#as_field::KIND, #name)),
        ));
        let has_buckets = f.buckets.is_some() || f.native.is_some();
        let has_max_series = f.max_series.is_some();
        let option_span = f
            .buckets
            .as_ref()
            .map(|(s, _)| *s)
            .or(f.native.as_ref().map(|(s, _)| *s))
            .or(f.max_series.as_ref().map(|(s, _)| *s))
            .unwrap_or_else(|| f.ident.span());
        items.push(const_check(
            option_span,
            quote!(#private::check_options(#as_field::KIND, #as_field::SPARSE, #has_buckets, #has_max_series)),
        ));
        let rules = if utf8 {
            quote!(#private::NameRules::Utf8)
        } else {
            quote!(#private::NameRules::Legacy)
        };
        items.push(const_check(
            ty.span(),
            quote!(#private::check_labels_in(#rules, #as_field::KIND, #as_field::LABELS)),
        ));
    }

    quote! {
        const _: () = {
            #(#items)*

            #[automatically_derived]
            #[automatically_derived]
            impl ::core::default::Default for #ident {
                /// Creates every metric at zero, every combination of a
                /// dense family included.
                fn default() -> Self {
                    Self { #(#inits,)* }
                }
            }

            #[automatically_derived]
            #[automatically_derived]
            impl #krate::__private::Collector for #ident {
                fn collect<'__a>(&'__a self, families: &mut #krate::__private::Families<'__a>) {
                    #(#collects)*
                }
            }

            #[automatically_derived]
            #[automatically_derived]
            impl #krate::__private::Metrics for #ident {}
        };
    }
}

/// A `const` assertion that `check` (a `Result<(), &str>` const call) is
/// `Ok`, spanned at `span` so the build fails at the line that wrote the
/// mistake, with the check's message.
fn const_check(span: proc_macro2::Span, check: TokenStream) -> TokenStream {
    quote_spanned! {span=>
        const _: () = if let ::core::result::Result::Err(message) = #check {
            ::core::panic!("{}", message)
        };
    }
}

/// Emitted beside the errors so uses of the struct (`Global<T>`,
/// `registry.register`) do not add unrelated errors.
pub(crate) fn fallback(s: &MetricsStruct<'_>) -> TokenStream {
    let krate = &s.krate;
    let ident = &s.input.ident;
    quote! {
        #[automatically_derived]
        impl ::core::default::Default for #ident {
            fn default() -> Self {
                ::core::unreachable!()
            }
        }
        #[automatically_derived]
        impl #krate::__private::Collector for #ident {
            fn collect<'__a>(&'__a self, _: &mut #krate::__private::Families<'__a>) {}
        }
        #[automatically_derived]
        impl #krate::__private::Metrics for #ident {}
    }
}
