//! The endpoints beyond text and image to video: results downloaded and checked, and the
//! state that links calls (source videos, face sessions), per account.

use std::io::Cursor;

use kling_e2e::{Reply, TestApp, token};
use serde_json::{Value, json};

async fn finish(app: &TestApp, path: &str, reply: Reply) -> Value {
    let id = reply.assert_ok()["task_id"].as_str().unwrap_or_default().to_owned();
    app.advance(3600);
    let done = app.get(&format!("{path}/{id}")).await.assert_ok().clone();
    assert_eq!(done["task_status"], "succeed", "{done}");
    done
}

async fn download(app: &TestApp, url: &str, content_type: &str) -> Vec<u8> {
    let response = app.http.get(url).send().await.unwrap_or_else(|e| panic!("download {url}: {e}"));
    assert_eq!(response.status(), 200, "{url}");
    assert_eq!(response.headers().get("content-type").and_then(|v| v.to_str().ok()), Some(content_type));
    response.bytes().await.map(|b| b.to_vec()).unwrap_or_default()
}

async fn mp4_seconds(app: &TestApp, url: &str) -> f64 {
    let bytes = download(app, url, "video/mp4").await;
    let reader =
        mp4::Mp4Reader::read_header(Cursor::new(&bytes), bytes.len() as u64).unwrap_or_else(|e| panic!("{url}: {e}"));
    reader.duration().as_secs_f64()
}

fn seconds(text: &Value) -> f64 {
    text.as_str().and_then(|s| s.parse().ok()).unwrap_or(-1.0)
}

async fn video_of(app: &TestApp, path: &str, body: Value) -> (String, f64) {
    let done = finish(app, path, app.post(path, &body).await).await;
    let video = &done["task_result"]["videos"][0];
    (video["id"].as_str().unwrap_or_default().to_owned(), seconds(&video["duration"]))
}

#[tokio::test]
async fn image_generation_delivers_n_downloadable_images() {
    let app = TestApp::spawn().await;
    let reply = app
        .post("/v1/images/generations", &json!({"prompt": "a lighthouse", "n": 3, "watermark_info": {"enabled": true}}))
        .await;
    let done = finish(&app, "/v1/images/generations", reply).await;
    let images = done["task_result"]["images"].as_array().cloned().unwrap_or_default();
    assert_eq!(images.iter().map(|i| i["index"].as_u64().unwrap_or(99)).collect::<Vec<_>>(), [0, 1, 2]);
    assert_eq!(done["final_unit_deduction"], "24");
    for image in &images {
        for key in ["url", "watermark_url"] {
            let bytes = download(&app, image[key].as_str().unwrap_or_default(), "image/png").await;
            assert!(bytes.starts_with(b"\x89PNG\r\n\x1a\n"), "{key} is a PNG");
        }
    }
}

#[tokio::test]
async fn image_tasks_hold_n_concurrency_slots() {
    let mut config = kling_mock::Config::for_tests();
    config.limits.default.image.concurrency = Some(4);
    let app = TestApp::spawn_with(config).await;
    app.post("/v1/images/generations", &json!({"prompt": "a", "n": 3})).await.assert_ok();
    app.post("/v1/images/generations", &json!({"prompt": "b", "n": 2})).await.assert_error(429, 1303);
    app.post("/v1/images/omni-image", &json!({"prompt": "c", "n": 1})).await.assert_ok();
    app.advance(3600);
    app.post("/v1/images/generations", &json!({"prompt": "d", "n": 4})).await.assert_ok();
}

#[tokio::test]
async fn omni_image_answers_single_or_series() {
    let app = TestApp::spawn().await;
    let single = finish(
        &app,
        "/v1/images/omni-image",
        app.post("/v1/images/omni-image", &json!({"prompt": "a fox", "n": 2})).await,
    )
    .await;
    assert_eq!(single["task_result"]["result_type"], "single");
    assert_eq!(single["task_result"]["images"].as_array().map(Vec::len), Some(2));
    let body = json!({"prompt": "a fox in four seasons", "result_type": "series", "series_amount": 3});
    let series = finish(&app, "/v1/images/omni-image", app.post("/v1/images/omni-image", &body).await).await;
    assert_eq!(series["task_result"]["result_type"], "series");
    assert_eq!(series["task_result"]["series_images"].as_array().map(Vec::len), Some(3));
    assert!(series["task_result"].get("images").is_none());
}

