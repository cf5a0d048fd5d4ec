//! Behaviour of the derives: exposition of a derived struct in both
//! formats, dense families at zero before use, `#[register]` statics in the
//! global registry untouched, doc comments as escaped HELP.

use std::sync::Arc;

use metrics_core::{
    register, testing, Buckets, Counter, Family, Format, Gauge, Global, Histogram, Info, LabelSet,
    LabelValue, Metrics, Registry,
};

#[derive(LabelValue, Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[label(name = "result")]
enum ResultLabel {
    Success,
    Failure,
    Timeout,
}

#[derive(LabelValue, Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum OperationLabel {
    Get,
    #[label(rename = "put!")]
    Put,
}

#[derive(LabelValue, Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[label(rename_all = "SCREAMING_SNAKE_CASE")]
enum Backend {
    RocksDb,
    InMemory,
}

#[derive(LabelSet, Clone, Copy, Debug, PartialEq, Eq, Hash)]
struct OpLabels {
    operation: OperationLabel,
    #[label(name = "store")]
    backend: Backend,
}

#[derive(LabelSet, Clone, Debug, PartialEq, Eq, Hash)]
struct TenantLabels {
    tenant: String,
    result: ResultLabel,
}

#[derive(Metrics)]
#[metrics(prefix = "stream")]
struct StreamMetrics {
    /// Events ingested.
    events_ingested: Counter,
    /// Events by outcome.
    events_processed: Family<ResultLabel, Counter>,
    /// Time to process one event.
    #[metrics(unit = "seconds", buckets = Buckets::exponential(0.001, 2.0, 4))]
    processing_duration: Family<ResultLabel, Histogram>,
    /// Events waiting.
    queue_depth: Gauge,
    /// State operations.
    state_ops: Family<OpLabels, Counter>,
    /// Requests per tenant (open-ended label: capped).
    #[metrics(max_series = 2)]
    tenant_requests: Family<TenantLabels, Counter>,
    /// Build facts.
    build: Info,
    #[metrics(name = "lag", unit = "seconds", help = "Lag \"behind\" \\ head.")]
    lag_seconds_value: Gauge<f64>,
    #[metrics(flatten)]
    io: IoMetrics,
}

#[derive(Metrics)]
#[metrics(prefix = "io")]
struct IoMetrics {
    /// Bytes read.
    ///
    /// Counted after decompression.
    #[metrics(unit = "bytes")]
    read: Counter<f64>,
    /// Depth of the "C:\queue" \ spool.
    spool_depth: Gauge,
}

#[test]
fn label_values_follow_the_attributes() {
    assert_eq!(ResultLabel::NAME, "result");
    assert_eq!(ResultLabel::STRINGS, &["success", "failure", "timeout"]);
    assert_eq!(ResultLabel::Timeout.index(), 2);
    assert_eq!(OperationLabel::NAME, "operation");
    assert_eq!(OperationLabel::Put.as_str(), "put!");
    assert_eq!(Backend::NAME, "backend");
    assert_eq!(Backend::STRINGS, &["ROCKS_DB", "IN_MEMORY"]);
    assert_eq!(OpLabels::NAMES, &["operation", "store"]);
    assert_eq!(
        OpLabels {
            operation: OperationLabel::Put,
            backend: Backend::InMemory
        }
        .dense_index(),
        Some(3)
    );
    assert_eq!(TenantLabels::NAMES, &["tenant", "result"]);
    assert_eq!(
        TenantLabels {
            tenant: "x".into(),
            result: ResultLabel::Success
        }
        .dense_index(),
        None
    );
}

fn registry_with(metrics: &Arc<StreamMetrics>) -> Registry {
    let registry = testing::isolated_registry();
    registry.register(metrics.clone()).unwrap();
    registry
}

