//! How a timed function's outcome is read, decided from its signature: a
//! return type named `Result` makes `Err` the `error` outcome (unless
//! `result`/`no_result` says otherwise), and the function is sync, `async`,
//! or returns a boxed future (async-trait), which decides how the timer
//! wraps it. Panics and cancellation are the runtime's (`Timer`).

use syn::{GenericArgument, PathArguments, Type, TypeParamBound};

use super::parse::Options;
use crate::item::Function;

/// How the function returns, which decides how it is wrapped.
pub(crate) struct Shape {
    pub(crate) kind: Kind,
    /// The value the timer sees: the return type, or a future's output.
    pub(crate) output: Option<Type>,
    /// Whether an `Err` counts as the `error` outcome.
    pub(crate) result: bool,
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Sync,
    Async,
    /// Returns `Pin<Box<dyn Future<Output = T> ...>>`, as async-trait makes.
    BoxedFuture,
}

pub(crate) fn shape(function: &Function, options: &Options) -> Shape {
    let ret = function.output.clone();
    let (kind, output) = if function.asyncness.is_some() {
        (Kind::Async, ret)
    } else if let Some(output) = ret.as_ref().and_then(boxed_future_output) {
        (Kind::BoxedFuture, Some(output))
    } else {
        (Kind::Sync, ret)
    };
    let detected = output.as_ref().is_some_and(is_result);
    let result = options.result.is_some() || (detected && options.no_result.is_none());
    Shape {
        kind,
        output,
        result,
    }
}

/// `Result<..>`, `io::Result<..>`, `anyhow::Result<..>`: named `Result`.
fn is_result(ty: &Type) -> bool {
    match ty {
        Type::Path(p) => p.path.segments.last().is_some_and(|s| s.ident == "Result"),
        Type::Paren(p) => is_result(&p.elem),
        Type::Group(g) => is_result(&g.elem),
        _ => false,
    }
}

/// The `Output` of `Pin<Box<dyn Future<Output = T> + ...>>`.
fn boxed_future_output(ty: &Type) -> Option<Type> {
    let pin = last_segment(ty, "Pin")?;
    let boxed = last_segment(first_type_arg(pin)?, "Box")?;
    let Type::TraitObject(object) = first_type_arg(boxed)? else {
        return None;
    };
    object.bounds.iter().find_map(|bound| {
        let TypeParamBound::Trait(t) = bound else {
            return None;
        };
        let future = t.path.segments.last().filter(|s| s.ident == "Future")?;
        let PathArguments::AngleBracketed(args) = &future.arguments else {
            return None;
        };
        args.args.iter().find_map(|a| match a {
            GenericArgument::AssocType(assoc) if assoc.ident == "Output" => Some(assoc.ty.clone()),
            _ => None,
        })
    })
}

fn last_segment<'a>(ty: &'a Type, name: &str) -> Option<&'a syn::PathSegment> {
    let Type::Path(p) = ty else { return None };
    p.path.segments.last().filter(|s| s.ident == name)
}

fn first_type_arg(segment: &syn::PathSegment) -> Option<&Type> {
    let PathArguments::AngleBracketed(args) = &segment.arguments else {
        return None;
    };
    args.args.iter().find_map(|a| match a {
        GenericArgument::Type(t) => Some(t),
        _ => None,
    })
}
