//! The Solutions API over HTTP: every documented example, every solution to `succeeded`
//! under the driven clock with outputs that download and parse, `GET` and `POST
//! /solutions`, the pages' own messages, callbacks (drama subtitles on terminal states
//! only), API keys only, and the try-on spelling flag.

use std::io::Cursor;

use kling_api::ENDPOINTS;
use kling_api::solutions::DOCUMENTED_EXAMPLES;
use kling_api::standard::AKSK_REJECTED;
use kling_e2e::{CallbackSink, TestApp, base_body, dev_token};
use serde_json::{Value, json};

fn solutions() -> impl Iterator<Item = &'static kling_api::EndpointSpec> {
    ENDPOINTS.iter().filter(|e| e.solution.is_some())
}

fn spec(name: &str) -> &'static kling_api::EndpointSpec {
    solutions().find(|e| e.name == name).unwrap_or_else(|| panic!("no solution {name}"))
}

fn keys(value: &Value) -> Vec<&str> {
    value.as_object().map(|m| m.keys().map(String::as_str).collect()).unwrap_or_default()
}

async fn download(app: &TestApp, url: &str) -> Vec<u8> {
    let reply = app.http.get(url).send().await.unwrap_or_else(|e| panic!("{url}: {e}"));
    assert_eq!(reply.status(), 200, "{url}");
    reply.bytes().await.map(|b| b.to_vec()).unwrap_or_default()
}

fn mp4_seconds(bytes: &[u8]) -> f64 {
    let reader = mp4::Mp4Reader::read_header(Cursor::new(bytes), bytes.len() as u64).expect("an MP4");
    reader.duration().as_secs_f64()
}

/// `HH:MM:SS,mmm` of an SRT timing line, in ms.
fn srt_ms(stamp: &str) -> u64 {
    let (hms, ms) = stamp.trim().split_once(',').expect("a comma");
    let parts: Vec<u64> = hms.split(':').map(|p| p.parse().expect("digits")).collect();
    ((parts[0] * 60 + parts[1]) * 60 + parts[2]) * 1000 + ms.parse::<u64>().expect("ms")
}

/// The id of a create answer.
fn created_id(data: &Value) -> String {
    data["id"].as_str().or(data["task_id"].as_str()).unwrap_or_default().to_owned()
}

async fn item(app: &TestApp, id: &str) -> Value {
    let reply = app.get(&format!("/solutions?task_ids={id}")).await;
    let items = reply.assert_ok().as_array().cloned().unwrap_or_default();
    assert_eq!(items.len(), 1, "{id}: {}", reply.text);
    items[0].clone()
}

#[tokio::test]
async fn every_documented_example_is_accepted() {
    let app = TestApp::spawn().await;
    for (name, body) in DOCUMENTED_EXAMPLES {
        let body: Value = serde_json::from_str(body).unwrap_or(Value::Null);
        // The examples share external ids: each goes to an account of its own making.
        app.post("/__admin/reset", &json!({})).await;
        let reply = app.post(spec(name).path, &body).await;
        let data = reply.assert_ok();
        assert_eq!(data["status"], "submitted", "{name}: {}", reply.text);
        assert_eq!(keys(data), ["id", "status", "create_time", "update_time", "external_id"], "{name}");
    }
}

