//! Rule table of video effects (REFERENCE.md §3.10): a named scene applied to one image,
//! or to two for the dual-image scenes.
//!
//! The official list of 2026-09-20 has 219 scenes (15 take two images); with the ones the
//! changelog launched and retired, [`DUAL_SCENES`] and [`SINGLE_SCENES`] hold every name
//! the sources give, and [`crate::history`] says when each was offered. A well-formed name
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

/// Every other scene name the sources give, current or retired (when each was offered is
/// in [`crate::history`]): one image in `input.image`.
pub const SINGLE_SCENES: &[&str] = &[
    "squish",
    "expansion",
    "fuzzyfuzzy",
    "bloombloom",
    "dizzydizzy",
    "anime_figure",
    "rocketrocket",
    "jelly_press",
    "jelly_slice",
    "jelly_squish",
    "jelly_jiggle",
    "pixelpixel",
    "yearbook",
    "instant_film",
    "pet_moto_rider",
    "running_man",
    "3d_cartoon_2",
    "pet_dance",
    "swing_swing",
    "day_to_night",
    "surfsurf",
    "skateskate",
    "pet_chinese_opera",
    "muscle_pet",
    "gallery_ring",
    "squeeze_screamt",
    "rampage_ape",
    "flyer",
    "dishwasher",
    "feed_mooncake",
    "inner_voice",
    "trampoline",
    "guess_what",
    "pumpkin_head_transform",
    "cute_ghost_transform",
    "knock_knock_halloween",
    "halloween_escape",
    "witch_transform",
    "vampire_transform",
    "demon_transform",
    "mummy_transform",
    "zombie_transform",
    "cute_pumpkin_transform",
    "luminous_elf",
    "guardian_spirit",
    "snowboarding",
    "woodland_elf",
    "swish_swish",
    "pure_white_wings",
    "black_wings",
    "golden_wing",
    "pink_pink_wings",
    "venomous_spider",
    "throne_of_king",
    "balloon_parade",
    "jumping_ginger_joy",
    "bullet_time",
    "bullet_time_lite",
    "firework_2026",
    "santa_gift",
    "scarlet_and_snow",
    "steampunk_christmas",
    "snowglobe",
    "christmas_photo_shoot",
    "ornament_crash",
    "santa_express",
    "instant_christmas",
    "coronation_of_frost",
    "building_sweater",
    "spark_in_the_snow",
    "surprise_bouquet",
    "bouquet_drop",
    "glamour_photo_shoot",
    "box_of_joy",
    "first_toast_of_the_year",
    "my_santa_pic",
    "countdown_teleport",
    "santa_random_surprise",
    "birthday_star",
    "dollar_rain_pro",
    "pet_bee_pro",
    "magic_match_tree",
    "bullet_time_360",
    "happy_birthday",
    "thumbs_up_pro",
    "tiger_hug_pro",
    "pet_lion_pro",
    "drunk_dance",
    "daoma_dance",
    "lion_dance",
    "lucky_money_come",
    "phantom_jewel",
    "zoom_out",
    "drunk_dance_pet",
    "bouncy_dance",
    "smooth_sailing_dance",
    "new_year_greeting",
    "prosperity",
    "great_success",
    "golden_horse_fortune",
    "red_packet_box",
    "lucky_horse_year",
    "lucky_red_packet",
    "lion_dance_pet",
    "dumpling_making_pet",
    "fish_making_pet",
    "pet_red_packet",
    "lantern_glow",
    "expression_challenge",
    "overdrive",
    "heart_gesture_dance",
    "poping",
    "martial_arts",
    "running",
    "nezha",
    "motorcycle_dance",
    "subject_3_dance",
    "ghost_step_dance",
    "new_year_feast",
    "ring_in_new",
    "pet_vlogger",
    "crystal_horse",
    "lateral_shift_transitionl",
    "horse_year_firework",
    "fortune_god_transform",
    "hot_feet_dance",
    "swag_dance",
    "pigeon_dance",
    "chanel_dance",
    "city_to_village",
    "bloodline_dance",
    "cute_dance",
    "love_theme_song",
    "pumpitup_dance",
    "unique_firework",
    "palm_sized_figure",
    "color_mixing",
    "lantern_festival_cuju",
    "tangyuan_to_animal",
    "unique_spring_couplets",
    "horse_mask",
    "fortune_knocks_cartoon",
    "fortune_in_motion",
    "chinese_trend",
    "sedan_chair_dance",
    "skyfall",
    "good_luck_dance",
    "laicai_dance",
    "yangge_dance",
    "horse_year_dance",
    "raid_check",
    "flash_drive",
    "shush_my_dreams",
    "advent_of_flora",
    "perler_beads",
    "spring_bloom",
    "palm_sized_figure_pro",
    "prank_box",
    "lucky_veggie",
    "get_rich_quick",
    "make_it_rain",
    "twist_shake",
    "the_hip_sway",
    "send_my_love",
    "funky_martian",
    "wealth_drive",
    "the_high_kick",
    "the_exercise",
    "tiny_beast_printer",
    "landmark_reveal",
    "winter_charm",
    "flash_ride",
    "shooting_star",
    "sovereign_scepter",
    "return_of_the_king",
    "minimalist_light",
    "martial_meow",
    "knock_at_a_door_revenge",
    "sassy_shake",
    "maestro_of_magic",
    "magic_carpet_ride",
    "good_luck_spirit",
    "sparkler_wand",
    "dirt_rush",
    "dance_with_dragon",
    "korean_baseball",
    "korean_baseball_9_16",
    "spielberg_transition",
    "f1_live",
    "football_live",
    "football_live_9_16",
    "whirling_beverage",
    "tennis_trend",
    "tennis_trend_9_16",
    "football_dance",
    "magic_world_vlog",
    "air_dunk",
    "whirling_beverage_9_16",
    "bicycle_kick",
    "football_dance_2",
    "red_card_sent_off",
    "bra_hot_dance",
    "arg_hot_dance",
    "fra_hot_dance",
    "bra_goal",
    "arg_goal",
    "por_goal",
    "victory_slide",
    "samba_fever",
    "soccer_star",
    "african_sway",
    "jealousy_sway",
    "chubby_fish",
    "shrug_dance",
    "food_splash",
    "dj_pet",
    "pet_diving",
    "disco_paws",
    "pet_fitness",
    "j_var_live",
    "pet_burst",
    "idol_live",
    "puff_cheeks",
    "beast_striker",
    "critter_paste",
    "wiggle_faces_pets",
    "paw_headbang",
    "magic_world_vlog_9_16",
    "makeup_style",
    "hair_dressup",
    "barbie_transform",
    "net_the_fish",
    "birthday_board",
    "summer_fireworks",
    "blow_blaze",
    "champagne_birthday",
    "pet_working_daily",
    "pet_roll_window",
    "pet_crash_earth",
    "celebration",
    "c4d_cartoon",
    "thumbs_up",
    "tiger_hug",
    "pet_lion",
    "3d_cartoon_1",
];

