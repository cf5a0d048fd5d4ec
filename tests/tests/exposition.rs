//! Golden tests: the exact text both formats produce for every metric kind,
//! escaping, non-finite values, unicode and an empty registry.

use std::sync::Arc;

use examples::manual::{Method, TenantLabels};
use integration_tests::proto;
use metrics_core::{
    testing, Buckets, Counter, Family, Format, Gauge, Histogram, Info, Metadata, Registry,
};

fn golden_registry() -> Registry {
    let r = Registry::new();
    let requests = Arc::new(Family::<Method, Counter>::new());
    requests[Method::Post].inc_by(2);
    r.register_metric(Metadata::new("requests", "Requests by method."), requests)
        .unwrap();

    let tenants = Arc::new(Family::<TenantLabels, Counter<f64>>::new());
    tenants
        .get_or_create(&TenantLabels {
            tenant: "ä\"\\\nz".into(),
            method: Method::Get,
        })
        .inc_by(0.5);
    r.register_metric(
        Metadata::new("tenant_cost", "Cost \"per\" tenant\\\nsecond line."),
        tenants,
    )
    .unwrap();

    let level = Arc::new(Gauge::<f64>::new());
    level.set(f64::NAN);
    r.register_metric(Metadata::new("level", "A NaN gauge."), level)
        .unwrap();
    let low = Arc::new(Gauge::<f64>::new());
    low.set(f64::NEG_INFINITY);
    r.register_metric(Metadata::new("low", "A -Inf gauge."), low)
        .unwrap();
    let depth = Arc::new(Gauge::<i64>::new());
    depth.set(-7);
    r.register_metric(Metadata::new("queue_depth", "Queue depth."), depth)
        .unwrap();

    let latency = Arc::new(Histogram::new(Buckets::new(&[0.5, 1.0])));
    latency.observe(0.25);
    latency.observe(0.75);
    latency.observe(4.0);
    r.register_metric(
        Metadata::new("latency_seconds", "Latency.").with_unit("seconds"),
        latency,
    )
    .unwrap();

    let build = Arc::new(Info::new([("version", "1.0.0")]).unwrap());
    r.register_metric(Metadata::new("build", "Build."), build)
        .unwrap();
    r
}

const TEXT: &str = r#"# HELP build_info Build.
# TYPE build_info gauge
build_info{version="1.0.0"} 1
# HELP latency_seconds Latency.
# TYPE latency_seconds histogram
latency_seconds_bucket{le="0.5"} 1
latency_seconds_bucket{le="1.0"} 2
latency_seconds_bucket{le="+Inf"} 3
latency_seconds_count 3
latency_seconds_sum 5.0
# HELP level A NaN gauge.
# TYPE level gauge
level NaN
# HELP low A -Inf gauge.
# TYPE low gauge
low -Inf
# HELP queue_depth Queue depth.
# TYPE queue_depth gauge
queue_depth -7
# HELP requests_total Requests by method.
# TYPE requests_total counter
requests_total{method="get"} 0
requests_total{method="post"} 2
# HELP tenant_cost_total Cost "per" tenant\\\nsecond line.
# TYPE tenant_cost_total counter
tenant_cost_total{tenant="ä\"\\\nz",method="get"} 0.5
"#;

const OPENMETRICS: &str = r#"# HELP build Build.
# TYPE build info
build_info{version="1.0.0"} 1
# HELP latency_seconds Latency.
# TYPE latency_seconds histogram
# UNIT latency_seconds seconds
latency_seconds_bucket{le="0.5"} 1
latency_seconds_bucket{le="1.0"} 2
latency_seconds_bucket{le="+Inf"} 3
latency_seconds_count 3
latency_seconds_sum 5.0
# HELP level A NaN gauge.
# TYPE level gauge
level NaN
# HELP low A -Inf gauge.
# TYPE low gauge
low -Inf
# HELP queue_depth Queue depth.
# TYPE queue_depth gauge
queue_depth -7
# HELP requests Requests by method.
# TYPE requests counter
requests_total{method="get"} 0
requests_total{method="post"} 2
# HELP tenant_cost Cost \"per\" tenant\\\nsecond line.
# TYPE tenant_cost counter
tenant_cost_total{tenant="ä\"\\\nz",method="get"} 0.5
# EOF
"#;

