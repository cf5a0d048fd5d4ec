//! What `#[timed]` refuses: a `const fn`, options that do not fit the
//! function or each other.

use crate::item::Function;

use super::outcome::Shape;
use super::parse::Options;
use crate::errors::Errors;

pub(crate) fn check(function: &Function, options: &Options, shape: &Shape, errors: &mut Errors) {
    if let Some(constness) = &function.constness {
        errors.at(
            constness,
            "`#[timed]` cannot time a `const fn`: reading the clock is not `const`",
        );
    }
    if let (Some(_), Some((span, _))) = (&options.target, &options.buckets) {
        errors.at_span(
            *span,
            "`buckets` sets the built-in family's buckets; a target histogram has its own",
        );
    }
    if let (Some(_), Some((span, None))) = (&options.target, &options.in_flight) {
        errors.at_span(
            *span,
            "with a target, name the gauge to keep in flight calls in: `in_flight = METRICS.field`",
        );
    }
    if let (Some(a), Some(_)) = (options.result, options.no_result) {
        errors.at_span(a, "`result` and `no_result` contradict each other");
    }
    if let Some((span, _)) = &options.errors {
        if !shape.result {
            errors.at_span(
                *span,
                "`errors = ...` needs a function returning `Result` (add `result` if it returns \
                 one through an alias)",
            );
        }
    }
}
