//! The client against the in-process emulator: every method, every error class, retries,
//! token renewal under a driven clock, polling to both terminal states, downloads.

use std::sync::Arc;
use std::time::Duration;

use kling_api::requests::*;
use kling_api::{Dialect, EndpointId};
use kling_client::{Client, Config, Error, ManualClock, RetryPolicy, WaitOptions};
use kling_mock::config::{AuthClock, ClockConfig, DEV_ACCESS_KEY, DEV_SECRET_KEY};
use kling_mock::{App, Running};

/// One of the `Error::is_*` classifiers.
type Classifier = fn(&Error) -> bool;

const FAST: WaitOptions = WaitOptions { interval: Duration::from_millis(5), deadline: Duration::from_secs(10) };

fn quick_retries() -> RetryPolicy {
    RetryPolicy {
        max_attempts: 4,
        min_delay: Duration::from_millis(1),
        max_delay: Duration::from_millis(5),
        max_total: Duration::from_secs(5),
        jitter: true,
    }
}

async fn emulator(configure: impl FnOnce(&mut kling_mock::Config)) -> Running {
    let mut config = kling_mock::Config::for_tests();
    configure(&mut config);
    App::build(config).await.unwrap_or_else(|e| panic!("emulator: {e}")).spawn()
}

fn client_for(running: &Running) -> Client {
    let config = Config::new(&running.base_url, DEV_ACCESS_KEY, DEV_SECRET_KEY)
        .with_retry(quick_retries())
        .with_dialect(running.state.config.dialect);
    Client::new(config).unwrap_or_else(|e| panic!("client: {e}"))
}

async fn load(running: &Running, toml: &str) {
    let scenario = kling_mock::scenario::parse("<test>", toml).unwrap_or_else(|e| panic!("{e}"));
    running.state.scenarios.write().clear();
    running.state.activate(scenario);
}

/// Moves the emulator's clock an hour on every poll, so waiting never sleeps through
/// simulated time.
fn drive(running: &Running) -> impl FnMut(&kling_api::wire::Task) + '_ {
    move |_| running.clock().advance(Duration::from_secs(3600))
}

