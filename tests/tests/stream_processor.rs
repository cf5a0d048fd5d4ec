//! The stream processor a new user runs first, run as they would: every
//! family moves in `--once`; served, it is not ready until warmed up and
//! stops on SIGTERM with a summary; its Prometheus files pass `promtool`;
//! a real Prometheus scraping it every second returns data for every
//! recording rule and every Grafana panel query; and the live view draws
//! it in a real headless Chromium, in real time (the screenshot is kept as
//! `target/test-artifacts/live-view.png`).

use std::collections::{BTreeMap, BTreeSet};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

use integration_tests::browser::Browser;
use integration_tests::servers::{
    example_binary, query, serve_example, start_prometheus, wait_for_status, workspace_root,
    Process,
};
use integration_tests::{http_get, promtool_check, require_binary};

/// The families the issue lists, 37 of them, as scraped.
const FAMILIES: &[&str] = &[
    "processor_events_received_total",
    "processor_events_processed_total",
    "processor_event_processing_duration_seconds",
    "processor_pipeline_lag_seconds",
    "processor_backpressure_events",
    "processor_windows_created_total",
    "processor_windows_triggered_total",
    "processor_windows_active",
    "processor_window_size_events",
    "processor_late_events_total",
    "processor_aggregations_computed_total",
    "processor_aggregation_errors_total",
    "processor_aggregation_duration_seconds",
    "processor_state_operations_total",
    "processor_state_operation_duration_seconds",
    "processor_state_cache_hits_total",
    "processor_state_cache_misses_total",
    "processor_state_size_bytes",
    "processor_state_evictions_total",
    "processor_dedup_events_checked_total",
    "processor_dedup_duplicates_found_total",
    "processor_dedup_cache_evictions_total",
    "processor_dedup_cache_size",
    "processor_normalization_events_total",
    "processor_normalization_gaps_filled_total",
    "processor_normalization_outliers_detected_total",
    "processor_normalization_fill_operations_total",
    "processor_watermark_lag_seconds",
    "processor_watermark_updates_total",
    "processor_out_of_order_events_total",
    "processor_kafka_messages_consumed_total",
    "processor_kafka_messages_produced_total",
    "processor_kafka_offset_commit_errors_total",
    "processor_kafka_consumer_lag",
    "processor_pipeline_errors_total",
    "processor_pipeline_operators_active",
    "processor_operator_duration_seconds",
];

fn example_dir() -> PathBuf {
    workspace_root().join("examples/stream_processor")
}

fn read(name: &str) -> String {
    std::fs::read_to_string(example_dir().join(name)).unwrap()
}

/// The family a text 0.0.4 sample belongs to, among `families`.
fn family_of<'a>(sample: &str, families: &BTreeSet<&'a str>) -> Option<&'a str> {
    let exact = families.get(sample).copied();
    exact.or_else(|| {
        ["_bucket", "_sum", "_count"]
            .iter()
            .find_map(|suffix| families.get(sample.strip_suffix(suffix)?).copied())
    })
}

#[test]
fn once_prints_every_family_and_every_family_moves() {
    let out = Command::new(example_binary("stream_processor"))
        .arg("--once")
        .output()
        .expect("stream_processor --once runs");
    assert!(out.status.success(), "{out:?}");
    let text = String::from_utf8(out.stdout).unwrap();
    let typed: BTreeSet<&str> = text
        .lines()
        .filter_map(|l| l.strip_prefix("# TYPE "))
        .filter_map(|l| l.split(' ').next())
        .filter(|name| name.starts_with("processor_"))
        .collect();
    let expected: BTreeSet<&str> = FAMILIES.iter().copied().collect();
    assert_eq!(typed, expected, "exactly the metric set of the issue");

    let mut moved: BTreeMap<&str, bool> = FAMILIES.iter().map(|f| (*f, false)).collect();
    for line in text.lines().filter(|l| l.starts_with("processor_")) {
        let name_end = line.find(['{', ' ']).unwrap();
        let value: f64 = line.rsplit(' ').next().unwrap().parse().unwrap();
        let family = family_of(&line[..name_end], &expected).unwrap();
        if value != 0.0 {
            moved.insert(family, true);
        }
    }
    let still: Vec<_> = moved.iter().filter(|(_, m)| !**m).map(|(f, _)| f).collect();
    assert!(still.is_empty(), "families that never moved: {still:?}");
    assert!(
        text.contains("processor_kafka_messages_consumed_total{topic=\"refunds\""),
        "the topic that appears mid-run is there"
    );
    for error_type in ["deserialization", "validation"] {
        assert!(
            !text.contains(&format!(
                "processor_pipeline_errors_total{{error_type=\"{error_type}\"}} 0\n"
            )),
            "#[timed(errors = ...)] counted {error_type} errors"
        );
    }
    assert!(
        text.contains("function_calls_total{function=\"commit_offsets\""),
        "the #[timed] commit is in the built-in family"
    );
    if let Some((ok, report)) = promtool_check(&text) {
        assert!(ok, "{report}");
    }
}

