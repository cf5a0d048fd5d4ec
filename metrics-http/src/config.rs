//! Building an [`Endpoint`](crate::Endpoint): paths, limits, cache, token,
//! readiness checks; from code or from the environment.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use metrics_core::{Registry, RegistryError};

/// The environment variable [`EndpointBuilder::from_env`] reads the
/// listening address from (`host:port`).
pub const ADDR_ENV: &str = "METRICS_ADDR";
/// The environment variable [`EndpointBuilder::from_env`] reads the bearer
/// token from (unset or empty: no token).
pub const TOKEN_ENV: &str = "METRICS_TOKEN";
/// The version reported when none is given.
pub(crate) const UNKNOWN_VERSION: &str = "unknown";

/// The address used when none is given.
pub const DEFAULT_ADDR: &str = "127.0.0.1:9090";

/// Why an endpoint could not be built or started.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// The self-metrics could not be registered (e.g. the registry is
    /// already served by another endpoint with self-metrics on).
    Registry(RegistryError),
    /// A path is empty, lacks the leading `/`, or two paths coincide.
    InvalidPath(String),
    /// An address (from code or `METRICS_ADDR`) does not parse.
    InvalidAddr(String),
    /// Binding the listener failed.
    Io(std::io::Error),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Registry(e) => write!(f, "registering the endpoint's own metrics failed: {e}"),
            Error::InvalidPath(p) => write!(
                f,
                "invalid endpoint path `{p}`: paths start with `/` and differ"
            ),
            Error::InvalidAddr(a) => write!(
                f,
                "invalid listening address `{a}` (expected host:port, e.g. 127.0.0.1:9090)"
            ),
            Error::Io(e) => write!(f, "binding the listener failed: {e}"),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Registry(e) => Some(e),
            Error::Io(e) => Some(e),
            _ => None,
        }
    }
}

/// The registry an endpoint serves.
#[derive(Clone)]
pub enum RegistrySource {
    /// A `'static` registry, such as `Registry::global()`.
    Static(&'static Registry),
    /// A shared registry.
    Shared(Arc<Registry>),
}

impl RegistrySource {
    pub(crate) fn get(&self) -> &Registry {
        match self {
            RegistrySource::Static(r) => r,
            RegistrySource::Shared(r) => r,
        }
    }
}

impl From<&'static Registry> for RegistrySource {
    fn from(r: &'static Registry) -> Self {
        RegistrySource::Static(r)
    }
}

impl From<Arc<Registry>> for RegistrySource {
    fn from(r: Arc<Registry>) -> Self {
        RegistrySource::Shared(r)
    }
}

/// A readiness check's result: `Err` holds why the application is not
/// ready.
pub type CheckResult = Result<(), String>;

pub(crate) type Check =
    Arc<dyn Fn() -> Pin<Box<dyn Future<Output = CheckResult> + Send>> + Send + Sync>;

/// Configures an [`Endpoint`](crate::Endpoint).
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
    pub(crate) registry: RegistrySource,
    pub(crate) addr: String,
    pub(crate) metrics_path: String,
    pub(crate) health_path: String,
    pub(crate) ready_path: String,
    pub(crate) landing_page: bool,
    pub(crate) live_view: bool,
    pub(crate) live_path: String,
    pub(crate) name: String,
    pub(crate) cache_ttl: Option<Duration>,
    pub(crate) scrape_timeout: Duration,
    pub(crate) rate_limit: Option<(u32, Duration)>,
    pub(crate) token: Option<String>,
    pub(crate) protect_health: bool,
    pub(crate) gzip: bool,
    pub(crate) self_metrics: bool,
    pub(crate) version: String,
    pub(crate) checks: Vec<(String, Check)>,
    pub(crate) check_timeout: Duration,
    pub(crate) max_header_bytes: usize,
    pub(crate) max_body_bytes: u64,
    pub(crate) header_read_timeout: Duration,
    pub(crate) write_timeout: Duration,
    pub(crate) shutdown_grace: Duration,
}

impl EndpointBuilder {
    /// An endpoint serving `registry` (`Registry::global()` or an
    /// `Arc<Registry>`) with the defaults: `/metrics`, `/health`, `/ready`;
    /// no cache, no rate limit, no token; 10 s scrape timeout; gzip when
    /// accepted; self-metrics on.
    pub fn new(registry: impl Into<RegistrySource>) -> Self {
        EndpointBuilder {
            registry: registry.into(),
            addr: DEFAULT_ADDR.to_owned(),
            metrics_path: "/metrics".into(),
            health_path: "/health".into(),
            ready_path: "/ready".into(),
            landing_page: true,
            live_view: false,
            live_path: "/live".into(),
            name: "metrics".into(),
            cache_ttl: None,
            scrape_timeout: Duration::from_secs(10),
            rate_limit: None,
            token: None,
            protect_health: false,
            gzip: true,
            self_metrics: true,
            version: UNKNOWN_VERSION.into(),
            checks: Vec::new(),
            check_timeout: Duration::from_secs(5),
            max_header_bytes: 16 * 1024,
            max_body_bytes: 0,
            header_read_timeout: Duration::from_secs(10),
            write_timeout: Duration::from_secs(30),
            shutdown_grace: Duration::from_secs(10),
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
            builder.addr = addr;
        }
        if let Some(token) = lookup(TOKEN_ENV).filter(|t| !t.is_empty()) {
            builder.token = Some(token);
        }
        builder
    }

