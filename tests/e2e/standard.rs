//! The new-standard API over HTTP: API keys, the create paths of the catalogue, the task
//! item and `/tasks`, callbacks in the new form, and the recorded answers.

use kling_api::ENDPOINTS;
use kling_api::standard::{AKSK_REJECTED, DOCUMENTED_EXAMPLES};
use kling_e2e::{CallbackSink, TestApp, base_body, dev_token, token};
use kling_mock::Config;
use kling_mock::config::{AccountKeys, ApiKey, DEV_ACCESS_KEY, DEV_API_KEY};
use serde_json::{Value, json};

fn standard_specs() -> impl Iterator<Item = &'static kling_api::EndpointSpec> {
    ENDPOINTS.iter().filter(|e| e.standard.is_some())
}

/// The keys of a JSON object, in order.
fn keys(value: &Value) -> Vec<&str> {
    value.as_object().map(|m| m.keys().map(String::as_str).collect()).unwrap_or_default()
}

#[tokio::test]
async fn every_documented_example_is_accepted_and_each_endpoint_runs_to_succeeded() {
    let app = TestApp::spawn().await;
    for (name, body) in DOCUMENTED_EXAMPLES {
        let spec = kling_api::endpoints::by_name(name).unwrap_or_else(|| panic!("{name}"));
        let body: Value = serde_json::from_str(body).unwrap_or(Value::Null);
        let reply = app.post(spec.path, &body).await;
        let data = reply.assert_ok();
        assert_eq!(data["status"], "submitted", "{name}: {}", reply.text);
    }
    let mut ids = Vec::new();
    for spec in standard_specs() {
        let reply = app.post(spec.path, &base_body(spec)).await;
        let data = reply.assert_ok();
        // PROBE: id, status, message (empty), create_time, update_time; no external_id unless sent.
        assert_eq!(keys(data), ["id", "status", "message", "create_time", "update_time"], "{}", spec.name);
        ids.push((spec, data["id"].as_str().unwrap_or_default().to_owned()));
    }
    app.advance(3600);
    for (spec, id) in ids {
        let reply = app.get(&format!("/tasks?task_ids={id}")).await;
        let items = reply.assert_ok().as_array().cloned().unwrap_or_default();
        assert_eq!(items.len(), 1, "{}: {}", spec.name, reply.text);
        let item = &items[0];
        assert_eq!(keys(item), ["id", "status", "outputs", "message", "create_time", "update_time", "billing"]);
        assert_eq!(item["status"], "succeeded", "{}", spec.name);
        let video = &item["outputs"][0];
        assert_eq!(keys(video), ["type", "id", "url", "duration"], "{}", spec.name);
        let url = video["url"].as_str().unwrap_or_default();
        let bytes = app.http.get(url).send().await.and_then(|r| r.error_for_status()).map(|r| r.bytes());
        let bytes = match bytes {
            Ok(fut) => fut.await.unwrap_or_default(),
            Err(e) => panic!("{}: download failed: {e}", spec.name),
        };
        let length = bytes.len() as u64;
        let mp4 = mp4::Mp4Reader::read_header(std::io::Cursor::new(bytes), length)
            .unwrap_or_else(|e| panic!("{}: not an MP4: {e}", spec.name));
        let seconds = mp4.duration().as_secs_f64();
        let expected: f64 = video["duration"].as_str().and_then(|d| d.parse().ok()).unwrap_or(0.0);
        assert!((seconds - expected).abs() < 0.05, "{}: file {seconds} s, answer {expected} s", spec.name);
        assert_eq!(item["billing"][0]["charge_type"], "unit");
        assert_eq!(item["billing"][0]["package_type"], "video");
    }
}

#[tokio::test]
async fn recorded_amounts_are_billed() {
    let app = TestApp::spawn().await;
    let cases = [
        ("/omni-video/kling-v3-omni", json!({"contents": [{"type": "prompt", "text": "a parrot"}]}), "3"),
        (
            "/omni-video/kling-3.0-omni",
            json!({"contents": [{"type": "prompt", "text": "a parrot"}], "settings": {"duration": 3}}),
            "1.8",
        ),
        ("/text-to-video/kling-2.5-turbo", json!({"prompt": "a cat"}), "1.5"),
    ];
    let mut ids = Vec::new();
    for (path, body, amount) in &cases {
        let id = app.post(path, body).await.assert_ok()["id"].as_str().unwrap_or_default().to_owned();
        let running = app.get(&format!("/tasks?task_ids={id}")).await;
        assert_eq!(running.assert_ok()[0]["billing"], json!([]), "a task not finished shows no billing yet");
        ids.push((id, *amount));
    }
    app.advance(3600);
    for (id, amount) in ids {
        let reply = app.get(&format!("/tasks?task_ids={id}")).await;
        assert_eq!(
            reply.assert_ok()[0]["billing"],
            json!([{"charge_type": "unit", "amount": amount, "package_type": "video"}])
        );
    }
}