#[tokio::test]
async fn every_solution_runs_to_succeeded_with_outputs_that_download_and_parse() {
    let app = TestApp::spawn().await;
    let mut made = Vec::new();
    for spec in solutions() {
        let data = app.post(spec.path, &base_body(spec)).await.assert_ok().clone();
        let id = created_id(&data);
        let pending = item(&app, &id).await;
        assert_eq!(pending["status"], "submitted", "{}", spec.name);
        assert_eq!(pending["outputs"], json!([]), "{}", spec.name);
        assert_eq!(pending["billing"], json!([]), "{}: no billing while running", spec.name);
        made.push((spec, id));
    }
    app.advance(3 * 3600);
    for (spec, id) in made {
        let done = item(&app, &id).await;
        assert_eq!(keys(&done), ["id", "status", "message", "create_time", "update_time", "outputs", "billing"]);
        assert_eq!(done["status"], "succeeded", "{}", spec.name);
        let expected: Vec<&str> =
            spec.solution.map(|s| s.products.iter().map(|p| p.kind()).collect()).unwrap_or_default();
        let outputs = done["outputs"].as_array().cloned().unwrap_or_default();
        let kinds: Vec<&str> = outputs.iter().map(|o| o["type"].as_str().unwrap_or_default()).collect();
        assert_eq!(kinds, expected, "{}", spec.name);
        let video_seconds =
            outputs.iter().find_map(|o| o["duration"].as_str()).map(|d| d.parse::<f64>().unwrap_or(0.0));
        for output in &outputs {
            let url = output["url"].as_str().unwrap_or_default();
            let bytes = download(&app, url).await;
            match output["type"].as_str().unwrap_or_default() {
                "srt" => {
                    let text = String::from_utf8(bytes).expect("UTF-8");
                    let ends: Vec<u64> =
                        text.lines().filter_map(|l| l.split_once(" --> ")).map(|(_, end)| srt_ms(end)).collect();
                    assert!(!ends.is_empty(), "{text}");
                    let limit = video_seconds.map_or(0, |s| (s * 1000.0).round() as u64);
                    assert!(ends.iter().all(|end| *end <= limit), "{}: cues past {limit} ms", spec.name);
                }
                "ass" => {
                    let text = String::from_utf8(bytes).expect("UTF-8");
                    assert!(text.starts_with("[Script Info]") && text.contains("\nDialogue: "), "{text}");
                }
                kind if output.get("duration").is_some() => {
                    let seconds = mp4_seconds(&bytes);
                    let reported = video_seconds.unwrap_or_default();
                    assert!(
                        (seconds - reported).abs() < 0.05,
                        "{} {kind}: file {seconds} s, task {reported} s",
                        spec.name
                    );
                }
                kind => assert!(bytes.starts_with(b"\x89PNG"), "{} {kind} is no PNG", spec.name),
            }
        }
        let billing = &done["billing"][0];
        assert_eq!(billing["charge_type"], "unit", "{}", spec.name);
        assert_ne!(billing["amount"], "0", "{}", spec.name);
    }
}

#[tokio::test]
async fn lengths_follow_the_request_or_the_source() {
    let app = TestApp::spawn().await;
    let goods = json!({"contents": [{"type": "ref_image", "url": "https://example.com/1.jpg"}, {"type": "goods_title", "text": "Umbrella"}],
        "settings": {"resolution": "720p", "aspect_ratio": "9:16", "duration": 30}});
    let source = "http://127.0.0.1:1/media/videos/42s/0b8f6b58-5a43-4f4e-9b3e-0d2f1c9b7a11.mp4";
    let drama = json!({"contents": [{"type": "source_video", "url": source}]});
    let ids = [
        created_id(app.post(spec("goods_studio").path, &goods).await.assert_ok()),
        created_id(app.post(spec("drama_subtitle").path, &drama).await.assert_ok()),
    ];
    app.advance(3 * 3600);
    for (id, seconds) in ids.iter().zip(["30.000", "42.000"]) {
        assert_eq!(item(&app, id).await["outputs"][0]["duration"], seconds);
    }
}

#[tokio::test]
async fn a_drama_source_over_300_seconds_fails_the_task_with_the_pages_message() {
    let app = TestApp::spawn().await;
    let source = "http://127.0.0.1:1/media/videos/301s/0b8f6b58-5a43-4f4e-9b3e-0d2f1c9b7a11.mp4";
    let created =
        app.post(spec("drama_subtitle").path, &json!({"contents": [{"type": "source_video", "url": source}]})).await;
    let id = created_id(created.assert_ok());
    app.advance(3 * 3600);
    let failed = item(&app, &id).await;
    assert_eq!(failed["status"], "failed");
    assert_eq!(failed["message"], kling_api::solutions::SOURCE_TOO_LONG);
    assert_eq!(failed["outputs"], json!([]));
    assert_eq!(failed["billing"][0]["amount"], "0", "a failed task costs nothing");
}

