//! Side-by-side benchmarks against the peer crates, in one run on one
//! machine: enum-labelled counter increments and encoding 10,000 series.
//!
//! ```text
//! cd benches/peers && cargo run --release
//! ```
//!
//! Not part of the project's workspace: the peers are built only here.

#[path = "../../../metrics-core/benches/support/mod.rs"]
mod support;

use std::hint::black_box;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use metrics_core::{Counter, Family, Format, LabelSet, LabelValue, Metadata, Registry};

/// 100 values, derived for us, for measured and for prometheus-client;
/// both labels take them.
#[derive(
    LabelValue,
    measured::FixedCardinalityLabel,
    prometheus_client::encoding::EncodeLabelValue,
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    Hash,
)]
enum Id {
    V0,
    V1,
    V2,
    V3,
    V4,
    V5,
    V6,
    V7,
    V8,
    V9,
    V10,
    V11,
    V12,
    V13,
    V14,
    V15,
    V16,
    V17,
    V18,
    V19,
    V20,
    V21,
    V22,
    V23,
    V24,
    V25,
    V26,
    V27,
    V28,
    V29,
    V30,
    V31,
    V32,
    V33,
    V34,
    V35,
    V36,
    V37,
    V38,
    V39,
    V40,
    V41,
    V42,
    V43,
    V44,
    V45,
    V46,
    V47,
    V48,
    V49,
    V50,
    V51,
    V52,
    V53,
    V54,
    V55,
    V56,
    V57,
    V58,
    V59,
    V60,
    V61,
    V62,
    V63,
    V64,
    V65,
    V66,
    V67,
    V68,
    V69,
    V70,
    V71,
    V72,
    V73,
    V74,
    V75,
    V76,
    V77,
    V78,
    V79,
    V80,
    V81,
    V82,
    V83,
    V84,
    V85,
    V86,
    V87,
    V88,
    V89,
    V90,
    V91,
    V92,
    V93,
    V94,
    V95,
    V96,
    V97,
    V98,
    V99,
}

#[derive(measured::LabelGroup)]
#[label(set = PairSet)]
struct Pair {
    shard: Id,
    kind: Id,
}

#[derive(LabelSet, Clone, Copy, Debug, PartialEq, Eq, Hash)]
struct OurPair {
    shard: Id,
    kind: Id,
}

#[derive(measured::MetricGroup)]
#[metric(new())]
struct MeasuredMetrics {
    /// Operations.
    ops: measured::CounterVec<PairSet>,
}

#[derive(prometheus_client::encoding::EncodeLabelSet, Clone, Debug, PartialEq, Eq, Hash)]
struct PcLabels {
    shard: Id,
    kind: Id,
}

const OPS: u64 = 20_000_000;
const ROUNDS: usize = 5;

fn labels(i: u64) -> (Id, Id) {
    (
        Id::VALUES[(i % 100) as usize],
        Id::VALUES[((i / 7) % 100) as usize],
    )
}

