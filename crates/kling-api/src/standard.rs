//! The new-standard API of 2026 (REFERENCE-2026.md §a): one create path per operation
//! and model (`POST /text-to-video/kling-3.0`), a body of `prompt` or `contents[]` plus
//! `settings` and `options`, API keys only, tasks queried through `/tasks`.
//!
//! Each endpoint is an [`EndpointSpec`] like the legacy ones, with a [`Standard`] part
//! that says how its path is spelled, what its settings default to and how it is billed,
//! so the router, the engine, the property tests, the contract kit and the OpenAPI
//! document read it through the same catalogue. Tables follow the official pages (their
//! public copies, `docs/api/kling-*.md`); messages follow the recorded answers (§a.7).

use std::borrow::Cow;

use crate::endpoints::{EndpointId, EndpointSpec, Output, PackType};
use crate::image::ImageLimits;
use crate::pricing::{self, Sound, Tier};
use crate::rules::{CALLBACK_URL, EXTERNAL_TASK_ID, Field, ItemKind, Req, Rule, Ty, WATERMARK_INFO};

/// What a new-standard endpoint adds to its [`EndpointSpec`].
#[derive(Debug)]
pub struct Standard {
    /// The operation segment of the path (`text-to-video`).
    pub operation: &'static str,
    /// The model segment of the path (`kling-3.0`), also the task's model name.
    pub model: &'static str,
    /// Other model segments the real service answers on the same endpoint (PROBE:
    /// `/omni-video/kling-v3-omni`).
    pub aliases: &'static [&'static str],
    /// `settings.resolution` when absent.
    pub default_resolution: &'static str,
    /// `settings.duration` when absent (seconds); motion control follows its video.
    pub default_duration: u32,
    /// The family in the price table ([`pricing::VIDEO_PRICES`]).
    pub price_family: &'static str,
    /// Whether the output always has native audio (3.0 Turbo, priced that way).
    pub always_audio: bool,
}

/// The path operations of the new-standard API.
pub const OPERATIONS: &[&str] = &["text-to-video", "image-to-video", "motion-control", "omni-video"];

/// The recorded answer for a model segment no endpoint serves (PROBE).
pub const MODEL_NOT_SUPPORTED: &str = "model is not supported";

/// Images of the new-standard API: jpg/png, at most 50 MB, sides at least 300 px, aspect
/// between 1:2.5 and 2.5:1 (every video page).
pub const IMAGE_LIMITS: ImageLimits =
    ImageLimits { max_bytes: 50 * 1024 * 1024, min_side: 300, max_side: None, max_aspect: 2.5 };
const IMAGE: Ty = Ty::ImageWithin(&IMAGE_LIMITS);

