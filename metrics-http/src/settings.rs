//! What an endpoint is configured with: plain values, fixed once the
//! builder has built it, and the registry it serves.

use std::sync::Arc;
use std::time::Duration;

use metrics_core::Registry;

/// The address used when none is given.
pub const DEFAULT_ADDR: &str = "127.0.0.1:9090";

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

/// The paths an endpoint answers.
#[derive(Clone, Debug)]
pub(crate) struct Paths {
    pub(crate) metrics: String,
    pub(crate) health: String,
    pub(crate) ready: String,
    /// The live view's path, when it is on.
    pub(crate) live: Option<String>,
    pub(crate) landing_page: bool,
}

/// How scrapes are answered.
#[derive(Clone, Debug)]
pub(crate) struct ScrapeSettings {
    pub(crate) cache_ttl: Option<Duration>,
    pub(crate) timeout: Duration,
    /// At most this many scrapes per this long.
    pub(crate) rate_limit: Option<(u32, Duration)>,
    pub(crate) gzip: bool,
}

/// Limits on connections and requests.
#[derive(Clone, Debug)]
pub(crate) struct Limits {
    pub(crate) max_header_bytes: usize,
    pub(crate) max_body_bytes: u64,
    pub(crate) header_read_timeout: Duration,
    pub(crate) write_timeout: Duration,
    pub(crate) shutdown_grace: Duration,
}

/// Everything but the registry and the readiness checks.
#[derive(Clone, Debug)]
pub(crate) struct Settings {
    pub(crate) addr: String,
    pub(crate) name: String,
    /// `None`: not given (`/health` says `unknown`, the pages say nothing).
    pub(crate) version: Option<String>,
    pub(crate) paths: Paths,
    pub(crate) scrape: ScrapeSettings,
    pub(crate) limits: Limits,
    pub(crate) token: Option<String>,
    pub(crate) protect_health: bool,
    pub(crate) self_metrics: bool,
    pub(crate) check_timeout: Duration,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            addr: DEFAULT_ADDR.to_owned(),
            name: "metrics".into(),
            version: None,
            paths: Paths {
                metrics: "/metrics".into(),
                health: "/health".into(),
                ready: "/ready".into(),
                live: None,
                landing_page: true,
            },
            scrape: ScrapeSettings {
                cache_ttl: None,
                timeout: Duration::from_secs(10),
                rate_limit: None,
                gzip: true,
            },
            limits: Limits {
                max_header_bytes: 16 * 1024,
                max_body_bytes: 0,
                header_read_timeout: Duration::from_secs(10),
                write_timeout: Duration::from_secs(30),
                shutdown_grace: Duration::from_secs(10),
            },
            token: None,
            protect_health: false,
            self_metrics: true,
            check_timeout: Duration::from_secs(5),
        }
    }
}
