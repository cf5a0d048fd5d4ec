//! The exposition formats a registry writes, and how each is served.

/// An exposition format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Format {
    /// Prometheus text format 0.0.4.
    #[default]
    Text,
    /// OpenMetrics 1.0.0 text format.
    OpenMetrics,
    /// The protobuf format: length-delimited `io.prometheus.client.MetricFamily`
    /// messages (binary; encode with [`Registry::encode`](crate::Registry::encode)
    /// or [`encode_into`](crate::Registry::encode_into), not into a string).
    Protobuf,
}

impl Format {
    /// The `Content-Type` an HTTP response in this format carries.
    pub const fn content_type(self) -> &'static str {
        match self {
            Format::Text => "text/plain; version=0.0.4; charset=utf-8",
            Format::OpenMetrics => "application/openmetrics-text; version=1.0.0; charset=utf-8",
            Format::Protobuf => {
                "application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited"
            }
        }
    }
}
