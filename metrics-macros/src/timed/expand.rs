//! The wrapped function: a timer started on entry, the original body run
//! unchanged in a closure (sync) or an inner async block (async), and the
//! outcome recorded from the returned value. The signature, attributes and
//! the body's tokens (and so their spans) are the user's.

use proc_macro2::{Span, TokenStream};
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;
use syn::Ident;

use super::outcome::{Kind, Shape};
use super::parse::{mentions_impl, Options};
use crate::item::Function;

pub(crate) fn expand(function: &Function, options: &Options, shape: &Shape) -> TokenStream {
    let Function {
        attrs,
        vis,
        ident,
        signature,
        body: block,
        ..
    } = function;
    let krate = match &options.krate {
        Some(path) => quote!(#path),
        None => quote!(::metrics_core),
    };
    let private = quote!(#krate::__private);
    // Hygienic names: the body cannot see or shadow them.
    let timer = Ident::new("__timed_timer", Span::mixed_site());
    let value = Ident::new("__timed_return", Span::mixed_site());
    let future = Ident::new("__timed_future", Span::mixed_site());

    let target = match &options.target {
        Some(expr) => quote_spanned!(expr.span()=> &(#expr)),
        None => {
            let name = options
                .name
                .as_ref()
                .map_or_else(|| ident.to_string(), |n| n.value());
            let buckets = match &options.buckets {
                Some((_, expr)) => quote_spanned! {expr.span()=>
                    ::core::option::Option::Some({ const BUCKETS: #krate::__private::Buckets = #expr; BUCKETS })
                },
                None => quote!(::core::option::Option::None),
            };
            let in_flight = matches!(options.in_flight, Some((_, None)));
            quote! {{
                #[#private::linkme::distributed_slice(#private::TIMED_SITES)]
                #[linkme(crate = #private::linkme)]
                static SITE: #private::TimedSite =
                    #private::TimedSite::new(#name, ::core::module_path!(), #buckets, #in_flight);
                &SITE
            }}
        }
    };
    let target_binding = Ident::new("__timed_target", Span::mixed_site());
    let target_span = options
        .target
        .as_ref()
        .map_or_else(Span::call_site, |t| t.span());
    // One coercion, spanned at the target: a wrong target is one error.
    let mut bind_target = quote_spanned! {target_span=>
        let #target_binding: &dyn #private::TimedTarget = #target;
    };
    if let Some((_, Some(gauge))) = &options.in_flight {
        let with_gauge = Ident::new("__timed_in_flight", Span::mixed_site());
        bind_target.extend(quote_spanned! {gauge.span()=>
            let #with_gauge = #private::WithInFlight::new(#target_binding, &(#gauge));
            let #target_binding: &dyn #private::TimedTarget = &#with_gauge;
        });
    }

    let outcome = if shape.result {
        quote!(#private::ReturnOutcome::outcome(&#value))
    } else {
        quote!(#private::Outcome::Ok)
    };
    let record_error = options.errors.as_ref().map(|(_, errors)| {
        quote_spanned! {errors.span()=>
            if let ::core::option::Option::Some(error) = #private::error_of(&#value) {
                #private::ErrorTarget::record_error(&(#errors), error, #timer.elapsed_seconds());
            }
        }
    });
    // Annotating the result keeps `?` and `.into()` in the body inferring
    // against the declared type (not possible for `impl Trait`).
    let annotation = match &shape.output {
        None => quote!(: ()),
        Some(ty) if !mentions_impl(ty) => quote!(: #ty),
        Some(_) => quote!(),
    };

    let body = match shape.kind {
        Kind::Sync => quote! {
            #bind_target
            let #timer = #private::Timer::start(#target_binding);
            #[allow(clippy::redundant_closure_call)]
            let #value #annotation = (|| #block)();
            #record_error
            #timer.finish(#outcome);
            #value
        },
        Kind::Async => quote! {
            #bind_target
            let #timer = #private::Timer::start(#target_binding);
            let #value #annotation = async move #block.await;
            #record_error
            #timer.finish(#outcome);
            #value
        },
        Kind::BoxedFuture => quote! {
            #[allow(clippy::redundant_closure_call)]
            let #future = (|| #block)();
            ::std::boxed::Box::pin(async move {
                #bind_target
            let #timer = #private::Timer::start(#target_binding);
                let #value #annotation = #future.await;
                #record_error
                #timer.finish(#outcome);
                #value
            })
        },
    };
    quote! {
        #(#attrs)*
        #vis #signature {
            #body
        }
    }
}