/// `settings.seed`: not on the pages, but the live validator checks it (PROBE).
const SEED: Field = Field::optional("seed", Ty::Int { min: 0, max: 2_147_483_647 }, "42");
const OPTIONS: Field = Field::optional(
    "options",
    Ty::Object(&[CALLBACK_URL, EXTERNAL_TASK_ID, WATERMARK_INFO]),
    r#"{"watermark_info": {"enabled": true}}"#,
);
const RESOLUTIONS_HD: &[&str] = &["720p", "1080p"];
const RESOLUTIONS_4K: &[&str] = &["720p", "1080p", "4k"];
const ASPECT_RATIOS: &[&str] = &["16:9", "9:16", "1:1"];
const DURATIONS_3_15: Ty = Ty::Int { min: 3, max: 15 };
/// The settings most endpoints share word for word.
const RESOLUTION_HD: Field = Field::optional("resolution", Ty::Enum(RESOLUTIONS_HD), r#""1080p""#);
const ASPECT_RATIO: Field = Field::optional("aspect_ratio", Ty::Enum(ASPECT_RATIOS), r#""9:16""#);
const MULTI_SHOT: Field = Field::optional("multi_shot", Ty::Bool, "false");
const DURATIONS_5_10: Ty = Ty::OneOf(&[5, 10]);

const PROMPT_2500: &[Field] = &[Field::required("text", Ty::Text { max_chars: 2500 }, r#""a cat""#)];
const PROMPT_3072: &[Field] = &[Field::required("text", Ty::Text { max_chars: 3072 }, r#""a cat""#)];
/// The `prompt` item: at most one, `min` of them required.
const fn prompt_item(text: &'static [Field], min: usize) -> ItemKind {
    ItemKind::new("prompt", text, min, 1)
}
const IMAGE_URL: Field = Field::required("url", IMAGE, r#""https://example.com/frame.png""#);
const VIDEO_URL: Field = Field::required("url", Ty::HttpUrl, r#""https://example.com/clip.mp4""#);
const ITEM_ID: Field = Field::optional("id", Ty::Str, r#""image_1""#);
const FIRST_FRAME: ItemKind = ItemKind::new("first_frame", &[IMAGE_URL], 1, 1);
const LAST_FRAME: ItemKind = ItemKind::new("last_frame", &[IMAGE_URL], 0, 1);
const ELEMENT_FIELDS: &[Field] =
    &[Field::optional("element_id", Ty::Str, r#""1""#), Field::required("id", Ty::Str, r#""element_1""#)];
const fn element_item(max: usize) -> ItemKind {
    ItemKind::new("element", ELEMENT_FIELDS, 0, max)
}

/// The request's length in seconds: `settings.duration`, or the endpoint's default.
fn duration_of(r: &Req<'_>, standard: &Standard) -> u32 {
    r.number_at("settings.duration").map_or(standard.default_duration, |d| d.clamp(0.0, 600.0) as u32)
}

/// `settings.resolution` or its default, as the engine's mode.
pub fn resolution<'a>(r: &Req<'a>, standard: &Standard) -> Cow<'a, str> {
    r.setting("resolution").filter(|s| !s.is_empty()).unwrap_or(Cow::Borrowed(standard.default_resolution))
}

/// What the task's price depends on, from its settings and contents.
pub fn billing(spec: &EndpointSpec, r: &Req<'_>) -> Option<pricing::Basis> {
    let standard = spec.standard?;
    let sound = match r.setting("audio").as_deref() {
        _ if standard.always_audio => Sound::Native,
        Some("native") => Sound::Native,
        Some("original") => Sound::Original,
        _ => Sound::Off,
    };
    Some(pricing::Basis {
        family: Some(standard.price_family),
        tier: Tier::of(Some(&resolution(r, standard))),
        seconds: seconds(spec, r),
        sound,
        voice_control: r.has_item("voice"),
        video_input: r.has_item("feature_video") || r.has_item("base_video"),
        motion_control: standard.operation == "motion-control",
        ..pricing::Basis::new(spec.id, r.model)
    })
}

/// The seconds a new-standard request asks for (motion control: its motion video's,
/// when the emulator served it, otherwise 5).
pub fn seconds(spec: &EndpointSpec, r: &Req<'_>) -> u32 {
    let Some(standard) = spec.standard else { return r.duration };
    if standard.operation == "motion-control" {
        let video_ms =
            r.items("video").next().and_then(|v| r.text_in(v, "url")).and_then(|u| crate::media::emulator_video_ms(&u));
        return video_ms.map_or(standard.default_duration, |ms| u32::try_from(ms.div_ceil(1000)).unwrap_or(u32::MAX));
    }
    duration_of(r, standard)
}

// ----- cross-field rules -----

fn native_needs_1080p(r: &Req<'_>) -> Result<(), String> {
    if r.setting("audio").as_deref() == Some("native") && r.mode != "1080p" {
        return Err("settings.resolution must be '1080p' when settings.audio is 'native'".to_owned());
    }
    Ok(())
}

fn last_frame_needs_1080p(r: &Req<'_>) -> Result<(), String> {
    if r.has_item("last_frame") && r.mode != "1080p" {
        return Err("settings.resolution must be '1080p' with a first and a last frame".to_owned());
    }
    Ok(())
}

fn voices_need_audio(r: &Req<'_>) -> Result<(), String> {
    if r.has_item("voice") && r.setting("audio").as_deref() != Some("native") {
        return Err("settings.audio must be 'native' when a voice is given".to_owned());
    }
    Ok(())
}

/// `Invalid element id: ` for a blank id, `Element id not found: N` for one the account
/// does not have (both recorded, FS).
fn elements_exist(r: &Req<'_>) -> Result<(), String> {
    for item in r.items("element") {
        let raw = r.text_in(item, "element_id").unwrap_or_default();
        let Some(id) = raw.trim().parse::<u64>().ok().filter(|id| *id > 0) else {
            return Err(format!("Invalid element id: {raw}"));
        };
        if !r.known.element(id) {
            return Err(format!("Element id not found: {id}"));
        }
    }
    Ok(())
}

/// Item ids name what prompts refer to with `@id`: "the current parameters in the same
/// task must not be duplicated" (every page with `id`).
fn ids_are_unique(r: &Req<'_>) -> Result<(), String> {
    let ids: Vec<Cow<'_, str>> = r.array("contents").iter().filter_map(|item| r.text_in(item, "id")).collect();
    for (i, id) in ids.iter().enumerate() {
        if !id.is_empty() && ids[..i].contains(id) {
            return Err(format!("contents id value '{id}' is invalid: ids must be unique"));
        }
    }
    Ok(())
}

/// `audio: original` keeps a reference video's sound: without one the live service
/// answers the recorded message (PROBE on kling-v3-omni).
fn original_audio_needs_video(r: &Req<'_>) -> Result<(), String> {
    if r.setting("audio").as_deref() == Some("original") && !r.has_item("feature_video") && !r.has_item("base_video") {
        return Err("audio mode 'original' is not supported by the current model".to_owned());
    }
    Ok(())
}

fn one_reference_video(r: &Req<'_>) -> Result<(), String> {
    if r.items("feature_video").count() + r.items("base_video").count() > 1 {
        return Err("contents can have at most 1 reference video (feature_video or base_video)".to_owned());
    }
    Ok(())
}

fn feature_video_settings(r: &Req<'_>) -> Result<(), String> {
    if !r.has_item("feature_video") {
        return Ok(());
    }
    if r.setting("audio").as_deref() == Some("native") {
        return Err("settings.audio cannot be 'native' with a feature_video".to_owned());
    }
    Ok(())
}

fn feature_video_multi_shot(r: &Req<'_>) -> Result<(), String> {
    if r.has_item("feature_video") && !r.setting_flag("multi_shot", true) {
        return Err("settings.multi_shot can only be true with a feature_video".to_owned());
    }
    Ok(())
}

fn base_video_alone(r: &Req<'_>) -> Result<(), String> {
    if r.has_item("base_video") && (r.has_item("first_frame") || r.has_item("last_frame")) {
        return Err("a base_video cannot be combined with a first_frame or last_frame".to_owned());
    }
    Ok(())
}

fn base_video_settings(r: &Req<'_>, multi_shot_default: bool) -> Result<(), String> {
    if !r.has_item("base_video") {
        return Ok(());
    }
    if r.setting("audio").as_deref() == Some("native") {
        return Err("settings.audio cannot be 'native' with a base_video".to_owned());
    }
    if r.setting_flag("multi_shot", multi_shot_default) {
        return Err("settings.multi_shot must be false with a base_video".to_owned());
    }
    Ok(())
}

/// Reference images and elements together: at most 7, or 4 with a reference video
/// (omni 3.0 and O1 pages; every element counted as a multi-image element).
fn reference_counts(r: &Req<'_>) -> Result<(), String> {
    let with_video = r.has_item("feature_video") || r.has_item("base_video");
    let limit = if with_video { 4 } else { 7 };
    let count = r.items("refer_image").count() + r.items("element").count();
    if count > limit {
        let context = if with_video { "with a reference video" } else { "without a reference video" };
        return Err(format!("refer_image and element items together must not exceed {limit} {context}, got {count}"));
    }
    Ok(())
}

fn o1_first_and_last_alone(r: &Req<'_>) -> Result<(), String> {
    if r.has_item("last_frame") && (r.has_item("refer_image") || r.has_item("element")) {
        return Err("with a first and a last frame, no refer_image or element can be added".to_owned());
    }
    if r.has_item("last_frame") && r.has_item("feature_video") {
        return Err("a feature_video supports a first frame only, not a last frame".to_owned());
    }
    Ok(())
}

fn o1_first_frame_duration(r: &Req<'_>) -> Result<(), String> {
    let first_only = r.has_item("first_frame")
        && !r.has_item("refer_image")
        && !r.has_item("feature_video")
        && !r.has_item("base_video");
    if first_only && r.duration != 5 && r.duration != 10 {
        return Err(format!(
            "settings.duration value '{}' is invalid: a first frame alone makes 5 or 10 s",
            r.duration
        ));
    }
    Ok(())
}

/// The multi-shot prompt syntax `shot n, m, words; ...` (3.0 family): 1 to 6 shots,
/// each at least 1 s, words at most 512 characters, durations adding up to the video's.
/// A prompt that does not use the syntax is an ordinary prompt.
fn multi_shot_prompt(r: &Req<'_>) -> Result<(), String> {
    if !r.setting_flag("multi_shot", true) {
        return Ok(());
    }
    let prompt = r.prompt_text().unwrap_or_default();
    let Some(shots) = shots(&prompt) else { return Ok(()) };
    if shots.is_empty() || shots.len() > 6 {
        return Err(format!("prompt has {} shots; a multi-shot prompt has 1 to 6", shots.len()));
    }
    if let Some((n, _, _)) = shots.iter().find(|(_, seconds, _)| *seconds < 1) {
        return Err(format!("prompt shot {n} lasts less than 1 s"));
    }
    if let Some((n, _, _)) = shots.iter().find(|(_, _, words)| *words > 512) {
        return Err(format!("prompt shot {n} is longer than 512 characters"));
    }
    let total: u32 = shots.iter().map(|(_, seconds, _)| *seconds).sum();
    if total != r.duration {
        return Err(format!("prompt shot durations add up to {total} s; settings.duration is {} s", r.duration));
    }
    Ok(())
}

/// The shots of a multi-shot prompt as `(n, seconds, characters of words)`, or `None`
/// when the prompt does not start with `shot `.
pub fn shots(prompt: &str) -> Option<Vec<(u32, u32, usize)>> {
    let trimmed = prompt.trim();
    if !trimmed.get(..5).is_some_and(|head| head.eq_ignore_ascii_case("shot ")) {
        return None;
    }
    let mut out = Vec::new();
    for part in trimmed.split(';').map(str::trim).filter(|p| !p.is_empty()) {
        let body = part.get(..5).filter(|h| h.eq_ignore_ascii_case("shot ")).map(|_| &part[5..])?;
        let mut fields = body.splitn(3, ',');
        let n = fields.next()?.trim().parse().ok()?;
        let seconds = fields.next()?.trim().parse().ok()?;
        let words = fields.next().map_or(0, |w| w.trim().chars().count());
        out.push((n, seconds, words));
    }
    Some(out)
}

const ELEMENTS_EXIST: Rule = Rule::structural(
    "element.exists",
    "element",
    "every element_id is a preset element or one of the account's",
    elements_exist,
    r#"{}"#,
    r#"{"contents": [{"type": "prompt", "text": "@element_1 waves"}, {"type": "first_frame", "url": "https://example.com/first.png"}, {"type": "element", "element_id": "999999", "id": "element_1"}]}"#,
);
const ELEMENTS_EXIST_MOTION: Rule = Rule::structural(
    "element.exists",
    "element",
    "every element_id is a preset element or one of the account's",
    elements_exist,
    r#"{}"#,
    r#"{"contents": [{"type": "image", "url": "https://example.com/person.png"}, {"type": "video", "url": "https://example.com/dance.mp4"}, {"type": "element", "element_id": "", "id": "element_1"}]}"#,
);
const IDS_UNIQUE: Rule = Rule::structural(
    "contents.unique_ids",
    "contents",
    "item ids (what @id in the prompt names) are unique",
    ids_are_unique,
    r#"{}"#,
    r#"{"contents": [{"type": "prompt", "text": "@e waves"}, {"type": "first_frame", "url": "https://example.com/first.png"}, {"type": "element", "element_id": "1", "id": "e"}, {"type": "element", "element_id": "2", "id": "e"}]}"#,
);
const IDS_UNIQUE_VOICES: Rule = Rule::structural(
    "contents.unique_ids",
    "contents",
    "item ids (what @id in the prompt names) are unique",
    ids_are_unique,
    r#"{}"#,
    r#"{"contents": [{"type": "prompt", "text": "@1 sings"}, {"type": "first_frame", "url": "https://example.com/first.png"}, {"type": "voice", "voice_id": "ai_shatang", "id": "1"}, {"type": "voice", "voice_id": "ai_kaiya", "id": "1"}], "settings": {"audio": "native", "resolution": "1080p"}}"#,
);
const MULTI_SHOT_T2V: Rule = Rule::structural(
    "prompt.multi_shot",
    "prompt",
    "a multi-shot prompt (shot n, m, words;) has 1-6 shots of at least 1 s adding up to settings.duration",
    multi_shot_prompt,
    r#"{"prompt": "shot 1, 2, a cat wakes up; shot 2, 3, the cat walks to the sea;", "settings": {"duration": 5}}"#,
    r#"{"prompt": "shot 1, 2, a cat wakes up; shot 2, 4, the cat walks to the sea;", "settings": {"duration": 5}}"#,
);
const MULTI_SHOT_ITEMS: Rule = Rule::structural(
    "prompt.multi_shot",
    "prompt",
    "a multi-shot prompt (shot n, m, words;) has 1-6 shots of at least 1 s adding up to settings.duration",
    multi_shot_prompt,
    r#"{"contents": [{"type": "prompt", "text": "shot 1, 2, a cat wakes up; shot 2, 3, the cat walks;"}, {"type": "first_frame", "url": "https://example.com/first.png"}], "settings": {"duration": 5}}"#,
    r#"{"contents": [{"type": "prompt", "text": "shot 1, 2, a cat wakes up; shot 2, 4, the cat walks;"}, {"type": "first_frame", "url": "https://example.com/first.png"}], "settings": {"duration": 5}}"#,
);

const T2V_BASE: &str = r#"{"prompt": "a cat walks on the beach"}"#;
const I2V_BASE: &str = r#"{"contents": [{"type": "prompt", "text": "a cat walks"}, {"type": "first_frame", "url": "https://example.com/first.png"}]}"#;
const MOTION_BASE: &str = r#"{"contents": [{"type": "image", "url": "https://example.com/person.png"}, {"type": "video", "url": "https://example.com/dance.mp4"}], "settings": {"character_orientation": "video"}}"#;
const OMNI_BASE: &str = r#"{"contents": [{"type": "prompt", "text": "a parrot changes colour"}]}"#;

macro_rules! standard_endpoint {
    (
        $const:ident, $id:ident, $operation:literal, $model:literal, aliases: $aliases:expr,
        default_duration: $duration:literal, price: $family:literal, always_audio: $audio:literal,
        fields: $fields:expr, rules: $rules:expr, base: $base:expr $(,)?
    ) => {
        #[doc = concat!("`POST /", $operation, "/", $model, "`.")]
        pub const $const: EndpointSpec = EndpointSpec {
            id: EndpointId::$id,
            name: concat!($operation, "/", $model),
            path: concat!("/", $operation, "/", $model),
            pack: PackType::Video,
            output: Output::Videos,
            models: &[$model],
            default_model: $model,
            default_mode: "720p",
            fields: $fields,
            rules: $rules,
            base: $base,
            seed_fields: &[],
            solution: None,
            standard: Some(&Standard {
                operation: $operation,
                model: $model,
                aliases: $aliases,
                default_resolution: "720p",
                default_duration: $duration,
                price_family: $family,
                always_audio: $audio,
            }),
        };
    };
}

const fn settings(fields: &'static [Field], example: &'static str) -> Field {
    Field::optional("settings", Ty::Object(fields), example)
}

standard_endpoint!(
    TEXT_TO_VIDEO_30_TURBO, TextToVideo30Turbo, "text-to-video", "kling-3.0-turbo", aliases: &[],
    default_duration: 5, price: "kling-3.0-turbo", always_audio: true,
    fields: &[
        Field::required("prompt", Ty::Text { max_chars: 3072 }, r#""a cat""#),
        settings(&[
            RESOLUTION_HD,
            ASPECT_RATIO,
            Field::optional("duration", DURATIONS_3_15, "3"),
            SEED,
        ], r#"{"duration": 3, "resolution": "720p", "aspect_ratio": "9:16"}"#),
        OPTIONS,
    ],
    rules: &[MULTI_SHOT_T2V],
    base: T2V_BASE,
);

standard_endpoint!(
    IMAGE_TO_VIDEO_30_TURBO, ImageToVideo30Turbo, "image-to-video", "kling-3.0-turbo", aliases: &[],
    default_duration: 5, price: "kling-3.0-turbo", always_audio: true,
    fields: &[
        Field::required("contents", Ty::Items(&[prompt_item(PROMPT_2500, 0), FIRST_FRAME]), I2V_CONTENTS),
        settings(&[
            RESOLUTION_HD,
            Field::optional("duration", DURATIONS_3_15, "10"),
            SEED,
        ], r#"{"resolution": "1080p", "duration": 10}"#),
        OPTIONS,
    ],
    rules: &[MULTI_SHOT_ITEMS],
    base: I2V_BASE,
);

const I2V_CONTENTS: &str =
    r#"[{"type": "prompt", "text": "a cat walks"}, {"type": "first_frame", "url": "$image:png:640x360"}]"#;
const I2V_FRAMES: &str = r#"[{"type": "prompt", "text": "a cat walks"}, {"type": "first_frame", "url": "$image:png:640x360"}, {"type": "last_frame", "url": "https://example.com/last.png"}]"#;

standard_endpoint!(
    TEXT_TO_VIDEO_30, TextToVideo30, "text-to-video", "kling-3.0", aliases: &[],
    default_duration: 5, price: "kling-3.0", always_audio: false,
    fields: &[
        Field::required("prompt", Ty::Text { max_chars: 3072 }, r#""a cat""#),
        settings(&[
            MULTI_SHOT,
            Field::optional("audio", Ty::Enum(&["native", "off"]), r#""native""#),
            Field::optional("resolution", Ty::Enum(RESOLUTIONS_4K), r#""4k""#),
            Field::optional("aspect_ratio", Ty::Enum(ASPECT_RATIOS), r#""16:9""#),
            Field::optional("duration", DURATIONS_3_15, "15"),
            SEED,
        ], r#"{"resolution": "4k", "aspect_ratio": "16:9", "duration": 15, "audio": "off", "multi_shot": true}"#),
        OPTIONS,
    ],
    rules: &[MULTI_SHOT_T2V],
    base: T2V_BASE,
);

standard_endpoint!(
    IMAGE_TO_VIDEO_30, ImageToVideo30, "image-to-video", "kling-3.0", aliases: &[],
    default_duration: 5, price: "kling-3.0", always_audio: false,
    fields: &[
        Field::required(
            "contents",
            Ty::Items(&[prompt_item(PROMPT_3072, 0), FIRST_FRAME, LAST_FRAME, element_item(3)]),
            r#"[{"type": "prompt", "text": "@element_1 walks"}, {"type": "first_frame", "url": "$image:png:640x360"}, {"type": "last_frame", "url": "https://example.com/last.png"}, {"type": "element", "element_id": "1", "id": "element_1"}]"#,
        ),
        settings(&[
            MULTI_SHOT,
            Field::optional("audio", Ty::Enum(&["native", "off"]), r#""native""#),
            Field::optional("resolution", Ty::Enum(RESOLUTIONS_4K), r#""4k""#),
            Field::optional("duration", DURATIONS_3_15, "10"),
            SEED,
        ], r#"{"resolution": "4k", "duration": 10, "audio": "off", "multi_shot": false}"#),
        OPTIONS,
    ],
    rules: &[ELEMENTS_EXIST, IDS_UNIQUE, MULTI_SHOT_ITEMS],
    base: I2V_BASE,
);

const MOTION_IMAGE: ItemKind = ItemKind::new("image", &[IMAGE_URL], 1, 1);
const MOTION_VIDEO: ItemKind = ItemKind::new("video", &[VIDEO_URL], 1, 1);
const MOTION_SETTINGS: Field = Field::required(
    "settings",
    Ty::Object(&[
        Field::required("character_orientation", Ty::Enum(&["image", "video"]), r#""image""#),
        Field::optional("audio", Ty::Enum(&["original", "off"]), r#""off""#),
        RESOLUTION_HD,
        SEED,
    ]),
    r#"{"character_orientation": "video", "resolution": "1080p", "audio": "original"}"#,
);
const MOTION_CONTENTS: &str = r#"[{"type": "prompt", "text": "the girl dances"}, {"type": "image", "url": "$image:png:640x360"}, {"type": "video", "url": "https://example.com/dance.mp4"}]"#;

standard_endpoint!(
    MOTION_CONTROL_30, MotionControl30, "motion-control", "kling-3.0", aliases: &[],
    default_duration: 5, price: "kling-3.0", always_audio: false,
    fields: &[
        Field::required(
            "contents",
            Ty::Items(&[prompt_item(PROMPT_2500, 0), MOTION_IMAGE, MOTION_VIDEO, element_item(1)]),
            r#"[{"type": "prompt", "text": "@element_1 dances"}, {"type": "image", "url": "$image:png:640x360"}, {"type": "video", "url": "https://example.com/dance.mp4"}, {"type": "element", "element_id": "1", "id": "element_1"}]"#,
        ),
        MOTION_SETTINGS,
        OPTIONS,
    ],
    rules: &[ELEMENTS_EXIST_MOTION],
    base: MOTION_BASE,
);

/// The rules both omni-video endpoints share, then each one's own.
macro_rules! omni_rules {
    ($($own:expr),* $(,)?) => {
        &[
            ELEMENTS_EXIST,
            IDS_UNIQUE,
            LAST_NEEDS_FIRST,
            ONE_REFERENCE_VIDEO,
            BASE_VIDEO_ALONE,
            REFERENCE_COUNTS,
            ORIGINAL_AUDIO,
            $($own,)*
        ]
    };
}

const REFER_IMAGE: ItemKind = ItemKind::new("refer_image", &[IMAGE_URL, ITEM_ID], 0, 7);
const FEATURE_VIDEO: ItemKind = ItemKind::new("feature_video", &[VIDEO_URL, ITEM_ID], 0, 1);
const BASE_VIDEO: ItemKind = ItemKind::new("base_video", &[VIDEO_URL, ITEM_ID], 0, 1);
const OMNI_FRAME_FIELDS: &[Field] = &[IMAGE_URL, ITEM_ID];
const OMNI_FIRST: ItemKind = ItemKind::new("first_frame", OMNI_FRAME_FIELDS, 0, 1);
const OMNI_LAST: ItemKind = ItemKind::new("last_frame", OMNI_FRAME_FIELDS, 0, 1);
const OMNI_CONTENTS: &str = r#"[{"type": "prompt", "text": "@image_2 in the style of @image_1"}, {"type": "first_frame", "url": "$image:png:640x360", "id": "image_1"}, {"type": "refer_image", "url": "https://example.com/ref.png", "id": "image_2"}, {"type": "element", "element_id": "1", "id": "element_1"}]"#;

/// A last frame needs a first frame ("first frame only" and "first + last" only).
fn last_needs_first(r: &Req<'_>) -> Result<(), String> {
    if r.has_item("last_frame") && !r.has_item("first_frame") {
        return Err("contents must have an item of type 'first_frame' when a last_frame is given".to_owned());
    }
    Ok(())
}

const LAST_NEEDS_FIRST: Rule = Rule::structural(
    "last_frame.needs_first_frame",
    "first_frame",
    "a last_frame only with a first_frame",
    last_needs_first,
    r#"{"contents": [{"type": "prompt", "text": "a parrot"}, {"type": "first_frame", "url": "https://example.com/a.png"}, {"type": "last_frame", "url": "https://example.com/b.png"}]}"#,
    r#"{"contents": [{"type": "prompt", "text": "a parrot"}, {"type": "last_frame", "url": "https://example.com/b.png"}]}"#,
);
const ONE_REFERENCE_VIDEO: Rule = Rule::structural(
    "reference_video.one",
    "reference video",
    "at most one reference video (feature_video or base_video)",
    one_reference_video,
    r#"{"contents": [{"type": "prompt", "text": "a parrot"}, {"type": "feature_video", "url": "https://example.com/a.mp4"}]}"#,
    r#"{"contents": [{"type": "prompt", "text": "a parrot"}, {"type": "feature_video", "url": "https://example.com/a.mp4"}, {"type": "base_video", "url": "https://example.com/b.mp4"}], "settings": {"multi_shot": false}}"#,
);
const BASE_VIDEO_ALONE: Rule = Rule::structural(
    "base_video.no_frames",
    "base_video",
    "a base_video defines no first or last frame",
    base_video_alone,
    r#"{"contents": [{"type": "prompt", "text": "a parrot"}, {"type": "base_video", "url": "https://example.com/a.mp4"}], "settings": {"multi_shot": false}}"#,
    r#"{"contents": [{"type": "prompt", "text": "a parrot"}, {"type": "base_video", "url": "https://example.com/a.mp4"}, {"type": "first_frame", "url": "https://example.com/a.png"}], "settings": {"multi_shot": false}}"#,
);
const REFERENCE_COUNTS: Rule = Rule::structural(
    "refer_image.count",
    "refer_image",
    "reference images and elements together: at most 7, at most 4 with a reference video",
    reference_counts,
    r#"{"contents": [{"type": "prompt", "text": "a parrot"}, {"type": "feature_video", "url": "https://example.com/a.mp4"}, {"type": "refer_image", "url": "https://example.com/1.png"}, {"type": "refer_image", "url": "https://example.com/2.png"}, {"type": "refer_image", "url": "https://example.com/3.png"}, {"type": "refer_image", "url": "https://example.com/4.png"}]}"#,
    r#"{"contents": [{"type": "prompt", "text": "a parrot"}, {"type": "feature_video", "url": "https://example.com/a.mp4"}, {"type": "refer_image", "url": "https://example.com/1.png"}, {"type": "refer_image", "url": "https://example.com/2.png"}, {"type": "refer_image", "url": "https://example.com/3.png"}, {"type": "refer_image", "url": "https://example.com/4.png"}, {"type": "refer_image", "url": "https://example.com/5.png"}]}"#,
);
const ORIGINAL_AUDIO: Rule = Rule::structural(
    "audio.original_needs_video",
    "audio",
    "audio 'original' keeps a reference video's sound, so it needs one",
    original_audio_needs_video,
    r#"{"contents": [{"type": "prompt", "text": "a parrot"}, {"type": "feature_video", "url": "https://example.com/a.mp4"}], "settings": {"audio": "original"}}"#,
    r#"{"settings": {"audio": "original"}}"#,
);

standard_endpoint!(
    OMNI_VIDEO_30, OmniVideo30, "omni-video", "kling-3.0-omni", aliases: &["kling-v3-omni"],
    default_duration: 5, price: "kling-3.0-omni", always_audio: false,
    fields: &[
        Field::required(
            "contents",
            Ty::Items(&[prompt_item(PROMPT_3072, 1), OMNI_FIRST, OMNI_LAST, REFER_IMAGE, FEATURE_VIDEO, BASE_VIDEO, element_item(7)]),
            OMNI_CONTENTS,
        ),
        settings(&[
            MULTI_SHOT,
            Field::optional("audio", Ty::Enum(&["native", "original", "off"]), r#""native""#),
            Field::optional("resolution", Ty::Enum(RESOLUTIONS_4K), r#""1080p""#),
            ASPECT_RATIO,
            Field::optional("duration", DURATIONS_3_15, "10"),
            SEED,
        ], r#"{"resolution": "1080p", "duration": 5, "audio": "native", "multi_shot": false}"#),
        OPTIONS,
    ],
    rules: omni_rules![
        Rule::structural(
            "feature_video.audio",
            "audio",
            "no native audio with a feature_video",
            feature_video_settings,
            r#"{"contents": [{"type": "prompt", "text": "a parrot"}, {"type": "feature_video", "url": "https://example.com/a.mp4"}], "settings": {"audio": "off"}}"#,
            r#"{"contents": [{"type": "prompt", "text": "a parrot"}, {"type": "feature_video", "url": "https://example.com/a.mp4"}], "settings": {"audio": "native"}}"#
        ),
        Rule::structural(
            "feature_video.multi_shot",
            "multi_shot",
            "multi_shot stays true with a feature_video",
            feature_video_multi_shot,
            r#"{"contents": [{"type": "prompt", "text": "a parrot"}, {"type": "feature_video", "url": "https://example.com/a.mp4"}], "settings": {"multi_shot": true}}"#,
            r#"{"contents": [{"type": "prompt", "text": "a parrot"}, {"type": "feature_video", "url": "https://example.com/a.mp4"}], "settings": {"multi_shot": false}}"#
        ),
        Rule::structural(
            "base_video.settings",
            "base_video",
            "a base_video makes no multi-shot video and no native audio",
            |r| base_video_settings(r, true),
            r#"{"contents": [{"type": "prompt", "text": "a parrot"}, {"type": "base_video", "url": "https://example.com/a.mp4"}], "settings": {"multi_shot": false, "audio": "original"}}"#,
            r#"{"contents": [{"type": "prompt", "text": "a parrot"}, {"type": "base_video", "url": "https://example.com/a.mp4"}]}"#
        ),
        MULTI_SHOT_ITEMS_OMNI,
    ],
    base: OMNI_BASE,
);

const MULTI_SHOT_ITEMS_OMNI: Rule = Rule::structural(
    "prompt.multi_shot",
    "prompt",
    "a multi-shot prompt (shot n, m, words;) has 1-6 shots of at least 1 s adding up to settings.duration",
    multi_shot_prompt,
    r#"{"contents": [{"type": "prompt", "text": "shot 1, 2, a parrot wakes up; shot 2, 3, it flies;"}], "settings": {"duration": 5}}"#,
    r#"{"contents": [{"type": "prompt", "text": "shot 1, 2, a parrot wakes up; shot 2, 4, it flies;"}], "settings": {"duration": 5}}"#,
);

standard_endpoint!(
    OMNI_VIDEO_O1, OmniVideoO1, "omni-video", "kling-o1", aliases: &[],
    default_duration: 5, price: "kling-o1", always_audio: false,
    fields: &[
        Field::required(
            "contents",
            Ty::Items(&[prompt_item(PROMPT_2500, 1), OMNI_FIRST, OMNI_LAST, REFER_IMAGE, FEATURE_VIDEO, BASE_VIDEO, element_item(7)]),
            r#"[{"type": "prompt", "text": "@image_2 in the style of @image_1"}, {"type": "first_frame", "url": "$image:png:640x360", "id": "image_1"}, {"type": "refer_image", "url": "https://example.com/ref.png", "id": "image_2"}]"#,
        ),
        settings(&[
            Field::optional("audio", Ty::Enum(&["original", "off"]), r#""off""#),
            RESOLUTION_HD,
            ASPECT_RATIO,
            Field::optional("duration", Ty::Int { min: 3, max: 10 }, "5"),
            SEED,
        ], r#"{"resolution": "1080p", "duration": 3, "audio": "off"}"#),
        OPTIONS,
    ],
    rules: omni_rules![
        Rule::structural(
            "last_frame.alone",
            "last_frame",
            "with first and last frames, no refer_image, element or feature_video",
            o1_first_and_last_alone,
            r#"{"contents": [{"type": "prompt", "text": "a parrot"}, {"type": "first_frame", "url": "https://example.com/a.png"}, {"type": "last_frame", "url": "https://example.com/b.png"}]}"#,
            r#"{"contents": [{"type": "prompt", "text": "a parrot"}, {"type": "first_frame", "url": "https://example.com/a.png"}, {"type": "last_frame", "url": "https://example.com/b.png"}, {"type": "refer_image", "url": "https://example.com/c.png"}]}"#
        ),
        Rule::structural(
            "duration.first_frame_only",
            "duration",
            "a first frame without other references makes 5 or 10 s",
            o1_first_frame_duration,
            r#"{"contents": [{"type": "prompt", "text": "a parrot"}, {"type": "first_frame", "url": "https://example.com/a.png"}], "settings": {"duration": 10}}"#,
            r#"{"contents": [{"type": "prompt", "text": "a parrot"}, {"type": "first_frame", "url": "https://example.com/a.png"}], "settings": {"duration": 7}}"#
        ),
    ],
    base: OMNI_BASE,
);

const NATIVE_NEEDS_1080P: Rule = Rule::structural(
    "audio.native_1080p",
    "resolution",
    "native audio only at 1080p",
    native_needs_1080p,
    r#"{"settings": {"audio": "native", "resolution": "1080p"}}"#,
    r#"{"settings": {"audio": "native", "resolution": "720p"}}"#,
);

standard_endpoint!(
    TEXT_TO_VIDEO_26, TextToVideo26, "text-to-video", "kling-2.6", aliases: &[],
    default_duration: 5, price: "kling-2.6", always_audio: false,
    fields: &[
        Field::required("prompt", Ty::Text { max_chars: 2500 }, r#""a cat""#),
        settings(&[
            Field::optional("audio", Ty::Enum(&["native", "off"]), r#""off""#),
            RESOLUTION_HD,
            ASPECT_RATIO,
            Field::optional("duration", DURATIONS_5_10, "10"),
            SEED,
        ], r#"{"resolution": "1080p", "aspect_ratio": "9:16", "duration": 10}"#),
        OPTIONS,
    ],
    rules: &[NATIVE_NEEDS_1080P],
    base: T2V_BASE,
);

const VOICE_ITEM: ItemKind = ItemKind::new(
    "voice",
    &[Field::required("voice_id", Ty::Str, r#""ai_shatang""#), Field::required("id", Ty::Str, r#""1""#)],
    0,
    2,
);

standard_endpoint!(
    IMAGE_TO_VIDEO_26, ImageToVideo26, "image-to-video", "kling-2.6", aliases: &[],
    default_duration: 5, price: "kling-2.6", always_audio: false,
    fields: &[
        Field::required("contents", Ty::Items(&[prompt_item(PROMPT_2500, 0), FIRST_FRAME, LAST_FRAME, VOICE_ITEM]), I2V_FRAMES)
            .within(r#"{"settings": {"resolution": "1080p"}}"#),
        settings(&[
            Field::optional("audio", Ty::Enum(&["native", "off"]), r#""off""#),
            RESOLUTION_HD,
            Field::optional("duration", DURATIONS_5_10, "10"),
            SEED,
        ], r#"{"audio": "native", "resolution": "1080p", "duration": 5}"#),
        OPTIONS,
    ],
    rules: &[
        NATIVE_NEEDS_1080P,
        Rule::structural(
            "last_frame.1080p",
            "resolution",
            "first and last frames only at 1080p",
            last_frame_needs_1080p,
            r#"{"contents": [{"type": "first_frame", "url": "https://example.com/a.png"}, {"type": "last_frame", "url": "https://example.com/b.png"}], "settings": {"resolution": "1080p"}}"#,
            r#"{"contents": [{"type": "first_frame", "url": "https://example.com/a.png"}, {"type": "last_frame", "url": "https://example.com/b.png"}], "settings": {"resolution": "720p"}}"#
        ),
        Rule::structural(
            "voice.needs_audio",
            "audio",
            "a voice needs native audio",
            voices_need_audio,
            r#"{"contents": [{"type": "prompt", "text": "@1 says hello"}, {"type": "first_frame", "url": "https://example.com/a.png"}, {"type": "voice", "voice_id": "ai_shatang", "id": "1"}], "settings": {"audio": "native", "resolution": "1080p"}}"#,
            r#"{"contents": [{"type": "prompt", "text": "@1 says hello"}, {"type": "first_frame", "url": "https://example.com/a.png"}, {"type": "voice", "voice_id": "ai_shatang", "id": "1"}], "settings": {"audio": "off", "resolution": "1080p"}}"#
        ),
        IDS_UNIQUE_VOICES,
    ],
    base: I2V_BASE,
);

standard_endpoint!(
    MOTION_CONTROL_26, MotionControl26, "motion-control", "kling-2.6", aliases: &[],
    default_duration: 5, price: "kling-2.6", always_audio: false,
    fields: &[
        Field::required("contents", Ty::Items(&[prompt_item(PROMPT_2500, 0), MOTION_IMAGE, MOTION_VIDEO]), MOTION_CONTENTS),
        MOTION_SETTINGS,
        OPTIONS,
    ],
    rules: &[],
    base: MOTION_BASE,
);

standard_endpoint!(
    TEXT_TO_VIDEO_25_TURBO, TextToVideo25Turbo, "text-to-video", "kling-2.5-turbo", aliases: &[],
    default_duration: 5, price: "kling-2.5-turbo", always_audio: false,
    fields: &[
        Field::required("prompt", Ty::Text { max_chars: 2500 }, r#""a cat""#),
        settings(&[
            RESOLUTION_HD,
            ASPECT_RATIO,
            Field::optional("duration", DURATIONS_5_10, "10"),
            SEED,
        ], r#"{"resolution": "1080p", "aspect_ratio": "9:16", "duration": 10}"#),
        OPTIONS,
    ],
    rules: &[],
    base: T2V_BASE,
);

standard_endpoint!(
    IMAGE_TO_VIDEO_25_TURBO, ImageToVideo25Turbo, "image-to-video", "kling-2.5-turbo", aliases: &[],
    default_duration: 5, price: "kling-2.5-turbo", always_audio: false,
    fields: &[
        Field::required("contents", Ty::Items(&[prompt_item(PROMPT_2500, 0), FIRST_FRAME, LAST_FRAME]), I2V_FRAMES)
            .within(r#"{"settings": {"resolution": "1080p"}}"#),
        settings(&[
            RESOLUTION_HD,
            Field::optional("duration", DURATIONS_5_10, "10"),
            SEED,
        ], r#"{"resolution": "1080p", "duration": 5}"#),
        OPTIONS,
    ],
    rules: &[Rule::structural(
        "last_frame.1080p",
        "resolution",
        "first and last frames only at 1080p",
        last_frame_needs_1080p,
        r#"{"contents": [{"type": "first_frame", "url": "https://example.com/a.png"}, {"type": "last_frame", "url": "https://example.com/b.png"}], "settings": {"resolution": "1080p"}}"#,
        r#"{"contents": [{"type": "first_frame", "url": "https://example.com/a.png"}, {"type": "last_frame", "url": "https://example.com/b.png"}], "settings": {"resolution": "720p"}}"#
    )],
    base: I2V_BASE,
);

/// `limit` of `POST /tasks`: smallest, largest, default (every video page).
pub const TASKS_LIMIT: (usize, usize, usize) = (1, 500, 100);
/// The window `POST /tasks` lists without `start_time`: the 30 days before `end_time`.
pub const TASKS_WINDOW_MS: i64 = 30 * 24 * 3600 * 1000;
/// The `product_type` a task of this resource pack has in `/tasks` (the filter's values).
pub fn product_type(pack: PackType) -> &'static str {
    match pack {
        PackType::Video => "video",
        PackType::Image => "image",
        PackType::VirtualTryOn => "try_on",
    }
}

/// The `package_type` of a billing entry for a task of this resource pack (try-on draws
/// on the image pack).
pub fn billing_package(pack: PackType) -> &'static str {
    match pack {
        PackType::Video => "video",
        PackType::Image | PackType::VirtualTryOn => "image",
    }
}

/// The keys `POST /tasks` filters on, with the values each takes.
pub const TASK_FILTERS: &[(&str, &[&str])] =
    &[("status", &["submitted", "processing", "succeeded", "failed"]), ("product_type", &["video", "image", "try_on"])];
/// Most ids one `GET /tasks` takes: undocumented for `/tasks`; the Solutions query
/// documents 20, which the emulator applies here too (FIDELITY.md).
pub const TASK_IDS_MAX: usize = 20;
/// `GET /tasks` without ids (KR, recorded).
pub const TASK_IDS_REQUIRED: &str = "task_ids or external_task_ids is required";
/// `GET /tasks` with both kinds of id ("cannot use them simultaneously"; the wording is ours).
pub const TASK_IDS_BOTH: &str = "task_ids and external_task_ids cannot be used at the same time";
/// `POST /tasks` with `end_time` before `start_time` (the wording is ours).
pub const TASKS_WINDOW_BACKWARDS: &str = "end_time must be later than start_time";
/// What the new-standard paths answer to anything but a known API key (AS-SPEC, VF:
/// recorded for AK/SK tokens; AS-CHK: the same text for a garbage key).
pub const AKSK_REJECTED: &str = "Authentication error. The current API does not support AK/SK; please go to the console (https://kling.ai/dev/api-key) to create API key.";
/// What the legacy surface answers to a bearer value that is neither a known API key
/// nor a token (KR, recorded).
pub const API_KEY_NOT_FOUND: &str = "api key not found";

/// Whether `path` belongs to the new-standard surface: `/tasks`, or an operation
/// segment followed by a model (`/omni-video/...`).
pub fn is_standard_path(path: &str) -> bool {
    let mut segments = path.trim_start_matches('/').split('/');
    let first = segments.next().unwrap_or("");
    first == "tasks" && segments.next().is_none() || OPERATIONS.contains(&first) && segments.next().is_some()
}

/// Whether `path` takes API keys only: the new-standard paths and `/tasks` (recorded),
/// and the Solutions API, whose pages document `Bearer <API_KEY>` alone and which the
/// emulator answers like the new standard (FIDELITY.md).
pub fn is_api_key_only_path(path: &str) -> bool {
    is_standard_path(path) || crate::solutions::is_solutions_path(path)
}

/// The endpoint a path's operation and model segments name (an alias included).
pub fn by_segments(operation: &str, model: &str) -> Option<&'static EndpointSpec> {
    crate::ENDPOINTS.iter().find(|e| {
        e.standard.is_some_and(|s| s.operation == operation && (s.model == model || s.aliases.contains(&model)))
    })
}

/// The documented request bodies of the official pages, verbatim (their public copies,
/// `docs/api/kling-*.md`), by endpoint name: every one must be accepted.
pub const DOCUMENTED_EXAMPLES: &[(&str, &str)] = &[
    (
        "text-to-video/kling-3.0-turbo",
        r#"{"prompt": "A girl sat on the train, looking out the window with a melancholic expression, her head swaying with the train.", "options": {"callback_url": "https://xxx/callback", "watermark_info": {"enabled": false}, "external_task_id": ""}, "settings": {"duration": 3, "resolution": "720p", "aspect_ratio": "9:16"}}"#,
    ),
    (
        "image-to-video/kling-3.0-turbo",
        r#"{"contents": [{"type": "prompt", "text": "A girl sat on the train, looking out the window with a melancholic expression, her head swaying with the train."}, {"type": "first_frame", "url": "https://p2-kling.klingai.com/kcdn/cdn-kcdn112452/kling-tob-release_note/image_25.png"}], "settings": {"resolution": "1080p", "duration": 10}, "options": {"callback_url": "https://xxx/callback", "external_task_id": "", "watermark_info": {"enabled": true}}}"#,
    ),
    (
        "text-to-video/kling-3.0",
        r#"{"prompt": "A girl sat on the train, looking out the window with a melancholic expression, her head swaying with the train.", "settings": {"resolution": "4k", "aspect_ratio": "16:9", "duration": 15, "audio": "off", "multi_shot": true}, "options": {"callback_url": "https://xxx/callback", "external_task_id": "", "watermark_info": {"enabled": false}}}"#,
    ),
    (
        "image-to-video/kling-3.0",
        r#"{"contents": [{"type": "prompt", "text": "A girl sat on the train, looking out the window with a melancholic expression, her head swaying with the train."}, {"type": "first_frame", "url": "https://p2-kling.klingai.com/kcdn/cdn-kcdn112452/kling-tob-release_note/image_25.png"}], "settings": {"resolution": "4k", "duration": 10, "audio": "off", "multi_shot": false}, "options": {"callback_url": "https://xxx/callback", "external_task_id": "", "watermark_info": {"enabled": false}}}"#,
    ),
    (
        "image-to-video/kling-3.0",
        r#"{"contents": [{"type": "prompt", "text": "A girl sat on the train, looking out the window with a melancholic expression, her head swaying with the train."}, {"type": "first_frame", "url": "https://p2-kling.klingai.com/kcdn/cdn-kcdn112452/kling-tob-release_note/image_25.png"}, {"type": "last_frame", "url": "https://p2-kling.klingai.com/kcdn/cdn-kcdn112452/kling-tob-release_note/image_25.png"}, {"type": "element", "element_id": "163", "id": "element_1"}], "settings": {"resolution": "1080p", "duration": 10, "audio": "native", "multi_shot": false}, "options": {"callback_url": "https://xxx/callback", "external_task_id": "", "watermark_info": {"enabled": true}}}"#,
    ),
    (
        "motion-control/kling-3.0",
        r#"{"contents": [{"type": "prompt", "text": "The girl is wearing a loose gray T-shirt and denim shorts"}, {"type": "image", "url": "https://p2-kling.klingai.com/kcdn/cdn-kcdn112452/kling-qa-test/35d77e27300cf5e8995704cd858d759c.png"}, {"type": "video", "url": "https://v4-kling.kechuangai.com/kcdn/cdn-kcdn112452/kling-qa-test/dance_10s.mp4"}], "settings": {"character_orientation": "video", "resolution": "1080p", "audio": "original"}, "options": {"callback_url": "https://xxx/callback", "external_task_id": ""}}"#,
    ),
    (
        "omni-video/kling-3.0-omni",
        r#"{"contents": [{"type": "prompt", "text": "Change the color of the parrot’s feathers to match the reference image. Keep all other elements of the video unchanged."}], "settings": {"resolution": "1080p", "duration": 5, "audio": "native", "multi_shot": false}, "options": {"callback_url": "https://xxx/callback", "external_task_id": ""}}"#,
    ),
    (
        "omni-video/kling-3.0-omni",
        r#"{"contents": [{"type": "prompt", "text": "Change the color of the parrot’s feathers to match the reference image. Keep all other elements of the video unchanged."}, {"type": "first_frame", "url": "https://p2-kling.klingai.com/kcdn/cdn-kcdn112452/kling-tob-release_note/image_7.1.png", "id": "image_1"}, {"type": "refer_image", "url": "https://p2-kling.klingai.com/kcdn/cdn-kcdn112452/kling-tob-release_note/image_7.1.png", "id": "image_2"}], "settings": {"resolution": "1080p", "duration": 5, "audio": "native", "multi_shot": false}, "options": {"callback_url": "https://xxx/callback", "external_task_id": ""}}"#,
    ),
    (
        "omni-video/kling-3.0-omni",
        r#"{"contents": [{"type": "prompt", "text": "Change the color of the parrot’s feathers to match the reference image. Keep all other elements of the video unchanged."}, {"type": "first_frame", "url": "https://p2-kling.klingai.com/kcdn/cdn-kcdn112452/kling-tob-release_note/image_7.1.png", "id": "image_1"}, {"type": "last_frame", "url": "https://p2-kling.klingai.com/kcdn/cdn-kcdn112452/kling-tob-release_note/image_7.1.png", "id": "image_2"}, {"type": "element", "element_id": "162", "id": "element_1"}, {"type": "element", "element_id": "163", "id": "element_2"}], "settings": {"resolution": "1080p", "duration": 5, "audio": "native", "multi_shot": true}, "options": {"callback_url": "https://xxx/callback", "external_task_id": ""}}"#,
    ),
    (
        "omni-video/kling-3.0-omni",
        r#"{"contents": [{"type": "prompt", "text": "Change the color of the parrot’s feathers to match the reference image. Keep all other elements of the video unchanged."}, {"type": "feature_video", "url": "https://p2-kling.klingai.com/kcdn/cdn-kcdn112452/kling-tob-release_note/video_7.1.mp4", "id": "video_1"}], "settings": {"resolution": "4k", "audio": "off", "multi_shot": true}, "options": {"callback_url": "https://xxx/callback", "external_task_id": ""}}"#,
    ),
    (
        "omni-video/kling-3.0-omni",
        r#"{"contents": [{"type": "prompt", "text": "Change the color of the parrot’s feathers to match the reference image. Keep all other elements of the video unchanged."}, {"type": "base_video", "url": "https://p2-kling.klingai.com/kcdn/cdn-kcdn112452/kling-tob-release_note/video_7.1.mp4", "id": "video_1"}], "settings": {"resolution": "1080p", "audio": "original", "multi_shot": false}, "options": {"callback_url": "https://xxx/callback", "external_task_id": ""}}"#,
    ),
    (
        "omni-video/kling-o1",
        r#"{"contents": [{"type": "prompt", "text": "A girl sat on the train, looking out the window with a melancholic expression, her head swaying with the train."}, {"type": "first_frame", "url": "https://p2-kling.klingai.com/kcdn/cdn-kcdn112452/kling-tob-release_note/image_25.png", "id": "image_1"}, {"type": "refer_image", "url": "https://p2-kling.klingai.com/kcdn/cdn-kcdn112452/kling-tob-release_note/image_25.png", "id": "image_2"}], "settings": {"resolution": "1080p", "duration": 3, "audio": "off"}, "options": {"callback_url": "https://xxx/callback", "external_task_id": ""}}"#,
    ),
    (
        "omni-video/kling-o1",
        r#"{"contents": [{"type": "prompt", "text": "Change the color of the parrot’s feathers to match the reference image. Keep all other elements of the video unchanged."}, {"type": "element", "element_id": "161", "id": "element_1"}, {"type": "first_frame", "url": "https://p2-kling.klingai.com/kcdn/cdn-kcdn112452/kling-tob-release_note/image_7.1.png", "id": "image_1"}, {"type": "feature_video", "url": "https://p2-kling.klingai.com/kcdn/cdn-kcdn112452/kling-tob-release_note/video_7.1.mp4", "id": "video_1"}], "settings": {"resolution": "1080p", "aspect_ratio": "16:9", "audio": "off"}, "options": {"callback_url": "https://xxx/callback", "external_task_id": ""}}"#,
    ),
    (
        "omni-video/kling-o1",
        r#"{"contents": [{"type": "prompt", "text": "Change the color of the parrot’s feathers to match the reference image. Keep all other elements of the video unchanged."}, {"type": "refer_image", "url": "https://p2-kling.klingai.com/kcdn/cdn-kcdn112452/kling-tob-release_note/image_7.1.png", "id": "image_1"}, {"type": "base_video", "url": "https://p2-kling.klingai.com/kcdn/cdn-kcdn112452/kling-tob-release_note/video_7.1.mp4", "id": "video_1"}], "settings": {"resolution": "1080p", "aspect_ratio": "16:9", "audio": "off"}, "options": {"callback_url": "https://xxx/callback", "external_task_id": ""}}"#,
    ),
    (
        "text-to-video/kling-2.6",
        r#"{"prompt": "A girl sat on the train, looking out the window with a melancholic expression, her head swaying with the train.", "settings": {"resolution": "1080p", "aspect_ratio": "9:16", "duration": 10}, "options": {"callback_url": "https://xxx/callback", "external_task_id": "", "watermark_info": {"enabled": true}}}"#,
    ),
    (
        "image-to-video/kling-2.6",
        r#"{"contents": [{"type": "prompt", "text": "A girl sat on the train, looking out the window with a melancholic expression, her head swaying with the train, @1 whispers softly."}, {"type": "first_frame", "url": "https://p2-kling.klingai.com/kcdn/cdn-kcdn112452/kling-tob-release_note/image_25.png"}, {"type": "voice", "voice_id": "891495440020668439", "id": "1"}], "settings": {"audio": "native", "resolution": "1080p", "duration": 5}, "options": {"callback_url": "https://xxx/callback", "external_task_id": "", "watermark_info": {"enabled": true}}}"#,
    ),
    (
        "motion-control/kling-2.6",
        r#"{"contents": [{"type": "prompt", "text": "The girl is wearing a loose gray T-shirt and denim shorts"}, {"type": "image", "url": "https://p2-kling.klingai.com/kcdn/cdn-kcdn112452/kling-qa-test/35d77e27300cf5e8995704cd858d759c.png"}, {"type": "video", "url": "https://v4-kling.kechuangai.com/kcdn/cdn-kcdn112452/kling-qa-test/dance_10s.mp4"}], "settings": {"character_orientation": "video", "audio": "original", "resolution": "1080p"}, "options": {"callback_url": "https://xxx/callback", "external_task_id": "", "watermark_info": {"enabled": true}}}"#,
    ),
    (
        "text-to-video/kling-2.5-turbo",
        r#"{"prompt": "A girl sat on the train, looking out the window with a melancholic expression, her head swaying with the train.", "settings": {"resolution": "1080p", "aspect_ratio": "9:16", "duration": 10}, "options": {"callback_url": "https://xxx/callback", "external_task_id": "", "watermark_info": {"enabled": true}}}"#,
    ),
    (
        "image-to-video/kling-2.5-turbo",
        r#"{"contents": [{"type": "prompt", "text": "A girl sat on the train, looking out the window with a melancholic expression, her head swaying with the train."}, {"type": "first_frame", "url": "https://p2-kling.klingai.com/kcdn/cdn-kcdn112452/kling-tob-release_note/image_25.png"}], "settings": {"resolution": "1080p", "duration": 5}, "options": {"callback_url": "https://xxx/callback", "external_task_id": "", "watermark_info": {"enabled": true}}}"#,
    ),
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::{ValidationOptions, validate};

    #[test]
    fn every_documented_example_is_accepted() {
        for (name, body) in DOCUMENTED_EXAMPLES {
            let spec = crate::endpoints::by_name(name).unwrap_or_else(|| panic!("no endpoint {name}"));
            let body: serde_json::Value = serde_json::from_str(body).unwrap_or_else(|e| panic!("{name}: {e}"));
            if let Err(v) = validate(spec, &body, &ValidationOptions::default()) {
                panic!("{name} refused its documented example: {}", v.message);
            }
        }
    }

    #[test]
    fn multi_shot_prompts_are_parsed() {
        assert_eq!(shots("shot 1, 2, a cat; shot 2, 3, a dog;"), Some(vec![(1, 2, 5), (2, 3, 5)]));
        assert_eq!(shots("a cat on the beach"), None);
        assert_eq!(shots("shot 1, x, a cat;"), None);
    }

    #[test]
    fn paths_resolve_by_segments_and_alias() {
        assert_eq!(by_segments("omni-video", "kling-v3-omni").map(|e| e.name), Some("omni-video/kling-3.0-omni"));
        assert!(by_segments("omni-video", "kling-v3-1-omni").is_none());
    }
}
