//! The request handler: routing, limits, authentication, the metrics body
//! (negotiated, cached, gzipped, timed out), `/health` and `/ready`.

use std::convert::Infallible;
use std::future::Future;
use std::io::Write as _;
use std::pin::Pin;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Instant;

use bytes::Bytes;
use http_body_util::Full;
use hyper::body::Body;
use hyper::header::{self, HeaderValue};
use hyper::http::request::Parts;
use hyper::{Method, Request, Response, StatusCode};
use metrics_core::Format;
use tokio::sync::Semaphore;

use crate::auth::bearer_matches;
use crate::config::{Check, EndpointBuilder, Error, RegistrySource};
use crate::json;
use crate::negotiate::{accepts_gzip, negotiate_format};
use crate::pages::{self, PageSettings};
use crate::self_metrics::{CacheLabel, EncodingLabel, FormatLabel, HttpMetrics, StatusLabel};

/// Serves a registry over HTTP: `GET /metrics`, `/health`, `/ready`.
///
/// Cheap to clone (an `Arc`). Use it three ways: [`serve`](Self::serve) on
/// its own port; as a hyper `Service` (it implements
/// `hyper::service::Service<Request<Incoming>>`) in an existing hyper
/// server; or call [`handle`](Self::handle) from another framework's route
/// (axum: `endpoint.handle(req).await.map(axum::body::Body::new)`, as the
/// `axum` example does).
#[derive(Clone)]
pub struct Endpoint {
    pub(crate) inner: Arc<Inner>,
}

pub(crate) struct Inner {
    pub(crate) config: EndpointBuilder,
    checks: Vec<(String, Check)>,
    metrics: Option<Arc<HttpMetrics>>,
    started: Instant,
    rate: Option<Mutex<Bucket>>,
    // Last good body per format (index: Format as usize).
    last: [Mutex<Option<Arc<Encoded>>>; 2],
    encoders: Arc<Semaphore>,
    landing: Bytes,
    live: Option<Bytes>,
}

struct Bucket {
    tokens: f64,
    updated: Instant,
}

/// One encoded exposition, with its gzip form made on first demand.
struct Encoded {
    body: Bytes,
    gzip: OnceLock<Bytes>,
    at: Instant,
}

/// Encodes running at once: a burst of scrapes queues behind these (within
/// its timeout) instead of multiplying the work.
const MAX_CONCURRENT_ENCODES: usize = 2;

/// The body a response carries.
type Body200 = Full<Bytes>;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Route {
    Metrics,
    Health,
    Ready,
    Landing,
    Live,
}

fn format_index(format: Format) -> usize {
    match format {
        Format::Text => 0,
        Format::OpenMetrics => 1,
    }
}

impl Endpoint {
    /// An endpoint with default settings for `registry`; see
    /// [`EndpointBuilder`] for the rest.
    pub fn builder(registry: impl Into<RegistrySource>) -> EndpointBuilder {
        EndpointBuilder::new(registry)
    }

    pub(crate) fn from_builder(mut config: EndpointBuilder) -> Result<Endpoint, Error> {
        let metrics = if config.self_metrics {
            let metrics = Arc::new(HttpMetrics::default());
            config
                .registry
                .get()
                .register(Arc::clone(&metrics))
                .map_err(Error::Registry)?;
            Some(metrics)
        } else {
            None
        };
        let checks = std::mem::take(&mut config.checks);
        let rate = config.rate_limit.map(|(burst, _)| {
            Mutex::new(Bucket {
                tokens: f64::from(burst),
                updated: Instant::now(),
            })
        });
        let encoders = Arc::new(Semaphore::new(MAX_CONCURRENT_ENCODES));
        // The version shows where `/health` would show it anyway, and only
        // when it was set.
        let health_is_open = config.token.is_none() || !config.protect_health;
        let version_set = config.version != crate::config::UNKNOWN_VERSION;
        let pages = PageSettings {
            name: &config.name,
            version: (health_is_open && version_set).then_some(config.version.as_str()),
            metrics_path: &config.metrics_path,
            health_path: &config.health_path,
            ready_path: &config.ready_path,
            live_path: config.live_view.then_some(config.live_path.as_str()),
        };
        let (landing, live) = (pages::landing(&pages), pages::live(&pages));
        Ok(Endpoint {
            inner: Arc::new(Inner {
                checks,
                metrics,
                started: Instant::now(),
                rate,
                last: [Mutex::new(None), Mutex::new(None)],
                encoders,
                landing,
                live,
                config,
            }),
        })
    }

