//! The shape of every kind of answer, redacted (ids, times, URLs) so that one snapshot
//! holds for the emulator and the real API; a difference against the real API is drift.

use std::time::Duration;

use kling_api::Dialect;
use kling_contract::checks::{Check, TokenKind};
use kling_contract::exchange::send;
use kling_contract::shape::redact;
use kling_contract::target::Target;
use serde_json::{Value, json};

fn check(id: &str, method: &'static str, path: &str, body: Option<Value>, token: TokenKind) -> Check {
    Check { id: id.into(), method, path: path.into(), body, token, billable: false, cost: 0 }
}

#[tokio::test]
async fn response_shapes() {
    let target = Target::emulator(Dialect::Official).await.unwrap_or_else(|e| panic!("{e}"));
    let http = reqwest::Client::new();
    let observe = |c: Check| {
        let (http, target) = (&http, &target);
        async move {
            let o = send(http, target, &c).await.unwrap_or_else(|e| panic!("{e}"));
            redact(&json!({"status": o.status, "body": o.body}))
        }
    };
    let t2v = "/v1/videos/text2video";
    let created = observe(check(
        "create",
        "POST",
        t2v,
        Some(json!({"prompt": "a", "external_task_id": "snap"})),
        TokenKind::Valid,
    ))
    .await;
    insta::assert_json_snapshot!("create", created);
    insta::assert_json_snapshot!(
        "query_submitted",
        observe(check("q", "GET", &format!("{t2v}/snap"), None, TokenKind::Valid)).await
    );
    target.advance(Duration::from_secs(3600));
    insta::assert_json_snapshot!(
        "query_succeed",
        observe(check("q", "GET", &format!("{t2v}/snap"), None, TokenKind::Valid)).await
    );
    insta::assert_json_snapshot!(
        "list",
        observe(check("l", "GET", &format!("{t2v}?pageSize=1"), None, TokenKind::Valid)).await
    );
    let image = observe(check(
        "i",
        "POST",
        "/v1/images/generations",
        Some(json!({"prompt": "a", "n": 2, "external_task_id": "img"})),
        TokenKind::Valid,
    ))
    .await;
    insta::assert_json_snapshot!("create_image", image);
    target.advance(Duration::from_secs(3600));
    insta::assert_json_snapshot!(
        "query_images",
        observe(check("q", "GET", "/v1/images/generations/img", None, TokenKind::Valid)).await
    );
    for (name, token) in [
        ("auth_missing", TokenKind::Missing),
        ("auth_invalid", TokenKind::Tampered),
        ("auth_expired", TokenKind::Expired),
        ("auth_not_yet_valid", TokenKind::NotYetValid),
    ] {
        insta::assert_json_snapshot!(name, observe(check(name, "GET", t2v, None, token)).await);
    }
    insta::assert_json_snapshot!(
        "invalid_parameter",
        observe(check("p", "POST", t2v, Some(json!({"prompt": "a", "duration": "7"})), TokenKind::Valid)).await
    );
    insta::assert_json_snapshot!(
        "invalid_request",
        observe(check("r", "POST", t2v, Some(Value::String("{".into())), TokenKind::Valid)).await
    );
    insta::assert_json_snapshot!(
        "not_found",
        observe(check("n", "GET", &format!("{t2v}/866889456698785798"), None, TokenKind::Valid)).await
    );
    insta::assert_json_snapshot!("wrong_method", observe(check("m", "DELETE", t2v, None, TokenKind::Valid)).await);
}

#[tokio::test]
async fn callback_body_shape() {
    let target = Target::emulator(Dialect::Official).await.unwrap_or_else(|e| panic!("{e}"));
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<Value>();
    let receiver = axum::Router::new().route(
        "/hook",
        axum::routing::post(move |axum::Json(body): axum::Json<Value>| {
            let tx = tx.clone();
            async move {
                let _ = tx.send(body);
                "ok"
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap_or_else(|e| panic!("{e}"));
    let hook = format!("http://{}/hook", listener.local_addr().unwrap_or_else(|e| panic!("{e}")));
    tokio::spawn(async move { axum::serve(listener, receiver).await });
    let create = check(
        "c",
        "POST",
        "/v1/videos/text2video",
        Some(json!({"prompt": "a", "callback_url": hook})),
        TokenKind::Valid,
    );
    send(&reqwest::Client::new(), &target, &create).await.unwrap_or_else(|e| panic!("{e}"));
    target.advance(Duration::from_secs(3600));
    let mut bodies = Vec::new();
    while bodies.len() < 2 {
        match tokio::time::timeout(Duration::from_secs(5), rx.recv()).await {
            Ok(Some(body)) => bodies.push(redact(&body)),
            other => panic!("callback missing: {other:?}"),
        }
    }
    insta::assert_json_snapshot!("callbacks", bodies);
}