#[tokio::test]
async fn a_video_extends_and_its_extension_extends_again() {
    let app = TestApp::spawn_before_retirement().await;
    let (source, source_len) = video_of(&app, "/v1/videos/text2video", json!({"prompt": "a road trip"})).await;
    let extend = |video_id: String| json!({"video_id": video_id, "prompt": "keep driving"});
    let first =
        finish(&app, "/v1/videos/video-extend", app.post("/v1/videos/video-extend", &extend(source.clone())).await)
            .await;
    assert_eq!(first["task_info"]["parent_video"]["id"], source.as_str());
    let first_video = &first["task_result"]["videos"][0];
    let first_len = seconds(&first_video["duration"]);
    assert!((4.0..=5.0).contains(&(first_len - source_len)), "{source_len} -> {first_len}");
    let url = first_video["url"].as_str().unwrap_or_default().to_owned();
    assert!((mp4_seconds(&app, &url).await - first_len).abs() < 0.01, "the file is the whole extended video");

    let first_id = first_video["id"].as_str().unwrap_or_default().to_owned();
    let second =
        finish(&app, "/v1/videos/video-extend", app.post("/v1/videos/video-extend", &extend(first_id)).await).await;
    let second_len = seconds(&second["task_result"]["videos"][0]["duration"]);
    assert!((4.0..=5.0).contains(&(second_len - first_len)), "{first_len} -> {second_len}");
}

#[tokio::test]
async fn extension_needs_a_finished_recent_v1_video_of_the_same_account() {
    let mut config = kling_e2e::config_before_retirement();
    config.accounts.push(kling_mock::AccountKeys::new("other-ak", "other-sk"));
    let app = TestApp::spawn_with(config).await;
    let (v1_video, _) = video_of(&app, "/v1/videos/text2video", json!({"prompt": "a"})).await;
    let (v26_video, _) =
        video_of(&app, "/v1/videos/text2video", json!({"prompt": "b", "model_name": "kling-v2-6"})).await;
    let refuse = |reply: Reply, needle: &str| {
        let message = reply.assert_error(400, 1201).to_owned();
        assert!(message.starts_with("video_id:") && message.contains(needle), "{message}");
    };
    refuse(app.post("/v1/videos/video-extend", &json!({"video_id": v26_video})).await, "kling-v1");
    refuse(app.post("/v1/videos/video-extend", &json!({"video_id": "no-such-video"})).await, "does not exist");
    let other = token("other-ak", "other-sk");
    refuse(app.post_as(&other, "/v1/videos/video-extend", &json!({"video_id": v1_video})).await, "does not exist");
    app.advance(31 * 24 * 3600);
    refuse(app.post("/v1/videos/video-extend", &json!({"video_id": v1_video})).await, "30 days");
}

#[tokio::test]
async fn legacy_lip_sync_follows_its_source_video() {
    let app = TestApp::spawn().await;
    let (video_id, source_len) =
        video_of(&app, "/v1/videos/text2video", json!({"prompt": "a speaker", "duration": "10"})).await;
    let body =
        json!({"input": {"video_id": video_id, "mode": "text2video", "text": "hello", "voice_id": "genshin_vindi2"}});
    let done = finish(&app, "/v1/videos/lip-sync", app.post("/v1/videos/lip-sync", &body).await).await;
    assert_eq!(done["task_info"]["parent_video"]["id"], video_id.as_str());
    assert_eq!(seconds(&done["task_result"]["videos"][0]["duration"]), source_len);

    let url = done["task_result"]["videos"][0]["url"].as_str().unwrap_or_default().to_owned();
    let by_url = json!({"input": {"video_url": url, "mode": "audio2video", "audio_type": "url", "audio_url": "https://example.com/a.mp3"}});
    let from_url = finish(&app, "/v1/videos/lip-sync", app.post("/v1/videos/lip-sync", &by_url).await).await;
    assert_eq!(
        seconds(&from_url["task_result"]["videos"][0]["duration"]),
        source_len,
        "length read from the emulator URL"
    );
    assert!(from_url["task_info"].get("parent_video").is_none());

    let unknown_voice =
        json!({"input": {"video_id": video_id, "mode": "text2video", "text": "hi", "voice_id": "nobody"}});
    assert!(
        app.post("/v1/videos/lip-sync", &unknown_voice).await.assert_error(400, 1201).contains("Voice id not found")
    );
}