const EXPECTED_TEXT: &str = r#"# HELP io_read_bytes_total Bytes read. Counted after decompression.
# TYPE io_read_bytes_total counter
io_read_bytes_total 1024.0
# HELP io_spool_depth Depth of the "C:\\queue" \\ spool.
# TYPE io_spool_depth gauge
io_spool_depth 0
# HELP stream_build_info Build facts.
# TYPE stream_build_info gauge
stream_build_info{version="1.2.3"} 1
# HELP stream_events_ingested_total Events ingested.
# TYPE stream_events_ingested_total counter
stream_events_ingested_total 2
# HELP stream_events_processed_total Events by outcome.
# TYPE stream_events_processed_total counter
stream_events_processed_total{result="success"} 1
stream_events_processed_total{result="failure"} 0
stream_events_processed_total{result="timeout"} 0
# HELP stream_lag_seconds Lag "behind" \\ head.
# TYPE stream_lag_seconds gauge
stream_lag_seconds 0.5
# HELP stream_processing_duration_seconds Time to process one event.
# TYPE stream_processing_duration_seconds histogram
stream_processing_duration_seconds_bucket{result="success",le="0.001"} 0
stream_processing_duration_seconds_bucket{result="success",le="0.002"} 1
stream_processing_duration_seconds_bucket{result="success",le="0.004"} 1
stream_processing_duration_seconds_bucket{result="success",le="0.008"} 1
stream_processing_duration_seconds_bucket{result="success",le="+Inf"} 1
stream_processing_duration_seconds_count{result="success"} 1
stream_processing_duration_seconds_sum{result="success"} 0.0015
stream_processing_duration_seconds_bucket{result="failure",le="0.001"} 0
stream_processing_duration_seconds_bucket{result="failure",le="0.002"} 0
stream_processing_duration_seconds_bucket{result="failure",le="0.004"} 0
stream_processing_duration_seconds_bucket{result="failure",le="0.008"} 0
stream_processing_duration_seconds_bucket{result="failure",le="+Inf"} 0
stream_processing_duration_seconds_count{result="failure"} 0
stream_processing_duration_seconds_sum{result="failure"} 0.0
stream_processing_duration_seconds_bucket{result="timeout",le="0.001"} 0
stream_processing_duration_seconds_bucket{result="timeout",le="0.002"} 0
stream_processing_duration_seconds_bucket{result="timeout",le="0.004"} 0
stream_processing_duration_seconds_bucket{result="timeout",le="0.008"} 0
stream_processing_duration_seconds_bucket{result="timeout",le="+Inf"} 0
stream_processing_duration_seconds_count{result="timeout"} 0
stream_processing_duration_seconds_sum{result="timeout"} 0.0
# HELP stream_queue_depth Events waiting.
# TYPE stream_queue_depth gauge
stream_queue_depth 0
# HELP stream_state_ops_total State operations.
# TYPE stream_state_ops_total counter
stream_state_ops_total{operation="get",store="ROCKS_DB"} 0
stream_state_ops_total{operation="get",store="IN_MEMORY"} 0
stream_state_ops_total{operation="put!",store="ROCKS_DB"} 3
stream_state_ops_total{operation="put!",store="IN_MEMORY"} 0
# HELP stream_tenant_requests_total Requests per tenant (open-ended label: capped).
# TYPE stream_tenant_requests_total counter
stream_tenant_requests_total{tenant="a",result="success"} 1
"#;

fn exercise(m: &StreamMetrics) {
    m.events_ingested.inc_by(2);
    m.events_processed[ResultLabel::Success].inc();
    m.processing_duration[ResultLabel::Success].observe(0.0015);
    m.state_ops[OpLabels {
        operation: OperationLabel::Put,
        backend: Backend::RocksDb,
    }]
    .inc_by(3);
    m.tenant_requests
        .get_or_create(&TenantLabels {
            tenant: "a".into(),
            result: ResultLabel::Success,
        })
        .inc();
    m.build.set([("version", "1.2.3")]).unwrap();
    m.lag_seconds_value.set(0.5);
    m.io.read.inc_by(1024.0);
}