    /// Answers one request. Never fails: every problem is a status code.
    ///
    /// The body is only measured (the endpoints take none) and dropped
    /// before anything is awaited, so the future is `Send` for any body,
    /// `Sync` or not (axum's is not).
    pub async fn handle<B: Body>(&self, request: Request<B>) -> Response<Full<Bytes>> {
        let (head, body) = request.into_parts();
        let body_lower_bound = body.size_hint().lower();
        drop(body);
        let response = self.route(&head, body_lower_bound).await;
        if let Some(metrics) = &self.inner.metrics {
            metrics.requests[StatusLabel::of(response.status().as_u16())].inc();
        }
        response
    }

    async fn route(&self, request: &Parts, body_lower_bound: u64) -> Response<Body200> {
        let config = &self.inner.config;
        let path = request.uri.path();
        let route = if path == config.metrics_path {
            Route::Metrics
        } else if path == config.health_path {
            Route::Health
        } else if path == config.ready_path {
            Route::Ready
        } else if config.live_view && path == config.live_path {
            Route::Live
        } else if path == "/" && config.landing_page {
            Route::Landing
        } else {
            return text(StatusCode::NOT_FOUND, "not found\n");
        };
        let head = request.method == Method::HEAD;
        if request.method != Method::GET && !head {
            let mut response = text(StatusCode::METHOD_NOT_ALLOWED, "method not allowed\n");
            response
                .headers_mut()
                .insert(header::ALLOW, HeaderValue::from_static("GET, HEAD"));
            return response;
        }
        // A body larger than allowed: declared by Content-Length, or hinted
        // by the body's own size bounds for chunked uploads.
        let declared = request
            .headers
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok());
        if declared.unwrap_or(0).max(body_lower_bound) > config.max_body_bytes {
            return text(StatusCode::PAYLOAD_TOO_LARGE, "request body too large\n");
        }
        // Probes stay open by default: Kubernetes sends no token.
        let needs_token = match route {
            Route::Metrics => true,
            Route::Health | Route::Ready => config.protect_health,
            // Pages without data: the live view asks for the token itself
            // when the metrics path answers 401.
            Route::Landing | Route::Live => false,
        };
        if let (Some(token), true) = (&config.token, needs_token) {
            let presented = request
                .headers
                .get(header::AUTHORIZATION)
                .map(HeaderValue::as_bytes);
            if !bearer_matches(presented, token.as_bytes()) {
                let mut response = text(StatusCode::UNAUTHORIZED, "unauthorized\n");
                response.headers_mut().insert(
                    header::WWW_AUTHENTICATE,
                    HeaderValue::from_static("Bearer realm=\"metrics\""),
                );
                return response;
            }
        }
        let mut response = match route {
            Route::Metrics => self.metrics(request).await,
            Route::Health => self.health(),
            Route::Ready => self.ready().await,
            Route::Landing => html(self.inner.landing.clone()),
            Route::Live => match &self.inner.live {
                Some(page) => html(page.clone()),
                None => text(StatusCode::NOT_FOUND, "not found\n"),
            },
        };
        if head {
            // Same headers (Content-Length included), no body.
            *response.body_mut() = Full::new(Bytes::new());
        }
        response
    }

    fn take_rate_token(&self) -> Result<(), u64> {
        let (Some(bucket), Some((burst, per))) = (&self.inner.rate, self.inner.config.rate_limit)
        else {
            return Ok(());
        };
        let rate = f64::from(burst) / per.as_secs_f64();
        // A poisoned lock only means another scrape panicked mid-update;
        // the bucket's numbers are still usable.
        let mut bucket = bucket.lock().unwrap_or_else(|e| e.into_inner());
        let now = Instant::now();
        let refill = now.duration_since(bucket.updated).as_secs_f64() * rate;
        bucket.tokens = (bucket.tokens + refill).min(f64::from(burst));
        bucket.updated = now;
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            Ok(())
        } else {
            Err(((1.0 - bucket.tokens) / rate).ceil().max(1.0) as u64)
        }
    }

    async fn metrics(&self, request: &Parts) -> Response<Body200> {
        if let Err(retry_after) = self.take_rate_token() {
            let mut response = text(StatusCode::TOO_MANY_REQUESTS, "too many scrapes\n");
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(retry_after));
            return response;
        }
        let headers = &request.headers;
        let forced = request.uri.query().and_then(|q| {
            q.split('&').find_map(|pair| match pair {
                "format=text" => Some(Format::Text),
                "format=openmetrics" => Some(Format::OpenMetrics),
                _ => None,
            })
        });
        let format = forced.unwrap_or_else(|| {
            negotiate_format(headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()))
        });
        let gzip = self.inner.config.gzip
            && accepts_gzip(
                headers
                    .get(header::ACCEPT_ENCODING)
                    .and_then(|v| v.to_str().ok()),
            );

        let (encoded, stale) = match self.body(format).await {
            Some(found) => found,
            None => {
                return text(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "scrape timed out and no earlier body exists\n",
                )
            }
        };
        let body = if gzip {
            encoded.gzip.get_or_init(|| compress(&encoded.body)).clone()
        } else {
            encoded.body.clone()
        };
        if let Some(metrics) = &self.inner.metrics {
            let format_label = match format {
                Format::Text => FormatLabel::Text,
                Format::OpenMetrics => FormatLabel::OpenMetrics,
            };
            let encoding = if gzip {
                EncodingLabel::Gzip
            } else {
                EncodingLabel::Identity
            };
            metrics.scrapes[(format_label, encoding)].inc();
            metrics
                .response_size
                .set(i64::try_from(body.len()).unwrap_or(i64::MAX));
            if stale {
                metrics.stale_responses.inc();
            }
        }
        let mut response = Response::new(Full::new(body));
        let h = response.headers_mut();
        h.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static(format.content_type()),
        );
        h.insert(
            header::VARY,
            HeaderValue::from_static("Accept, Accept-Encoding"),
        );
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        if gzip {
            h.insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
        }
        set_length(&mut response);
        response
    }

    /// The body for `format`: from the cache when fresh, else encoded now
    /// on the blocking pool within the scrape timeout, else the last good
    /// body marked stale. `None`: timed out with nothing to fall back on.
    async fn body(&self, format: Format) -> Option<(Arc<Encoded>, bool)> {
        let inner = &self.inner;
        let slot = &inner.last[format_index(format)];
        let last = || slot.lock().unwrap_or_else(|e| e.into_inner()).clone();
        if let Some(ttl) = inner.config.cache_ttl {
            if let Some(cached) = last().filter(|e| e.at.elapsed() < ttl) {
                if let Some(m) = &inner.metrics {
                    m.cache_lookups[CacheLabel::Hit].inc();
                }
                return Some((cached, false));
            }
            if let Some(m) = &inner.metrics {
                m.cache_lookups[CacheLabel::Miss].inc();
            }
        }
        let deadline = tokio::time::Instant::now() + inner.config.scrape_timeout;
        let encode = async {
            // Bounded concurrent encodes: a burst of scrapes queues here
            // (within its timeout) instead of multiplying the work.
            let permit = Arc::clone(&inner.encoders).acquire_owned().await.ok()?;
            let this = Arc::clone(inner);
            let task = tokio::task::spawn_blocking(move || {
                let _permit = permit;
                this.encode(format)
            });
            task.await.ok()
        };
        match tokio::time::timeout_at(deadline, encode).await {
            Ok(Some(encoded)) => Some((encoded, false)),
            // Timed out (the encode goes on and refreshes the cache), or
            // the encode failed: the last good body, if any.
            _ => last().map(|e| (e, true)),
        }
    }

    fn health(&self) -> Response<Body200> {
        let mut body = String::from("{\"status\":\"ok\",\"version\":");
        json::string(&mut body, &self.inner.config.version);
        body.push_str(&format!(
            ",\"uptime_seconds\":{:.3}}}\n",
            self.inner.started.elapsed().as_secs_f64()
        ));
        json_response(StatusCode::OK, body)
    }

    async fn ready(&self) -> Response<Body200> {
        let timeout = self.inner.config.check_timeout;
        // Every check runs concurrently, each within the check timeout.
        let running: Vec<_> = self
            .inner
            .checks
            .iter()
            .map(|(name, check)| {
                let future = check();
                (
                    name,
                    tokio::spawn(async move { tokio::time::timeout(timeout, future).await }),
                )
            })
            .collect();
        let mut results: Vec<(&String, Result<(), String>)> = Vec::with_capacity(running.len());
        for (name, task) in running {
            let result = match task.await {
                Ok(Ok(result)) => result,
                Ok(Err(_)) => Err(format!("timed out after {timeout:?}")),
                Err(e) if e.is_panic() => Err("check panicked".into()),
                Err(_) => Err("check was cancelled".into()),
            };
            results.push((name, result));
        }
        let ready = results.iter().all(|(_, r)| r.is_ok());
        let mut body = String::from(if ready {
            "{\"status\":\"ready\""
        } else {
            "{\"status\":\"not ready\""
        });
        body.push_str(",\"failing\":[");
        let failing: Vec<&&String> = results
            .iter()
            .filter(|(_, r)| r.is_err())
            .map(|(n, _)| n)
            .collect();
        for (i, name) in failing.iter().enumerate() {
            if i > 0 {
                body.push(',');
            }
            json::string(&mut body, name);
        }
        body.push_str("],\"checks\":{");
        for (i, (name, result)) in results.iter().enumerate() {
            if i > 0 {
                body.push(',');
            }
            json::string(&mut body, name);
            match result {
                Ok(()) => body.push_str(":{\"ok\":true}"),
                Err(e) => {
                    body.push_str(":{\"ok\":false,\"error\":");
                    json::string(&mut body, e);
                    body.push('}');
                }
            }
        }
        body.push_str("}}\n");
        json_response(
            if ready {
                StatusCode::OK
            } else {
                StatusCode::SERVICE_UNAVAILABLE
            },
            body,
        )
    }
}

