//! Mounting the endpoint in an existing axum application: `/metrics`,
//! `/health` and `/ready` become routes of the application's router, on
//! its port, beside its own routes. No second server.
//!
//! ```text
//! cargo run -p examples --example axum [-- --addr 127.0.0.1:3000]
//! curl -s 127.0.0.1:3000/orders -d ''; curl -s 127.0.0.1:3000/metrics | grep shop_
//! ```

use axum::routing::{get, post};
use axum::Router;
use metrics_core::{register, Counter, Global, Metrics, Registry};
use metrics_http::{shutdown_signal, Endpoint};

#[derive(Metrics)]
#[metrics(prefix = "shop")]
struct ShopMetrics {
    /// Orders placed.
    orders: Counter,
}

#[register]
static METRICS: Global<ShopMetrics> = Global::new();

async fn place_order() -> &'static str {
    METRICS.orders.inc();
    "order placed\n"
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let addr = match (args.next().as_deref(), args.next()) {
        (None, _) => "127.0.0.1:3000".to_owned(),
        (Some("--addr"), Some(addr)) => addr,
        _ => return Err("usage: axum [--addr host:port]".into()),
    };
    let endpoint = Endpoint::builder(Registry::global())
        .name("shop")
        .landing_page(false) // `/` is the application's
        .build()?;
    let app = Router::new()
        .route("/", get(|| async { "the shop\n" }))
        .route("/orders", post(place_order))
        // The endpoint is a tower Service: mounted as it is. It negotiates
        // the format, gzips, checks the token and answers the probes as
        // when it serves its own port.
        .route_service("/metrics", endpoint.clone())
        .route_service("/health", endpoint.clone())
        .route_service("/ready", endpoint);
    let listener = tokio::net::TcpListener::bind(&addr).await?;
    println!(
        "shop on http://{}/ (metrics on /metrics)",
        listener.local_addr()?
    );
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown_signal())
        .await?;
    Ok(())
}
