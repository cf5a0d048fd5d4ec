//! A stream processor, simulated: events from Kafka topics are parsed,
//! deduplicated, normalized, kept in state, windowed and aggregated, and
//! every step is measured. The metrics are served on `/metrics` (with
//! `/health`, `/ready`, a landing page on `/` and a live view on `/live`)
//! while a status line shows the pipeline moving.
//!
//! ```text
//! cargo run --release -p examples --example stream_processor
//! curl -s 127.0.0.1:9090/metrics | grep processor_events
//! cargo run --release -p examples --example stream_processor -- --once   # print and exit
//! ```
//!
//! `prometheus.yml`, `rules.yml` (tested by `rules_test.yml`) and
//! `grafana-dashboard.json` beside this file take it to a Prometheus graph
//! and a dashboard.

mod cli;
mod labels;
mod metrics;
mod rng;
mod sim;
mod stages;
mod status;

use std::future::IntoFuture;
use std::io::{IsTerminal, Write};
use std::process::ExitCode;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::{Duration, Instant};

use metrics_core::process::ProcessCollector;
use metrics_core::{Format, Registry};
use metrics_http::{serve, shutdown_signal, EndpointBuilder};
use tokio::net::TcpListener;

use crate::sim::{Progress, Simulation};
use crate::status::{Reading, Status};

/// How long `--once` runs before printing.
const ONCE: Duration = Duration::from_secs(5);
/// How often the simulation advances.
const TICK: Duration = Duration::from_millis(20);

#[tokio::main]
async fn main() -> ExitCode {
    let args = match cli::parse(std::env::args().skip(1)) {
        Ok(args) if args.help => {
            println!("{}", cli::USAGE);
            return ExitCode::SUCCESS;
        }
        Ok(args) => args,
        Err(e) => {
            eprintln!("{e}\n\n{}", cli::USAGE);
            return ExitCode::from(2);
        }
    };
    let registry = Registry::global();
    if let Err(e) = registry.register(ProcessCollector::new()) {
        eprintln!("{e}");
        return ExitCode::FAILURE;
    }
    let progress = Arc::new(Progress::default());
    let start = Reading::now();
    let started = Instant::now();

    let warm_up = args.warm_up.map_or(sim::WARM_UP, |d| d.as_secs_f64());
    if args.once {
        run_simulation(Arc::clone(&progress), warm_up, tokio::time::sleep(ONCE)).await;
        print!("{}", registry.encode_to_string(Format::Text));
        return ExitCode::SUCCESS;
    }

    let ready = Arc::clone(&progress);
    let mut builder = EndpointBuilder::from_env(registry)
        .name("stream_processor")
        .version(env!("CARGO_PKG_VERSION"))
        .live_view(true)
        .ready_check_sync("kafka", move || {
            if ready.ready.load(Ordering::Relaxed) {
                Ok(())
            } else {
                Err("connecting to Kafka (warming up)".to_owned())
            }
        });
    if let Some(addr) = &args.addr {
        builder = builder.addr(addr);
    }
    let endpoint = match builder.build() {
        Ok(endpoint) => endpoint,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::FAILURE;
        }
    };
    let listener = match TcpListener::bind(endpoint.addr()).await {
        Ok(listener) => listener,
        Err(e) => {
            eprintln!("cannot listen on {}: {e}", endpoint.addr());
            return ExitCode::FAILURE;
        }
    };
    let base = match listener.local_addr() {
        Ok(addr) => format!("http://{addr}"),
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::FAILURE;
        }
    };
    println!("stream processor serving {base}/metrics  (also /health, /ready, /live)");
    let auth = if std::env::var_os(metrics_http::TOKEN_ENV).is_some_and(|t| !t.is_empty()) {
        "-H \"Authorization: Bearer $METRICS_TOKEN\" "
    } else {
        ""
    };
    println!("  try: curl -s {auth}{base}/metrics | grep processor_events");
    println!("  live view: {base}/live    stop: ctrl-c");

    // Stops on ctrl-c, SIGTERM or the end of --duration, whichever first.
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let duration = args.duration;
    tokio::spawn(async move {
        match duration {
            Some(d) => tokio::select! {
                () = shutdown_signal() => {}
                () = tokio::time::sleep(d) => {}
            },
            None => shutdown_signal().await,
        }
        let _ = stop_tx.send(true);
    });
    let stopped = |mut rx: tokio::sync::watch::Receiver<bool>| async move {
        let _ = rx.wait_for(|stop| *stop).await;
    };

    let serving = tokio::spawn(
        serve(listener, endpoint)
            .with_graceful_shutdown(stopped(stop_rx.clone()))
            .into_future(),
    );
    let simulating = tokio::spawn(run_simulation(
        Arc::clone(&progress),
        warm_up,
        stopped(stop_rx.clone()),
    ));
    show_status(&progress, stopped(stop_rx)).await;
    let _ = simulating.await;
    let _ = serving.await;
    println!(
        "{}",
        status::summary(&start, started.elapsed().as_secs_f64(), &progress, &base)
    );
    ExitCode::SUCCESS
}

/// Advances the simulation every tick until `stop` completes.
async fn run_simulation(
    progress: Arc<Progress>,
    warm_up: f64,
    stop: impl std::future::Future<Output = ()>,
) {
    let mut simulation = Simulation::new(0x5eed, warm_up);
    let mut ticker = tokio::time::interval(TICK);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    tokio::pin!(stop);
    loop {
        tokio::select! {
            _ = ticker.tick() => simulation.tick(&progress),
            () = &mut stop => break,
        }
    }
}

/// A status line refreshed every second on a terminal, a plain line every
/// five seconds otherwise (a log file wants no carriage returns).
async fn show_status(progress: &Progress, stop: impl std::future::Future<Output = ()>) {
    let terminal = std::io::stdout().is_terminal();
    let every = if terminal {
        Duration::from_secs(1)
    } else {
        Duration::from_secs(5)
    };
    let mut status = Status::new();
    let mut ticker = tokio::time::interval_at(tokio::time::Instant::now() + every, every);
    tokio::pin!(stop);
    loop {
        tokio::select! {
            _ = ticker.tick() => {
                let line = status.line(progress);
                let mut out = std::io::stdout().lock();
                // A closed stdout is no reason to stop the pipeline.
                let _ = if terminal {
                    write!(out, "\r\x1b[2K{line}").and_then(|()| out.flush())
                } else {
                    writeln!(out, "{line}")
                };
            }
            () = &mut stop => break,
        }
    }
    if terminal {
        println!();
    }
}
