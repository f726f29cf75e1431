//! Rule tables of text2video and image2video (REFERENCE.md §3.1, §3.2, §3.18).

use crate::endpoints::{EndpointId, EndpointSpec, Output, PackType};
use crate::models::{self, Combo, VideoModel};
use crate::rules::{
    CALLBACK_URL, EXTERNAL_TASK_ID, Expressed, Field, Req, Rule, RuleClass, Ty, WATERMARK_INFO, prompt_references,
};

pub(crate) const DURATIONS: &[&str] = &["3", "4", "5", "6", "7", "8", "9", "10", "11", "12", "13", "14", "15"];
const SHOT_DURATIONS: &[&str] = &["1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12", "13", "14", "15"];
const CAMERA_TYPES: &[&str] = &["simple", "down_back", "forward_up", "right_turn_forward", "left_turn_forward"];
const CAMERA_AXES: &[&str] = &["horizontal", "vertical", "pan", "tilt", "roll", "zoom"];

const AXIS: Ty = Ty::Float { min: -10.0, max: 10.0 };
const CAMERA_CONFIG: &[Field] = &[
    Field::optional("horizontal", AXIS, "5"),
    Field::optional("vertical", AXIS, "0"),
    Field::optional("pan", AXIS, "0"),
    Field::optional("tilt", AXIS, "0"),
    Field::optional("roll", AXIS, "0"),
    Field::optional("zoom", AXIS, "0"),
];
const CAMERA_CONTROL: Ty = Ty::Object(&[
    Field::required("type", Ty::Enum(CAMERA_TYPES), r#""simple""#),
    Field::optional("config", Ty::Object(CAMERA_CONFIG), r#"{"horizontal": 5}"#),
]);
pub(crate) const SHOT: Ty = Ty::Object(&[
    Field::required("index", Ty::Int { min: 1, max: 6 }, "1"),
    Field::required("prompt", Ty::Text { max_chars: 512 }, r#""a cat walks""#),
    Field::required("duration", Ty::Enum(SHOT_DURATIONS), r#""5""#),
]);
const POINT: Ty = Ty::Object(&[
    Field::required("x", Ty::Int { min: 0, max: 65536 }, "10"),
    Field::required("y", Ty::Int { min: 0, max: 65536 }, "10"),
]);
const DYNAMIC_MASK: Ty = Ty::Object(&[
    Field::required("mask", Ty::Image, r#""https://example.com/mask.png""#),
    Field::required(
        "trajectories",
        Ty::Array { item: &POINT, min: 2, max: 77 },
        r#"[{"x": 10, "y": 10}, {"x": 20, "y": 20}]"#,
    ),
]);
pub(crate) const ELEMENT: Ty = Ty::Object(&[Field::required("element_id", Ty::Int { min: 1, max: i64::MAX }, "10")]);
pub(crate) const VOICE: Ty = Ty::Object(&[Field::required("voice_id", Ty::Str, r#""ai_shatang""#)]);

const MULTI_SHOT_CONTEXT: &str =
    r#"{"model_name": "kling-v3", "multi_shot": true, "shot_type": "customize", "duration": "5"}"#;

/// Fields every video create endpoint shares, after the endpoint's own.
macro_rules! common_video_fields {
    ($($own:expr,)*) => {
        &[
            Field::optional("model_name", Ty::Model, r#""kling-v3""#),
            $($own,)*
            Field::optional("negative_prompt", Ty::Text { max_chars: 2500 }, r#""blurry""#),
            Field::optional("cfg_scale", Ty::Float { min: 0.0, max: 1.0 }, "0.5").within(r#"{"model_name": "kling-v3"}"#),
            Field::optional("mode", Ty::Enum(&["std", "pro", "4k"]), r#""std""#),
            Field::optional("duration", Ty::Enum(DURATIONS), r#""5""#),
            Field::optional("sound", Ty::Enum(&["on", "off"]), r#""off""#),
            Field::optional("multi_shot", Ty::Bool, "false"),
            Field::optional("shot_type", Ty::Enum(&["customize", "intelligence"]), r#""intelligence""#)
                .within(MULTI_SHOT_CONTEXT)
                .ignored_unless("multi_shot"),
            Field::optional("multi_prompt", Ty::Array { item: &SHOT, min: 1, max: 6 }, r#"[{"index": 1, "prompt": "a cat walks", "duration": "5"}]"#)
                .within(MULTI_SHOT_CONTEXT)
                .ignored_unless("multi_shot"),
            WATERMARK_INFO,
            CALLBACK_URL,
            EXTERNAL_TASK_ID,
        ]
    };
}

/// `POST /v1/videos/text2video`.
pub const TEXT2VIDEO: EndpointSpec = EndpointSpec {
    id: EndpointId::Text2Video,
    name: "text2video",
    path: "/v1/videos/text2video",
    pack: PackType::Video,
    output: Output::Videos,
    models: &[
        "kling-v1",
        "kling-v1-6",
        "kling-v2-master",
        "kling-v2-1-master",
        "kling-v2-5-turbo",
        "kling-v2-6",
        "kling-v3",
    ],
    default_model: models::DEFAULT_VIDEO_MODEL,
    default_mode: "std",
    seed_fields: &[],
    standard: None,
    solution: None,
    base: r#"{"prompt": "a cat walks on the beach"}"#,
    fields: common_video_fields![
        Field::optional("prompt", Ty::Text { max_chars: 2500 }, r#""a cat""#),
        Field::optional("aspect_ratio", Ty::Enum(&["16:9", "9:16", "1:1"]), r#""9:16""#),
        Field::optional("camera_control", CAMERA_CONTROL, r#"{"type": "simple", "config": {"horizontal": 5}}"#)
            .within(r#"{"model_name": "kling-v1", "mode": "std", "duration": "5"}"#),
    ],
    rules: &[
        MODE_4K,
        Rule {
            accept: r#"{"model_name": "kling-v1-6", "mode": "std"}"#,
            reject: r#"{"model_name": "kling-v1-6", "mode": "pro"}"#,
            ..MODE_MODEL
        },
        PROMPT_REQUIRED,
        SHOT_TYPE_REQUIRED,
        MULTI_PROMPT_REQUIRED,
        MULTI_PROMPT_DURATION_RANGE,
        MULTI_PROMPT_DURATION_SUM,
        CAMERA_CONFIG_REQUIRED,
        CAMERA_CONFIG_FORBIDDEN,
        CAMERA_ONE_AXIS,
        VOICE_COUNT,
        VOICE_NEEDS_SOUND,
        DURATION_MODEL,
        CFG_SCALE_MODEL,
        SOUND_MODEL,
        MULTI_SHOT_MODEL,
        Rule {
            id: "prompt.voice_model",
            field: "prompt",
            summary: "voice references only where the model supports voice control",
            class: RuleClass::ModelSupport,
            check: |r| {
                let voices = !prompt_references(&r.text("prompt").unwrap_or_default(), "voice").is_empty();
                support(r, "voice references", voices, |m| m.voices)
            },
            expressed: Expressed::Unstated,
            accept: r#"{"model_name": "kling-v2-6", "mode": "pro", "sound": "on", "prompt": "<<<voice_1>>> sings"}"#,
            reject: r#"{"model_name": "kling-v3", "sound": "on", "prompt": "<<<voice_1>>> sings"}"#,
        },
        Rule {
            id: "camera_control.model",
            field: "camera_control",
            summary: "camera_control only where the model supports it (kling-v1 std 5 s)",
            class: RuleClass::ModelSupport,
            check: |r| support(r, "camera_control", r.present("camera_control"), |m| m.camera_control_t2v),
            expressed: Expressed::Unstated,
            accept: r#"{"model_name": "kling-v1", "mode": "std", "duration": "5", "camera_control": {"type": "simple", "config": {"zoom": 3}}}"#,
            reject: r#"{"model_name": "kling-v1-6", "mode": "std", "duration": "5", "camera_control": {"type": "simple", "config": {"zoom": 3}}}"#,
        },
    ],
};

/// `POST /v1/videos/multi-image2video` (§3.3): up to four reference images, kling-v1-6 only.
/// `image_tail` is not a field here: like any unknown field it is ignored.
pub const MULTI_IMAGE2VIDEO: EndpointSpec = EndpointSpec {
    id: EndpointId::MultiImage2Video,
    name: "multi-image2video",
    path: "/v1/videos/multi-image2video",
    pack: PackType::Video,
    output: Output::Videos,
    models: &["kling-v1-6"],
    default_model: "kling-v1-6",
    default_mode: "std",
    seed_fields: &[],
    standard: None,
    solution: None,
    base: r#"{"image_list": [{"image": "https://example.com/a.png"}], "prompt": "the two friends wave"}"#,
    fields: &[
        Field::optional("model_name", Ty::Model, r#""kling-v1-6""#),
        Field::required(
            "image_list",
            Ty::Array { item: &IMAGE_ITEM, min: 1, max: 4 },
            r#"[{"image": "$image:png:640x360"}, {"image": "https://example.com/b.png"}]"#,
        ),
        Field::required("prompt", Ty::Text { max_chars: 2500 }, r#""a cat""#),
        Field::optional("negative_prompt", Ty::Text { max_chars: 2500 }, r#""blurry""#),
        Field::optional("mode", Ty::Enum(&["std", "pro"]), r#""pro""#),
        Field::optional("duration", Ty::Enum(&["5", "10"]), r#""10""#),
        Field::optional("aspect_ratio", Ty::Enum(&["16:9", "9:16", "1:1"]), r#""1:1""#),
        WATERMARK_INFO,
        CALLBACK_URL,
        EXTERNAL_TASK_ID,
    ],
    rules: &[],
};

/// `{"image": ...}`, an item of `image_list`.
pub const IMAGE_ITEM: Ty = Ty::Object(&[Field::required("image", Ty::Image, r#""https://example.com/a.png""#)]);

/// A model and settings that take the motion brush (kling-v1 std 5 s, offered until
/// 2026-09-14), for the mask fields' examples.
const MOTION_BRUSH_CONTEXT: &str = r#"{"model_name": "kling-v1", "mode": "std", "duration": "5"}"#;

/// `POST /v1/videos/image2video`.
pub const IMAGE2VIDEO: EndpointSpec = EndpointSpec {
    id: EndpointId::Image2Video,
    name: "image2video",
    path: "/v1/videos/image2video",
    pack: PackType::Video,
    output: Output::Videos,
    models: &[
        "kling-v1",
        "kling-v1-5",
        "kling-v1-6",
        "kling-v2-master",
        "kling-v2-1",
        "kling-v2-1-master",
        "kling-v2-5-turbo",
        "kling-v2-6",
        "kling-v3",
    ],
    default_model: models::DEFAULT_VIDEO_MODEL,
    default_mode: "std",
    seed_fields: &[],
    standard: None,
    solution: None,
    base: r#"{"image": "https://example.com/first-frame.png"}"#,
    fields: common_video_fields![
        Field::optional("image", Ty::Image, r#""$image:png:640x360""#),
        Field::optional("image_tail", Ty::Image, r#""$image:png:800x450""#).within(r#"{"model_name": "kling-v3"}"#),
        Field::optional("prompt", Ty::Text { max_chars: 2500 }, r#""a cat""#),
        Field::optional("static_mask", Ty::Image, r#""https://example.com/static-mask.png""#)
            .within(MOTION_BRUSH_CONTEXT),
        Field::optional(
            "dynamic_masks",
            Ty::Array { item: &DYNAMIC_MASK, min: 0, max: 6 },
            r#"[{"mask": "https://example.com/mask.png", "trajectories": [{"x": 10, "y": 10}, {"x": 20, "y": 20}]}]"#
        )
        .within(MOTION_BRUSH_CONTEXT),
        Field::optional("camera_control", CAMERA_CONTROL, r#"{"type": "simple", "config": {"horizontal": 5}}"#)
            .within(r#"{"model_name": "kling-v1-5", "mode": "pro", "duration": "5"}"#),
        Field::optional("element_list", Ty::Array { item: &ELEMENT, min: 0, max: 3 }, r#"[{"element_id": 10}]"#)
            .within(r#"{"model_name": "kling-v3"}"#),
        Field::optional("voice_list", Ty::Array { item: &VOICE, min: 0, max: 2 }, r#"[{"voice_id": "ai_shatang"}]"#)
            .within(r#"{"model_name": "kling-v2-6", "mode": "pro"}"#),
    ],
    rules: &[
        MODE_4K,
        MODE_MODEL,
        Rule {
            expressed: Expressed::Unstated,
            accept: r#"{"model_name": "kling-v3", "element_list": [{"element_id": 12}]}"#,
            reject: r#"{"model_name": "kling-v3", "element_list": [{"element_id": 987654321}]}"#,
            ..crate::references::ELEMENTS_EXIST
        },
        Rule {
            expressed: Expressed::Unstated,
            accept: r#"{"model_name": "kling-v2-6", "mode": "pro", "voice_list": [{"voice_id": "uk_man2"}]}"#,
            reject: r#"{"model_name": "kling-v2-6", "mode": "pro", "voice_list": [{"voice_id": "no-such-voice"}]}"#,
            ..crate::references::VOICES_EXIST
        },
        Rule {
            id: "image.at_least_one",
            field: "image",
            summary: "at least one of image and image_tail must be given",
            class: RuleClass::Structural,
            check: |r| {
                if r.present("image") || r.present("image_tail") {
                    Ok(())
                } else {
                    Err("at least one of image and image_tail is required".into())
                }
            },
            expressed: Expressed::AtLeastOne("image", "image_tail"),
            accept: r#"{"model_name": "kling-v3", "image": null, "image_tail": "https://example.com/last-frame.png"}"#,
            reject: r#"{"image": null}"#,
        },
        Rule {
            id: "image_tail.exclusive",
            field: "image_tail",
            summary: "image_tail, the motion brush masks and camera_control exclude each other",
            class: RuleClass::Structural,
            check: |r| {
                let groups = [
                    r.present("image_tail"),
                    r.present("static_mask") || r.present("dynamic_masks"),
                    r.present("camera_control"),
                ];
                if groups.iter().filter(|g| **g).count() > 1 {
                    Err("image_tail, static_mask/dynamic_masks and camera_control cannot be used together".into())
                } else {
                    Ok(())
                }
            },
            expressed: Expressed::Unstated,
            accept: r#"{"model_name": "kling-v1", "mode": "std", "duration": "5", "image_tail": "https://example.com/last-frame.png"}"#,
            reject: r#"{"model_name": "kling-v1", "mode": "std", "duration": "5", "image_tail": "https://example.com/last-frame.png", "static_mask": "https://example.com/static-mask.png"}"#,
        },
        SHOT_TYPE_REQUIRED,
        MULTI_PROMPT_REQUIRED,
        MULTI_PROMPT_DURATION_RANGE,
        MULTI_PROMPT_DURATION_SUM,
        Rule {
            id: "multi_shot.no_end_frame",
            field: "image_tail",
            summary: "multi-shot generation takes no end frame",
            class: RuleClass::Structural,
            check: |r| {
                if r.flag("multi_shot") && r.present("image_tail") {
                    Err("not allowed when multi_shot is true".into())
                } else {
                    Ok(())
                }
            },
            expressed: Expressed::Unstated,
            accept: r#"{"model_name": "kling-v3", "multi_shot": true, "shot_type": "intelligence"}"#,
            reject: r#"{"model_name": "kling-v3", "multi_shot": true, "shot_type": "intelligence", "image_tail": "https://example.com/last-frame.png"}"#,
        },
        Rule {
            expressed: Expressed::Unstated,
            accept: r#"{"model_name": "kling-v1-5", "mode": "pro", "duration": "5", "camera_control": {"type": "simple", "config": {"tilt": -4}}}"#,
            ..CAMERA_CONFIG_REQUIRED
        },
        Rule {
            expressed: Expressed::Unstated,
            accept: r#"{"model_name": "kling-v1-5", "mode": "pro", "duration": "5", "camera_control": {"type": "simple", "config": {"pan": 1}}}"#,
            ..CAMERA_CONFIG_FORBIDDEN
        },
        Rule {
            expressed: Expressed::Unstated,
            accept: r#"{"model_name": "kling-v1-5", "mode": "pro", "duration": "5", "camera_control": {"type": "simple", "config": {"horizontal": 0, "roll": 2.5}}}"#,
            ..CAMERA_ONE_AXIS
        },
        Rule {
            id: "element_list.exclusive",
            field: "element_list",
            summary: "element_list and voice_list exclude each other",
            class: RuleClass::Structural,
            check: |r| {
                if r.present("element_list") && r.present("voice_list") {
                    Err("element_list and voice_list cannot be used together".into())
                } else {
                    Ok(())
                }
            },
            expressed: Expressed::Unstated,
            accept: r#"{"model_name": "kling-v3", "element_list": [{"element_id": 7}]}"#,
            reject: r#"{"model_name": "kling-v3", "element_list": [{"element_id": 7}], "voice_list": [{"voice_id": "ai_shatang"}]}"#,
        },
        Rule {
            expressed: Expressed::Unstated,
            accept: r#"{"model_name": "kling-v2-6", "mode": "pro", "sound": "on", "voice_list": [{"voice_id": "ai_shatang"}, {"voice_id": "ai_kaiya"}], "prompt": "<<<voice_1>>> and <<<voice_2>>> talk"}"#,
            ..VOICE_COUNT
        },
        Rule {
            expressed: Expressed::Unstated,
            accept: r#"{"model_name": "kling-v2-6", "mode": "pro", "sound": "on", "voice_list": [{"voice_id": "ai_shatang"}], "prompt": "<<<voice_1>>> says hello"}"#,
            ..VOICE_NEEDS_SOUND
        },
        Rule {
            id: "prompt.voice_in_list",
            field: "prompt",
            summary: "every <<<voice_N>>> must name an entry of voice_list",
            class: RuleClass::Structural,
            check: |r| {
                let voices = r.array("voice_list").len();
                let prompt = r.text("prompt").unwrap_or_default();
                match prompt_references(&prompt, "voice").into_iter().find(|n| *n == 0 || *n as usize > voices) {
                    Some(n) => {
                        Err(format!("<<<voice_{n}>>> does not refer to an entry of voice_list ({voices} given)"))
                    }
                    None => Ok(()),
                }
            },
            expressed: Expressed::Unstated,
            accept: r#"{"model_name": "kling-v2-6", "mode": "pro", "sound": "on", "voice_list": [{"voice_id": "ai_shatang"}], "prompt": "<<<voice_1>>> says hello"}"#,
            reject: r#"{"model_name": "kling-v2-6", "mode": "pro", "sound": "on", "voice_list": [{"voice_id": "ai_shatang"}], "prompt": "<<<voice_2>>> says hello"}"#,
        },
        Rule {
            id: "static_mask.matches_image",
            field: "static_mask",
            summary: "static_mask has the aspect ratio of image (checked when both are Base64)",
            class: RuleClass::Structural,
            check: |r| {
                let (Some(image), Some(mask)) = (base64_info(r, "image"), base64_info(r, "static_mask")) else {
                    return Ok(());
                };
                if (image.aspect() - mask.aspect()).abs() > 0.01 {
                    Err(format!(
                        "aspect ratio {}x{} differs from the image's {}x{}",
                        mask.width, mask.height, image.width, image.height
                    ))
                } else {
                    Ok(())
                }
            },
            expressed: Expressed::Unstated,
            accept: r#"{"model_name": "kling-v1", "mode": "std", "duration": "5", "image": "$image:png:640x360", "static_mask": "$image:png:1280x720"}"#,
            reject: r#"{"model_name": "kling-v1", "mode": "std", "duration": "5", "image": "$image:png:640x360", "static_mask": "$image:png:400x400"}"#,
        },
        Rule {
            id: "dynamic_masks.resolution",
            field: "dynamic_masks",
            summary: "static and dynamic masks share one resolution (checked when Base64)",
            class: RuleClass::Structural,
            check: |r| {
                let mut sizes = base64_info(r, "static_mask").map(|i| (i.width, i.height)).into_iter().chain(
                    r.array("dynamic_masks")
                        .iter()
                        .filter_map(|m| m.get("mask").and_then(|v| v.as_str()))
                        .filter_map(base64_header)
                        .map(|i| (i.width, i.height)),
                );
                let Some(first) = sizes.next() else {
                    return Ok(());
                };
                match sizes.find(|s| *s != first) {
                    Some((w, h)) => Err(format!("mask resolution {w}x{h} differs from {}x{}", first.0, first.1)),
                    None => Ok(()),
                }
            },
            expressed: Expressed::Unstated,
            accept: r#"{"model_name": "kling-v1", "mode": "std", "duration": "5", "static_mask": "$image:png:640x360", "dynamic_masks": [{"mask": "$image:png:640x360", "trajectories": [{"x": 1, "y": 1}, {"x": 2, "y": 2}]}]}"#,
            reject: r#"{"model_name": "kling-v1", "mode": "std", "duration": "5", "static_mask": "$image:png:640x360", "dynamic_masks": [{"mask": "$image:png:1280x720", "trajectories": [{"x": 1, "y": 1}, {"x": 2, "y": 2}]}]}"#,
        },
        DURATION_MODEL,
        CFG_SCALE_MODEL,
        SOUND_MODEL,
        MULTI_SHOT_MODEL,
        Rule {
            id: "camera_control.model",
            field: "camera_control",
            summary: "camera_control only where the model supports it (kling-v1-5 pro 5 s, type simple)",
            class: RuleClass::ModelSupport,
            check: |r| {
                support(r, "camera_control", r.present("camera_control"), |m| m.camera_control_i2v)?;
                let kind = r.get("camera_control").and_then(|c| r.text_in(c, "type"));
                match kind {
                    Some(t) if t != "simple" => Err(format!("type {t} is not supported by image2video; use simple")),
                    _ => Ok(()),
                }
            },
            expressed: Expressed::Unstated,
            accept: r#"{"model_name": "kling-v1-5", "mode": "pro", "duration": "5", "camera_control": {"type": "simple", "config": {"pan": 2}}}"#,
            reject: r#"{"model_name": "kling-v1", "mode": "pro", "duration": "5", "camera_control": {"type": "simple", "config": {"pan": 2}}}"#,
        },
        Rule {
            id: "image_tail.model",
            field: "image_tail",
            summary: "an end frame only where the model supports it",
            class: RuleClass::ModelSupport,
            check: |r| support(r, "image_tail", r.present("image_tail"), |m| m.end_frame),
            expressed: Expressed::Unstated,
            accept: r#"{"model_name": "kling-v1-6", "mode": "pro", "image_tail": "https://example.com/last-frame.png"}"#,
            reject: r#"{"model_name": "kling-v1-6", "mode": "std", "image_tail": "https://example.com/last-frame.png"}"#,
        },
        Rule {
            id: "image_tail.silent",
            field: "image_tail",
            summary: "kling-v2-6 takes an end frame only for silent videos",
            class: RuleClass::ModelSupport,
            check: |r| {
                if r.model == "kling-v2-6" && r.present("image_tail") && r.sound_on() {
                    Err("kling-v2-6 supports an end frame only with sound off".into())
                } else {
                    Ok(())
                }
            },
            expressed: Expressed::Unstated,
            accept: r#"{"model_name": "kling-v2-6", "mode": "pro", "sound": "off", "image_tail": "https://example.com/last-frame.png"}"#,
            reject: r#"{"model_name": "kling-v2-6", "mode": "pro", "sound": "on", "image_tail": "https://example.com/last-frame.png"}"#,
        },
        Rule {
            id: "motion_brush.model",
            field: "static_mask",
            summary: "motion brush masks only where the model supports them",
            class: RuleClass::ModelSupport,
            check: |r| {
                let used = r.present("static_mask") || r.present("dynamic_masks");
                support(r, "static_mask/dynamic_masks", used, |m| m.motion_brush)
            },
            expressed: Expressed::Unstated,
            accept: r#"{"model_name": "kling-v1", "mode": "std", "duration": "5", "static_mask": "https://example.com/static-mask.png"}"#,
            reject: r#"{"model_name": "kling-v1-6", "mode": "std", "duration": "5", "static_mask": "https://example.com/static-mask.png"}"#,
        },
        Rule {
            id: "element_list.model",
            field: "element_list",
            summary: "element_list only with models that support element control",
            class: RuleClass::ModelSupport,
            check: |r| {
                let supported = r.video_model.is_some_and(|m| m.elements);
                if r.present("element_list") && !supported {
                    Err(format!("not supported by {}", r.model))
                } else {
                    Ok(())
                }
            },
            expressed: Expressed::Unstated,
            accept: r#"{"model_name": "kling-v3", "element_list": [{"element_id": 7}]}"#,
            reject: r#"{"model_name": "kling-v1", "element_list": [{"element_id": 7}]}"#,
        },
        Rule {
            id: "voice_list.model",
            field: "voice_list",
            summary: "voice_list only where the model supports voice control",
            class: RuleClass::ModelSupport,
            check: |r| support(r, "voice_list", r.present("voice_list"), |m| m.voices),
            expressed: Expressed::Unstated,
            accept: r#"{"model_name": "kling-v2-6", "mode": "pro", "voice_list": [{"voice_id": "ai_shatang"}]}"#,
            reject: r#"{"model_name": "kling-v2-6", "mode": "std", "voice_list": [{"voice_id": "ai_shatang"}]}"#,
        },
    ],
};

/// Every `<<<element_N>>>` names an entry of `element_list` (omni-video, omni-image).
pub(crate) const ELEMENT_REFERENCES: Rule = Rule {
    id: "prompt.element_references",
    field: "prompt",
    summary: "every <<<element_N>>> names an entry of element_list",
    class: RuleClass::Structural,
    check: |r| crate::rules::check_references(r, "element", r.array("element_list").len(), "element_list"),
    expressed: Expressed::Unstated,
    accept: r#"{"prompt": "<<<element_1>>> dances", "element_list": [{"element_id": 5}]}"#,
    reject: r#"{"prompt": "<<<element_1>>> dances"}"#,
};

/// `prompt` is required unless the shots carry their own prompts.
pub(crate) const PROMPT_REQUIRED: Rule = Rule {
    id: "prompt.required",
    field: "prompt",
    summary: "prompt is required unless multi_shot is true with shot_type customize",
    class: RuleClass::Structural,
    check: prompt_required,
    expressed: Expressed::Unstated,
    accept: r#"{"prompt": "a dog"}"#,
    reject: r#"{"prompt": null}"#,
};

fn prompt_required(r: &Req<'_>) -> Result<(), String> {
    let customize = r.flag("multi_shot") && r.text("shot_type").is_some_and(|t| t == "customize");
    if customize || r.present("prompt") { Ok(()) } else { Err("is required".into()) }
}

pub(crate) const SHOT_TYPE_REQUIRED: Rule = Rule {
    id: "shot_type.required",
    field: "shot_type",
    summary: "shot_type is required when multi_shot is true",
    class: RuleClass::Structural,
    check: |r| {
        if r.flag("multi_shot") && !r.present("shot_type") {
            Err("is required when multi_shot is true".into())
        } else {
            Ok(())
        }
    },
    expressed: Expressed::Unstated,
    accept: r#"{"model_name": "kling-v3", "multi_shot": true, "shot_type": "intelligence"}"#,
    reject: r#"{"model_name": "kling-v3", "multi_shot": true}"#,
};

pub(crate) const MULTI_PROMPT_REQUIRED: Rule = Rule {
    id: "multi_prompt.required",
    field: "multi_prompt",
    summary: "multi_prompt is required when shot_type is customize",
    class: RuleClass::Structural,
    check: |r| {
        let customize = r.flag("multi_shot") && r.text("shot_type").is_some_and(|t| t == "customize");
        if customize && !r.present("multi_prompt") {
            Err("is required when shot_type is customize".into())
        } else {
            Ok(())
        }
    },
    expressed: Expressed::Unstated,
    accept: r#"{"model_name": "kling-v3", "multi_shot": true, "shot_type": "customize", "duration": "5", "multi_prompt": [{"index": 1, "prompt": "a", "duration": "5"}]}"#,
    reject: r#"{"model_name": "kling-v3", "multi_shot": true, "shot_type": "customize", "duration": "5"}"#,
};

fn shot_durations(r: &Req<'_>) -> Vec<u32> {
    if !r.flag("multi_shot") {
        return Vec::new();
    }
    r.array("multi_prompt")
        .iter()
        .map(|shot| r.text_in(shot, "duration").and_then(|d| d.parse().ok()).unwrap_or(0))
        .collect()
}

pub(crate) const MULTI_PROMPT_DURATION_RANGE: Rule = Rule {
    id: "multi_prompt.duration_range",
    field: "multi_prompt",
    summary: "each shot lasts at least 1 s and at most the total duration",
    class: RuleClass::Structural,
    check: |r| match shot_durations(r).iter().position(|d| *d < 1 || *d > r.duration) {
        Some(i) => Err(format!("[{i}].duration must be between 1 and the total duration {}", r.duration)),
        None => Ok(()),
    },
    expressed: Expressed::Unstated,
    accept: r#"{"model_name": "kling-v3", "multi_shot": true, "shot_type": "customize", "duration": "5", "multi_prompt": [{"index": 1, "prompt": "a", "duration": "5"}]}"#,
    reject: r#"{"model_name": "kling-v3", "multi_shot": true, "shot_type": "customize", "duration": "5", "multi_prompt": [{"index": 1, "prompt": "a", "duration": "6"}]}"#,
};

pub(crate) const MULTI_PROMPT_DURATION_SUM: Rule = Rule {
    id: "multi_prompt.duration_sum",
    field: "multi_prompt",
    summary: "shot durations add up to the total duration",
    class: RuleClass::Structural,
    check: |r| {
        let durations = shot_durations(r);
        let sum: u32 = durations.iter().sum();
        if durations.is_empty() || sum == r.duration {
            Ok(())
        } else {
            Err(format!("shot durations add up to {sum}, not the total duration {}", r.duration))
        }
    },
    expressed: Expressed::Unstated,
    accept: r#"{"model_name": "kling-v3", "multi_shot": true, "shot_type": "customize", "duration": "5", "multi_prompt": [{"index": 1, "prompt": "a", "duration": "2"}, {"index": 2, "prompt": "b", "duration": "3"}]}"#,
    reject: r#"{"model_name": "kling-v3", "multi_shot": true, "shot_type": "customize", "duration": "5", "multi_prompt": [{"index": 1, "prompt": "a", "duration": "2"}, {"index": 2, "prompt": "b", "duration": "2"}]}"#,
};

fn camera_type<'a>(r: &Req<'a>) -> Option<std::borrow::Cow<'a, str>> {
    r.get("camera_control").and_then(|c| r.text_in(c, "type"))
}

fn camera_config<'a>(r: &Req<'a>) -> Option<&'a serde_json::Value> {
    r.get("camera_control").and_then(|c| c.get("config")).filter(|c| !c.is_null())
}

const CAMERA_CONFIG_REQUIRED: Rule = Rule {
    id: "camera_control.config.required",
    field: "camera_control.config",
    summary: "config is required when type is simple",
    class: RuleClass::Structural,
    check: |r| {
        if camera_type(r).is_some_and(|t| t == "simple") && camera_config(r).is_none() {
            Err("is required when type is simple".into())
        } else {
            Ok(())
        }
    },
    expressed: Expressed::Unstated,
    accept: r#"{"model_name": "kling-v1", "mode": "std", "duration": "5", "camera_control": {"type": "simple", "config": {"tilt": -4}}}"#,
    reject: r#"{"model_name": "kling-v1", "mode": "std", "duration": "5", "camera_control": {"type": "simple"}}"#,
};

const CAMERA_CONFIG_FORBIDDEN: Rule = Rule {
    id: "camera_control.config.forbidden",
    field: "camera_control.config",
    summary: "config must be absent unless type is simple",
    class: RuleClass::Structural,
    check: |r| match camera_type(r) {
        Some(t) if t != "simple" && camera_config(r).is_some() => Err(format!("must be absent when type is {t}")),
        _ => Ok(()),
    },
    expressed: Expressed::Unstated,
    accept: r#"{"model_name": "kling-v1", "mode": "std", "duration": "5", "camera_control": {"type": "down_back"}}"#,
    reject: r#"{"model_name": "kling-v1", "mode": "std", "duration": "5", "camera_control": {"type": "down_back", "config": {"zoom": 5}}}"#,
};

const CAMERA_ONE_AXIS: Rule = Rule {
    id: "camera_control.config.one_axis",
    field: "camera_control.config",
    summary: "exactly one of the six axes is non-zero",
    class: RuleClass::Structural,
    check: |r| {
        let Some(config) = camera_config(r) else {
            return Ok(());
        };
        let non_zero = CAMERA_AXES.iter().filter(|a| r.number_in(config, a).is_some_and(|v| v != 0.0)).count();
        if non_zero == 1 {
            Ok(())
        } else {
            Err(format!("exactly one of {} must be non-zero ({non_zero} are)", CAMERA_AXES.join(", ")))
        }
    },
    expressed: Expressed::Unstated,
    accept: r#"{"model_name": "kling-v1", "mode": "std", "duration": "5", "camera_control": {"type": "simple", "config": {"horizontal": 0, "roll": 2.5}}}"#,
    reject: r#"{"model_name": "kling-v1", "mode": "std", "duration": "5", "camera_control": {"type": "simple", "config": {"horizontal": 1, "roll": 2.5}}}"#,
};

const VOICE_COUNT: Rule = Rule {
    id: "prompt.voice_count",
    field: "prompt",
    summary: "at most two distinct <<<voice_N>>> references",
    class: RuleClass::Structural,
    check: |r| {
        let mut voices = prompt_references(&r.text("prompt").unwrap_or_default(), "voice");
        voices.sort_unstable();
        voices.dedup();
        if voices.len() > 2 { Err(format!("refers to {} voices; at most 2 are allowed", voices.len())) } else { Ok(()) }
    },
    expressed: Expressed::Unstated,
    accept: r#"{"model_name": "kling-v2-6", "mode": "pro", "sound": "on", "prompt": "<<<voice_1>>> and <<<voice_2>>> talk"}"#,
    reject: r#"{"model_name": "kling-v2-6", "mode": "pro", "sound": "on", "prompt": "<<<voice_1>>> <<<voice_2>>> <<<voice_3>>>"}"#,
};

const VOICE_NEEDS_SOUND: Rule = Rule {
    id: "prompt.voice_needs_sound",
    field: "prompt",
    summary: "<<<voice_N>>> references need sound on",
    class: RuleClass::Structural,
    check: |r| {
        let has_voice = !prompt_references(&r.text("prompt").unwrap_or_default(), "voice").is_empty();
        if has_voice && !r.sound_on() { Err("voice references require sound \"on\"".into()) } else { Ok(()) }
    },
    expressed: Expressed::Unstated,
    accept: r#"{"model_name": "kling-v2-6", "mode": "pro", "sound": "on", "prompt": "<<<voice_1>>> says hello"}"#,
    reject: r#"{"model_name": "kling-v2-6", "mode": "pro", "sound": "off", "prompt": "<<<voice_1>>> says hello"}"#,
};

/// Rejects `used` features that `combos(model)` does not admit for the request's mode and
/// duration. Models without a mode split are checked against `std`.
fn support(r: &Req<'_>, what: &str, used: bool, combos: fn(&VideoModel) -> &'static [Combo]) -> Result<(), String> {
    let Some(model) = r.video_model else {
        return Ok(());
    };
    if !used {
        return Ok(());
    }
    let mode = if model.modes.is_some() { r.mode.as_ref() } else { "std" };
    let feature = what.split('/').next().unwrap_or(what);
    let launched = r.day.capability(r.endpoint, model.name, feature) == crate::history::Offered::Yes;
    if launched && models::admits(combos(model), mode, r.duration) {
        Ok(())
    } else {
        Err(format!("{what} is not supported by {} in {mode} mode at {} s", model.name, r.duration))
    }
}

/// A mode a model gained later ([`crate::history::Capability`]) is refused before its day.
const MODE_MODEL: Rule = Rule {
    id: "mode.model",
    field: "mode",
    summary: "the mode is offered by the model (kling-v1-5 took std from 2024-12-09)",
    class: RuleClass::ModelSupport,
    check: |r| {
        let feature = match r.mode.as_ref() {
            "std" => "mode std",
            "pro" => "mode pro",
            _ => return Ok(()),
        };
        match r.video_model {
            Some(model) if r.day.capability(r.endpoint, model.name, feature) != crate::history::Offered::Yes => {
                Err(format!("{} mode is not supported by {}", r.mode, model.name))
            }
            _ => Ok(()),
        }
    },
    expressed: Expressed::Unstated,
    accept: r#"{"model_name": "kling-v1-5", "mode": "pro"}"#,
    reject: r#"{"model_name": "kling-v1-5", "mode": "std"}"#,
};

/// `mode: "4k"` only on `model` (the one Kling 3.0 model of the endpoint).
pub(crate) fn four_k_only_on(r: &Req<'_>, model: &str) -> Result<(), String> {
    if r.mode == "4k" && r.model != model {
        Err(format!("4k is not supported by {}; only {model} supports it", r.model))
    } else {
        Ok(())
    }
}

/// `mode: "4k"` (2026-04-23): Kling 3.0 only ("Currently only V3.0 model supports 4K").
const MODE_4K: Rule = Rule {
    id: "mode.4k",
    field: "mode",
    summary: "4k needs kling-v3",
    class: RuleClass::ModelSupport,
    check: |r| four_k_only_on(r, "kling-v3"),
    expressed: Expressed::Unstated,
    accept: r#"{"model_name": "kling-v3", "mode": "4k"}"#,
    reject: r#"{"model_name": "kling-v2-6", "mode": "4k"}"#,
};

const DURATION_MODEL: Rule = Rule {
    id: "duration.model",
    field: "duration",
    summary: "duration within what the model offers",
    class: RuleClass::ModelSupport,
    check: |r| {
        let Some(model) = r.video_model else {
            return Ok(());
        };
        if model.durations.contains(&r.duration) {
            Ok(())
        } else {
            let allowed: Vec<String> = model.durations.iter().map(u32::to_string).collect();
            Err(format!("{} supports {}", model.name, allowed.join(", ")))
        }
    },
    expressed: Expressed::Unstated,
    accept: r#"{"model_name": "kling-v3", "duration": "3"}"#,
    reject: r#"{"model_name": "kling-v1", "duration": "3"}"#,
};

const CFG_SCALE_MODEL: Rule = Rule {
    id: "cfg_scale.model",
    field: "cfg_scale",
    summary: "cfg_scale is not supported by kling-v2.x models",
    class: RuleClass::ModelSupport,
    check: |r| {
        let supported = r.video_model.is_none_or(|m| m.cfg_scale);
        if r.get("cfg_scale").is_some() && !supported { Err(format!("not supported by {}", r.model)) } else { Ok(()) }
    },
    expressed: Expressed::Unstated,
    accept: r#"{"model_name": "kling-v1", "cfg_scale": 0.5}"#,
    reject: r#"{"model_name": "kling-v2-master", "cfg_scale": 0.5}"#,
};

const SOUND_MODEL: Rule = Rule {
    id: "sound.model",
    field: "sound",
    summary: "sound on only where the model generates audio",
    class: RuleClass::ModelSupport,
    check: |r| support(r, "sound \"on\"", r.sound_on(), |m| m.sound),
    expressed: Expressed::Unstated,
    accept: r#"{"model_name": "kling-v2-6", "mode": "pro", "sound": "on"}"#,
    reject: r#"{"model_name": "kling-v2-6", "mode": "std", "sound": "on"}"#,
};

const MULTI_SHOT_MODEL: Rule = Rule {
    id: "multi_shot.model",
    field: "multi_shot",
    summary: "multi-shot generation only with models that offer it",
    class: RuleClass::ModelSupport,
    check: |r| {
        let supported = r.video_model.is_none_or(|m| m.multi_shot);
        if r.flag("multi_shot") && !supported { Err(format!("not supported by {}", r.model)) } else { Ok(()) }
    },
    expressed: Expressed::Unstated,
    accept: r#"{"model_name": "kling-v3", "multi_shot": true, "shot_type": "intelligence"}"#,
    reject: r#"{"model_name": "kling-v1", "multi_shot": true, "shot_type": "intelligence"}"#,
};

fn base64_header(text: &str) -> Option<crate::image::ImageInfo> {
    match crate::image::inspect(text, &crate::image::COMMON_LIMITS) {
        Ok(crate::image::ImageInput::Base64(info)) => Some(info),
        _ => None,
    }
}

fn base64_info(r: &Req<'_>, key: &str) -> Option<crate::image::ImageInfo> {
    r.get(key).and_then(|v| v.as_str()).and_then(base64_header)
}
