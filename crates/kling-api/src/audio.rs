//! Rule tables of the audio endpoints (REFERENCE.md §3.17): sound from a prompt, sound
//! for a video, and speech (TTS) in a voice of the caller.

use crate::endpoints::{EndpointId, EndpointSpec, Output, PackType};
use crate::rules::{CALLBACK_URL, EXTERNAL_TASK_ID, Expressed, Field, Rule, RuleClass, Ty, VIDEO_ID, VIDEO_ID_OR_URL};

/// `POST /v1/audio/text-to-audio`.
pub const TEXT_TO_AUDIO: EndpointSpec = EndpointSpec {
    id: EndpointId::TextToAudio,
    name: "text-to-audio",
    path: "/v1/audio/text-to-audio",
    pack: PackType::Video,
    output: Output::Audios,
    models: &[],
    default_model: "",
    default_mode: "std",
    seed_fields: &[],
    standard: None,
    solution: None,
    base: r#"{"prompt": "rain on a tin roof", "duration": 5.0}"#,
    fields: &[
        Field::required("prompt", Ty::Text { max_chars: 200 }, r#""a dog barking far away""#),
        Field::required("duration", Ty::Float { min: 3.0, max: 10.0 }, "7.5"),
        CALLBACK_URL,
        EXTERNAL_TASK_ID,
    ],
    rules: &[Rule {
        id: "duration.one_decimal",
        field: "duration",
        summary: "duration has at most one decimal",
        class: RuleClass::Structural,
        check: |r| match r.number("duration") {
            Some(d) if ((d * 10.0).round() - d * 10.0).abs() > 1e-9 => {
                Err("must have at most one decimal place".into())
            }
            _ => Ok(()),
        },
        expressed: Expressed::Unstated,
        accept: r#"{"duration": 3.7}"#,
        reject: r#"{"duration": 3.75}"#,
    }],
};

/// `POST /v1/audio/video-to-audio`.
pub const VIDEO_TO_AUDIO: EndpointSpec = EndpointSpec {
    id: EndpointId::VideoToAudio,
    name: "video-to-audio",
    path: "/v1/audio/video-to-audio",
    pack: PackType::Video,
    output: Output::VideoWithAudio,
    models: &[],
    default_model: "",
    default_mode: "std",
    seed_fields: &[],
    standard: None,
    solution: None,
    base: r#"{"video_url": "https://example.com/clip.mp4"}"#,
    fields: &[
        VIDEO_ID,
        Field::optional("video_url", Ty::HttpUrl, r#""https://example.com/other.mp4""#),
        Field::optional("sound_effect_prompt", Ty::Text { max_chars: 200 }, r#""footsteps on gravel""#),
        Field::optional("bgm_prompt", Ty::Text { max_chars: 200 }, r#""calm piano""#),
        Field::optional("asmr_mode", Ty::Bool, "true"),
        CALLBACK_URL,
        EXTERNAL_TASK_ID,
    ],
    rules: &[VIDEO_ID_OR_URL],
};

/// `POST /v1/audio/tts`: answers the finished task at once (no query or list is
/// documented).
pub const TTS: EndpointSpec = EndpointSpec {
    id: EndpointId::Tts,
    name: "tts",
    path: "/v1/audio/tts",
    pack: PackType::Video,
    output: Output::Speech,
    models: &[],
    default_model: "",
    default_mode: "std",
    seed_fields: &[],
    standard: None,
    solution: None,
    base: r#"{"text": "Hello from the emulator.", "voice_id": "ai_shatang"}"#,
    fields: &[
        Field::required("text", Ty::Text { max_chars: 1000 }, r#""Good morning.""#),
        Field::required("voice_id", Ty::Str, r#""ai_kaiya""#),
        Field::optional("voice_language", Ty::Enum(&["zh", "en"]), r#""en""#),
        Field::optional("voice_speed", Ty::Float { min: 0.8, max: 2.0 }, "1.5"),
    ],
    rules: &[Rule {
        id: "voice_id.exists",
        field: "voice_id",
        summary: "voice_id names a preset voice or a voice of the account",
        class: RuleClass::Structural,
        check: |r| match r.text("voice_id") {
            Some(v) if !r.known.voice(&v) => Err(format!("voice {v} does not exist")),
            _ => Ok(()),
        },
        expressed: Expressed::Unstated,
        accept: r#"{"voice_id": "uk_man2"}"#,
        reject: r#"{"voice_id": "no-such-voice"}"#,
    }],
};

/// How long the speech for `text` lasts at `speed` (ms): about 4 characters a second
/// in Chinese and 15 in English at speed 1.0, at least one second. The service's real
/// pacing is not documented; FIDELITY.md records this choice.
pub fn speech_ms(text: &str, language: &str, speed: f64) -> u64 {
    let per_second = if language == "en" { 15.0 } else { 4.0 };
    let speed = if speed.is_finite() && speed > 0.0 { speed } else { 1.0 };
    let seconds = text.chars().count() as f64 / (per_second * speed);
    ((seconds * 1000.0).round() as u64).max(1_000)
}
