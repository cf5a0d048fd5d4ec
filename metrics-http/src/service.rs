//! The endpoint as a service: a `tower::Service` for requests with any
//! body (what axum's `route_service` and tower stacks take) and a hyper
//! `Service` (what hyper's connections take). Both answer through
//! [`Endpoint::handle`].

use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use hyper::body::{Body as HttpBody, Incoming};
use hyper::{Request, Response};

use crate::endpoint::Endpoint;
use crate::response::Body;

/// The future both services return: boxed, since `handle` is an `async fn`.
pub type ResponseFuture = Pin<Box<dyn Future<Output = Result<Response<Body>, Infallible>> + Send>>;

impl<B> tower_service::Service<Request<B>> for Endpoint
where
    B: HttpBody + Send + 'static,
{
    type Response = Response<Body>;
    type Error = Infallible;
    type Future = ResponseFuture;

    /// Always ready: work is bounded inside (encodes, checks), not by
    /// refusing requests.
    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: Request<B>) -> ResponseFuture {
        let endpoint = self.clone();
        Box::pin(async move { Ok(endpoint.handle(request).await) })
    }
}

impl hyper::service::Service<Request<Incoming>> for Endpoint {
    type Response = Response<Body>;
    type Error = Infallible;
    type Future = ResponseFuture;

    fn call(&self, request: Request<Incoming>) -> ResponseFuture {
        let endpoint = self.clone();
        Box::pin(async move { Ok(endpoint.handle(request).await) })
    }
}
