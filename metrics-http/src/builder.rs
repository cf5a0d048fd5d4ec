//! Building an [`Endpoint`]: paths, limits, cache, token, readiness
//! checks; from code or from the environment. The builder only collects
//! settings; `build` checks them and hands them to the endpoint, which
//! never changes them.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use crate::endpoint::Endpoint;
use crate::error::Error;
use crate::probes::{Check, CheckResult};
use crate::settings::{RegistrySource, Settings};

/// The environment variable [`EndpointBuilder::from_env`] reads the
/// listening address from (`host:port`).
pub const ADDR_ENV: &str = "METRICS_ADDR";
/// The environment variable [`EndpointBuilder::from_env`] reads the bearer
/// token from (unset or empty: no token).
pub const TOKEN_ENV: &str = "METRICS_TOKEN";

/// Configures an [`Endpoint`].
///
/// ```
/// use std::time::Duration;
/// use metrics_core::Registry;
/// use metrics_http::EndpointBuilder;
///
/// let endpoint = EndpointBuilder::new(Registry::global())
///     .cache_ttl(Duration::from_secs(1))
///     .rate_limit(10, Duration::from_secs(1))
///     .bearer_token("s3cret")
///     .ready_check_sync("config", || Ok(()))
///     .version(env!("CARGO_PKG_VERSION"))
///     .self_metrics(false)
///     .build()
///     .unwrap();
/// # let _ = endpoint;
/// ```
pub struct EndpointBuilder {
    registry: RegistrySource,
    settings: Settings,
    live_view: bool,
    live_path: String,
    checks: Vec<(String, Check)>,
}

impl EndpointBuilder {
    /// An endpoint serving `registry` (`Registry::global()` or an
    /// `Arc<Registry>`) with the defaults: `/metrics`, `/health`, `/ready`;
    /// no cache, no rate limit, no token; 10 s scrape timeout; gzip when
    /// accepted; self-metrics on.
    pub fn new(registry: impl Into<RegistrySource>) -> Self {
        EndpointBuilder {
            registry: registry.into(),
            settings: Settings::default(),
            live_view: false,
            live_path: "/live".into(),
            checks: Vec::new(),
        }
    }

    /// [`new`](Self::new), then the address from `METRICS_ADDR` and the
    /// bearer token from `METRICS_TOKEN` when they are set.
    pub fn from_env(registry: impl Into<RegistrySource>) -> Self {
        Self::from_lookup(registry, |key| std::env::var(key).ok())
    }

    /// [`from_env`](Self::from_env) reading the variables through `lookup`
    /// (for configuration systems other than the process environment, and
    /// for tests that must not mutate it).
    pub fn from_lookup(
        registry: impl Into<RegistrySource>,
        lookup: impl Fn(&str) -> Option<String>,
    ) -> Self {
        let mut builder = Self::new(registry);
        if let Some(addr) = lookup(ADDR_ENV) {
            builder.settings.addr = addr;
        }
        if let Some(token) = lookup(TOKEN_ENV).filter(|t| !t.is_empty()) {
            builder.settings.token = Some(token);
        }
        builder
    }

    /// The address [`Endpoint::serve`](crate::Endpoint::serve) binds
    /// (`host:port`; default `127.0.0.1:9090`).
    pub fn addr(mut self, addr: impl Into<String>) -> Self {
        self.settings.addr = addr.into();
        self
    }

    /// The metrics path (default `/metrics`).
    pub fn metrics_path(mut self, path: impl Into<String>) -> Self {
        self.settings.paths.metrics = path.into();
        self
    }

    /// The liveness path (default `/health`).
    pub fn health_path(mut self, path: impl Into<String>) -> Self {
        self.settings.paths.health = path.into();
        self
    }

    /// The readiness path (default `/ready`).
    pub fn ready_path(mut self, path: impl Into<String>) -> Self {
        self.settings.paths.ready = path.into();
        self
    }

    /// Answer `GET /` with a small HTML page naming the service and its
    /// version and linking the other paths, as Prometheus exporters do
    /// (default on). Off, `/` is a `404`. The page is served without the
    /// token; it leaves the version out when
    /// [`protect_health`](Self::protect_health) keeps `/health`, which
    /// reports it too, behind the token.
    pub fn landing_page(mut self, on: bool) -> Self {
        self.settings.paths.landing_page = on;
        self
    }

    /// Serve the live view on `/live` (default off): one self-contained
    /// page (no external assets) that polls the metrics path every second
    /// and charts counter rates, gauge values and histogram quantiles over
    /// the last minutes, for the families the viewer picks. Meant for a
    /// first look without Prometheus or Grafana. The page carries no data
    /// and is served without the token; when the metrics path asks for
    /// one, the page asks the viewer. Its polls are scrapes: they count
    /// against the [`rate_limit`](Self::rate_limit), and the page backs
    /// off as `Retry-After` says.
    pub fn live_view(mut self, on: bool) -> Self {
        self.live_view = on;
        self
    }

    /// Serve the live view on `path` instead of `/live` (turns it on; `/`
    /// replaces the landing page).
    pub fn live_path(mut self, path: impl Into<String>) -> Self {
        self.live_path = path.into();
        self.live_view = true;
        self
    }

