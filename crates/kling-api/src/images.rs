//! Rule tables of the image endpoints: omni-image (§3.12) and image generation (§3.11).

use crate::endpoints::{EndpointId, EndpointSpec, Output, PackType, SeedField};
use crate::image::{COMMON_LIMITS, ImageInput, inspect};
use crate::rules::{
    CALLBACK_URL, EXTERNAL_TASK_ID, Expressed, Field, Req, Rule, RuleClass, Ty, WATERMARK_INFO, check_references,
};
use crate::video::{ELEMENT, ELEMENT_REFERENCES, IMAGE_ITEM};

const IMAGE_RATIOS: &[&str] = &["16:9", "9:16", "1:1", "4:3", "3:4", "3:2", "2:3", "21:9"];
const OMNI_RATIOS: &[&str] = &["16:9", "9:16", "1:1", "4:3", "3:4", "3:2", "2:3", "21:9", "auto"];

fn base64_size(r: &Req<'_>, key: &str) -> Option<(u32, u32)> {
    match inspect(r.get(key)?.as_str()?, &COMMON_LIMITS) {
        Ok(ImageInput::Base64(info)) => Some((info.width, info.height)),
        _ => None,
    }
}

/// `POST /v1/images/omni-image`. The seed dialect also takes the seed's `image` and
/// `mask_image`.
pub const OMNI_IMAGE: EndpointSpec = EndpointSpec {
    id: EndpointId::OmniImage,
    name: "omni-image",
    path: "/v1/images/omni-image",
    pack: PackType::Image,
    output: Output::OmniImages,
    models: &["kling-image-o1", "kling-v3-omni"],
    default_model: "kling-image-o1",
    default_mode: "std",
    seed_fields: &[
        SeedField {
            name: "image",
            hint: "omni-image has no image field: send image_list [{\"image\": ...}] and refer to it as <<<image_1>>>",
        },
        SeedField {
            name: "mask_image",
            hint: "omni-image has no mask_image field: describe the edit in the prompt with <<<image_N>>> references",
        },
    ],
    standard: None,
    solution: None,
    base: r#"{"prompt": "a watercolor fox"}"#,
    fields: &[
        Field::optional("model_name", Ty::Model, r#""kling-v3-omni""#),
        Field::required("prompt", Ty::Text { max_chars: 2500 }, r#""a fox""#),
        Field::optional(
            "image_list",
            Ty::Array { item: &IMAGE_ITEM, min: 0, max: 10 },
            r#"[{"image": "$image:png:640x360"}]"#,
        ),
        Field::optional("element_list", Ty::Array { item: &ELEMENT, min: 0, max: 10 }, r#"[{"element_id": 8}]"#),
        Field::optional("resolution", Ty::Enum(&["1k", "2k", "4k"]), r#""2k""#),
        Field::optional("result_type", Ty::Enum(&["single", "series"]), r#""single""#),
        Field::optional("n", Ty::Int { min: 1, max: 9 }, "3"),
        Field::optional("aspect_ratio", Ty::Enum(OMNI_RATIOS), r#""4:3""#),
        Field::optional("image", Ty::Image, r#""$image:png:640x360""#).seed_only(),
        Field::optional("mask_image", Ty::Image, r#""https://example.com/mask.png""#).seed_only(),
        WATERMARK_INFO,
        CALLBACK_URL,
        EXTERNAL_TASK_ID,
    ],
    rules: &[
        crate::references::ELEMENTS_EXIST,
        Rule {
            id: "series_amount.range",
            field: "series_amount",
            summary: "series_amount is 2 to 9 or \"auto\"",
            class: RuleClass::Structural,
            check: |r| match r.get("series_amount") {
                None => Ok(()),
                // "auto" from 2026-04-27 (crate::history).
                Some(v)
                    if v.as_str() == Some("auto")
                        && r.day.value(r.endpoint, "series_amount", "auto") == crate::history::Offered::Yes =>
                {
                    Ok(())
                }
                Some(_) => match r.number("series_amount") {
                    Some(n) if n.fract() == 0.0 && (2.0..=9.0).contains(&n) => Ok(()),
                    _ => Err("must be an integer between 2 and 9, or \"auto\"".into()),
                },
            },
            expressed: Expressed::Unstated,
            accept: r#"{"result_type": "series", "series_amount": "auto"}"#,
            reject: r#"{"result_type": "series", "series_amount": 10}"#,
        },
        Rule {
            id: "image_list.with_elements",
            field: "image_list",
            summary: "images plus elements: at most 10",
            class: RuleClass::Structural,
            check: |r| {
                let total = r.array("image_list").len() + r.array("element_list").len();
                if total > 10 {
                    Err(format!("{total} images and elements given; at most 10 are allowed"))
                } else {
                    Ok(())
                }
            },
            expressed: Expressed::Unstated,
            accept: r#"{"image_list": [{"image": "https://example.com/1.png"}, {"image": "https://example.com/2.png"}, {"image": "https://example.com/3.png"}, {"image": "https://example.com/4.png"}, {"image": "https://example.com/5.png"}], "element_list": [{"element_id": 1}, {"element_id": 2}, {"element_id": 3}, {"element_id": 4}, {"element_id": 5}]}"#,
            reject: r#"{"image_list": [{"image": "https://example.com/1.png"}, {"image": "https://example.com/2.png"}, {"image": "https://example.com/3.png"}, {"image": "https://example.com/4.png"}, {"image": "https://example.com/5.png"}, {"image": "https://example.com/6.png"}], "element_list": [{"element_id": 1}, {"element_id": 2}, {"element_id": 3}, {"element_id": 4}, {"element_id": 5}]}"#,
        },
        Rule {
            id: "prompt.image_references",
            field: "prompt",
            summary: "every <<<image_N>>> names an entry of image_list",
            class: RuleClass::Structural,
            check: |r| check_references(r, "image", r.array("image_list").len(), "image_list"),
            expressed: Expressed::Unstated,
            accept: r#"{"prompt": "<<<image_1>>> in the snow", "image_list": [{"image": "https://example.com/a.png"}]}"#,
            reject: r#"{"prompt": "<<<image_2>>> in the snow", "image_list": [{"image": "https://example.com/a.png"}]}"#,
        },
        ELEMENT_REFERENCES,
        Rule {
            id: "mask_image.matches_image",
            field: "mask_image",
            summary: "seed dialect: a Base64 mask_image has the dimensions of the Base64 image",
            class: RuleClass::SeedDialect,
            check: |r| match (base64_size(r, "image"), base64_size(r, "mask_image")) {
                (Some(image), Some(mask)) if image != mask => Err(format!(
                    "mask is {}x{} px but the image is {}x{} px; they must match",
                    mask.0, mask.1, image.0, image.1
                )),
                _ => Ok(()),
            },
            expressed: Expressed::Unstated,
            accept: r#"{"image": "$image:png:640x360", "mask_image": "$image:png:640x360"}"#,
            reject: r#"{"image": "$image:png:640x360", "mask_image": "$image:png:800x450"}"#,
        },
    ],
};

/// `POST /v1/images/generations`.
pub const GENERATIONS: EndpointSpec = EndpointSpec {
    id: EndpointId::ImageGenerations,
    name: "generations",
    path: "/v1/images/generations",
    pack: PackType::Image,
    output: Output::Images,
    models: &["kling-v1", "kling-v1-5", "kling-v2", "kling-v2-new", "kling-v2-1", "kling-v3"],
    default_model: "kling-v3",
    default_mode: "std",
    seed_fields: &[],
    standard: None,
    solution: None,
    base: r#"{"prompt": "a lighthouse at dusk"}"#,
    fields: &[
        Field::optional("model_name", Ty::Model, r#""kling-v3""#),
        Field::required("prompt", Ty::Text { max_chars: 2500 }, r#""a lighthouse""#),
        Field::optional("negative_prompt", Ty::Text { max_chars: 2500 }, r#""fog""#),
        Field::optional("image", Ty::Image, r#""$image:png:640x360""#),
        Field::optional("image_reference", Ty::Enum(&["subject", "face"]), r#""subject""#)
            .within(r#"{"model_name": "kling-v1-5", "image": "https://example.com/ref.png"}"#),
        Field::optional("image_fidelity", Ty::Float { min: 0.0, max: 1.0 }, "0.5"),
        Field::optional("human_fidelity", Ty::Float { min: 0.0, max: 1.0 }, "0.45").within(
            r#"{"model_name": "kling-v1-5", "image": "https://example.com/ref.png", "image_reference": "subject"}"#,
        ),
        Field::optional("element_list", Ty::Array { item: &ELEMENT, min: 0, max: 10 }, r#"[{"element_id": 2}]"#)
            .within(r#"{"model_name": "kling-v3"}"#),
        Field::optional("resolution", Ty::Enum(&["1k", "2k"]), r#""2k""#),
        Field::optional("n", Ty::Int { min: 1, max: 9 }, "4"),
        Field::optional("aspect_ratio", Ty::Enum(IMAGE_RATIOS), r#""21:9""#),
        WATERMARK_INFO,
        CALLBACK_URL,
        EXTERNAL_TASK_ID,
    ],
    rules: &[
        Rule {
            expressed: Expressed::Unstated,
            accept: r#"{"model_name": "kling-v3", "element_list": [{"element_id": 12}]}"#,
            reject: r#"{"model_name": "kling-v3", "element_list": [{"element_id": 987654321}]}"#,
            ..crate::references::ELEMENTS_EXIST
        },
        Rule {
            id: "negative_prompt.not_with_image",
            field: "negative_prompt",
            summary: "negative_prompt is not allowed with an image",
            class: RuleClass::Structural,
            check: |r| {
                if r.present("negative_prompt") && r.present("image") {
                    Err("not supported when image is given".into())
                } else {
                    Ok(())
                }
            },
            expressed: Expressed::Unstated,
            accept: r#"{"negative_prompt": "fog"}"#,
            reject: r#"{"negative_prompt": "fog", "image": "https://example.com/ref.png"}"#,
        },
        Rule {
            id: "image.required_with_reference",
            field: "image",
            summary: "image_reference needs an image",
            class: RuleClass::Structural,
            check: |r| {
                if r.present("image_reference") && !r.present("image") {
                    Err("is required when image_reference is set".into())
                } else {
                    Ok(())
                }
            },
            expressed: Expressed::Unstated,
            accept: r#"{"model_name": "kling-v1-5", "image_reference": "face", "image": "https://example.com/face.png"}"#,
            reject: r#"{"model_name": "kling-v1-5", "image_reference": "face"}"#,
        },
        Rule {
            id: "human_fidelity.subject_only",
            field: "human_fidelity",
            summary: "human_fidelity only with image_reference subject",
            class: RuleClass::Structural,
            check: |r| {
                let subject = r.text("image_reference").is_some_and(|t| t == "subject");
                if r.present("human_fidelity") && !subject {
                    Err("only applies with image_reference subject".into())
                } else {
                    Ok(())
                }
            },
            expressed: Expressed::Unstated,
            accept: r#"{"model_name": "kling-v1-5", "image": "https://example.com/ref.png", "image_reference": "subject", "human_fidelity": 0.3}"#,
            reject: r#"{"model_name": "kling-v1-5", "image": "https://example.com/ref.png", "image_reference": "face", "human_fidelity": 0.3}"#,
        },
        Rule {
            id: "image_reference.model",
            field: "image_reference",
            summary: "image_reference is a kling-v1-5 feature (older docs)",
            class: RuleClass::ModelSupport,
            check: |r| {
                if r.present("image_reference") && r.model != "kling-v1-5" {
                    Err(format!("not supported by {}", r.model))
                } else {
                    Ok(())
                }
            },
            expressed: Expressed::Unstated,
            accept: r#"{"model_name": "kling-v1-5", "image": "https://example.com/ref.png", "image_reference": "subject"}"#,
            reject: r#"{"model_name": "kling-v1", "image": "https://example.com/ref.png", "image_reference": "subject"}"#,
        },
        Rule {
            id: "element_list.model",
            field: "element_list",
            summary: "element_list only with kling-v3",
            class: RuleClass::ModelSupport,
            check: |r| {
                if r.present("element_list") && r.model != "kling-v3" {
                    Err(format!("not supported by {}", r.model))
                } else {
                    Ok(())
                }
            },
            expressed: Expressed::Unstated,
            accept: r#"{"model_name": "kling-v3", "element_list": [{"element_id": 2}]}"#,
            reject: r#"{"model_name": "kling-v1", "element_list": [{"element_id": 2}]}"#,
        },
    ],
};
