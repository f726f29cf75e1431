//! Callbacks: the task object is POSTed on each status change, in order.

use std::sync::Arc;
use std::time::Duration;

use axum::Json;
use axum::extract::State;
use kling_e2e::TestApp;
use serde_json::{Value, json};
use tokio::sync::{Mutex, Notify};

#[derive(Default)]
struct Received {
    bodies: Mutex<Vec<Value>>,
    arrived: Notify,
}

async fn receiver() -> (String, Arc<Received>) {
    let received = Arc::new(Received::default());
    let app = axum::Router::new()
        .route(
            "/hook",
            axum::routing::post(|State(r): State<Arc<Received>>, Json(body): Json<Value>| async move {
                r.bodies.lock().await.push(body);
                r.arrived.notify_waiters();
                "ok"
            }),
        )
        .with_state(received.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap_or_else(|e| panic!("bind: {e}"));
    let addr = listener.local_addr().unwrap_or_else(|e| panic!("addr: {e}"));
    tokio::spawn(async move { axum::serve(listener, app).await });
    (format!("http://{addr}/hook"), received)
}

/// Waits (in real time, bounded) until `n` callbacks have arrived.
async fn wait_for(received: &Received, n: usize) -> Vec<Value> {
    tokio::time::timeout(Duration::from_secs(10), async {
        loop {
            let arrived = received.arrived.notified();
            if received.bodies.lock().await.len() >= n {
                return received.bodies.lock().await.clone();
            }
            arrived.await;
        }
    })
    .await
    .unwrap_or_else(|_| panic!("fewer than {n} callbacks arrived"))
}

#[tokio::test]
async fn callbacks_arrive_in_order_with_the_query_shape() {
    let app = TestApp::spawn().await;
    let (url, received) = receiver().await;
    let id = app.create_text2video(&json!({"prompt": "a cat", "callback_url": url, "external_task_id": "cb-1"})).await;
    app.advance(9);
    let first = wait_for(&received, 1).await;
    assert_eq!(first[0]["task_status"], "processing");
    app.advance(3600);
    let bodies = wait_for(&received, 2).await;
    let statuses: Vec<&str> = bodies.iter().map(|b| b["task_status"].as_str().unwrap_or_default()).collect();
    assert_eq!(statuses, ["processing", "succeed"]);
    let queried = app.get(&format!("/v1/videos/text2video/{id}")).await.assert_ok().clone();
    assert_eq!(bodies[1], queried.clone(), "the callback body is the query data");
    assert_eq!(bodies[0]["task_info"], json!({"external_task_id": "cb-1"}));
}

#[tokio::test]
async fn an_unreachable_callback_never_blocks_the_task() {
    let app = TestApp::spawn().await;
    let closed = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap_or_else(|e| panic!("bind: {e}"));
    let dead_url = format!("http://{}/hook", closed.local_addr().unwrap_or_else(|e| panic!("addr: {e}")));
    drop(closed);
    let id = app.create_text2video(&json!({"prompt": "a cat", "callback_url": dead_url})).await;
    app.advance(3600);
    assert_eq!(app.get(&format!("/v1/videos/text2video/{id}")).await.assert_ok()["task_status"], "succeed");
}