    /// The address [`Endpoint::serve`](crate::Endpoint::serve) binds
    /// (`host:port`; default `127.0.0.1:9090`).
    pub fn addr(mut self, addr: impl Into<String>) -> Self {
        self.addr = addr.into();
        self
    }

    /// The metrics path (default `/metrics`).
    pub fn metrics_path(mut self, path: impl Into<String>) -> Self {
        self.metrics_path = path.into();
        self
    }

    /// The liveness path (default `/health`).
    pub fn health_path(mut self, path: impl Into<String>) -> Self {
        self.health_path = path.into();
        self
    }

    /// The readiness path (default `/ready`).
    pub fn ready_path(mut self, path: impl Into<String>) -> Self {
        self.ready_path = path.into();
        self
    }

    /// Answer `GET /` with a small HTML page naming the service and its
    /// version and linking the other paths, as Prometheus exporters do
    /// (default on). Off, `/` is a `404`. The page is served without the
    /// token; it leaves the version out when
    /// [`protect_health`](Self::protect_health) keeps `/health`, which
    /// reports it too, behind the token.
    pub fn landing_page(mut self, on: bool) -> Self {
        self.landing_page = on;
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
        self.name = name.into();
        self
    }

    /// Serve an encoded body again for `ttl` instead of encoding every
    /// scrape.
    pub fn cache_ttl(mut self, ttl: Duration) -> Self {
        self.cache_ttl = Some(ttl);
        self
    }

    /// How long a scrape may wait for encoding before it is answered with
    /// the last good body (or `503` when there is none). Default 10 s.
    pub fn scrape_timeout(mut self, timeout: Duration) -> Self {
        self.scrape_timeout = timeout;
        self
    }

    /// At most `scrapes` scrapes per `per` (a token bucket with that
    /// burst); beyond it `429 Too Many Requests` with `Retry-After`.
    pub fn rate_limit(mut self, scrapes: u32, per: Duration) -> Self {
        self.rate_limit = Some((scrapes.max(1), per.max(Duration::from_millis(1))));
        self
    }

    /// Require `Authorization: Bearer <token>` (compared in constant
    /// time) on the metrics path. The probes (`/health`, `/ready`) stay
    /// open, as orchestrators send no token, unless
    /// [`protect_health`](Self::protect_health).
    pub fn bearer_token(mut self, token: impl Into<String>) -> Self {
        self.token = Some(token.into());
        self
    }

    /// Also require the token on the health and readiness paths.
    pub fn protect_health(mut self, protect: bool) -> Self {
        self.protect_health = protect;
        self
    }

    /// Compress bodies with gzip when the client accepts it (default on).
    pub fn gzip(mut self, gzip: bool) -> Self {
        self.gzip = gzip;
        self
    }

    /// Register the endpoint's own metrics in the served registry
    /// (default on): scrape duration, response size, series, cache hits
    /// and misses, stale responses, requests by status code, dropped
    /// label sets.
    pub fn self_metrics(mut self, on: bool) -> Self {
        self.self_metrics = on;
        self
    }

    /// The version `/health` reports (default `unknown`).
    pub fn version(mut self, version: impl Into<String>) -> Self {
        self.version = version.into();
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
        self.check_timeout = timeout;
        self
    }

    /// Largest request head accepted (at least 8 KiB; default 16 KiB);
    /// beyond it `431`.
    pub fn max_header_bytes(mut self, bytes: usize) -> Self {
        self.max_header_bytes = bytes.max(8192);
        self
    }

    /// Largest request body accepted (default 0: the endpoints take none);
    /// beyond it `413`.
    pub fn max_body_bytes(mut self, bytes: u64) -> Self {
        self.max_body_bytes = bytes;
        self
    }

    /// How long a client may take to send a request head before the
    /// connection is closed (default 10 s).
    pub fn header_read_timeout(mut self, timeout: Duration) -> Self {
        self.header_read_timeout = timeout;
        self
    }

    /// How long a response write may make no progress (a client that
    /// stopped reading) before the connection is closed (default 30 s).
    pub fn write_timeout(mut self, timeout: Duration) -> Self {
        self.write_timeout = timeout;
        self
    }

    /// How long a graceful shutdown waits for in-flight responses (default
    /// 10 s).
    pub fn shutdown_grace(mut self, grace: Duration) -> Self {
        self.shutdown_grace = grace;
        self
    }

    /// Builds the endpoint: checks the paths and registers the
    /// self-metrics.
    pub fn build(self) -> Result<crate::Endpoint, Error> {
        let mut paths = vec![&self.metrics_path, &self.health_path, &self.ready_path];
        if self.live_view {
            paths.push(&self.live_path);
        }
        for (i, path) in paths.iter().enumerate() {
            if !path.starts_with('/') || paths[..i].contains(path) {
                return Err(Error::InvalidPath((*path).clone()));
            }
        }
        crate::endpoint::Endpoint::from_builder(self)
    }
}
