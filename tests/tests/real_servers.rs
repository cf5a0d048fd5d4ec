//! Against the real servers: a Prometheus (Debian package `prometheus`)
//! scraping the endpoint every second, once negotiating OpenMetrics and
//! once forced to text 0.0.4, and over protobuf with native histograms
//! enabled, queried through its HTTP API (native quantiles checked against
//! the exact ones and against classic buckets), with exemplars on classic
//! buckets stored from both OpenMetrics and protobuf scrapes and read back
//! through `query_exemplars`; and a Pushgateway
//! (`prometheus-pushgateway`) receiving pushes. Under `CI` a
//! missing binary fails these tests; elsewhere they are skipped.

use std::io::Write;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use integration_tests::servers::{
    encode_query, query, start_example, start_prometheus, start_prometheus_with, start_pushgateway,
    wait_for, Process,
};
use integration_tests::{free_port, http_get, require_binary, TestServer};
use metrics_core::process::ProcessCollector;
use metrics_core::{
    Buckets, Counter, Family, Format, Histogram, Info, LabelValue, Metadata, Metrics,
    NativeBuckets, Registry,
};
use metrics_http::{Endpoint, PushError, Pushgateway};

#[derive(LabelValue, Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Kind {
    Fast,
    Slow,
}

#[derive(Metrics)]
#[metrics(prefix = "e2e")]
struct E2eMetrics {
    /// Jobs done.
    jobs: Counter,
    /// Jobs by kind.
    jobs_by_kind: Family<Kind, Counter>,
    /// Job latency.
    #[metrics(unit = "seconds", buckets = Buckets::exponential(0.01, 2.0, 8))]
    latency: Histogram,
    /// Build facts.
    build: Info,
}

fn e2e_registry() -> (Arc<Registry>, Arc<E2eMetrics>) {
    let registry = Arc::new(Registry::new());
    let metrics = Arc::new(E2eMetrics::default());
    registry.register(metrics.clone()).unwrap();
    registry.register(ProcessCollector::new()).unwrap();
    metrics.jobs.inc_by(42);
    metrics.jobs_by_kind[Kind::Slow].inc_by(2);
    for v in [0.005, 0.02, 0.03, 0.2, 0.5, 1.0, 3.0] {
        metrics.latency.observe(v);
    }
    metrics
        .build
        .set([("version", "1.0.0"), ("commit", "e2e \"test\"")])
        .unwrap();
    (registry, metrics)
}

#[test]
fn prometheus_scrapes_the_endpoint_in_both_formats() {
    let (registry, _metrics) = e2e_registry();
    let server = TestServer::start(
        Endpoint::builder(registry.clone())
            .version("e2e")
            .build()
            .unwrap(),
    );
    let target = server.addr;

    let config = format!(
        "global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\n  evaluation_interval: 1s\n\
         scrape_configs:\n\
         \x20 - job_name: openmetrics\n    static_configs:\n      - targets: ['{target}']\n\
         \x20 - job_name: text\n    params:\n      format: [text]\n    static_configs:\n      - targets: ['{target}']\n"
    );
    let Some((_prometheus, api)) = start_prometheus(&config, &[]) else {
        return;
    };

    wait_for("both targets up", Duration::from_secs(90), || {
        http_get(api, "GET", "/api/v1/targets", &[])
            .map(|r| r.text().matches("\"health\":\"up\"").count() >= 2)
            .unwrap_or(false)
    });
    wait_for("samples from both jobs", Duration::from_secs(30), || {
        let text = query(api, "e2e_jobs_total");
        text.contains("\"job\":\"openmetrics\"") && text.contains("\"job\":\"text\"")
    });

    let jobs = query(api, "e2e_jobs_total{job=\"openmetrics\"}");
    assert!(jobs.contains("\"42\"]"), "{jobs}");
    let kinds = query(api, "e2e_jobs_by_kind_total{job=\"text\",kind=\"fast\"}");
    assert!(
        kinds.contains("\"0\"]"),
        "every enum value exists at zero: {kinds}"
    );
    let count = query(api, "e2e_latency_seconds_count{job=\"text\"}");
    assert!(count.contains("\"7\"]"), "{count}");
    for job in ["openmetrics", "text"] {
        let quantile = query(
            api,
            &format!("histogram_quantile(0.5, e2e_latency_seconds_bucket{{job=\"{job}\"}})"),
        );
        let value = quantile
            .rsplit_once(",\"")
            .and_then(|(_, v)| v.split('"').next())
            .and_then(|v| v.parse::<f64>().ok())
            .unwrap_or_else(|| panic!("no number in {quantile}"));
        assert!(
            value.is_finite() && value > 0.0 && value < 10.0,
            "{job}: {value}"
        );
    }
    let info = query(api, "e2e_build_info{job=\"openmetrics\"}");
    assert!(info.contains("\"commit\":\"e2e \\\"test\\\"\""), "{info}");
    let up = query(api, "up");
    assert_eq!(up.matches("\"1\"]").count(), 2, "{up}");
    // The endpoint's own count of what it served: Prometheus negotiated
    // OpenMetrics with gzip for one job, and got text for the other.
    let served = |format: &str| {
        metrics_core::testing::sample_value(
            &registry,
            "metrics_http_scrapes_total",
            &[("format", format), ("encoding", "gzip")],
        )
        .unwrap_or(0.0)
    };
    assert!(
        served("openmetrics") >= 1.0 && served("text") >= 1.0,
        "{}",
        registry.encode_to_string(Format::Text)
    );
}

