//! The endpoint in process: every status code and header it promises.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use integration_tests::{http_get, http_request, TestServer};
use metrics_core::encoding::Families;
use metrics_core::{Collector, Counter, Format, Gauge, Metadata, Registry};
use metrics_http::Endpoint;

const PROMETHEUS_ACCEPT: &str = "application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1";

fn registry_with_counter() -> (Arc<Registry>, Arc<Counter>) {
    let registry = Arc::new(Registry::new());
    let counter: Arc<Counter> = Arc::new(Counter::new());
    registry
        .register_metric(Metadata::new("jobs", "Jobs done."), counter.clone())
        .unwrap();
    counter.inc_by(7);
    (registry, counter)
}

fn server() -> (TestServer, Arc<Counter>) {
    let (registry, counter) = registry_with_counter();
    (
        TestServer::start(
            Endpoint::builder(registry)
                .version("1.2.3")
                .build()
                .unwrap(),
        ),
        counter,
    )
}

fn gunzip(body: &[u8]) -> String {
    let mut out = String::new();
    flate2::read::GzDecoder::new(body)
        .read_to_string(&mut out)
        .expect("valid gzip");
    out
}

#[test]
fn negotiates_the_format() {
    let (s, _) = server();
    let text = http_get(s.addr, "GET", "/metrics", &[]).unwrap();
    assert_eq!(text.status, 200);
    assert_eq!(
        text.header("content-type"),
        Some("text/plain; version=0.0.4; charset=utf-8")
    );
    assert_eq!(text.header("vary"), Some("Accept, Accept-Encoding"));
    assert!(
        text.text().contains("\njobs_total 7\n") || text.text().starts_with("# HELP jobs_total"),
        "{}",
        text.text()
    );
    assert!(!text.text().contains("# EOF"));

    let om = http_get(s.addr, "GET", "/metrics", &[("Accept", PROMETHEUS_ACCEPT)]).unwrap();
    assert_eq!(
        om.header("content-type"),
        Some("application/openmetrics-text; version=1.0.0; charset=utf-8")
    );
    assert!(om.text().ends_with("# EOF\n"));
    assert!(om.text().contains("# TYPE jobs counter\n"));

    let forced = http_get(
        s.addr,
        "GET",
        "/metrics?format=text",
        &[("Accept", PROMETHEUS_ACCEPT)],
    )
    .unwrap();
    assert!(forced
        .header("content-type")
        .unwrap()
        .starts_with("text/plain; version=0.0.4"));
}

#[test]
fn gzip_when_accepted() {
    let (s, _) = server();
    let gz = http_get(
        s.addr,
        "GET",
        "/metrics",
        &[("Accept-Encoding", "gzip, deflate")],
    )
    .unwrap();
    assert_eq!(gz.header("content-encoding"), Some("gzip"));
    assert_eq!(
        gz.header("content-length"),
        Some(gz.body.len().to_string().as_str())
    );
    let body = gunzip(&gz.body);
    assert!(body.contains("jobs_total 7\n"), "{body}");
    let plain = http_get(
        s.addr,
        "GET",
        "/metrics",
        &[("Accept-Encoding", "gzip;q=0")],
    )
    .unwrap();
    assert_eq!(plain.header("content-encoding"), None);
}

#[test]
fn head_has_headers_and_no_body() {
    let (s, _) = server();
    let head = http_get(s.addr, "HEAD", "/metrics", &[]).unwrap();
    assert_eq!(head.status, 200);
    assert!(head.body.is_empty());
    assert!(
        head.header("content-length")
            .unwrap()
            .parse::<usize>()
            .unwrap()
            > 0
    );
    assert!(head
        .header("content-type")
        .unwrap()
        .starts_with("text/plain"));
}

