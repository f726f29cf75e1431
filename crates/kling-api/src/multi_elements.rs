//! Rule tables of multi-elements video editing (REFERENCE.md §3.9): a selection session
//! (init, add, delete, clear, preview; synchronous, valid 24 hours) and the edit task
//! that adds, swaps or removes what the session selected.
//!
//! `$selection_id` in a base request stands for a live selection session of the caller
//! with a selection, `$spare_selection_id` for a second one (see
//! [`crate::prerequisites`]).

use crate::endpoints::{EndpointId, EndpointSpec, Output, PackType};
use crate::rules::{
    CALLBACK_URL, EXTERNAL_TASK_ID, Expressed, Field, Req, Rule, RuleClass, Ty, VIDEO_ID, VIDEO_ID_OR_URL,
    WATERMARK_INFO,
};
use crate::video::IMAGE_ITEM;

/// Most frames a session may mark.
pub const MAX_FRAMES: usize = 10;
/// Input lengths (ms) a session accepts, with the `duration` each allows.
pub const INPUT_LENGTHS: &[(u64, u64, &str)] = &[(2_000, 5_000, "5"), (7_000, 10_000, "10")];

const POINT: Ty = Ty::Object(&[
    Field::required("x", Ty::Float { min: 0.0, max: 1.0 }, "0.5"),
    Field::required("y", Ty::Float { min: 0.0, max: 1.0 }, "0.5"),
]);
const POINTS: Ty = Ty::Array { item: &POINT, min: 1, max: 10 };
const SESSION: Field = Field::required("session_id", Ty::Str, r#""$selection_id""#);
/// The session of operations that remove selections; a separate one, so that requests
/// which need a selection never race with them.
const SPARE_SESSION: Field = Field::required("session_id", Ty::Str, r#""$spare_selection_id""#);
const FRAME: Field = Field::required("frame_index", Ty::Int { min: 0, max: 100_000 }, "3");

/// `POST /v1/videos/multi-elements/init-selection`: opens a session on a video.
pub const INIT_SELECTION: EndpointSpec = EndpointSpec {
    rules: &[VIDEO_ID_OR_URL],
    ..EndpointSpec::synchronous(
        EndpointId::InitSelection,
        "init-selection",
        "/v1/videos/multi-elements/init-selection",
        r#"{"video_url": "https://example.com/clip.mp4"}"#,
        &[VIDEO_ID, Field::optional("video_url", Ty::HttpUrl, r#""https://example.com/other.mp4""#)],
    )
};

/// `POST /v1/videos/multi-elements/add-selection`: marks points on a frame.
pub const ADD_SELECTION: EndpointSpec = EndpointSpec::synchronous(
    EndpointId::AddSelection,
    "add-selection",
    "/v1/videos/multi-elements/add-selection",
    r#"{"session_id": "$selection_id", "frame_index": 0, "points": [{"x": 0.5, "y": 0.5}]}"#,
    &[SESSION, FRAME, Field::required("points", POINTS, r#"[{"x": 0.25, "y": 0.75}]"#)],
);

/// `POST /v1/videos/multi-elements/delete-selection`: unmarks points of a frame.
pub const DELETE_SELECTION: EndpointSpec = EndpointSpec::synchronous(
    EndpointId::DeleteSelection,
    "delete-selection",
    "/v1/videos/multi-elements/delete-selection",
    r#"{"session_id": "$spare_selection_id", "frame_index": 0, "points": [{"x": 0.5, "y": 0.5}]}"#,
    &[SPARE_SESSION, FRAME, Field::required("points", POINTS, r#"[{"x": 0.25, "y": 0.75}]"#)],
);

/// `POST /v1/videos/multi-elements/clear-selection`: unmarks everything.
pub const CLEAR_SELECTION: EndpointSpec = EndpointSpec::synchronous(
    EndpointId::ClearSelection,
    "clear-selection",
    "/v1/videos/multi-elements/clear-selection",
    r#"{"session_id": "$spare_selection_id"}"#,
    &[SPARE_SESSION],
);

/// `POST /v1/videos/multi-elements/preview-selection`: a video of the tracked selection.
pub const PREVIEW_SELECTION: EndpointSpec = EndpointSpec::synchronous(
    EndpointId::PreviewSelection,
    "preview-selection",
    "/v1/videos/multi-elements/preview-selection",
    r#"{"session_id": "$selection_id"}"#,
    &[SESSION],
);

fn image_count(r: &Req<'_>) -> Result<(), String> {
    let count = r.array("image_list").len();
    let (min, max) = match r.text("edit_mode").as_deref() {
        Some("addition") => (1, 2),
        Some("swap") => (1, 1),
        Some("removal") => (0, 0),
        _ => return Ok(()),
    };
    if (min..=max).contains(&count) {
        return Ok(());
    }
    let mode = r.text("edit_mode").unwrap_or_default();
    Err(match (min, max) {
        (0, 0) => format!("{mode} takes no images ({count} given)"),
        (a, b) if a == b => format!("{mode} takes exactly {a} image ({count} given)"),
        (a, b) => format!("{mode} takes {a} to {b} images ({count} given)"),
    })
}

/// `POST /v1/videos/multi-elements`: the edit task on a session.
pub const MULTI_ELEMENTS: EndpointSpec = EndpointSpec {
    id: EndpointId::MultiElements,
    name: "multi-elements",
    path: "/v1/videos/multi-elements",
    pack: PackType::Video,
    output: Output::Videos,
    models: &["kling-v1-6"],
    default_model: "kling-v1-6",
    default_mode: "std",
    seed_fields: &[],
    standard: None,
    solution: None,
    base: r#"{"session_id": "$selection_id", "edit_mode": "removal", "prompt": "remove the object from <<<video_1>>>"}"#,
    fields: &[
        Field::optional("model_name", Ty::Model, r#""kling-v1-6""#),
        SESSION,
        Field::required("edit_mode", Ty::Enum(&["addition", "swap", "removal"]), r#""removal""#),
        Field::optional(
            "image_list",
            Ty::Array { item: &IMAGE_ITEM, min: 0, max: 2 },
            r#"[{"image": "$image:png:640x360"}]"#,
        )
        .within(r#"{"edit_mode": "swap", "prompt": "swap the object in <<<video_1>>> for <<<image_1>>>"}"#),
        Field::required("prompt", Ty::Text { max_chars: 2500 }, r#""remove it from <<<video_1>>>""#),
        Field::optional("negative_prompt", Ty::Text { max_chars: 2500 }, r#""blur""#),
        Field::optional("mode", Ty::Enum(&["std", "pro"]), r#""pro""#),
        Field::optional("duration", Ty::Enum(&["5", "10"]), r#""5""#),
        WATERMARK_INFO,
        CALLBACK_URL,
        EXTERNAL_TASK_ID,
    ],
    rules: &[
        Rule {
            id: "image_list.per_edit_mode",
            field: "image_list",
            summary: "addition takes 1-2 images, swap exactly 1, removal none",
            class: RuleClass::Structural,
            check: image_count,
            expressed: Expressed::Unstated,
            accept: r#"{"edit_mode": "addition", "image_list": [{"image": "https://example.com/a.png"}, {"image": "https://example.com/b.png"}], "prompt": "add <<<image_1>>> and <<<image_2>>> to <<<video_1>>>"}"#,
            reject: r#"{"edit_mode": "swap", "image_list": [{"image": "https://example.com/a.png"}, {"image": "https://example.com/b.png"}], "prompt": "swap in <<<image_1>>>"}"#,
        },
        Rule {
            id: "prompt.image_references",
            field: "prompt",
            summary: "every <<<image_N>>> names an entry of image_list",
            class: RuleClass::Structural,
            check: |r| crate::rules::check_references(r, "image", r.array("image_list").len(), "image_list"),
            expressed: Expressed::Unstated,
            accept: r#"{"edit_mode": "swap", "image_list": [{"image": "https://example.com/a.png"}], "prompt": "swap in <<<image_1>>>"}"#,
            reject: r#"{"edit_mode": "swap", "image_list": [{"image": "https://example.com/a.png"}], "prompt": "swap in <<<image_2>>>"}"#,
        },
        Rule {
            id: "prompt.video_reference",
            field: "prompt",
            summary: "the only video is <<<video_1>>>",
            class: RuleClass::Structural,
            check: |r| crate::rules::check_references(r, "video", 1, "the session's video"),
            expressed: Expressed::Unstated,
            accept: r#"{"prompt": "clean up <<<video_1>>>"}"#,
            reject: r#"{"prompt": "clean up <<<video_2>>>"}"#,
        },
    ],
};

/// The `duration` an input of `ms` allows, or `None` when the length is not accepted.
pub fn duration_for_input(ms: u64) -> Option<&'static str> {
    INPUT_LENGTHS.iter().find(|(min, max, _)| (*min..=*max).contains(&ms)).map(|(_, _, d)| *d)
}