#[test]
fn prometheus_scrapes_the_endpoint_over_protobuf() {
    let (registry, _metrics) = e2e_registry();
    // With native histograms enabled, Prometheus asks for protobuf first.
    let Some((_server, _prometheus, api)) = scraped_by_prometheus(
        &registry,
        "protobuf",
        &["--enable-feature=native-histograms"],
    ) else {
        return;
    };
    wait_for("the protobuf scrape", Duration::from_secs(90), || {
        query(api, "e2e_jobs_total").contains("\"42\"]")
    });
    let served = metrics_core::testing::sample_value(
        &registry,
        "metrics_http_scrapes_total",
        &[("format", "protobuf"), ("encoding", "gzip")],
    );
    assert!(served.is_some_and(|n| n >= 1.0), "{served:?}");

    let kinds = query(api, "e2e_jobs_by_kind_total{kind=\"fast\"}");
    assert!(kinds.contains("\"0\"]"), "{kinds}");
    let count = query(api, "e2e_latency_seconds_count");
    assert!(count.contains("\"7\"]"), "{count}");
    let sum = query(api, "e2e_latency_seconds_sum");
    assert!(sum.contains("\"4.755\"]"), "{sum}");
    // Classic buckets (no native part): `le` series as from text.
    let le = query(api, "e2e_latency_seconds_bucket{le=\"0.04\"}");
    assert!(le.contains("\"3\"]"), "{le}");
    let info = query(api, "e2e_build_info");
    assert!(info.contains("\"commit\":\"e2e \\\"test\\\"\""), "{info}");
    let process = query(api, "process_start_time_seconds");
    assert!(process.contains("\"job\":\"protobuf\""), "{process}");
}

/// Serves `registry` and starts a Prometheus (with `flags`) scraping it
/// every second as job `job`. Returns the server, Prometheus and its API
/// address, all to be kept alive; `None` when Prometheus is skipped.
fn scraped_by_prometheus(
    registry: &Arc<Registry>,
    job: &str,
    flags: &[&str],
) -> Option<(TestServer, Process, SocketAddr)> {
    let server = TestServer::start(Endpoint::builder(registry.clone()).build().unwrap());
    let target = server.addr;
    let config = format!(
        "global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\n\
         scrape_configs:\n\
         \x20 - job_name: {job}\n    static_configs:\n      - targets: ['{target}']\n"
    );
    let (prometheus, api) = start_prometheus_with(&config, &[], flags)?;
    Some((server, prometheus, api))
}

/// The one value of an instant query's answer; `None` while the answer
/// is empty (nothing ingested yet).
fn query_value(api: SocketAddr, promql: &str) -> Option<f64> {
    let answer = query(api, promql);
    let json: serde_json::Value =
        serde_json::from_str(&answer).unwrap_or_else(|e| panic!("{promql}: {e}: {answer}"));
    let result = json["data"]["result"]
        .as_array()
        .unwrap_or_else(|| panic!("{promql}: no result in {answer}"));
    assert!(result.len() <= 1, "{promql}: one series expected: {answer}");
    let value = result.first()?["value"][1].as_str()?;
    Some(
        value
            .parse()
            .unwrap_or_else(|e| panic!("{promql}: {value}: {e}")),
    )
}