#[test]
fn text_format_golden() {
    assert_eq!(golden_registry().encode_to_string(Format::Text), TEXT);
}

#[test]
fn openmetrics_golden() {
    assert_eq!(
        golden_registry().encode_to_string(Format::OpenMetrics),
        OPENMETRICS
    );
}

#[test]
fn empty_registry() {
    let r = Registry::new();
    assert_eq!(r.encode_to_string(Format::Text), "");
    assert_eq!(r.encode_to_string(Format::OpenMetrics), "# EOF\n");
}

#[test]
fn families_without_series_keep_their_metadata() {
    let r = Registry::new();
    r.register_metric(
        Metadata::new("idle", "No series yet."),
        Arc::new(Family::<TenantLabels, Counter>::new()),
    )
    .unwrap();
    assert_eq!(
        r.encode_to_string(Format::OpenMetrics),
        "# HELP idle No series yet.\n# TYPE idle counter\n# EOF\n"
    );
}

#[test]
fn constant_labels_and_families_in_name_order() {
    let r = Registry::with_const_labels([("region", "eu-1")]).unwrap();
    for name in ["zeta", "alpha", "mid"] {
        r.register_metric(Metadata::new(name, "h"), Arc::new(Gauge::<i64>::new()))
            .unwrap();
    }
    testing::assert_exposition_eq(
        &r,
        "# HELP mid h\n# TYPE mid gauge\nmid{region=\"eu-1\"} 0\n\
         # HELP alpha h\n# TYPE alpha gauge\nalpha{region=\"eu-1\"} 0\n\
         # HELP zeta h\n# TYPE zeta gauge\nzeta{region=\"eu-1\"} 0\n",
    );
    let text = r.encode_to_string(Format::Text);
    let order: Vec<&str> = text
        .lines()
        .filter_map(|l| l.strip_prefix("# TYPE "))
        .collect();
    assert_eq!(order, ["alpha gauge", "mid gauge", "zeta gauge"]);
}

#[test]
fn testing_helpers_read_typed_values() {
    let family = Family::<TenantLabels, Histogram>::with_options(Buckets::new(&[1.0]));
    let labels = TenantLabels {
        tenant: "t".into(),
        method: Method::Get,
    };
    assert_eq!(testing::value(&family, &labels), None);
    family.get_or_create(&labels).observe(0.5);
    let snapshot = testing::value(&family, &labels).unwrap();
    assert_eq!((snapshot.count, snapshot.cumulative), (1, vec![1, 1]));

    let r = golden_registry();
    assert_eq!(
        testing::sample_value(&r, "requests_total", &[("method", "post")]),
        Some(2.0)
    );
    assert_eq!(
        testing::sample_value(&r, "latency_seconds_bucket", &[("le", "+Inf")]),
        Some(3.0)
    );
    assert_eq!(
        testing::sample_value(
            &r,
            "tenant_cost_total",
            &[("method", "get"), ("tenant", "ä\"\\\nz")]
        ),
        Some(0.5)
    );
    assert!(testing::sample_value(&r, "level", &[]).unwrap().is_nan());
    assert_eq!(
        testing::sample_value(&r, "requests_total", &[("method", "put")]),
        None
    );
}

#[test]
#[should_panic(expected = "exposition differs")]
fn assert_exposition_eq_fails_on_a_difference() {
    testing::assert_exposition_eq(
        &golden_registry(),
        &TEXT.replace("queue_depth -7", "queue_depth 7"),
    );
}

