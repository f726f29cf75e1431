//! The Solutions API of 2026 (REFERENCE-2026.md §a.9): packaged products on a surface of
//! their own, `POST /solutions/<name>` to create and `GET`/`POST /solutions` to query,
//! API keys only. Each solution is an [`EndpointSpec`] of the catalogue with a
//! [`Solution`] part (what it delivers, when it calls back, the camelCase aliases its
//! page accepts), so the router, the engine, the tests, the contract kit and the OpenAPI
//! document read it like every other endpoint.
//!
//! The tables follow the official Chinese pages (public copies of
//! `klingai.com/document-api/api/ecommerce-replication/{video-commerce, goods-studio,
//! apparel, drama-subtitle, virtual-try-on}.md`), one copy each and no recorded live call:
//! confidence medium. The messages are the pages' own (their `1201` tables); where a page
//! gives none, the new standard's phrasing. FIDELITY.md lists every decision the pages
//! leave open.

use serde_json::{Map, Value};

use crate::endpoints::{EndpointId, EndpointSpec, Output, PackType};
use crate::image::ImageLimits;
use crate::pricing::{self, Tier};
use crate::rules::{CALLBACK_URL, EXTERNAL_TASK_ID, Field, ItemKind, Req, Rule, Says, Ty, WATERMARK_INFO};

/// What a Solutions endpoint adds to its [`EndpointSpec`].
#[derive(Debug)]
pub struct Solution {
    /// What a succeeded task delivers, in the order `outputs[]` lists it.
    pub products: &'static [Product],
    /// When the task calls back.
    pub callbacks: Callbacks,
    /// `settings` keys the page also accepts in camelCase: `(alias, name)`.
    pub aliases: &'static [(&'static str, &'static str)],
    /// How long the delivered video is.
    pub length: Length,
    /// The official page (its public copy is the source of the tables).
    pub page: &'static str,
}

/// One entry of a succeeded task's `outputs[]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Product {
    /// A video with `duration` (and `watermark_url` when a watermark was asked for and
    /// the solution offers one); the `type` it is listed under.
    Video(&'static str),
    /// An image; the `type` it is listed under.
    Image(&'static str),
    /// A subtitle file of the delivered video (`srt`, `ass`).
    Subtitles(SubtitleFormat),
}

impl Product {
    /// The output's `type`.
    pub const fn kind(self) -> &'static str {
        match self {
            Product::Video(kind) | Product::Image(kind) => kind,
            Product::Subtitles(format) => format.extension(),
        }
    }
}

/// A subtitle file format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SubtitleFormat {
    /// SubRip.
    Srt,
    /// Advanced SubStation Alpha.
    Ass,
}

impl SubtitleFormat {
    /// The file extension, also the output's `type`.
    pub const fn extension(self) -> &'static str {
        match self {
            SubtitleFormat::Srt => "srt",
            SubtitleFormat::Ass => "ass",
        }
    }

    /// The format of a file extension.
    pub fn from_extension(extension: &str) -> Option<SubtitleFormat> {
        [SubtitleFormat::Srt, SubtitleFormat::Ass].into_iter().find(|f| f.extension() == extension)
    }
}

/// When a Solutions task calls back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Callbacks {
    /// "whenever the task status changes" (most pages).
    EveryChange,
    /// On `succeeded` and `failed` only: "intermediate states do not call back"
    /// (drama_subtitle).
    TerminalOnly,
}

/// How long a solution's video is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Length {
    /// `settings.duration`, or this many seconds when absent.
    Setting(u32),
    /// The time the `speech_script` takes to read at `settings.speech_rate`, at least
    /// this many seconds ("the length follows the script", no figure given).
    Speech(u32),
    /// The `source_video`'s, when the emulator served it (its URL says its length);
    /// otherwise `default`; within `min..=max` seconds.
    SourceVideo {
        /// Seconds when the source's length is unknown.
        default: u32,
        /// Shortest.
        min: u32,
        /// Longest.
        max: u32,
    },
    /// No video (images only).
    NoVideo,
}

/// The path every Solutions create starts with.
pub const PATH_PREFIX: &str = "/solutions/";
/// The query path (`GET` by ids, `POST` by cursor).
pub const QUERY_PATH: &str = "/solutions";
/// Most ids one `GET /solutions` takes ("at most 20 tasks at a time", every page).
pub const IDS_MAX: usize = 20;
/// `limit` of `POST /solutions`: largest and default; "0 or a negative number counts as
/// 1", and the emulator counts a larger one as 500 (FIDELITY.md).
pub const LIMIT: (usize, usize) = (500, 500);
/// The statuses `filters[{key: status}]` takes: the four of the e-commerce pages, and
/// the try-on page's `succeed` for `succeeded`.
pub const STATUS_FILTER: &[&str] = &["submitted", "processing", "succeeded", "failed", "succeed"];
/// The one filter key of `POST /solutions`.
pub const FILTERS: &[(&str, &[&str])] = &[("status", STATUS_FILTER)];

/// Whether `path` belongs to the Solutions surface.
pub fn is_solutions_path(path: &str) -> bool {
    path == QUERY_PATH || path.starts_with(PATH_PREFIX)
}