#[test]
fn prometheus_computes_native_quantiles_from_the_protobuf_scrape() {
    const NATIVE: &str = "e2e_native_latency_seconds";
    const CLASSIC: &str = "e2e_classic_latency_seconds";
    // Prometheus 2.42 with native histograms enabled ingests only the
    // native part of a histogram that has one, so the same observations
    // go to two histograms: native only (schema 3), and classic only
    // with 64 bounds 1 ms * 1.16^i, up to 11.5 s.
    const CLASSIC_FACTOR: f64 = 1.16;
    let native = Arc::new(Histogram::native(NativeBuckets::DEFAULT));
    let classic = Arc::new(Histogram::new(Buckets::exponential(
        0.001,
        CLASSIC_FACTOR,
        64,
    )));
    let registry = Arc::new(Registry::new());
    registry
        .register_metric(
            Metadata::new(NATIVE, "Latency, native buckets.").with_unit("seconds"),
            native.clone(),
        )
        .unwrap();
    registry
        .register_metric(
            Metadata::new(CLASSIC, "Latency, classic buckets.").with_unit("seconds"),
            classic.clone(),
        )
        .unwrap();

    // 4000 deterministic latencies, log-uniform over 1 ms .. 10 s: four
    // decades, 107 native buckets at schema 3, within the default 160.
    let mut state = 0x9e37_79b9_7f4a_7c15u64;
    let mut values: Vec<f64> = (0..4000)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let unit = (state >> 11) as f64 / (1u64 << 53) as f64;
            10f64.powf(unit * 4.0 - 3.0)
        })
        .collect();
    for v in &values {
        native.observe(*v);
        classic.observe(*v);
    }
    let sum: f64 = values.iter().sum();
    values.sort_by(f64::total_cmp);
    // The exact 0.9-quantile: the value of rank 0.9 * n, as Prometheus
    // ranks.
    let q = 0.9;
    let exact = values[(q * values.len() as f64).ceil() as usize - 1];

    // With native histograms enabled, Prometheus asks for protobuf first.
    let Some((_server, _prometheus, api)) =
        scraped_by_prometheus(&registry, "native", &["--enable-feature=native-histograms"])
    else {
        return;
    };
    // Only a native histogram has a `histogram_count`. On a timeout the
    // target's state says why (the scrape error, for a rejected body).
    let deadline = Instant::now() + Duration::from_secs(30);
    let count = loop {
        if let Some(count) = query_value(api, &format!("histogram_count({NATIVE})")) {
            break count;
        }
        if Instant::now() > deadline {
            let targets = http_get(api, "GET", "/api/v1/targets", &[])
                .map(|r| r.text())
                .unwrap_or_else(|e| e.to_string());
            panic!("no native histogram ingested within 30 s; targets: {targets}");
        }
        std::thread::sleep(Duration::from_millis(250));
    };
    let served = metrics_core::testing::sample_value(
        &registry,
        "metrics_http_scrapes_total",
        &[("format", "protobuf"), ("encoding", "gzip")],
    );
    assert!(served.is_some_and(|n| n >= 1.0), "{served:?}");

    assert_eq!(count, values.len() as f64);
    let native_sum = query_value(api, &format!("histogram_sum({NATIVE})")).unwrap();
    assert!(
        (native_sum - sum).abs() <= 1e-9 * sum,
        "sum {native_sum}, observed {sum}"
    );
    let classic_count = query_value(api, &format!("{CLASSIC}_count")).unwrap();
    assert_eq!(classic_count, values.len() as f64);

    let native_q = query_value(api, &format!("histogram_quantile({q}, {NATIVE})")).unwrap();
    let classic_q =
        query_value(api, &format!("histogram_quantile({q}, {CLASSIC}_bucket)")).unwrap();
    eprintln!(
        "count {count}, sum {native_sum} (observed {sum}); 0.9-quantile: \
         native {native_q}, classic {classic_q}, exact {exact}"
    );

    // Error bounds. A bucket spans (l, l * f]; Prometheus (2.42) finds the
    // bucket holding the rank and interpolates linearly inside it, so the
    // estimate and the exact value share a bucket: at worst they differ
    // by f - 1 (9.05 % at schema 3, f = 2^(1/8)). The schema's nominal
    // relative error is (f - 1) / (f + 1), the most the bucket's middle
    // is off from any value in it: 4.33 % at schema 3, 7.41 % for the
    // classic factor 1.16. With thousands of values spread smoothly the
    // interpolation lands within a small fraction of a bucket of the
    // exact value, so the nominal error holds with room to spare; with a
    // margin of 0.7 points it still fails for values counted one bucket
    // off (a whole factor, 9 % at schema 3).
    let nominal = |f: f64| (f - 1.0) / (f + 1.0);
    let native_bound = nominal(2f64.powf(1.0 / 8.0)) + 0.007;
    let classic_bound = nominal(CLASSIC_FACTOR) + 0.007;
    let native_error = (native_q / exact - 1.0).abs();
    assert!(
        native_error <= native_bound,
        "native {native_q} vs exact {exact}: {native_error:.4} > {native_bound:.4}"
    );
    let classic_error = (classic_q / exact - 1.0).abs();
    assert!(
        classic_error <= classic_bound,
        "classic {classic_q} vs exact {exact}: {classic_error:.4} > {classic_bound:.4}"
    );
    // Each within its own error of the exact value: within the sum of
    // both errors of each other.
    let between = (native_q / classic_q - 1.0).abs();
    assert!(
        between <= native_bound + classic_bound,
        "native {native_q} vs classic {classic_q}: {between:.4}"
    );
}