#[tokio::test]
async fn the_pages_own_messages_answer_their_mistakes() {
    let app = TestApp::spawn().await;
    let video = json!({"type": "source_video", "url": "https://example.com/a.mp4"});
    let glossary = |n: usize| {
        (0..n).map(|i| json!({"type": "glossary", "source": format!("词{i}"), "target": format!("Term {i}")}))
    };
    let cases: Vec<(&str, Value, &str)> = vec![
        ("drama_subtitle", json!({"contents": []}), "Source video is missing. Please provide a source video URL."),
        ("drama_subtitle", json!({}), "Source video is missing. Please provide a source video URL."),
        ("drama_subtitle", json!({"contents": [video, video]}), "Only one source_video item is allowed in contents."),
        (
            "drama_subtitle",
            json!({"contents": [{"type": "source_video", "url": " "}]}),
            "source_video is missing. Please provide exactly one source_video.",
        ),
        (
            "drama_subtitle",
            json!({"contents": std::iter::once(video.clone()).chain(glossary(201)).collect::<Vec<_>>()}),
            "Glossary exceeds the limit of 200 entries.",
        ),
        (
            "drama_subtitle",
            json!({"contents": [video, {"type": "glossary", "source": "宋棠", "target": "x".repeat(101)}]}),
            "Each glossary entry must be non-empty and no longer than 100 characters.",
        ),
        (
            "drama_subtitle",
            json!({"contents": [video], "settings": {"target_cps": 25}}),
            "target_cps out of range. Please provide a value between 10 and 20.",
        ),
        (
            "drama_subtitle",
            json!({"contents": [video], "settings": {"font_size": -3}}),
            "margin_v, font_size and target_cps must be positive integers.",
        ),
        (
            "goods_studio",
            json!({"contents": [{"type": "goods_title", "text": "Umbrella"}], "settings": {"resolution": "720p", "aspect_ratio": "1:1", "duration": 15}}),
            "Product image is missing. Please upload a product image.",
        ),
        (
            "goods_studio",
            json!({"contents": [{"type": "ref_image", "url": "https://example.com/1.jpg"}, {"type": "goods_title", "text": "Umbrella"}], "settings": {"resolution": "720p", "aspect_ratio": "1:1", "duration": 20}}),
            "Unsupported duration. Only 15, 30 and 60 seconds are supported.",
        ),
        (
            "talking_agent",
            json!({"contents": [{"type": "avatar_image", "url": "https://example.com/p.jpg"}, {"type": "speech_script", "text": "Hi."}]}),
            "voiceId is required when uploading an avatar_image.",
        ),
        (
            "talking_agent",
            json!({"contents": [{"type": "avatar_id", "text": "avatar_anna_female"}, {"type": "ref_image", "url": "https://example.com/1.jpg"}, {"type": "goods_title", "text": "Speaker"}, {"type": "speech_script", "text": "Hi."}], "settings": {"speechRate": 1.2}}),
            "Speech rate adjustment not supported in Video Commerce.",
        ),
        (
            "clothing_dupe",
            json!({"contents": [{"type": "product_info", "text": "Shirt"}, {"type": "source_video", "url": "https://example.com/r.mp4"}, {"type": "product_image", "url": "https://example.com/s.jpg"}, {"type": "voice", "voice_id": "nobody"}]}),
            "Invalid voice_id. Please select a valid voice from the voice library.",
        ),
    ];
    for (name, body, message) in cases {
        let reply = app.post(spec(name).path, &body).await;
        assert_eq!(reply.assert_error(400, 1201), message, "{name}: {body}");
    }
}

