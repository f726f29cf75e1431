//! Rule table of the avatar endpoint (REFERENCE.md §3.8): a portrait that speaks an audio.

use crate::endpoints::{EndpointId, EndpointSpec, Output, PackType};
use crate::rules::{CALLBACK_URL, EXTERNAL_TASK_ID, Expressed, Field, Req, Rule, RuleClass, Ty, WATERMARK_INFO};

/// `POST /v1/videos/avatar/image2video`.
pub const AVATAR: EndpointSpec = EndpointSpec {
    id: EndpointId::Avatar,
    name: "avatar",
    path: "/v1/videos/avatar/image2video",
    pack: PackType::Video,
    output: Output::Videos,
    models: &[],
    default_model: "",
    default_mode: "std",
    seed_fields: &[],
    standard: None,
    solution: None,
    base: r#"{"image": "https://example.com/portrait.png", "sound_file": "https://example.com/speech.mp3"}"#,
    fields: &[
        Field::required("image", Ty::Image, r#""$image:png:640x800""#),
        Field::optional("audio_id", Ty::Str, r#""$audio_id""#).within(r#"{"sound_file": null}"#),
        Field::optional("sound_file", Ty::Str, r#""https://example.com/other.mp3""#),
        Field::optional("prompt", Ty::Text { max_chars: 2500 }, r#""smiling""#),
        Field::optional("mode", Ty::Enum(&["std", "pro"]), r#""pro""#),
        WATERMARK_INFO,
        CALLBACK_URL,
        EXTERNAL_TASK_ID,
    ],
    rules: &[
        Rule {
            id: "audio.exactly_one",
            field: "audio_id",
            summary: "exactly one of audio_id and sound_file",
            class: RuleClass::Structural,
            check: |r| crate::rules::exactly_one(r, "audio_id", "sound_file"),
            expressed: Expressed::ExactlyOne("audio_id", "sound_file"),
            accept: r#"{"sound_file": null, "audio_id": "$audio_id"}"#,
            reject: r#"{"sound_file": null}"#,
        },
        Rule {
            id: "audio_id.exists",
            field: "audio_id",
            summary: "audio_id names an audio the account's tasks produced",
            class: RuleClass::Structural,
            check: |r| match r.text("audio_id") {
                Some(id) if !id.is_empty() && r.known.audio_ms(&id).is_none() => {
                    Err(format!("audio {id} does not exist"))
                }
                _ => Ok(()),
            },
            expressed: Expressed::Unstated,
            accept: r#"{"sound_file": null, "audio_id": "$audio_id"}"#,
            reject: r#"{"sound_file": null, "audio_id": "no-such-audio"}"#,
        },
        Rule {
            id: "audio.length",
            field: "sound_file",
            summary: "the audio lasts 2 to 300 seconds (checked where its length is known)",
            class: RuleClass::Structural,
            check: |r| match audio_ms(r) {
                Some(ms) if !(AUDIO_MS.0..=AUDIO_MS.1).contains(&ms) => {
                    Err(format!("the audio lasts {ms} ms; it must last 2 to 300 seconds"))
                }
                _ => Ok(()),
            },
            expressed: Expressed::Unstated,
            accept: r#"{"sound_file": "https://example.com/media/audios/12s/speech.mp3"}"#,
            reject: r#"{"sound_file": "https://example.com/media/audios/1s/speech.mp3"}"#,
        },
    ],
};

/// Shortest and longest audio an avatar speaks (ms).
pub const AUDIO_MS: (u64, u64) = (2_000, 300_000);

/// The length of the avatar's audio, when known: an audio of the account, or an
/// emulator audio URL.
pub fn audio_ms(r: &Req<'_>) -> Option<u64> {
    match r.text("audio_id").filter(|id| !id.is_empty()) {
        Some(id) => r.known.audio_ms(&id),
        None => r.text("sound_file").and_then(|url| crate::media::emulator_audio_ms(&url)),
    }
}