/// Trace ids as W3C Trace Context writes them: 32 hex digits.
const TRACE_TIMED: &str = "4bf92f3577b34da6a3ce929d0e0e4736";
const TRACE_UNTIMED: &str = "0af7651916cd43dd8448eb211c80319c";

/// Serves a classic histogram with two exemplars (one timestamped on the
/// 0.5 bucket, one without a timestamp on +Inf) and plain observations
/// to a Prometheus started with `flags`, which must negotiate `format`
/// (`openmetrics` or `protobuf`); waits until `/api/v1/query_exemplars`
/// returns both exemplars and checks their bucket, labels, values and
/// timestamps, and that the scrape is healthy.
fn exemplars_reach_prometheus(job: &str, flags: &[&str], format: &str) {
    const NAME: &str = "e2e_exemplar_latency_seconds";
    let h = Arc::new(Histogram::new(Buckets::new(&[0.1, 0.5, 1.0, 5.0])));
    let registry = Arc::new(Registry::new());
    registry
        .register_metric(
            Metadata::new(NAME, "Latency, with exemplars.").with_unit("seconds"),
            h.clone(),
        )
        .unwrap();
    let started = SystemTime::now();
    for v in [0.05, 0.2, 0.7, 2.0] {
        h.observe(v);
    }
    let timed_at = SystemTime::now();
    h.observe_with_exemplar(0.3, &[("trace_id", TRACE_TIMED)], Some(timed_at))
        .unwrap();
    // Without a timestamp Prometheus gives it the scrape's.
    h.observe_with_exemplar(7.5, &[("trace_id", TRACE_UNTIMED)], None)
        .unwrap();
    let unix = |t: SystemTime| t.duration_since(UNIX_EPOCH).unwrap().as_secs_f64();

    let Some((_server, _prometheus, api)) = scraped_by_prometheus(&registry, job, flags) else {
        return;
    };

    // From a minute before the observations to a minute from now.
    let exemplars = || -> serde_json::Value {
        let path = format!(
            "/api/v1/query_exemplars?query={}&start={:.3}&end={:.3}",
            encode_query(&format!("{NAME}_bucket")),
            unix(started) - 60.0,
            unix(SystemTime::now()) + 60.0,
        );
        let r = http_get(api, "GET", &path, &[]).unwrap();
        assert_eq!(r.status, 200, "{path}: {}", r.text());
        serde_json::from_str(&r.text()).unwrap_or_else(|e| panic!("{e}: {}", r.text()))
    };
    let targets = || {
        http_get(api, "GET", "/api/v1/targets", &[])
            .map(|r| r.text())
            .unwrap_or_else(|e| e.to_string())
    };
    // On a timeout the target's state says why (the scrape error, for a
    // rejected body).
    let deadline = Instant::now() + Duration::from_secs(30);
    let series = loop {
        let answer = exemplars();
        let series = answer["data"].as_array().cloned().unwrap_or_default();
        let found = series
            .iter()
            .flat_map(|s| s["exemplars"].as_array().cloned().unwrap_or_default())
            .count();
        if found >= 2 {
            break series;
        }
        if Instant::now() > deadline {
            panic!(
                "{job}: no exemplars within 30 s; query_exemplars: {answer}; \
                 targets: {}",
                targets()
            );
        }
        std::thread::sleep(Duration::from_millis(250));
    };

    // One series per bucket that has an exemplar, each with its one
    // exemplar (repeated scrapes of the same exemplar are not stored
    // again).
    let bucket = |le: &str| {
        let matching: Vec<&serde_json::Value> = series
            .iter()
            .filter(|s| s["seriesLabels"]["le"] == le)
            .collect();
        assert_eq!(matching.len(), 1, "{job}: le {le}: {series:?}");
        let s = matching[0];
        assert_eq!(s["seriesLabels"]["__name__"], format!("{NAME}_bucket"));
        assert_eq!(s["seriesLabels"]["job"], job);
        let exemplars = s["exemplars"].as_array().unwrap();
        assert_eq!(exemplars.len(), 1, "{job}: le {le}: {s}");
        let e = exemplars[0].clone();
        let labels = e["labels"].as_object().unwrap();
        assert_eq!(labels.len(), 1, "{job}: le {le}: {e}");
        let value: f64 = e["value"].as_str().unwrap().parse().unwrap();
        let timestamp = e["timestamp"].as_f64().unwrap();
        (
            labels["trace_id"].as_str().unwrap().to_owned(),
            value,
            timestamp,
        )
    };
    assert_eq!(series.len(), 2, "{job}: {series:?}");
    let (trace, value, timestamp) = bucket("0.5");
    assert_eq!(trace, TRACE_TIMED);
    assert_eq!(value, 0.3);
    // Prometheus keeps milliseconds (from the seconds as a float, in
    // OpenMetrics: possibly one millisecond less).
    let sent = unix(timed_at);
    assert!(
        (timestamp - sent).abs() <= 0.0011,
        "{job}: timestamp {timestamp}, sent {sent}"
    );
    let (trace, value, timestamp) = bucket("+Inf");
    assert_eq!(trace, TRACE_UNTIMED);
    assert_eq!(value, 7.5);
    // A scrape's time.
    assert!(
        timestamp >= unix(started) - 0.001 && timestamp <= unix(SystemTime::now()),
        "{job}: timestamp {timestamp}"
    );

    // The scrape is healthy and its samples are in, the explicit +Inf
    // bucket (protobuf sends it when it holds an exemplar) counted once.
    assert_eq!(
        query_value(api, &format!("up{{job=\"{job}\"}}")),
        Some(1.0),
        "{}",
        targets()
    );
    let state = targets();
    assert!(state.contains("\"lastError\":\"\""), "{state}");
    assert_eq!(query_value(api, &format!("{NAME}_count")), Some(6.0));
    assert_eq!(
        query_value(api, &format!("{NAME}_bucket{{le=\"+Inf\"}}")),
        Some(6.0)
    );
    assert_eq!(
        query_value(api, &format!("{NAME}_bucket{{le=\"0.5\"}}")),
        Some(3.0)
    );
    let served = |format: &str| {
        metrics_core::testing::sample_value(
            &registry,
            "metrics_http_scrapes_total",
            &[("format", format), ("encoding", "gzip")],
        )
        .unwrap_or(0.0)
    };
    assert!(served(format) >= 1.0, "{job}: not served as {format}");
    let others = ["openmetrics", "protobuf", "text"];
    for other in others.into_iter().filter(|f| *f != format) {
        assert_eq!(served(other), 0.0, "{job}: served as {other}");
    }
}