#[tokio::test]
async fn queries_find_by_ids_and_by_cursor_and_keep_to_their_surface() {
    let app = TestApp::spawn().await;
    let mut body = base_body(spec("virtual_try_on"));
    body["options"] = json!({"external_task_id": "look-1"});
    let id = created_id(app.post("/solutions/virtual_try_on", &body).await.assert_ok());
    let second =
        created_id(app.post("/solutions/virtual_try_on", &base_body(spec("virtual_try_on"))).await.assert_ok());
    let standard = app.post("/text-to-video/kling-3.0", &json!({"prompt": "a cat"})).await.assert_ok()["id"].clone();

    let by_external = app.get("/solutions?external_task_ids=look-1").await;
    assert_eq!(by_external.assert_ok()[0]["id"], id.as_str());
    let mixed = app.get(&format!("/solutions?task_ids={id},{},{second}", standard.as_str().unwrap_or_default())).await;
    let found: Vec<&str> =
        mixed.assert_ok().as_array().map(|a| a.iter().filter_map(|t| t["id"].as_str()).collect()).unwrap_or_default();
    assert_eq!(found, [id.as_str(), second.as_str()], "a /tasks task is not a Solutions task");
    let tasks = app.get(&format!("/tasks?task_ids={id}")).await;
    assert_eq!(tasks.assert_ok(), &json!([]), "nor the other way round");

    assert_eq!(app.get("/solutions").await.assert_error(400, 1201), kling_api::standard::TASK_IDS_REQUIRED);
    let many: Vec<String> = (0..21).map(|n| n.to_string()).collect();
    let too_many = app.get(&format!("/solutions?task_ids={}", many.join(","))).await;
    assert_eq!(too_many.assert_error(400, 1201), "task_ids can have at most 20 ids, got 21");

    let first = app.post("/solutions", &json!({"limit": 0})).await;
    let page = first.assert_ok();
    assert_eq!(page["count"], 1, "limit 0 counts as 1: {}", first.text);
    assert_eq!(page["has_more"], true);
    let cursor = page["next_cursor"].clone();
    let next = app.post("/solutions", &json!({"cursor": cursor, "limit": 9999})).await;
    assert_eq!(next.assert_ok()["count"], 1);
    assert_eq!(next.assert_ok()["has_more"], false);
    app.advance(3600);
    let succeeded = app.post("/solutions", &json!({"filters": [{"key": "status", "values": ["succeed"]}]})).await;
    assert_eq!(succeeded.assert_ok()["count"], 2, "the try-on page's word is read too");
    let other_key = app.post("/solutions", &json!({"filters": [{"key": "product_type", "values": ["video"]}]})).await;
    other_key.assert_error(400, 1201);
}

#[tokio::test]
async fn api_keys_only_and_a_token_gets_the_recorded_answer() {
    let app = TestApp::spawn().await;
    let spec = spec("goods_studio");
    let refused = app.post_as(&dev_token(), spec.path, &base_body(spec)).await;
    assert_eq!(refused.assert_error(401, 1002), AKSK_REJECTED);
    let listed = app.get_as(&dev_token(), "/solutions?task_ids=1").await;
    assert_eq!(listed.assert_error(401, 1002), AKSK_REJECTED);
}

#[tokio::test]
async fn drama_subtitles_call_back_on_terminal_states_only_and_the_others_on_every_change() {
    let app = TestApp::spawn().await;
    let (url, sink) = CallbackSink::start().await;
    for name in ["drama_subtitle", "goods_studio"] {
        let mut body = base_body(spec(name));
        body["options"] = json!({"callback_url": url, "external_task_id": name});
        app.post(spec(name).path, &body).await.assert_ok();
    }
    app.advance(3 * 3600);
    let bodies = sink.wait_for(3).await;
    let seen = |external: &str| -> Vec<String> {
        bodies
            .iter()
            .filter(|b| b["external_id"] == external)
            .filter_map(|b| b["status"].as_str().map(str::to_owned))
            .collect()
    };
    assert_eq!(seen("drama_subtitle"), ["succeeded"]);
    assert_eq!(seen("goods_studio"), ["processing", "succeeded"]);
    let last = bodies.iter().find(|b| b["external_id"] == "drama_subtitle").cloned().unwrap_or_default();
    assert_eq!(app.get("/solutions?external_task_ids=drama_subtitle").await.assert_ok()[0], last);
}

#[tokio::test]
async fn the_try_on_page_spelling_is_a_flag() {
    let mut config = kling_mock::Config::for_tests();
    config.solution_spelling = kling_api::solutions::Spelling::TryOnPage;
    let app = TestApp::spawn_with(config).await;
    let spec = spec("virtual_try_on");
    let created = app.post(spec.path, &base_body(spec)).await.assert_ok().clone();
    assert_eq!(keys(&created), ["task_id", "status", "create_time", "update_time"]);
    let goods = created_id(
        app.post("/solutions/e-commerce/goods_studio", &base_body(self::spec("goods_studio"))).await.assert_ok(),
    );
    app.advance(3600);
    assert_eq!(item(&app, &created_id(&created)).await["status"], "succeed");
    assert_eq!(item(&app, &goods).await["status"], "succeeded", "only try-on tasks change");
}