impl Solution {
    /// `body` with the camelCase `settings` keys renamed to their snake_case names, when
    /// it has any; a key given both ways keeps the snake_case value (FIDELITY.md).
    pub fn normalized(&self, body: &Value) -> Option<Value> {
        let settings = body.get("settings")?.as_object()?;
        if !self.aliases.iter().any(|(alias, _)| settings.contains_key(*alias)) {
            return None;
        }
        let mut renamed = Map::with_capacity(settings.len());
        for (key, value) in settings {
            let name = self.aliases.iter().find(|(alias, _)| alias == key).map_or(key.as_str(), |(_, name)| name);
            if name != key && settings.contains_key(name) {
                continue;
            }
            renamed.insert(name.to_owned(), value.clone());
        }
        let mut body = body.clone();
        body["settings"] = Value::Object(renamed);
        Some(body)
    }

    /// Whether the solution delivers a video.
    pub fn has_video(&self) -> bool {
        self.products.iter().any(|p| matches!(p, Product::Video(_)))
    }
}

/// The seconds a Solutions request's video lasts (0 when it delivers none).
pub fn seconds(spec: &EndpointSpec, r: &Req<'_>) -> u32 {
    let Some(solution) = spec.solution else { return r.duration };
    match solution.length {
        Length::Setting(default) => r.number_at("settings.duration").map_or(default, |d| d.clamp(0.0, 600.0) as u32),
        Length::Speech(min) => {
            let script = r.items("speech_script").next().and_then(|item| r.text_in(item, "text")).unwrap_or_default();
            let rate = r.number_at("settings.speech_rate").filter(|rate| *rate > 0.0).unwrap_or(1.0);
            let language = if script.chars().filter(|c| c.is_ascii_alphabetic()).count() * 2 > script.chars().count() {
                "en"
            } else {
                "zh"
            };
            let ms = crate::audio::speech_ms(&script, language, rate);
            u32::try_from(ms.div_ceil(1000)).unwrap_or(u32::MAX).max(min)
        }
        Length::SourceVideo { default, min, max } => {
            let url = r.items("source_video").next().and_then(|item| r.text_in(item, "url"));
            let ms = url.and_then(|u| crate::media::emulator_video_ms(&u));
            ms.map_or(default, |ms| u32::try_from(ms.div_ceil(1000)).unwrap_or(u32::MAX)).clamp(min, max)
        }
        Length::NoVideo => 0,
    }
}

/// drama_subtitle's failure for a source longer than its page allows ("The source video
/// exceeds the 300-second duration limit.", a task failure, not a refused create), when the
/// emulator served the source and so knows its length.
pub const SOURCE_TOO_LONG: &str = "The source video exceeds the 300-second duration limit.";