#[test]
fn openmetrics_histogram_with_negative_buckets_has_no_sum() {
    let r = Registry::new();
    let h = Arc::new(Histogram::new(Buckets::new(&[-1.0, 1.0])));
    h.observe(-2.0);
    r.register_metric(Metadata::new("delta", "Signed."), h)
        .unwrap();
    let om = r.encode_to_string(Format::OpenMetrics);
    assert!(
        om.contains("delta_bucket{le=\"-1.0\"} 1\n") && om.contains("delta_count 1\n"),
        "{om}"
    );
    assert!(!om.contains("delta_sum"), "{om}");
    assert!(r
        .encode_to_string(Format::Text)
        .contains("delta_sum -2.0\n"));
}

/// Hostile label values, generated deterministically from an alphabet of
/// every character the formats treat specially.
pub(crate) fn hostile_values(n: usize) -> Vec<String> {
    const ALPHABET: &[&str] = &[
        "\\", "\"", "\n", "\r", "\t", "}", "{", ",", "=", " ", "é", "✓", "𝄞", "a", "0", "#",
        "\u{0}",
    ];
    let mut state = 0x2545_f491_4f6c_dd1du64;
    (0..n)
        .map(|_| {
            // xorshift64*
            state ^= state >> 12;
            state ^= state << 25;
            state ^= state >> 27;
            let r = state.wrapping_mul(0x2545_f491_4f6c_dd1d);
            let len = (r % 12) as usize;
            (0..len)
                .map(|i| ALPHABET[((r >> (i * 5)) % ALPHABET.len() as u64) as usize])
                .collect()
        })
        .collect()
}

#[test]
fn hostile_label_values_round_trip() {
    let r = Registry::new();
    let family = Arc::new(Family::<TenantLabels, Counter>::new());
    r.register_metric(Metadata::new("hostile", "Hostile values."), family.clone())
        .unwrap();
    let values = hostile_values(500);
    for (i, v) in values.iter().enumerate() {
        family
            .get_or_create(&TenantLabels {
                tenant: v.clone(),
                method: Method::Get,
            })
            .inc_by(i as u64 + 1);
    }
    for format in [Format::Text, Format::OpenMetrics] {
        let text = r.encode_to_string(format);
        // One line per distinct value: no value broke out of its line.
        let distinct: std::collections::HashSet<&String> = values.iter().collect();
        assert_eq!(
            text.lines()
                .filter(|l| l.starts_with("hostile_total{"))
                .count(),
            distinct.len()
        );
        for v in &distinct {
            let got = testing::sample_value_in(
                &text,
                "hostile_total",
                &[("tenant", v), ("method", "get")],
            );
            assert!(got.is_some(), "{v:?} did not round-trip in {format:?}");
        }
    }
}

/// A decoded series' label pairs.
fn labels_of(metric: &proto::Metric) -> Vec<(String, String)> {
    metric
        .label
        .iter()
        .map(|l| (l.name.clone().unwrap(), l.value.clone().unwrap()))
        .collect()
}

