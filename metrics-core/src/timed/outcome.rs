//! How a timed call's outcome is decided: `ok`, `error` from a returned
//! `Result::Err`, and (in the timer) `panic` while unwinding or
//! `cancelled` when an async call is dropped first.

use crate::label::LabelValue;

/// How a timed call ended; the `result` label of `#[timed]` metrics.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Outcome {
    /// Returned normally (for functions returning `Result`: `Ok`).
    Ok,
    /// Returned `Result::Err`.
    Error,
    /// Unwound with a panic (which continues unchanged).
    Panic,
    /// An async call whose future was dropped before it completed.
    Cancelled,
}

impl LabelValue for Outcome {
    const NAME: &'static str = "result";
    const VALUES: &'static [Self] = &[
        Outcome::Ok,
        Outcome::Error,
        Outcome::Panic,
        Outcome::Cancelled,
    ];
    const STRINGS: &'static [&'static str] = &["ok", "error", "panic", "cancelled"];
    fn index(self) -> usize {
        self as usize
    }
}

/// The outcome of a returned value: `Error` for `Result::Err`.
pub trait ReturnOutcome {
    /// `Ok` or `Error`.
    fn outcome(&self) -> Outcome;
}

impl<T, E> ReturnOutcome for Result<T, E> {
    #[inline]
    fn outcome(&self) -> Outcome {
        match self {
            Ok(_) => Outcome::Ok,
            Err(_) => Outcome::Error,
        }
    }
}

/// The `Err` of a `Result`, for `errors = ...`.
#[inline]
pub fn error_of<T, E>(result: &Result<T, E>) -> Option<&E> {
    result.as_ref().err()
}
