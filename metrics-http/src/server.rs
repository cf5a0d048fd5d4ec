//! Serving an endpoint on its own port: the accept loop, connection
//! limits, graceful shutdown on a future or a signal.

use std::future::Future;
use std::net::SocketAddr;
use std::time::Duration;

use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use tokio::net::TcpListener;

use crate::config::Error;
use crate::endpoint::Endpoint;
use crate::stall::StallGuard;

/// An endpoint bound to a listening socket, ready to serve.
pub struct Server {
    endpoint: Endpoint,
    listener: TcpListener,
}

impl Endpoint {
    /// Binds `addr` (`host:port`; port 0 picks a free one).
    pub async fn bind(&self, addr: &str) -> Result<Server, Error> {
        let addr: SocketAddr = addr
            .parse()
            .map_err(|_| Error::InvalidAddr(addr.to_owned()))?;
        let listener = TcpListener::bind(addr).await.map_err(Error::Io)?;
        Ok(Server {
            endpoint: self.clone(),
            listener,
        })
    }

    /// The configured listening address (`host:port`).
    pub fn addr(&self) -> &str {
        &self.inner.config.addr
    }

    /// Binds the configured address and serves until `shutdown` completes.
    pub async fn serve(&self, shutdown: impl Future<Output = ()>) -> Result<(), Error> {
        let addr = self.inner.config.addr.clone();
        self.bind(&addr).await?.serve(shutdown).await;
        Ok(())
    }
}

impl Server {
    /// The address actually bound.
    pub fn local_addr(&self) -> SocketAddr {
        // A bound listener always has an address; fall back to unspecified
        // rather than panic.
        self.listener
            .local_addr()
            .unwrap_or_else(|_| SocketAddr::from(([0, 0, 0, 0], 0)))
    }

    /// Serves until `shutdown` completes, then stops accepting and lets
    /// in-flight responses finish (up to the shutdown grace).
    pub async fn serve(self, shutdown: impl Future<Output = ()>) {
        let Server { endpoint, listener } = self;
        let config = &endpoint.inner.config;
        let mut builder = http1::Builder::new();
        builder
            .timer(TokioTimer::new())
            .header_read_timeout(config.header_read_timeout)
            .max_buf_size(config.max_header_bytes.max(8192))
            .keep_alive(true);
        let grace = config.shutdown_grace;
        let write_timeout = config.write_timeout;
        let graceful = GracefulShutdown::new();
        tokio::pin!(shutdown);
        loop {
            tokio::select! {
                accepted = listener.accept() => match accepted {
                    Ok((stream, _peer)) => {
                        let _ = stream.set_nodelay(true);
                        let io = TokioIo::new(StallGuard::new(stream, write_timeout));
                        let connection = builder.serve_connection(io, endpoint.clone());
                        let connection = graceful.watch(connection);
                        tokio::spawn(async move {
                            if let Err(e) = connection.await {
                                log::debug!("metrics connection ended with an error: {e}");
                            }
                        });
                    }
                    Err(e) => {
                        // Out of file descriptors and the like: back off
                        // instead of spinning.
                        log::warn!("metrics endpoint: accept failed: {e}");
                        tokio::time::sleep(Duration::from_millis(50)).await;
                    }
                },
                () = &mut shutdown => break,
            }
        }
        drop(listener);
        tokio::select! {
            () = graceful.shutdown() => {}
            () = tokio::time::sleep(grace) => {
                log::warn!("metrics endpoint: connections still open after {grace:?}; closing");
            }
        }
    }

    /// Serves until ctrl-c or (on Unix) SIGTERM.
    pub async fn serve_until_signal(self) {
        self.serve(shutdown_signal()).await
    }
}

/// Completes on ctrl-c or, on Unix, SIGTERM.
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