#[tokio::test]
async fn advanced_lip_sync_needs_a_live_session_of_the_account_and_a_valid_face_timing() {
    let mut config = kling_mock::Config::for_tests();
    config.accounts.push(kling_mock::AccountKeys::new("other-ak", "other-sk"));
    let app = TestApp::spawn_with(config).await;
    let sources = app.sources().await;
    let face = |session: &str, face: &str, insert: i64, start: i64, end: i64| {
        json!({"session_id": session, "face_choose": [{"face_id": face, "sound_file": "https://example.com/a.mp3",
            "sound_start_time": start, "sound_end_time": end, "sound_insert_time": insert}]})
    };
    let (session, face_id) = (sources.get("$session_id"), sources.get("$face_id"));
    let refuse = |reply: Reply, field: &str| {
        let message = reply.assert_error(400, 1201).to_owned();
        assert!(message.starts_with(field), "{message}");
    };
    let other = token("other-ak", "other-sk");
    refuse(
        app.post_as(&other, "/v1/videos/advanced-lip-sync", &face(session, face_id, 0, 0, 3000)).await,
        "session_id",
    );
    refuse(app.post("/v1/videos/advanced-lip-sync", &face(session, "not-a-face", 0, 0, 3000)).await, "face_choose[0]");
    refuse(app.post("/v1/videos/advanced-lip-sync", &face(session, face_id, 5000, 0, 3000)).await, "face_choose[0]");
    refuse(app.post("/v1/videos/advanced-lip-sync", &face(session, face_id, 3500, 0, 3000)).await, "face_choose[0]");

    let done = finish(
        &app,
        "/v1/videos/advanced-lip-sync",
        app.post("/v1/videos/advanced-lip-sync", &face(session, face_id, 1000, 0, 3000)).await,
    )
    .await;
    assert_eq!(done["task_info"]["parent_video"]["id"], sources.get("$video_id"));
    let url = done["task_result"]["videos"][0]["url"].as_str().unwrap_or_default().to_owned();
    assert!((mp4_seconds(&app, &url).await - 5.0).abs() < 0.2);

    app.advance(25 * 3600);
    refuse(app.post("/v1/videos/advanced-lip-sync", &face(session, face_id, 1000, 0, 3000)).await, "session_id");
}

/// The API of the day before multi-image2video was retired (2026-09-15).
fn before_multi_image_retired() -> kling_mock::Config {
    let mut config = kling_mock::Config::for_tests();
    config.api_day = kling_api::history::Day::on(time::macros::date!(2026 - 09 - 14)).unwrap_or_else(|e| panic!("{e}"));
    config
}

#[tokio::test]
async fn motion_control_and_multi_image_and_omni_video_run_end_to_end() {
    let app = TestApp::spawn_with(before_multi_image_retired()).await;
    let (_, ten) = video_of(&app, "/v1/videos/text2video", json!({"prompt": "a dance", "duration": "10"})).await;
    let listed = app.get("/v1/videos/text2video").await.assert_ok().clone();
    let dance_url = listed[0]["task_result"]["videos"][0]["url"].as_str().unwrap_or_default().to_owned();
    let motion = json!({"image_url": "https://example.com/me.png", "video_url": dance_url, "character_orientation": "image", "mode": "pro"});
    let done = finish(&app, "/v1/videos/motion-control", app.post("/v1/videos/motion-control", &motion).await).await;
    assert_eq!(seconds(&done["task_result"]["videos"][0]["duration"]), ten, "the output follows the motion video");

    let multi = json!({"image_list": [{"image": "https://example.com/a.png"}, {"image": "https://example.com/b.png"}], "prompt": "friends", "duration": "10", "image_tail": "ignored"});
    let done =
        finish(&app, "/v1/videos/multi-image2video", app.post("/v1/videos/multi-image2video", &multi).await).await;
    assert_eq!(done["final_unit_deduction"], "3", "unpublished: 0.3 a second for 10 s");

    let omni = json!({"model_name": "kling-v3-omni", "prompt": "a kite", "aspect_ratio": "1:1", "duration": "7"});
    let done = finish(&app, "/v1/videos/omni-video", app.post("/v1/videos/omni-video", &omni).await).await;
    let url = done["task_result"]["videos"][0]["url"].as_str().unwrap_or_default().to_owned();
    assert!((mp4_seconds(&app, &url).await - 7.0).abs() < 0.2);
}

