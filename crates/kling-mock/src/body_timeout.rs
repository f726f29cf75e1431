//! A request body must keep arriving: each chunk within the header timeout, or reading
//! it fails (the handler answers 400 / 1200).
//!
//! tower-http's `TimeoutBody` arms a timer on every poll of the body, which registers it
//! in tokio's timer wheel and removes it again even when the body is already there. Nearly
//! every API call sends its whole body with its head, so here the timer is armed only
//! once the body has made the reader wait.

use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::body::{Body, Bytes};
use http_body::{Frame, SizeHint};
use tokio::time::Sleep;

/// The error a body that stopped arriving ends with.
#[derive(Debug, thiserror::Error)]
#[error("no part of the request body arrived for {0:?}")]
pub struct BodyStalled(Duration);

/// `body`, failing once it has made the reader wait `timeout` for its next chunk.
pub fn limit(body: Body, timeout: Duration) -> Body {
    Body::new(ChunkTimeout { body, timeout, stalled: None })
}

struct ChunkTimeout {
    body: Body,
    timeout: Duration,
    /// Armed when the body is not ready, cleared when a chunk arrives.
    stalled: Option<Pin<Box<Sleep>>>,
}

impl http_body::Body for ChunkTimeout {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, axum::Error>>> {
        if let Poll::Ready(frame) = Pin::new(&mut self.body).poll_frame(cx) {
            self.stalled = None;
            return Poll::Ready(frame);
        }
        let timeout = self.timeout;
        let stalled = self.stalled.get_or_insert_with(|| Box::pin(tokio::time::sleep(timeout)));
        match stalled.as_mut().poll(cx) {
            Poll::Ready(()) => Poll::Ready(Some(Err(axum::Error::new(BodyStalled(timeout))))),
            Poll::Pending => Poll::Pending,
        }
    }

    fn is_end_stream(&self) -> bool {
        self.body.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.body.size_hint()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures_util::StreamExt;

    #[tokio::test(start_paused = true)]
    async fn a_body_that_is_there_is_read_and_one_that_stops_fails_after_the_timeout() {
        let whole = limit(Body::from("{}"), Duration::from_millis(50));
        assert_eq!(axum::body::to_bytes(whole, 64).await.ok(), Some(Bytes::from_static(b"{}")));

        let first_then_nothing = futures_util::stream::iter([Ok::<_, std::io::Error>(Bytes::from_static(b"{"))])
            .chain(futures_util::stream::pending());
        let mut chunks = limit(Body::from_stream(first_then_nothing), Duration::from_millis(50)).into_data_stream();
        assert_eq!(chunks.next().await.and_then(Result::ok), Some(Bytes::from_static(b"{")));
        let started = tokio::time::Instant::now();
        let stalled = chunks.next().await.and_then(Result::err).map(|e| e.to_string()).unwrap_or_default();
        assert!(stalled.contains("no part of the request body arrived"), "{stalled}");
        assert_eq!(started.elapsed(), Duration::from_millis(50));
    }
}