#[test]
fn prometheus_stores_exemplars_from_the_openmetrics_scrape() {
    // With exemplar storage alone, Prometheus 2.42 asks for OpenMetrics
    // first.
    exemplars_reach_prometheus(
        "openmetrics",
        &["--enable-feature=exemplar-storage"],
        "openmetrics",
    );
}

#[test]
fn prometheus_stores_exemplars_from_the_protobuf_scrape() {
    // With native histograms enabled too, it asks for protobuf first.
    exemplars_reach_prometheus(
        "protobuf",
        &["--enable-feature=exemplar-storage,native-histograms"],
        "protobuf",
    );
}

#[test]
fn served_bodies_pass_promtool() {
    if require_binary("promtool").is_none() {
        return;
    }
    let (registry, _metrics) = e2e_registry();
    let server = TestServer::start(Endpoint::builder(registry).build().unwrap());
    let plain = http_get(server.addr, "GET", "/metrics", &[])
        .unwrap()
        .text();
    let gz = http_get(
        server.addr,
        "GET",
        "/metrics",
        &[("Accept-Encoding", "gzip")],
    )
    .unwrap();
    let mut unzipped = String::new();
    std::io::Read::read_to_string(
        &mut flate2::read::GzDecoder::new(&gz.body[..]),
        &mut unzipped,
    )
    .unwrap();
    for body in [plain, unzipped] {
        let (ok, report) =
            integration_tests::promtool_check(&body).expect("promtool was found above");
        assert!(ok, "{report}\n{body}");
    }
}