#[tokio::test]
async fn every_method_works_end_to_end() {
    // The API of the day before multi-image2video was retired, so its call is covered too.
    let day = kling_api::history::parse_day("2026-09-14").and_then(kling_api::history::Day::on);
    let running = emulator(|c| c.api_day = day.unwrap_or_else(|e| panic!("{e}"))).await;
    let client = client_for(&running);
    let t2v = client.text2video();
    let created =
        t2v.create(&Text2VideoRequest::new("a cat").external_task_id("mine-1")).await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(created.task_info.external_task_id.as_deref(), Some("mine-1"));
    assert_eq!(t2v.get(&created.task_id).await.map(|t| t.task_id).ok(), Some(created.task_id.clone()));
    assert_eq!(t2v.get_by_external_id("mine-1").await.map(|t| t.task_id).ok(), Some(created.task_id.clone()));
    assert_eq!(t2v.list(1, 10).await.map(|l| l.len()).ok(), Some(1));
    let done = t2v.wait(&created.task_id, FAST, drive(&running)).await.unwrap_or_else(|e| panic!("{e}"));
    let video = done.task_result.as_ref().map(|r| r.videos[0].clone()).unwrap_or_else(|| panic!("no result"));

    let mut bytes = Vec::new();
    let written = client.download(&video.url, &mut bytes).await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(written as usize, bytes.len());
    assert_eq!(&bytes[4..8], b"ftyp");
    let path = std::env::temp_dir().join(format!("kling-client-{}.mp4", std::process::id()));
    assert_eq!(client.download_to_file(&video.url, &path).await.ok(), Some(written));
    let _ = std::fs::remove_file(&path);

    let image = "https://example.com/a.png";
    client.image2video().create(&Image2VideoRequest::new(image)).await.unwrap_or_else(|e| panic!("i2v {e}"));
    let multi = MultiImage2VideoRequest::new(vec![ImageItem { image: image.into() }], "friends");
    client.multi_image2video().create(&multi).await.unwrap_or_else(|e| panic!("multi {e}"));
    client
        .omni_video()
        .create(&OmniVideoRequest::new("a kite").aspect_ratio("1:1"))
        .await
        .unwrap_or_else(|e| panic!("omni {e}"));
    let motion = MotionControlRequest::new(image, "https://example.com/d.mp4", "image", "std");
    client.motion_control().create(&motion).await.unwrap_or_else(|e| panic!("motion {e}"));
    let extend = client.video_extend().create(&VideoExtendRequest::new(video.id.clone())).await;
    extend.unwrap_or_else(|e| panic!("extend {e}"));
    let input = LipSyncInput {
        video_id: Some(video.id.clone()),
        mode: "text2video".into(),
        text: Some("hello".into()),
        voice_id: Some("genshin_vindi2".into()),
        ..LipSyncInput::default()
    };
    client.lip_sync().create(&LipSyncRequest::new(input)).await.unwrap_or_else(|e| panic!("lip-sync {e}"));
    let session = client.identify_face(&IdentifyFaceRequest::default().video_id(video.id.clone())).await;
    let session = session.unwrap_or_else(|e| panic!("identify {e}"));
    let face = FaceChoose {
        face_id: session.face_data[0].face_id.clone(),
        sound_file: Some("https://example.com/a.mp3".into()),
        sound_start_time: 0,
        sound_end_time: 3000,
        sound_insert_time: 0,
        ..FaceChoose::default()
    };
    let advanced = AdvancedLipSyncRequest::new(session.session_id, vec![face]);
    client.advanced_lip_sync().create(&advanced).await.unwrap_or_else(|e| panic!("advanced {e}"));
    client
        .omni_image()
        .create(&OmniImageRequest::new("a fox").n(2u32))
        .await
        .unwrap_or_else(|e| panic!("omni-image {e}"));
    let subjects = vec![SubjectImage { subject_image: image.into() }];
    client
        .multi_image2image()
        .create(&MultiImage2ImageRequest::new(subjects))
        .await
        .unwrap_or_else(|e| panic!("mi2i {e}"));
    client
        .expand()
        .create(&ExpandRequest::new(image, 0.1, 0.1, 0.1, 0.1))
        .await
        .unwrap_or_else(|e| panic!("expand {e}"));
    client
        .virtual_try_on()
        .create(&VirtualTryOnRequest::new(image, image))
        .await
        .unwrap_or_else(|e| panic!("try-on {e}"));
    let avatar = AvatarRequest::new(image).sound_file("https://example.com/a.mp3");
    client.avatar().create(&avatar).await.unwrap_or_else(|e| panic!("avatar {e}"));
    let images = client
        .image_generations()
        .run(&ImageGenerationRequest::new("a lighthouse").n(3u32), FAST, drive(&running))
        .await;
    assert_eq!(images.ok().and_then(|t| t.task_result).map(|r| r.images.len()), Some(3));
    let angles = client.ai_multi_shot().run(&AiMultiShotRequest::new(image), FAST, drive(&running)).await;
    let sets = angles.ok().and_then(|t| t.task_result).map(|r| r.images).unwrap_or_default();
    assert_eq!(sets.len(), 3);
    assert!(sets.iter().all(|s| s.url.is_empty() && s.url_1.is_some() && s.url_2.is_some() && s.url_3.is_some()));
}

#[tokio::test]
async fn errors_classify_by_the_official_table_and_the_seed_codes() {
    for dialect in [Dialect::Official, Dialect::Seed] {
        let running = emulator(|c| c.dialect = dialect).await;
        let client = client_for(&running);
        let t2v = client.text2video();
        let cases: [(&str, Classifier); 8] = [
            ("insufficient_balance", Error::is_balance),
            ("content_moderation", Error::is_moderation),
            ("invalid_parameter", Error::is_invalid_request),
            ("no_permission", Error::is_permission),
            ("concurrency_limit", Error::is_concurrency_limit),
            ("rate_limited", Error::is_rate_limited),
            ("internal_error", Error::is_server_error),
            ("auth_expired", Error::is_auth),
        ];
        for (fault, check) in cases {
            load(&running, &format!("[[rule]]\non = \"any\"\nreject = \"{fault}\"\n")).await;
            let error =
                t2v.create(&Text2VideoRequest::new("a")).await.err().unwrap_or_else(|| panic!("{fault} accepted"));
            assert!(check(&error), "{dialect:?} {fault}: {error}");
            assert!(error.api().is_some_and(|e| e.request_id.is_some()));
        }
        running.state.scenarios.write().clear();
        let missing = t2v.get("866889456698785798").await.err().unwrap_or_else(|| panic!("found a ghost"));
        assert!(missing.is_not_found(), "{missing}");
        let wrong_key = Client::new(Config::new(&running.base_url, DEV_ACCESS_KEY, "wrong").with_dialect(dialect));
        let error = wrong_key.unwrap_or_else(|e| panic!("{e}")).text2video().list(1, 1).await.err();
        assert!(error.is_some_and(|e| e.is_auth()));
    }
}

