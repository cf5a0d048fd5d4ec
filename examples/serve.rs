//! The main example: a small stream processor whose metrics are a derived
//! struct in the global registry, served on `/metrics` (plus `/health` and
//! `/ready`) while a background workload updates them, until ctrl-c or
//! SIGTERM.
//!
//! ```text
//! cargo run -p examples --example serve [-- --addr 127.0.0.1:9090]
//! METRICS_ADDR=0.0.0.0:9184 METRICS_TOKEN=s3cret cargo run -p examples --example serve
//! curl -s localhost:9090/metrics
//! ```

use std::process::ExitCode;
use std::time::Duration;

use metrics_core::process::ProcessCollector;
use metrics_core::{
    register, timed, Buckets, Counter, Family, Gauge, Global, Histogram, Info, LabelSet,
    LabelValue, Metrics, Outcome, Registry,
};
use metrics_http::{shutdown_signal, EndpointBuilder};

#[derive(LabelValue, Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Operation {
    Get,
    Put,
    Delete,
}

#[derive(LabelValue, Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[label(rename_all = "lowercase")]
enum Backend {
    RocksDb,
    Memory,
}

#[derive(LabelSet, Clone, Copy, Debug, PartialEq, Eq, Hash)]
struct StateOp {
    operation: Operation,
    backend: Backend,
}

#[derive(LabelSet, Clone, Debug, PartialEq, Eq, Hash)]
struct Tenant {
    tenant: String,
}

#[derive(Metrics)]
#[metrics(prefix = "stream")]
struct StreamMetrics {
    /// Events ingested.
    events_ingested: Counter,
    /// Events by processing outcome.
    events_processed: Family<Outcome, Counter>,
    /// Time to process one event, by outcome.
    #[metrics(unit = "seconds", buckets = Buckets::exponential(0.0005, 2.0, 12))]
    processing_duration: Family<Outcome, Histogram>,
    /// Events waiting in the queue.
    queue_depth: Gauge,
    /// Bytes written to state.
    #[metrics(unit = "bytes")]
    state_written: Counter<f64>,
    /// State operations by kind and backend.
    state_ops: Family<StateOp, Counter>,
    /// Requests per tenant (open-ended, capped).
    #[metrics(max_series = 100)]
    tenant_requests: Family<Tenant, Counter>,
    /// Watermark lag behind the newest event.
    #[metrics(unit = "seconds")]
    watermark_lag: Gauge<f64>,
    /// Build information.
    build: Info,
}

#[register]
static METRICS: Global<StreamMetrics> = Global::new();

#[derive(Debug)]
struct ProcessError;

#[timed(METRICS.processing_duration)]
async fn process(event: u64) -> Result<(), ProcessError> {
    METRICS.queue_depth.dec();
    tokio::time::sleep(Duration::from_micros(200 + (event % 7) * 300)).await;
    let op = StateOp {
        operation: [Operation::Get, Operation::Put, Operation::Delete][(event % 3) as usize],
        backend: if event % 5 == 0 {
            Backend::Memory
        } else {
            Backend::RocksDb
        },
    };
    METRICS.state_ops[op].inc();
    METRICS.state_written.inc_by(64.0 + (event % 512) as f64);
    METRICS
        .tenant_requests
        .get_or_create(&Tenant {
            tenant: format!("tenant-{}", event % 8),
        })
        .inc();
    if event % 17 == 0 {
        METRICS.events_processed[Outcome::Error].inc();
        return Err(ProcessError);
    }
    METRICS.events_processed[Outcome::Ok].inc();
    Ok(())
}

#[timed]
async fn workload() {
    let mut event = 0u64;
    let mut ticker = tokio::time::interval(Duration::from_millis(20));
    loop {
        ticker.tick().await;
        for _ in 0..5 {
            event += 1;
            METRICS.events_ingested.inc();
            METRICS.queue_depth.inc();
            let _ = process(event).await;
        }
        METRICS.watermark_lag.set((event % 40) as f64 / 10.0);
    }
}

fn address_from_args() -> Result<Option<String>, String> {
    let mut args = std::env::args().skip(1);
    match (args.next().as_deref(), args.next()) {
        (None, _) => Ok(None),
        (Some("--addr"), Some(addr)) => Ok(Some(addr)),
        (Some(other), _) => Err(format!(
            "unknown argument `{other}`; usage: serve [--addr host:port]"
        )),
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    let addr = match address_from_args() {
        Ok(addr) => addr,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    let registry = Registry::global();
    if let Err(e) = registry.register(ProcessCollector::new()) {
        eprintln!("{e}");
        return ExitCode::FAILURE;
    }
    if let Err(e) = METRICS
        .build
        .set([("version", env!("CARGO_PKG_VERSION")), ("example", "serve")])
    {
        eprintln!("{e}");
        return ExitCode::FAILURE;
    }
    // `--addr` wins over METRICS_ADDR, which wins over the default.
    let mut builder = EndpointBuilder::from_env(registry)
        .version(env!("CARGO_PKG_VERSION"))
        .ready_check_sync("workload", || Ok(()));
    if let Some(addr) = addr {
        builder = builder.addr(addr);
    }
    let endpoint = match builder.build() {
        Ok(endpoint) => endpoint,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::FAILURE;
        }
    };
    let server = match endpoint.bind(endpoint.addr()).await {
        Ok(server) => server,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::FAILURE;
        }
    };
    eprintln!(
        "serving http://{}/metrics (ctrl-c to stop)",
        server.local_addr()
    );
    let work = tokio::spawn(workload());
    server.serve(shutdown_signal()).await;
    work.abort();
    eprintln!("stopped");
    ExitCode::SUCCESS
}
