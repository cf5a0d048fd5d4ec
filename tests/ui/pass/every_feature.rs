//! A struct using every feature of the derives.

use std::borrow::Cow;

use metrics_core::{
    register, Buckets, Counter, Family, Format, Gauge, Global, Histogram, Info, LabelSet,
    LabelValue, Metrics, Registry,
};

#[derive(LabelValue, Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[label(name = "result", rename_all = "kebab-case")]
enum ResultLabel {
    Success,
    TimedOut,
    #[label(rename = "err")]
    Failure,
}

#[derive(LabelValue, Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum OperationLabel {
    Get,
    Put,
}

#[derive(LabelSet, Clone, Copy, Debug, PartialEq, Eq, Hash)]
struct OpLabels {
    operation: OperationLabel,
    #[label(name = "outcome")]
    result: ResultLabel,
}

#[derive(LabelSet, Clone, Debug, PartialEq, Eq, Hash)]
struct OpenLabels {
    tenant: String,
    region: &'static str,
    zone: Cow<'static, str>,
    shard: u32,
    primary: bool,
    operation: OperationLabel,
}

const LATENCY: Buckets = Buckets::exponential(0.001, 2.0, 12);

#[derive(Metrics)]
#[metrics(crate = ::metrics_core)]
struct Nested {
    /// Nested counter.
    nested_total_events: Counter,
}

#[derive(Metrics)]
#[metrics(prefix = "app")]
struct AppMetrics {
    /// Events.
    events: Counter,
    /// Seconds spent.
    #[metrics(unit = "seconds")]
    busy: Counter<f64>,
    /// Depth.
    depth: Gauge,
    /// Ratio.
    ratio: Gauge<f64>,
    /// Latency.
    #[metrics(unit = "seconds", buckets = LATENCY)]
    latency: Histogram,
    /// By result.
    by_result: Family<ResultLabel, Counter>,
    /// By two labels in a tuple.
    by_tuple: Family<(OperationLabel, ResultLabel), Gauge>,
    /// By a label struct.
    #[metrics(buckets = Buckets::linear(0.0, 10.0, 5))]
    by_struct: Family<OpLabels, Histogram>,
    /// Open-ended.
    #[metrics(max_series = 100)]
    open: Family<OpenLabels, Counter<f64>>,
    #[metrics(name = "renamed", help = "Explicit help.")]
    field_with_other_name: Gauge,
    /// Build facts.
    build: Info,
    #[metrics(flatten)]
    nested: Nested,
}

#[register]
static METRICS: Global<AppMetrics> = Global::new();

#[metrics_core::timed(crate = ::metrics_core, name = "renamed_crate_path")]
fn with_crate_path() -> u8 {
    1
}

fn main() {
    METRICS.events.inc();
    assert_eq!(with_crate_path(), 1);
    METRICS.by_result[ResultLabel::TimedOut].inc();
    METRICS.by_tuple[(OperationLabel::Put, ResultLabel::Failure)].set(3);
    METRICS.by_struct[OpLabels { operation: OperationLabel::Get, result: ResultLabel::Success }].observe(4.0);
    let labels = OpenLabels {
        tenant: "acme".into(),
        region: "eu",
        zone: Cow::Borrowed("a"),
        shard: 7,
        primary: true,
        operation: OperationLabel::Get,
    };
    METRICS.open.get_or_create(&labels).inc_by(0.5);
    let text = Registry::global().encode_to_string(Format::Text);
    assert!(text.contains("app_by_result_total{result=\"timed-out\"} 1\n"), "{text}");
    assert!(text.contains("app_by_result_total{result=\"err\"} 0\n"), "{text}");
    assert!(text.contains("app_by_struct_bucket{operation=\"get\",outcome=\"success\",le=\"10.0\"} 1\n"), "{text}");
    assert!(text.contains("tenant=\"acme\",region=\"eu\",zone=\"a\",shard=\"7\",primary=\"true\",operation=\"get\""), "{text}");
    assert!(text.contains("# HELP app_renamed Explicit help.\n"), "{text}");
    assert!(text.contains("nested_total_events_total 0\n"), "{text}");
}
