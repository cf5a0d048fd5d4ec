//! Procedural macros for `metrics-core`; use them through its re-exports
//! (`use metrics_core::{Metrics, LabelValue, LabelSet, register};`).
//!
//! Each macro lives in a folder that parses its input into a small AST
//! (`parse.rs`), checks it (`check.rs`) and expands it (`expand.rs`).
//! Errors are collected for the whole item and reported together, each at
//! the offending token; a failing derive still emits a minimal impl so one
//! mistake does not cascade into unrelated errors. Generated code names only
//! absolute paths (`::core::...`, `::metrics_core::...`, or the path given
//! with `crate = ...`).

mod attr;
mod case;
mod errors;
mod label_set;
mod label_value;
mod metrics;
mod names;
mod register;

use proc_macro::TokenStream;
use syn::parse_macro_input;

/// Implements `LabelValue` for a fieldless enum. See the trait and
/// `metrics_core`'s crate docs.
#[proc_macro_derive(LabelValue, attributes(label))]
pub fn derive_label_value(input: TokenStream) -> TokenStream {
    label_value::derive(&parse_macro_input!(input as syn::DeriveInput)).into()
}

/// Implements `LabelSet` for a struct with named fields.
#[proc_macro_derive(LabelSet, attributes(label))]
pub fn derive_label_set(input: TokenStream) -> TokenStream {
    label_set::derive(&parse_macro_input!(input as syn::DeriveInput)).into()
}

/// Turns a struct of metric fields into statically named families.
#[proc_macro_derive(Metrics, attributes(metrics))]
pub fn derive_metrics(input: TokenStream) -> TokenStream {
    metrics::derive(&parse_macro_input!(input as syn::DeriveInput)).into()
}

/// Registers a `static NAME: Global<T> = Global::new();` in the global
/// registry at link time.
#[proc_macro_attribute]
pub fn register(args: TokenStream, input: TokenStream) -> TokenStream {
    register::expand(args.into(), input.into()).into()
}
