//! Exemplars on histogram buckets: the OpenMetrics syntax (checked by the
//! Python `prometheus_client` parser too), none in text 0.0.4, and the
//! protobuf fields decoded by an independent decoder.

use std::process::Command;
use std::sync::Arc;
use std::time::{Duration, UNIX_EPOCH};

use integration_tests::{proto, require_binary};
use metrics_core::{
    Buckets, Escaping, ExemplarError, Exposition, Format, Histogram, LabelSet, Metadata,
    NativeBuckets, OpenMetricsVersion, Registry,
};

#[derive(LabelSet)]
struct Trace {
    trace_id: String,
}

/// 2023-11-14T22:13:20.250Z.
fn at() -> std::time::SystemTime {
    UNIX_EPOCH + Duration::from_millis(1_700_000_000_250)
}

fn registry() -> (Registry, Arc<Histogram>) {
    let registry = Registry::new();
    let h = Arc::new(Histogram::new(Buckets::new(&[0.1, 1.0])));
    registry
        .register_metric(
            Metadata::new("request_latency_seconds", "Latency.").with_unit("seconds"),
            h.clone(),
        )
        .unwrap();
    h.observe(0.05);
    h.observe_with_exemplar(0.5, &[("trace_id", "abc\"1")], Some(at()))
        .unwrap();
    // The latest of a bucket wins.
    h.observe_with_exemplar(
        0.7,
        &Trace {
            trace_id: "4bf92f35".into(),
        },
        Some(at()),
    )
    .unwrap();
    h.observe_with_exemplar(3.0, &[("trace_id", "slow")], None)
        .unwrap();
    (registry, h)
}

#[test]
fn openmetrics_writes_the_latest_exemplar_of_each_bucket() {
    let (registry, _) = registry();
    assert_eq!(
        registry.encode_to_string(Format::OpenMetrics),
        "# HELP request_latency_seconds Latency.\n\
         # TYPE request_latency_seconds histogram\n\
         # UNIT request_latency_seconds seconds\n\
         request_latency_seconds_bucket{le=\"0.1\"} 1\n\
         request_latency_seconds_bucket{le=\"1.0\"} 3 # {trace_id=\"4bf92f35\"} 0.7 1700000000.25\n\
         request_latency_seconds_bucket{le=\"+Inf\"} 4 # {trace_id=\"slow\"} 3.0\n\
         request_latency_seconds_count 4\n\
         request_latency_seconds_sum 4.25\n\
         # EOF\n"
    );
    // Text 0.0.4 has no exemplars.
    let text = registry.encode_to_string(Format::Text);
    assert!(text.contains("request_latency_seconds_bucket{le=\"1.0\"} 3\n"));
    assert!(!text.contains("trace_id"));
}

#[test]
fn refused_exemplars_keep_the_observation() {
    let h = Histogram::new(Buckets::new(&[1.0]));
    let long = "é".repeat(130);
    assert!(matches!(
        h.observe_with_exemplar(0.5, &[("trace_id", long.as_str())], None),
        Err(ExemplarError::TooLong { chars: 138 })
    ));
    assert!(matches!(
        h.observe_with_exemplar(0.5, &[("trace id", "x")], None),
        Err(ExemplarError::InvalidLabelName { .. })
    ));
    assert!(matches!(
        h.observe_with_exemplar(f64::NAN, &[("trace_id", "x")], None),
        Err(ExemplarError::NonFiniteValue(_))
    ));
    let s = h.snapshot();
    assert_eq!(s.count, 2, "both finite observations are counted");
}

