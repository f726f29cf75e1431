//! Callbacks: the task object is POSTed on each status change, in order.

use kling_e2e::{CallbackSink, TestApp};
use serde_json::json;

#[tokio::test]
async fn callbacks_arrive_in_order_with_the_query_shape() {
    let app = TestApp::spawn().await;
    let (url, received) = CallbackSink::start().await;
    let id = app.create_text2video(&json!({"prompt": "a cat", "callback_url": url, "external_task_id": "cb-1"})).await;
    app.advance(9);
    let first = received.wait_for(1).await;
    assert_eq!(first[0]["task_status"], "processing");
    app.advance(3600);
    let bodies = received.wait_for(2).await;
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
