//! Generated code uses absolute paths only: it compiles in a module that
//! shadows prelude names and the runtime's own type names.
#![allow(dead_code, non_camel_case_types)]

mod shadows {
    pub struct Result;
    pub struct Option;
    pub struct Box;
    pub struct Vec;
    pub struct Default;
    pub struct Some;
    pub struct None;
    pub struct Ok;
    pub struct Err;
    pub struct usize;
    pub struct str;
    pub struct Counter;
    pub struct Metadata;
    pub struct Families;
}

mod user {
    // Unused by the user's code on purpose: if generated code named any of
    // these unqualified, it would resolve to the shadows and fail.
    #[allow(unused_imports)]
    use super::shadows::*;

    #[derive(metrics_core::LabelValue, Clone, Copy, PartialEq, Eq, Hash)]
    pub enum Outcome {
        Success,
        Failure,
    }

    #[derive(metrics_core::LabelSet, Clone, PartialEq, Eq, Hash)]
    pub struct Labels {
        pub tenant: std::string::String,
        pub outcome: Outcome,
    }

    #[derive(metrics_core::Metrics)]
    pub struct AppMetrics {
        /// Requests.
        pub requests: metrics_core::Counter,
        /// By outcome.
        pub by_outcome: metrics_core::Family<Outcome, metrics_core::Counter>,
        /// By tenant.
        #[metrics(max_series = 5)]
        pub by_tenant: metrics_core::Family<Labels, metrics_core::Counter>,
        /// Latency.
        #[metrics(unit = "seconds", buckets = metrics_core::Buckets::exponential(0.01, 2.0, 4))]
        pub latency: metrics_core::Histogram,
    }

    #[metrics_core::register]
    pub static METRICS: metrics_core::Global<AppMetrics> = metrics_core::Global::new();
}

fn main() {
    user::METRICS.by_outcome[user::Outcome::Failure].inc();
    let text = metrics_core::Registry::global().encode_to_string(metrics_core::Format::Text);
    assert!(text.contains("by_outcome_total{outcome=\"failure\"} 1"), "{text}");
}
