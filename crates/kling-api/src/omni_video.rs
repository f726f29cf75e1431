//! Rule table of omni-video (REFERENCE.md §3.4).

use crate::endpoints::{EndpointId, EndpointSpec, Output, PackType};
use crate::rules::{
    CALLBACK_URL, EXTERNAL_TASK_ID, Expressed, Field, Req, Rule, RuleClass, Ty, WATERMARK_INFO, check_references,
};
use crate::video::{
    DURATIONS, ELEMENT, ELEMENT_REFERENCES, MULTI_PROMPT_DURATION_RANGE, MULTI_PROMPT_DURATION_SUM,
    MULTI_PROMPT_REQUIRED, PROMPT_REQUIRED, SHOT, SHOT_TYPE_REQUIRED,
};

const FRAME_IMAGE: Ty = Ty::Object(&[
    Field::required("image_url", Ty::Image, r#""https://example.com/frame.png""#),
    Field::optional("type", Ty::Enum(&["first_frame", "end_frame"]), r#""first_frame""#),
]);
const REFERENCE_VIDEO: Ty = Ty::Object(&[
    Field::required("video_url", Ty::HttpUrl, r#""https://example.com/ref.mp4""#),
    Field::optional("refer_type", Ty::Enum(&["base", "feature"]), r#""feature""#),
    Field::optional("keep_original_sound", Ty::Enum(&["yes", "no"]), r#""no""#),
]);

const MULTI_SHOT: &str =
    r#"{"model_name": "kling-v3-omni", "multi_shot": true, "shot_type": "customize", "duration": "5"}"#;

fn frame_types<'a>(r: &Req<'a>) -> (usize, usize) {
    let images = r.array("image_list");
    let count = |kind: &str| images.iter().filter(|i| r.text_in(i, "type").is_some_and(|t| t == kind)).count();
    (count("first_frame"), count("end_frame"))
}

fn video_refer_type<'a>(r: &Req<'a>) -> Option<std::borrow::Cow<'a, str>> {
    r.array("video_list").first().map(|v| r.text_in(v, "refer_type").unwrap_or(std::borrow::Cow::Borrowed("base")))
}

fn is_o1(r: &Req<'_>) -> bool {
    r.model == "kling-video-o1"
}

/// `POST /v1/videos/omni-video`.
pub const OMNI_VIDEO: EndpointSpec = EndpointSpec {
    id: EndpointId::OmniVideo,
    name: "omni-video",
    path: "/v1/videos/omni-video",
    pack: PackType::Video,
    output: Output::Videos,
    models: &["kling-video-o1", "kling-v3-omni"],
    default_model: "kling-video-o1",
    default_mode: "pro",
    seed_fields: &[],
    standard: None,
    solution: None,
    base: r#"{"prompt": "a paper boat drifts down a rainy street", "aspect_ratio": "16:9"}"#,
    fields: &[
        Field::optional("model_name", Ty::Model, r#""kling-v3-omni""#),
        Field::optional("multi_shot", Ty::Bool, "false"),
        Field::optional("shot_type", Ty::Enum(&["customize", "intelligence"]), r#""intelligence""#)
            .within(MULTI_SHOT)
            .ignored_unless("multi_shot"),
        Field::optional(
            "multi_prompt",
            Ty::Array { item: &SHOT, min: 1, max: 6 },
            r#"[{"index": 1, "prompt": "a cat walks", "duration": "5"}]"#,
        )
        .within(MULTI_SHOT)
        .ignored_unless("multi_shot"),
        Field::optional("prompt", Ty::Text { max_chars: 2500 }, r#""a cat""#),
        Field::optional(
            "image_list",
            Ty::Array { item: &FRAME_IMAGE, min: 0, max: 7 },
            r#"[{"image_url": "$image:png:640x360"}]"#,
        ),
        Field::optional("element_list", Ty::Array { item: &ELEMENT, min: 0, max: 7 }, r#"[{"element_id": 11}]"#),
        Field::optional(
            "video_list",
            Ty::Array { item: &REFERENCE_VIDEO, min: 0, max: 1 },
            r#"[{"video_url": "https://example.com/ref.mp4", "refer_type": "feature"}]"#,
        ),
        Field::optional("sound", Ty::Enum(&["on", "off"]), r#""off""#),
        Field::optional("mode", Ty::Enum(&["std", "pro", "4k"]), r#""std""#),
        Field::optional("aspect_ratio", Ty::Enum(&["16:9", "9:16", "1:1"]), r#""9:16""#),
        Field::optional("duration", Ty::Enum(DURATIONS), r#""5""#),
        WATERMARK_INFO,
        CALLBACK_URL,
        EXTERNAL_TASK_ID,
    ],
    rules: &[
        crate::references::ELEMENTS_EXIST,
        PROMPT_REQUIRED,
        Rule {
            id: "mode.4k",
            field: "mode",
            summary: "4k needs kling-v3-omni",
            class: RuleClass::ModelSupport,
            check: |r| crate::video::four_k_only_on(r, "kling-v3-omni"),
            expressed: Expressed::Unstated,
            accept: r#"{"model_name": "kling-v3-omni", "mode": "4k"}"#,
            reject: r#"{"model_name": "kling-video-o1", "mode": "4k"}"#,
        },
        Rule {
            expressed: Expressed::Unstated,
            accept: r#"{"model_name": "kling-v3-omni", "multi_shot": true, "shot_type": "intelligence"}"#,
            reject: r#"{"model_name": "kling-v3-omni", "multi_shot": true}"#,
            ..SHOT_TYPE_REQUIRED
        },
        Rule {
            expressed: Expressed::Unstated,
            accept: r#"{"model_name": "kling-v3-omni", "multi_shot": true, "shot_type": "customize", "duration": "5", "multi_prompt": [{"index": 1, "prompt": "a", "duration": "5"}]}"#,
            reject: r#"{"model_name": "kling-v3-omni", "multi_shot": true, "shot_type": "customize", "duration": "5"}"#,
            ..MULTI_PROMPT_REQUIRED
        },
        Rule {
            expressed: Expressed::Unstated,
            accept: r#"{"model_name": "kling-v3-omni", "multi_shot": true, "shot_type": "customize", "duration": "5", "multi_prompt": [{"index": 1, "prompt": "a", "duration": "5"}]}"#,
            reject: r#"{"model_name": "kling-v3-omni", "multi_shot": true, "shot_type": "customize", "duration": "5", "multi_prompt": [{"index": 1, "prompt": "a", "duration": "6"}]}"#,
            ..MULTI_PROMPT_DURATION_RANGE
        },
        Rule {
            expressed: Expressed::Unstated,
            accept: r#"{"model_name": "kling-v3-omni", "multi_shot": true, "shot_type": "customize", "duration": "5", "multi_prompt": [{"index": 1, "prompt": "a", "duration": "2"}, {"index": 2, "prompt": "b", "duration": "3"}]}"#,
            reject: r#"{"model_name": "kling-v3-omni", "multi_shot": true, "shot_type": "customize", "duration": "5", "multi_prompt": [{"index": 1, "prompt": "a", "duration": "2"}, {"index": 2, "prompt": "b", "duration": "2"}]}"#,
            ..MULTI_PROMPT_DURATION_SUM
        },
        Rule {
            id: "image_list.end_frame_needs_first_frame",
            field: "image_list",
            summary: "an end_frame image requires a first_frame image",
            class: RuleClass::Structural,
            check: |r| match frame_types(r) {
                (0, end) if end > 0 => Err("an end_frame image requires a first_frame image".into()),
                (first, end) if first > 1 || end > 1 => Err("at most one first_frame and one end_frame".into()),
                _ => Ok(()),
            },
            expressed: Expressed::Unstated,
            accept: r#"{"image_list": [{"image_url": "https://example.com/a.png", "type": "first_frame"}, {"image_url": "https://example.com/b.png", "type": "end_frame"}]}"#,
            reject: r#"{"image_list": [{"image_url": "https://example.com/b.png", "type": "end_frame"}]}"#,
        },
        Rule {
            id: "multi_shot.no_frames",
            field: "image_list",
            summary: "multi-shot generation takes no first or end frame",
            class: RuleClass::Structural,
            check: |r| {
                let (first, end) = frame_types(r);
                if r.flag("multi_shot") && first + end > 0 {
                    Err("first_frame/end_frame images are not allowed when multi_shot is true".into())
                } else {
                    Ok(())
                }
            },
            expressed: Expressed::Unstated,
            accept: r#"{"model_name": "kling-v3-omni", "multi_shot": true, "shot_type": "intelligence", "image_list": [{"image_url": "https://example.com/a.png"}]}"#,
            reject: r#"{"model_name": "kling-v3-omni", "multi_shot": true, "shot_type": "intelligence", "image_list": [{"image_url": "https://example.com/a.png", "type": "first_frame"}]}"#,
        },
        Rule {
            id: "image_list.reference_count",
            field: "image_list",
            summary: "images plus elements: at most 4 with a reference video, 7 without",
            class: RuleClass::Structural,
            check: |r| {
                let total = r.array("image_list").len() + r.array("element_list").len();
                let limit = if r.present("video_list") { 4 } else { 7 };
                if total > limit {
                    Err(format!(
                        "{total} images and elements given; at most {limit} are allowed{}",
                        if limit == 4 { " with a reference video" } else { "" }
                    ))
                } else {
                    Ok(())
                }
            },
            expressed: Expressed::Unstated,
            accept: r#"{"image_list": [{"image_url": "https://example.com/a.png"}, {"image_url": "https://example.com/b.png"}], "element_list": [{"element_id": 1}, {"element_id": 2}], "video_list": [{"video_url": "https://example.com/ref.mp4", "refer_type": "feature"}]}"#,
            reject: r#"{"image_list": [{"image_url": "https://example.com/a.png"}, {"image_url": "https://example.com/b.png"}, {"image_url": "https://example.com/c.png"}], "element_list": [{"element_id": 1}, {"element_id": 2}], "video_list": [{"video_url": "https://example.com/ref.mp4", "refer_type": "feature"}]}"#,
        },
        Rule {
            id: "element_list.with_first_frame",
            field: "element_list",
            summary: "at most 3 elements with a first frame",
            class: RuleClass::Structural,
            check: |r| {
                if frame_types(r).0 > 0 && r.array("element_list").len() > 3 {
                    Err("at most 3 elements are allowed with a first frame".into())
                } else {
                    Ok(())
                }
            },
            expressed: Expressed::Unstated,
            accept: r#"{"image_list": [{"image_url": "https://example.com/a.png", "type": "first_frame"}], "element_list": [{"element_id": 1}, {"element_id": 2}, {"element_id": 3}]}"#,
            reject: r#"{"image_list": [{"image_url": "https://example.com/a.png", "type": "first_frame"}], "element_list": [{"element_id": 1}, {"element_id": 2}, {"element_id": 3}, {"element_id": 4}]}"#,
        },
        Rule {
            id: "video_list.sound_off",
            field: "sound",
            summary: "sound must be off with a reference video",
            class: RuleClass::Structural,
            check: |r| {
                if r.present("video_list") && r.sound_on() {
                    Err("must be off when video_list is given".into())
                } else {
                    Ok(())
                }
            },
            expressed: Expressed::Unstated,
            accept: r#"{"sound": "off", "video_list": [{"video_url": "https://example.com/ref.mp4", "refer_type": "feature"}]}"#,
            reject: r#"{"sound": "on", "model_name": "kling-v3-omni", "video_list": [{"video_url": "https://example.com/ref.mp4", "refer_type": "feature"}]}"#,
        },
        Rule {
            id: "video_list.base_no_frames",
            field: "image_list",
            summary: "editing a video (refer_type base) takes no first or end frame",
            class: RuleClass::Structural,
            check: |r| {
                let (first, end) = frame_types(r);
                if video_refer_type(r).is_some_and(|t| t == "base") && first + end > 0 {
                    Err("first_frame/end_frame images are not allowed with a base video".into())
                } else {
                    Ok(())
                }
            },
            expressed: Expressed::Unstated,
            accept: r#"{"video_list": [{"video_url": "https://example.com/ref.mp4", "refer_type": "base"}], "image_list": [{"image_url": "https://example.com/a.png"}]}"#,
            reject: r#"{"video_list": [{"video_url": "https://example.com/ref.mp4", "refer_type": "base"}], "image_list": [{"image_url": "https://example.com/a.png", "type": "first_frame"}]}"#,
        },
        Rule {
            id: "aspect_ratio.required",
            field: "aspect_ratio",
            summary: "aspect_ratio is required unless a first frame or a video to edit is given",
            class: RuleClass::Structural,
            check: |r| {
                let exempt = frame_types(r).0 > 0 || video_refer_type(r).is_some_and(|t| t == "base");
                if exempt || r.present("aspect_ratio") {
                    Ok(())
                } else {
                    Err("is required without a first frame or a base video".into())
                }
            },
            expressed: Expressed::Unstated,
            accept: r#"{"aspect_ratio": null, "image_list": [{"image_url": "https://example.com/a.png", "type": "first_frame"}]}"#,
            reject: r#"{"aspect_ratio": null}"#,
        },
        Rule {
            id: "prompt.image_references",
            field: "prompt",
            summary: "every <<<image_N>>> names an entry of image_list",
            class: RuleClass::Structural,
            check: |r| check_references(r, "image", r.array("image_list").len(), "image_list"),
            expressed: Expressed::Unstated,
            accept: r#"{"prompt": "<<<image_1>>> smiles", "image_list": [{"image_url": "https://example.com/a.png"}]}"#,
            reject: r#"{"prompt": "<<<image_2>>> smiles", "image_list": [{"image_url": "https://example.com/a.png"}]}"#,
        },
        ELEMENT_REFERENCES,
        Rule {
            id: "prompt.video_reference",
            field: "prompt",
            summary: "<<<video_1>>> needs a video in video_list",
            class: RuleClass::Structural,
            check: |r| check_references(r, "video", r.array("video_list").len(), "video_list"),
            expressed: Expressed::Unstated,
            accept: r#"{"prompt": "restyle <<<video_1>>>", "video_list": [{"video_url": "https://example.com/ref.mp4", "refer_type": "feature"}]}"#,
            reject: r#"{"prompt": "restyle <<<video_1>>>"}"#,
        },
        Rule {
            id: "duration.model",
            field: "duration",
            summary: "kling-video-o1: 3-10 s, and only 5 or 10 without a reference video; kling-v3-omni: 3-15 s, 3-10 with a reference video",
            class: RuleClass::ModelSupport,
            check: |r| {
                let d = r.duration;
                let has_video = r.present("video_list");
                let allowed = match (is_o1(r), has_video) {
                    (true, false) => d == 5 || d == 10,
                    (true, true) | (false, true) => (3..=10).contains(&d),
                    (false, false) => (3..=15).contains(&d),
                };
                if allowed {
                    Ok(())
                } else {
                    Err(format!(
                        "{d} s is not supported by {} {}",
                        r.model,
                        if has_video { "with a reference video" } else { "without a reference video" }
                    ))
                }
            },
            expressed: Expressed::Unstated,
            accept: r#"{"model_name": "kling-v3-omni", "duration": "15"}"#,
            reject: r#"{"model_name": "kling-video-o1", "duration": "7"}"#,
        },
        Rule {
            id: "image_list.o1_frames",
            field: "image_list",
            summary: "kling-video-o1 takes no first/end frame with more than 2 images, and no elements with both frames",
            class: RuleClass::ModelSupport,
            check: |r| {
                if !is_o1(r) {
                    return Ok(());
                }
                let (first, end) = frame_types(r);
                if first + end > 0 && r.array("image_list").len() > 2 {
                    Err("kling-video-o1 supports first/end frames only with at most 2 images".into())
                } else if first > 0 && end > 0 && r.present("element_list") {
                    Err("kling-video-o1 does not support elements with first and end frames".into())
                } else {
                    Ok(())
                }
            },
            expressed: Expressed::Unstated,
            accept: r#"{"model_name": "kling-v3-omni", "image_list": [{"image_url": "https://example.com/a.png", "type": "first_frame"}, {"image_url": "https://example.com/b.png"}, {"image_url": "https://example.com/c.png"}]}"#,
            reject: r#"{"model_name": "kling-video-o1", "image_list": [{"image_url": "https://example.com/a.png", "type": "first_frame"}, {"image_url": "https://example.com/b.png"}, {"image_url": "https://example.com/c.png"}]}"#,
        },
        Rule {
            id: "multi_shot.model",
            field: "multi_shot",
            summary: "multi-shot generation only with kling-v3-omni",
            class: RuleClass::ModelSupport,
            check: |r| {
                if r.flag("multi_shot") && is_o1(r) { Err("not supported by kling-video-o1".into()) } else { Ok(()) }
            },
            expressed: Expressed::Unstated,
            accept: r#"{"model_name": "kling-v3-omni", "multi_shot": true, "shot_type": "intelligence"}"#,
            reject: r#"{"model_name": "kling-video-o1", "multi_shot": true, "shot_type": "intelligence"}"#,
        },
    ],
};