/// The stream processor serving on a port the system picks, for five
/// minutes at most; the guard stops it.
fn serve(extra: &[&str]) -> (Process, SocketAddr) {
    let mut args = vec!["--duration", "300"];
    args.extend_from_slice(extra);
    serve_example("stream_processor", Some("--addr"), &args)
}

#[test]
fn served_it_warms_up_then_stops_on_sigterm_with_a_summary() {
    let (program, addr) = serve(&["--warm-up", "4s"]);
    let warming = http_get(addr, "GET", "/ready", &[]).unwrap();
    assert_eq!(warming.status, 503, "{}", warming.text());
    assert!(warming.text().contains("warming up"), "{}", warming.text());
    wait_for_status(addr, "/ready", 200, Duration::from_secs(30));

    let landing = http_get(addr, "GET", "/", &[]).unwrap();
    assert_eq!(landing.status, 200);
    assert!(landing.text().contains("<h1>stream_processor "));
    for path in ["/metrics", "/health", "/ready", "/live"] {
        assert!(
            landing.text().contains(&format!("href=\"{path}\"")),
            "{path}"
        );
    }
    let live = http_get(addr, "GET", "/live", &[]).unwrap();
    assert_eq!(live.status, 200);
    assert!(live.text().contains("content=\"/metrics\""));
    let metrics = http_get(addr, "GET", "/metrics", &[]).unwrap().text();
    assert!(metrics.contains("processor_events_received_total "));

    let (status, stdout) = program.terminate(Duration::from_secs(20));
    assert_eq!(status, Some(0), "a clean exit on SIGTERM: {stdout}");
    assert!(
        stdout.contains(&format!("curl -s http://{addr}/metrics")),
        "a curl line: {stdout}"
    );
    let summary = stdout.lines().last().unwrap_or_default();
    assert!(
        summary.starts_with("Ran ") && summary.contains("events") && summary.contains("p95"),
        "a one-paragraph summary last: {stdout}"
    );
}