#[tokio::test]
async fn a_5001_storm_is_retried_and_1201_is_not() {
    let running = emulator(|_| {}).await;
    let client = client_for(&running);
    load(&running, "[[rule]]\nfirst = 3\nreject = \"service_unavailable\"\n").await;
    client.text2video().create(&Text2VideoRequest::new("a")).await.unwrap_or_else(|e| panic!("not retried: {e}"));
    assert_eq!(running.state.scenarios.read().status()[0].rules[0].fired, 3);

    load(&running, "[[rule]]\nreject = \"invalid_parameter\"\n").await;
    let error = client.text2video().create(&Text2VideoRequest::new("a")).await.err();
    assert!(error.is_some_and(|e| e.is_invalid_request()));
    assert_eq!(running.state.scenarios.read().status()[0].rules[0].matched, 1, "1201 is not retried");

    load(&running, "[[rule]]\nreject = \"service_unavailable\"\n").await;
    let error = client.text2video().create(&Text2VideoRequest::new("a")).await.err();
    assert!(error.is_some_and(|e| e.is_server_error()));
    assert_eq!(running.state.scenarios.read().status()[0].rules[0].matched, 4, "bounded by max_attempts");
}

#[tokio::test]
async fn a_lost_answer_is_recovered_through_the_external_id_and_never_duplicates() {
    let running = emulator(|_| {}).await;
    let client = client_for(&running);
    load(&running, "[[rule]]\nnth = 1\nconnection = \"reset\"\n").await;
    let created = client.text2video().create(&Text2VideoRequest::new("a").external_task_id("once")).await;
    let created = created.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(created.task_info.external_task_id.as_deref(), Some("once"));
    assert_eq!(running.state.engine.task_count(), 1, "found, not resubmitted");

    load(&running, "[[rule]]\nnth = 1\nbody = \"truncated\"\n").await;
    let error = client.text2video().create(&Text2VideoRequest::new("b")).await.err();
    assert!(error.is_some(), "without an external id the ambiguous failure is returned");
    assert_eq!(running.state.engine.task_count(), 2, "and nothing was sent twice");
}

#[tokio::test]
async fn tokens_are_renewed_before_they_expire_under_a_driven_clock() {
    let start_ms = 1_800_000_000_000;
    let running = emulator(|c| {
        c.clock = ClockConfig::Manual { start_ms };
        c.auth_clock = AuthClock::Simulated;
        c.jwt_leeway_s = 0;
    })
    .await;
    let clock = Arc::new(ManualClock::new(start_ms / 1000));
    let config = Config::new(&running.base_url, DEV_ACCESS_KEY, DEV_SECRET_KEY).with_retry(RetryPolicy::none());
    let client = Client::with_clock(config, clock.clone()).unwrap_or_else(|e| panic!("{e}"));
    for _ in 0..6 {
        client.text2video().list(1, 1).await.unwrap_or_else(|e| panic!("token refused: {e}"));
        clock.advance(31 * 60);
        running.clock().advance(Duration::from_secs(31 * 60));
    }
}

#[tokio::test]
async fn waiting_ends_in_failure_or_at_the_deadline() {
    let running = emulator(|_| {}).await;
    let client = client_for(&running);
    load(
        &running,
        "[[rule]]\nprompt = \"doomed\"\nfail = \"risk control\"\n[[rule]]\nprompt = \"stuck\"\nhold = true\n",
    )
    .await;
    let t2v = client.text2video();
    let error = t2v.run(&Text2VideoRequest::new("doomed"), FAST, drive(&running)).await.err();
    match error {
        Some(Error::TaskFailed { message, .. }) => assert_eq!(message, "risk control"),
        other => panic!("expected a failed task, got {other:?}"),
    }
    let short = WaitOptions { interval: Duration::from_millis(5), deadline: Duration::from_millis(50) };
    let error = t2v.run(&Text2VideoRequest::new("stuck"), short, drive(&running)).await.err();
    assert!(matches!(error, Some(Error::Deadline { ref status, .. }) if status == "processing"), "{error:?}");
    assert_eq!(EndpointId::Text2Video, <Text2VideoRequest as CreateRequest>::ENDPOINT);
}
