//! The endpoint's own metrics, registered in the registry it serves.

use std::sync::Arc;

use metrics_core::{
    Buckets, Counter, Family, Gauge, Histogram, LabelValue, Metrics, Registry, RegistryError,
};

/// The status codes the endpoint answers with.
#[derive(LabelValue, Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[label(name = "code")]
pub(crate) enum StatusLabel {
    #[label(rename = "200")]
    Ok,
    #[label(rename = "401")]
    Unauthorized,
    #[label(rename = "404")]
    NotFound,
    #[label(rename = "405")]
    MethodNotAllowed,
    #[label(rename = "413")]
    PayloadTooLarge,
    #[label(rename = "429")]
    TooManyRequests,
    #[label(rename = "500")]
    InternalError,
    #[label(rename = "503")]
    Unavailable,
}

impl StatusLabel {
    pub(crate) fn of(status: u16) -> StatusLabel {
        match status {
            200 => StatusLabel::Ok,
            401 => StatusLabel::Unauthorized,
            404 => StatusLabel::NotFound,
            405 => StatusLabel::MethodNotAllowed,
            413 => StatusLabel::PayloadTooLarge,
            429 => StatusLabel::TooManyRequests,
            503 => StatusLabel::Unavailable,
            _ => StatusLabel::InternalError,
        }
    }
}

/// Whether a scrape was answered from the body cache.
#[derive(LabelValue, Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[label(name = "result")]
pub(crate) enum CacheLabel {
    Hit,
    Miss,
}

/// The exposition format a scrape was answered in.
#[derive(LabelValue, Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[label(name = "format")]
pub(crate) enum FormatLabel {
    Text,
    #[label(rename = "openmetrics")]
    OpenMetrics,
    Protobuf,
}

/// Whether the body went out gzipped.
#[derive(LabelValue, Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[label(name = "encoding")]
pub(crate) enum EncodingLabel {
    Identity,
    Gzip,
}

#[derive(Metrics)]
#[metrics(prefix = "metrics_http")]
pub(crate) struct HttpMetrics {
    /// Time to encode a scrape's body.
    #[metrics(unit = "seconds", buckets = Buckets::exponential(0.0001, 4.0, 10))]
    pub(crate) scrape_duration: Histogram,
    /// Size of the last scrape's body as sent, in bytes.
    #[metrics(unit = "bytes")]
    pub(crate) response_size: Gauge,
    /// Series in the last encoded scrape.
    pub(crate) series: Gauge,
    /// Scrapes answered from the body cache, or not.
    pub(crate) cache_lookups: Family<CacheLabel, Counter>,
    /// Scrapes that outlasted the scrape timeout and got the last good body.
    pub(crate) stale_responses: Counter,
    /// Scrapes answered, by format and content encoding.
    pub(crate) scrapes: Family<(FormatLabel, EncodingLabel), Counter>,
    /// Requests by status code.
    pub(crate) requests: Family<StatusLabel, Counter>,
    /// Label sets dropped by series caps across the registry, as of the
    /// last scrape.
    pub(crate) label_sets_dropped: Gauge,
}

impl HttpMetrics {
    /// Creates them and registers them in `registry`: the endpoint's own
    /// families are scraped with the rest.
    pub(crate) fn register(registry: &Registry) -> Result<Arc<HttpMetrics>, RegistryError> {
        let metrics = Arc::new(HttpMetrics::default());
        registry.register(Arc::clone(&metrics))?;
        Ok(metrics)
    }
}
