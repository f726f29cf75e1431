//! A callback receiver on loopback: it records every body POSTed to it, in arrival order,
//! as JSON and as sent (raw bytes and headers, for signature checks).

use std::sync::Arc;
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::HeaderMap;
use serde_json::Value;
use tokio::sync::{Mutex, Notify};

/// The bodies received so far, and a signal for each new one.
#[derive(Default)]
pub struct CallbackSink {
    bodies: Mutex<Vec<Value>>,
    raw: Mutex<Vec<RawCallback>>,
    arrived: Notify,
}

/// One callback as it arrived.
#[derive(Debug, Clone)]
pub struct RawCallback {
    /// Its headers.
    pub headers: HeaderMap,
    /// Its body, byte for byte.
    pub body: Bytes,
}

impl RawCallback {
    /// A header's value.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

impl CallbackSink {
    /// Starts a receiver on a free port; returns the URL to give as `callback_url`.
    pub async fn start() -> (String, Arc<CallbackSink>) {
        let sink = Arc::new(CallbackSink::default());
        let app = axum::Router::new()
            .route(
                "/hook",
                axum::routing::post(
                    |State(sink): State<Arc<CallbackSink>>, headers: HeaderMap, body: Bytes| async move {
                        let json = serde_json::from_slice(&body).unwrap_or(Value::Null);
                        sink.raw.lock().await.push(RawCallback { headers, body });
                        sink.bodies.lock().await.push(json);
                        sink.arrived.notify_waiters();
                        "ok"
                    },
                ),
            )
            .with_state(sink.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap_or_else(|e| panic!("bind: {e}"));
        let addr = listener.local_addr().unwrap_or_else(|e| panic!("addr: {e}"));
        tokio::spawn(async move { axum::serve(listener, app).await });
        (format!("http://{addr}/hook"), sink)
    }

    /// Waits like [`CallbackSink::wait_for`]; returns the callbacks as they arrived.
    pub async fn wait_for_raw(&self, n: usize) -> Vec<RawCallback> {
        self.wait_for(n).await;
        self.raw.lock().await.clone()
    }

    /// Waits (in real time, at most 10 s) until `n` callbacks have arrived; returns them all.
    pub async fn wait_for(&self, n: usize) -> Vec<Value> {
        tokio::time::timeout(Duration::from_secs(10), async {
            loop {
                let arrived = self.arrived.notified();
                if self.bodies.lock().await.len() >= n {
                    return self.bodies.lock().await.clone();
                }
                arrived.await;
            }
        })
        .await
        .unwrap_or_else(|_| panic!("fewer than {n} callbacks arrived"))
    }
}