#[test]
fn pushes_reach_a_real_pushgateway() {
    let Some((_gateway, addr)) = start_pushgateway() else {
        return;
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let (registry, metrics) = e2e_registry();
    let gateway = Pushgateway::new(&format!("http://{addr}"), "nightly")
        .unwrap()
        .grouping("instance", "db/1")
        .unwrap();

    runtime.block_on(gateway.push(&registry)).unwrap();
    let pushed = http_get(addr, "GET", "/metrics", &[]).unwrap().text();
    assert!(
        pushed.contains("e2e_jobs_total{instance=\"db/1\",job=\"nightly\"} 42"),
        "{pushed}"
    );
    let api = http_get(addr, "GET", "/api/v1/metrics", &[])
        .unwrap()
        .text();
    assert!(
        api.contains("\"instance\":\"db/1\"") && api.contains("e2e_latency_seconds"),
        "{api}"
    );

    // push_add replaces only what it pushes; push replaces the group.
    metrics.jobs.inc();
    let only_jobs = Registry::new();
    let jobs = Arc::new(Counter::<u64>::new());
    jobs.inc_by(43);
    only_jobs
        .register_metric(metrics_core::Metadata::new("e2e_jobs", "Jobs done."), jobs)
        .unwrap();
    runtime.block_on(gateway.push_add(&only_jobs)).unwrap();
    let after_add = http_get(addr, "GET", "/metrics", &[]).unwrap().text();
    assert!(
        after_add.contains("e2e_jobs_total{instance=\"db/1\",job=\"nightly\"} 43"),
        "{after_add}"
    );
    assert!(
        after_add.contains("e2e_latency_seconds_count{instance=\"db/1\",job=\"nightly\"} 7"),
        "{after_add}"
    );
    runtime.block_on(gateway.push(&only_jobs)).unwrap();
    let after_put = http_get(addr, "GET", "/metrics", &[]).unwrap().text();
    assert!(
        !after_put.contains("e2e_latency_seconds_count{instance=\"db/1\""),
        "{after_put}"
    );

    runtime.block_on(gateway.delete()).unwrap();
    let after_delete = http_get(addr, "GET", "/metrics", &[]).unwrap().text();
    assert!(!after_delete.contains("job=\"nightly\""), "{after_delete}");

    // Periodic pushing, with a final push at shutdown.
    let report = runtime
        .block_on(async {
            let shutdown = tokio::time::sleep(Duration::from_millis(350));
            gateway
                .push_periodically(&registry, Duration::from_millis(100), shutdown)
                .await
        })
        .unwrap();
    assert!(report.succeeded >= 4, "{report:?}");
    assert_eq!(report.failed, 0);
    let final_body = http_get(addr, "GET", "/metrics", &[]).unwrap().text();
    assert!(
        final_body.contains("e2e_jobs_total{instance=\"db/1\",job=\"nightly\"} 43"),
        "{final_body}"
    );
}

#[test]
fn batch_push_example_leaves_its_final_values_in_the_pushgateway() {
    let Some((_gateway, addr)) = start_pushgateway() else {
        return;
    };
    let job = start_example("batch_push", &[&format!("http://{addr}")], &[]);
    let (status, _) = job.finish(Duration::from_secs(60));
    assert_eq!(status, Some(0), "the job exits successfully");
    let pushed = http_get(addr, "GET", "/metrics", &[]).unwrap().text();
    assert!(
        pushed.contains("batch_records_total{instance=\"example/1\",job=\"nightly_batch\"} 30"),
        "the final push carries the final count: {pushed}"
    );
    assert!(
        pushed.contains(
            "batch_record_duration_seconds_count{instance=\"example/1\",job=\"nightly_batch\"} 30"
        ),
        "{pushed}"
    );
}

#[test]
fn push_errors_are_returned() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let registry = Registry::new();
    // Nothing listens there: connection refused, after the retries.
    let closed = Pushgateway::new(&format!("http://127.0.0.1:{}", free_port()), "j")
        .unwrap()
        .retries(2, Duration::from_millis(10));
    let start = Instant::now();
    assert!(matches!(
        runtime.block_on(closed.push(&registry)),
        Err(PushError::Io(_))
    ));
    assert!(
        start.elapsed() >= Duration::from_millis(30),
        "two backoffs of 10 and 20 ms"
    );

    // A server that fails twice with 503, then accepts: retried to success.
    let (addr, hits) = fake_gateway(vec![503, 503, 202]);
    let gateway = Pushgateway::new(&format!("http://{addr}"), "j")
        .unwrap()
        .retries(3, Duration::from_millis(5));
    runtime.block_on(gateway.push(&registry)).unwrap();
    assert_eq!(hits.join().unwrap(), 3);

    // A 400 is not retried and carries the gateway's explanation.
    let (addr, hits) = fake_gateway(vec![400]);
    let gateway = Pushgateway::new(&format!("http://{addr}"), "j").unwrap();
    match runtime.block_on(gateway.push_add(&registry)) {
        Err(PushError::Status { status: 400, body }) => assert_eq!(body, "bad push"),
        other => panic!("{other:?}"),
    }
    assert_eq!(hits.join().unwrap(), 1);
}

