//! Rule table of the avatar endpoint (REFERENCE.md §3.8): a portrait that speaks an audio.

use crate::endpoints::{EndpointId, EndpointSpec, Output, PackType};
use crate::rules::{CALLBACK_URL, EXTERNAL_TASK_ID, Field, Rule, RuleClass, Ty, WATERMARK_INFO};

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
    base: r#"{"image": "https://example.com/portrait.png", "sound_file": "https://example.com/speech.mp3"}"#,
    fields: &[
        Field::required("image", Ty::Image, r#""$image:png:640x800""#),
        Field::optional("audio_id", Ty::Str, r#""audio-1""#).within(r#"{"sound_file": null}"#),
        Field::optional("sound_file", Ty::Str, r#""https://example.com/other.mp3""#),
        Field::optional("prompt", Ty::Text { max_chars: 2500 }, r#""smiling""#),
        Field::optional("mode", Ty::Enum(&["std", "pro"]), r#""pro""#),
        WATERMARK_INFO,
        CALLBACK_URL,
        EXTERNAL_TASK_ID,
    ],
    rules: &[Rule {
        id: "audio.exactly_one",
        field: "audio_id",
        summary: "exactly one of audio_id and sound_file",
        class: RuleClass::Structural,
        check: |r| crate::rules::exactly_one(r, "audio_id", "sound_file"),
        accept: r#"{"sound_file": null, "audio_id": "audio-7"}"#,
        reject: r#"{"sound_file": null}"#,
    }],
};