impl Inner {
    fn encode(&self, format: Format) -> Arc<Encoded> {
        let start = Instant::now();
        let mut body = Vec::with_capacity(64 * 1024);
        let stats = self.config.registry.get().encode_into(format, &mut body);
        if let Some(m) = &self.metrics {
            m.scrape_duration.observe(start.elapsed().as_secs_f64());
            m.series
                .set(i64::try_from(stats.series).unwrap_or(i64::MAX));
            m.label_sets_dropped
                .set(i64::try_from(stats.dropped_label_sets).unwrap_or(i64::MAX));
        }
        let encoded = Arc::new(Encoded {
            body: Bytes::from(body),
            gzip: OnceLock::new(),
            at: Instant::now(),
        });
        *self.last[format_index(format)]
            .lock()
            .unwrap_or_else(|e| e.into_inner()) = Some(Arc::clone(&encoded));
        encoded
    }
}

fn compress(body: &[u8]) -> Bytes {
    // Level 1: scrape bodies are repetitive enough that the fastest level
    // already shrinks them several times over.
    let mut encoder = flate2::write::GzEncoder::new(
        Vec::with_capacity(body.len() / 4),
        flate2::Compression::fast(),
    );
    // Writing into a Vec cannot fail.
    let _ = encoder.write_all(body);
    Bytes::from(encoder.finish().unwrap_or_default())
}

