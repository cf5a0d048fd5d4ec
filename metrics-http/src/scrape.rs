//! The scrape pipeline, in the order a scrape meets it: the rate limit,
//! negotiation (format, version, escaping scheme), the body cache (one
//! body per format and scheme), encoding (on the blocking pool,
//! bounded, within the scrape timeout, else the last good body), and gzip.

use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::Full;
use hyper::header::{self, HeaderValue};
use hyper::http::request::Parts;
use hyper::{Response, StatusCode};
use metrics_core::{Escaping, Exposition, Format};
use tokio::sync::Semaphore;

use crate::negotiate::{accepts_gzip, negotiate};
use crate::response::{self, Body};
use crate::self_metrics::{CacheLabel, EncodingLabel, FormatLabel, HttpMetrics};
use crate::settings::{RegistrySource, ScrapeSettings};

/// Encodes running at once: a burst of scrapes queues behind these (within
/// its timeout) instead of multiplying the work.
const MAX_CONCURRENT_ENCODES: usize = 2;

/// A token bucket: `burst` scrapes at once, refilled at `burst` per `per`.
struct RateLimit {
    burst: f64,
    per_second: f64,
    bucket: Mutex<(f64, Instant)>,
}

impl RateLimit {
    fn new(burst: u32, per: Duration) -> Self {
        let burst = f64::from(burst);
        RateLimit {
            burst,
            per_second: burst / per.as_secs_f64(),
            bucket: Mutex::new((burst, Instant::now())),
        }
    }

    /// Takes a token, or says how many seconds until one is free.
    fn take(&self) -> Result<(), u64> {
        // A poisoned lock only means another scrape panicked mid-update;
        // the bucket's numbers are still usable.
        let mut bucket = self.bucket.lock().unwrap_or_else(|e| e.into_inner());
        let (tokens, updated) = &mut *bucket;
        let now = Instant::now();
        let refill = now.duration_since(*updated).as_secs_f64() * self.per_second;
        *tokens = (*tokens + refill).min(self.burst);
        *updated = now;
        if *tokens >= 1.0 {
            *tokens -= 1.0;
            Ok(())
        } else {
            Err(((1.0 - *tokens) / self.per_second).ceil().max(1.0) as u64)
        }
    }
}

/// One encoded exposition, with its gzip form made on first demand.
struct Encoded {
    body: Bytes,
    gzip: OnceLock<Bytes>,
    at: Instant,
}

/// Bodies kept: one per format and escaping scheme.
const BODIES: usize = 3 * Escaping::ALL.len();

/// What the blocking encode needs, shared with it.
struct Encoder {
    registry: RegistrySource,
    metrics: Option<Arc<HttpMetrics>>,
    /// Last good body per body kind (index: [`body_index`]).
    last: [Mutex<Option<Arc<Encoded>>>; BODIES],
}

/// Which cached body answers an exposition. The body depends on the format
/// and the escaping scheme in effect (a scheme not asked for is
/// `underscores`, so asking for it explicitly shares the body); the
/// version does not change it (text 1.0.0 differs from 0.0.4, and
/// OpenMetrics 0.0.1 from 1.0.0, only in what the scraper may be sent,
/// which the scheme already says), and the `Content-Type` is made from the
/// negotiated exposition for each response.
fn body_index(exposition: Exposition) -> usize {
    let format = match exposition.format() {
        Format::Text => 0,
        Format::OpenMetrics => 1,
        Format::Protobuf => 2,
    };
    format * Escaping::ALL.len() + exposition.escaping().index()
}

impl Encoder {
    fn last(&self, exposition: Exposition) -> Option<Arc<Encoded>> {
        self.last[body_index(exposition)]
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    fn encode(&self, exposition: Exposition) -> Arc<Encoded> {
        let start = Instant::now();
        let mut body = Vec::with_capacity(64 * 1024);
        let stats = self.registry.get().encode_into(exposition, &mut body);
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
        *self.last[body_index(exposition)]
            .lock()
            .unwrap_or_else(|e| e.into_inner()) = Some(Arc::clone(&encoded));
        encoded
    }
}

pub(crate) struct Scrape {
    settings: ScrapeSettings,
    rate: Option<RateLimit>,
    encoder: Arc<Encoder>,
    encodes: Arc<Semaphore>,
}

impl Scrape {
    pub(crate) fn new(
        settings: ScrapeSettings,
        registry: RegistrySource,
        metrics: Option<Arc<HttpMetrics>>,
    ) -> Self {
        Scrape {
            rate: settings
                .rate_limit
                .map(|(burst, per)| RateLimit::new(burst, per)),
            settings,
            encoder: Arc::new(Encoder {
                registry,
                metrics,
                last: std::array::from_fn(|_| Mutex::new(None)),
            }),
            encodes: Arc::new(Semaphore::new(MAX_CONCURRENT_ENCODES)),
        }
    }

