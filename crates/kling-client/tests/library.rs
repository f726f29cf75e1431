//! The client on the library and editing endpoints against the in-process emulator:
//! custom voices and elements from creation to deletion, selection sessions feeding a
//! multi-elements edit, audio, effects, image recognition, presets, and which
//! synchronous calls are resent after a lost answer.

mod common;

use common::{FAST, emulator, token_client};

use std::time::Duration;

use kling_api::requests::*;
use kling_api::wire::{Task, TaskStatus, Video};
use kling_client::{Client, Error};
use kling_mock::Running;

const IMAGE: &str = "https://example.com/a.png";

/// Moves the emulator's clock an hour on every poll.
fn drive(running: &Running) -> impl FnMut(&Task) + '_ {
    move |_| running.clock().advance(Duration::from_secs(3600))
}

fn ok<T>(what: &str, result: Result<T, Error>) -> T {
    result.unwrap_or_else(|e| panic!("{what}: {e}"))
}

fn rejected<T: std::fmt::Debug>(what: &str, result: Result<T, Error>) -> Error {
    let error = result.err().unwrap_or_else(|| panic!("{what} was accepted"));
    assert!(error.is_invalid_request(), "{what}: {error}");
    error
}

/// A finished text2video video of `seconds`.
async fn source_video(client: &Client, running: &Running, seconds: &str) -> Video {
    let request = Text2VideoRequest::new("source").model_name("kling-v3").duration(seconds);
    let task = ok("text2video", client.text2video().run(&request, FAST, drive(running)).await);
    task.task_result.map(|r| r.videos[0].clone()).unwrap_or_else(|| panic!("no video"))
}

async fn download(client: &Client, url: &str) -> Vec<u8> {
    let mut bytes = Vec::new();
    ok(url, client.download(url, &mut bytes).await);
    bytes
}

#[tokio::test]
async fn a_custom_voice_speaks_through_tts_until_it_is_deleted() {
    let running = emulator().await;
    let client = token_client(&running, 3);
    let sample = source_video(&client, &running, "5").await;
    let request = CustomVoiceRequest::new("Narrator").video_id(sample.id);
    let made = ok("custom voice", client.custom_voices().run(&request, FAST, drive(&running)).await);
    let voice = made.task_result.map(|r| r.voices[0].clone()).unwrap_or_else(|| panic!("no voice"));
    assert_eq!((voice.voice_name.as_str(), voice.owned_by.as_str()), ("Narrator", "creator"));
    let listed = ok("list", client.custom_voices().list(1, 10).await);
    assert_eq!(listed[0].task_result.as_ref().map(|r| r.voices[0].voice_id.clone()), Some(voice.voice_id.clone()));

    let tts = TtsRequest::new("Good evening.", voice.voice_id.clone()).voice_language("en");
    let speech = ok("tts", client.tts(&tts).await);
    assert_eq!(speech.task_status, TaskStatus::Succeed, "TTS answers the finished task");
    let audio = speech.task_result.map(|r| r.audios[0].clone()).unwrap_or_else(|| panic!("no audio"));
    assert_eq!(audio.duration.as_deref(), Some("1.008"), "13 characters at 15 a second, in 24 ms frames");
    let mp3 = download(&client, audio.url.as_deref().unwrap_or_default()).await;
    assert_eq!((mp3.len() % 96, mp3.len() / 96, &mp3[..2]), (0, 42, &[0xff, 0xfb][..]), "42 silent MP3 frames");

    let deleted = ok("delete", client.delete_voice(&DeleteVoiceRequest::new(voice.voice_id.clone())).await);
    assert_eq!((deleted.voice_id.as_str(), deleted.status.as_str()), (voice.voice_id.as_str(), "deleted"));
    ok("delete again", client.delete_voice(&DeleteVoiceRequest::new(voice.voice_id.clone())).await);
    let error = rejected("tts in a deleted voice", client.tts(&tts).await);
    assert!(error.to_string().contains("does not exist"), "{error}");
    rejected("deleting a preset", client.delete_voice(&DeleteVoiceRequest::new("ai_shatang")).await);
}

