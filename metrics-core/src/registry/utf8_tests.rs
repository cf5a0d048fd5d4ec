//! Families with UTF-8 names: the opt-in, the clashes escaping would
//! cause, and each scheme's body in each format.

use super::*;
use crate::format::{Exposition, TextVersion};
use crate::label::LabelValue;
use crate::name::Escaping;
use crate::{Buckets, Counter, Family, Gauge, Histogram};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Method {
    Get,
}

impl LabelValue for Method {
    const NAME: &'static str = "http.method";
    const VALUES: &'static [Self] = &[Method::Get];
    const STRINGS: &'static [&'static str] = &["GET"];
    fn index(self) -> usize {
        0
    }
}

fn utf8(name: &'static str) -> Metadata {
    Metadata::new(name, "Help.").with_utf8_names()
}

fn text(r: &Registry, escaping: Escaping) -> String {
    r.encode_to_string(Exposition::text(TextVersion::V1_0_0).with_escaping(escaping))
}

#[test]
fn utf8_names_need_the_opt_in() {
    let r = Registry::new();
    let family = || Arc::new(Family::<Method, Counter>::new());
    let e = r
        .register_metric(Metadata::new("requests", "h"), family())
        .unwrap_err();
    assert!(matches!(e, RegistryError::InvalidLabelName { .. }), "{e}");
    let e = r
        .register_metric(Metadata::new("a.b", "h"), Arc::new(Counter::<u64>::new()))
        .unwrap_err();
    assert!(matches!(e, RegistryError::InvalidMetricName { .. }), "{e}");
    r.register_metric(utf8("requests"), family()).unwrap();
    r.register_metric(utf8("a.b"), Arc::new(Counter::<u64>::new()))
        .unwrap();
    // Still refused with the opt-in: empty names, counters named `_total`.
    for (name, expected) in [("", "empty"), ("x.y_total", "_total")] {
        let e = r
            .register_metric(utf8(name), Arc::new(Counter::<u64>::new()))
            .unwrap_err();
        assert!(e.to_string().contains(expected), "{e}");
    }
}

#[test]
fn names_that_meet_once_escaped_clash() {
    let r = Registry::new();
    r.register_metric(Metadata::new("a_b", "h"), Arc::new(Counter::<u64>::new()))
        .unwrap();
    let e = r
        .register_metric(utf8("a.b"), Arc::new(Counter::<u64>::new()))
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        "counter `a.b` clashes with the registered counter `a_b`: both would expose `a_b`"
    );
    // `dots` writes `a.c` as `a_dot_c`, a histogram's sample names too.
    r.register_metric(utf8("a.c"), Arc::new(Histogram::default()))
        .unwrap();
    let e = r
        .register_metric(
            Metadata::new("a_dot_c_count", "h"),
            Arc::new(Gauge::<i64>::new()),
        )
        .unwrap_err();
    assert!(matches!(e, RegistryError::NameClash { .. }), "{e}");
    // Unregistering frees the escaped names too.
    let id = r
        .register_metric(utf8("x.y"), Arc::new(Gauge::<i64>::new()))
        .unwrap();
    assert!(r.unregister(id));
    r.register_metric(Metadata::new("x_y", "h"), Arc::new(Gauge::<i64>::new()))
        .unwrap();
}

#[test]
fn label_names_that_meet_once_escaped_are_refused() {
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
    enum Other {
        X,
    }
    impl LabelValue for Other {
        const NAME: &'static str = "http_method";
        const VALUES: &'static [Self] = &[Other::X];
        const STRINGS: &'static [&'static str] = &["x"];
        fn index(self) -> usize {
            0
        }
    }
    let r = Registry::new();
    let e = r
        .register_metric(
            utf8("requests"),
            Arc::new(Family::<(Method, Other), Counter>::new()),
        )
        .unwrap_err();
    assert_eq!(
        e,
        RegistryError::DuplicateLabelName {
            family: "requests".into(),
            label: "http_method".into()
        }
    );
}

