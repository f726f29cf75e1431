//! Edge inputs that once broke a promise: huge numbers, odd encodings, full stores,
//! changed limits, and blocked callback receivers.

use std::time::Duration;

use jsonwebtoken::Algorithm;
use kling_e2e::{TestApp, dev_token, now_s, sign};
use kling_mock::config::{DEV_ACCESS_KEY, DEV_SECRET_KEY};
use reqwest::Method;
use serde_json::json;

const T2V: &str = "/v1/videos/text2video";

#[tokio::test]
async fn extreme_token_times_get_auth_codes_not_500() {
    let app = TestApp::spawn().await;
    let cases = [
        (json!({"iss": DEV_ACCESS_KEY, "exp": 1e300, "nbf": now_s() - 5}), 200),
        (json!({"iss": DEV_ACCESS_KEY, "exp": i64::MAX, "nbf": now_s() - 5}), 200),
        (json!({"iss": DEV_ACCESS_KEY, "exp": now_s() + 100, "nbf": -1e300}), 200),
        (json!({"iss": DEV_ACCESS_KEY, "exp": -1e300, "nbf": -1e300}), 401),
        (json!({"iss": DEV_ACCESS_KEY, "exp": now_s() + 100, "nbf": 1e300}), 401),
    ];
    for (claims, status) in cases {
        let token = sign(&claims, DEV_SECRET_KEY, Algorithm::HS256);
        let reply = app.get_as(&token, T2V).await;
        assert_eq!(reply.status, status, "{claims}: {}", reply.text);
    }
    let lower = app.send(Method::GET, T2V, &[("authorization", &format!("bearer {}", dev_token()))], None).await;
    assert_eq!(lower.status, 200, "the auth scheme is case-insensitive");
}

#[tokio::test]
async fn advancing_the_clock_is_bounded() {
    let app = TestApp::spawn().await;
    for body in [json!({"seconds": 1e300}), json!({"ms": u64::MAX}), json!({"seconds": -1})] {
        app.admin(Method::POST, "/clock/advance", Some(&body)).await.assert_error(400, 1201);
    }
    app.admin(Method::POST, "/clock/advance", Some(&json!({"seconds": 86400.0 * 365.0 * 99.0}))).await;
    app.post(T2V, &json!({"prompt": "still serving"})).await.assert_ok();
}

#[tokio::test]
async fn bad_path_and_query_encodings_get_kling_errors() {
    let mut config = kling_mock::Config::for_tests();
    config.dialect = kling_api::Dialect::Seed;
    let app = TestApp::spawn_with(config).await;
    let auth = format!("Bearer {}", dev_token());
    for path in [
        "/v1/videos/%FF",
        "/media/videos/%FF/x.mp4",
        "/__admin/journal?status=abc",
        "/__admin/journal?limit=-1",
        "/__admin/tasks/%FF",
    ] {
        let reply = app.send(Method::GET, path, &[("authorization", &auth)], None).await;
        assert!(reply.status >= 400, "{path}");
        reply.assert_error(reply.status, reply.code());
        assert!(reply.code() > 0, "{path}: {}", reply.text);
    }
}

#[tokio::test]
async fn a_store_full_of_unfinished_tasks_refuses_instead_of_growing() {
    let mut config = kling_mock::Config::for_tests();
    config.task_capacity = 3;
    let app = TestApp::spawn_with(config).await;
    app.scenario("[[rule]]\nprompt = \"hold\"\nhold = true\n").await;
    for _ in 0..3 {
        app.post(T2V, &json!({"prompt": "hold"})).await.assert_ok();
    }
    let message = app.post(T2V, &json!({"prompt": "hold"})).await.assert_error(504, 5002).to_owned();
    assert!(message.contains("--task-capacity"), "{message}");
    app.admin(Method::POST, "/release", None).await;
    for _ in 0..5 {
        app.post(T2V, &json!({"prompt": "go"})).await.assert_ok();
        app.advance(3600);
        app.get(T2V).await.assert_ok();
    }
    assert_eq!(
        app.admin(Method::GET, "/ready", None).await.json["tasks"],
        3,
        "finished tasks are evicted, oldest first"
    );
}

