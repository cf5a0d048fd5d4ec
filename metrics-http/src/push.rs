//! A Pushgateway client for batch jobs: `push` (PUT: replace the group),
//! `push_add` (POST: replace only the pushed families), `delete`, with
//! grouping labels, retry with backoff, and periodic pushing that pushes
//! once more at shutdown.

use std::fmt;
use std::future::Future;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::header::{self, HeaderValue};
use hyper::{Method, Request, StatusCode};
use hyper_util::rt::TokioIo;
use metrics_core::encoding::validate_label_name;
use metrics_core::{Format, Registry};
use tokio::net::TcpStream;

/// Why a push failed.
#[derive(Debug)]
#[non_exhaustive]
pub enum PushError {
    /// The Pushgateway URL is not `http://host:port[/prefix]`.
    InvalidUrl(String),
    /// A grouping label name is invalid, or is `job`.
    InvalidLabel(String),
    /// Connecting or talking to the Pushgateway failed (after retries).
    Io(std::io::Error),
    /// The HTTP exchange failed (after retries).
    Http(hyper::Error),
    /// The request could not be made (the host is not a valid header).
    Request(hyper::http::Error),
    /// No answer within the timeout (after retries).
    Timeout,
    /// The Pushgateway refused the request.
    Status {
        /// The HTTP status.
        status: u16,
        /// The Pushgateway's explanation.
        body: String,
    },
}

impl fmt::Display for PushError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PushError::InvalidUrl(u) => write!(
                f,
                "invalid Pushgateway URL `{u}`: expected http://host:port"
            ),
            PushError::InvalidLabel(l) => write!(f, "invalid grouping label `{l}`"),
            PushError::Io(_) => write!(f, "Pushgateway connection failed"),
            PushError::Http(_) => write!(f, "Pushgateway request failed"),
            PushError::Request(_) => write!(f, "Pushgateway request could not be made"),
            PushError::Timeout => write!(f, "Pushgateway did not answer in time"),
            PushError::Status { status, body } => {
                write!(f, "Pushgateway answered {status}: {}", body.trim())
            }
        }
    }
}

impl std::error::Error for PushError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            PushError::Io(e) => Some(e),
            PushError::Http(e) => Some(e),
            PushError::Request(e) => Some(e),
            PushError::InvalidUrl(_)
            | PushError::InvalidLabel(_)
            | PushError::Timeout
            | PushError::Status { .. } => None,
        }
    }
}

impl PushError {
    fn retryable(&self) -> bool {
        match self {
            PushError::Io(_) | PushError::Http(_) | PushError::Timeout => true,
            PushError::Status { status, .. } => *status >= 500,
            _ => false,
        }
    }
}

/// What a periodic pusher did before it stopped.
#[derive(Debug, Default)]
pub struct PushReport {
    /// Pushes that succeeded (the final one included).
    pub succeeded: u64,
    /// Pushes that failed after their retries (each was logged).
    pub failed: u64,
    /// The last failure, if any.
    pub last_error: Option<PushError>,
}

/// A client for one Pushgateway group: a job and its grouping labels.
///
/// ```
/// use metrics_http::Pushgateway;
/// let gateway = Pushgateway::new("http://127.0.0.1:9091", "nightly_backup")
///     .unwrap()
///     .grouping("instance", "db/1")
///     .unwrap();
/// assert_eq!(gateway.path(), "/metrics/job/nightly_backup/instance@base64/ZGIvMQ==");
/// ```
#[derive(Debug, Clone)]
pub struct Pushgateway {
    authority: String,
    prefix: String,
    job: String,
    grouping: Vec<(String, String)>,
    timeout: Duration,
    retries: u32,
    backoff: Duration,
}

impl Pushgateway {
    /// A client for `url` (`http://host:port`, optionally with a path
    /// prefix) pushing as `job`.
    pub fn new(url: &str, job: impl Into<String>) -> Result<Self, PushError> {
        let rest = url
            .strip_prefix("http://")
            .ok_or_else(|| PushError::InvalidUrl(url.to_owned()))?;
        let (authority, prefix) = match rest.find('/') {
            Some(i) => (&rest[..i], rest[i..].trim_end_matches('/')),
            None => (rest, ""),
        };
        let valid = !authority.is_empty()
            && authority
                .rsplit_once(':')
                .is_some_and(|(host, port)| !host.is_empty() && port.parse::<u16>().is_ok());
        if !valid {
            return Err(PushError::InvalidUrl(url.to_owned()));
        }
        Ok(Pushgateway {
            authority: authority.to_owned(),
            prefix: prefix.to_owned(),
            job: job.into(),
            grouping: Vec::new(),
            timeout: Duration::from_secs(10),
            retries: 3,
            backoff: Duration::from_millis(200),
        })
    }

    /// Adds a grouping label (any value; values with `/` or other
    /// characters unsafe in a path are sent base64-encoded).
    pub fn grouping(
        mut self,
        name: impl Into<String>,
        value: impl Into<String>,
    ) -> Result<Self, PushError> {
        let name = name.into();
        if validate_label_name(&name).is_err()
            || name == "job"
            || self.grouping.iter().any(|(n, _)| *n == name)
        {
            return Err(PushError::InvalidLabel(name));
        }
        self.grouping.push((name, value.into()));
        Ok(self)
    }

    /// Per-attempt timeout (default 10 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Retries after a failed attempt (default 3), waiting `backoff`,
    /// doubled each time (default 200 ms). Only connection failures,
    /// timeouts and `5xx` answers are retried.
    pub fn retries(mut self, retries: u32, backoff: Duration) -> Self {
        self.retries = retries;
        self.backoff = backoff;
        self
    }

