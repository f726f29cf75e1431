//! Effects, multi-elements, audio, voices, elements and image recognition: what links
//! these calls (sessions, voices, elements, audios) is enforced per account, and results
//! download.

use kling_e2e::{Reply, TestApp, token};
use serde_json::{Value, json};

const OTHER: (&str, &str) = ("other-ak", "other-sk");

async fn two_accounts() -> (TestApp, String) {
    let mut config = kling_mock::Config::for_tests();
    config.accounts.push(kling_mock::AccountKeys::new(OTHER.0, OTHER.1));
    (TestApp::spawn_with(config).await, token(OTHER.0, OTHER.1))
}

async fn finished(app: &TestApp, path: &str, reply: Reply) -> Value {
    let id = reply.assert_ok()["task_id"].as_str().unwrap_or_default().to_owned();
    app.advance(3600);
    let done = app.get(&format!("{path}/{id}")).await.assert_ok().clone();
    assert_eq!(done["task_status"], "succeed", "{done}");
    done
}

async fn video(app: &TestApp, seconds: &str) -> String {
    let body = json!({"prompt": "source", "duration": seconds, "model_name": "kling-v3"});
    let done = finished(app, "/v1/videos/text2video", app.post("/v1/videos/text2video", &body).await).await;
    done["task_result"]["videos"][0]["id"].as_str().unwrap_or_default().to_owned()
}

fn refused(reply: &Reply, field: &str, needle: &str) {
    let message = reply.assert_error(400, 1201);
    assert!(message.starts_with(field) && message.contains(needle), "{message:?} should name {field} and say {needle}");
}

#[tokio::test]
async fn a_selection_session_marks_frames_and_feeds_the_edit_task_of_its_account_only() {
    let (app, other) = two_accounts().await;
    let long = video(&app, "12").await;
    let init = |video_id: &str| json!({"video_id": video_id});
    let path = |op: &str| format!("/v1/videos/multi-elements/{op}");
    refused(&app.post(&path("init-selection"), &init(&long)).await, "video_id", "2-5 s or 7-10 s");

    let ten = video(&app, "10").await;
    let opened = app.post(&path("init-selection"), &init(&ten)).await;
    let data = opened.assert_ok().clone();
    assert_eq!((data["status"].as_i64(), data["total_frame"].as_u64()), (Some(0), Some(240)), "{data}");
    let session = data["session_id"].as_str().unwrap_or_default().to_owned();
    let mark = |frame: u64| json!({"session_id": session, "frame_index": frame, "points": [{"x": 0.1, "y": 0.2}]});

    refused(&app.post(&path("add-selection"), &mark(240)).await, "frame_index", "240 frames");
    refused(&app.post_as(&other, &path("add-selection"), &mark(1)).await, "session_id", "does not exist");
    let preview = json!({"session_id": session});
    refused(&app.post(&path("preview-selection"), &preview).await, "session_id", "add-selection first");
    for frame in 0..10 {
        let added = app.post(&path("add-selection"), &mark(frame * 20)).await;
        let masks = &added.assert_ok()["res"]["rle_mask_list"];
        assert_eq!(masks.as_array().map(Vec::len), Some(1), "{masks}");
    }
    refused(&app.post(&path("add-selection"), &mark(239)).await, "frame_index", "at most 10 frames");

    let shown = app.post(&path("preview-selection"), &preview).await.assert_ok().clone();
    let preview_url = shown["res"]["video"].as_str().unwrap_or_default();
    let response = app.http.get(preview_url).send().await.expect("preview downloads");
    assert_eq!(response.status(), 200);

    let edit = |mode: &str, duration: &str| json!({"session_id": session, "edit_mode": mode, "prompt": "remove it from <<<video_1>>>", "duration": duration});
    refused(&app.post("/v1/videos/multi-elements", &edit("removal", "5")).await, "duration", "\"10\"");
    refused(
        &app.post_as(&other, "/v1/videos/multi-elements", &edit("removal", "10")).await,
        "session_id",
        "does not exist",
    );
    let done = finished(
        &app,
        "/v1/videos/multi-elements",
        app.post("/v1/videos/multi-elements", &edit("removal", "10")).await,
    )
    .await;
    assert_eq!(done["task_result"]["videos"][0]["session_id"], session.as_str(), "{done}");
    assert_eq!(done["task_info"]["parent_video"]["id"], ten.as_str());

    app.post(&path("clear-selection"), &preview).await.assert_ok();
    refused(&app.post("/v1/videos/multi-elements", &edit("removal", "10")).await, "session_id", "needs a selection");
    app.advance(25 * 3600);
    refused(&app.post(&path("clear-selection"), &preview).await, "session_id", "expired");
}