#[test]
fn derived_struct_exposition_text() {
    let metrics = Arc::new(StreamMetrics::default());
    exercise(&metrics);
    assert_eq!(
        registry_with(&metrics).encode_to_string(Format::Text),
        EXPECTED_TEXT
    );
}

#[test]
fn derived_struct_exposition_openmetrics() {
    let metrics = Arc::new(StreamMetrics::default());
    exercise(&metrics);
    let om = registry_with(&metrics).encode_to_string(Format::OpenMetrics);
    let expected = EXPECTED_TEXT
        .replace("# HELP io_read_bytes_total", "# HELP io_read_bytes")
        .replace("# TYPE io_read_bytes_total counter\n", "# TYPE io_read_bytes counter\n# UNIT io_read_bytes bytes\n")
        .replace("# HELP stream_build_info Build facts.\n# TYPE stream_build_info gauge", "# HELP stream_build Build facts.\n# TYPE stream_build info")
        .replace("# HELP stream_events_ingested_total", "# HELP stream_events_ingested")
        .replace("# TYPE stream_events_ingested_total", "# TYPE stream_events_ingested")
        .replace("# HELP stream_events_processed_total", "# HELP stream_events_processed")
        .replace("# TYPE stream_events_processed_total", "# TYPE stream_events_processed")
        .replace("Lag \"behind\"", "Lag \\\"behind\\\"")
        .replace("the \"C:", "the \\\"C:")
        .replace("queue\" ", "queue\\\" ")
        .replace("# TYPE stream_lag_seconds gauge\n", "# TYPE stream_lag_seconds gauge\n# UNIT stream_lag_seconds seconds\n")
        .replace(
            "# TYPE stream_processing_duration_seconds histogram\n",
            "# TYPE stream_processing_duration_seconds histogram\n# UNIT stream_processing_duration_seconds seconds\n",
        )
        .replace("# HELP stream_state_ops_total", "# HELP stream_state_ops")
        .replace("# TYPE stream_state_ops_total", "# TYPE stream_state_ops")
        .replace("# HELP stream_tenant_requests_total", "# HELP stream_tenant_requests")
        .replace("# TYPE stream_tenant_requests_total", "# TYPE stream_tenant_requests")
        + "# EOF\n";
    assert_eq!(om, expected);
}

#[test]
fn dense_families_exist_at_zero_before_use() {
    let metrics = Arc::new(StreamMetrics::default());
    let registry = registry_with(&metrics);
    for result in ["success", "failure", "timeout"] {
        assert_eq!(
            testing::sample_value(
                &registry,
                "stream_events_processed_total",
                &[("result", result)]
            ),
            Some(0.0)
        );
    }
    let combos = registry
        .encode_to_string(Format::Text)
        .lines()
        .filter(|l| l.starts_with("stream_state_ops_total{"))
        .count();
    assert_eq!(combos, 4);
}

#[test]
fn sparse_field_honours_max_series() {
    let metrics = StreamMetrics::default();
    for t in ["a", "b", "c"] {
        metrics
            .tenant_requests
            .get_or_create(&TenantLabels {
                tenant: t.into(),
                result: ResultLabel::Failure,
            })
            .inc();
    }
    assert_eq!(metrics.tenant_requests.len(), 2);
}

// Registered at link time; never touched by this test binary's code
// except through the global registry.
#[derive(Metrics)]
#[metrics(prefix = "untouched")]
struct Untouched {
    /// Jobs by result.
    jobs: Family<ResultLabel, Counter>,
}

#[register]
static UNTOUCHED: Global<Untouched> = Global::new();

#[test]
fn registered_statics_appear_without_being_touched() {
    let text = Registry::global().encode_to_string(Format::Text);
    assert!(
        text.contains("# HELP untouched_jobs_total Jobs by result.\n"),
        "{text}"
    );
    assert!(
        text.contains("untouched_jobs_total{result=\"timeout\"} 0\n"),
        "{text}"
    );
    testing::assert_global_registry_ok();
}
