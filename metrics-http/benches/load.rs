//! Load figures for the endpoint: scrapes per second of a 10,000-series
//! registry with and without gzip, and how much counter increments slow
//! down while scrapes run.
//!
//! ```text
//! cargo bench -p metrics-http --bench load
//! ```
//!
//! The client is a keep-alive HTTP/1.1 loop on loopback; server and client
//! share the machine, so the figures are end to end on its cores.

// The same machine and date lines as the runtime benchmarks.
#[path = "../../metrics-core/benches/support/mod.rs"]
mod support;

use std::hint::black_box;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use metrics_core::{Counter, Family, LabelSet, Metadata, Registry};
use metrics_http::Endpoint;

#[derive(LabelSet, Clone, Debug, PartialEq, Eq, Hash)]
struct Shard {
    shard: u32,
    kind: &'static str,
}

fn registry() -> Arc<Registry> {
    let registry = Arc::new(Registry::new());
    let family = Arc::new(Family::<Shard, Counter>::new());
    for shard in 0..2_500 {
        for kind in ["get", "put", "delete", "scan"] {
            family
                .get_or_create(&Shard { shard, kind })
                .inc_by(u64::from(shard) * 7);
        }
    }
    registry
        .register_metric(Metadata::new("shard_ops", "Operations per shard."), family)
        .unwrap();
    registry
}

/// One keep-alive connection doing scrapes.
struct Client {
    reader: BufReader<TcpStream>,
    request: Vec<u8>,
}

impl Client {
    fn new(addr: SocketAddr, gzip: bool) -> Client {
        let stream = TcpStream::connect(addr).unwrap();
        stream.set_nodelay(true).unwrap();
        let encoding = if gzip {
            "Accept-Encoding: gzip\r\n"
        } else {
            ""
        };
        let request =
            format!("GET /metrics HTTP/1.1\r\nHost: {addr}\r\n{encoding}\r\n").into_bytes();
        Client {
            reader: BufReader::new(stream),
            request,
        }
    }

    /// One scrape; returns the body size.
    fn scrape(&mut self) -> usize {
        self.reader.get_mut().write_all(&self.request).unwrap();
        let mut length = 0;
        loop {
            let mut line = String::new();
            self.reader.read_line(&mut line).unwrap();
            if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                length = v.trim().parse().unwrap();
            }
            if line == "\r\n" {
                break;
            }
        }
        let mut body = vec![0; length];
        self.reader.read_exact(&mut body).unwrap();
        length
    }
}

fn increments_ns(counter: &Counter, n: u64) -> f64 {
    let start = Instant::now();
    for _ in 0..n {
        black_box(counter).inc();
    }
    start.elapsed().as_nanos() as f64 / n as f64
}

fn main() {
    println!("metrics-http load benchmark");
    println!("machine: {}", support::machine());
    println!("date:    {} (UTC)", support::today());
    let registry = registry();
    let (addr_tx, addr_rx) = std::sync::mpsc::channel();
    let endpoint = Endpoint::builder(registry.clone()).build().unwrap();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async move {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            addr_tx.send(listener.local_addr().unwrap()).unwrap();
            metrics_http::serve(listener, endpoint).await.unwrap();
        });
    });
    let addr = addr_rx.recv().unwrap();

    for gzip in [false, true] {
        let mut client = Client::new(addr, gzip);
        for _ in 0..5 {
            client.scrape();
        }
        let scrapes = 200;
        let start = Instant::now();
        let mut bytes = 0;
        for _ in 0..scrapes {
            bytes += client.scrape();
        }
        let elapsed = start.elapsed();
        println!(
            "10,000 series, gzip {:<5}: {:>7.1} scrapes/s, {:>6.2} ms/scrape, {:>7} bytes/body",
            gzip,
            f64::from(scrapes) / elapsed.as_secs_f64(),
            elapsed.as_secs_f64() * 1e3 / f64::from(scrapes),
            bytes / scrapes as usize
        );
    }

    // Hot path: increments alone, then with a client scraping nonstop.
    let counter = Counter::<u64>::new();
    let n = 50_000_000;
    let quiet = (0..3)
        .map(|_| increments_ns(&counter, n))
        .fold(f64::INFINITY, f64::min);
    let stop = Arc::new(AtomicBool::new(false));
    let scraper = {
        let stop = stop.clone();
        std::thread::spawn(move || {
            let mut client = Client::new(addr, true);
            let mut count = 0u32;
            while !stop.load(Ordering::Relaxed) {
                client.scrape();
                count += 1;
            }
            count
        })
    };
    std::thread::sleep(Duration::from_millis(100));
    let start = Instant::now();
    let busy = (0..3)
        .map(|_| increments_ns(&counter, n))
        .fold(f64::INFINITY, f64::min);
    let window = start.elapsed();
    stop.store(true, Ordering::Relaxed);
    let scrapes = scraper.join().unwrap();
    println!(
        "counter inc: {quiet:.2} ns/op alone, {busy:.2} ns/op during {:.0} scrapes/s ({:.2}x)",
        f64::from(scrapes) / window.as_secs_f64(),
        busy / quiet
    );
}
