//! Two `#[register]` statics whose names clash: the global registry keeps
//! the first (by static name), and the error names both statics and both
//! families. A test binary of its own, since the global registry is
//! per process.

use metrics_core::{register, testing, Counter, Format, Gauge, Global, Metrics, Registry};

mod alpha {
    use super::*;

    #[derive(Metrics)]
    pub(crate) struct Requests {
        /// Requests served.
        pub(crate) requests: Counter,
    }

    #[register]
    pub(crate) static METRICS: Global<Requests> = Global::new();
}

mod beta {
    use super::*;

    #[derive(Metrics)]
    pub(crate) struct Requests {
        /// Requests, as a gauge: clashes with alpha's `requests_total`.
        pub(crate) requests_total: Gauge,
    }

    #[register]
    pub(crate) static METRICS: Global<Requests> = Global::new();
}

#[test]
fn clashing_statics_are_reported_naming_both() {
    let errors = testing::check_global_registry().unwrap_err();
    assert_eq!(errors.len(), 1, "{errors:?}");
    let message = errors[0].to_string();
    assert!(message.contains("global_clash::beta::METRICS"), "{message}");
    assert!(
        message.contains("global_clash::alpha::METRICS"),
        "{message}"
    );
    assert!(
        message.contains("gauge `requests_total`") && message.contains("counter `requests`"),
        "{message}"
    );

    // The first static is still served.
    alpha::METRICS.requests.inc();
    let text = Registry::global().encode_to_string(Format::Text);
    assert!(text.contains("requests_total 1\n"), "{text}");
    let _ = &beta::METRICS.requests_total;
}

#[test]
#[should_panic(expected = "refused some #[register] statics")]
fn assert_helper_fails_on_a_clash() {
    testing::assert_global_registry_ok();
}
