//! Serving an endpoint on a listener the caller owns, the way axum does:
//! `serve(listener, endpoint).with_graceful_shutdown(signal).await`. The
//! accept loop applies the connection limits (head size and read timeout,
//! stalled writers) and drains in-flight responses on shutdown.

use std::future::{Future, IntoFuture};
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::time::Duration;

use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use tokio::net::TcpListener;

use crate::endpoint::Endpoint;
use crate::error::Error;
use crate::stall::StallGuard;

/// Serves `endpoint` on `listener` until the returned future is dropped,
/// or, with [`with_graceful_shutdown`](Serve::with_graceful_shutdown),
/// until a signal.
///
/// ```no_run
/// use metrics_core::Registry;
/// use metrics_http::{serve, shutdown_signal, Endpoint};
///
/// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
/// let endpoint = Endpoint::builder(Registry::global()).build()?;
/// let listener = tokio::net::TcpListener::bind("127.0.0.1:9090").await?;
/// println!("serving http://{}/metrics", listener.local_addr()?);
/// serve(listener, endpoint).with_graceful_shutdown(shutdown_signal()).await?;
/// # Ok(())
/// # }
/// ```
pub fn serve(listener: TcpListener, endpoint: Endpoint) -> Serve {
    Serve { listener, endpoint }
}

/// The future of [`serve`]: await it to serve until dropped.
#[must_use = "nothing is served until this is awaited"]
pub struct Serve {
    listener: TcpListener,
    endpoint: Endpoint,
}

impl Serve {
    /// Serves until `signal` completes, then stops accepting and lets
    /// in-flight responses finish (up to the endpoint's shutdown grace).
    pub fn with_graceful_shutdown<F>(self, signal: F) -> WithGracefulShutdown<F>
    where
        F: Future<Output = ()> + Send + 'static,
    {
        WithGracefulShutdown {
            serve: self,
            signal,
        }
    }

    /// The address the listener is bound to.
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.listener.local_addr()
    }
}

impl IntoFuture for Serve {
    type Output = io::Result<()>;
    type IntoFuture = Pin<Box<dyn Future<Output = io::Result<()>> + Send>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(run(
            self.listener,
            self.endpoint,
            Box::pin(std::future::pending()),
        ))
    }
}

/// [`Serve`] with a shutdown signal; await it.
#[must_use = "nothing is served until this is awaited"]
pub struct WithGracefulShutdown<F> {
    serve: Serve,
    signal: F,
}

impl<F> WithGracefulShutdown<F> {
    /// The address the listener is bound to.
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.serve.local_addr()
    }
}

impl<F> IntoFuture for WithGracefulShutdown<F>
where
    F: Future<Output = ()> + Send + 'static,
{
    type Output = io::Result<()>;
    type IntoFuture = Pin<Box<dyn Future<Output = io::Result<()>> + Send>>;

    fn into_future(self) -> Self::IntoFuture {
        let Serve { listener, endpoint } = self.serve;
        Box::pin(run(listener, endpoint, Box::pin(self.signal)))
    }
}

impl Endpoint {
    /// The one convenience beside [`serve`]: binds the configured address
    /// ([`EndpointBuilder::addr`](crate::EndpointBuilder::addr), or
    /// `METRICS_ADDR` with `from_env`) and serves until `shutdown`.
    pub async fn serve(
        &self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> Result<(), Error> {
        let addr = self.addr();
        let addr: SocketAddr = addr
            .parse()
            .map_err(|_| Error::InvalidAddr(addr.to_owned()))?;
        let listener = TcpListener::bind(addr).await.map_err(Error::Io)?;
        serve(listener, self.clone())
            .with_graceful_shutdown(shutdown)
            .await
            .map_err(Error::Io)
    }
}

/// The signal, boxed so that [`run`] is not generic.
type Signal = Pin<Box<dyn Future<Output = ()> + Send>>;

/// The accept loop. Accept errors (out of file descriptors and the like)
/// are logged and retried after a pause, never returned: a metrics
/// endpoint must not stop for a passing shortage.
///
/// Not generic (the signal is boxed), so hyper's connection machinery is
/// compiled once, in this crate, and not again in every program that
/// calls `serve` with its own signal type.
async fn run(listener: TcpListener, endpoint: Endpoint, mut shutdown: Signal) -> io::Result<()> {
    let limits = endpoint.settings().limits.clone();
    let mut builder = http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_read_timeout)
        .max_buf_size(limits.max_header_bytes.max(8192))
        .keep_alive(true);
    let graceful = GracefulShutdown::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _peer)) => {
                    let _ = stream.set_nodelay(true);
                    let io = TokioIo::new(StallGuard::new(stream, limits.write_timeout));
                    let connection = builder.serve_connection(io, endpoint.clone());
                    let connection = graceful.watch(connection);
                    tokio::spawn(async move {
                        if let Err(e) = connection.await {
                            log::debug!("metrics connection ended with an error: {e}");
                        }
                    });
                }
                Err(e) => {
                    log::warn!("metrics endpoint: accept failed: {e}");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
            },
            () = shutdown.as_mut() => break,
        }
    }
    drop(listener);
    let grace = limits.shutdown_grace;
    tokio::select! {
        () = graceful.shutdown() => {}
        () = tokio::time::sleep(grace) => {
            log::warn!("metrics endpoint: connections still open after {grace:?}; closing");
        }
    }
    Ok(())
}

/// Completes on ctrl-c or, on Unix, SIGTERM (feature `signal`).
#[cfg(feature = "signal")]
pub async fn shutdown_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            // No handler could be installed: never complete from here.
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = terminate => {}
    }
}