#[tokio::test]
async fn a_custom_voice_speaks_for_its_account_until_deleted() {
    let (app, other) = two_accounts().await;
    let sample = video(&app, "5").await;
    let made = app.post("/v1/general/custom-voices", &json!({"voice_name": "Narrator", "video_id": sample})).await;
    let done = finished(&app, "/v1/general/custom-voices", made).await;
    let voice = done["task_result"]["voices"][0].clone();
    assert_eq!((voice["voice_name"].as_str(), voice["owned_by"].as_str()), (Some("Narrator"), Some("creator")));
    let voice_id = voice["voice_id"].as_str().unwrap_or_default().to_owned();

    let lip_sync = json!({"input": {"video_id": sample, "mode": "text2video", "text": "hi", "voice_id": voice_id}});
    let tts = json!({"text": "Good evening.", "voice_id": voice_id, "voice_language": "en"});
    let image2video = json!({
        "image": "https://example.com/a.png", "model_name": "kling-v2-6", "mode": "pro", "sound": "on",
        "voice_list": [{"voice_id": voice_id}], "prompt": "<<<voice_1>>> says hello",
    });
    app.post("/v1/videos/lip-sync", &lip_sync).await.assert_ok();
    let speech = app.post("/v1/audio/tts", &tts).await.assert_ok().clone();
    assert_eq!(speech["task_status"], "succeed", "TTS answers the finished task");
    assert_eq!(
        speech["task_result"]["audios"][0]["duration"], "1.008",
        "13 characters at 15 a second, in 24 ms frames"
    );
    app.post("/v1/videos/image2video", &image2video).await.assert_ok();

    refused(&app.post_as(&other, "/v1/audio/tts", &tts).await, "voice_id", "does not exist");
    refused(&app.post_as(&other, "/v1/videos/image2video", &image2video).await, "voice_list", "does not exist");
    refused(
        &app.post_as(&other, "/v1/general/delete-voices", &json!({"voice_id": voice_id})).await,
        "voice_id",
        "does not exist",
    );
    refused(&app.post("/v1/general/delete-voices", &json!({"voice_id": "ai_shatang"})).await, "voice_id", "preset");

    app.post("/v1/general/delete-voices", &json!({"voice_id": voice_id})).await.assert_ok();
    app.post("/v1/general/delete-voices", &json!({"voice_id": voice_id})).await.assert_ok();
    refused(&app.post("/v1/audio/tts", &tts).await, "voice_id", "does not exist");
    refused(&app.post("/v1/videos/lip-sync", &lip_sync).await, "input.voice_id", "Voice id not found");

    let listed = app.get("/v1/general/custom-voices?pageSize=10").await;
    assert_eq!(listed.assert_ok()[0]["task_result"]["voices"][0]["voice_id"], voice_id.as_str());
    let presets = app.get("/v1/general/presets-voices?pageNum=2&pageSize=5").await;
    let page = presets.assert_ok().as_array().cloned().unwrap_or_default();
    assert_eq!(page.len(), 5);
    assert_eq!(page[0]["task_result"]["voices"][0]["voice_id"], kling_api::voices::LIP_SYNC_VOICES[5]);
    assert_eq!(page[0]["task_result"]["voices"][0]["owned_by"], "kling");
}

#[tokio::test]
async fn a_custom_element_is_referable_by_its_account_until_deleted() {
    let (app, other) = two_accounts().await;
    let body = json!({
        "element_name": "Mascot", "element_description": "a fox mascot", "reference_type": "video_refer",
        "element_video_list": {"refer_videos": [{"video_url": "https://example.com/turn.mp4"}]},
    });
    let done = finished(
        &app,
        "/v1/general/advanced-custom-elements",
        app.post("/v1/general/advanced-custom-elements", &body).await,
    )
    .await;
    let element = done["task_result"]["elements"][0].clone();
    assert_eq!(element["reference_type"], "video_refer");
    let element_id = element["element_id"].as_u64().unwrap_or_default();
    assert!(element_id > u64::from(u32::MAX), "element ids are large integers: {element}");

    let omni = json!({"prompt": "<<<element_1>>> waves", "aspect_ratio": "16:9", "element_list": [{"element_id": element_id}]});
    app.post("/v1/videos/omni-video", &omni).await.assert_ok();
    refused(&app.post_as(&other, "/v1/videos/omni-video", &omni).await, "element_list", "does not exist");
    let with_preset =
        json!({"prompt": "<<<element_1>>> waves", "aspect_ratio": "16:9", "element_list": [{"element_id": 3}]});
    app.post_as(&other, "/v1/videos/omni-video", &with_preset).await.assert_ok();

    let delete = json!({"element_id": element_id});
    refused(&app.post_as(&other, "/v1/general/delete-elements", &delete).await, "element_id", "does not exist");
    app.post("/v1/general/delete-elements", &delete).await.assert_ok();
    refused(&app.post("/v1/videos/omni-video", &omni).await, "element_list", "does not exist");

    let presets = app.get("/v1/general/advanced-presets-elements?pageSize=100").await;
    let ids: Vec<u64> = presets
        .assert_ok()
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|t| t["task_result"]["elements"][0]["element_id"].as_u64())
        .collect();
    assert_eq!(ids, kling_api::references::PRESET_ELEMENTS.iter().map(|e| e.id).collect::<Vec<_>>());
}