    /// The service's name, shown by the landing page and the live view
    /// (default `metrics`).
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.settings.name = name.into();
        self
    }

    /// Serve an encoded body again for `ttl` instead of encoding every
    /// scrape.
    pub fn cache_ttl(mut self, ttl: Duration) -> Self {
        self.settings.scrape.cache_ttl = Some(ttl);
        self
    }

    /// How long a scrape may wait for encoding before it is answered with
    /// the last good body (or `503` when there is none). Default 10 s.
    pub fn scrape_timeout(mut self, timeout: Duration) -> Self {
        self.settings.scrape.timeout = timeout;
        self
    }

    /// At most `scrapes` scrapes per `per` (a token bucket with that
    /// burst); beyond it `429 Too Many Requests` with `Retry-After`.
    pub fn rate_limit(mut self, scrapes: u32, per: Duration) -> Self {
        self.settings.scrape.rate_limit = Some((scrapes.max(1), per.max(Duration::from_millis(1))));
        self
    }

    /// Require `Authorization: Bearer <token>` (compared in constant
    /// time) on the metrics path. The probes (`/health`, `/ready`) stay
    /// open, as orchestrators send no token, unless
    /// [`protect_health`](Self::protect_health).
    pub fn bearer_token(mut self, token: impl Into<String>) -> Self {
        self.settings.token = Some(token.into());
        self
    }

    /// Also require the token on the health and readiness paths.
    pub fn protect_health(mut self, protect: bool) -> Self {
        self.settings.protect_health = protect;
        self
    }

    /// Compress bodies with gzip when the client accepts it (default on
    /// when the crate is built with the `gzip` feature; without it, bodies
    /// go out uncompressed).
    pub fn gzip(mut self, gzip: bool) -> Self {
        self.settings.scrape.gzip = gzip;
        self
    }

    /// Register the endpoint's own metrics in the served registry
    /// (default on): scrape duration, response size, series, cache hits
    /// and misses, stale responses, requests by status code, dropped
    /// label sets.
    pub fn self_metrics(mut self, on: bool) -> Self {
        self.settings.self_metrics = on;
        self
    }

    /// The version `/health` reports (default `unknown`).
    pub fn version(mut self, version: impl Into<String>) -> Self {
        self.settings.version = Some(version.into());
        self
    }

    /// Adds a readiness check: `/ready` answers `200` when every check
    /// returns `Ok` within the check timeout, `503` listing the failing
    /// ones otherwise.
    pub fn ready_check<F, Fut>(mut self, name: impl Into<String>, check: F) -> Self
    where
        F: Fn() -> Fut + Send + Sync + 'static,
        Fut: Future<Output = CheckResult> + Send + 'static,
    {
        self.checks
            .push((name.into(), Arc::new(move || Box::pin(check()))));
        self
    }

    /// Adds a synchronous readiness check.
    pub fn ready_check_sync<F>(self, name: impl Into<String>, check: F) -> Self
    where
        F: Fn() -> CheckResult + Send + Sync + 'static,
    {
        let check = Arc::new(check);
        self.ready_check(name, move || {
            let check = Arc::clone(&check);
            async move { check() }
        })
    }

    /// How long each readiness check may take (default 5 s).
    pub fn check_timeout(mut self, timeout: Duration) -> Self {
        self.settings.check_timeout = timeout;
        self
    }

    /// Largest request head accepted (at least 8 KiB; default 16 KiB);
    /// beyond it `431`.
    pub fn max_header_bytes(mut self, bytes: usize) -> Self {
        self.settings.limits.max_header_bytes = bytes.max(8192);
        self
    }

    /// Largest request body accepted (default 0: the endpoints take none);
    /// beyond it `413`.
    pub fn max_body_bytes(mut self, bytes: u64) -> Self {
        self.settings.limits.max_body_bytes = bytes;
        self
    }

    /// How long a client may take to send a request head before the
    /// connection is closed (default 10 s).
    pub fn header_read_timeout(mut self, timeout: Duration) -> Self {
        self.settings.limits.header_read_timeout = timeout;
        self
    }

    /// How long a response write may make no progress (a client that
    /// stopped reading) before the connection is closed (default 30 s).
    pub fn write_timeout(mut self, timeout: Duration) -> Self {
        self.settings.limits.write_timeout = timeout;
        self
    }

    /// How long a graceful shutdown waits for in-flight responses (default
    /// 10 s).
    pub fn shutdown_grace(mut self, grace: Duration) -> Self {
        self.settings.limits.shutdown_grace = grace;
        self
    }

    /// Builds the endpoint: checks the paths, registers the
    /// self-metrics, and hands the settings over, fixed from now on.
    pub fn build(self) -> Result<Endpoint, Error> {
        let EndpointBuilder {
            registry,
            mut settings,
            live_view,
            live_path,
            checks,
        } = self;
        settings.paths.live = live_view.then_some(live_path);
        let paths = &settings.paths;
        let mut seen: Vec<&String> = vec![&paths.metrics, &paths.health, &paths.ready];
        seen.extend(&paths.live);
        for (i, path) in seen.iter().enumerate() {
            if !path.starts_with('/') || seen[..i].contains(path) {
                return Err(Error::InvalidPath((*path).clone()));
            }
        }
        Endpoint::new(registry, settings, checks)
    }
}

impl Endpoint {
    /// An endpoint with default settings for `registry`; see
    /// [`EndpointBuilder`] for the rest.
    pub fn builder(registry: impl Into<RegistrySource>) -> EndpointBuilder {
        EndpointBuilder::new(registry)
    }
}
