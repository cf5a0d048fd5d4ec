//! A batch job that pushes its metrics to a Pushgateway: every second while
//! it runs, and once more when it finishes, so the final values are kept.
//!
//! ```text
//! prometheus-pushgateway &        # listens on 127.0.0.1:9091
//! cargo run -p examples --example batch_push [-- http://127.0.0.1:9091]
//! curl -s 127.0.0.1:9091/metrics | grep batch_
//! ```

use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use metrics_core::{Counter, Gauge, Histogram, Metrics, Registry};
use metrics_http::Pushgateway;

#[derive(Metrics)]
#[metrics(prefix = "batch")]
struct BatchMetrics {
    /// Records processed.
    records: Counter,
    /// Time per record.
    #[metrics(unit = "seconds")]
    record_duration: Histogram,
    /// Unix time of the last successful run.
    #[metrics(unit = "seconds")]
    last_success: Gauge<f64>,
}

#[tokio::main]
async fn main() -> ExitCode {
    let url = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "http://127.0.0.1:9091".to_owned());
    let gateway = match Pushgateway::new(&url, "nightly_batch")
        .and_then(|g| g.grouping("instance", "example/1"))
    {
        Ok(gateway) => gateway.retries(3, Duration::from_millis(200)),
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    let registry = Registry::new();
    let metrics = Arc::new(BatchMetrics::default());
    if let Err(e) = registry.register(metrics.clone()) {
        eprintln!("{e}");
        return ExitCode::FAILURE;
    }

    // The job: 30 records of simulated work, while pushing every second.
    let work = async {
        for i in 0..30u64 {
            let start = std::time::Instant::now();
            tokio::time::sleep(Duration::from_millis(50 + (i % 5) * 20)).await;
            metrics.records.inc();
            metrics
                .record_duration
                .observe(start.elapsed().as_secs_f64());
        }
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default();
        metrics.last_success.set(now.as_secs_f64());
    };
    match gateway
        .push_periodically(&registry, Duration::from_secs(1), work)
        .await
    {
        Ok(report) => {
            eprintln!(
                "pushed {} times to {url}{} ({} periodic pushes failed)",
                report.succeeded,
                gateway.path(),
                report.failed
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("the final push failed: {e}");
            ExitCode::FAILURE
        }
    }
}
