//! Native histograms end to end: the derive's `native` option, the
//! protobuf fields decoded by an independent decoder and compared with
//! buckets computed here from the definition, and what the text formats
//! show.

use std::sync::Arc;

use integration_tests::proto;
use metrics_core::{
    testing, Buckets, Family, Format, Histogram, LabelValue, Metadata, Metrics, NativeBuckets,
    Registry,
};

#[derive(LabelValue, Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Stage {
    Parse,
    Store,
}

#[derive(Metrics)]
#[metrics(prefix = "nh")]
struct Pipeline {
    /// Native buckets only.
    #[metrics(unit = "seconds", native)]
    latency: Histogram,
    /// Both kinds, by stage, at a finer resolution.
    #[metrics(
        unit = "bytes",
        buckets = Buckets::exponential(64.0, 4.0, 6),
        native = NativeBuckets::from_factor(1.05).with_max_buckets(100)
    )]
    size: Family<Stage, Histogram>,
    /// Classic only (the default).
    classic: Histogram,
}

/// The native bucket of `v` at `schema` from the definition (bucket `i`
/// ends at `2^(i * 2^-schema)`), computed with a logarithm rather than the
/// library's table.
fn expected_index(v: f64, schema: i32) -> i32 {
    (v.log2() * 2f64.powi(schema)).ceil() as i32
}

/// A deterministic stream of values spread over `decades` from 10^-4.
fn values(n: usize, decades: f64) -> Vec<f64> {
    let mut state = 0x2545_f491_4f6c_dd1du64;
    (0..n)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let unit = (state >> 11) as f64 / (1u64 << 53) as f64;
            10f64.powf(unit * decades - 4.0)
        })
        .collect()
}

#[test]
fn native_buckets_decode_to_the_observed_values() {
    let registry = Registry::new();
    let metrics = Arc::new(Pipeline::default());
    registry.register(metrics.clone()).unwrap();
    // Five decades at schema 3 take ~133 buckets: within the default 160.
    let values = values(5_000, 5.0);
    for v in &values {
        metrics.latency.observe(*v);
    }
    metrics.latency.observe(0.0);
    metrics.latency.observe(-0.5);

    let families = proto::encode(&registry);
    let latency = proto::family(&families, "nh_latency_seconds");
    let h = latency.metric[0].histogram.as_ref().unwrap();
    assert_eq!(h.schema, Some(3), "factor 1.1 is schema 3");
    assert_eq!(h.zero_threshold, Some(2f64.powi(-128)));
    assert_eq!(h.zero_count, Some(1));
    assert_eq!(h.sample_count, Some(5_002));
    let sum: f64 = values.iter().sum::<f64>() - 0.5;
    assert!((h.sample_sum.unwrap() - sum).abs() < 1e-9 * sum);
    assert!(h.bucket.is_empty(), "native only: no classic buckets");

    let schema = 3;
    let mut expected = std::collections::BTreeMap::new();
    for v in &values {
        *expected.entry(expected_index(*v, schema)).or_insert(0u64) += 1;
    }
    let positive: Vec<(i32, u64)> = proto::native_buckets(&h.positive_span, &h.positive_delta)
        .into_iter()
        .filter(|(_, c)| *c > 0)
        .collect();
    assert_eq!(positive, expected.into_iter().collect::<Vec<_>>());
    let negative = proto::native_buckets(&h.negative_span, &h.negative_delta);
    assert_eq!(negative, vec![(expected_index(0.5, schema), 1)]);
}

#[test]
fn the_bucket_limit_holds_and_lowers_the_resolution() {
    let h = Histogram::native(NativeBuckets::from_schema(8).with_max_buckets(40));
    for v in values(20_000, 6.0) {
        h.observe(v);
    }
    let native = h.snapshot().native.unwrap();
    let span = native.positive.last().unwrap().0 - native.positive[0].0 + 1;
    assert!(span <= 40, "{span} buckets");
    // Six decades in 40 buckets: schema 1 (factor 1.41) at most.
    assert!(native.schema <= 1, "schema {}", native.schema);
    assert_eq!(native.count(), 20_000);
}