/// The input a scene takes: from [`DUAL_SCENES`] and [`SINGLE_SCENES`], or one image for a well-formed unknown name
/// when `strict` is false; `None` when the name is not accepted.
pub fn scene_input(name: &str, strict: bool) -> Option<SceneInput> {
    if DUAL_SCENES.contains(&name) {
        return Some(SceneInput::TwoImages);
    }
    if SINGLE_SCENES.contains(&name) {
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
        let every: Vec<&str> = DUAL_SCENES.iter().chain(SINGLE_SCENES).copied().collect();
        for (i, name) in every.iter().enumerate() {
            assert!(every[i + 1..].iter().all(|other| other != name), "{name} listed twice");
        }
        assert_eq!(DUAL_SCENES.len(), 19);
        assert_eq!(scene_input("hug_pro", true), Some(SceneInput::TwoImages));
        assert_eq!(scene_input("some_new_scene", false), Some(SceneInput::OneImage));
        assert_eq!(scene_input("some_new_scene", true), None);
        assert_eq!(scene_input("Bad Name", false), None);
    }

    #[test]
    fn todays_catalogue_is_the_official_list_without_the_scene_retired_since() {
        let today = crate::history::Day::latest();
        let offered: Vec<&str> = DUAL_SCENES
            .iter()
            .chain(SINGLE_SCENES)
            .copied()
            .filter(|n| today.value(EndpointId::Effects, "effect_scene", n) == crate::history::Offered::Yes)
            .collect();
        // 219 on the page of 2026-09-20, less magic_match_tree (retired 2026-07-03, FIDELITY.md).
        assert_eq!(offered.len(), 218);
        assert_eq!(offered.iter().filter(|n| DUAL_SCENES.contains(n)).count(), 15);
    }
}
