//! Rule tables of lip-sync, both generations (REFERENCE.md §3.7): the legacy
//! `lip-sync` (body wrapped in `input`, messages as the live service words them), and the
//! current pair `identify-face` (synchronous) then `advanced-lip-sync`. Sessions, faces and
//! source videos are state, checked by the emulator's engine.

use crate::endpoints::{EndpointId, EndpointSpec, Output, PackType};
use crate::media::emulator_video_ms;
use crate::rules::{CALLBACK_URL, EXTERNAL_TASK_ID, Expressed, Field, Req, Rule, RuleClass, Ty, WATERMARK_INFO};

const LEGACY_INPUT: Ty = Ty::Object(&[
    Field::optional("video_id", Ty::Str, r#""$video_id""#),
    Field::optional("video_url", Ty::HttpUrl, r#""https://example.com/talk.mp4""#),
    Field::required("mode", Ty::Enum(&["text2video", "audio2video"]), r#""text2video""#),
    Field::optional("text", Ty::Text { max_chars: 120 }, r#""hello there""#),
    Field::optional("voice_id", Ty::Str, r#""genshin_vindi2""#),
    Field::optional("voice_language", Ty::Enum(&["zh", "en"]), r#""en""#),
    Field::optional("voice_speed", Ty::Float { min: 0.8, max: 2.0 }, "1.5"),
    Field::optional("audio_type", Ty::Enum(&["file", "url"]), r#""url""#),
    Field::optional("audio_file", Ty::Str, r#""SUQzBAAAAAAA""#),
    Field::optional("audio_url", Ty::HttpUrl, r#""https://example.com/voice.mp3""#),
]);

fn legacy_mode(r: &Req<'_>) -> String {
    r.text_at("input.mode").map(|m| m.into_owned()).unwrap_or_default()
}

/// `POST /v1/videos/lip-sync` (legacy).
pub const LIP_SYNC: EndpointSpec = EndpointSpec {
    id: EndpointId::LipSync,
    name: "lip-sync",
    path: "/v1/videos/lip-sync",
    pack: PackType::Video,
    output: Output::Videos,
    models: &[],
    default_model: "",
    default_mode: "std",
    seed_fields: &[],
    standard: None,
    solution: None,
    base: r#"{"input": {"video_url": "https://example.com/talk.mp4", "mode": "text2video", "text": "hello there", "voice_id": "genshin_vindi2"}}"#,
    fields: &[
        Field::required(
            "input",
            LEGACY_INPUT,
            r#"{"video_url": "https://example.com/talk.mp4", "mode": "text2video", "text": "hi", "voice_id": "ai_shatang", "voice_language": "zh", "voice_speed": 1.0}"#,
        ),
        CALLBACK_URL,
        EXTERNAL_TASK_ID,
    ],
    rules: &[
        Rule {
            id: "input.video.required",
            field: "input.video_id",
            summary: "one of input.video_id and input.video_url is required",
            class: RuleClass::Structural,
            check: |r| {
                if r.present_at("input.video_id") || r.present_at("input.video_url") {
                    Ok(())
                } else {
                    Err("video_id or video_url is required".into())
                }
            },
            expressed: Expressed::Within("input", &Expressed::AtLeastOne("video_id", "video_url")),
            accept: r#"{"input": {"video_url": null, "video_id": "$video_id"}}"#,
            reject: r#"{"input": {"video_url": null}}"#,
        },
        Rule {
            id: "input.text.required",
            field: "input.text",
            summary: "text2video needs input.text",
            class: RuleClass::Structural,
            check: |r| {
                if legacy_mode(r) == "text2video" && !r.present_at("input.text") {
                    Err("text is required".into())
                } else {
                    Ok(())
                }
            },
            expressed: Expressed::Unstated,
            accept: r#"{"input": {"text": "good morning"}}"#,
            reject: r#"{"input": {"text": null}}"#,
        },
        Rule {
            id: "input.voice_id.required",
            field: "input.voice_id",
            summary: "text2video needs input.voice_id",
            class: RuleClass::Structural,
            check: |r| {
                if legacy_mode(r) == "text2video" && !r.present_at("input.voice_id") {
                    Err("voice_id is required".into())
                } else {
                    Ok(())
                }
            },
            expressed: Expressed::Unstated,
            accept: r#"{"input": {"voice_id": "ai_kaiya"}}"#,
            reject: r#"{"input": {"voice_id": null}}"#,
        },
        Rule {
            id: "input.voice_id.known",
            field: "input.voice_id",
            summary: "input.voice_id names a preset voice or a voice of the account",

            class: RuleClass::Structural,
            check: |r| match r.text_at("input.voice_id") {
                Some(v) if legacy_mode(r) == "text2video" && !r.known.voice(&v) => Err("Voice id not found".into()),
                _ => Ok(()),
            },
            expressed: Expressed::Unstated,
            accept: r#"{"input": {"voice_id": "oversea_male1"}}"#,
            reject: r#"{"input": {"voice_id": "no-such-voice"}}"#,
        },
        Rule {
            id: "input.audio_type.required",
            field: "input.audio_type",
            summary: "audio2video needs input.audio_type",
            class: RuleClass::Structural,
            check: |r| {
                if legacy_mode(r) == "audio2video" && !r.present_at("input.audio_type") {
                    Err("Audio type is null".into())
                } else {
                    Ok(())
                }
            },
            expressed: Expressed::Unstated,
            accept: r#"{"input": {"mode": "audio2video", "audio_type": "url", "audio_url": "https://example.com/voice.mp3"}}"#,
            reject: r#"{"input": {"mode": "audio2video", "audio_url": "https://example.com/voice.mp3"}}"#,
        },
        Rule {
            id: "input.audio.source",
            field: "input.audio_file",
            summary: "audio_type file needs input.audio_file, url needs input.audio_url",
            class: RuleClass::Structural,
            check: |r| {
                if legacy_mode(r) != "audio2video" {
                    return Ok(());
                }
                match r.text_at("input.audio_type").as_deref() {
                    Some("file") if !r.present_at("input.audio_file") => {
                        Err("audio_file is required when audio_type is file".into())
                    }
                    Some("url") if !r.present_at("input.audio_url") => {
                        Err("audio_url is required when audio_type is url".into())
                    }
                    _ => Ok(()),
                }
            },
            expressed: Expressed::Unstated,
            accept: r#"{"input": {"mode": "audio2video", "audio_type": "file", "audio_file": "SUQzBAAAAAAA"}}"#,
            reject: r#"{"input": {"mode": "audio2video", "audio_type": "file"}}"#,
        },
    ],
};

/// `POST /v1/videos/identify-face` (synchronous).
pub const IDENTIFY_FACE: EndpointSpec = EndpointSpec {
    id: EndpointId::IdentifyFace,
    name: "identify-face",
    path: "/v1/videos/identify-face",
    pack: PackType::Video,
    output: Output::Synchronous,
    models: &[],
    default_model: "",
    default_mode: "std",
    seed_fields: &[],
    standard: None,
    solution: None,
    base: r#"{"video_url": "https://example.com/face.mp4"}"#,
    fields: &[
        crate::rules::VIDEO_ID,
        Field::optional("video_url", Ty::HttpUrl, r#""https://example.com/other-face.mp4""#),
    ],
    rules: &[
        Rule { reject: r#"{"video_id": "$video_id"}"#, ..crate::rules::VIDEO_ID_OR_URL },
        Rule {
            id: "video_url.length",
            field: "video_url",
            summary: "the video lasts 2 s to 60 s (checked when its length is known)",
            class: RuleClass::Structural,
            check: |r| match r.text("video_url").and_then(|u| emulator_video_ms(&u)) {
                Some(ms) if !(2_000..=60_000).contains(&ms) => {
                    Err(format!("the video lasts {:.1} s; it must last 2 to 60 s", ms as f64 / 1000.0))
                }
                _ => Ok(()),
            },
            expressed: Expressed::Unstated,
            accept: r#"{"video_url": "http://127.0.0.1/media/videos/60s/0b8f6b58-5a43-4f4e-9b3e-0d2f1c9b7a11.mp4"}"#,
            reject: r#"{"video_url": "http://127.0.0.1/media/videos/61s/0b8f6b58-5a43-4f4e-9b3e-0d2f1c9b7a11.mp4"}"#,
        },
    ],
};

const FACE_CHOICE: Ty = Ty::Object(&[
    Field::required("face_id", Ty::Str, r#""$face_id""#),
    Field::optional("audio_id", Ty::Str, r#""audio-1""#),
    Field::optional("sound_file", Ty::Str, r#""https://example.com/voice.mp3""#),
    Field::required("sound_start_time", Ty::Int { min: 0, max: 600_000 }, "0"),
    Field::required("sound_end_time", Ty::Int { min: 0, max: 600_000 }, "3000"),
    Field::required("sound_insert_time", Ty::Int { min: 0, max: 600_000 }, "0"),
    Field::optional("sound_volume", Ty::Float { min: 0.0, max: 2.0 }, "1.0"),
    Field::optional("original_audio_volume", Ty::Float { min: 0.0, max: 2.0 }, "1.0"),
]);

/// `POST /v1/videos/advanced-lip-sync`.
pub const ADVANCED_LIP_SYNC: EndpointSpec = EndpointSpec {
    id: EndpointId::AdvancedLipSync,
    name: "advanced-lip-sync",
    path: "/v1/videos/advanced-lip-sync",
    pack: PackType::Video,
    output: Output::Videos,
    models: &[],
    default_model: "",
    default_mode: "std",
    seed_fields: &[],
    standard: None,
    solution: None,
    base: r#"{"session_id": "$session_id", "face_choose": [{"face_id": "$face_id", "sound_file": "https://example.com/voice.mp3", "sound_start_time": 0, "sound_end_time": 3000, "sound_insert_time": 0}]}"#,
    fields: &[
        Field::required("session_id", Ty::Str, r#""$session_id""#),
        Field::required(
            "face_choose",
            Ty::Array { item: &FACE_CHOICE, min: 1, max: 1 },
            r#"[{"face_id": "$face_id", "sound_file": "https://example.com/voice.mp3", "sound_start_time": 500, "sound_end_time": 4000, "sound_insert_time": 1000}]"#,
        ),
        WATERMARK_INFO,
        CALLBACK_URL,
        EXTERNAL_TASK_ID,
    ],
    rules: &[
        Rule {
            id: "face_choose.audio_source",
            field: "face_choose",
            summary: "each face takes exactly one of audio_id and sound_file",
            class: RuleClass::Structural,
            check: |r| {
                for (i, face) in r.array("face_choose").iter().enumerate() {
                    let given = |k: &str| face.get(k).and_then(|v| v.as_str()).is_some_and(|s| !s.is_empty());
                    if given("audio_id") == given("sound_file") {
                        return Err(format!("[{i}]: give exactly one of audio_id and sound_file"));
                    }
                }
                Ok(())
            },
            expressed: Expressed::EachOf("face_choose", &Expressed::ExactlyOne("audio_id", "sound_file")),
            accept: r#"{"face_choose": [{"face_id": "$face_id", "audio_id": "audio-9", "sound_start_time": 0, "sound_end_time": 3000, "sound_insert_time": 0}]}"#,
            reject: r#"{"face_choose": [{"face_id": "$face_id", "audio_id": "audio-9", "sound_file": "https://example.com/voice.mp3", "sound_start_time": 0, "sound_end_time": 3000, "sound_insert_time": 0}]}"#,
        },
        Rule {
            id: "face_choose.clip_length",
            field: "face_choose",
            summary: "the cropped sound clip lasts at least 2 s",
            class: RuleClass::Structural,
            check: |r| {
                for (i, face) in r.array("face_choose").iter().enumerate() {
                    let start = r.number_in(face, "sound_start_time").unwrap_or(0.0);
                    let end = r.number_in(face, "sound_end_time").unwrap_or(0.0);
                    if end - start < 2000.0 {
                        return Err(format!("[{i}]: sound_end_time - sound_start_time must be at least 2000 ms"));
                    }
                }
                Ok(())
            },
            expressed: Expressed::Unstated,
            accept: r#"{"face_choose": [{"face_id": "$face_id", "sound_file": "https://example.com/voice.mp3", "sound_start_time": 1000, "sound_end_time": 3000, "sound_insert_time": 0}]}"#,
            reject: r#"{"face_choose": [{"face_id": "$face_id", "sound_file": "https://example.com/voice.mp3", "sound_start_time": 1000, "sound_end_time": 2999, "sound_insert_time": 0}]}"#,
        },
    ],
};
