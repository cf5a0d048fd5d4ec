//! A hyper 1.x endpoint that Prometheus scrapes without surprises, plus a
//! Pushgateway client for batch jobs.
//!
//! * `GET /metrics`: negotiated as Prometheus 3 does ([`negotiate`]): the
//!   `Accept` range of highest quality among protobuf, OpenMetrics 1.0.0
//!   and 0.0.1, text 1.0.0 and 0.0.4, text 0.0.4 when none fits
//!   (`?format=text`, `?format=openmetrics` or `?format=protobuf` forces
//!   one); the exact `Content-Type`, with the `escaping=` scheme echoed when
//!   the scraper sent one, names outside the legacy character set written
//!   as that scheme says (legacy-safe when none is named); gzip when
//!   accepted (`Vary` set);
//!   `HEAD` answered; optional body cache with a TTL; a scrape timeout
//!   that serves the last good body instead of hanging; a scrape rate
//!   limit answering `429` with `Retry-After`; an optional bearer token
//!   compared in constant time (`401` with `WWW-Authenticate`).
//! * `GET /health`: liveness, `{"status":"ok","version":..,"uptime_seconds":..}`.
//! * `GET /ready`: readiness from the application's checks; `503` naming
//!   the failing ones.
//! * `GET /`: a landing page naming the service and linking the paths
//!   (on by default); `GET /live`: an opt-in live view charting the
//!   metrics in the browser, one self-contained page.
//! * Unknown paths `404`, other methods `405`, request bodies `413`,
//!   oversized heads `431`, slow heads and stalled readers timed out;
//!   graceful shutdown.
//! * Self-metrics in the served registry (`metrics_http_*`).
//!
//! Cargo features, all opt-in so that a program builds only what it uses:
//! `gzip` (compressed scrapes, for large registries or metered links; one
//! more crate, miniz_oxide), `signal` for `shutdown_signal()` (tokio's
//! signal handling), `push` for the Pushgateway client (hyper's client).
//!
//! ```toml
//! [dependencies]
//! metrics-http = { version = "0.1", features = ["gzip", "signal"] }
//! ```
//!
//! ```no_run
//! use metrics_core::Registry;
//! use metrics_http::{serve, shutdown_signal, Endpoint};
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let endpoint = Endpoint::builder(Registry::global()).version(env!("CARGO_PKG_VERSION")).build()?;
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:9090").await?;
//! serve(listener, endpoint).with_graceful_shutdown(shutdown_signal()).await?;
//! # Ok(())
//! # }
//! ```
//!
//! Mounted in axum, with no closure:
//! `Router::new().route_service("/metrics", endpoint.clone())`.
//!
//! Environment for [`EndpointBuilder::from_env`]: `METRICS_ADDR`
//! (`host:port`) and `METRICS_TOKEN` (bearer token).

#![forbid(unsafe_code)]

mod auth;
mod builder;
mod endpoint;
mod error;
#[cfg(feature = "gzip")]
mod gzip;
mod json;
mod negotiate;
mod pages;
mod probes;
#[cfg(feature = "push")]
mod push;
mod response;
mod scrape;
mod self_metrics;
mod serve;
mod service;
mod settings;
mod stall;

pub use builder::{EndpointBuilder, ADDR_ENV, TOKEN_ENV};
pub use endpoint::Endpoint;
pub use error::Error;
pub use negotiate::{accepts_gzip, negotiate, negotiate_format};
pub use probes::CheckResult;
#[cfg(feature = "push")]
pub use push::{PushError, PushReport, Pushgateway};
#[cfg(feature = "signal")]
pub use serve::shutdown_signal;
pub use serve::{serve, Serve, WithGracefulShutdown};
pub use service::ResponseFuture;
pub use settings::{RegistrySource, DEFAULT_ADDR};
