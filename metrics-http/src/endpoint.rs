//! The endpoint: routes a request to the scrape pipeline, a probe or a
//! page, after the checks every request passes (method, body size, token),
//! and counts the answer.

use std::sync::Arc;

use bytes::Bytes;
use hyper::body::Body as HttpBody;
use hyper::header::{self, HeaderValue};
use hyper::http::request::Parts;
use hyper::{Method, Request, Response, StatusCode};

use crate::auth::bearer_matches;
use crate::error::Error;
use crate::pages::{self, PageSettings};
use crate::probes::{Check, Probes};
use crate::response::{self, Body};
use crate::scrape::Scrape;
use crate::self_metrics::{HttpMetrics, StatusLabel};
use crate::settings::{RegistrySource, Settings};

/// Serves a registry over HTTP: `GET /metrics`, `/health`, `/ready`, a
/// landing page on `/` and, when turned on, the live view.
///
/// Built by [`EndpointBuilder`](crate::EndpointBuilder); cheap to clone (an
/// `Arc`). Serve it on its own listener with [`serve`](crate::serve), or
/// mount it in an existing server: it is a `tower::Service` for requests
/// with any body (axum: `Router::new().route_service("/metrics",
/// endpoint.clone())`) and a hyper `Service`; other frameworks call
/// [`handle`](Self::handle).
#[derive(Clone)]
pub struct Endpoint {
    inner: Arc<Inner>,
}

struct Inner {
    settings: Settings,
    metrics: Option<Arc<HttpMetrics>>,
    scrape: Scrape,
    probes: Probes,
    landing: Bytes,
    live: Option<Bytes>,
}

#[derive(Clone, Copy)]
enum Route<'a> {
    Metrics,
    Health,
    Ready,
    Landing,
    /// The live view, with its page (there is one exactly when it is on).
    Live(&'a Bytes),
}

impl Endpoint {
    /// An endpoint for `registry` from checked `settings`: registers the
    /// self-metrics and renders the pages.
    pub(crate) fn new(
        registry: RegistrySource,
        settings: Settings,
        checks: Vec<(String, Check)>,
    ) -> Result<Endpoint, Error> {
        let metrics = if settings.self_metrics {
            Some(HttpMetrics::register(registry.get()).map_err(Error::Registry)?)
        } else {
            None
        };
        // The version shows where `/health` would show it anyway, and only
        // when it was set.
        let health_is_open = settings.token.is_none() || !settings.protect_health;
        let paths = &settings.paths;
        let page_settings = PageSettings {
            name: &settings.name,
            version: settings.version.as_deref().filter(|_| health_is_open),
            metrics_path: &paths.metrics,
            health_path: &paths.health,
            ready_path: &paths.ready,
            live_path: paths.live.as_deref(),
        };
        let (landing, live) = (pages::landing(&page_settings), pages::live(&page_settings));
        Ok(Endpoint {
            inner: Arc::new(Inner {
                scrape: Scrape::new(settings.scrape.clone(), registry, metrics.clone()),
                probes: Probes::new(
                    settings.version.clone().unwrap_or_else(|| "unknown".into()),
                    checks,
                    settings.check_timeout,
                ),
                metrics,
                landing,
                live,
                settings,
            }),
        })
    }

    pub(crate) fn settings(&self) -> &Settings {
        &self.inner.settings
    }

    /// The configured listening address (`host:port`).
    pub fn addr(&self) -> &str {
        &self.inner.settings.addr
    }

    /// Answers one request. Never fails: every problem is a status code.
    ///
    /// The body is only measured (the endpoints take none) and dropped
    /// before anything is awaited, so the future is `Send` for any body,
    /// `Sync` or not (axum's is not).
    pub async fn handle<B: HttpBody>(&self, request: Request<B>) -> Response<Body> {
        let (head, body) = request.into_parts();
        let body_lower_bound = body.size_hint().lower();
        drop(body);
        let response = self.route(&head, body_lower_bound).await;
        if let Some(metrics) = &self.inner.metrics {
            metrics.requests[StatusLabel::of(response.status().as_u16())].inc();
        }
        response
    }

    fn route_of(&self, path: &str) -> Option<Route<'_>> {
        let paths = &self.inner.settings.paths;
        if path == paths.metrics {
            Some(Route::Metrics)
        } else if path == paths.health {
            Some(Route::Health)
        } else if path == paths.ready {
            Some(Route::Ready)
        } else if let Some(page) = self
            .inner
            .live
            .as_ref()
            .filter(|_| paths.live.as_deref() == Some(path))
        {
            Some(Route::Live(page))
        } else if path == "/" && paths.landing_page {
            Some(Route::Landing)
        } else {
            None
        }
    }

    async fn route(&self, request: &Parts, body_lower_bound: u64) -> Response<Body> {
        let settings = &self.inner.settings;
        let Some(route) = self.route_of(request.uri.path()) else {
            return response::text(StatusCode::NOT_FOUND, "not found\n");
        };
        let head = request.method == Method::HEAD;
        if request.method != Method::GET && !head {
            let mut response =
                response::text(StatusCode::METHOD_NOT_ALLOWED, "method not allowed\n");
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
        if declared.unwrap_or(0).max(body_lower_bound) > settings.limits.max_body_bytes {
            return response::text(StatusCode::PAYLOAD_TOO_LARGE, "request body too large\n");
        }
        let needs_token = match route {
            Route::Metrics => true,
            // Probes stay open by default: Kubernetes sends no token.
            Route::Health | Route::Ready => settings.protect_health,
            // Pages without data: the live view asks for the token itself
            // when the metrics path answers 401.
            Route::Landing | Route::Live(_) => false,
        };
        if let (Some(token), true) = (&settings.token, needs_token) {
            let presented = request
                .headers
                .get(header::AUTHORIZATION)
                .map(HeaderValue::as_bytes);
            if !bearer_matches(presented, token.as_bytes()) {
                let mut response = response::text(StatusCode::UNAUTHORIZED, "unauthorized\n");
                response.headers_mut().insert(
                    header::WWW_AUTHENTICATE,
                    HeaderValue::from_static("Bearer realm=\"metrics\""),
                );
                return response;
            }
        }
        let inner = &self.inner;
        let mut response = match route {
            Route::Metrics => inner.scrape.respond(request).await,
            Route::Health => inner.probes.health(),
            Route::Ready => inner.probes.ready().await,
            Route::Landing => response::html(inner.landing.clone()),
            Route::Live(page) => response::html(page.clone()),
        };
        if head {
            // Same headers (Content-Length included), no body.
            *response.body_mut() = Body::new(Bytes::new());
        }
        response
    }
}

impl std::fmt::Debug for Endpoint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let s = &self.inner.settings;
        f.debug_struct("Endpoint")
            .field("name", &s.name)
            .field("paths", &s.paths)
            .field("scrape", &s.scrape)
            .field("token", &s.token.as_ref().map(|_| "<set>"))
            .finish_non_exhaustive()
    }
}