#[test]
fn protobuf_carries_bucket_and_native_exemplars() {
    let (registry, _) = registry();
    let native = Arc::new(Histogram::native(NativeBuckets::DEFAULT));
    native
        .observe_with_exemplar(0.3, &[("trace_id", "n1")], Some(at()))
        .unwrap();
    // Without a timestamp a native exemplar cannot be sent.
    native
        .observe_with_exemplar(30.0, &[("trace_id", "n2")], None)
        .unwrap();
    registry
        .register_metric(Metadata::new("native_latency", "Native."), native)
        .unwrap();
    let families = proto::encode(&registry);

    let classic = proto::family(&families, "request_latency_seconds");
    let h = classic.metric[0].histogram.as_ref().unwrap();
    assert_eq!(h.bucket.len(), 3, "0.1, 1 and +Inf (it has an exemplar)");
    assert!(h.bucket[0].exemplar.is_none());
    let e = h.bucket[1].exemplar.as_ref().unwrap();
    assert_eq!(e.label[0].name.as_deref(), Some("trace_id"));
    assert_eq!(e.label[0].value.as_deref(), Some("4bf92f35"));
    assert_eq!(e.value, Some(0.7));
    let ts = e.timestamp.as_ref().unwrap();
    assert_eq!((ts.seconds, ts.nanos), (1_700_000_000, 250_000_000));
    assert_eq!(h.bucket[2].upper_bound, Some(f64::INFINITY));
    assert_eq!(h.bucket[2].cumulative_count, Some(4));
    assert!(h.bucket[2].exemplar.as_ref().unwrap().timestamp.is_none());

    let native = proto::family(&families, "native_latency");
    let h = native.metric[0].histogram.as_ref().unwrap();
    assert!(h.bucket.is_empty());
    assert_eq!(h.exemplars.len(), 1);
    assert_eq!(h.exemplars[0].label[0].value.as_deref(), Some("n1"));
    assert_eq!(h.exemplars[0].value, Some(0.3));
}

#[test]
fn the_python_parser_reads_the_exemplars() {
    let Some(python) = require_binary("python3") else {
        return;
    };
    let (registry, _) = registry();
    let body = registry.encode_to_string(Format::OpenMetrics);
    let script = r#"
import sys
try:
    from prometheus_client.openmetrics.parser import text_string_to_metric_families
except ImportError:
    print("prometheus_client is not installed")
    sys.exit(3)
found = []
for family in text_string_to_metric_families(sys.stdin.read()):
    for s in family.samples:
        if s.exemplar is not None:
            found.append("%s %s %s %s" % (s.labels["le"], s.exemplar.labels["trace_id"], s.exemplar.value, s.exemplar.timestamp))
print("\n".join(found))
"#;
    let mut child = Command::new(python)
        .args(["-c", script])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(body.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    if out.status.code() == Some(3) {
        assert!(
            std::env::var_os("CI").is_none(),
            "python3's prometheus_client is missing, and CI is set: .ci/run must install it"
        );
        eprintln!("skipped: {stdout}");
        return;
    }
    assert!(out.status.success(), "parser failed: {stdout}");
    assert_eq!(
        stdout.trim(),
        "1.0 4bf92f35 0.7 1700000000.250000000\n+Inf slow 3.0 None"
    );
}

#[test]
fn families_with_utf8_names_keep_their_exemplars() {
    let registry = Registry::new();
    let h = Arc::new(Histogram::new(Buckets::new(&[1.0])));
    registry
        .register_metric(
            Metadata::new("rpc.latency", "Latency.").with_utf8_names(),
            h.clone(),
        )
        .unwrap();
    h.observe_with_exemplar(0.5, &[("trace_id", "t1")], None)
        .unwrap();
    // Escaped to a legacy name, and quoted as it is under allow-utf-8.
    let escaped = registry.encode_to_string(Format::OpenMetrics);
    assert!(
        escaped.contains("rpc_latency_bucket{le=\"1.0\"} 1 # {trace_id=\"t1\"} 0.5\n"),
        "{escaped}"
    );
    let quoted = registry.encode_to_string(
        Exposition::openmetrics(OpenMetricsVersion::V1_0_0).with_escaping(Escaping::AllowUtf8),
    );
    assert!(
        quoted.contains("{\"rpc.latency_bucket\",le=\"1.0\"} 1 # {trace_id=\"t1\"} 0.5\n"),
        "{quoted}"
    );
}
