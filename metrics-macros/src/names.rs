//! Metric and label name rules, checked when the macro runs (the same rules
//! `metrics_core::name` applies at runtime).

pub(crate) fn metric_name_error(name: &str) -> Option<&'static str> {
    check(name, true)
}

pub(crate) fn label_name_error(name: &str) -> Option<&'static str> {
    if let Some(e) = check(name, false) {
        return Some(e);
    }
    if name.starts_with("__") {
        return Some("label names starting with `__` are reserved for Prometheus");
    }
    None
}

fn check(name: &str, colon: bool) -> Option<&'static str> {
    let kind = if colon { "metric" } else { "label" };
    let mut bytes = name.bytes();
    let first = match bytes.next() {
        None => {
            return Some(if colon {
                "metric name is empty"
            } else {
                "label name is empty"
            })
        }
        Some(b) => b,
    };
    let ok = |b: u8| b.is_ascii_alphanumeric() || b == b'_' || (colon && b == b':');
    if first.is_ascii_digit() {
        return Some(if colon {
            "metric names must not start with a digit"
        } else {
            "label names must not start with a digit"
        });
    }
    if !ok(first) || !bytes.all(ok) {
        let _ = kind;
        return Some(if colon {
            "metric names may contain only ASCII letters, digits, `_` and `:`"
        } else {
            "label names may contain only ASCII letters, digits and `_`"
        });
    }
    None
}