    /// The group's path: `/metrics/job/<job>{/<label>/<value>}`.
    pub fn path(&self) -> String {
        let mut path = format!("{}/metrics", self.prefix);
        for (name, value) in std::iter::once(("job", self.job.as_str()))
            .chain(self.grouping.iter().map(|(n, v)| (n.as_str(), v.as_str())))
        {
            path.push('/');
            path.push_str(name);
            if !value.is_empty()
                && value
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"-_.~".contains(&b))
            {
                path.push('/');
                path.push_str(value);
            } else {
                path.push_str("@base64/");
                // An empty value is spelled `=`, as the Pushgateway wants.
                let encoded = base64url(value.as_bytes());
                path.push_str(if encoded.is_empty() { "=" } else { &encoded });
            }
        }
        path
    }

    /// Replaces the whole group with the registry's metrics (HTTP PUT).
    pub async fn push(&self, registry: &Registry) -> Result<(), PushError> {
        self.send(Method::PUT, Some(registry)).await
    }

    /// Replaces only the families pushed, keeping the group's others
    /// (HTTP POST).
    pub async fn push_add(&self, registry: &Registry) -> Result<(), PushError> {
        self.send(Method::POST, Some(registry)).await
    }

    /// Deletes the group.
    pub async fn delete(&self) -> Result<(), PushError> {
        self.send(Method::DELETE, None).await
    }

    /// Pushes (PUT) every `interval` until `shutdown` completes, then once
    /// more, so the final values of a job are not lost. Failed periodic
    /// pushes are logged and counted; the final push's error is returned.
    pub async fn push_periodically(
        &self,
        registry: &Registry,
        interval: Duration,
        shutdown: impl Future<Output = ()>,
    ) -> Result<PushReport, PushError> {
        let mut report = PushReport::default();
        let mut ticks = tokio::time::interval(interval.max(Duration::from_millis(1)));
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        tokio::pin!(shutdown);
        loop {
            tokio::select! {
                _ = ticks.tick() => match self.push(registry).await {
                    Ok(()) => report.succeeded += 1,
                    Err(e) => {
                        log::warn!("periodic push to the Pushgateway failed: {e}");
                        report.failed += 1;
                        report.last_error = Some(e);
                    }
                },
                () = &mut shutdown => break,
            }
        }
        self.push(registry).await?;
        report.succeeded += 1;
        Ok(report)
    }

    async fn send(&self, method: Method, registry: Option<&Registry>) -> Result<(), PushError> {
        let body = registry
            .map(|r| Bytes::from(r.encode_to_string(Format::Text)))
            .unwrap_or_default();
        let mut wait = self.backoff;
        let mut attempt = 0;
        loop {
            let result = match tokio::time::timeout(
                self.timeout,
                self.attempt(method.clone(), body.clone()),
            )
            .await
            {
                Ok(result) => result,
                Err(_) => Err(PushError::Timeout),
            };
            match result {
                Err(e) if e.retryable() && attempt < self.retries => {
                    log::debug!(
                        "Pushgateway attempt {} failed ({e}); retrying in {wait:?}",
                        attempt + 1
                    );
                    tokio::time::sleep(wait).await;
                    wait = wait.saturating_mul(2);
                    attempt += 1;
                }
                other => return other,
            }
        }
    }

    async fn attempt(&self, method: Method, body: Bytes) -> Result<(), PushError> {
        let stream = TcpStream::connect(&self.authority)
            .await
            .map_err(PushError::Io)?;
        let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
            .await
            .map_err(PushError::Http)?;
        tokio::spawn(async move {
            if let Err(e) = connection.await {
                log::debug!("Pushgateway connection: {e}");
            }
        });
        let request = Request::builder()
            .method(method)
            .uri(self.path())
            .header(
                header::HOST,
                HeaderValue::from_str(&self.authority).map_err(|e| PushError::Request(e.into()))?,
            )
            .header(header::CONTENT_TYPE, Format::Text.content_type())
            .body(Full::new(body))
            .map_err(PushError::Request)?;
        let response = sender
            .send_request(request)
            .await
            .map_err(PushError::Http)?;
        let status = response.status();
        let body = response
            .into_body()
            .collect()
            .await
            .map(|b| b.to_bytes())
            .unwrap_or_default();
        if status.is_success() || status == StatusCode::ACCEPTED {
            Ok(())
        } else {
            Err(PushError::Status {
                status: status.as_u16(),
                body: String::from_utf8_lossy(&body).into_owned(),
            })
        }
    }
}

/// RFC 4648 §5 base64url with padding, as the Pushgateway reads it.
fn base64url(input: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::with_capacity(input.len().div_ceil(3) * 4);
    for chunk in input.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64url_matches_rfc4648() {
        for (input, expected) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
            ("/a?>", "L2E_Pg=="),
        ] {
            assert_eq!(base64url(input.as_bytes()), expected, "{input}");
        }
    }

    #[test]
    fn paths() {
        let g = Pushgateway::new("http://localhost:9091/prefix/", "my job").unwrap();
        assert_eq!(g.path(), "/prefix/metrics/job@base64/bXkgam9i");
        let g = Pushgateway::new("http://localhost:9091", "batch")
            .unwrap()
            .grouping("empty", "")
            .unwrap();
        assert_eq!(g.path(), "/metrics/job/batch/empty@base64/=");
        assert!(Pushgateway::new("https://x:1", "j").is_err());
        assert!(Pushgateway::new("http://x", "j").is_err());
        assert!(Pushgateway::new("http://:9091", "j").is_err());
        let g = Pushgateway::new("http://h:1", "j").unwrap();
        assert!(g.clone().grouping("job", "x").is_err());
        assert!(g.clone().grouping("bad-name", "x").is_err());
        assert!(g.grouping("a", "1").unwrap().grouping("a", "2").is_err());
    }
}