/// Answers one connection per status in `statuses`, then stops; returns
/// how many requests it saw.
fn fake_gateway(statuses: Vec<u16>) -> (SocketAddr, std::thread::JoinHandle<usize>) {
    use std::io::{BufRead, BufReader, Read};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let handle = std::thread::spawn(move || {
        let mut seen = 0;
        for status in statuses {
            let (stream, _) = listener.accept().unwrap();
            let mut reader = BufReader::new(stream);
            let mut length = 0usize;
            loop {
                let mut line = String::new();
                reader.read_line(&mut line).unwrap();
                if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                    length = v.trim().parse().unwrap();
                }
                if line == "\r\n" || line.is_empty() {
                    break;
                }
            }
            let mut body = vec![0; length];
            reader.read_exact(&mut body).unwrap();
            seen += 1;
            let text = if status == 400 { "bad push" } else { "" };
            let response = format!(
                "HTTP/1.1 {status} X\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{text}",
                text.len()
            );
            reader.get_mut().write_all(response.as_bytes()).unwrap();
        }
        seen
    });
    (addr, handle)
}

#[test]
fn registry_is_unchanged_by_serving() {
    // The served registry holds the self-metrics too; the application's
    // families are untouched.
    let (registry, _m) = e2e_registry();
    let before = registry
        .encode_to_string(Format::Text)
        .lines()
        .filter(|l| l.starts_with("e2e_"))
        .count();
    let _server = TestServer::start(Endpoint::builder(registry.clone()).build().unwrap());
    let after = registry
        .encode_to_string(Format::Text)
        .lines()
        .filter(|l| l.starts_with("e2e_"))
        .count();
    assert_eq!(before, after);
}
