//! Concurrent updates lose nothing, and scrapes during updates stay
//! consistent (`_count` equals the `+Inf` bucket).

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread;

use examples::manual::{Method, Outcome, TenantLabels};
use metrics_core::{testing, Buckets, Counter, Family, Format, Histogram, Metadata, Registry};

const THREADS: usize = 8;
const PER_THREAD: u64 = 1_000_000;

#[test]
fn dense_series_sum_exactly() {
    let family = Arc::new(Family::<(Method, Outcome), Counter>::new());
    thread::scope(|s| {
        for _ in 0..THREADS {
            s.spawn(|| {
                for _ in 0..PER_THREAD {
                    family[(Method::Post, Outcome::Failure)].inc();
                }
            });
        }
    });
    assert_eq!(
        family[(Method::Post, Outcome::Failure)].get(),
        THREADS as u64 * PER_THREAD
    );
    assert_eq!(family[(Method::Get, Outcome::Failure)].get(), 0);
}

#[test]
fn sparse_series_sum_exactly() {
    let family = Family::<TenantLabels, Counter>::new().with_max_series(64);
    let tenants: Vec<TenantLabels> = (0..16)
        .map(|i| TenantLabels {
            tenant: format!("tenant-{i}"),
            method: Method::Get,
        })
        .collect();
    thread::scope(|s| {
        for t in 0..THREADS {
            let (family, tenants) = (&family, &tenants);
            s.spawn(move || {
                // Half the increments look the series up every time (racing
                // to create them), half go through a kept handle.
                for i in 0..PER_THREAD / 2 {
                    family
                        .get_or_create(&tenants[(i as usize + t) % tenants.len()])
                        .inc();
                }
                let handle = family.get_or_create(&tenants[t]);
                for _ in 0..PER_THREAD / 2 {
                    handle.inc();
                }
            });
        }
    });
    let total: u64 = tenants
        .iter()
        .map(|t| testing::value(&family, t).unwrap())
        .sum();
    assert_eq!(total, THREADS as u64 * PER_THREAD);
    assert_eq!(family.len(), tenants.len());
}

#[test]
fn sparse_cap_holds_under_concurrent_creation() {
    let family = Family::<TenantLabels, Counter>::new().with_max_series(100);
    thread::scope(|s| {
        for t in 0..THREADS {
            let family = &family;
            s.spawn(move || {
                for i in 0..1_000 {
                    let labels = TenantLabels {
                        tenant: format!("{t}-{i}"),
                        method: Method::Post,
                    };
                    family.get_or_create(&labels).inc();
                }
            });
        }
    });
    assert_eq!(family.len(), 100);
    let registry = Registry::new();
    let family = Arc::new(family);
    registry
        .register_metric(Metadata::new("t", "h"), family.clone())
        .unwrap();
    let overflow = testing::sample_value(
        &registry,
        "t_total",
        &[("tenant", "__overflow__"), ("method", "__overflow__")],
    );
    assert_eq!(overflow, Some((THREADS * 1_000 - 100) as f64));
    let dropped = testing::sample_value(
        &registry,
        "metrics_label_sets_dropped_total",
        &[("family", "t")],
    );
    assert_eq!(dropped, Some((THREADS * 1_000 - 100) as f64));
}

#[test]
fn histogram_count_equals_inf_bucket_during_scrapes() {
    let registry = Registry::new();
    let histogram = Arc::new(Histogram::new(Buckets::exponential(0.001, 2.0, 12)));
    registry
        .register_metric(Metadata::new("h", "h"), histogram.clone())
        .unwrap();
    let done = AtomicBool::new(false);
    let scrapes = thread::scope(|s| {
        for t in 0..THREADS - 1 {
            let histogram = &histogram;
            s.spawn(move || {
                for i in 0..PER_THREAD / 4 {
                    histogram.observe(((i as usize * 7 + t) % 5000) as f64 / 1000.0);
                }
            });
        }
        let scraper = s.spawn(|| {
            let mut scrapes = 0;
            while !done.load(Ordering::Relaxed) || scrapes == 0 {
                let text = registry.encode_to_string(Format::Text);
                let inf = testing::sample_value_in(&text, "h_bucket", &[("le", "+Inf")]);
                let count = testing::sample_value_in(&text, "h_count", &[]);
                assert_eq!(inf, count, "scrape {scrapes}");
                let buckets: Vec<f64> = text
                    .lines()
                    .filter(|l| l.starts_with("h_bucket"))
                    .filter_map(|l| l.rsplit(' ').next()?.parse().ok())
                    .collect();
                assert!(
                    buckets.windows(2).all(|w| w[0] <= w[1]),
                    "cumulative: {buckets:?}"
                );
                scrapes += 1;
            }
            scrapes
        });
        // Let the observers run, then stop the scraper.
        while histogram.snapshot().count < (THREADS as u64 - 1) * PER_THREAD / 4 {
            thread::yield_now();
        }
        done.store(true, Ordering::Relaxed);
        scraper.join().unwrap()
    });
    assert!(scrapes > 0);
    let snapshot = histogram.snapshot();
    assert_eq!(snapshot.count, (THREADS as u64 - 1) * PER_THREAD / 4);
    assert_eq!(snapshot.cumulative.last(), Some(&snapshot.count));
}