    fn metrics(&self) -> Option<&HttpMetrics> {
        self.encoder.metrics.as_deref()
    }

    /// Answers one scrape.
    pub(crate) async fn respond(&self, request: &Parts) -> Response<Body> {
        if let Some(rate) = &self.rate {
            if let Err(retry_after) = rate.take() {
                let mut response =
                    response::text(StatusCode::TOO_MANY_REQUESTS, "too many scrapes\n");
                response
                    .headers_mut()
                    .insert(header::RETRY_AFTER, HeaderValue::from(retry_after));
                return response;
            }
        }
        let headers = &request.headers;
        let forced = request.uri.query().and_then(|q| {
            q.split('&').find_map(|pair| match pair {
                "format=text" => Some(Format::Text),
                "format=openmetrics" => Some(Format::OpenMetrics),
                "format=protobuf" => Some(Format::Protobuf),
                _ => None,
            })
        });
        let exposition = forced.map_or_else(
            || negotiate(headers.get(header::ACCEPT).and_then(|v| v.to_str().ok())),
            Exposition::new,
        );
        let format = exposition.format();
        let gzip = cfg!(feature = "gzip")
            && self.settings.gzip
            && accepts_gzip(
                headers
                    .get(header::ACCEPT_ENCODING)
                    .and_then(|v| v.to_str().ok()),
            );

        let Some((encoded, stale)) = self.body(exposition).await else {
            return response::text(
                StatusCode::SERVICE_UNAVAILABLE,
                "scrape timed out and no earlier body exists\n",
            );
        };
        let body = if gzip {
            encoded.gzip.get_or_init(|| compress(&encoded.body)).clone()
        } else {
            encoded.body.clone()
        };
        if let Some(metrics) = self.metrics() {
            let format_label = match format {
                Format::Text => FormatLabel::Text,
                Format::OpenMetrics => FormatLabel::OpenMetrics,
                Format::Protobuf => FormatLabel::Protobuf,
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
            HeaderValue::from_static(exposition.content_type()),
        );
        h.insert(
            header::VARY,
            HeaderValue::from_static("Accept, Accept-Encoding"),
        );
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        if gzip {
            h.insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
        }
        response::set_length(&mut response);
        response
    }

    /// The body for `exposition`: from the cache when fresh, else encoded
    /// now on the blocking pool within the scrape timeout, else the last
    /// good body marked stale. `None`: timed out with nothing to fall back
    /// on.
    async fn body(&self, exposition: Exposition) -> Option<(Arc<Encoded>, bool)> {
        if let Some(ttl) = self.settings.cache_ttl {
            let fresh = self
                .encoder
                .last(exposition)
                .filter(|e| e.at.elapsed() < ttl);
            if let Some(m) = self.metrics() {
                let lookup = if fresh.is_some() {
                    CacheLabel::Hit
                } else {
                    CacheLabel::Miss
                };
                m.cache_lookups[lookup].inc();
            }
            if let Some(cached) = fresh {
                return Some((cached, false));
            }
        }
        let deadline = tokio::time::Instant::now() + self.settings.timeout;
        let encode = async {
            let permit = Arc::clone(&self.encodes).acquire_owned().await.ok()?;
            let encoder = Arc::clone(&self.encoder);
            let task = tokio::task::spawn_blocking(move || {
                let _permit = permit;
                encoder.encode(exposition)
            });
            task.await.ok()
        };
        match tokio::time::timeout_at(deadline, encode).await {
            Ok(Some(encoded)) => Some((encoded, false)),
            // Timed out (the encode goes on and refreshes the cache), or
            // the encode failed: the last good body, if any.
            _ => self.encoder.last(exposition).map(|e| (e, true)),
        }
    }
}

#[cfg(feature = "gzip")]
use crate::gzip::compress;

/// Never called: without the `gzip` feature no scrape is compressed.
#[cfg(not(feature = "gzip"))]
fn compress(body: &[u8]) -> Bytes {
    Bytes::copy_from_slice(body)
}