#[test]
fn errors_are_status_codes() {
    let (s, _) = server();
    assert_eq!(http_get(s.addr, "GET", "/nope", &[]).unwrap().status, 404);
    let post = http_get(s.addr, "POST", "/metrics", &[("Content-Length", "0")]).unwrap();
    assert_eq!(post.status, 405);
    assert_eq!(post.header("allow"), Some("GET, HEAD"));
    assert_eq!(
        http_get(s.addr, "DELETE", "/health", &[]).unwrap().status,
        405
    );

    let with_body = http_request(
        s.addr,
        b"GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: 5\r\n\r\nhello",
    )
    .unwrap();
    assert_eq!(with_body.status, 413);

    let huge = "a".repeat(40 * 1024);
    let big_head = http_get(s.addr, "GET", "/metrics", &[("X-Padding", &huge)]).unwrap();
    assert_eq!(big_head.status, 431);

    let garbage = http_request(s.addr, b"\x16\x03\x01 not http at all\r\n\r\n").unwrap();
    assert_eq!(garbage.status, 400);

    // The server is still fine.
    assert_eq!(
        http_get(s.addr, "GET", "/metrics", &[]).unwrap().status,
        200
    );
    let counts = http_get(s.addr, "GET", "/metrics", &[]).unwrap().text();
    assert!(
        counts.contains("metrics_http_requests_total{code=\"404\"} 1\n"),
        "{counts}"
    );
    assert!(
        counts.contains("metrics_http_requests_total{code=\"405\"} 2\n"),
        "{counts}"
    );
    assert!(
        counts.contains("metrics_http_requests_total{code=\"413\"} 1\n"),
        "{counts}"
    );
}

#[test]
fn slow_clients_are_cut_off() {
    let (registry, _) = registry_with_counter();
    let endpoint = Endpoint::builder(registry)
        .header_read_timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    let s = TestServer::start(endpoint);
    let mut stream = TcpStream::connect(s.addr).unwrap();
    stream
        .write_all(b"GET /metrics HTTP/1.1\r\nHost: x\r\n")
        .unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    let start = Instant::now();
    let mut buf = Vec::new();
    let _ = stream.read_to_end(&mut buf);
    let waited = start.elapsed();
    assert!(
        waited < Duration::from_secs(4),
        "connection closed after {waited:?}"
    );
    assert!(
        waited >= Duration::from_millis(200),
        "closed too early: {waited:?}"
    );
}

