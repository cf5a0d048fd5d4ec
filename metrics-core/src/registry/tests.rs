//! Registry behaviour: clashes, validation, constant labels, streaming.

use super::*;
use crate::label::tests::Method;
use crate::{Counter, Family, Gauge, Histogram, Info};

fn counter() -> Arc<Counter> {
    Arc::new(Counter::new())
}

fn err(r: &Registry, name: &str, metric: Arc<impl EncodeMetric + 'static>) -> RegistryError {
    r.register_metric(Metadata::new(name.to_owned(), "h"), metric)
        .unwrap_err()
}

#[test]
fn clashes_after_suffixes_name_both_families() {
    let r = Registry::new();
    r.register_metric(Metadata::new("requests", "h"), counter())
        .unwrap();
    r.register_metric(
        Metadata::new("latency", "h"),
        Arc::new(Histogram::default()),
    )
    .unwrap();
    let cases: Vec<(&str, RegistryError)> = vec![
        (
            "requests",
            err(&r, "requests", Arc::new(Gauge::<i64>::new())),
        ),
        (
            "requests_total",
            err(&r, "requests_total", Arc::new(Gauge::<i64>::new())),
        ),
        (
            "latency_count",
            err(&r, "latency_count", Arc::new(Gauge::<i64>::new())),
        ),
        (
            "latency_bucket",
            err(&r, "latency_bucket", Arc::new(Gauge::<i64>::new())),
        ),
        ("latency_sum", err(&r, "latency", counter())),
        (
            "requests_created",
            err(&r, "requests_created", Arc::new(Gauge::<f64>::new())),
        ),
    ];
    for (name, e) in cases {
        let RegistryError::NameClash {
            existing_family, ..
        } = &e
        else {
            panic!("{name}: {e:?}");
        };
        assert!(
            ["requests", "latency"].contains(&existing_family.as_str()),
            "{e}"
        );
        let msg = e.to_string();
        assert!(msg.contains(&format!("`{existing_family}`")), "{msg}");
    }
    let e = err(&r, "requests", counter());
    assert_eq!(
        e.to_string(),
        "counter `requests` clashes with the registered counter `requests`: both would expose `requests`"
    );
    let e = err(&r, "metrics_label_sets_dropped", counter());
    assert!(matches!(e, RegistryError::NameClash { .. }), "{e}");
}

#[test]
fn clash_inside_one_collector_registers_nothing() {
    struct Two(Metadata, Metadata, Counter, Gauge);
    impl Collector for Two {
        fn collect<'a>(&'a self, families: &mut Families<'a>) {
            families.push(&self.0, &self.2);
            families.push(&self.1, &self.3);
        }
    }
    let r = Registry::new();
    let two = Two(
        Metadata::new("a", "h"),
        Metadata::new("a_total", "h"),
        Counter::new(),
        Gauge::new(),
    );
    assert!(r.register(two).is_err());
    // Nothing from the failed collector was kept.
    r.register_metric(Metadata::new("a", "h"), counter())
        .unwrap();
    assert_eq!(
        r.encode_to_string(Format::Text).matches("# TYPE").count(),
        1
    );
}

#[test]
fn names_are_validated() {
    let r = Registry::new();
    assert!(matches!(
        err(&r, "bad-name", counter()),
        RegistryError::InvalidMetricName { .. }
    ));
    assert!(matches!(
        err(&r, "", counter()),
        RegistryError::InvalidMetricName { .. }
    ));
    let e = err(&r, "done_total", counter());
    assert_eq!(
        e,
        RegistryError::RedundantSuffix {
            name: "done_total".into(),
            suffix: "_total"
        }
    );
    assert!(e.to_string().contains("register it as `done`"));
    let info = Arc::new(Info::new([("v", "1")]).unwrap());
    assert!(matches!(
        err(&r, "build_info", info),
        RegistryError::RedundantSuffix { .. }
    ));

    for (name, unit) in [
        ("latency", "seconds"),
        ("xseconds", "seconds"),
        ("a_b", "b c"),
        ("seconds", "seconds"),
    ] {
        let e = r
            .register_metric(
                Metadata::new(name, "h").with_unit(unit),
                Arc::new(Gauge::<f64>::new()),
            )
            .unwrap_err();
        assert!(
            matches!(e, RegistryError::InvalidUnit { .. }),
            "{name} {unit}: {e}"
        );
    }
    r.register_metric(
        Metadata::new("wait_seconds", "h").with_unit("seconds"),
        Arc::new(Gauge::<f64>::new()),
    )
    .unwrap();
}