fn main() {
    println!(
        "peer benchmarks: metrics-core vs prometheus-client 0.25, prometheus 0.14, measured 0.0.25"
    );
    println!("machine: {}", support::machine());
    println!("date:    {} (UTC)", support::today());
    println!("best of {ROUNDS} rounds, single thread; labels vary over 10,000 combinations\n");

    let bare = AtomicU64::new(0);
    let bare_ns = support::ns_per_op(ROUNDS, OPS, |n| {
        let a = black_box(&bare);
        for _ in 0..n {
            a.fetch_add(1, Ordering::Relaxed);
        }
    });

    let ours: Family<OurPair, Counter> = Family::new();
    let ours_ns = support::ns_per_op(ROUNDS, OPS, |n| {
        let f = black_box(&ours);
        for i in 0..n {
            let (shard, kind) = black_box(labels(i));
            f[OurPair { shard, kind }].inc();
        }
    });

    let measured_metrics = MeasuredMetrics::new();
    let measured_ns = support::ns_per_op(ROUNDS, OPS, |n| {
        let m = black_box(&measured_metrics);
        for i in 0..n {
            let (shard, kind) = black_box(labels(i));
            m.ops.inc(Pair { shard, kind });
        }
    });

    let pc_family = prometheus_client::metrics::family::Family::<
        PcLabels,
        prometheus_client::metrics::counter::Counter,
    >::default();
    let pc_ns = support::ns_per_op(ROUNDS, OPS / 10, |n| {
        let f = black_box(&pc_family);
        for i in 0..n {
            let (shard, kind) = black_box(labels(i));
            f.get_or_create(&PcLabels { shard, kind }).inc();
        }
    });

    let prom_registry = prometheus::Registry::new();
    let prom_vec = prometheus::IntCounterVec::new(
        prometheus::Opts::new("ops", "Operations."),
        &["shard", "kind"],
    )
    .unwrap();
    prom_registry.register(Box::new(prom_vec.clone())).unwrap();
    let prom_ns = support::ns_per_op(ROUNDS, OPS / 10, |n| {
        let v = black_box(&prom_vec);
        for i in 0..n {
            let (shard, kind) = black_box(labels(i));
            v.with_label_values(&[shard.as_str(), kind.as_str()]).inc();
        }
    });

    println!(
        "{:<58} {:>9} {:>10} {:>10}",
        "enum-labelled counter inc", "ns/op", "vs atomic", "vs ours"
    );
    for (name, ns) in [
        ("bare AtomicU64::fetch_add", bare_ns),
        ("metrics-core family[Pair { shard, kind }].inc()", ours_ns),
        ("measured counter_vec.inc(Pair { .. })", measured_ns),
        (
            "prometheus-client family.get_or_create(&labels).inc()",
            pc_ns,
        ),
        ("prometheus vec.with_label_values(&[..]).inc()", prom_ns),
    ] {
        println!(
            "{name:<58} {ns:>9.2} {:>9.2}x {:>9.2}x",
            ns / bare_ns,
            ns / ours_ns
        );
    }

    // Encoding 10,000 series (all combinations touched).
    let registry = Registry::new();
    let ours = Arc::new(ours);
    registry
        .register_metric(Metadata::new("ops", "Operations."), ours.clone())
        .unwrap();
    let mut pc_registry = prometheus_client::registry::Registry::default();
    pc_registry.register("ops", "Operations.", pc_family.clone());
    for i in 0..10_000u64 {
        let (shard, kind) = (
            Id::VALUES[(i % 100) as usize],
            Id::VALUES[(i / 100) as usize],
        );
        ours[OurPair { shard, kind }].inc();
        measured_metrics.ops.inc(Pair { shard, kind });
        pc_family.get_or_create(&PcLabels { shard, kind }).inc();
        prom_vec
            .with_label_values(&[shard.as_str(), kind.as_str()])
            .inc();
    }
    let mut buf = Vec::with_capacity(1 << 20);
    let ours_t = support::best_duration(30, || {
        buf.clear();
        registry.encode_into(Format::Text, &mut buf);
    });
    let ours_len = buf.len();
    let ours_om = support::best_duration(30, || {
        buf.clear();
        registry.encode_into(Format::OpenMetrics, &mut buf);
    });
    let mut measured_encoder = measured::text::BufferedTextEncoder::new();
    let mut measured_len = 0;
    let measured_t = support::best_duration(30, || {
        use measured::metric::group::MetricGroup as _;
        measured_metrics
            .collect_group_into(&mut measured_encoder)
            .unwrap();
        measured_len = measured_encoder.finish().len();
    });
    let mut pc_out = String::with_capacity(1 << 20);
    let pc_t = support::best_duration(30, || {
        pc_out.clear();
        prometheus_client::encoding::text::encode(&mut pc_out, &pc_registry).unwrap();
    });
    let mut prom_out = String::with_capacity(1 << 20);
    let prom_t = support::best_duration(30, || {
        prom_out.clear();
        prometheus::TextEncoder::new()
            .encode_utf8(&prom_registry.gather(), &mut prom_out)
            .unwrap();
    });
    println!(
        "\n{:<58} {:>9} {:>10} {:>10}",
        "encode 10,000 counter series", "ms", "bytes", "vs ours"
    );
    for (name, t, len) in [
        ("metrics-core, text 0.0.4", ours_t, ours_len),
        ("metrics-core, OpenMetrics", ours_om, ours_len),
        ("measured, text", measured_t, measured_len),
        (
            "prometheus-client, OpenMetrics (its only format)",
            pc_t,
            pc_out.len(),
        ),
        ("prometheus, text (gather + encode)", prom_t, prom_out.len()),
    ] {
        println!(
            "{name:<58} {:>9.3} {len:>10} {:>9.2}x",
            t.as_secs_f64() * 1e3,
            t.as_secs_f64() / ours_t.as_secs_f64()
        );
    }
}