/// How a request's task will fail whatever happens, when its inputs say so.
pub fn planned_failure(spec: &EndpointSpec, r: &Req<'_>) -> Option<&'static str> {
    if spec.id != EndpointId::DramaSubtitle {
        return None;
    }
    let url = r.items("source_video").next().and_then(|item| r.text_in(item, "url"))?;
    let ms = crate::media::emulator_video_ms(&url)?;
    (ms > 300_000).then_some(SOURCE_TOO_LONG)
}

/// What a Solutions task's price depends on: the resolution and the seconds of its
/// video, or one image. The price pages have no Solutions rows ([`pricing::quote`]).
pub fn billing(spec: &EndpointSpec, r: &Req<'_>) -> Option<pricing::Basis> {
    spec.solution?;
    Some(pricing::Basis {
        tier: Tier::of(Some(&r.mode)),
        seconds: r.duration,
        images: 1,
        ..pricing::Basis::new(spec.id, spec.default_model)
    })
}

/// drama_subtitle's automatic `(font_size, margin_v)` for a landscape video (the page:
/// portrait 60 and 340, landscape 56 and 80; the emulator's videos are landscape).
pub const AUTO_SUBTITLE_STYLE: (u32, u32) = (56, 80);

/// The style of drama_subtitle's burnt-in and ASS subtitles: `(font_size, margin_v)`, the
/// page's automatic choice ([`AUTO_SUBTITLE_STYLE`]) when absent.
pub fn subtitle_style(r: &Req<'_>) -> (u32, u32) {
    let setting = |key: &str, auto: u32| {
        r.number_at(&format!("settings.{key}")).filter(|n| *n >= 1.0 && n.fract() == 0.0).map_or(auto, |n| n as u32)
    };
    (setting("font_size", AUTO_SUBTITLE_STYLE.0), setting("margin_v", AUTO_SUBTITLE_STYLE.1))
}

// ----- shared tables -----

/// Images of the e-commerce pages: jpg/jpeg/png/webp, at most 50 MB, sides at least
/// 300 px, aspect between 1:2.5 and 2.5:1.
pub const IMAGE_LIMITS: ImageLimits =
    ImageLimits { max_bytes: 50 * 1024 * 1024, min_side: 300, max_side: None, max_aspect: 2.5 };
/// Images of Try-On 3.0: longest side at most 2048 px, shortest above 300 px, at most
/// 10 MB; the page sets no aspect bound, the emulator 10:1.
pub const TRY_ON_LIMITS: ImageLimits =
    ImageLimits { max_bytes: 10 * 1024 * 1024, min_side: 301, max_side: Some(2048), max_aspect: 10.0 };
const IMAGE: Ty = Ty::ImageWithin(&IMAGE_LIMITS);

/// `options.watermark`, as four of the five pages spell it.
const WATERMARK: Field =
    Field::optional("watermark", Ty::Object(&[Field::optional("enabled", Ty::Bool, "true")]), r#"{"enabled": true}"#);
/// `options` of the e-commerce solutions: the apparel page writes `watermark_info`, the
/// others `watermark`; both are read.
const OPTIONS: Field = Field::optional(
    "options",
    Ty::Object(&[CALLBACK_URL, EXTERNAL_TASK_ID, WATERMARK, WATERMARK_INFO]),
    r#"{"watermark": {"enabled": true}}"#,
);
/// `options` of drama_subtitle: no watermark.
const OPTIONS_NO_WATERMARK: Field = Field::optional(
    "options",
    Ty::Object(&[CALLBACK_URL, EXTERNAL_TASK_ID]),
    r#"{"callback_url": "https://example.com/hook"}"#,
);

const fn url(ty: Ty, example: &'static str) -> Field {
    Field::required("url", ty, example)
}
const fn text(max_chars: usize, example: &'static str) -> Field {
    Field::required("text", Ty::Text { max_chars }, example)
}
const fn settings(fields: &'static [Field], example: &'static str) -> Field {
    Field::optional("settings", Ty::Object(fields), example)
}

macro_rules! solution_endpoint {
    (
        $const:ident, $id:ident, $name:literal, $path:literal, pack: $pack:ident,
        fields: $fields:expr, rules: $rules:expr, base: $base:expr, solution: $solution:expr $(,)?
    ) => {
        #[doc = concat!("`POST ", $path, "`.")]
        pub const $const: EndpointSpec = EndpointSpec {
            id: EndpointId::$id,
            name: $name,
            path: $path,
            pack: PackType::$pack,
            output: Output::Products,
            models: &[],
            default_model: $name,
            default_mode: "720p",
            fields: $fields,
            rules: $rules,
            base: $base,
            seed_fields: &[],
            standard: None,
            solution: Some(&$solution),
        };
    };
}

// ----- Video Commerce (talking_agent) -----

/// Preset avatars of Video Commerce (`avatar_id`), as the page lists them.
pub const AVATARS: &[&str] = &[
    "avatar_vivian_female",
    "avatar_lee_male",
    "avatar_chenjing_female",
    "avatar_zhaochen_male",
    "avatar_wanglei_male",
    "avatar_eva_female",
    "avatar_oliver_male",
    "avatar_elena_female",
    "avatar_adam_male",
    "avatar_anna_female",
    "avatar_rajput_male",
    "avatar_mia_female",
    "avatar_river_male",
    "avatar_marcus_male",
    "avatar_toto_cartoon",
];
/// TTS voices of Video Commerce (`settings.voice_id`).
pub const TALKING_VOICES: &[&str] = &[
    "male_calm_informative",
    "female_clear_rational",
    "female_gentle_soothing",
    "female_bright_engaging",
    "male_crisp_persuasive",
    "female_intelligent_narrative",
    "male_clear_professional",
    "male_energetic_sporty",
    "female_warm_rich",
];
const AVATAR_SOURCE: &str =
    "Exactly one avatar source is required: provide avatar_image (with voiceId) or avatar_id, not both.";
const UNSUPPORTED_IMAGE: &str = "Unsupported image. Please check the image format, size and dimensions.";
const SPEECH_RATE: &str = "speechRate only supports 0.8, 1.0 and 1.2.";
/// The product items: any of them makes a request Video Commerce rather than a talking
/// head.
const PRODUCT_ITEMS: &[&str] =
    &["ref_image", "goods_title", "goods_price", "goods_target_audience", "goods_selling_point"];

fn sells_a_product(r: &Req<'_>) -> bool {
    PRODUCT_ITEMS.iter().any(|tag| r.has_item(tag))
}

fn one_avatar_source(r: &Req<'_>) -> Result<(), String> {
    if r.items("avatar_image").count() + r.items("avatar_id").count() != 1 {
        return Err(AVATAR_SOURCE.to_owned());
    }
    Ok(())
}

fn voice_with_avatar_image(r: &Req<'_>) -> Result<(), String> {
    if r.has_item("avatar_image") && !r.present_at("settings.voice_id") {
        return Err("voiceId is required when uploading an avatar_image.".to_owned());
    }
    Ok(())
}

/// "avatar_id comes with its own voice, so voice_id is forbidden": the page lists no
/// message for it, the wording is the emulator's.
fn no_voice_with_avatar_id(r: &Req<'_>) -> Result<(), String> {
    if r.has_item("avatar_id") && r.present_at("settings.voice_id") {
        return Err("voiceId must not be provided with avatar_id: library avatars have their own voice.".to_owned());
    }
    Ok(())
}

fn product_needs_image(r: &Req<'_>) -> Result<(), String> {
    if sells_a_product(r) && !r.has_item("ref_image") {
        return Err("Product image is missing. Please upload at least one product image.".to_owned());
    }
    Ok(())
}

fn product_needs_title(r: &Req<'_>) -> Result<(), String> {
    if sells_a_product(r) && !r.has_item("goods_title") {
        return Err("goods_title is required when product content is provided.".to_owned());
    }
    Ok(())
}

fn no_speech_rate_when_selling(r: &Req<'_>) -> Result<(), String> {
    if sells_a_product(r) && r.present_at("settings.speech_rate") {
        return Err("Speech rate adjustment not supported in Video Commerce.".to_owned());
    }
    Ok(())
}

fn speech_rate_steps(r: &Req<'_>) -> Result<(), String> {
    match r.number_at("settings.speech_rate") {
        Some(rate) if ![0.8, 1.0, 1.2].iter().any(|step: &f64| (step - rate).abs() < 1e-9) => {
            Err(SPEECH_RATE.to_owned())
        }
        _ => Ok(()),
    }
}

solution_endpoint!(
    TALKING_AGENT, TalkingAgent, "talking_agent", "/solutions/talking_agent", pack: Video,
    fields: &[
        Field::required(
            "contents",
            Ty::Items(&[
                ItemKind::new("avatar_image", &[url(IMAGE, r#""$image:png:640x360""#).says(Says::Any(UNSUPPORTED_IMAGE))], 0, 1)
                    .says(None, Some(AVATAR_SOURCE)),
                ItemKind::new("avatar_id", &[Field::required("text", Ty::Enum(AVATARS), r#""avatar_anna_female""#)], 0, 1)
                    .says(None, Some(AVATAR_SOURCE)),
                ItemKind::new("ref_image", &[url(IMAGE, r#""$image:png:640x360""#).says(Says::Any(UNSUPPORTED_IMAGE))], 0, 5),
                ItemKind::new("goods_title", &[text(500, r#""JBL GO 4""#)], 0, 1),
                ItemKind::new("goods_price", &[text(256, r#""399""#)], 0, 1),
                ItemKind::new("goods_target_audience", &[text(200, r#""campers""#)], 0, 20),
                ItemKind::new("goods_selling_point", &[text(500, r#""IP67 waterproof""#)], 0, 20),
                ItemKind::new("speech_script", &[text(2000, r#""Take it anywhere.""#)], 1, 1)
                    .says(Some("speech_script is required for single-person videos."), None),
            ]),
            concat!(
                r#"[{"type": "avatar_image", "url": "$image:png:640x360"}, {"type": "ref_image", "url": "$image:png:640x360"}, "#,
                r#"{"type": "goods_title", "text": "JBL GO 4"}, {"type": "goods_price", "text": "399"}, "#,
                r#"{"type": "goods_target_audience", "text": "campers"}, {"type": "goods_selling_point", "text": "IP67"}, "#,
                r#"{"type": "speech_script", "text": "Take it anywhere."}]"#
            ),
        )
        .within(r#"{"settings": {"voice_id": "male_calm_informative"}}"#),
        settings(&[
            Field::optional("resolution", Ty::Enum(&["720p", "1080p"]), r#""1080p""#)
                .says(Says::Any("Unsupported resolution. Only 720p and 1080p are supported.")),
            Field::optional("aspect_ratio", Ty::Enum(&["9:16", "16:9"]), r#""16:9""#)
                .says(Says::Any("aspect_ratio only supports 9:16 and 16:9.")),
            Field::optional("allow_polish", Ty::Bool, "true"),
            Field::optional("voice_id", Ty::Enum(TALKING_VOICES), r#""male_calm_informative""#)
                .within(concat!(r#"{"contents": ["#, r#"{"type": "avatar_image", "url": "$image:png:640x360"}, "#, r#"{"type": "speech_script", "text": "Hello."}]}"#)),
            Field::optional("speech_rate", Ty::Float { min: 0.8, max: 1.2 }, "1.2").says(Says::Any(SPEECH_RATE)),
            Field::optional("action_prompt", Ty::Text { max_chars: 2500 }, r#""raises the speaker""#),
            Field::optional("bgm_enabled", Ty::Bool, "true"),
        ], r#"{"resolution": "1080p", "aspect_ratio": "9:16", "allow_polish": false, "bgm_enabled": true}"#),
        OPTIONS,
    ],
    rules: &[
        Rule::structural("avatar.exactly_one", "contents", "exactly one avatar source: avatar_image or avatar_id",
            one_avatar_source, r#"{}"#,
            r#"{"contents": [{"type": "speech_script", "text": "Hello."}]}"#),
        Rule::structural("voice_id.with_avatar_image", "settings.voice_id", "an uploaded avatar_image needs settings.voice_id",
            voice_with_avatar_image,
            r#"{"contents": [{"type": "avatar_image", "url": "$image:png:640x360"}, {"type": "speech_script", "text": "Hello."}], "settings": {"voice_id": "female_warm_rich"}}"#,
            r#"{"contents": [{"type": "avatar_image", "url": "$image:png:640x360"}, {"type": "speech_script", "text": "Hello."}]}"#),
        Rule::structural("voice_id.not_with_avatar_id", "settings.voice_id", "a library avatar (avatar_id) brings its own voice",
            no_voice_with_avatar_id, r#"{}"#, r#"{"settings": {"voice_id": "female_warm_rich"}}"#),
        Rule::structural("product.ref_image", "contents", "product content needs at least one ref_image",
            product_needs_image,
            r#"{"contents": [{"type": "avatar_id", "text": "avatar_anna_female"}, {"type": "ref_image", "url": "$image:png:640x360"}, {"type": "goods_title", "text": "Umbrella"}, {"type": "speech_script", "text": "Hello."}]}"#,
            r#"{"contents": [{"type": "avatar_id", "text": "avatar_anna_female"}, {"type": "goods_title", "text": "Umbrella"}, {"type": "speech_script", "text": "Hello."}]}"#),
        Rule::structural("product.goods_title", "contents", "product content needs exactly one goods_title",
            product_needs_title,
            r#"{"contents": [{"type": "avatar_id", "text": "avatar_anna_female"}, {"type": "ref_image", "url": "$image:png:640x360"}, {"type": "goods_title", "text": "Umbrella"}, {"type": "speech_script", "text": "Hello."}]}"#,
            r#"{"contents": [{"type": "avatar_id", "text": "avatar_anna_female"}, {"type": "ref_image", "url": "$image:png:640x360"}, {"type": "speech_script", "text": "Hello."}]}"#),
        Rule::structural("speech_rate.steps", "settings.speech_rate", "speech_rate is 0.8, 1.0 or 1.2",
            speech_rate_steps, r#"{"settings": {"speech_rate": 0.8}}"#, r#"{"settings": {"speech_rate": 0.9}}"#),
        Rule::structural("speech_rate.not_selling", "settings.speech_rate", "Video Commerce (with product content) takes no speech_rate",
            no_speech_rate_when_selling, r#"{"settings": {"speech_rate": 1.2}}"#,
            r#"{"contents": [{"type": "avatar_id", "text": "avatar_anna_female"}, {"type": "ref_image", "url": "$image:png:640x360"}, {"type": "goods_title", "text": "Umbrella"}, {"type": "speech_script", "text": "Hello."}], "settings": {"speech_rate": 1.2}}"#),
    ],
    base: r#"{"contents": [{"type": "avatar_id", "text": "avatar_anna_female"}, {"type": "speech_script", "text": "Slow down a little and look around."}]}"#,
    solution: Solution {
        products: &[Product::Video("video")],
        callbacks: Callbacks::EveryChange,
        aliases: &[
            ("aspectRatio", "aspect_ratio"),
            ("allowPolish", "allow_polish"),
            ("voiceId", "voice_id"),
            ("speechRate", "speech_rate"),
            ("actionPrompt", "action_prompt"),
            ("bgmEnabled", "bgm_enabled"),
        ],
        length: Length::Speech(5),
        page: "https://klingai.com/document-api/api/ecommerce-replication/video-commerce",
    },
);

// ----- Goods Studio -----

solution_endpoint!(
    GOODS_STUDIO, GoodsStudio, "goods_studio", "/solutions/e-commerce/goods_studio", pack: Video,
    fields: &[
        Field::required(
            "contents",
            Ty::Items(&[
                ItemKind::new("ref_image", &[url(IMAGE, r#""$image:png:640x360""#)
                    .says(Says::Given("Unsupported product image. Please check the image format, size and dimensions."))], 1, 5)
                    .says(Some("Product image is missing. Please upload a product image."),
                        Some("At most 5 ref_image items are allowed in contents.")),
                ItemKind::new("goods_title", &[text(200, r#""Umbrella""#).says(Says::Given("goods_title exceeds the 200-character limit."))], 1, 1)
                    .says(Some("Product title is missing. Please provide a product title."),
                        Some("Only one goods_title item is allowed in contents.")),
                ItemKind::new("goods_description", &[text(2000, r#""A fine umbrella""#)
                    .says(Says::Given("goods_description exceeds the 2000-character limit."))], 0, 1)
                    .says(None, Some("Only one goods_description item is allowed in contents.")),
            ]),
            r#"[{"type": "ref_image", "url": "$image:png:640x360"}, {"type": "goods_title", "text": "Umbrella"}, {"type": "goods_description", "text": "A fine umbrella"}]"#,
        ),
        Field::required("settings", Ty::Object(&[
            Field::required("resolution", Ty::Enum(&["720p", "1080p"]), r#""720p""#)
                .says(Says::Any("Unsupported resolution. Only 720p and 1080p are supported.")),
            Field::required("aspect_ratio", Ty::Enum(&["9:16", "1:1", "16:9"]), r#""9:16""#)
                .says(Says::Any("aspect_ratio only supports 9:16, 1:1 and 16:9.")),
            Field::required("duration", Ty::OneOf(&[15, 30, 60]), "30")
                .says(Says::Any("Unsupported duration. Only 15, 30 and 60 seconds are supported.")),
        ]), r#"{"resolution": "720p", "aspect_ratio": "9:16", "duration": 30}"#),
        OPTIONS,
    ],
    rules: &[],
    base: r#"{"contents": [{"type": "ref_image", "url": "$image:png:640x360"}, {"type": "goods_title", "text": "Umbrella"}], "settings": {"resolution": "1080p", "aspect_ratio": "16:9", "duration": 15}}"#,
    solution: Solution {
        products: &[Product::Video("video")],
        callbacks: Callbacks::EveryChange,
        aliases: &[],
        length: Length::Setting(15),
        page: "https://klingai.com/document-api/api/ecommerce-replication/goods-studio",
    },
);

// ----- AI Apparel Replicator (clothing_dupe) -----

/// TTS voices of the Apparel Replicator (`contents[].voice_id`), its own library.
pub const APPAREL_VOICES: &[&str] = &[
    "energetic_sales_girl",
    "gentle_sales_woman",
    "crisp_sales_girl",
    "mature_sales_woman",
    "calm_sales_woman",
    "soft_sales_woman",
    "energetic_sales_boy",
    "enthusiastic_sales_man",
    "steady_sales_man",
    "calm_sales_man",
];

solution_endpoint!(
    CLOTHING_DUPE, ClothingDupe, "clothing_dupe", "/solutions/e-commerce/clothing_dupe", pack: Video,
    fields: &[
        Field::required(
            "contents",
            Ty::Items(&[
                ItemKind::new("product_info", &[text(2500, r#""A light shirt""#)], 1, 1)
                    .says(Some("Product description is missing. Please provide a product description."), None),
                ItemKind::new("source_video", &[url(Ty::HttpUrl, r#""https://example.com/ref.mp4""#)], 1, 1)
                    .says(Some("Reference video is missing. Please upload a reference video."), None),
                ItemKind::new("product_image", &[url(IMAGE, r#""$image:png:640x360""#)], 1, 5)
                    .says(Some("Product image is missing. Please upload a product image."), None),
                ItemKind::new("model_image", &[url(IMAGE, r#""$image:png:640x360""#)], 0, 5),
                ItemKind::new("bgm", &[url(Ty::HttpUrl, r#""https://example.com/b.mp3""#)], 0, 1).says(
                    Some("bgm is provided but url is empty. Please provide a BGM file URL or remove bgm to use the system default BGM."),
                    Some("Only one bgm item is allowed in contents."),
                ),
                ItemKind::new("voice", &[Field::required("voice_id", Ty::Enum(APPAREL_VOICES), r#""calm_sales_woman""#)
                    .says(Says::Any("Invalid voice_id. Please select a valid voice from the voice library."))], 0, 1)
                    .says(None, Some("Only one voice item is allowed in contents.")),
            ]),
            concat!(
                r#"[{"type": "product_info", "text": "A light shirt"}, {"type": "source_video", "url": "https://example.com/ref.mp4"}, "#,
                r#"{"type": "product_image", "url": "$image:png:640x360"}, {"type": "model_image", "url": "$image:png:640x360"}, "#,
                r#"{"type": "bgm", "url": "https://example.com/b.mp3"}, {"type": "voice", "voice_id": "calm_sales_woman"}]"#
            ),
        ),
        settings(&[
            Field::optional("resolution", Ty::Enum(&["720p", "1080p"]), r#""1080p""#)
                .says(Says::Any("Unsupported resolution. Only 720P and 1080P are supported.")),
            Field::optional("aspect_ratio", Ty::Enum(&["9:16", "2:3", "3:4", "1:1", "4:3", "3:2", "16:9", "21:9"]), r#""21:9""#)
                .says(Says::Any("aspect_ratio only supports 9:16, 2:3, 3:4, 1:1, 4:3, 3:2, 16:9 and 21:9.")),
        ], r#"{"resolution": "720p", "aspect_ratio": "16:9"}"#),
        OPTIONS,
    ],
    rules: &[],
    base: r#"{"contents": [{"type": "product_info", "text": "A light shirt"}, {"type": "source_video", "url": "https://example.com/ref.mp4"}, {"type": "product_image", "url": "$image:png:640x360"}]}"#,
    solution: Solution {
        products: &[Product::Image("product_image"), Product::Image("model_images"), Product::Video("product_video")],
        callbacks: Callbacks::EveryChange,
        aliases: &[],
        length: Length::SourceVideo { default: 10, min: 5, max: 180 },
        page: "https://klingai.com/document-api/api/ecommerce-replication/apparel",
    },
);

// ----- drama subtitles -----

const GLOSSARY_ENTRY: &str = "Each glossary entry must be non-empty and no longer than 100 characters.";
const SUBTITLE_NUMBER: Says = Says::Range {
    not_positive: "margin_v, font_size and target_cps must be positive integers.",
    out_of_range: "{param} out of range. Please provide a value between {min} and {max}.",
};

solution_endpoint!(
    DRAMA_SUBTITLE, DramaSubtitle, "drama_subtitle", "/solutions/drama_subtitle", pack: Video,
    fields: &[
        Field::required(
            "contents",
            Ty::Items(&[
                ItemKind::new("source_video", &[url(Ty::HttpUrl, r#""https://example.com/ep01.mp4""#)
                    .says(Says::Any("source_video is missing. Please provide exactly one source_video."))], 1, 1)
                    .says(Some("Source video is missing. Please provide a source video URL."),
                        Some("Only one source_video item is allowed in contents.")),
                ItemKind::new("glossary", &[
                    Field::required("source", Ty::Text { max_chars: 100 }, r#""宋棠""#).says(Says::Any(GLOSSARY_ENTRY)),
                    Field::required("target", Ty::Text { max_chars: 100 }, r#""Song Tang""#).says(Says::Any(GLOSSARY_ENTRY)),
                ], 0, 200).says(None, Some("Glossary exceeds the limit of 200 entries.")),
            ]),
            r#"[{"type": "source_video", "url": "https://example.com/ep01.mp4"}, {"type": "glossary", "source": "宋棠", "target": "Song Tang"}]"#,
        ),
        settings(&[
            Field::optional("target_cps", Ty::Int { min: 10, max: 20 }, "12").says(SUBTITLE_NUMBER),
            Field::optional("target_language", Ty::Enum(&["en"]), r#""en""#),
            Field::optional("margin_v", Ty::Int { min: 1, max: 4096 }, "120").says(SUBTITLE_NUMBER),
            Field::optional("font_size", Ty::Int { min: 1, max: 512 }, "48").says(SUBTITLE_NUMBER),
        ], r#"{"target_cps": 17, "target_language": "en"}"#),
        OPTIONS_NO_WATERMARK,
    ],
    rules: &[],
    base: r#"{"contents": [{"type": "source_video", "url": "https://example.com/drama_ep01.mp4"}]}"#,
    solution: Solution {
        products: &[
            Product::Video("subbed_video"),
            Product::Subtitles(SubtitleFormat::Srt),
            Product::Subtitles(SubtitleFormat::Ass),
        ],
        callbacks: Callbacks::TerminalOnly,
        aliases: &[],
        length: Length::SourceVideo { default: 30, min: 1, max: 300 },
        page: "https://klingai.com/document-api/api/ecommerce-replication/drama-subtitle",
    },
);

// ----- Try-On 3.0 -----

const TRY_ON_IMAGE: Ty = Ty::ImageWithin(&TRY_ON_LIMITS);

solution_endpoint!(
    VIRTUAL_TRY_ON, SolutionTryOn, "virtual_try_on", "/solutions/virtual_try_on", pack: VirtualTryOn,
    fields: &[
        Field::required(
            "contents",
            Ty::Items(&[
                ItemKind::new("product_image", &[url(TRY_ON_IMAGE, r#""$image:png:640x360""#)], 1, 1),
                ItemKind::new("person_image", &[url(TRY_ON_IMAGE, r#""$image:png:640x480""#)], 1, 1),
            ]),
            r#"[{"type": "product_image", "url": "$image:png:640x360"}, {"type": "person_image", "url": "$image:png:640x480"}]"#,
        ),
        settings(&[
            Field::optional("keep_face", Ty::Bool, "false"),
            Field::optional("keep_pose", Ty::Bool, "false"),
            Field::optional("keep_background", Ty::Bool, "false"),
        ], r#"{"keep_face": true, "keep_pose": false, "keep_background": true}"#),
        OPTIONS,
    ],
    rules: &[],
    base: r#"{"contents": [{"type": "product_image", "url": "$image:png:640x360"}, {"type": "person_image", "url": "$image:png:640x480"}]}"#,
    solution: Solution {
        products: &[Product::Image("image")],
        callbacks: Callbacks::EveryChange,
        aliases: &[],
        length: Length::NoVideo,
        page: "https://klingai.com/document-api/api/ecommerce-replication/virtual-try-on",
    },
);

/// The documented request bodies of the official pages, verbatim (their public copies),
/// by endpoint name: every one must be accepted.
pub const DOCUMENTED_EXAMPLES: &[(&str, &str)] = &[
    (
        "talking_agent",
        r#"{"contents": [{"type": "avatar_image", "url": "https://cdn.example.com/person.jpg"}, {"type": "ref_image", "url": "https://cdn.example.com/jbl-front.jpg"}, {"type": "ref_image", "url": "https://cdn.example.com/jbl-side.jpg"}, {"type": "goods_title", "text": "JBL GO 4 便携蓝牙音箱"}, {"type": "goods_price", "text": "399元"}, {"type": "goods_target_audience", "text": "露营人群"}, {"type": "goods_selling_point", "text": "IP67级防尘防水"}, {"type": "speech_script", "text": "周末出门，我不太想带一堆复杂设备。一只 JBL GO 4 便携蓝牙音箱，挂在包上就能带走。"}], "settings": {"resolution": "1080p", "aspect_ratio": "9:16", "allow_polish": true, "voice_id": "male_calm_informative", "action_prompt": "说到便携挂环时抬手展示挂环，语气轻松自然。", "bgm_enabled": true}, "options": {"callback_url": "https://example.com/cb", "external_task_id": "my_task_123", "watermark": {"enabled": false}}}"#,
    ),
    (
        "talking_agent",
        r#"{"contents": [{"type": "avatar_id", "text": "avatar_anna_female"}, {"type": "speech_script", "text": "人有时候走得太快，就会忘记看看身边。慢一点并不代表停下来。"}], "settings": {"resolution": "720p", "aspect_ratio": "16:9", "allow_polish": false, "bgm_enabled": false}, "options": {"callback_url": "https://example.com/cb", "external_task_id": "my_task_124"}}"#,
    ),
    (
        "goods_studio",
        r#"{"contents": [{"type": "ref_image", "url": "https://cdn.example.com/1.jpg"}, {"type": "ref_image", "url": "https://cdn.example.com/2.jpg"}, {"type": "goods_title", "text": "雨伞"}, {"type": "goods_description", "text": "一把精美的雨伞"}], "settings": {"resolution": "1080p", "aspect_ratio": "16:9", "duration": 15}, "options": {"callback_url": "https://example.com/cb", "external_task_id": "my_task_123", "watermark": {"enabled": false}}}"#,
    ),
    (
        "clothing_dupe",
        r#"{"contents": [{"type": "product_info", "text": "轻盈透气短袖衬衫，商务休闲百搭"}, {"type": "source_video", "url": "https://your-cdn.com/ref_video.mp4"}, {"type": "product_image", "url": "https://your-cdn.com/product_shirt.jpg"}, {"type": "model_image", "url": "https://your-cdn.com/model.jpg"}], "settings": {"resolution": "720p", "aspect_ratio": "16:9"}, "options": {"callback_url": "https://example.com/callback", "external_task_id": "my_task_123", "watermark_info": {"enabled": false}}}"#,
    ),
    (
        "drama_subtitle",
        r#"{"contents": [{"type": "source_video", "url": "https://your-cdn.com/drama_ep01.mp4"}, {"type": "glossary", "source": "宋棠", "target": "Song Tang"}, {"type": "glossary", "source": "顾氏集团", "target": "Gu Group"}], "settings": {"target_cps": 17}, "options": {"callback_url": "https://example.com/callback", "external_task_id": "my_task_123"}}"#,
    ),
    (
        "virtual_try_on",
        r#"{"contents": [{"type": "product_image", "url": "https://cdn.example.com/product.jpg"}, {"type": "person_image", "url": "https://cdn.example.com/person.jpg"}], "settings": {"keep_face": true, "keep_pose": true, "keep_background": true}, "options": {"callback_url": "https://example.com/callback", "external_task_id": "virtual-tryon-001", "watermark": {"enabled": false}}}"#,
    ),
];

/// The Solutions endpoint whose create path is `path`.
pub fn by_path(path: &str) -> Option<&'static EndpointSpec> {
    crate::ENDPOINTS.iter().find(|e| e.solution.is_some() && e.path == path)
}

/// How a Solutions answer names a task's id and its success: the four e-commerce pages
/// write `id` and `succeeded`; the Try-On 3.0 page writes `task_id` in its create answer
/// and `succeed` everywhere (FIDELITY.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Spelling {
    /// `id` and `succeeded` on every solution (the shared query is "a platform-level
    /// interface for every Solutions API").
    #[default]
    Uniform,
    /// Try-on tasks as the Try-On 3.0 page shows them: `task_id` in the create answer,
    /// `succeed` as the status.
    TryOnPage,
}

impl Spelling {
    /// Whether a task of `endpoint` is spelled the try-on page's way.
    pub fn try_on_page(self, endpoint: EndpointId) -> bool {
        self == Spelling::TryOnPage && endpoint == EndpointId::SolutionTryOn
    }

    /// The status word of `status` for a task of `endpoint`.
    pub fn status(self, endpoint: EndpointId, status: crate::wire_standard::Status) -> &'static str {
        match status {
            crate::wire_standard::Status::Succeeded if self.try_on_page(endpoint) => "succeed",
            other => other.as_str(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::{ValidationOptions, validate};

    fn solution(name: &str) -> &'static EndpointSpec {
        crate::ENDPOINTS.iter().find(|e| e.name == name && e.solution.is_some()).expect("a solution")
    }

    #[test]
    fn every_documented_example_is_accepted() {
        for (name, body) in DOCUMENTED_EXAMPLES {
            let body: Value = serde_json::from_str(body).expect("example JSON");
            if let Err(v) = validate(solution(name), &body, &ValidationOptions::default()) {
                panic!("{name}: {}", v.message);
            }
        }
    }

    #[test]
    fn camel_case_settings_are_read_and_snake_case_wins() {
        let spec = solution("talking_agent");
        let body = serde_json::json!({
            "contents": [{"type": "avatar_image", "url": "https://example.com/p.jpg"}, {"type": "speech_script", "text": "Hi."}],
            "settings": {"voiceId": "female_warm_rich", "speechRate": 0.9}
        });
        let refused = validate(spec, &body, &ValidationOptions::default()).expect_err("0.9 is no step");
        assert_eq!(refused.message, SPEECH_RATE);
        let both = serde_json::json!({"settings": {"speechRate": 0.9, "speech_rate": 1.2}});
        let normalized = spec.solution.and_then(|s| s.normalized(&both)).expect("renamed");
        assert_eq!(normalized["settings"], serde_json::json!({"speech_rate": 1.2}));
    }

    #[test]
    fn drama_numbers_say_which_bound() {
        let spec = solution("drama_subtitle");
        let with = |settings: Value| {
            let body = serde_json::json!({"contents": [{"type": "source_video", "url": "https://example.com/a.mp4"}], "settings": settings});
            validate(spec, &body, &ValidationOptions::default()).err().map(|v| v.message)
        };
        assert_eq!(
            with(serde_json::json!({"target_cps": 25})).as_deref(),
            Some("target_cps out of range. Please provide a value between 10 and 20.")
        );
        assert_eq!(
            with(serde_json::json!({"margin_v": 0})).as_deref(),
            Some("margin_v, font_size and target_cps must be positive integers.")
        );
        assert_eq!(with(serde_json::json!({"font_size": 512})), None);
    }
}
