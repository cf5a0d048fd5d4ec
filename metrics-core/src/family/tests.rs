//! Families: dense preallocation, sparse caps, escaping, contracts.

use super::*;
use crate::label::tests::{Code, Method};
use crate::{Counter, Format, Histogram, Metadata, Registry};

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct Tenant(String);
impl LabelSet for Tenant {
    const NAMES: &'static [&'static str] = &["tenant"];
    const DOMAINS: &'static [Option<&'static [&'static str]>] = &[None];
    fn dense_index(&self) -> Option<usize> {
        None
    }
    fn visit_values(&self, visit: &mut dyn FnMut(&str)) {
        visit(&self.0)
    }
}

fn exposition<L: LabelSet, M: Metric>(family: Family<L, M>) -> String {
    let registry = Registry::new();
    registry
        .register_metric(Metadata::new("f", "h"), Arc::new(family))
        .unwrap();
    registry.encode_to_string(Format::Text)
}

#[test]
fn dense_family_preallocates_every_combination() {
    let f: Family<(Method, Code), Counter> = Family::new();
    assert!(f.is_dense());
    assert_eq!(f.len(), 6);
    f[(Method::Post, Code::Error)].inc_by(5);
    assert_eq!(f.get_or_create(&(Method::Post, Code::Error)).get(), 5);
    assert!(!f.remove(&(Method::Post, Code::Error)));
    let text = exposition(f);
    let samples: Vec<&str> = text.lines().filter(|l| !l.starts_with('#')).collect();
    assert_eq!(
        samples,
        [
            r#"f_total{method="get",code="200"} 0"#,
            r#"f_total{method="get",code="404"} 0"#,
            r#"f_total{method="get",code="500"} 0"#,
            r#"f_total{method="post",code="200"} 0"#,
            r#"f_total{method="post",code="404"} 0"#,
            r#"f_total{method="post",code="500"} 5"#,
        ]
    );
}

#[test]
fn sparse_family_caps_series_and_counts_drops() {
    let f: Family<Tenant, Counter> = Family::new().with_max_series(2);
    assert!(!f.is_dense());
    for t in ["a", "b", "c", "d", "a"] {
        f.get_or_create(&Tenant(t.into())).inc();
    }
    assert_eq!(f.len(), 2);
    assert_eq!(f.dropped_label_sets(), Some(2));
    assert!(f.get(&Tenant("c".into())).is_none());
    // A value spelled like the overflow marker lands in the overflow series.
    f.get_or_create(&Tenant(OVERFLOW_LABEL_VALUE.into())).inc();
    let text = exposition(f);
    assert!(text.contains("f_total{tenant=\"a\"} 2\n"), "{text}");
    assert!(text.contains("f_total{tenant=\"b\"} 1\n"), "{text}");
    assert!(
        text.contains("f_total{tenant=\"__overflow__\"} 3\n"),
        "{text}"
    );
    assert!(
        text.contains("metrics_label_sets_dropped_total{family=\"f\"} 2\n"),
        "{text}"
    );
}

#[test]
fn sparse_remove_frees_a_place() {
    let f: Family<Tenant, Counter> = Family::new().with_max_series(1);
    let kept = f.get_or_create(&Tenant("a".into()));
    kept.inc();
    assert!(f.remove(&Tenant("a".into())));
    assert!(!f.remove(&Tenant("a".into())));
    f.get_or_create(&Tenant("b".into())).inc();
    assert_eq!(f.dropped_label_sets(), Some(0));
    kept.inc(); // still usable, no longer exposed
    assert_eq!(kept.get(), 2);
    let handle = f.get(&Tenant("b".into())).unwrap();
    assert_eq!(format!("{:?}", handle.clone()), "Counter(1)");
}

#[test]
fn hostile_label_values_are_escaped() {
    let f: Family<Tenant, Counter> = Family::new();
    f.get_or_create(&Tenant("a\"b\\c\nd}{,=é".into())).inc();
    let text = exposition(f);
    assert!(
        text.contains(r#"f_total{tenant="a\"b\\c\nd}{,=é"} 1"#),
        "{text}"
    );
}

#[test]
fn histogram_family_shares_buckets() {
    let f: Family<Method, Histogram> = Family::with_options(crate::Buckets::new(&[1.0, 2.0]));
    f[Method::Get].observe(1.5);
    let text = exposition(f);
    assert!(
        text.contains("f_bucket{method=\"get\",le=\"2.0\"} 1\n"),
        "{text}"
    );
    assert!(
        text.contains("f_bucket{method=\"post\",le=\"+Inf\"} 0\n"),
        "{text}"
    );
    assert!(text.contains("f_count{method=\"get\"} 1\n"), "{text}");
}

#[test]
fn lying_dense_impl_never_panics() {
    #[derive(Clone, Copy, PartialEq, Eq, Hash)]
    struct Liar;
    impl LabelSet for Liar {
        const NAMES: &'static [&'static str] = &["x"];
        const DOMAINS: &'static [Option<&'static [&'static str]>] = &[Some(&["a"])];
        fn dense_index(&self) -> Option<usize> {
            Some(7)
        }
        fn visit_values(&self, visit: &mut dyn FnMut(&str)) {
            visit("a")
        }
    }
    impl DenseLabelSet for Liar {}
    let f: Family<Liar, Counter> = Family::new();
    f[Liar].inc();
    assert_eq!(f[Liar].get(), 1);
    assert!(format!("{f:?}").contains("dense: true"));
}

#[test]
fn dense_series_cost_eight_bytes() {
    assert_eq!(std::mem::size_of::<Counter>(), 8);
    assert!(std::mem::size_of::<Family<(Method, Code), Counter>>() <= 64);
}