#[tokio::test]
async fn changing_limits_keeps_the_units_already_used() {
    let app = TestApp::spawn().await;
    app.scenario("[limits.video]\nunits = 4.5\n").await;
    for _ in 0..3 {
        app.post(T2V, &json!({"prompt": "a"})).await.assert_ok();
    }
    app.post(T2V, &json!({"prompt": "a"})).await.assert_error(429, 1102);
    app.scenario("[limits.video]\nconcurrency = 2\n").await;
    app.post(T2V, &json!({"prompt": "a"})).await.assert_error(429, 1102);
    let account = app.admin(Method::GET, "/accounts/kling-mock-dev-access-key", None).await;
    let video = account.json["packs"]
        .as_array()
        .and_then(|p| p.iter().find(|p| p["pack_type"] == "video"))
        .cloned()
        .unwrap_or_default();
    assert_eq!(
        (video["total"].as_f64(), video["used"].as_f64(), video["remaining"].as_f64()),
        (Some(4.5), Some(4.5), Some(0.0))
    );
}

#[tokio::test]
async fn empty_strings_count_as_absent_and_multi_shot_fields_are_ignored_without_multi_shot() {
    let app = TestApp::spawn().await;
    app.post(
        "/v1/videos/image2video",
        &json!({"model_name": "kling-v3", "image": "", "image_tail": "https://example.com/last.png"}),
    )
    .await
    .assert_ok();
    app.post("/v1/videos/image2video", &json!({"model_name": "kling-v3", "image": "", "image_tail": ""}))
        .await
        .assert_error(400, 1201);
    app.post(T2V, &json!({"prompt": "x", "shot_type": "auto", "multi_prompt": [{"duration": "99"}]})).await.assert_ok();
    app.post(T2V, &json!({"prompt": "x", "model_name": "kling-v3", "multi_shot": true, "shot_type": "auto"}))
        .await
        .assert_error(400, 1201);
}

#[tokio::test]
async fn a_receiver_that_never_answers_blocks_only_its_own_task() {
    let app = TestApp::spawn().await;
    let hanging = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap_or_else(|e| panic!("bind: {e}"));
    let hanging_url = format!("http://{}/hook", hanging.local_addr().unwrap_or_else(|e| panic!("{e}")));
    let accepted = tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((socket, _)) = hanging.accept().await {
            held.push(socket);
        }
    });
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<String>();
    let receiver = axum::Router::new().route(
        "/hook",
        axum::routing::post(move |axum::Json(body): axum::Json<serde_json::Value>| {
            let tx = tx.clone();
            async move {
                let _ = tx.send(body["task_status"].as_str().unwrap_or_default().to_owned());
                "ok"
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap_or_else(|e| panic!("bind: {e}"));
    let good_url = format!("http://{}/hook", listener.local_addr().unwrap_or_else(|e| panic!("{e}")));
    tokio::spawn(async move { axum::serve(listener, receiver).await });

    app.create_text2video(&json!({"prompt": "stuck", "callback_url": hanging_url})).await;
    app.create_text2video(&json!({"prompt": "fine", "callback_url": good_url})).await;
    app.advance(3600);
    let mut seen = Vec::new();
    while seen.len() < 2 {
        match tokio::time::timeout(Duration::from_secs(5), rx.recv()).await {
            Ok(Some(status)) => seen.push(status),
            other => panic!("callbacks of the healthy task did not arrive: {other:?} after {seen:?}"),
        }
    }
    assert_eq!(seen, ["processing", "succeed"]);
    accepted.abort();
}

#[tokio::test]
async fn account_filters_match_the_named_account() {
    let app = TestApp::spawn().await;
    app.scenario("[[rule]]\naccount = \"kling-mock-dev-access-key\"\nreject = \"account_exception\"\n").await;
    app.post(T2V, &json!({"prompt": "a"})).await.assert_error(429, 1100);
}

#[tokio::test]
async fn the_official_codes_are_the_documented_ones() {
    let documented: [(&str, u16, i64); 8] = [
        ("insufficient_balance", 429, 1102),
        ("content_moderation", 400, 1301),
        ("concurrency_limit", 429, 1303),
        ("rate_limited", 429, 1302),
        ("internal_error", 500, 5000),
        ("service_unavailable", 503, 5001),
        ("service_busy", 504, 5002),
        ("no_permission", 403, 1103),
    ];
    let app = TestApp::spawn().await;
    for (fault, status, code) in documented {
        app.scenario(&format!("[[rule]]\nreject = \"{fault}\"\n")).await;
        app.post(T2V, &json!({"prompt": "a"})).await.assert_error(status, code);
    }
}
