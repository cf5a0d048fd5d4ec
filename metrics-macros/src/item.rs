//! The items the attribute macros are put on, read as far as the macros
//! need them: a function's signature (not its body) for `#[timed]`, a
//! static's name for `#[register]`.
//!
//! syn can parse whole items only with its `full` feature, which would make
//! syn the longest step of every build that uses the derives. These readers
//! take the parts syn's `derive` feature does parse (attributes, visibility,
//! generics, types) and keep the rest as the user's tokens, so the output
//! prints them back unchanged, spans included.

use proc_macro2::{Group, TokenStream};
use quote::{quote, ToTokens};
use syn::parse::{Parse, ParseStream};
use syn::token::{Brace, Paren};
use syn::{Abi, Attribute, Generics, Ident, ReturnType, Token, Type, Visibility, WhereClause};

/// A function or method with a body.
pub(crate) struct Function {
    pub(crate) attrs: Vec<Attribute>,
    pub(crate) vis: Visibility,
    pub(crate) constness: Option<Token![const]>,
    pub(crate) asyncness: Option<Token![async]>,
    pub(crate) ident: Ident,
    /// The signature as written, from `default`/`const`/`async` to the
    /// `where` clause.
    pub(crate) signature: TokenStream,
    /// The declared return type, if any.
    pub(crate) output: Option<Type>,
    /// The body, braces included.
    pub(crate) body: Group,
}

impl Parse for Function {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let attrs = input.call(Attribute::parse_outer)?;
        let vis: Visibility = input.parse()?;
        let mut signature = TokenStream::new();
        // `default fn` (specialization) is kept as written.
        if input.peek(Ident) && input.fork().parse::<Ident>().is_ok_and(|i| i == "default") {
            input.parse::<Ident>()?.to_tokens(&mut signature);
        }
        let constness: Option<Token![const]> = input.parse()?;
        let asyncness: Option<Token![async]> = input.parse()?;
        let unsafety: Option<Token![unsafe]> = input.parse()?;
        let abi: Option<Abi> = input.parse()?;
        let fn_token: Token![fn] = input.parse()?;
        let ident: Ident = input.parse()?;
        let generics: Generics = input.parse()?;
        if !input.peek(Paren) {
            return Err(input.error("expected the function's parameters"));
        }
        let parameters: Group = input.parse()?;
        let output: ReturnType = input.parse()?;
        let where_clause: Option<WhereClause> = input.parse()?;
        if !input.peek(Brace) {
            return Err(input.error("expected the function's body"));
        }
        let body: Group = input.parse()?;
        if !input.is_empty() {
            return Err(input.error("unexpected tokens after the function's body"));
        }
        signature.extend(quote! {
            #constness #asyncness #unsafety #abi #fn_token #ident #generics
            #parameters #output #where_clause
        });
        Ok(Function {
            attrs,
            vis,
            constness,
            asyncness,
            ident,
            signature,
            output: match output {
                ReturnType::Default => None,
                ReturnType::Type(_, ty) => Some(*ty),
            },
            body,
        })
    }
}

/// A `static` item: only what `#[register]` checks and names.
pub(crate) struct Static {
    pub(crate) mutability: Option<Token![mut]>,
    pub(crate) ident: Ident,
}

impl Static {
    /// Reads a static; `Ok(None)` when the item is something else.
    pub(crate) fn parse(input: ParseStream<'_>) -> syn::Result<Option<Self>> {
        input.call(Attribute::parse_outer)?;
        input.parse::<Visibility>()?;
        if !input.peek(Token![static]) {
            input.parse::<TokenStream>()?;
            return Ok(None);
        }
        input.parse::<Token![static]>()?;
        let mutability = input.parse()?;
        let ident = input.parse()?;
        input.parse::<Token![:]>()?;
        input.parse::<Type>()?;
        // The initialiser stays the user's: rustc checks it.
        input.parse::<TokenStream>()?;
        Ok(Some(Static { mutability, ident }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use syn::parse::Parser;

    fn function(tokens: TokenStream) -> Function {
        syn::parse2(tokens).expect("a function")
    }

    #[test]
    fn reads_every_kind_of_signature() {
        let f = function(quote! {
            #[inline] pub(crate) async unsafe extern "C" fn go<T: Clone>(&self, t: T)
                -> Result<Vec<T>, E> where T: Send { body() }
        });
        assert_eq!(f.ident, "go");
        assert!(f.asyncness.is_some() && f.constness.is_none());
        assert_eq!(f.attrs.len(), 1);
        let output = f.output.as_ref().map(|t| t.to_token_stream().to_string());
        assert_eq!(output.as_deref(), Some("Result < Vec < T > , E >"));
        assert_eq!(
            f.signature.to_string(),
            "async unsafe extern \"C\" fn go < T : Clone > (& self , t : T) -> Result < Vec < T > , E > where T : Send"
        );
        assert_eq!(f.body.to_string(), "{ body () }");

        let f = function(quote!(default const fn zero() -> u8 { 0 }));
        assert!(f.constness.is_some());
        assert!(f.signature.to_string().starts_with("default const fn"));
        // A const generic in the return type is not mistaken for the body.
        let f = function(quote!(
            fn arr() -> [u8; { 2 + 2 }] {
                [0; 4]
            }
        ));
        assert_eq!(f.body.to_string(), "{ [0 ; 4] }");
    }

    #[test]
    fn refuses_what_is_not_a_function_with_a_body() {
        for tokens in [
            quote!(
                fn declared();
            ),
            quote!(
                struct S;
            ),
            quote!(
                fn f() {}
                fn g() {}
            ),
        ] {
            assert!(syn::parse2::<Function>(tokens).is_err());
        }
    }

    #[test]
    fn reads_statics_only() {
        let read = |tokens: TokenStream| Static::parse.parse2(tokens).expect("parses");
        let s = read(quote!(
            #[doc = "x"]
            pub static mut M: Global<App> = Global::new();
        ))
        .expect("a static");
        assert_eq!(s.ident, "M");
        assert!(s.mutability.is_some());
        assert!(read(quote!(
            fn metrics() {}
        ))
        .is_none());
        assert!(read(quote!(
            const M: u8 = 1;
        ))
        .is_none());
    }
}
