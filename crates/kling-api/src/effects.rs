//! Rule table of video effects (REFERENCE.md §3.10): a named scene applied to one image,
//! or to two for the dual-image scenes.
//!
//! The official list of 2026-09-20 has 219 scenes (15 take two images); with the ones the
//! changelog launched and retired, the scene entries of [`crate::history`] name every scene
//! the sources give and say when each was offered; [`DUAL_SCENES`] says which take two
//! images. A well-formed name
//! no source gives is taken as a single-image scene unless validation is strict
//! ([`crate::rules::ValidationOptions::strict_catalogues`]); FIDELITY.md records why.

use crate::endpoints::{EndpointId, EndpointSpec, Output, PackType};
use crate::rules::{CALLBACK_URL, EXTERNAL_TASK_ID, Expressed, Field, Req, Rule, RuleClass, Ty};

/// How many images a scene animates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SceneInput {
    /// `input.image`.
    OneImage,
    /// `input.images`, exactly two (left, right).
    TwoImages,
}

/// The scenes that take two images (`input.images`): the 15 of the current page, the older
/// `hug`, `kiss` and `heart_gesture`, and `fight` (inferred from its successor `fight_pro`).
pub const DUAL_SCENES: &[&str] = &[
    "pet_skateboard",
    "daily_ootd",
    "toss_run",
    "switch_to_silk",
    "studio_look",
    "french_elegance",
    "finger_swipe",
    "smooth_transition",
    "kiss_pro",
    "snow_night_kiss",
    "eternal_kiss",
    "cheers_2026",
    "fight_pro",
    "hug_pro",
    "heart_gesture_pro",
    "hug",
    "kiss",
    "heart_gesture",
    "fight",
];

/// The input a scene takes: two images for [`DUAL_SCENES`], one for the other scenes the
/// history dates, or one image for a well-formed unknown name
/// when `strict` is false; `None` when the name is not accepted.
pub fn scene_input(name: &str, strict: bool) -> Option<SceneInput> {
    if DUAL_SCENES.contains(&name) {
        return Some(SceneInput::TwoImages);
    }
    if crate::history::is_dated(EndpointId::Effects, "effect_scene", name) {
        return Some(SceneInput::OneImage);
    }
    let well_formed = !name.is_empty()
        && name.len() <= 64
        && name.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
    (!strict && well_formed).then_some(SceneInput::OneImage)
}

/// The scene's input, `None` for a name not accepted: outside the catalogue (when strict),
/// or not yet launched on the served day (a retired one is refused with the field).
fn input_of(r: &Req<'_>) -> Option<SceneInput> {
    let name = r.text("effect_scene").unwrap_or_default();
    let offered = r.day.value(EndpointId::Effects, "effect_scene", &name) == crate::history::Offered::Yes;
    scene_input(&name, r.strict_catalogues).filter(|_| offered)
}

