//! The state file across a restart, in-process: tasks of every account, external ids,
//! account packs, identify-face and selection sessions, each account's voices, elements
//! and audios, source videos and the clock come back; tasks of accounts no longer
//! configured are left out; periodic saves happen without a stop.

use std::path::{Path, PathBuf};
use std::time::Duration;

use kling_e2e::{CallbackSink, TestApp, token};
use kling_mock::{AccountKeys, Config};
use serde_json::{Value, json};

fn state_path(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("kling-e2e-state-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
    dir.join("state.json")
}

/// On the last day video-extend took videos, so a restored source video can be extended.
fn config(state: &Path, accounts: &[(&str, &str)]) -> Config {
    let mut config = kling_e2e::config_before_retirement();
    config.accounts = accounts.iter().map(|(ak, sk)| AccountKeys::new(*ak, *sk)).collect();
    config.state_file = Some(state.to_owned());
    config.state_save_interval = Duration::ZERO;
    config.limits.default.video.units = Some(kling_api::pricing::Units::whole(10_000));
    config
}

const DEV: (&str, &str) = (kling_mock::config::DEV_ACCESS_KEY, kling_mock::config::DEV_SECRET_KEY);
const OTHER: (&str, &str) = ("other-ak", "other-sk");

/// `data` of a successful, non-empty reply with the emulator's own address blanked (it
/// changes on restart).
fn data(app: &TestApp, reply: &kling_e2e::Reply) -> Value {
    let data = reply.assert_ok();
    assert!(data.as_array().is_none_or(|list| !list.is_empty()), "an empty list proves nothing: {}", reply.text);
    serde_json::from_str(&reply.json["data"].to_string().replace(&app.base, "http://emulator")).unwrap_or_default()
}

async fn admin_json(app: &TestApp, path: &str) -> Value {
    let reply = app.admin(reqwest::Method::GET, path, None).await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    reply.json
}

#[tokio::test]
async fn a_restart_restores_tasks_packs_sessions_and_the_clock() {
    let state = state_path("restore");
    let app = TestApp::spawn_with(config(&state, &[DEV, OTHER])).await;
    let other = token(OTHER.0, OTHER.1);
    let sources = app.sources().await;
    let mine = app.create_text2video(&json!({"prompt": "mine", "external_task_id": "shared-ext"})).await;
    let theirs = app
        .post_as(&other, "/v1/videos/text2video", &json!({"prompt": "theirs", "external_task_id": "shared-ext"}))
        .await
        .assert_ok()["task_id"]
        .clone();
    let list = data(&app, &app.get("/v1/videos/text2video?pageNum=1&pageSize=50").await);
    let their_list = data(&app, &app.get_as(&other, "/v1/videos/text2video").await);
    let packs = admin_json(&app, "/accounts/other-ak").await;
    let clock = admin_json(&app, "/clock").await["now_ms"].as_i64();
    app.running.stop().await.unwrap_or_else(|e| panic!("stop: {e}"));
    let saved = std::fs::read_to_string(&state).unwrap_or_default();
    assert!(!saved.contains(OTHER.1) && !saved.contains(DEV.1), "secret keys were written to the state file");

    let app = TestApp::spawn_with(config(&state, &[DEV, OTHER])).await;
    assert_eq!(admin_json(&app, "/clock").await["now_ms"].as_i64(), clock, "the clock resumes where it stopped");
    assert_eq!(data(&app, &app.get("/v1/videos/text2video?pageNum=1&pageSize=50").await), list);
    assert_eq!(data(&app, &app.get_as(&other, "/v1/videos/text2video").await), their_list);
    assert_eq!(admin_json(&app, "/accounts/other-ak").await, packs, "units used and slots held come back");
    let by_external = app.get("/v1/videos/text2video/shared-ext").await;
    assert_eq!(by_external.assert_ok()["task_id"], mine.as_str());
    let theirs_by_external = app.get_as(&other, "/v1/videos/text2video/shared-ext").await;
    assert_eq!(theirs_by_external.assert_ok()["task_id"], theirs);
    // Still per account after the restart: the development key cannot see the other's task.
    app.get(&format!("/v1/videos/text2video/{}", theirs.as_str().unwrap_or_default())).await.assert_error(404, 1203);
    let duplicate = json!({"prompt": "again", "external_task_id": "shared-ext"});
    app.post("/v1/videos/text2video", &duplicate).await.assert_error(400, 1201);

    // The restored session and source video still work for their owner only.
    let lip_sync = json!({"session_id": sources.get("$session_id"), "face_choose": [{"face_id": sources.get("$face_id"),
        "sound_file": "https://example.com/a.mp3", "sound_start_time": 0, "sound_end_time": 3000,
        "sound_insert_time": 1000}]});
    app.post("/v1/videos/advanced-lip-sync", &lip_sync).await.assert_ok();
    app.post_as(&other, "/v1/videos/advanced-lip-sync", &lip_sync).await.assert_error(400, 1201);
    let extend = json!({"video_id": sources.get("$video_id")});
    app.post("/v1/videos/video-extend", &extend).await.assert_ok();
    app.post_as(&other, "/v1/videos/video-extend", &extend).await.assert_error(400, 1201);

    // A key dropped from the configuration takes its tasks with it; the rest stay.
    app.running.stop().await.unwrap_or_else(|e| panic!("stop: {e}"));
    let built = kling_mock::App::build(config(&state, &[DEV])).await.unwrap_or_else(|e| panic!("{e}"));
    let summary = built.restored().unwrap_or_default();
    assert_eq!(summary.dropped, 1, "the other account's one task is left out and counted: {summary:?}");
    assert!(summary.tasks > 1, "{summary:?}");
    let app = TestApp::serve(built);
    app.get(&format!("/v1/videos/text2video/{mine}")).await.assert_ok();
    let counts = admin_json(&app, "/tasks").await;
    let owners: Vec<&str> = counts
        .as_array()
        .map(|tasks| tasks.iter().filter_map(|t| t["access_key"].as_str()).collect())
        .unwrap_or_default();
    assert!(!owners.is_empty() && owners.iter().all(|k| *k == DEV.0), "{owners:?}");
    let _ = std::fs::remove_dir_all(state.parent().unwrap_or(&state));
}

#[tokio::test]
async fn a_restart_keeps_selection_sessions_and_each_accounts_library() {
    let state = state_path("library");
    let app = TestApp::spawn_with(config(&state, &[DEV, OTHER])).await;
    let other = token(OTHER.0, OTHER.1);
    let sources = app.sources().await;
    let kept = sources.get("$voice_id");
    let made = app
        .post("/v1/general/custom-voices", &json!({"voice_name": "Gone", "voice_url": "https://example.com/v.mp3"}))
        .await;
    let task_id = made.assert_ok()["task_id"].as_str().unwrap_or_default().to_owned();
    app.advance(3600);
    let task = app.get(&format!("/v1/general/custom-voices/{task_id}")).await;
    let deleted = task.assert_ok()["task_result"]["voices"][0]["voice_id"].as_str().unwrap_or_default().to_owned();
    assert!(!deleted.is_empty(), "{}", task.text);
    app.post("/v1/general/delete-voices", &json!({"voice_id": deleted})).await.assert_ok();
    app.running.stop().await.unwrap_or_else(|e| panic!("stop: {e}"));

    let app = TestApp::spawn_with(config(&state, &[DEV, OTHER])).await;
    let refused = |reply: &kling_e2e::Reply, field: &str| {
        let message = reply.assert_error(400, 1201);
        assert!(message.starts_with(field) && message.contains("does not exist"), "{message:?}");
    };
    let preview = json!({"session_id": sources.get("$selection_id")});
    let path = "/v1/videos/multi-elements/preview-selection";
    app.post(path, &preview).await.assert_ok();
    refused(&app.post_as(&other, path, &preview).await, "session_id");

    let element_id: u64 = sources.get("$element_id").parse().unwrap_or_else(|e| panic!("element id: {e}"));
    let omni = json!({"prompt": "<<<element_1>>> waves", "aspect_ratio": "16:9", "element_list": [{"element_id": element_id}]});
    app.post("/v1/videos/omni-video", &omni).await.assert_ok();
    refused(&app.post_as(&other, "/v1/videos/omni-video", &omni).await, "element_list");

    let avatar = json!({"image": "https://example.com/face.png", "audio_id": sources.get("$audio_id")});
    app.post("/v1/videos/avatar/image2video", &avatar).await.assert_ok();
    refused(&app.post_as(&other, "/v1/videos/avatar/image2video", &avatar).await, "audio_id");

    let tts = |voice_id: &str| json!({"text": "still here?", "voice_id": voice_id});
    app.post("/v1/audio/tts", &tts(kept)).await.assert_ok();
    refused(&app.post_as(&other, "/v1/audio/tts", &tts(kept)).await, "voice_id");
    refused(&app.post("/v1/audio/tts", &tts(&deleted)).await, "voice_id");
    let _ = std::fs::remove_dir_all(state.parent().unwrap_or(&state));
}

#[tokio::test]
async fn the_state_is_saved_periodically_while_serving() {
    let state = state_path("periodic");
    let mut config = config(&state, &[DEV]);
    config.state_save_interval = Duration::from_millis(100);
    let app = TestApp::spawn_with(config).await;
    let id = app.create_text2video(&json!({"prompt": "saved without a stop"})).await;
    // The interval is real time: wait for the saver, at most 2 s.
    let deadline = std::time::Instant::now() + Duration::from_secs(2);
    loop {
        let saved = std::fs::read_to_string(&state).unwrap_or_default();
        if saved.contains(&id) {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "no periodic save within 2 s");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    app.running.stop().await.unwrap_or_else(|e| panic!("stop: {e}"));
    let leftovers: Vec<_> = std::fs::read_dir(state.parent().unwrap_or(&state))
        .map(|dir| dir.filter_map(Result::ok).map(|e| e.file_name()).collect())
        .unwrap_or_default();
    assert_eq!(leftovers.len(), 1, "only the state file, no temporary left behind: {leftovers:?}");
    let _ = std::fs::remove_dir_all(state.parent().unwrap_or(&state));
}

#[tokio::test]
async fn a_restored_unfinished_task_still_sends_its_callbacks() {
    let (callback_url, received) = CallbackSink::start().await;
    let state = state_path("callbacks");
    let app = TestApp::spawn_with(config(&state, &[DEV])).await;
    let id = app.create_text2video(&json!({"prompt": "reports after a restart", "callback_url": callback_url})).await;
    app.running.stop().await.unwrap_or_else(|e| panic!("stop: {e}"));

    let app = TestApp::spawn_with(config(&state, &[DEV])).await;
    app.advance(3600);
    let bodies = received.wait_for(2).await;
    assert!(bodies.iter().all(|task| task["task_id"] == id.as_str()), "{bodies:?}");
    let statuses: Vec<&str> = bodies.iter().map(|b| b["task_status"].as_str().unwrap_or_default()).collect();
    assert_eq!(statuses, ["processing", "succeed"]);
    let _ = std::fs::remove_dir_all(state.parent().unwrap_or(&state));
}

/// What `key` finds in `/tasks`: the cursor list and its tasks by external id.
async fn seen(app: &TestApp, key: &str) -> (Value, Value) {
    let list = data(app, &app.post_as(key, "/tasks", &json!({"limit": 50})).await);
    let by_external = data(app, &app.get_as(key, "/tasks?external_task_ids=std-0,std-1").await);
    (list, by_external)
}

/// New-standard tasks come back with their outputs and billing, for the API keys that made
/// them: a key bound to an AK/SK account, the development key, and a key-only account.
/// The keys themselves are never written.
#[tokio::test]
async fn a_restart_restores_new_standard_tasks_for_their_api_keys() {
    use kling_mock::auth::ApiKey;
    use kling_mock::config::DEV_API_KEY;
    let state = state_path("standard");
    let keyed = |state: &Path| {
        let mut config = config(state, &[DEV, OTHER]);
        config.api_keys.push(ApiKey::bound("other-api-key", OTHER.0));
        config.api_keys.push(ApiKey::new("solo-api-key"));
        config
    };
    let app = TestApp::spawn_with(keyed(&state)).await;
    let keys = [DEV_API_KEY, "other-api-key", "solo-api-key"];
    for (i, key) in keys.iter().enumerate() {
        for n in 0..2 {
            let body =
                json!({"prompt": format!("task {n} of key {i}"), "options": {"external_task_id": format!("std-{n}")}});
            app.post_as(key, "/text-to-video/kling-3.0", &body).await.assert_ok();
        }
        app.advance(if i == 0 { 3600 } else { 1 });
    }
    let mut before = Vec::new();
    for key in keys {
        before.push(seen(&app, key).await);
    }
    assert!(before.iter().all(|(list, found)| list["count"] == 2 && found.as_array().map(Vec::len) == Some(2)));
    assert!(before[0].0.to_string().contains("\"billing\""), "finished tasks carry their billing");
    app.running.stop().await.unwrap_or_else(|e| panic!("stop: {e}"));
    let saved = std::fs::read_to_string(&state).unwrap_or_else(|e| panic!("no state file: {e}"));
    assert!(saved.contains("\"tasks\""), "the state file holds no tasks");
    for key in keys {
        assert!(!saved.contains(key), "an API key was written to the state file");
    }

    let app = TestApp::spawn_with(keyed(&state)).await;
    for (key, before) in keys.into_iter().zip(before) {
        assert_eq!(seen(&app, key).await, before, "the tasks of {key} after the restart");
    }
    let duplicate = json!({"prompt": "again", "options": {"external_task_id": "std-0"}});
    app.post_as("solo-api-key", "/text-to-video/kling-3.0", &duplicate).await.assert_error(400, 1201);
}

#[tokio::test]
async fn a_restart_keeps_solutions_tasks_and_their_subtitle_style() {
    let state = state_path("solutions");
    let app = TestApp::spawn_with(config(&state, &[DEV])).await;
    let body = json!({"contents": [{"type": "source_video", "url": "https://example.com/ep.mp4"}],
        "settings": {"font_size": 44, "margin_v": 200}, "options": {"external_task_id": "ep-9"}});
    app.post("/solutions/drama_subtitle", &body).await.assert_ok();
    app.advance(3 * 3600);
    let before = app.get("/solutions?external_task_ids=ep-9").await.assert_ok().clone();
    let ass = before[0]["outputs"][2]["url"].as_str().unwrap_or_default().to_owned();
    assert!(ass.contains("/44x200/"), "{ass}");
    app.running.stop().await.unwrap_or_else(|e| panic!("stop: {e}"));

    let app = TestApp::spawn_with(config(&state, &[DEV])).await;
    let after = app.get("/solutions?external_task_ids=ep-9").await.assert_ok().clone();
    let path =
        |v: &Value| v[0]["outputs"][2]["url"].as_str().and_then(|u| u.find("/media/").map(|i| u[i..].to_owned()));
    assert_eq!(path(&after), path(&before), "the ASS file keeps its style");
    assert_eq!(after[0]["status"], "succeeded");
    assert_eq!(app.get("/tasks?external_task_ids=ep-9").await.assert_ok(), &json!([]));
}
