//! Rule table of video effects (REFERENCE.md §3.10): a named scene applied to one image,
//! or to two for the dual-image scenes.
//!
//! The official list has 219 scenes; the sources name 15 dual-image scenes and a few
//! single-image ones. [`SCENES`] holds every name known. A well-formed name outside it is
//! taken as a single-image scene unless validation is strict
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

/// Every scene name the sources give, with its input.
pub const SCENES: &[(&str, SceneInput)] = &[
    // The dual-image scenes of the current doc (all 15 of them).
    ("pet_skateboard", SceneInput::TwoImages),
    ("daily_ootd", SceneInput::TwoImages),
    ("toss_run", SceneInput::TwoImages),
    ("switch_to_silk", SceneInput::TwoImages),
    ("studio_look", SceneInput::TwoImages),
    ("french_elegance", SceneInput::TwoImages),
    ("finger_swipe", SceneInput::TwoImages),
    ("smooth_transition", SceneInput::TwoImages),
    ("kiss_pro", SceneInput::TwoImages),
    ("snow_night_kiss", SceneInput::TwoImages),
    ("eternal_kiss", SceneInput::TwoImages),
    ("cheers_2026", SceneInput::TwoImages),
    ("fight_pro", SceneInput::TwoImages),
    ("hug_pro", SceneInput::TwoImages),
    ("heart_gesture_pro", SceneInput::TwoImages),
    // The older doc generation's dual-image scenes.
    ("hug", SceneInput::TwoImages),
    ("kiss", SceneInput::TwoImages),
    ("heart_gesture", SceneInput::TwoImages),
    // Single-image scenes named by the sources.
    ("color_mixing", SceneInput::OneImage),
    ("pet_lion_pro", SceneInput::OneImage),
    ("bloombloom", SceneInput::OneImage),
    ("dizzydizzy", SceneInput::OneImage),
    ("fuzzyfuzzy", SceneInput::OneImage),
    ("squish", SceneInput::OneImage),
    ("expansion", SceneInput::OneImage),
];

/// The input a scene takes: from [`SCENES`], or one image for a well-formed unknown name
/// when `strict` is false; `None` when the name is not accepted.
pub fn scene_input(name: &str, strict: bool) -> Option<SceneInput> {
    if let Some((_, input)) = SCENES.iter().find(|(known, _)| *known == name) {
        return Some(*input);
    }
    let well_formed = !name.is_empty()
        && name.len() <= 64
        && name.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
    (!strict && well_formed).then_some(SceneInput::OneImage)
}

fn input_of(r: &Req<'_>) -> Option<SceneInput> {
    scene_input(&r.text("effect_scene").unwrap_or_default(), r.strict_catalogues)
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
        for (i, (name, _)) in SCENES.iter().enumerate() {
            assert!(SCENES[i + 1..].iter().all(|(other, _)| other != name), "{name} listed twice");
        }
        assert_eq!(SCENES.iter().filter(|(_, input)| *input == SceneInput::TwoImages).count(), 18);
        assert_eq!(scene_input("hug_pro", true), Some(SceneInput::TwoImages));
        assert_eq!(scene_input("some_new_scene", false), Some(SceneInput::OneImage));
        assert_eq!(scene_input("some_new_scene", true), None);
        assert_eq!(scene_input("Bad Name", false), None);
    }
}
