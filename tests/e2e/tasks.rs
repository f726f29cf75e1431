//! Create, query, list, the state machine under a driven clock, results and isolation.

use std::io::Cursor;

use kling_e2e::{TestApp, token};
use serde_json::{Value, json};

fn keys(value: &Value) -> Vec<&str> {
    value.as_object().map(|m| m.keys().map(String::as_str).collect()).unwrap_or_default()
}

fn json_type(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "bool",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

#[tokio::test]
async fn create_response_matches_the_recorded_exchanges() {
    // Recorded in March 2026, one with kling-v1: served on a day that still offered it.
    let app = TestApp::spawn_before_retirement().await;
    for file in ["1774711071516_text2video.json", "1774805076247_text2video.json"] {
        let path = format!("{}/../fixtures/recordings/{file}", env!("CARGO_MANIFEST_DIR"));
        let recorded: Value =
            serde_json::from_str(&std::fs::read_to_string(&path).unwrap_or_default()).unwrap_or(Value::Null);
        let expected = &recorded["response"];
        assert!(expected.is_object(), "cannot read {path}");
        let reply = app.post("/v1/videos/text2video", &recorded["payload"]).await;
        reply.assert_ok();
        assert_eq!(keys(&reply.json), keys(expected), "{file}: envelope key order");
        assert_eq!(keys(&reply.json["data"]), keys(&expected["data"]), "{file}: data key order");
        for (key, value) in expected["data"].as_object().into_iter().flatten() {
            assert_eq!(json_type(&reply.json["data"][key]), json_type(value), "{file}: type of data.{key}");
        }
        let data = &reply.json["data"];
        assert_eq!(data["task_status"], "submitted");
        assert_eq!(data["task_info"], expected["data"]["task_info"], "{file}: external_task_id echo");
        assert_eq!(data["created_at"], data["updated_at"]);
        let id = data["task_id"].as_str().unwrap_or_default();
        assert!((18..=19).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_digit()), "task id {id}");
        assert_eq!(data["created_at"].as_i64().unwrap_or_default().to_string().len(), 13, "milliseconds");
    }
}

#[tokio::test]
async fn task_without_external_id_has_empty_task_info() {
    let app = TestApp::spawn().await;
    let reply = app.post("/v1/videos/text2video", &json!({"prompt": "a cat"})).await;
    assert_eq!(reply.assert_ok()["task_info"], json!({}));
}

#[tokio::test]
async fn a_task_moves_through_its_states_and_its_video_downloads() {
    let app = TestApp::spawn().await;
    let body = json!({"prompt": "a cat", "duration": "10", "mode": "pro", "external_task_id": "order-77", "watermark_info": {"enabled": true}});
    let id = app.create_text2video(&body).await;
    let path = format!("/v1/videos/text2video/{id}");

    let submitted = app.get(&path).await.assert_ok().clone();
    assert_eq!(submitted["task_status"], "submitted");
    assert!(submitted.get("task_result").is_none() && submitted.get("final_unit_deduction").is_none());

    app.advance(9);
    let processing = app.get(&path).await.assert_ok().clone();
    assert_eq!(processing["task_status"], "processing");
    assert!(processing["updated_at"].as_i64() > submitted["updated_at"].as_i64());

    app.advance(3600);
    let done = app.get(&path).await.assert_ok().clone();
    assert_eq!(done["task_status"], "succeed");
    assert_eq!(done["task_status_msg"], "");
    assert_eq!(done["final_unit_deduction"], "5", "2.5 Turbo at 1080p: 0.5 a second for 10 s");
    assert_eq!(done["watermark_info"], json!({"enabled": true}));
    assert!(done["updated_at"].as_i64() > processing["updated_at"].as_i64());
    assert_eq!(
        keys(&done),
        [
            "task_id",
            "task_status",
            "task_status_msg",
            "task_info",
            "task_result",
            "watermark_info",
            "final_unit_deduction",
            "created_at",
            "updated_at"
        ]
    );

    app.advance(3600);
    assert_eq!(app.get(&path).await.assert_ok(), &done, "terminal state never changes");
    assert_eq!(app.get("/v1/videos/text2video/order-77").await.assert_ok(), &done, "query by external id");

    let video = &done["task_result"]["videos"][0];
    let duration: f64 = video["duration"].as_str().and_then(|d| d.parse().ok()).unwrap_or_default();
    assert!((duration - 10.0).abs() < 0.2, "duration {video}");
    for key in ["url", "watermark_url"] {
        let url = video[key].as_str().unwrap_or_default();
        assert!(url.starts_with(&app.base), "{key} {url} is served by the emulator");
        let response = app.http.get(url).send().await.unwrap_or_else(|e| panic!("download failed: {e}"));
        assert_eq!(response.status(), 200);
        assert_eq!(response.headers().get("content-type").and_then(|v| v.to_str().ok()), Some("video/mp4"));
        let bytes = response.bytes().await.unwrap_or_default();
        let mp4 = mp4::Mp4Reader::read_header(Cursor::new(&bytes), bytes.len() as u64)
            .unwrap_or_else(|e| panic!("not an MP4: {e}"));
        assert!((mp4.duration().as_secs_f64() - duration).abs() < 0.01, "file and task agree on the length");
    }

    let url = video["url"].as_str().unwrap_or_default();
    let partial =
        app.http.get(url).header("range", "bytes=0-99").send().await.unwrap_or_else(|e| panic!("range failed: {e}"));
    assert_eq!(partial.status(), 206);
    assert!(
        partial
            .headers()
            .get("content-range")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|r| r.starts_with("bytes 0-99/"))
    );
    assert_eq!(partial.bytes().await.unwrap_or_default().len(), 100);
}

