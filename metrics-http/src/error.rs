//! Why an endpoint could not be built or started.

use std::fmt;

use metrics_core::RegistryError;

/// Why an endpoint could not be built or started. `Display` says what
/// failed; the underlying error, when there is one, is the `source()`.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// The self-metrics could not be registered (e.g. the registry is
    /// already served by another endpoint with self-metrics on).
    Registry(RegistryError),
    /// A path is empty, lacks the leading `/`, or is another path's too;
    /// the path named is the offending one.
    InvalidPath(String),
    /// An address (from code or `METRICS_ADDR`) does not parse.
    InvalidAddr(String),
    /// Binding the listener failed.
    Io(std::io::Error),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Registry(_) => write!(f, "registering the endpoint's own metrics failed"),
            Error::InvalidPath(p) => write!(
                f,
                "invalid endpoint path `{p}`: paths start with `/` and differ"
            ),
            Error::InvalidAddr(a) => write!(
                f,
                "invalid listening address `{a}` (expected host:port, e.g. 127.0.0.1:9090)"
            ),
            Error::Io(_) => write!(f, "binding the listener failed"),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Registry(e) => Some(e),
            Error::Io(e) => Some(e),
            Error::InvalidPath(_) | Error::InvalidAddr(_) => None,
        }
    }
}