/// One UTF-8 counter family with a UTF-8 label, one legacy gauge, one
/// UTF-8 histogram: each scheme's text body.
fn mixed() -> Registry {
    let r = Registry::with_const_labels([("svc", "s")]).unwrap();
    let requests = Arc::new(Family::<Method, Counter>::new());
    requests[Method::Get].inc_by(3);
    r.register_metric(utf8("http.requests"), requests).unwrap();
    let depth = Arc::new(Gauge::<i64>::new());
    depth.set(2);
    r.register_metric(Metadata::new("depth", "Depth."), depth)
        .unwrap();
    let latency = Arc::new(Histogram::new(Buckets::new(&[0.5])));
    latency.observe(0.25);
    r.register_metric(utf8("latency.seconds"), latency).unwrap();
    r
}

#[test]
fn allow_utf_8_quotes_the_names() {
    assert_eq!(
        text(&mixed(), Escaping::AllowUtf8),
        "# HELP depth Depth.\n# TYPE depth gauge\ndepth{svc=\"s\"} 2\n\
         # HELP \"http.requests_total\" Help.\n# TYPE \"http.requests_total\" counter\n\
         {\"http.requests_total\",svc=\"s\",\"http.method\"=\"GET\"} 3\n\
         # HELP \"latency.seconds\" Help.\n# TYPE \"latency.seconds\" histogram\n\
         {\"latency.seconds_bucket\",svc=\"s\",le=\"0.5\"} 1\n\
         {\"latency.seconds_bucket\",svc=\"s\",le=\"+Inf\"} 1\n\
         {\"latency.seconds_count\",svc=\"s\"} 1\n\
         {\"latency.seconds_sum\",svc=\"s\"} 0.25\n"
    );
    let om = mixed()
        .encode_to_string(Exposition::new(Format::OpenMetrics).with_escaping(Escaping::AllowUtf8));
    assert!(om.contains("# TYPE \"http.requests\" counter\n"), "{om}");
    assert!(om.contains("{\"http.requests_total\",svc=\"s\",\"http.method\"=\"GET\"} 3\n"));
    assert!(om.ends_with("# EOF\n"));
}

#[test]
fn each_scheme_escapes_the_names() {
    for (escaping, requests, method, latency) in [
        (
            Escaping::Underscores,
            "http_requests",
            "http_method",
            "latency_seconds",
        ),
        (
            Escaping::Dots,
            "http_dot_requests",
            "http_dot_method",
            "latency_dot_seconds",
        ),
        (
            Escaping::Values,
            "U__http_2e_requests",
            "U__http_2e_method",
            "U__latency_2e_seconds",
        ),
    ] {
        let body = text(&mixed(), escaping);
        let expected = format!(
            "# HELP depth Depth.\n# TYPE depth gauge\ndepth{{svc=\"s\"}} 2\n\
             # HELP {requests}_total Help.\n# TYPE {requests}_total counter\n\
             {requests}_total{{svc=\"s\",{method}=\"GET\"}} 3\n\
             # HELP {latency} Help.\n# TYPE {latency} histogram\n\
             {latency}_bucket{{svc=\"s\",le=\"0.5\"}} 1\n\
             {latency}_bucket{{svc=\"s\",le=\"+Inf\"}} 1\n\
             {latency}_count{{svc=\"s\"}} 1\n{latency}_sum{{svc=\"s\"}} 0.25\n"
        );
        assert_eq!(body, expected, "{escaping}");
    }
    // No scheme requested: underscores.
    assert_eq!(
        mixed().encode_to_string(Format::Text),
        text(&mixed(), Escaping::Underscores)
    );
}

#[test]
fn legacy_registries_are_the_same_under_every_scheme() {
    let r = Registry::new();
    let g = Arc::new(Gauge::<i64>::new());
    r.register_metric(Metadata::new("a_b", "h"), g).unwrap();
    for escaping in Escaping::ALL {
        assert_eq!(text(&r, escaping), r.encode_to_string(Format::Text));
    }
}

#[test]
fn protobuf_carries_the_names_as_negotiated() {
    let r = mixed();
    let body = |escaping| {
        let mut body = Vec::new();
        r.encode_into(
            Exposition::new(Format::Protobuf).with_escaping(escaping),
            &mut body,
        );
        String::from_utf8_lossy(&body).into_owned()
    };
    let utf8 = body(Escaping::AllowUtf8);
    assert!(utf8.contains("http.requests_total") && utf8.contains("http.method"));
    assert!(
        !utf8.contains("\"http.method\""),
        "names are not quoted in protobuf"
    );
    let dots = body(Escaping::Dots);
    assert!(dots.contains("http_dot_requests_total") && dots.contains("http_dot_method"));
    assert!(!dots.contains("http.requests"));
}
