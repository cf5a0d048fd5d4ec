//! A registry built by hand, without macros: one of each metric kind, dense
//! and sparse labels, hostile label values and a histogram with
//! observations. `examples/manual.rs` prints it.

use std::hash::Hash;
use std::sync::Arc;

use metrics_core::process::ProcessCollector;
use metrics_core::{
    Buckets, Counter, Family, Gauge, Histogram, Info, LabelSet, LabelValue, Metadata, Registry,
};

/// HTTP method: a closed label (dense).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Method {
    /// GET
    Get,
    /// POST
    Post,
}

impl LabelValue for Method {
    const NAME: &'static str = "method";
    const VALUES: &'static [Self] = &[Method::Get, Method::Post];
    const STRINGS: &'static [&'static str] = &["get", "post"];
    fn index(self) -> usize {
        self as usize
    }
}

/// How a request ended: a closed label (dense).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Outcome {
    /// Answered.
    Success,
    /// Failed.
    Failure,
}

impl LabelValue for Outcome {
    const NAME: &'static str = "outcome";
    const VALUES: &'static [Self] = &[Outcome::Success, Outcome::Failure];
    const STRINGS: &'static [&'static str] = &["success", "failure"];
    fn index(self) -> usize {
        self as usize
    }
}

/// A tenant: an open-ended label (sparse), with the method (closed).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct TenantLabels {
    /// Tenant name, any UTF-8.
    pub tenant: String,
    /// HTTP method.
    pub method: Method,
}

impl LabelSet for TenantLabels {
    const NAMES: &'static [&'static str] = &["tenant", "method"];
    const DOMAINS: &'static [Option<&'static [&'static str]>] = &[None, Some(Method::STRINGS)];
    fn dense_index(&self) -> Option<usize> {
        None
    }
    fn visit_values(&self, visit: &mut dyn FnMut(&str)) {
        visit(&self.tenant);
        visit(self.method.as_str());
    }
}

/// A tenant name that needs every escape the formats define, and unicode.
pub const HOSTILE_TENANT: &str = "quote\" backslash\\ newline\n ünïcødé ✓";

/// The metrics of the manual example, kept to update them.
pub struct Demo {
    /// The registry holding everything below.
    pub registry: Registry,
    /// Requests by method and outcome (dense).
    pub requests: Arc<Family<(Method, Outcome), Counter>>,
    /// Requests by tenant (sparse, capped).
    pub tenant_requests: Arc<Family<TenantLabels, Counter>>,
    /// Bytes sent (float counter).
    pub bytes_sent: Arc<Counter<f64>>,
    /// Requests in flight (integer gauge).
    pub in_flight: Arc<Gauge>,
    /// Temperature (float gauge).
    pub temperature: Arc<Gauge<f64>>,
    /// Request latency (histogram).
    pub latency: Arc<Histogram>,
    /// Latency by method (histogram family).
    pub latency_by_method: Arc<Family<Method, Histogram>>,
}

fn register<M: metrics_core::encoding::EncodeMetric + 'static>(
    registry: &Registry,
    metadata: Metadata,
    metric: &Arc<M>,
) {
    if let Err(e) = registry.register_metric(metadata, Arc::clone(metric)) {
        // The names below are fixed and valid; a failure is a bug here.
        panic!("example registry: {e}");
    }
}

/// Builds the registry and records a few values.
pub fn build() -> Demo {
    let registry = Registry::with_const_labels([("service", "manual-example")])
        .expect("constant label names are valid");
    let demo = Demo {
        requests: Arc::new(Family::new()),
        tenant_requests: Arc::new(Family::new().with_max_series(100)),
        bytes_sent: Arc::new(Counter::new()),
        in_flight: Arc::new(Gauge::new()),
        temperature: Arc::new(Gauge::new()),
        latency: Arc::new(Histogram::new(Buckets::exponential(0.001, 2.0, 12))),
        latency_by_method: Arc::new(Family::with_options(Buckets::new(&[0.01, 0.1, 1.0]))),
        registry,
    };
    let r = &demo.registry;
    register(
        r,
        Metadata::new("http_requests", "HTTP requests by method and outcome."),
        &demo.requests,
    );
    register(
        r,
        Metadata::new(
            "tenant_requests",
            "Requests per tenant (capped at 100 series).",
        ),
        &demo.tenant_requests,
    );
    register(
        r,
        Metadata::new("sent_bytes", "Bytes sent.").with_unit("bytes"),
        &demo.bytes_sent,
    );
    register(
        r,
        Metadata::new("in_flight_requests", "Requests being served."),
        &demo.in_flight,
    );
    register(
        r,
        Metadata::new("temperature_celsius", "Room temperature.").with_unit("celsius"),
        &demo.temperature,
    );
    register(
        r,
        Metadata::new(
            "request_duration_seconds",
            "Request latency.\nMultiline help with a \\ backslash.",
        )
        .with_unit("seconds"),
        &demo.latency,
    );
    register(
        r,
        Metadata::new("method_duration_seconds", "Latency by method.").with_unit("seconds"),
        &demo.latency_by_method,
    );
    let build = Info::new([("version", env!("CARGO_PKG_VERSION")), ("commit", "manual")])
        .expect("info label names are valid");
    register(
        r,
        Metadata::new("build", "Build information."),
        &Arc::new(build),
    );
    if let Err(e) = r.register(ProcessCollector::new()) {
        panic!("example registry: {e}");
    }

    demo.requests[(Method::Get, Outcome::Success)].inc_by(3);
    demo.requests[(Method::Post, Outcome::Failure)].inc();
    demo.tenant_requests
        .get_or_create(&TenantLabels {
            tenant: "acme".into(),
            method: Method::Get,
        })
        .inc_by(7);
    demo.tenant_requests
        .get_or_create(&TenantLabels {
            tenant: HOSTILE_TENANT.into(),
            method: Method::Post,
        })
        .inc();
    demo.bytes_sent.inc_by(1536.5);
    demo.in_flight.set(2);
    demo.temperature.set(-3.25);
    for v in [0.0004, 0.003, 0.003, 0.02, 0.5, 9.0] {
        demo.latency.observe(v);
    }
    demo.latency_by_method[Method::Get].observe(0.05);
    demo.latency_by_method[Method::Post].observe(2.0);
    demo
}