#[test]
fn clients_that_stop_reading_are_cut_off() {
    // A body far larger than the socket buffers: 24 families with 1 MiB
    // of help text each.
    let registry = Arc::new(Registry::new());
    let help = "h".repeat(1 << 20);
    for i in 0..24 {
        let g: Arc<Gauge> = Arc::new(Gauge::new());
        registry
            .register_metric(Metadata::new(format!("big_{i}"), help.clone()), g)
            .unwrap();
    }
    let endpoint = Endpoint::builder(registry)
        .write_timeout(Duration::from_millis(300))
        .self_metrics(false)
        .build()
        .unwrap();
    let s = TestServer::start(endpoint);
    let mut stream = TcpStream::connect(s.addr).unwrap();
    stream
        .write_all(b"GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .unwrap();
    // Stop reading for well past the write timeout.
    std::thread::sleep(Duration::from_millis(1_500));
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let mut received = Vec::new();
    let _ = stream.read_to_end(&mut received);
    let expected = 24 * (1 << 20);
    assert!(
        received.len() < expected,
        "the server gave up: {} of at least {expected} bytes",
        received.len()
    );
    // The server itself is fine.
    assert_eq!(http_get(s.addr, "GET", "/health", &[]).unwrap().status, 200);
}

#[test]
fn bearer_token() {
    let (registry, _) = registry_with_counter();
    let s = TestServer::start(
        Endpoint::builder(registry)
            .bearer_token("s3cret")
            .build()
            .unwrap(),
    );
    let denied = http_get(s.addr, "GET", "/metrics", &[]).unwrap();
    assert_eq!(denied.status, 401);
    assert_eq!(
        denied.header("www-authenticate"),
        Some("Bearer realm=\"metrics\"")
    );
    assert_eq!(
        http_get(
            s.addr,
            "GET",
            "/metrics",
            &[("Authorization", "Bearer wrong")]
        )
        .unwrap()
        .status,
        401
    );
    assert_eq!(
        http_get(
            s.addr,
            "GET",
            "/metrics",
            &[("Authorization", "Bearer s3cret")]
        )
        .unwrap()
        .status,
        200
    );
    assert_eq!(
        http_get(s.addr, "GET", "/ready", &[]).unwrap().status,
        200,
        "probes stay open"
    );
    assert_eq!(
        http_get(s.addr, "GET", "/health", &[]).unwrap().status,
        200,
        "health stays open"
    );

    let (registry, _) = registry_with_counter();
    let s = TestServer::start(
        Endpoint::builder(registry)
            .bearer_token("t")
            .protect_health(true)
            .build()
            .unwrap(),
    );
    assert_eq!(http_get(s.addr, "GET", "/health", &[]).unwrap().status, 401);
    assert_eq!(http_get(s.addr, "GET", "/ready", &[]).unwrap().status, 401);
    assert_eq!(
        http_get(s.addr, "GET", "/health", &[("Authorization", "Bearer t")])
            .unwrap()
            .status,
        200
    );
}

#[test]
fn rate_limit_answers_429_with_retry_after() {
    let (registry, _) = registry_with_counter();
    let s = TestServer::start(
        Endpoint::builder(registry)
            .rate_limit(2, Duration::from_secs(60))
            .build()
            .unwrap(),
    );
    assert_eq!(
        http_get(s.addr, "GET", "/metrics", &[]).unwrap().status,
        200
    );
    assert_eq!(
        http_get(s.addr, "GET", "/metrics", &[]).unwrap().status,
        200
    );
    let limited = http_get(s.addr, "GET", "/metrics", &[]).unwrap();
    assert_eq!(limited.status, 429);
    let retry: u64 = limited.header("retry-after").unwrap().parse().unwrap();
    assert!((1..=30).contains(&retry), "{retry}");
    assert_eq!(
        http_get(s.addr, "GET", "/health", &[]).unwrap().status,
        200,
        "only scrapes are limited"
    );
}

#[test]
fn cache_serves_the_same_body_within_its_ttl() {
    let (registry, counter) = registry_with_counter();
    let s = TestServer::start(
        Endpoint::builder(registry.clone())
            .cache_ttl(Duration::from_secs(60))
            .build()
            .unwrap(),
    );
    let first = http_get(s.addr, "GET", "/metrics", &[]).unwrap().text();
    counter.inc();
    let second = http_get(s.addr, "GET", "/metrics", &[]).unwrap().text();
    assert_eq!(first, second, "served from the cache");
    assert!(second.contains("jobs_total 7\n"));
    let now = registry.encode_to_string(Format::Text);
    assert!(now.contains("jobs_total 8\n"));
    assert!(
        now.contains("metrics_http_cache_lookups_total{result=\"hit\"} 1\n"),
        "{now}"
    );
    assert!(
        now.contains("metrics_http_cache_lookups_total{result=\"miss\"} 1\n"),
        "{now}"
    );
}

/// A collector whose encoding can be made slow on demand.
struct Slow {
    metadata: Metadata,
    gauge: SlowGauge,
}

struct SlowGauge {
    delay_ms: AtomicU64,
    value: Gauge,
}

impl metrics_core::encoding::EncodeMetric for SlowGauge {
    fn metric_type(&self) -> metrics_core::encoding::MetricType {
        metrics_core::encoding::MetricType::Gauge
    }
    fn encode(&self, out: &mut metrics_core::encoding::FamilyWriter<'_>) {
        std::thread::sleep(Duration::from_millis(self.delay_ms.load(Ordering::Relaxed)));
        out.gauge("", self.value.get());
    }
}

impl Collector for Slow {
    fn collect<'a>(&'a self, families: &mut Families<'a>) {
        families.push(&self.metadata, &self.gauge);
    }
}

fn slow_registry(delay_ms: u64) -> (Arc<Registry>, Arc<Slow>) {
    let registry = Arc::new(Registry::new());
    let slow = Arc::new(Slow {
        metadata: Metadata::new("slow_value", "A slow collector."),
        gauge: SlowGauge {
            delay_ms: AtomicU64::new(delay_ms),
            value: Gauge::new(),
        },
    });
    registry.register(slow.clone()).unwrap();
    (registry, slow)
}