const INPUT: Ty = Ty::Object(&[
    Field::optional("image", Ty::Image, r#""$image:png:640x800""#),
    Field::optional(
        "images",
        Ty::Array { item: &Ty::Image, min: 2, max: 2 },
        r#"["$image:png:640x800", "https://example.com/right.png"]"#,
    ),
    Field::optional("model_name", Ty::Enum(&["kling-v1", "kling-v1-5", "kling-v1-6"]), r#""kling-v1-6""#),
    Field::optional("mode", Ty::Enum(&["std", "pro"]), r#""pro""#),
    Field::optional("duration", Ty::Enum(&["5", "10"]), r#""10""#),
]);

/// `POST /v1/videos/effects`.
pub const EFFECTS: EndpointSpec = EndpointSpec {
    id: EndpointId::Effects,
    name: "effects",
    path: "/v1/videos/effects",
    pack: PackType::Video,
    output: Output::Videos,
    models: &[],
    default_model: "",
    default_mode: "std",
    seed_fields: &[],
    standard: None,
    solution: None,
    base: r#"{"effect_scene": "color_mixing", "input": {"image": "https://example.com/pet.png"}}"#,
    fields: &[
        Field::required("effect_scene", Ty::Str, r#""squish""#),
        Field::required(
            "input",
            INPUT,
            r#"{"image": null, "images": ["$image:png:640x800", "https://example.com/right.png"], "model_name": "kling-v1-6", "mode": "pro", "duration": "10"}"#,
        )
        .within(r#"{"effect_scene": "hug_pro"}"#),

        CALLBACK_URL,
        EXTERNAL_TASK_ID,
    ],
    rules: &[
        Rule {
            id: "effect_scene.known",
            field: "effect_scene",
            summary: "effect_scene names a scene",
            class: RuleClass::Structural,
            check: |r| match input_of(r) {
                Some(_) => Ok(()),
                None => Err(format!("{} is not an effect scene", r.text("effect_scene").unwrap_or_default())),
            },
            expressed: Expressed::Unstated,
            accept: r#"{"effect_scene": "bloombloom"}"#,
            reject: r#"{"effect_scene": "No Such Scene!"}"#,
        },
        Rule {
            id: "input.image.single_scene",
            field: "input.image",
            summary: "a single-image scene takes input.image and not input.images",
            class: RuleClass::Structural,
            check: |r| {
                if input_of(r) != Some(SceneInput::OneImage) {
                    return Ok(());
                }
                if r.present_at("input.images") {
                    return Err("this scene takes one image in input.image, not input.images".into());
                }
                if !r.present_at("input.image") {
                    return Err("is required for this scene".into());
                }
                Ok(())
            },
            expressed: Expressed::Unstated,
            accept: r#"{"effect_scene": "dizzydizzy", "input": {"image": "https://example.com/a.png"}}"#,
            reject: r#"{"effect_scene": "dizzydizzy", "input": {"image": null, "images": ["https://example.com/a.png", "https://example.com/b.png"]}}"#,
        },
        Rule {
            id: "input.images.dual_scene",
            field: "input.images",
            summary: "a dual-image scene takes exactly two images in input.images",
            class: RuleClass::Structural,
            check: |r| {
                if input_of(r) != Some(SceneInput::TwoImages) || r.present_at("input.images") {
                    return Ok(());
                }
                Err("this scene takes exactly two images in input.images".into())
            },
            expressed: Expressed::Unstated,
            accept: r#"{"effect_scene": "hug_pro", "input": {"image": null, "images": ["https://example.com/a.png", "https://example.com/b.png"]}}"#,
            reject: r#"{"effect_scene": "hug_pro", "input": {"image": "https://example.com/a.png"}}"#,
        },
    ],
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scenes_are_listed_once_and_unknown_names_follow_strictness() {
        for (i, name) in DUAL_SCENES.iter().enumerate() {
            assert!(DUAL_SCENES[i + 1..].iter().all(|other| other != name), "{name} listed twice");
            assert!(crate::history::is_dated(EndpointId::Effects, "effect_scene", name), "{name} has no date");
        }
        assert_eq!(DUAL_SCENES.len(), 19);
        assert_eq!(crate::history::dated_values(EndpointId::Effects, "effect_scene").count(), 264);
        assert_eq!(scene_input("hug_pro", true), Some(SceneInput::TwoImages));
        assert_eq!(scene_input("some_new_scene", false), Some(SceneInput::OneImage));
        assert_eq!(scene_input("some_new_scene", true), None);
        assert_eq!(scene_input("Bad Name", false), None);
    }

    #[test]
    fn todays_catalogue_is_the_official_list_without_the_scene_retired_since() {
        let today = crate::history::Day::latest();
        let offered: Vec<&str> = crate::history::dated_values(EndpointId::Effects, "effect_scene")
            .filter(|n| today.value(EndpointId::Effects, "effect_scene", n) == crate::history::Offered::Yes)
            .collect();
        // 219 on the page of 2026-09-20, less magic_match_tree (retired 2026-07-03, FIDELITY.md).
        assert_eq!(offered.len(), 218);
        assert_eq!(offered.iter().filter(|n| DUAL_SCENES.contains(n)).count(), 15);
    }
}