#[test]
fn protobuf_decodes_field_by_field() {
    let families = proto::encode(&golden_registry());
    let names: Vec<&str> = families
        .iter()
        .map(|f| f.name.as_deref().unwrap())
        .collect();
    // Sorted by family name, named as text 0.0.4 names them.
    assert_eq!(
        names,
        [
            "build_info",
            "latency_seconds",
            "level",
            "low",
            "queue_depth",
            "requests_total",
            "tenant_cost_total"
        ]
    );
    let family = |name: &str| proto::family(&families, name);
    const COUNTER: i32 = 0;
    const GAUGE: i32 = 1;
    const HISTOGRAM: i32 = 4;

    let build = family("build_info");
    assert_eq!(
        (build.r#type, build.help.as_deref()),
        (Some(GAUGE), Some("Build."))
    );
    assert_eq!(
        labels_of(&build.metric[0]),
        [("version".into(), "1.0.0".into())]
    );
    assert_eq!(build.metric[0].gauge.as_ref().unwrap().value, Some(1.0));

    let latency = family("latency_seconds");
    assert_eq!(
        (latency.r#type, latency.unit.as_deref()),
        (Some(HISTOGRAM), Some("seconds"))
    );
    let h = latency.metric[0].histogram.as_ref().unwrap();
    assert_eq!((h.sample_count, h.sample_sum), (Some(3), Some(5.0)));
    let buckets: Vec<(f64, u64)> = h
        .bucket
        .iter()
        .map(|b| (b.upper_bound.unwrap(), b.cumulative_count.unwrap()))
        .collect();
    assert_eq!(
        buckets,
        [(0.5, 1), (1.0, 2)],
        "+Inf is implied by the count"
    );

    assert!(family("level").metric[0]
        .gauge
        .as_ref()
        .unwrap()
        .value
        .unwrap()
        .is_nan());
    assert_eq!(
        family("low").metric[0].gauge.as_ref().unwrap().value,
        Some(f64::NEG_INFINITY)
    );
    assert_eq!(
        family("queue_depth").metric[0]
            .gauge
            .as_ref()
            .unwrap()
            .value,
        Some(-7.0)
    );

    let requests = family("requests_total");
    assert_eq!(
        (requests.r#type, requests.help.as_deref()),
        (Some(COUNTER), Some("Requests by method."))
    );
    // A dense family: every method, at zero but the one incremented.
    let by_method: Vec<(Vec<(String, String)>, f64)> = requests
        .metric
        .iter()
        .map(|m| (labels_of(m), m.counter.as_ref().unwrap().value.unwrap()))
        .collect();
    assert!(
        by_method.contains(&(vec![("method".into(), "post".into())], 2.0)),
        "{by_method:?}"
    );
    assert!(by_method.iter().filter(|(_, v)| *v == 0.0).count() == by_method.len() - 1);

    // Escaped in text, raw in protobuf; the help text too.
    let tenants = family("tenant_cost_total");
    assert_eq!(
        tenants.help.as_deref(),
        Some("Cost \"per\" tenant\\\nsecond line.")
    );
    assert_eq!(
        labels_of(&tenants.metric[0]),
        [
            ("tenant".into(), "ä\"\\\nz".into()),
            ("method".into(), "get".into())
        ]
    );
    assert_eq!(tenants.metric[0].counter.as_ref().unwrap().value, Some(0.5));
}

#[test]
fn protobuf_carries_constant_labels_and_leaves_out_empty_families() {
    let r = Registry::with_const_labels([("service", "a\"b")]).unwrap();
    let hits = Arc::new(Counter::<u64>::new());
    hits.inc_by(3);
    r.register_metric(Metadata::new("hits", "Hits."), hits)
        .unwrap();
    let empty = Arc::new(Family::<TenantLabels, Counter>::new());
    r.register_metric(Metadata::new("empty", "No series yet."), empty)
        .unwrap();
    let families = proto::encode(&r);
    assert_eq!(families.len(), 1, "{families:?}");
    assert_eq!(
        labels_of(&families[0].metric[0]),
        [("service".into(), "a\"b".into())]
    );
    assert_eq!(
        families[0].metric[0].counter.as_ref().unwrap().value,
        Some(3.0)
    );
    assert!(proto::encode(&Registry::new()).is_empty());
}

#[test]
fn protobuf_is_written_for_ten_thousand_series_with_long_messages() {
    // Families and series past 127 bytes take multi-byte lengths.
    let r = Registry::new();
    let tenants = Arc::new(Family::<TenantLabels, Counter>::new().with_max_series(20_000));
    for i in 0..10_000u64 {
        tenants
            .get_or_create(&TenantLabels {
                tenant: format!("tenant-{i}-{}", "x".repeat((i % 200) as usize)),
                method: Method::Get,
            })
            .inc_by(i);
    }
    r.register_metric(Metadata::new("tenant_requests", "Requests."), tenants)
        .unwrap();
    let families = proto::encode(&r);
    assert_eq!(families[0].metric.len(), 10_000);
    let total: f64 = families[0]
        .metric
        .iter()
        .map(|m| m.counter.as_ref().unwrap().value.unwrap())
        .sum();
    assert_eq!(total, (0..10_000u64).sum::<u64>() as f64);
}
