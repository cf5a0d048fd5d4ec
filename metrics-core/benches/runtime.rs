//! Hot-path and scrape benchmarks of the runtime, each beside a bare
//! `AtomicU64::fetch_add` measured in the same run.
//!
//! ```text
//! cargo bench -p metrics-core --bench runtime
//! ```
//!
//! Prints ns/op (the best of several rounds, to discount noise from other
//! processes) and the ratio to the bare atomic, with the machine and date.

mod support;

use std::hint::black_box;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use metrics_core::{
    Buckets, Counter, Family, Format, Histogram, LabelSet, LabelValue, Metadata, NativeBuckets,
    Registry,
};

// The label types are derived, as users write them.
#[derive(LabelValue, Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[label(name = "operation")]
enum Op {
    Get,
    Put,
    Delete,
    Scan,
}

#[derive(LabelValue, Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Outcome {
    Ok,
    Error,
    Timeout,
}

#[derive(LabelSet, Clone, Debug, PartialEq, Eq, Hash)]
struct Shard {
    shard: u32,
    kind: Op,
}

#[derive(metrics_core::Metrics)]
struct Statics {
    /// Through a `Global` static, as derived structs are used.
    events: Counter,
    /// Enum-labelled, through the static.
    by_op: Family<(Op, Outcome), Counter>,
}

static STATICS: metrics_core::Global<Statics> = metrics_core::Global::new();

const OPS: u64 = 50_000_000;
const ROUNDS: usize = 5;