#[tokio::test]
async fn a_custom_element_appears_in_omni_video_until_it_is_deleted() {
    let running = emulator().await;
    let client = token_client(&running, 3);
    let views = ElementImageList {
        frontal_image: IMAGE.into(),
        refer_images: vec![ReferImage { image_url: "https://example.com/back.png".into() }],
    };
    let request = CustomElementRequest::new("Mascot", "the shop's fox mascot", "image_refer")
        .element_image_list(views)
        .element_voice_id("ai_kaiya")
        .tag_list(vec![Tag { tag_id: "o_102".into() }]);
    let made = ok("custom element", client.custom_elements().run(&request, FAST, drive(&running)).await);
    let element = made.task_result.map(|r| r.elements[0].clone()).unwrap_or_else(|| panic!("no element"));
    assert_eq!((element.reference_type.as_str(), element.owned_by.as_str()), ("image_refer", "creator"));
    let element_id = i64::try_from(element.element_id).unwrap_or_else(|e| panic!("{e}"));

    let omni = OmniVideoRequest::new("<<<element_1>>> waves")
        .aspect_ratio("16:9")
        .element_list(vec![ElementRef { element_id }]);
    let video = ok("omni-video", client.omni_video().run(&omni, FAST, drive(&running)).await);
    assert_eq!(video.task_status, TaskStatus::Succeed);

    let delete = DeleteElementRequest::new(element.element_id.to_string());
    let deleted = ok("delete", client.delete_element(&delete).await);
    assert_eq!(deleted.task_status, "succeed");
    assert!(deleted.task_id.parse::<u64>().is_ok(), "{}", deleted.task_id);
    let error = rejected("omni-video with a deleted element", client.omni_video().create(&omni).await);
    assert!(error.to_string().contains("element_list"), "{error}");
}

#[tokio::test]
async fn a_selection_session_drives_a_multi_elements_edit_to_a_downloaded_video() {
    let running = emulator().await;
    let client = token_client(&running, 3);
    let source = source_video(&client, &running, "10").await;
    let session = ok("init", client.init_selection(&InitSelectionRequest::default().video_id(source.id.clone())).await);
    assert_eq!((session.status, session.total_frame, session.original_duration), (0, 240, 10_000));
    let id = session.session_id.clone();
    let point = |x: f64, y: f64| SelectionPoint { x, y };

    let preview = PreviewSelectionRequest::new(id.clone());
    rejected("preview before a selection", client.preview_selection(&preview).await);
    let added =
        ok("add", client.add_selection(&AddSelectionRequest::new(id.clone(), 0u64, vec![point(0.5, 0.5)])).await);
    assert_eq!((added.status, added.res.frame_index, added.res.rle_mask_list.len()), (0, Some(0), 1));
    assert_eq!(added.res.rle_mask_list[0].rle_mask.size, [720, 1280]);
    let two = vec![point(0.2, 0.3), point(0.7, 0.6)];
    let added = ok("add two", client.add_selection(&AddSelectionRequest::new(id.clone(), 120u64, two)).await);
    assert_eq!(added.res.rle_mask_list.len(), 2);
    let unmark = DeleteSelectionRequest::new(id.clone(), 120u64, vec![point(0.2, 0.3)]);
    assert_eq!(ok("delete", client.delete_selection(&unmark).await).res.rle_mask_list.len(), 1);
    rejected(
        "frame 240",
        client.add_selection(&AddSelectionRequest::new(id.clone(), 240u64, vec![point(0.5, 0.5)])).await,
    );

    let shown = ok("preview", client.preview_selection(&preview).await);
    let preview_video = download(&client, shown.res.video.as_deref().unwrap_or_default()).await;
    assert_eq!(&preview_video[4..8], b"ftyp");

    let edit = MultiElementsRequest::new(id.clone(), "swap", "swap the object in <<<video_1>>> for <<<image_1>>>")
        .image_list(vec![ImageItem { image: IMAGE.into() }])
        .duration("10");
    let done = ok("multi-elements", client.multi_elements().run(&edit, FAST, drive(&running)).await);
    let edited = done.task_result.map(|r| r.videos[0].clone()).unwrap_or_else(|| panic!("no video"));
    assert_eq!(edited.session_id.as_deref(), Some(id.as_str()));
    assert_eq!(done.task_info.parent_video.map(|v| v.id), Some(source.id));
    let mut file = Vec::new();
    assert_eq!(ok("download", client.download(&edited.url, &mut file).await) as usize, file.len());
    assert_eq!(&file[4..8], b"ftyp");

    let cleared = ok("clear", client.clear_selection(&ClearSelectionRequest::new(id.clone())).await);
    assert_eq!((cleared.status, cleared.res.rle_mask_list.len()), (0, 0));
    rejected("an edit with nothing selected", client.multi_elements().create(&edit).await);
}

#[tokio::test]
async fn audio_results_download_in_both_formats() {
    let running = emulator().await;
    let client = token_client(&running, 3);
    let sound = ok(
        "text-to-audio",
        client.text_to_audio().run(&TextToAudioRequest::new("rain on a tin roof", 3.5), FAST, drive(&running)).await,
    );
    let audio = sound.task_result.map(|r| r.audios[0].clone()).unwrap_or_else(|| panic!("no audio"));
    assert_eq!((audio.duration_wav.as_deref(), audio.duration_mp3.as_deref()), (Some("3.500"), Some("3.504")));
    let wav = download(&client, audio.url_wav.as_deref().unwrap_or_default()).await;
    assert_eq!((&wav[..4], &wav[8..12]), (&b"RIFF"[..], &b"WAVE"[..]));
    let mp3 = download(&client, audio.url_mp3.as_deref().unwrap_or_default()).await;
    assert_eq!(mp3.len(), 146 * 96, "3.504 s of 24 ms frames");
    rejected("two decimals", client.text_to_audio().create(&TextToAudioRequest::new("rain", 3.55)).await);

    let source = source_video(&client, &running, "5").await;
    let request = VideoToAudioRequest::default().video_id(source.id).bgm_prompt("calm piano");
    let scored = ok("video-to-audio", client.video_to_audio().run(&request, FAST, drive(&running)).await);
    let result = scored.task_result.unwrap_or_else(|| panic!("no result"));
    assert_eq!(
        (result.videos[0].duration.as_str(), result.audios[0].duration_wav.as_deref()),
        ("5.000", Some("5.000"))
    );
}

