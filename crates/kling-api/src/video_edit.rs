//! Rule tables of motion control (§3.5) and video extension (§3.6). Whether the source
//! video of an extension exists, belongs to the account, is recent and short enough is
//! state, checked by the emulator's engine.

use crate::endpoints::{EndpointId, EndpointSpec, Output, PackType};
use crate::media::emulator_video_ms;
use crate::rules::{CALLBACK_URL, EXTERNAL_TASK_ID, Expressed, Field, Rule, RuleClass, Ty, WATERMARK_INFO};
use crate::video::ELEMENT;

/// `POST /v1/videos/motion-control`.
pub const MOTION_CONTROL: EndpointSpec = EndpointSpec {
    id: EndpointId::MotionControl,
    name: "motion-control",
    path: "/v1/videos/motion-control",
    pack: PackType::Video,
    output: Output::Videos,
    models: &["kling-v2-6", "kling-v3"],
    default_model: "kling-v2-6",
    default_mode: "std",
    seed_fields: &[],
    standard: None,
    solution: None,
    base: r#"{"image_url": "https://example.com/character.png", "video_url": "https://example.com/dance.mp4", "character_orientation": "image", "mode": "std"}"#,
    fields: &[
        Field::optional("model_name", Ty::Model, r#""kling-v3""#),
        Field::optional("prompt", Ty::Text { max_chars: 2500 }, r#""a dancer""#),
        Field::required("image_url", Ty::Image, r#""$image:png:640x360""#),
        Field::required("video_url", Ty::HttpUrl, r#""https://example.com/other.mp4""#),
        Field::optional("element_list", Ty::Array { item: &ELEMENT, min: 0, max: 1 }, r#"[{"element_id": 3}]"#),
        Field::optional("keep_original_sound", Ty::Enum(&["yes", "no"]), r#""no""#),
        Field::required("character_orientation", Ty::Enum(&["image", "video"]), r#""video""#),
        Field::required("mode", Ty::Enum(&["std", "pro"]), r#""pro""#),
        WATERMARK_INFO,
        CALLBACK_URL,
        EXTERNAL_TASK_ID,
    ],
    rules: &[
        crate::references::ELEMENTS_EXIST,
        Rule {
            id: "video_url.length",
            field: "video_url",
            summary: "the motion video lasts 3 s to 10 s (orientation image) or 30 s (orientation video); checked when its length is known",
            class: RuleClass::Structural,
            check: |r| {
                let Some(ms) = r.text("video_url").and_then(|u| emulator_video_ms(&u)) else { return Ok(()) };
                let max = if r.text("character_orientation").is_some_and(|o| o == "video") { 30_000 } else { 10_000 };
                if (3_000..=max).contains(&ms) {
                    Ok(())
                } else {
                    Err(format!("the video lasts {:.1} s; it must last 3 to {} s", ms as f64 / 1000.0, max / 1000))
                }
            },
            expressed: Expressed::Unstated,
            accept: r#"{"character_orientation": "video", "video_url": "http://127.0.0.1/media/videos/15s/0b8f6b58-5a43-4f4e-9b3e-0d2f1c9b7a11.mp4"}"#,
            reject: r#"{"character_orientation": "image", "video_url": "http://127.0.0.1/media/videos/15s/0b8f6b58-5a43-4f4e-9b3e-0d2f1c9b7a11.mp4"}"#,
        },
    ],
};

/// `POST /v1/videos/video-extend`: no `model_name` or `mode`, both come from the source.
pub const VIDEO_EXTEND: EndpointSpec = EndpointSpec {
    id: EndpointId::VideoExtend,
    name: "video-extend",
    path: "/v1/videos/video-extend",
    pack: PackType::Video,
    output: Output::Videos,
    models: &[],
    default_model: "",
    default_mode: "std",
    seed_fields: &[],
    standard: None,
    solution: None,
    base: r#"{"video_id": "$video_id"}"#,
    fields: &[
        Field::required("video_id", Ty::Str, r#""$video_id""#),
        Field::optional("prompt", Ty::Text { max_chars: 2500 }, r#""the camera keeps rolling""#),
        Field::optional("negative_prompt", Ty::Text { max_chars: 2500 }, r#""blurry""#),
        Field::optional("cfg_scale", Ty::Float { min: 0.0, max: 1.0 }, "0.5"),
        WATERMARK_INFO,
        CALLBACK_URL,
        EXTERNAL_TASK_ID,
    ],
    rules: &[],
};