fn main() {
    println!("metrics-core runtime benchmark");
    println!("machine: {}", support::machine());
    println!("date:    {} (UTC)", support::today());
    println!("best of {ROUNDS} rounds, single thread\n");

    let bare = AtomicU64::new(0);
    let bare_ns = support::ns_per_op(ROUNDS, OPS, |n| {
        let a = black_box(&bare);
        for _ in 0..n {
            a.fetch_add(1, Ordering::Relaxed);
        }
    });

    let counter: Counter = Counter::new();
    let counter_ns = support::ns_per_op(ROUNDS, OPS, |n| {
        let c = black_box(&counter);
        for _ in 0..n {
            c.inc();
        }
    });

    let global_ns = support::ns_per_op(ROUNDS, OPS, |n| {
        for _ in 0..n {
            black_box(&STATICS).events.inc();
        }
    });

    let family: Family<(Op, Outcome), Counter> = Family::new();
    let labels = [
        (Op::Get, Outcome::Ok),
        (Op::Scan, Outcome::Timeout),
        (Op::Put, Outcome::Error),
    ];
    let family_ns = support::ns_per_op(ROUNDS, OPS, |n| {
        let f = black_box(&family);
        for i in 0..n {
            f[black_box(labels[(i % 3) as usize])].inc();
        }
    });

    let global_family_ns = support::ns_per_op(ROUNDS, OPS, |n| {
        for i in 0..n {
            black_box(&STATICS).by_op[black_box(labels[(i % 3) as usize])].inc();
        }
    });

    let histogram = Histogram::new(Buckets::exponential(0.001, 2.0, 12));
    let values: Vec<f64> = (0..1024).map(|i| (i as f64) * 0.004).collect();
    let histogram_ns = support::ns_per_op(ROUNDS, OPS / 2, |n| {
        let h = black_box(&histogram);
        for i in 0..n {
            h.observe(values[(i & 1023) as usize]);
        }
    });

    // Native buckets (schema 3, the default) over the same values: alone,
    // and beside the classic ones.
    let native = Histogram::native(NativeBuckets::DEFAULT);
    let native_ns = support::ns_per_op(ROUNDS, OPS / 2, |n| {
        let h = black_box(&native);
        for i in 0..n {
            h.observe(values[(i & 1023) as usize]);
        }
    });
    let both =
        Histogram::classic_and_native(Buckets::exponential(0.001, 2.0, 12), NativeBuckets::DEFAULT);
    let both_ns = support::ns_per_op(ROUNDS, OPS / 2, |n| {
        let h = black_box(&both);
        for i in 0..n {
            h.observe(values[(i & 1023) as usize]);
        }
    });

    let sparse: Family<Shard, Counter> = Family::new();
    let shard = Shard {
        shard: 17,
        kind: Op::Get,
    };
    let sparse_ns = support::ns_per_op(ROUNDS, OPS / 10, |n| {
        let f = black_box(&sparse);
        for _ in 0..n {
            f.get_or_create(black_box(&shard)).inc();
        }
    });

    // Lookups among 1,000 existing label sets, one thread and then two at
    // once (each thread its own share of the operations, timed together).
    let wide: Family<Shard, Counter> = Family::new();
    let keys: Vec<Shard> = (0..1_000)
        .map(|shard| Shard {
            shard,
            kind: Op::Put,
        })
        .collect();
    for key in &keys {
        wide.get_or_create(key);
    }
    let lookup = |n: u64, offset: usize| {
        let f = black_box(&wide);
        for i in 0..n as usize {
            f.get_or_create(black_box(&keys[(i * 7 + offset) % 1_000]))
                .inc();
        }
    };
    let wide_ns = support::ns_per_op(ROUNDS, OPS / 10, |n| lookup(n, 0));
    let wide_two_ns = support::ns_per_op(ROUNDS, OPS / 10, |n| {
        std::thread::scope(|s| {
            s.spawn(|| lookup(n, 0));
            s.spawn(|| lookup(n, 500));
        });
    });

    let row = |name: &str, ns: f64, goal: &str| {
        println!("{name:<50} {ns:>8.2} ns/op {:>7.2}x   {goal}", ns / bare_ns);
    };
    println!("{:<50} {:>14} {:>8}   goal", "operation", "time", "ratio");
    row("bare AtomicU64::fetch_add (baseline)", bare_ns, "");
    row("Counter::inc (unlabelled)", counter_ns, "<= 1.1x");
    row(
        "Family<(Op, Outcome), Counter>[labels].inc",
        family_ns,
        "<= 1.3x",
    );
    row(
        "STATIC.counter.inc() (through Global<T>)",
        global_ns,
        "<= 1.1x",
    );
    row(
        "STATIC.family[labels].inc() (through Global<T>)",
        global_family_ns,
        "<= 1.3x",
    );
    row("Histogram::observe (12 buckets)", histogram_ns, "<= 2.5x");
    let versus_classic = |name: &str, ns: f64| {
        let goal = format!("{:.2}x classic (goal <= 1.5x)", ns / histogram_ns);
        row(name, ns, &goal);
    };
    versus_classic("Histogram::observe (native, schema 3)", native_ns);
    versus_classic("Histogram::observe (12 classic + native)", both_ns);
    row(
        "sparse get_or_create + inc (lookup path)",
        sparse_ns,
        "(no goal)",
    );
    row(
        "sparse lookup among 1,000 label sets + inc",
        wide_ns,
        "(no goal)",
    );
    row(
        "the same on two threads at once (per op, per thread)",
        wide_two_ns,
        "(no goal)",
    );

    // Encoding 10,000 series: 2,500 shards x 4 kinds in one sparse family.
    let registry = Registry::new();
    let big = Arc::new(Family::<Shard, Counter>::new());
    for shard in 0..2_500 {
        for kind in Op::VALUES {
            big.get_or_create(&Shard { shard, kind: *kind })
                .inc_by(u64::from(shard) * 31);
        }
    }
    registry
        .register_metric(Metadata::new("shard_ops", "Operations per shard."), big)
        .unwrap();
    // Plus 10,000 dense counter series: 2,500 families of 4.
    let dense_registry = Registry::new();
    for i in 0..2_500 {
        let f = Arc::new(Family::<Op, Counter>::new());
        f[Op::Put].inc_by(i);
        dense_registry
            .register_metric(Metadata::new(format!("dense_{i:04}"), "Dense."), f)
            .unwrap();
    }
    let mut buf = Vec::with_capacity(1 << 20);
    println!();
    for (what, reg) in [
        ("sparse family", &registry),
        ("2,500 dense families", &dense_registry),
    ] {
        for format in [Format::Text, Format::OpenMetrics, Format::Protobuf] {
            let mut stats = None;
            let t = support::best_duration(20, || {
                buf.clear();
                stats = Some(reg.encode_into(format, &mut buf));
            });
            let stats = stats.unwrap();
            println!(
                "encode {} series ({what}, {format:?}): {:>8.3} ms, {:.1} ns/series, {} bytes (goal < 1 ms)",
                stats.series,
                t.as_secs_f64() * 1e3,
                t.as_nanos() as f64 / stats.series as f64,
                stats.bytes
            );
        }
    }

    println!();
    println!(
        "memory: Counter = {} bytes/series; Family<(Op, Outcome), Counter> struct = {} bytes \
         + {} series x {} bytes + label text {} bytes (once per label value)",
        std::mem::size_of::<Counter>(),
        std::mem::size_of::<Family<(Op, Outcome), Counter>>(),
        family.len(),
        std::mem::size_of::<Counter>(),
        Op::STRINGS
            .iter()
            .chain(Outcome::STRINGS)
            .map(|s| s.len() + 12)
            .sum::<usize>()
    );
}
