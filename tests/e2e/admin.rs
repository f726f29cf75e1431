//! The admin API: guarded by its token, bounded journal without secrets, tasks, clock,
//! reset, stats; and the seed dialect's paths.

use kling_e2e::{TestApp, dev_token};
use reqwest::Method;
use serde_json::json;

const T2V: &str = "/v1/videos/text2video";

#[tokio::test]
async fn the_admin_token_guards_the_admin_api() {
    let mut config = kling_mock::Config::for_tests();
    config.admin.token = Some("s3cret-admin".into());
    let app = TestApp::spawn_with(config).await;
    app.send(Method::GET, "/__admin/stats", &[], None).await.assert_error(401, 1002);
    app.send(Method::GET, "/__admin/stats", &[("authorization", "Bearer wrong")], None).await.assert_error(401, 1002);
    let ok = app.send(Method::GET, "/__admin/stats", &[("authorization", "Bearer s3cret-admin")], None).await;
    assert_eq!(ok.status, 200, "{}", ok.text);
    let ok = app.send(Method::GET, "/__admin/stats", &[("x-admin-token", "s3cret-admin")], None).await;
    assert_eq!(ok.status, 200);
}

#[tokio::test]
async fn the_admin_api_can_be_turned_off() {
    let mut config = kling_mock::Config::for_tests();
    config.admin.disabled = true;
    let app = TestApp::spawn_with(config).await;
    app.send(Method::GET, "/__admin/health", &[], None).await.assert_error(404, 1203);
}

#[tokio::test]
async fn the_journal_is_bounded_filterable_and_free_of_secrets() {
    let mut config = kling_mock::Config::for_tests();
    config.journal_size = 5;
    let app = TestApp::spawn_with(config).await;
    let token = dev_token();
    for i in 0..12 {
        app.post(T2V, &json!({"prompt": format!("p{i}")})).await;
    }
    app.get("/v1/videos/text2video/nope").await;
    let journal = app.admin(Method::GET, "/journal", None).await;
    let entries = journal.json.as_array().cloned().unwrap_or_default();
    assert_eq!(entries.len(), 5, "bounded");
    assert_eq!(entries[0]["status"], 404, "newest first");
    assert_eq!(entries[0]["access_key"], "kling-mock-dev-access-key");
    assert_eq!(entries[1]["request_body"], "{\"prompt\":\"p11\"}");
    assert!(!journal.text.contains(&token), "the journal holds a token");
    assert!(!journal.text.contains("kling-mock-dev-secret-key"), "the journal holds a secret");
    let filtered = app.admin(Method::GET, "/journal?status=404", None).await;
    assert_eq!(filtered.json.as_array().map(Vec::len), Some(1));
}

#[tokio::test]
async fn tasks_can_be_listed_inspected_forced_and_the_clock_advanced() {
    let app = TestApp::spawn().await;
    let id = app.create_text2video(&json!({"prompt": "a", "external_task_id": "x"})).await;
    let listed = app.admin(Method::GET, "/tasks?status=submitted&endpoint=text2video", None).await;
    assert_eq!(listed.json.as_array().map(Vec::len), Some(1), "{}", listed.text);
    let detail = app.admin(Method::GET, &format!("/tasks/{id}"), None).await;
    assert_eq!(detail.json["access_key"], "kling-mock-dev-access-key");
    assert!(detail.json["plan"]["finished_at"].as_i64().is_some());

    let forced = app
        .admin(Method::POST, &format!("/tasks/{id}/state"), Some(&json!({"status": "failed", "message": "ops"})))
        .await;
    assert_eq!(forced.status, 200, "{}", forced.text);
    let task = app.get(&format!("{T2V}/{id}")).await.assert_ok().clone();
    assert_eq!((task["task_status"].as_str(), task["task_status_msg"].as_str()), (Some("failed"), Some("ops")));
    let again = app.admin(Method::POST, &format!("/tasks/{id}/state"), Some(&json!({"status": "succeed"}))).await;
    again.assert_error(400, 1201);

    let before = app.admin(Method::GET, "/clock", None).await.json["now_ms"].as_i64().unwrap_or_default();
    let after = app.admin(Method::POST, "/clock/advance", Some(&json!({"seconds": 90}))).await.json["now_ms"]
        .as_i64()
        .unwrap_or_default();
    assert_eq!(after - before, 90_000);

    let stats = app.admin(Method::GET, "/stats", None).await;
    assert!(stats.json["responses"]["2xx"].as_u64().unwrap_or_default() >= 2, "{}", stats.text);

    let reset = app.admin(Method::POST, "/reset", None).await;
    assert_eq!(reset.status, 200);
    app.get(&format!("{T2V}/{id}")).await.assert_error(404, 1203);
}

#[tokio::test]
async fn the_seed_dialect_serves_its_paths_and_codes() {
    let mut config = kling_mock::Config::for_tests();
    config.dialect = kling_api::Dialect::Seed;
    let app = TestApp::spawn_with(config).await;
    let id = app.create_text2video(&json!({"prompt": "a", "external_task_id": "seed-1"})).await;
    let image = app.post("/v1/videos/image2video", &json!({"image": "https://example.com/a.png"})).await;
    let image_id = image.assert_ok()["task_id"].as_str().unwrap_or_default().to_owned();
    assert_eq!(app.get(&format!("/v1/videos/{id}")).await.assert_ok()["task_id"], id.as_str());
    assert_eq!(app.get("/v1/videos/seed-1").await.assert_ok()["task_id"], id.as_str());
    assert_eq!(app.get(&format!("/v1/videos/{image_id}")).await.assert_ok()["task_id"], image_id.as_str());
    app.send(Method::GET, T2V, &[], None).await.assert_error(401, 1001);
    app.post(T2V, &json!({"prompt": 7, "duration": "4"})).await.assert_error(400, 1003);
    let lipsync = app.post("/v1/videos/lipsync", &json!({})).await;
    assert!(lipsync.assert_error(400, 1003).starts_with("input"), "the seed path reaches lip-sync");
}

#[tokio::test]
async fn the_official_dialect_hints_at_the_official_form() {
    let app = TestApp::spawn().await;
    let id = app.create_text2video(&json!({"prompt": "a"})).await;
    for (method, path) in [(Method::GET, format!("/v1/videos/{id}")), (Method::POST, "/v1/videos/extend".to_owned())] {
        let reply = app.send(method, &path, &[("authorization", &format!("Bearer {}", dev_token()))], None).await;
        reply.assert_error(404, 1203);
        let hint = reply.headers.get("x-kling-mock-hint").and_then(|v| v.to_str().ok()).unwrap_or_default();
        assert!(hint.contains("/v1/videos/"), "{path}: hint {hint:?}");
    }
    let plain = app.get("/v1/videos/no/such/path").await;
    assert!(plain.headers.get("x-kling-mock-hint").is_none());
}
