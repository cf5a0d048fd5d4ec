//! The encoder's own rules, checked piece by piece.

use super::value::{write_u64, write_value};
use super::*;

fn float(v: f64) -> String {
    let mut s = String::new();
    format_float(v, &mut s);
    s
}

#[test]
fn floats_are_spelled_per_format() {
    assert_eq!(float(f64::INFINITY), "+Inf");
    assert_eq!(float(f64::NEG_INFINITY), "-Inf");
    assert_eq!(float(f64::NAN), "NaN");
    assert_eq!(float(1.0), "1.0");
    assert_eq!(float(0.005), "0.005");
    assert_eq!(float(-2.5), "-2.5");
    assert_eq!(float(1e-9).parse::<f64>().unwrap(), 1e-9);
}

#[test]
fn integers() {
    for v in [0u64, 7, 10, 1234567890, u64::MAX] {
        let mut b = Vec::new();
        write_u64(&mut b, v);
        assert_eq!(String::from_utf8(b).unwrap(), v.to_string());
    }
    let mut b = Vec::new();
    write_value(&mut b, Value::I64(i64::MIN));
    assert_eq!(String::from_utf8(b).unwrap(), i64::MIN.to_string());
}

#[test]
fn escaping() {
    let mut s = String::new();
    escape_label_value("a\\b\"c\nd é", &mut s);
    assert_eq!(s, "a\\\\b\\\"c\\nd é");
    assert_eq!(
        render_label_pairs([("a", "1"), ("b", "\"")]),
        "a=\"1\",b=\"\\\"\""
    );
}

#[test]
fn sample_lines() {
    let mut buf = Vec::new();
    let mut scratch = Vec::new();
    let mut w = FamilyWriter::new(
        &mut buf,
        Format::Text,
        MetricType::Counter,
        "x",
        "svc=\"a\"",
        &mut scratch,
    );
    w.counter("", 3u64);
    w.gauge("k=\"v\"", -1i64);
    w.sample("_bucket", "", Some(("le", "+Inf")), Value::U64(1));
    assert_eq!(w.series(), 2);
    let mut w = FamilyWriter::new(
        &mut buf,
        Format::Text,
        MetricType::Gauge,
        "y",
        "",
        &mut scratch,
    );
    w.gauge("", 0.5);
    assert_eq!(
        String::from_utf8(buf).unwrap(),
        "x_total{svc=\"a\"} 3\nx{svc=\"a\",k=\"v\"} -1\nx_bucket{svc=\"a\",le=\"+Inf\"} 1\ny 0.5\n"
    );
}