#[tokio::test]
async fn image2video_runs_end_to_end() {
    let app = TestApp::spawn().await;
    let mut body = json!({"image": "$image:png:640x360", "prompt": "the cat turns its head", "model_name": "kling-v2-6", "mode": "pro"});
    kling_api::samples::materialize(&mut body);
    let reply = app.post("/v1/videos/image2video", &body).await;
    let id = reply.assert_ok()["task_id"].as_str().unwrap_or_default().to_owned();
    app.advance(3600);
    let done = app.get(&format!("/v1/videos/image2video/{id}")).await.assert_ok().clone();
    assert_eq!(done["task_status"], "succeed");
    assert_eq!(done["final_unit_deduction"], "2.5", "2.6 silent at 1080p: 0.5 a second for 5 s");
    assert!(done["task_result"]["videos"][0].get("watermark_url").is_none());
    app.get(&format!("/v1/videos/text2video/{id}")).await.assert_error(404, 1203);
}

#[tokio::test]
async fn list_pages_newest_first_without_repeats_or_gaps() {
    let app = TestApp::spawn().await;
    let mut created = Vec::new();
    for i in 0..7 {
        created.push(app.create_text2video(&json!({"prompt": format!("shot {i}")})).await);
    }
    created.reverse();
    let mut seen = Vec::new();
    for page in 1..=3 {
        let reply = app.get(&format!("/v1/videos/text2video?pageNum={page}&pageSize=3")).await;
        let items = reply.assert_ok().as_array().cloned().unwrap_or_default();
        assert_eq!(items.len(), if page < 3 { 3 } else { 1 });
        seen.extend(items.iter().map(|t| t["task_id"].as_str().unwrap_or_default().to_owned()));
    }
    assert_eq!(seen, created);
    assert_eq!(app.get("/v1/videos/text2video?pageNum=4&pageSize=3").await.assert_ok(), &json!([]));
    assert_eq!(
        app.get("/v1/videos/text2video").await.assert_ok().as_array().map(Vec::len),
        Some(7),
        "default page size 30"
    );
    assert_eq!(app.get("/v1/videos/image2video").await.assert_ok(), &json!([]), "lists are per endpoint");
    for bad in ["pageNum=0", "pageNum=1001", "pageSize=0", "pageSize=501", "pageNum=abc", "pageSize=1.5"] {
        let reply = app.get(&format!("/v1/videos/text2video?{bad}")).await;
        let message = reply.assert_error(400, 1201);
        assert!(message.contains(bad.split('=').next().unwrap_or_default()), "{bad}: {message}");
    }
}

#[tokio::test]
async fn accounts_never_see_each_other() {
    let mut config = kling_mock::Config::for_tests();
    config.accounts = vec![kling_mock::AccountKeys::new("ak-a", "sk-a"), kling_mock::AccountKeys::new("ak-b", "sk-b")];
    let app = TestApp::spawn_with(config).await;
    let (a, b) = (token("ak-a", "sk-a"), token("ak-b", "sk-b"));
    let created =
        app.post_as(&a, "/v1/videos/text2video", &json!({"prompt": "mine", "external_task_id": "shared-name"})).await;
    let id = created.assert_ok()["task_id"].as_str().unwrap_or_default().to_owned();

    let unknown = app.get_as(&b, "/v1/videos/text2video/866889456698785798").await;
    let foreign = app.get_as(&b, &format!("/v1/videos/text2video/{id}")).await;
    assert_eq!(
        (foreign.status, foreign.code()),
        (unknown.status, unknown.code()),
        "foreign task answers like an unknown one"
    );
    foreign.assert_error(404, 1203);
    app.get_as(&b, "/v1/videos/text2video/shared-name").await.assert_error(404, 1203);
    assert_eq!(app.get_as(&b, "/v1/videos/text2video").await.assert_ok(), &json!([]));
    app.post_as(&b, "/v1/videos/text2video", &json!({"prompt": "theirs", "external_task_id": "shared-name"}))
        .await
        .assert_ok();
    app.get_as(&a, &format!("/v1/videos/text2video/{id}")).await.assert_ok();
}

#[tokio::test]
async fn external_task_ids_are_unique_per_account() {
    let app = TestApp::spawn().await;
    app.post("/v1/videos/text2video", &json!({"prompt": "a", "external_task_id": "dup"})).await.assert_ok();
    let message = app
        .post("/v1/videos/text2video", &json!({"prompt": "b", "external_task_id": "dup"}))
        .await
        .assert_error(400, 1201)
        .to_owned();
    assert!(message.contains("external_task_id"), "{message}");
}

#[tokio::test]
async fn the_same_seed_gives_the_same_ids() {
    let mut ids = Vec::new();
    for _ in 0..2 {
        let mut config = kling_mock::Config::for_tests();
        config.clock = kling_mock::config::ClockConfig::Manual { start_ms: 1_790_000_000_000 };
        let app = TestApp::spawn_with(config).await;
        let reply = app.post("/v1/videos/text2video", &json!({"prompt": "same"})).await;
        ids.push((reply.json["request_id"].clone(), reply.json["data"]["task_id"].clone()));
    }
    assert_eq!(ids[0], ids[1]);
}