#[test]
fn prometheus_files_pass_promtool() {
    let Some(promtool) = require_binary("promtool") else {
        return;
    };
    for args in [
        &["check", "config", "prometheus.yml"][..],
        &["check", "rules", "rules.yml"],
        &["test", "rules", "rules_test.yml"],
    ] {
        let out = Command::new(&promtool)
            .args(args)
            .current_dir(example_dir())
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "promtool {args:?}:\n{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

/// Every `expr` of the dashboard's panels, with Grafana's rate interval
/// set to what a 1 s scrape needs.
fn dashboard_queries() -> Vec<(String, String)> {
    let dashboard: serde_json::Value =
        serde_json::from_str(&read("grafana-dashboard.json")).expect("the dashboard is JSON");
    assert_eq!(dashboard["__inputs"][0]["name"], "DS_PROMETHEUS");
    let mut queries = Vec::new();
    for panel in dashboard["panels"].as_array().expect("panels") {
        let title = panel["title"].as_str().unwrap_or_default();
        for target in panel["targets"].as_array().into_iter().flatten() {
            let expr = target["expr"].as_str().expect("a PromQL target");
            queries.push((title.to_owned(), expr.replace("$__rate_interval", "1m")));
        }
    }
    queries
}

fn recording_rules() -> Vec<String> {
    read("rules.yml")
        .lines()
        .filter_map(|l| l.trim().strip_prefix("- record:"))
        .map(|name| name.trim().to_owned())
        .collect()
}

/// Whether `promql` answers at least one series with a finite value (a
/// NaN from 0/0 or a quantile of nothing would draw an empty panel).
fn has_data(api: SocketAddr, promql: &str) -> bool {
    let answer: serde_json::Value = serde_json::from_str(&query(api, promql)).unwrap();
    answer["data"]["result"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|series| series["value"][1].as_str()?.parse::<f64>().ok())
        .any(f64::is_finite)
}

#[test]
fn every_recording_rule_and_panel_query_returns_data_from_a_real_prometheus() {
    if require_binary("prometheus").is_none() {
        return;
    }
    let (_program, target) = serve(&[]);
    // The example's own files, pointed at this run and sped up to 1 s.
    let config = read("prometheus.yml")
        .replace("127.0.0.1:9090", &target.to_string())
        .replace("scrape_interval: 5s", "scrape_interval: 1s")
        .replace("evaluation_interval: 5s", "evaluation_interval: 1s")
        .replace("scrape_timeout: 4s", "scrape_timeout: 1s");
    assert!(config.contains(&target.to_string()) && config.contains("interval: 1s"));
    let Some((_prometheus, api)) = start_prometheus(&config, &[("rules.yml", &read("rules.yml"))])
    else {
        return;
    };

    let rules = recording_rules();
    assert!(rules.len() >= 5, "{rules:?}");
    let queries = dashboard_queries();
    assert!(queries.len() >= 11, "{queries:?}");
    let start = Instant::now();
    let mut empty: Vec<String> = Vec::new();
    while start.elapsed() < Duration::from_secs(90) {
        empty = rules
            .iter()
            .filter(|rule| !has_data(api, rule))
            .cloned()
            .chain(
                queries
                    .iter()
                    .filter(|(_, expr)| !has_data(api, expr))
                    .map(|(title, expr)| format!("panel `{title}`: {expr}")),
            )
            .collect();
        if empty.is_empty() {
            break;
        }
        std::thread::sleep(Duration::from_secs(1));
    }
    assert!(
        empty.is_empty(),
        "no data after {:?} for:\n{}",
        start.elapsed(),
        empty.join("\n")
    );

    // Every rule, recording and alerting, evaluates without error.
    let rules: serde_json::Value =
        serde_json::from_str(&http_get(api, "GET", "/api/v1/rules", &[]).unwrap().text()).unwrap();
    let mut alerts = 0;
    for group in rules["data"]["groups"].as_array().unwrap() {
        for rule in group["rules"].as_array().unwrap() {
            assert_eq!(rule["health"], "ok", "{rule}");
            alerts += usize::from(rule["type"] == "alerting");
        }
    }
    assert!(alerts >= 5, "the five alerts are loaded");
}

#[test]
fn live_view_draws_the_running_program_in_a_real_browser() {
    let Some(browser) = Browser::start() else {
        return;
    };
    let (_program, addr) = serve(&[]);
    wait_for_status(addr, "/ready", 200, Duration::from_secs(30));
    let url = format!("http://{addr}/live");
    let mut all = browser.open(&url, 1400, 900);
    let picked = "processor_events_processed_total,processor_event_processing_duration_seconds,\
                  processor_kafka_consumer_lag,processor_windows_active,\
                  processor_state_cache_hits_total,processor_watermark_lag_seconds";
    let mut few = browser.open(&format!("{url}?families={picked}"), 1400, 900);

    // Real time: six one-second polls of the running program.
    let start = Instant::now();
    let polls = |page: &mut integration_tests::browser::Page| {
        page.evaluate("Number(document.body.dataset.polls || 0)")
            .as_u64()
            .unwrap_or(0)
    };
    while polls(&mut all) < 6 || polls(&mut few) < 6 {
        assert!(start.elapsed() < Duration::from_secs(60), "the page polls");
        std::thread::sleep(Duration::from_millis(250));
    }
    let body = all.evaluate("JSON.stringify(document.body.dataset)");
    let body: serde_json::Value = serde_json::from_str(body.as_str().unwrap()).unwrap();
    assert_eq!(body["errors"].as_str().unwrap_or("0"), "0", "{body}");
    let families: usize = body["families"].as_str().unwrap().parse().unwrap();
    assert!(families >= FAMILIES.len(), "{body}");
    let charts = all.evaluate(
        "JSON.stringify(Object.fromEntries([...document.querySelectorAll('canvas')]\
         .map(c => [c.dataset.family, Number(c.dataset.points)])))",
    );
    let charts: BTreeMap<String, u64> = serde_json::from_str(charts.as_str().unwrap()).unwrap();
    for family in FAMILIES {
        let points = charts.get(*family).copied();
        assert!(
            points.is_some_and(|p| p > 0),
            "{family} is charted with data points: {points:?}"
        );
    }

    // The picture, kept for people (the README shows one like it).
    let artifacts = workspace_root().join("target/test-artifacts");
    std::fs::create_dir_all(&artifacts).unwrap();
    let shot = artifacts.join("live-view.png");
    few.screenshot(&shot);
    let png = std::fs::read(&shot).unwrap();
    assert!(png.starts_with(b"\x89PNG"), "a PNG file");
    assert!(
        png.len() > 20_000,
        "charts, not a blank page ({} bytes)",
        png.len()
    );
}