#[tokio::test]
async fn audio_tasks_follow_their_inputs_and_feed_the_avatar() {
    let (app, other) = two_accounts().await;
    let sound = finished(
        &app,
        "/v1/audio/text-to-audio",
        app.post("/v1/audio/text-to-audio", &json!({"prompt": "rain", "duration": 3.5})).await,
    )
    .await;
    let audio = sound["task_result"]["audios"][0].clone();
    assert_eq!(
        (audio["duration_wav"].as_str(), audio["duration_mp3"].as_str()),
        (Some("3.500"), Some("3.504")),
        "{audio}"
    );
    let audio_id = audio["id"].as_str().unwrap_or_default().to_owned();

    let avatar = json!({"image": "https://example.com/face.png", "audio_id": audio_id});
    let done =
        finished(&app, "/v1/videos/avatar/image2video", app.post("/v1/videos/avatar/image2video", &avatar).await).await;
    assert_eq!(done["task_result"]["videos"][0]["duration"], "3.500", "the avatar speaks as long as its audio");
    refused(&app.post_as(&other, "/v1/videos/avatar/image2video", &avatar).await, "audio_id", "does not exist");
    let base = app.base.clone();
    let short =
        json!({"image": "https://example.com/face.png", "sound_file": format!("{base}/media/audios/1500ms/x.mp3")});
    refused(&app.post("/v1/videos/avatar/image2video", &short).await, "sound_file", "2 to 300 seconds");

    let long = format!("{base}/media/videos/25s/{}.mp4", uuid_like());
    let too_long = app.post("/v1/audio/video-to-audio", &json!({"video_url": long, "bgm_prompt": "piano"})).await;
    refused(&too_long, "video_url", "3 to 20 seconds");

    let short_video = video(&app, "5").await;
    let scored = finished(
        &app,
        "/v1/audio/video-to-audio",
        app.post("/v1/audio/video-to-audio", &json!({"video_id": short_video})).await,
    )
    .await;
    let result = &scored["task_result"];
    assert_eq!(
        (result["videos"][0]["duration"].as_str(), result["audios"][0]["duration_wav"].as_str()),
        (Some("5.000"), Some("5.000")),
        "{result}"
    );
    assert_eq!(scored["task_info"]["parent_video"]["id"], short_video.as_str());
    refused(
        &app.post_as(&other, "/v1/audio/video-to-audio", &json!({"video_id": short_video})).await,
        "video_id",
        "does not exist",
    );
}

#[tokio::test]
async fn effects_take_one_or_two_images_by_scene_and_unknown_scenes_follow_strictness() {
    let app = TestApp::spawn().await;
    let dual = json!({"effect_scene": "kiss_pro", "input": {"images": ["https://example.com/l.png", "https://example.com/r.png"], "duration": "10"}});
    let done = finished(&app, "/v1/videos/effects", app.post("/v1/videos/effects", &dual).await).await;
    assert_eq!(done["task_result"]["videos"][0]["duration"], "10.000", "input.duration sets the length");
    let unknown = json!({"effect_scene": "brand_new_scene", "input": {"image": "https://example.com/a.png"}});
    app.post("/v1/videos/effects", &unknown).await.assert_ok();

    let mut config = kling_mock::Config::for_tests();
    config.validation.strict_catalogues = true;
    let strict = TestApp::spawn_with(config).await;
    refused(&strict.post("/v1/videos/effects", &unknown).await, "effect_scene", "not an effect scene");
    strict.post("/v1/videos/effects", &dual).await.assert_ok();
}

#[tokio::test]
async fn image_recognize_answers_every_region_with_a_downloadable_mask() {
    let app = TestApp::spawn().await;
    let reply = app.post("/v1/videos/image-recognize", &json!({"image": "https://example.com/person.png"})).await;
    let images = reply.assert_ok()["task_result"]["images"].as_array().cloned().unwrap_or_default();
    let kinds: Vec<&str> = images.iter().filter_map(|i| i["type"].as_str()).collect();
    assert_eq!(kinds, kling_api::library::RECOGNITION_TYPES);
    for image in &images {
        let response = app.http.get(image["url"].as_str().unwrap_or_default()).send().await.expect("mask downloads");
        assert_eq!(response.status(), 200);
    }
}

fn uuid_like() -> &'static str {
    "00000000-0000-4000-8000-000000000000"
}