#[test]
fn label_names_are_validated() {
    #[derive(Clone, Copy, PartialEq, Eq, Hash)]
    enum Le {
        A,
    }
    impl crate::LabelValue for Le {
        const NAME: &'static str = "le";
        const VALUES: &'static [Self] = &[Le::A];
        const STRINGS: &'static [&'static str] = &["a"];
        fn index(self) -> usize {
            0
        }
    }
    let r = Registry::new();
    let e = err(&r, "h", Arc::new(Family::<Le, Histogram>::new()));
    assert!(matches!(e, RegistryError::ReservedLabelName { .. }), "{e}");
    // `le` is fine on a counter.
    r.register_metric(
        Metadata::new("c", "h"),
        Arc::new(Family::<Le, Counter>::new()),
    )
    .unwrap();
    let e = err(
        &r,
        "d",
        Arc::new(Family::<(Method, Method), Counter>::new()),
    );
    assert!(matches!(e, RegistryError::DuplicateLabelName { .. }), "{e}");
    let info = Arc::new(Info::new([("quantile", "1")]).unwrap());
    assert!(matches!(
        err(&r, "i", info),
        RegistryError::ReservedLabelName { .. }
    ));
}

#[test]
fn const_labels() {
    let reserved = Registry::with_const_labels([("__x", "a")]).err().unwrap();
    assert_eq!(
        reserved.to_string(),
        "invalid constant label name `__x`: label names starting with `__` are reserved for Prometheus"
    );
    let twice = Registry::with_const_labels([("a", "1"), ("a", "2")])
        .err()
        .unwrap();
    assert!(
        matches!(twice, RegistryError::InvalidConstLabel { reason: None, .. }),
        "{twice}"
    );
    let r = Registry::with_const_labels([("service", "api \"v2\"")]).unwrap();
    let e = err(&r, "m", Arc::new(Info::new([("service", "x")]).unwrap()));
    assert!(matches!(e, RegistryError::DuplicateLabelName { .. }), "{e}");
    let family = Arc::new(Family::<Method, Counter>::new());
    r.register_metric(Metadata::new("m", "h"), family.clone())
        .unwrap();
    r.register_metric(Metadata::new("n", "h"), counter())
        .unwrap();
    family[Method::Get].inc();
    let text = r.encode_to_string(Format::Text);
    assert!(
        text.contains("m_total{service=\"api \\\"v2\\\"\",method=\"get\"} 1\n"),
        "{text}"
    );
    assert!(
        text.contains("n_total{service=\"api \\\"v2\\\"\"} 0\n"),
        "{text}"
    );
    assert!(format!("{r:?}").contains("collectors: 2"));
}

#[test]
fn unregister_frees_the_name() {
    let r = Registry::new();
    let id = r
        .register_metric(Metadata::new("a", "h"), counter())
        .unwrap();
    assert!(r
        .register_metric(Metadata::new("a", "h"), counter())
        .is_err());
    assert!(r.unregister(id));
    assert!(!r.unregister(id));
    assert_eq!(r.encode_to_string(Format::Text), "");
    r.register_metric(Metadata::new("a", "h"), counter())
        .unwrap();
}

#[test]
fn static_and_global_collectors() {
    static G: crate::Global<Single<Counter>> = crate::Global::with_init(|| Single {
        metadata: Metadata::new("g", "h"),
        metric: Arc::new(Counter::new()),
    });
    let r = Registry::new();
    r.register(&G).unwrap();
    G.metric.inc();
    assert!(r.encode_to_string(Format::Text).contains("g_total 1\n"));
    assert!(std::ptr::eq(Registry::global(), Registry::global()));
}

#[test]
fn streams_large_expositions_with_stats() {
    struct Many(Vec<(Metadata, Gauge)>);
    impl Collector for Many {
        fn collect<'a>(&'a self, families: &mut Families<'a>) {
            for (m, g) in &self.0 {
                families.push(m, g);
            }
        }
    }
    let r = Registry::new();
    let many = Many(
        (0..2000)
            .map(|i| (Metadata::new(format!("g{i:04}"), "help"), Gauge::new()))
            .collect(),
    );
    r.register(many).unwrap();
    struct Chunks(Vec<usize>);
    impl io::Write for Chunks {
        fn write(&mut self, b: &[u8]) -> io::Result<usize> {
            self.0.push(b.len());
            Ok(b.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }
    let mut chunks = Chunks(Vec::new());
    let stats = r.encode(Format::OpenMetrics, &mut chunks).unwrap();
    assert_eq!(stats.families, 2000);
    assert_eq!(stats.series, 2000);
    assert!(chunks.0.len() > 1, "written in several chunks");
    assert_eq!(chunks.0.iter().sum::<usize>(), stats.bytes);
}
