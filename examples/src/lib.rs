//! Shared code of the runnable examples (also used by the integration tests,
//! which check that what the examples print is valid).

#![forbid(unsafe_code)]

pub mod manual;
