//! Rule tables of the account's library (REFERENCE.md §3.17): custom voices and custom
//! elements (created by tasks, deleted synchronously), and image recognition.
//!
//! A custom voice or element exists for its account once its task has succeeded and
//! until it is deleted; other endpoints refer to it through
//! [`crate::references::Known`].

use crate::endpoints::{EndpointId, EndpointSpec, Output, PackType};
use crate::rules::{CALLBACK_URL, EXTERNAL_TASK_ID, Expressed, Field, Rule, RuleClass, Ty, exactly_one};

/// Shortest and longest sample a custom voice is made from (ms).
pub const VOICE_SAMPLE_MS: (u64, u64) = (5_000, 30_000);

/// `POST /v1/general/custom-voices`.
pub const CUSTOM_VOICES: EndpointSpec = EndpointSpec {
    id: EndpointId::CustomVoices,
    name: "custom-voices",
    path: "/v1/general/custom-voices",
    pack: PackType::Video,
    output: Output::Voices,
    models: &[],
    default_model: "",
    default_mode: "std",
    seed_fields: &[],
    standard: None,
    solution: None,
    base: r#"{"voice_name": "Narrator", "voice_url": "https://example.com/sample.mp3"}"#,
    fields: &[
        Field::required("voice_name", Ty::Text { max_chars: 20 }, r#""Grandpa""#),
        Field::optional("voice_url", Ty::HttpUrl, r#""https://example.com/other.wav""#),
        Field::optional("video_id", Ty::Str, r#""$video_id""#).within(r#"{"voice_url": null}"#),
        CALLBACK_URL,
        EXTERNAL_TASK_ID,
    ],
    rules: &[Rule {
        id: "sample.exactly_one",
        field: "voice_url",
        summary: "exactly one of voice_url and video_id",
        class: RuleClass::Structural,
        check: |r| exactly_one(r, "voice_url", "video_id"),
        expressed: Expressed::ExactlyOne("voice_url", "video_id"),
        accept: r#"{"voice_url": null, "video_id": "$video_id"}"#,
        reject: r#"{"voice_url": null}"#,
    }],
};

/// `POST /v1/general/delete-voices` (synchronous).
pub const DELETE_VOICES: EndpointSpec = EndpointSpec::synchronous(
    EndpointId::DeleteVoices,
    "delete-voices",
    "/v1/general/delete-voices",
    r#"{"voice_id": "$voice_id"}"#,
    &[Field::required("voice_id", Ty::Str, r#""$voice_id""#)],
);

const TAG: Ty = Ty::Object(&[Field::required(
    "tag_id",
    Ty::Enum(&["o_101", "o_102", "o_103", "o_104", "o_105", "o_106", "o_107", "o_108"]),
    r#""o_102""#,
)]);
const REFER_IMAGE: Ty = Ty::Object(&[Field::required("image_url", Ty::Image, r#""https://example.com/side.png""#)]);
const IMAGE_LIST: Ty = Ty::Object(&[
    Field::required("frontal_image", Ty::Image, r#""$image:png:640x800""#),
    Field::optional(
        "refer_images",
        Ty::Array { item: &REFER_IMAGE, min: 1, max: 3 },
        r#"[{"image_url": "https://example.com/back.png"}]"#,
    ),
]);
const REFER_VIDEO: Ty = Ty::Object(&[Field::required("video_url", Ty::HttpUrl, r#""https://example.com/turn.mp4""#)]);
const VIDEO_LIST: Ty = Ty::Object(&[Field::required(
    "refer_videos",
    Ty::Array { item: &REFER_VIDEO, min: 1, max: 1 },
    r#"[{"video_url": "https://example.com/turn.mp4"}]"#,
)]);

/// `POST /v1/general/advanced-custom-elements`.
pub const CUSTOM_ELEMENTS: EndpointSpec = EndpointSpec {
    id: EndpointId::CustomElements,
    name: "advanced-custom-elements",
    path: "/v1/general/advanced-custom-elements",
    pack: PackType::Video,
    output: Output::Elements,
    models: &[],
    default_model: "",
    default_mode: "std",
    seed_fields: &[],
    standard: None,
    solution: None,
    base: r#"{"element_name": "Mascot", "element_description": "the shop's fox mascot", "reference_type": "image_refer", "element_image_list": {"frontal_image": "https://example.com/front.png"}}"#,
    fields: &[
        Field::required("element_name", Ty::Text { max_chars: 20 }, r#""Hero""#),
        Field::required("element_description", Ty::Text { max_chars: 100 }, r#""a tall hero in a cape""#),
        Field::required("reference_type", Ty::Enum(&["image_refer", "video_refer"]), r#""image_refer""#),
        Field::optional(
            "element_image_list",
            IMAGE_LIST,
            r#"{"frontal_image": "$image:png:640x800", "refer_images": [{"image_url": "https://example.com/back.png"}]}"#,
        ),
        Field::optional(
            "element_video_list",
            VIDEO_LIST,
            r#"{"refer_videos": [{"video_url": "https://example.com/turn.mp4"}]}"#,
        )
        .within(r#"{"reference_type": "video_refer", "element_image_list": null}"#),
        Field::optional("element_voice_id", Ty::Str, r#""ai_kaiya""#),
        Field::optional("tag_list", Ty::Array { item: &TAG, min: 0, max: 8 }, r#"[{"tag_id": "o_101"}]"#),
        CALLBACK_URL,
        EXTERNAL_TASK_ID,
    ],
    rules: &[
        Rule {
            id: "element_image_list.image_refer",
            field: "element_image_list",
            summary: "image_refer takes element_image_list",
            class: RuleClass::Structural,
            check: |r| match r.text("reference_type").as_deref() {
                Some("image_refer") if !r.present("element_image_list") => Err("is required for image_refer".into()),
                _ => Ok(()),
            },
            expressed: Expressed::When {
                field: "reference_type",
                value: "image_refer",
                then: &Expressed::Present("element_image_list"),
            },
            accept: r#"{"reference_type": "image_refer"}"#,
            reject: r#"{"reference_type": "image_refer", "element_image_list": null}"#,
        },
        Rule {
            id: "element_video_list.video_refer",
            field: "element_video_list",
            summary: "video_refer takes element_video_list",
            class: RuleClass::Structural,
            check: |r| match r.text("reference_type").as_deref() {
                Some("video_refer") if !r.present("element_video_list") => Err("is required for video_refer".into()),
                _ => Ok(()),
            },
            expressed: Expressed::When {
                field: "reference_type",
                value: "video_refer",
                then: &Expressed::Present("element_video_list"),
            },
            accept: r#"{"reference_type": "video_refer", "element_image_list": null, "element_video_list": {"refer_videos": [{"video_url": "https://example.com/turn.mp4"}]}}"#,
            reject: r#"{"reference_type": "video_refer", "element_image_list": null}"#,
        },
        Rule {
            id: "element_voice_id.exists",
            field: "element_voice_id",
            summary: "element_voice_id names a preset voice or a voice of the account",
            class: RuleClass::Structural,
            check: |r| match r.text("element_voice_id") {
                Some(v) if !v.is_empty() && !r.known.voice(&v) => Err(format!("voice {v} does not exist")),
                _ => Ok(()),
            },
            expressed: Expressed::Unstated,
            accept: r#"{"element_voice_id": "uk_boy1"}"#,
            reject: r#"{"element_voice_id": "no-such-voice"}"#,
        },
    ],
};

/// `POST /v1/general/delete-elements` (synchronous).
pub const DELETE_ELEMENTS: EndpointSpec = EndpointSpec::synchronous(
    EndpointId::DeleteElements,
    "delete-elements",
    "/v1/general/delete-elements",
    r#"{"element_id": "$element_id"}"#,
    &[Field::required("element_id", Ty::Str, r#""$element_id""#)],
);

/// `POST /v1/general/delete-advanced-elements` (synchronous): the video element pages'
/// path for the same deletion, on the same store (verified live by a client, AS-CHK).
pub const DELETE_ADVANCED_ELEMENTS: EndpointSpec = EndpointSpec {
    id: EndpointId::DeleteAdvancedElements,
    name: "delete-advanced-elements",
    path: "/v1/general/delete-advanced-elements",
    ..DELETE_ELEMENTS
};

/// `POST /v1/videos/image-recognize` (synchronous).
pub const IMAGE_RECOGNIZE: EndpointSpec = EndpointSpec::synchronous(
    EndpointId::ImageRecognize,
    "image-recognize",
    "/v1/videos/image-recognize",
    r#"{"image": "https://example.com/person.png"}"#,
    &[Field::required("image", Ty::Image, r#""$image:png:640x800""#)],
);

/// What image-recognize reports, in order.
pub const RECOGNITION_TYPES: &[&str] = &["object_seg", "head_seg", "face_seg", "cloth_seg"];