#[tokio::test]
async fn the_retired_answer_for_multi_image2video_is_a_scenario() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../scenarios/retired-multi-image2video.toml");
    let mut config = before_multi_image_retired();
    config.scenarios = vec![kling_mock::scenario::load(&path).unwrap_or_else(|e| panic!("{e}"))];
    let app = TestApp::spawn_with(config).await;
    let body = json!({"image_list": [{"image": "https://example.com/a.png"}], "prompt": "friends"});
    assert_eq!(
        app.post("/v1/videos/multi-image2video", &body).await.assert_error(400, 1201),
        "This API is no longer available"
    );
    app.post("/v1/videos/text2video", &json!({"prompt": "still fine"})).await.assert_ok();
}

#[tokio::test]
async fn seed_paths_and_fields_reach_the_official_functions() {
    let mut config = kling_e2e::config_before_retirement();
    config.dialect = kling_api::Dialect::Seed;
    let app = TestApp::spawn_with(config).await;
    let (video_id, _) = video_of(&app, "/v1/videos/text2video", json!({"prompt": "a"})).await;
    let extended = app.post("/v1/videos/extend", &json!({"video_id": video_id})).await;
    let id = extended.assert_ok()["task_id"].as_str().unwrap_or_default().to_owned();
    app.get(&format!("/v1/videos/video-extend/{id}")).await.assert_ok();
    let motion = json!({"image_url": "https://example.com/me.png", "video_url": "https://example.com/d.mp4", "character_orientation": "video", "mode": "std"});
    app.post("/v1/videos/motion/generation", &motion).await.assert_ok();

    let mut edit = json!({"prompt": "swap the sky", "image": "$image:png:640x360", "mask_image": "$image:png:640x360"});
    kling_api::samples::materialize(&mut edit);
    app.post("/v1/images/omni-image", &edit).await.assert_ok();
    let mut mismatched =
        json!({"prompt": "swap the sky", "image": "$image:png:640x360", "mask_image": "$image:png:800x450"});
    kling_api::samples::materialize(&mut mismatched);
    assert!(app.post("/v1/images/omni-image", &mismatched).await.assert_error(400, 1003).starts_with("mask_image"));
}

#[tokio::test]
async fn seed_fields_in_the_official_dialect_are_ignored_with_a_hint() {
    let app = TestApp::spawn().await;
    let reply =
        app.post("/v1/images/omni-image", &json!({"prompt": "swap the sky", "mask_image": "not even an image"})).await;
    reply.assert_ok();
    let hint = reply.headers.get("x-kling-mock-hint").and_then(|v| v.to_str().ok()).unwrap_or_default();
    assert!(hint.contains("mask_image"), "{hint:?}");
    let plain = app.post("/v1/images/omni-image", &json!({"prompt": "a fox"})).await;
    assert!(plain.headers.get("x-kling-mock-hint").is_none());
}

#[tokio::test]
async fn every_task_endpoint_delivers_results_that_download() {
    let app = TestApp::spawn().await;
    let sources = app.sources().await;
    let mut checked = 0;
    for spec in kling_api::history::Day::latest()
        .offered()
        .filter(|e| e.output != kling_api::endpoints::Output::Synchronous && e.is_legacy())
    {
        let mut body: Value = serde_json::from_str(spec.base).unwrap_or(Value::Null);
        sources.fill(&mut body);
        let reply = app.post(spec.path, &body).await;
        let done = if spec.output.is_queryable() {
            finish(&app, spec.path, reply).await
        } else {
            let done = reply.assert_ok().clone();
            assert_eq!(done["task_status"], "succeed", "{}: answered finished", spec.name);
            done
        };
        let result = &done["task_result"];
        for audio in result["audios"].as_array().into_iter().flatten() {
            for (url, duration) in [("url", "duration"), ("url_mp3", "duration_mp3")] {
                if let Some(url) = audio[url].as_str() {
                    let bytes = download(&app, url, "audio/mpeg").await;
                    let length = mp3_duration::from_read(&mut Cursor::new(bytes)).map(|d| d.as_secs_f64()).ok();
                    assert!(
                        length.is_some_and(|l| (l - seconds(&audio[duration])).abs() < 0.01),
                        "{}: mp3 file and task disagree ({length:?} vs {})",
                        spec.name,
                        audio[duration]
                    );
                    checked += 1;
                }
            }
            if let Some(url) = audio["url_wav"].as_str() {
                let bytes = download(&app, url, "audio/wav").await;
                let reader = hound::WavReader::new(Cursor::new(bytes)).unwrap_or_else(|e| panic!("{url}: {e}"));
                let length = f64::from(reader.duration()) / f64::from(reader.spec().sample_rate);
                assert!(
                    (length - seconds(&audio["duration_wav"])).abs() < 0.01,
                    "{}: wav and task disagree",
                    spec.name
                );
                checked += 1;
            }
        }
        for voice in result["voices"].as_array().into_iter().flatten() {
            download(&app, voice["trial_url"].as_str().unwrap_or_default(), "audio/mpeg").await;
            checked += 1;
        }
        if !spec.output.is_queryable() {
            continue;
        }

        for video in result["videos"].as_array().into_iter().flatten() {
            let length = mp4_seconds(&app, video["url"].as_str().unwrap_or_default()).await;
            assert!((length - seconds(&video["duration"])).abs() < 0.01, "{}: file and task disagree", spec.name);
            checked += 1;
        }
        for key in ["images", "series_images"] {
            for image in result[key].as_array().into_iter().flatten() {
                // An image, or (ai-multi-shot) a set of three angles.
                let urls: Vec<&str> =
                    ["url", "url_1", "url_2", "url_3"].iter().filter_map(|k| image[*k].as_str()).collect();
                assert!(!urls.is_empty(), "{}: an image without a URL: {image}", spec.name);
                for url in urls {
                    let bytes = download(&app, url, "image/png").await;
                    assert!(bytes.starts_with(b"\x89PNG\r\n\x1a\n"), "{}: not a PNG", spec.name);
                    checked += 1;
                }
            }
        }
        let listed = app.get(&format!("{}?pageSize=1", spec.path)).await;
        assert_eq!(listed.assert_ok()[0]["task_id"], done["task_id"], "{} lists its task", spec.name);
    }
    assert!(checked >= 10, "only {checked} results checked");
}