#[test]
fn classic_and_native_together_in_a_family() {
    let registry = Registry::new();
    let metrics = Arc::new(Pipeline::default());
    registry.register(metrics.clone()).unwrap();
    // One decade at schema 4 takes ~54 buckets: within the limit of 100.
    for v in [100.0, 150.0, 300.0, 700.0, 1000.0] {
        metrics.size[Stage::Store].observe(v);
    }
    let families = proto::encode(&registry);
    let size = proto::family(&families, "nh_size_bytes");
    assert_eq!(size.metric.len(), 2, "dense: every stage, at zero too");
    let store = size
        .metric
        .iter()
        .find(|m| m.label[0].value.as_deref() == Some("store"))
        .unwrap();
    let h = store.histogram.as_ref().unwrap();
    assert_eq!(h.schema, Some(4), "factor 1.05 is schema 4");
    assert_eq!(h.sample_count, Some(5));
    // Classic buckets 64, 256, ..., 65536; the +Inf one implied.
    let cumulative: Vec<u64> = h
        .bucket
        .iter()
        .map(|b| b.cumulative_count.unwrap())
        .collect();
    assert_eq!(cumulative, [0, 2, 5, 5, 5, 5]);
    let native: Vec<(i32, u64)> = proto::native_buckets(&h.positive_span, &h.positive_delta)
        .into_iter()
        .filter(|(_, c)| *c > 0)
        .collect();
    let expected: Vec<(i32, u64)> = [100.0, 150.0, 300.0, 700.0, 1000.0]
        .iter()
        .map(|v| (expected_index(*v, 4), 1))
        .collect();
    assert_eq!(native, expected);

    // Beyond the limit, the resolution drops and the limit holds.
    for v in [0.001, 1e6] {
        metrics.size[Stage::Store].observe(v);
    }
    let native = metrics.size[Stage::Store].snapshot().native.unwrap();
    assert!(native.schema < 4);
    let span = native.positive.last().unwrap().0 - native.positive[0].0 + 1;
    assert!(span <= 100, "{span} buckets");

    // The empty series is still native: one no-op span.
    let parse = size
        .metric
        .iter()
        .find(|m| m.label[0].value.as_deref() == Some("parse"))
        .unwrap()
        .histogram
        .as_ref()
        .unwrap();
    assert_eq!(parse.positive_span.len(), 1);
    assert_eq!(
        (parse.positive_span[0].offset, parse.positive_span[0].length),
        (Some(0), Some(0))
    );
    assert!(parse.positive_delta.is_empty());

    // Classic histograms carry no native fields.
    let classic = proto::family(&families, "nh_classic").metric[0]
        .histogram
        .as_ref()
        .unwrap();
    assert_eq!(classic.schema, None);
    assert!(classic.positive_span.is_empty());
}

#[test]
fn text_formats_show_the_classic_part() {
    let registry = Registry::new();
    let h = Arc::new(Histogram::native(NativeBuckets::DEFAULT));
    h.observe(0.25);
    h.observe(2.0);
    registry
        .register_metric(Metadata::new("only_native", "Native only."), h)
        .unwrap();
    testing::assert_exposition_eq_in(
        &registry,
        Format::Text,
        "# HELP only_native Native only.\n\
         # TYPE only_native histogram\n\
         only_native_bucket{le=\"+Inf\"} 2\n\
         only_native_count 2\n\
         only_native_sum 2.25\n",
    );
    let open_metrics = registry.encode_to_string(Format::OpenMetrics);
    assert!(open_metrics.contains("only_native_bucket{le=\"+Inf\"} 2\n"));
    assert!(open_metrics.ends_with("# EOF\n"));
}

#[test]
fn deltas_and_spans_follow_the_wire_rules() {
    // Buckets 0, 1, 3 (a gap of one: filled), 10 (a gap of six: a new span).
    let registry = Registry::new();
    let h = Arc::new(Histogram::native(NativeBuckets::from_schema(0)));
    for v in [1.0, 1.0, 1.5, 6.0, 6.0, 6.0, 1000.0] {
        h.observe(v);
    }
    registry
        .register_metric(Metadata::new("spans", "Spans."), h)
        .unwrap();
    let families = proto::encode(&registry);
    let h = proto::family(&families, "spans").metric[0]
        .histogram
        .clone()
        .unwrap();
    let spans: Vec<(i32, u32)> = h
        .positive_span
        .iter()
        .map(|s| (s.offset.unwrap(), s.length.unwrap()))
        .collect();
    assert_eq!(spans, [(0, 4), (6, 1)]);
    assert_eq!(h.positive_delta, [2, -1, -1, 3, -2]);
}