#[test]
fn scrape_timeout_serves_the_last_good_body() {
    let (registry, slow) = slow_registry(0);
    let endpoint = Endpoint::builder(registry.clone())
        .scrape_timeout(Duration::from_millis(200))
        .build()
        .unwrap();
    let s = TestServer::start(endpoint);
    slow.gauge.value.set(1);
    let good = http_get(s.addr, "GET", "/metrics", &[]).unwrap();
    assert!(good.text().contains("slow_value 1\n"));

    slow.gauge.value.set(2);
    slow.gauge.delay_ms.store(1_500, Ordering::Relaxed);
    let start = Instant::now();
    let stale = http_get(s.addr, "GET", "/metrics", &[]).unwrap();
    let took = start.elapsed();
    assert_eq!(stale.status, 200);
    assert!(
        took < Duration::from_millis(1_200),
        "answered after {took:?}, not after the slow encode"
    );
    assert!(
        stale.text().contains("slow_value 1\n"),
        "the last good body"
    );
    slow.gauge.delay_ms.store(0, Ordering::Relaxed);
    std::thread::sleep(Duration::from_millis(1_500));
    let stale_count = testing_value(&registry, "metrics_http_stale_responses_total");
    assert_eq!(stale_count, Some(1.0));
}

fn testing_value(registry: &Registry, name: &str) -> Option<f64> {
    metrics_core::testing::sample_value(registry, name, &[])
}

#[test]
fn scrape_timeout_without_a_body_is_503() {
    let (registry, _slow) = slow_registry(1_000);
    let endpoint = Endpoint::builder(registry)
        .scrape_timeout(Duration::from_millis(100))
        .build()
        .unwrap();
    let s = TestServer::start(endpoint);
    assert_eq!(
        http_get(s.addr, "GET", "/metrics", &[]).unwrap().status,
        503
    );
}

#[test]
fn health_and_readiness() {
    let healthy = Arc::new(AtomicBool::new(true));
    let flag = healthy.clone();
    let (registry, _) = registry_with_counter();
    let endpoint = Endpoint::builder(registry)
        .version("9.9.9-\"beta\"")
        .ready_check_sync("database", move || {
            if flag.load(Ordering::Relaxed) {
                Ok(())
            } else {
                Err("connection refused".into())
            }
        })
        .ready_check("cache", || async { Ok(()) })
        .ready_check("slow", || async {
            tokio::time::sleep(Duration::from_millis(10)).await;
            Ok(())
        })
        .build()
        .unwrap();
    let s = TestServer::start(endpoint);
    let health = http_get(s.addr, "GET", "/health", &[]).unwrap();
    assert_eq!(health.status, 200);
    assert_eq!(health.header("content-type"), Some("application/json"));
    let body = health.text();
    assert!(
        body.starts_with(
            "{\"status\":\"ok\",\"version\":\"9.9.9-\\\"beta\\\"\",\"uptime_seconds\":"
        ),
        "{body}"
    );

    let ready = http_get(s.addr, "GET", "/ready", &[]).unwrap();
    assert_eq!(ready.status, 200, "{}", ready.text());
    assert!(ready.text().contains("\"failing\":[]"));
    healthy.store(false, Ordering::Relaxed);
    let not_ready = http_get(s.addr, "GET", "/ready", &[]).unwrap();
    assert_eq!(not_ready.status, 503);
    let body = not_ready.text();
    assert!(body.contains("\"failing\":[\"database\"]"), "{body}");
    assert!(
        body.contains("\"database\":{\"ok\":false,\"error\":\"connection refused\"}"),
        "{body}"
    );
    assert!(body.contains("\"cache\":{\"ok\":true}"), "{body}");
}

#[test]
fn readiness_check_timeouts_fail_the_check() {
    let (registry, _) = registry_with_counter();
    let endpoint = Endpoint::builder(registry)
        .check_timeout(Duration::from_millis(50))
        .ready_check("hangs", || async {
            tokio::time::sleep(Duration::from_secs(30)).await;
            Ok(())
        })
        .build()
        .unwrap();
    let s = TestServer::start(endpoint);
    let response = http_get(s.addr, "GET", "/ready", &[]).unwrap();
    assert_eq!(response.status, 503);
    assert!(response.text().contains("timed out"), "{}", response.text());
}

