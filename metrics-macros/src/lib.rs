//! Procedural macros for `metrics-core`.
//!
//! The derives (`Metrics`, `LabelValue`, `LabelSet`), `#[register]` and
//! `#[timed]` are built on top of the hand-written runtime API of
//! `metrics-core`; this crate currently exports nothing.