#[tokio::test]
async fn ai_multi_shot_answers_three_sets_of_three_angles_for_twenty_image_units() {
    let app = TestApp::spawn().await;
    let path = "/v1/general/ai-multi-shot";
    let body =
        json!({"element_frontal_image": "https://example.com/front.png", "external_task_id": "", "callback_url": ""});
    let done = finish(&app, path, app.post(path, &body).await).await;
    let sets = done["task_result"]["images"].as_array().cloned().unwrap_or_default();
    assert_eq!(sets.iter().map(|s| s["index"].as_u64()).collect::<Vec<_>>(), [Some(0), Some(1), Some(2)]);
    let mut urls = std::collections::HashSet::new();
    for set in &sets {
        assert!(set.get("url").is_none(), "{set}");
        for key in ["url_1", "url_2", "url_3"] {
            let bytes = download(&app, set[key].as_str().unwrap_or_default(), "image/png").await;
            let size = imagesize::blob_size(&bytes).unwrap_or_else(|e| panic!("{key}: {e}"));
            assert!(bytes.starts_with(b"\x89PNG\r\n\x1a\n") && size.width > 0 && size.height > 0, "{key}");
            urls.insert(set[key].clone());
        }
    }
    assert_eq!(urls.len(), 9, "nine files");
    assert_eq!(done["final_unit_deduction"], "20", "image price page: 20 image units a call");
    let refused = app.post(path, &json!({"element_frontal_image": "not an image ###"})).await;
    assert!(refused.assert_error(400, 1201).starts_with("element_frontal_image"));
    app.post(path, &json!({})).await.assert_error(400, 1201);
}

#[tokio::test]
async fn both_delete_paths_remove_from_one_element_store() {
    let app = TestApp::spawn().await;
    let sources = app.sources().await;
    let element_id = sources.get("$element_id");
    let deleted = app.post("/v1/general/delete-advanced-elements", &json!({"element_id": element_id})).await;
    let data = deleted.assert_ok();
    assert_eq!(data["task_status"], "succeed");
    assert!(data["task_id"].as_str().is_some_and(|id| id.parse::<u64>().is_ok()), "{data}");
    // Gone from the one store: a video can no longer name it.
    let uses = json!({"model_name": "kling-v3", "image": "https://example.com/a.png",
        "element_list": [{"element_id": element_id.parse::<u64>().unwrap_or_default()}]});
    assert!(app.post("/v1/videos/image2video", &uses).await.assert_error(400, 1201).starts_with("element_list"));
    // A preset element cannot be deleted on either path.
    for path in ["/v1/general/delete-advanced-elements", "/v1/general/delete-elements"] {
        let preset = kling_api::references::PRESET_ELEMENTS[0].id;
        app.post(path, &json!({"element_id": preset.to_string()})).await.assert_error(400, 1201);
    }
}
