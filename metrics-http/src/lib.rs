//! HTTP exposition for `metrics-core` registries.
//!
//! The hyper 1.x server (`/metrics`, `/health`, `/ready`) and the Pushgateway
//! client are not built yet; this crate currently exports nothing.
