//! Rule tables of multi-image-to-image (§3.13), image expansion (§3.14), Kolors virtual
//! try-on (§3.16) and AI multi-shot (2026-01-23).

use crate::endpoints::{EndpointId, EndpointSpec, Output, PackType};
use crate::rules::{CALLBACK_URL, EXTERNAL_TASK_ID, Expressed, Field, Rule, RuleClass, Ty, WATERMARK_INFO};

const RATIOS: &[&str] = &["16:9", "9:16", "1:1", "4:3", "3:4", "3:2", "2:3", "21:9"];
const SUBJECT: Ty = Ty::Object(&[Field::required("subject_image", Ty::Image, r#""https://example.com/subject.png""#)]);
const RATIO: Ty = Ty::Float { min: 0.0, max: 2.0 };

/// `POST /v1/images/multi-image2image`.
pub const MULTI_IMAGE2IMAGE: EndpointSpec = EndpointSpec {
    id: EndpointId::MultiImage2Image,
    name: "multi-image2image",
    path: "/v1/images/multi-image2image",
    pack: PackType::Image,
    output: Output::Images,
    models: &["kling-v2", "kling-v2-1"],
    default_model: "kling-v2-1",
    default_mode: "std",
    seed_fields: &[],
    standard: None,
    solution: None,
    base: r#"{"subject_image_list": [{"subject_image": "https://example.com/subject.png"}]}"#,
    fields: &[
        Field::optional("model_name", Ty::Model, r#""kling-v2""#),
        Field::optional("prompt", Ty::Text { max_chars: 2500 }, r#""on a beach""#),
        Field::required(
            "subject_image_list",
            Ty::Array { item: &SUBJECT, min: 1, max: 4 },
            r#"[{"subject_image": "$image:png:640x360"}, {"subject_image": "https://example.com/b.png"}]"#,
        ),
        Field::optional("scene_image", Ty::Image, r#""https://example.com/scene.png""#),
        Field::optional("style_image", Ty::Image, r#""https://example.com/style.png""#),
        Field::optional("n", Ty::Int { min: 1, max: 9 }, "2"),
        Field::optional("aspect_ratio", Ty::Enum(RATIOS), r#""3:2""#),
        WATERMARK_INFO,
        CALLBACK_URL,
        EXTERNAL_TASK_ID,
    ],
    rules: &[],
};

/// `POST /v1/images/editing/expand` (outpainting): no model.
pub const EXPAND: EndpointSpec = EndpointSpec {
    id: EndpointId::Expand,
    name: "expand",
    path: "/v1/images/editing/expand",
    pack: PackType::Image,
    output: Output::Images,
    models: &[],
    default_model: "",
    default_mode: "std",
    seed_fields: &[],
    standard: None,
    solution: None,
    base: r#"{"image": "https://example.com/room.png", "up_expansion_ratio": 0.2, "down_expansion_ratio": 0.2, "left_expansion_ratio": 0.3, "right_expansion_ratio": 0.3}"#,
    fields: &[
        Field::required("image", Ty::Image, r#""$image:png:640x360""#),
        Field::required("up_expansion_ratio", RATIO, "0.1"),
        Field::required("down_expansion_ratio", RATIO, "0.1"),
        Field::required("left_expansion_ratio", RATIO, "0.1"),
        Field::required("right_expansion_ratio", RATIO, "0.1"),
        Field::optional("prompt", Ty::Text { max_chars: 2500 }, r#""more of the room""#),
        Field::optional("n", Ty::Int { min: 1, max: 9 }, "3"),
        WATERMARK_INFO,
        CALLBACK_URL,
        EXTERNAL_TASK_ID,
    ],
    rules: &[Rule {
        id: "expansion.area",
        field: "up_expansion_ratio",
        summary: "the expanded image is at most 3 times the original area: (1+up+down)(1+left+right) <= 3",
        class: RuleClass::Structural,
        check: |r| {
            let ratio = |k: &str| r.number(k).unwrap_or(0.0);
            let area = (1.0 + ratio("up_expansion_ratio") + ratio("down_expansion_ratio"))
                * (1.0 + ratio("left_expansion_ratio") + ratio("right_expansion_ratio"));
            if area > 3.0 + 1e-9 {
                Err(format!("the expanded area is {area:.2} times the original; at most 3 is allowed"))
            } else {
                Ok(())
            }
        },
        expressed: Expressed::Unstated,
        accept: r#"{"up_expansion_ratio": 0.5, "down_expansion_ratio": 0.5, "left_expansion_ratio": 0.5, "right_expansion_ratio": 0.0}"#,
        reject: r#"{"up_expansion_ratio": 0.5, "down_expansion_ratio": 0.5, "left_expansion_ratio": 0.5, "right_expansion_ratio": 0.1}"#,
    }],
};

/// `POST /v1/images/kolors-virtual-try-on`: counts against the virtual try-on pack.
pub const VIRTUAL_TRY_ON: EndpointSpec = EndpointSpec {
    id: EndpointId::VirtualTryOn,
    name: "kolors-virtual-try-on",
    path: "/v1/images/kolors-virtual-try-on",
    pack: PackType::VirtualTryOn,
    output: Output::Images,
    models: &["kolors-virtual-try-on-v1", "kolors-virtual-try-on-v1-5"],
    default_model: "kolors-virtual-try-on-v1",
    default_mode: "std",
    seed_fields: &[],
    standard: None,
    solution: None,
    base: r#"{"human_image": "https://example.com/person.png", "cloth_image": "https://example.com/shirt.png"}"#,
    fields: &[
        Field::optional("model_name", Ty::Model, r#""kolors-virtual-try-on-v1-5""#),
        Field::required("human_image", Ty::Image, r#""$image:png:640x800""#),
        Field::required("cloth_image", Ty::Image, r#""https://example.com/dress.png""#),
        CALLBACK_URL,
        EXTERNAL_TASK_ID,
    ],
    rules: &[],
};

/// `POST /v1/general/ai-multi-shot` (official page "AI Multi-Shot", 2026-01-23): from the
/// frontal image of an element, three sets of three other angles. No model, mode or
/// watermark; priced per call ([`crate::pricing::FIXED_PRICES`]).
pub const AI_MULTI_SHOT: EndpointSpec = EndpointSpec {
    id: EndpointId::AiMultiShot,
    name: "ai-multi-shot",
    path: "/v1/general/ai-multi-shot",
    pack: PackType::Image,
    output: Output::AngleSets,
    models: &[],
    default_model: "",
    default_mode: "std",
    seed_fields: &[],
    standard: None,
    solution: None,
    base: r#"{"element_frontal_image": "https://example.com/front.png"}"#,
    fields: &[
        Field::required("element_frontal_image", Ty::Image, r#""$image:png:640x800""#),
        CALLBACK_URL,
        EXTERNAL_TASK_ID,
    ],
    rules: &[],
};

/// The sets an ai-multi-shot task answers, and the angles in each (`url_1` to `url_3`):
/// "three sets of results can be generated for selection each time" (changelog 01/23/2026).
pub const ANGLE_SETS: (u32, u32) = (3, 3);