fn set_length(response: &mut Response<Body200>) {
    let length = response.body().size_hint().exact().unwrap_or(0);
    response
        .headers_mut()
        .insert(header::CONTENT_LENGTH, HeaderValue::from(length));
}

fn text(status: StatusCode, body: &'static str) -> Response<Body200> {
    let mut response = Response::new(Full::new(Bytes::from_static(body.as_bytes())));
    *response.status_mut() = status;
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    set_length(&mut response);
    response
}

fn html(body: Bytes) -> Response<Body200> {
    let mut response = Response::new(Full::new(body));
    let h = response.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    // The pages are inline-only: forbid anything they do not need.
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; \
             connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
        ),
    );
    set_length(&mut response);
    response
}

fn json_response(status: StatusCode, body: String) -> Response<Body200> {
    let mut response = Response::new(Full::new(Bytes::from(body)));
    *response.status_mut() = status;
    let h = response.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    set_length(&mut response);
    response
}

impl hyper::service::Service<Request<hyper::body::Incoming>> for Endpoint {
    type Response = Response<Full<Bytes>>;
    type Error = Infallible;
    type Future = Pin<Box<dyn Future<Output = Result<Self::Response, Infallible>> + Send>>;

    fn call(&self, request: Request<hyper::body::Incoming>) -> Self::Future {
        let endpoint = self.clone();
        Box::pin(async move { Ok(endpoint.handle(request).await) })
    }
}

impl std::fmt::Debug for Endpoint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let c = &self.inner.config;
        f.debug_struct("Endpoint")
            .field("metrics_path", &c.metrics_path)
            .field("health_path", &c.health_path)
            .field("ready_path", &c.ready_path)
            .field("name", &c.name)
            .field("landing_page", &c.landing_page)
            .field("live_path", &c.live_view.then_some(&c.live_path))
            .field("cache_ttl", &c.cache_ttl)
            .field("scrape_timeout", &c.scrape_timeout)
            .field("token", &c.token.as_ref().map(|_| "<set>"))
            .finish_non_exhaustive()
    }
}