#[tokio::test]
async fn recorded_answers_are_reproduced() {
    let app = TestApp::spawn().await;
    // PROBE: a legacy-style body on the omni path.
    let legacy_body = json!({"model_name": "kling-v3-omni", "prompt": "a parrot", "image_list": []});
    let reply = app.post("/omni-video/kling-v3-omni", &legacy_body).await;
    assert_eq!(reply.assert_error(400, 1201), "contents cannot be empty");
    let reply = app.post("/omni-video/kling-v3-1-omni", &json!({"contents": []})).await;
    assert_eq!(reply.assert_error(400, 1201), "model is not supported");
    let bad = [
        (json!({"contents": "x"}), "contents value type is invalid, expected array"),
        (
            json!({"contents": [{"type": "reference_image", "url": "https://example.com/a.png"}]}),
            "contents[0].type value 'reference_image' is invalid",
        ),
        (
            json!({"contents": [{"type": "prompt", "text": "  "}]}),
            "content item of type 'prompt' must have non-blank text",
        ),
        (
            json!({"contents": [{"type": "prompt", "text": "a"}, {"type": "first_frame", "url": ""}]}),
            "content item of type 'first_frame' must have a non-blank url",
        ),
        (
            json!({"contents": [{"type": "prompt", "text": "a"}], "settings": {"resolution": "9000p"}}),
            "settings.resolution value '9000p' is invalid",
        ),
        (
            json!({"contents": [{"type": "prompt", "text": "a"}], "settings": {"audio": "bogus"}}),
            "settings.audio value 'bogus' is invalid",
        ),
        (
            json!({"contents": [{"type": "prompt", "text": "a"}], "settings": {"aspect_ratio": "7:3"}}),
            "settings.aspect_ratio value '7:3' is invalid",
        ),
        (
            json!({"contents": [{"type": "prompt", "text": "a"}], "settings": {"seed": "x"}}),
            "settings.seed value type is invalid, expected integer",
        ),
        (
            json!({"contents": [{"type": "prompt", "text": "a"}], "settings": {"audio": "original"}}),
            "audio mode 'original' is not supported by the current model",
        ),
        (
            json!({"contents": [{"type": "prompt", "text": "a"}, {"type": "element", "element_id": "", "id": "e"}]}),
            "Invalid element id: ",
        ),
        (
            json!({"contents": [{"type": "prompt", "text": "a"}, {"type": "element", "element_id": "1", "id": "e"}, {"type": "element", "element_id": "999", "id": "f"}]}),
            "Element id not found: 999",
        ),
    ];
    for (body, message) in bad {
        let reply = app.post("/omni-video/kling-v3-omni", &body).await;
        assert_eq!(reply.assert_error(400, 1201), message, "{body}");
    }
    // Unknown keys are ignored; a top-level callback_url too (PROBE).
    let (url, sink) = CallbackSink::start().await;
    let body = json!({"zzz_nope": 1, "callback_url": url, "contents": [{"type": "prompt", "text": "a parrot"}], "settings": {"mode": "pro"}});
    app.post("/omni-video/kling-v3-omni", &body).await.assert_ok();
    // KR: queries.
    let reply = app.get("/tasks?external_task_ids=landxi-probe-none").await;
    assert_eq!(
        reply.json,
        json!({"code": 0, "message": "SUCCEED", "request_id": reply.json["request_id"], "data": []})
    );
    let reply = app.get("/tasks?ids=1").await;
    assert_eq!(reply.assert_error(400, 1201), "task_ids or external_task_ids is required");
    let other = TestApp::spawn().await;
    let empty = other.post("/tasks", &json!({})).await;
    assert_eq!(empty.assert_ok(), &json!({"count": 0, "has_more": false}));
    app.advance(3600);
    assert!(
        tokio::time::timeout(std::time::Duration::from_millis(300), sink.wait_for(1)).await.is_err(),
        "a top-level callback_url is ignored"
    );
}

