//! The encoder's text 0.0.4 output passes `promtool check metrics` (which
//! lints as well as parses). promtool reads only text 0.0.4, so the
//! OpenMetrics output is checked by the golden tests and by a real
//! Prometheus scrape instead.

use std::sync::Arc;

use integration_tests::require_binary;
use metrics_core::{Format, Gauge, Metadata, Registry};

fn promtool_check(body: &str) -> (bool, String) {
    // Skipped (passes) without promtool, except under CI, where
    // `require_binary` fails the test instead.
    integration_tests::promtool_check(body).unwrap_or((true, String::new()))
}

#[test]
fn manual_example_passes_promtool() {
    let demo = examples::manual::build();
    let body = demo.registry.encode_to_string(Format::Text);
    assert!(
        body.contains(r#"tenant="quote\" backslash\\ newline\n ünïcødé ✓""#),
        "{body}"
    );
    let (ok, report) = promtool_check(&body);
    assert!(
        ok,
        "promtool check metrics failed:\n{report}\n--- body\n{body}"
    );
}

#[test]
fn non_finite_values_pass_promtool() {
    let registry = Registry::new();
    for (name, v) in [
        ("nan_value", f64::NAN),
        ("pos_inf", f64::INFINITY),
        ("neg_inf", f64::NEG_INFINITY),
    ] {
        let g = Arc::new(Gauge::<f64>::new());
        g.set(v);
        registry
            .register_metric(Metadata::new(name, "Non-finite."), g)
            .unwrap();
    }
    let body = registry.encode_to_string(Format::Text);
    assert!(
        body.contains("nan_value NaN\n")
            && body.contains("pos_inf +Inf\n")
            && body.contains("neg_inf -Inf\n")
    );
    let (ok, report) = promtool_check(&body);
    assert!(
        ok,
        "promtool check metrics failed:\n{report}\n--- body\n{body}"
    );
}

#[test]
fn promtool_rejects_a_broken_body() {
    // Guards the check itself: a body promtool must refuse.
    if require_binary("promtool").is_none() {
        return;
    }
    let (ok, _) = promtool_check("# TYPE x counter\nx{a=\"unterminated} 1\n");
    assert!(!ok);
}

#[test]
fn hostile_label_values_pass_promtool() {
    use examples::manual::{Method, TenantLabels};
    use metrics_core::{Counter, Family};
    let registry = Registry::new();
    let family = Arc::new(Family::<TenantLabels, Counter>::new());
    registry
        .register_metric(
            Metadata::new("hostile", "Hostile \"help\" \\ text\nacross lines."),
            family.clone(),
        )
        .unwrap();
    for value in [
        "\\",
        "\"",
        "\n",
        "}",
        "{",
        ",",
        "=",
        " ",
        "é✓𝄞",
        "a\"b\\c\nd",
        "\r\t",
        "#",
    ] {
        family
            .get_or_create(&TenantLabels {
                tenant: value.into(),
                method: Method::Post,
            })
            .inc();
    }
    let body = registry.encode_to_string(Format::Text);
    let (ok, report) = promtool_check(&body);
    assert!(
        ok,
        "promtool check metrics failed:\n{report}\n--- body\n{body}"
    );
}