#[test]
fn concurrent_scrapes_do_not_block_updates() {
    let (registry, counter) = registry_with_counter();
    let s = TestServer::start(Endpoint::builder(registry).build().unwrap());
    let addr = s.addr;
    let stop = AtomicBool::new(false);
    std::thread::scope(|scope| {
        let scrapers: Vec<_> = (0..4)
            .map(|_| {
                scope.spawn(|| {
                    let mut ok = 0;
                    while !stop.load(Ordering::Relaxed) {
                        let r = http_get(addr, "GET", "/metrics", &[("Accept-Encoding", "gzip")])
                            .unwrap();
                        assert_eq!(r.status, 200);
                        ok += 1;
                    }
                    ok
                })
            })
            .collect();
        for _ in 0..1_000_000 {
            counter.inc();
        }
        stop.store(true, Ordering::Relaxed);
        let scrapes: usize = scrapers.into_iter().map(|h| h.join().unwrap()).sum();
        assert!(scrapes > 0);
    });
    assert_eq!(counter.get(), 7 + 1_000_000);
}

#[test]
fn graceful_shutdown_finishes_in_flight_responses() {
    let (registry, _slow) = slow_registry(700);
    let endpoint = Endpoint::builder(registry)
        .scrape_timeout(Duration::from_secs(5))
        .build()
        .unwrap();
    let s = TestServer::start(endpoint);
    let addr = s.addr;
    let in_flight = std::thread::spawn(move || http_get(addr, "GET", "/metrics", &[]));
    std::thread::sleep(Duration::from_millis(200));
    s.stop();
    let response = in_flight.join().unwrap().unwrap();
    assert_eq!(response.status, 200);
    assert!(response.text().contains("slow_value 0\n"));
    assert!(TcpStream::connect(addr).is_err(), "no longer listening");
}

#[test]
fn embeds_in_another_framework_through_handle() {
    let (registry, _) = registry_with_counter();
    let endpoint = Endpoint::builder(registry)
        .self_metrics(false)
        .build()
        .unwrap();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let response = runtime.block_on(
        endpoint.handle(
            hyper::Request::get("/metrics")
                .body(http_body_util::Empty::<bytes::Bytes>::new())
                .unwrap(),
        ),
    );
    assert_eq!(response.status(), 200);
}

#[test]
fn builder_validates_paths_and_reads_the_environment() {
    let registry = Arc::new(Registry::new());
    assert!(Endpoint::builder(registry.clone())
        .metrics_path("metrics")
        .build()
        .is_err());
    assert!(Endpoint::builder(registry.clone())
        .health_path("/metrics")
        .build()
        .is_err());
    Endpoint::builder(registry.clone()).build().unwrap();
    let second = Endpoint::builder(registry.clone()).build();
    assert!(
        matches!(second, Err(metrics_http::Error::Registry(_))),
        "self-metrics registered twice"
    );

    let env = |key: &str| match key {
        metrics_http::ADDR_ENV => Some("127.0.0.1:0".to_owned()),
        metrics_http::TOKEN_ENV => Some("from-env".to_owned()),
        _ => None,
    };
    let endpoint = metrics_http::EndpointBuilder::from_lookup(Arc::new(Registry::new()), env)
        .build()
        .unwrap();
    assert_eq!(endpoint.addr(), "127.0.0.1:0");
    assert!(format!("{endpoint:?}").contains("token: Some(\"<set>\")"));
    let empty_token = |key: &str| (key == metrics_http::TOKEN_ENV).then(String::new);
    let endpoint =
        metrics_http::EndpointBuilder::from_lookup(Arc::new(Registry::new()), empty_token)
            .build()
            .unwrap();
    assert_eq!(endpoint.addr(), metrics_http::DEFAULT_ADDR);
    assert!(format!("{endpoint:?}").contains("token: None"));
}

#[test]
fn handle_is_send_for_bodies_that_are_not_sync() {
    // axum's body is Send but not Sync; a future holding `&Request<B>`
    // across an await would not be Send, and would not mount in axum.
    fn assert_send<T: Send>(_: &T) {}
    let endpoint = Endpoint::builder(Arc::new(Registry::new()))
        .self_metrics(false)
        .build()
        .unwrap();
    let body = http_body_util::combinators::UnsyncBoxBody::new(
        http_body_util::Empty::<bytes::Bytes>::new(),
    );
    let future = endpoint.handle(hyper::Request::new(body));
    assert_send(&future);
    let response = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(future);
    assert_eq!(response.status(), 200, "the landing page of `/`");
}