#[tokio::test]
async fn api_keys_authenticate_on_every_surface_and_tokens_only_on_the_legacy_one() {
    let mut config = Config::for_tests();
    config.accounts.push(AccountKeys::new("ak-2", "sk-2"));
    config.api_keys.push(ApiKey::bound("key-bound", "ak-2"));
    config.api_keys.push(ApiKey::new("key-alone"));
    let app = TestApp::spawn_with(config).await;
    let t2v = json!({"prompt": "a cat"});
    // The development key works on both surfaces, and sees the account's legacy tasks.
    let legacy = app.post_as(DEV_API_KEY, "/v1/videos/text2video", &t2v).await;
    let legacy_id = legacy.assert_ok()["task_id"].as_str().unwrap_or_default().to_owned();
    app.get(&format!("/v1/videos/text2video/{legacy_id}")).await.assert_ok();
    app.get_as(DEV_API_KEY, "/account/costs?start_time=0&end_time=1").await.assert_ok();
    // A bound key shares the AK/SK account's tasks through both surfaces.
    let id = app.post_as("key-bound", "/text-to-video/kling-3.0", &t2v).await.assert_ok()["id"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let by_key = app.get_as("key-bound", &format!("/tasks?task_ids={id}")).await;
    assert_eq!(by_key.assert_ok()[0]["id"], id.as_str());
    let page = app.post_as("key-bound", "/tasks", &json!({})).await;
    assert_eq!(page.assert_ok()["count"], 1);
    let legacy_by_token = app.get_as(&token("ak-2", "sk-2"), &format!("/v1/videos/text2video/{legacy_id}")).await;
    legacy_by_token.assert_error(404, 1203);
    let legacy_task = app.post_as(&token("ak-2", "sk-2"), "/v1/videos/text2video", &t2v).await;
    let legacy_task_id = legacy_task.assert_ok()["task_id"].as_str().unwrap_or_default().to_owned();
    let seen = app.get_as("key-bound", &format!("/tasks?task_ids={legacy_task_id},{id}")).await;
    assert_eq!(seen.assert_ok().as_array().map(Vec::len), Some(2), "legacy tasks appear in /tasks: {}", seen.text);
    // An unbound key is an account of its own.
    let alone = app.get_as("key-alone", &format!("/tasks?task_ids={id},{legacy_task_id}")).await;
    assert_eq!(alone.assert_ok(), &json!([]));
    // Tokens, garbage and unknown keys get the recorded answers.
    for bearer in [dev_token(), "garbage".to_owned(), "api-key-kling-BOGUS".to_owned()] {
        let reply = app.get_as(&bearer, "/tasks?task_ids=1").await;
        assert_eq!(reply.assert_error(401, 1002), AKSK_REJECTED);
        let reply = app.post_as(&bearer, "/text-to-video/kling-3.0", &t2v).await;
        assert_eq!(reply.assert_error(401, 1002), AKSK_REJECTED);
    }
    let reply = app.get_as("api-key-kling-BOGUS", "/account/costs?start_time=0&end_time=1").await;
    assert_eq!(reply.assert_error(401, 1002), "api key not found");
    let reply = app.send(reqwest::Method::GET, "/account/costs?start_time=0&end_time=1", &[], None).await;
    assert_eq!(reply.assert_error(401, 1001), "Authorization is empty");
    // A key bound to an access key no account has stops the start.
    let mut config = Config::for_tests();
    config.api_keys.push(ApiKey::bound("k", "nobody"));
    assert!(kling_mock::App::build(config).await.is_err());
    let _ = DEV_ACCESS_KEY;
}

#[tokio::test]
async fn the_cursor_pages_over_every_task_once_and_honours_filters() {
    let app = TestApp::spawn().await;
    let mut created = Vec::new();
    for i in 0..250 {
        let path = if i % 5 == 0 { "/v1/images/generations" } else { "/text-to-video/kling-2.6" };
        let body = if i % 5 == 0 {
            json!({"prompt": "a cat", "model_name": "kling-v2-1"})
        } else {
            json!({"prompt": "a cat"})
        };
        let reply = app.post(path, &body).await;
        let data = reply.assert_ok();
        created.push(
            data.get("id").or_else(|| data.get("task_id")).and_then(Value::as_str).unwrap_or_default().to_owned(),
        );
        if i % 10 == 0 {
            app.advance(1);
        }
    }
    let collect = |filters: Value| {
        let app = &app;
        async move {
            let mut seen = Vec::new();
            let mut body = json!({"limit": 7, "filters": filters});
            loop {
                let reply = app.post("/tasks", &body).await;
                let data = reply.assert_ok().clone();
                for item in data["result"].as_array().cloned().unwrap_or_default() {
                    seen.push(item);
                }
                if data["has_more"] != true {
                    break;
                }
                body = json!({"limit": 7, "cursor": data["next_cursor"], "filters": filters});
            }
            seen
        }
    };
    let all = collect(json!([])).await;
    let mut ids: Vec<String> = all.iter().map(|t| t["id"].as_str().unwrap_or_default().to_owned()).collect();
    assert_eq!(ids.len(), 250, "no repeat, no gap");
    let times: Vec<i64> = all.iter().map(|t| t["create_time"].as_i64().unwrap_or(0)).collect();
    assert!(times.windows(2).all(|w| w[0] >= w[1]), "newest first");
    ids.sort();
    created.sort();
    assert_eq!(ids, created);
    let images = collect(json!([{"key": "product_type", "values": ["image"]}])).await;
    assert_eq!(images.len(), 50);
    app.advance(3600);
    let succeeded = collect(json!([{"key": "status", "values": ["succeeded"]}])).await;
    assert_eq!(succeeded.len(), 250);
    let failed = collect(json!([{"key": "status", "values": ["failed", "processing"]}])).await;
    assert!(failed.is_empty());
    let reply = app.post("/tasks", &json!({"limit": 501})).await;
    assert_eq!(reply.assert_error(400, 1201), "limit value '501' is invalid");
    let reply = app.post("/tasks", &json!({"start_time": "2000", "end_time": 1000})).await;
    assert_eq!(reply.assert_error(400, 1201), "end_time must be later than start_time");
    let reply = app.post("/tasks", &json!({"filters": [{"key": "colour", "values": []}]})).await;
    assert_eq!(reply.assert_error(400, 1201), "filters[0].key value 'colour' is invalid");
    let window = app.post("/tasks", &json!({"start_time": 0, "end_time": 1})).await;
    assert_eq!(window.assert_ok(), &json!({"count": 0, "has_more": false}));
}

#[tokio::test]
async fn callbacks_of_new_standard_tasks_carry_the_task_item() {
    let app = TestApp::spawn().await;
    let (url, sink) = CallbackSink::start().await;
    let body = json!({"prompt": "a cat", "options": {"callback_url": url, "external_task_id": "order-7"}});
    let reply = app.post("/text-to-video/kling-3.0", &body).await;
    let data = reply.assert_ok();
    assert_eq!(data["external_id"], "order-7");
    let again = app.post("/text-to-video/kling-3.0", &body).await;
    again.assert_error(400, 1201);
    app.advance(3600);
    let bodies = sink.wait_for(2).await;
    let statuses: Vec<&str> = bodies.iter().map(|b| b["status"].as_str().unwrap_or("")).collect();
    assert_eq!(statuses, ["processing", "succeeded"]);
    let last = &bodies[1];
    assert_eq!(
        keys(last),
        ["id", "status", "outputs", "message", "create_time", "update_time", "external_id", "billing"]
    );
    let by_external = app.get("/tasks?external_task_ids=order-7").await;
    assert_eq!(&by_external.assert_ok()[0], last);
}

#[tokio::test]
async fn a_doubled_slash_reaches_the_same_route() {
    let app = TestApp::spawn().await;
    let body = json!({"model_name": "kolors-virtual-try-on-v1", "human_image": "https://example.com/h.png", "cloth_image": "https://example.com/c.png"});
    let id = app.post("/v1/images/kolors-virtual-try-on", &body).await.assert_ok()["task_id"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    app.get(&format!("/v1/images/kolors-virtual-try-on//{id}")).await.assert_ok();
    app.get(&format!("//tasks?task_ids={id}")).await.assert_ok();
}

#[tokio::test]
async fn scenarios_target_new_standard_endpoints_by_name() {
    let app = TestApp::spawn().await;
    app.scenario(
        r#"
[[rule]]
endpoint = "omni-video/kling-3.0-omni"
reject = "content_moderation"
"#,
    )
    .await;
    let omni = app.post("/omni-video/kling-3.0-omni", &json!({"contents": [{"type": "prompt", "text": "a"}]})).await;
    assert_eq!(omni.status, 400);
    assert_eq!(omni.code(), 1301);
    app.post("/text-to-video/kling-3.0", &json!({"prompt": "a"})).await.assert_ok();
}
