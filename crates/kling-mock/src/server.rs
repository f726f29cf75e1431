//! The accept loop: HTTP/1.1 (over TLS when configured) on the connections of a
//! [`FaultListener`], with the bounds a slow or hostile client cannot get past.
//!
//! - at most `max_connections` connections are served at once; further clients wait in
//!   the listen backlog until one closes;
//! - a client has `header_timeout` to send a request's headers (a TLS handshake too);
//!   the same timeout closes a keep-alive connection that stays idle;
//! - the connection's read buffer, so the request head, is at most [`MAX_HEAD_BYTES`];
//!   beyond that hyper answers a bare 431 and closes, and heads over
//!   [`MAX_HEADER_BYTES`] get a Kling 431 from [`out_of_bounds`];
//! - the body must keep arriving: each chunk within `header_timeout`.
//!
//! Connection faults keep working over TLS: the fault sits in the TCP stream under the
//! TLS layer, so a dropped or reset connection looks the same to the client.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::{ConnectInfo, Request};
use axum::http::{StatusCode, header};
use axum::serve::Listener;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use kling_api::ErrorKind;
use tokio::sync::Semaphore;

use crate::error::ApiError;
use crate::net::FaultListener;
use crate::tls::Tls;

/// Largest request head (request line and headers) answered with a Kling error; larger
/// ones up to [`MAX_HEAD_BYTES`] get 431 with code 1200.
pub const MAX_HEADER_BYTES: usize = 32 * 1024;

/// Largest request head hyper reads at all (its read buffer); beyond it the connection
/// gets a bare 431 and is closed, before any request exists to answer in the envelope.
pub const MAX_HEAD_BYTES: usize = 64 * 1024;

/// How connections are bounded.
#[derive(Debug, Clone, Copy)]
pub struct ConnectionLimits {
    /// Time to send a request's headers; also the idle keep-alive timeout.
    pub header_timeout: Duration,
    /// Connections served at once.
    pub max_connections: usize,
}

/// Serves `router` on `listener` until `shutdown` completes, then lets open connections
/// finish their requests.
pub async fn serve(
    mut listener: FaultListener,
    router: Router,
    limits: ConnectionLimits,
    tls: Option<Tls>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let slots = Arc::new(Semaphore::new(limits.max_connections.max(1)));
    let graceful = GracefulShutdown::new();
    let mut http = http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(limits.header_timeout)
        .max_buf_size(MAX_HEAD_BYTES)
        .max_header_size(MAX_HEAD_BYTES);
    tokio::pin!(shutdown);
    loop {
        let slot = tokio::select! {
            slot = slots.clone().acquire_owned() => slot.map_err(std::io::Error::other)?,
            () = &mut shutdown => break,
        };
        let (stream, _) = tokio::select! {
            accepted = listener.accept() => accepted,
            () = &mut shutdown => break,
        };
        let handle = stream.handle();
        let router = router.clone();
        let service = hyper::service::service_fn(move |mut request: Request<hyper::body::Incoming>| {
            request.extensions_mut().insert(ConnectInfo(handle.clone()));
            collapse_slashes(&mut request);
            // The path only: a query may carry credentials, and headers are never logged.
            let logged = tracing::enabled!(tracing::Level::DEBUG)
                .then(|| (request.method().clone(), request.uri().path().to_owned(), handle.remote));
            let answer = tower::ServiceExt::oneshot(router.clone(), request);
            async move {
                let response = answer.await?;
                if let Some((method, path, remote)) = logged {
                    tracing::debug!(%remote, %method, path, status = response.status().as_u16(), "answered");
                }
                Ok::<_, std::convert::Infallible>(response)
            }
        });
        let (http, watcher, tls) = (http.clone(), graceful.watcher(), tls.clone());
        tokio::spawn(async move {
            let _slot = slot;
            let served = match tls {
                None => watcher.watch(http.serve_connection(TokioIo::new(stream), service)).await,
                Some(tls) => {
                    let handshake = tokio::time::timeout(limits.header_timeout, tls.acceptor.accept(stream)).await;
                    let Ok(Ok(stream)) = handshake else {
                        tracing::debug!("TLS handshake failed or timed out");
                        return;
                    };
                    watcher.watch(http.serve_connection(TokioIo::new(stream), service)).await
                }
            };
            if let Err(error) = served {
                tracing::debug!(%error, "connection ended with an error");
            }
        });
    }
    drop(listener);
    graceful.shutdown().await;
    Ok(())
}

/// Why a request is refused before any handler runs: a head over [`MAX_HEADER_BYTES`]
/// (431 / 1200) or whose `Content-Length` announces more than `body_limit` bytes (413 /
/// 1200, without waiting for a body that may never be sent).
pub fn out_of_bounds(body_limit: usize, request: &Request) -> Option<ApiError> {
    let head = uri_len(request.uri())
        + request.headers().iter().map(|(name, value)| name.as_str().len() + value.len() + 4).sum::<usize>();
    if head > MAX_HEADER_BYTES {
        return Some(
            ApiError::with_message(
                ErrorKind::InvalidRequest,
                format!("request headers are too large: {head} bytes, at most {MAX_HEADER_BYTES} are accepted"),
            )
            .with_status(StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE),
        );
    }
    let announced =
        request.headers().get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<u64>().ok());
    if announced.is_some_and(|length| length > body_limit as u64) {
        return Some(
            ApiError::with_message(
                ErrorKind::InvalidRequest,
                format!("request body is larger than {body_limit} bytes"),
            )
            .with_status(StatusCode::PAYLOAD_TOO_LARGE),
        );
    }
    None
}

/// The length of a URI as written, without writing it anywhere.
fn uri_len(uri: &axum::http::Uri) -> usize {
    struct Counter(usize);
    impl std::fmt::Write for Counter {
        fn write_str(&mut self, s: &str) -> std::fmt::Result {
            self.0 += s.len();
            Ok(())
        }
    }
    let mut counter = Counter(0);
    let _ = std::fmt::Write::write_fmt(&mut counter, format_args!("{uri}"));
    counter.0
}

/// Collapses runs of `/` in the path, as the real gateway does: Kuaishou's own ComfyUI
/// client queries `/v1/images/kolors-virtual-try-on//{id}` on every try-on.
fn collapse_slashes<B>(request: &mut Request<B>) {
    let path = request.uri().path();
    if !path.contains("//") {
        return;
    }
    let mut collapsed = String::with_capacity(path.len());
    for c in path.chars() {
        if !(c == '/' && collapsed.ends_with('/')) {
            collapsed.push(c);
        }
    }
    if let Some(query) = request.uri().query() {
        collapsed = format!("{collapsed}?{query}");
    }
    let mut parts = request.uri().clone().into_parts();
    if let Ok(path_and_query) = collapsed.parse() {
        parts.path_and_query = Some(path_and_query);
        if let Ok(uri) = axum::http::Uri::from_parts(parts) {
            *request.uri_mut() = uri;
        }
    }
}