#[tokio::test]
async fn effects_animate_two_images_and_image_recognize_finds_every_region() {
    let running = emulator().await;
    let client = token_client(&running, 3);
    let dual =
        EffectsRequest::new("hug_pro", EffectInput::two_images(IMAGE, "https://example.com/b.png").duration("10"));
    let done = ok("effects", client.effects().run(&dual, FAST, drive(&running)).await);
    let video = done.task_result.map(|r| r.videos[0].clone()).unwrap_or_else(|| panic!("no video"));
    assert_eq!(video.duration, "10.000", "input.duration sets the length");
    rejected(
        "one image for a dual scene",
        client.effects().create(&EffectsRequest::new("hug_pro", EffectInput::one_image(IMAGE))).await,
    );

    let found = ok("image-recognize", client.image_recognize(&ImageRecognizeRequest::new(IMAGE)).await);
    let kinds: Vec<&str> = found.task_result.images.iter().map(|r| r.kind.as_str()).collect();
    assert_eq!(kinds, kling_api::library::RECOGNITION_TYPES);
    for region in &found.task_result.images {
        assert!(region.is_contain);
        assert_eq!(&download(&client, &region.url).await[1..4], b"PNG");
    }
    rejected("no image", client.image_recognize(&ImageRecognizeRequest::default()).await);
}

#[tokio::test]
async fn presets_page_through_every_voice_and_element() {
    let running = emulator().await;
    let client = token_client(&running, 3);
    let mut voices = Vec::new();
    for page in 1.. {
        let tasks = ok("preset voices", client.preset_voices(page, 7).await);
        if tasks.is_empty() {
            break;
        }
        assert!(tasks.len() <= 7);
        voices.extend(tasks.into_iter().filter_map(|t| t.task_result).map(|r| r.voices[0].clone()));
    }
    let ids: Vec<&str> = voices.iter().map(|v| v.voice_id.as_str()).collect();
    assert_eq!(ids, kling_api::voices::LIP_SYNC_VOICES);
    assert!(voices.iter().all(|v| v.owned_by == "kling"));

    let second = ok("preset elements", client.preset_elements(2, 5).await);
    let ids: Vec<u64> =
        second.iter().filter_map(|t| t.task_result.as_ref()).map(|r| r.elements[0].element_id).collect();
    let expected: Vec<u64> = kling_api::references::PRESET_ELEMENTS[5..10].iter().map(|e| e.id).collect();
    assert_eq!(ids, expected);
    rejected("page 0", client.preset_elements(0, 5).await);
}

#[tokio::test]
async fn after_a_lost_answer_only_idempotent_synchronous_calls_are_resent() {
    let running = emulator().await;
    let client = token_client(&running, 3);
    let reset_first = || async {
        let toml = "[[rule]]\nnth = 1\nconnection = \"reset\"\n";
        let scenario = kling_mock::scenario::parse("<test>", toml).unwrap_or_else(|e| panic!("{e}"));
        running.state.scenarios.write().clear();
        running.state.activate(scenario);
    };
    let matched = || running.state.scenarios.read().status()[0].rules[0].matched;

    reset_first().await;
    ok("image-recognize is resent", client.image_recognize(&ImageRecognizeRequest::new(IMAGE)).await);
    assert_eq!(matched(), 2);
    reset_first().await;
    rejected("deleting a preset", client.delete_voice(&DeleteVoiceRequest::new("ai_shatang")).await);
    assert_eq!(matched(), 2, "a deletion is resent");

    reset_first().await;
    let init = InitSelectionRequest::default().video_url("https://example.com/clip.mp4");
    let error = client.init_selection(&init).await.err().unwrap_or_else(|| panic!("init-selection was resent"));
    assert!(matches!(error, Error::Transport(_)), "{error}");
    assert_eq!(matched(), 1, "a session may have been opened: not sent twice");
    reset_first().await;
    let error = client.tts(&TtsRequest::new("hello", "ai_shatang")).await.err();
    assert!(error.is_some_and(|e| matches!(e, Error::Transport(_))));
    assert_eq!(matched(), 1, "speech may have been made: not sent twice");
}
