//! What a task costs: the official price tables as data (`kling-pricing-video.md` and
//! `kling-pricing-image.md` in the public copy of the official pages, 2026), what each
//! unit costs in cash, and the seed's credit ranges for the seed dialect.
//!
//! A task is priced from its [`Basis`]: the endpoint, model, tier (720p/`std`,
//! 1080p/`pro`, 4K), seconds of output, images, sound, voice control and reference
//! video. Video units and image units are two currencies of their own packs: a video
//! unit costs $0.14 and an image unit $0.0035 (8 image units = $0.028 on the image page).
//! Endpoints the pages do not price (effects, multi-elements, video extension, try-on,
//! the models retired on 2026-09-15) get the emulator's own price, marked
//! [`Source::Unpublished`] and listed in FIDELITY.md.

use crate::endpoints::{EndpointId, PackType};

/// Output quality a price depends on: video resolution (legacy `std` = 720p, `pro` =
/// 1080p, as the billing pages map them) or image resolution (1K/2K, 4K).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Tier {
    /// 720p, `std`; images at 1K or 2K.
    #[default]
    Standard,
    /// 1080p, `pro`.
    High,
    /// 4K.
    FourK,
}

impl Tier {
    /// The tier of a legacy `mode` or a new-standard `resolution` (`None`: the default).
    pub fn of(mode_or_resolution: Option<&str>) -> Tier {
        match mode_or_resolution {
            Some("pro" | "1080p") => Tier::High,
            Some("4k" | "4K") => Tier::FourK,
            _ => Tier::Standard,
        }
    }

    /// The resolution the billing exports report (`720p`, `1080p`, `4k`).
    pub const fn resolution(self) -> &'static str {
        match self {
            Tier::Standard => "720p",
            Tier::High => "1080p",
            Tier::FourK => "4k",
        }
    }

    const fn column(self) -> usize {
        match self {
            Tier::Standard => 0,
            Tier::High => 1,
            Tier::FourK => 2,
        }
    }
}

/// The sound of a video output (`video_sound` of the billing exports).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Sound {
    /// No audio.
    #[default]
    Off,
    /// Audio generated with the picture.
    Native,
    /// The reference video's own audio kept.
    Original,
}

impl Sound {
    /// As the billing exports write it.
    pub const fn as_str(self) -> &'static str {
        match self {
            Sound::Off => "off",
            Sound::Native => "native",
            Sound::Original => "original",
        }
    }
}

/// Everything a task's price depends on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Basis {
    /// The endpoint.
    pub endpoint: EndpointId,
    /// The model (resolved default included).
    pub model: &'static str,
    /// The price family of a new-standard endpoint (`kling-3.0`, ...); `None` on the
    /// legacy surface, where the model names it.
    pub family: Option<&'static str>,
    /// Resolution or mode.
    pub tier: Tier,
    /// Seconds of output billed (the requested length, or the source's for edits).
    pub seconds: u32,
    /// Images produced.
    pub images: u32,
    /// Sound of the output.
    pub sound: Sound,
    /// Voices bound to the output (voice control).
    pub voice_control: bool,
    /// A reference video as input.
    pub video_input: bool,
    /// An image as input (image-to-image).
    pub image_input: bool,
    /// Motion control (a motion video drives the output).
    pub motion_control: bool,
}

impl Basis {
    /// A basis with nothing but the endpoint and model known.
    pub const fn new(endpoint: EndpointId, model: &'static str) -> Basis {
        Basis {
            endpoint,
            model,
            family: None,
            tier: Tier::Standard,
            seconds: 5,
            images: 1,
            sound: Sound::Off,
            voice_control: false,
            video_input: false,
            image_input: false,
            motion_control: false,
        }
    }
}

/// Where a price comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// A row of an official price page (its label).
    Published(&'static str),
    /// The emulator's own price where the pages give none (the reason).
    Unpublished(&'static str),
}

/// A task's price.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Quote {
    /// Units of the task's pack.
    pub units: Units,
    /// Where the price comes from.
    pub source: Source,
}

/// What kind of output a per-second price applies to (the "Features" column of the
/// official video price table).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Feature {
    /// Silent video.
    Silent,
    /// Native audio without voice control.
    NativeAudio,
    /// Native audio with voice control (bound voices).
    VoiceControl,
    /// A reference video as input (omni, O1).
    VideoInput,
    /// Motion control.
    MotionControl,
    /// A talking avatar.
    Avatar,
}

/// One row of the official per-second video price table: thousandths of a unit per
/// second at 720p, 1080p and 4K (`None`: not offered).
#[derive(Debug, Clone, Copy)]
pub struct VideoPrice {
    /// Price family (`kling-3.0`, `kling-3.0-omni`, ...).
    pub family: &'static str,
    /// What is produced.
    pub feature: Feature,
    /// Per second at 720p, 1080p, 4K, in thousandths of a unit.
    pub per_second: [Option<u64>; 3],
    /// The row as the page names it.
    pub label: &'static str,
}

macro_rules! video_prices {
    ($(($family:literal, $feature:ident, [$($price:expr),*], $label:literal)),* $(,)?) => {
        &[$(VideoPrice { family: $family, feature: Feature::$feature, per_second: [$($price),*], label: $label }),*]
    };
}

/// The official video price table: units per second of output.
pub const VIDEO_PRICES: &[VideoPrice] = video_prices![
    ("kling-3.0-turbo", NativeAudio, [Some(800), Some(1000), None], "Kling 3.0 Turbo, with native audio"),
    ("kling-3.0", Silent, [Some(600), Some(800), Some(3000)], "Kling 3.0, no native audio"),
    ("kling-3.0", NativeAudio, [Some(900), Some(1200), Some(3000)], "Kling 3.0, native audio, no voice control"),
    ("kling-3.0", MotionControl, [Some(900), Some(1200), None], "Kling 3.0, motion control"),
    ("kling-3.0-omni", Silent, [Some(600), Some(800), Some(3000)], "Kling 3.0 Omni, no video input, no native audio"),
    (
        "kling-3.0-omni",
        NativeAudio,
        [Some(800), Some(1000), Some(3000)],
        "Kling 3.0 Omni, no video input, native audio"
    ),
    ("kling-3.0-omni", VideoInput, [Some(900), Some(1200), Some(3000)], "Kling 3.0 Omni, video input, no native audio"),
    ("kling-o1", Silent, [Some(600), Some(800), None], "Kling O1, no video input"),
    ("kling-o1", VideoInput, [Some(900), Some(1200), None], "Kling O1, video input"),
    ("kling-2.6", Silent, [Some(300), Some(500), None], "Kling 2.6, no native audio"),
    ("kling-2.6", NativeAudio, [None, Some(1000), None], "Kling 2.6, native audio, no voice control"),
    ("kling-2.6", VoiceControl, [None, Some(1200), None], "Kling 2.6, native audio, voice control"),
    ("kling-2.6", MotionControl, [Some(500), Some(800), None], "Kling 2.6, motion control"),
    ("kling-2.5-turbo", Silent, [Some(300), Some(500), None], "Kling 2.5 Turbo, no native audio"),
    ("avatar", Avatar, [Some(400), Some(800), None], "Avatar"),
];

/// The emulator's per-second price for videos the table does not price (models retired
/// on 2026-09-15, effects, multi-elements, video extension): the 2.5 Turbo row, the
/// cheapest video the table lists, and 3 units a second in 4K.
pub const UNPUBLISHED_VIDEO: [u64; 3] = [300, 500, 3000];

/// A price per call or per image of the official pages: the endpoint, thousandths of a
/// unit, and the row as the page names it.
#[derive(Debug, Clone, Copy)]
pub struct FixedPrice {
    /// The endpoint.
    pub endpoint: EndpointId,
    /// The model it applies to (`None`: every model of the endpoint).
    pub model: Option<&'static str>,
    /// Per image when true, per call otherwise.
    pub per_image: bool,
    /// An image input (image-to-image) is priced apart when `Some`.
    pub image_input: Option<bool>,
    /// At 1K/2K and at 4K, in thousandths of a unit (`None` at 4K: not offered).
    pub units: [Option<u64>; 2],
    /// The row as the page names it.
    pub label: &'static str,
}

const fn fixed(endpoint: EndpointId, per_image: bool, milli: u64, label: &'static str) -> FixedPrice {
    FixedPrice { endpoint, model: None, per_image, image_input: None, units: [Some(milli), None], label }
}

/// The official per-call and per-image prices (video page: audio, avatar TTS, face
/// recognition, image recognition; image page: every image row). Lip-sync, billed per 5
/// seconds, is [`LIP_SYNC_PER_5_S`].
pub const FIXED_PRICES: &[FixedPrice] = &[
    fixed(EndpointId::Tts, false, 50, "Avatar, TTS"),
    fixed(EndpointId::IdentifyFace, false, 50, "Lip Sync, face recognition"),
    fixed(EndpointId::TextToAudio, false, 250, "Audio generation, text to audio"),
    fixed(EndpointId::VideoToAudio, false, 250, "Audio generation, video to audio"),
    fixed(EndpointId::CustomVoices, false, 50, "Audio generation, custom voice"),
    fixed(EndpointId::ImageRecognize, false, 100, "Image recognition"),
    FixedPrice {
        endpoint: EndpointId::ImageGenerations,
        model: Some("kling-v3"),
        per_image: true,
        image_input: None,
        units: [Some(8000), None],
        label: "Kling Image 3.0, text/image to image, 1K/2K",
    },
    FixedPrice {
        endpoint: EndpointId::ImageGenerations,
        model: Some("kling-v2-1"),
        per_image: true,
        image_input: Some(false),
        units: [Some(4000), None],
        label: "Kling Image 2.1, text to image",
    },
    FixedPrice {
        endpoint: EndpointId::ImageGenerations,
        model: Some("kling-v2-1"),
        per_image: true,
        image_input: Some(true),
        units: [Some(8000), None],
        label: "Kling Image 2.1, image to image",
    },
    FixedPrice {
        endpoint: EndpointId::OmniImage,
        model: Some("kling-v3-omni"),
        per_image: true,
        image_input: None,
        units: [Some(8000), Some(16000)],
        label: "Kling Image 3.0 Omni, 1K/2K and 4K",
    },
    FixedPrice {
        endpoint: EndpointId::OmniImage,
        model: Some("kling-image-o1"),
        per_image: true,
        image_input: None,
        units: [Some(8000), None],
        label: "Kling Image O1, 1K/2K",
    },
    fixed(EndpointId::MultiImage2Image, true, 16000, "Kling Image 2.1, multi-image to image"),
    fixed(EndpointId::AiMultiShot, false, 20000, "General, AI multi-shot"),
    fixed(EndpointId::Expand, true, 8000, "General, outpainting"),
    // A custom element costs nothing (AS-CHK, a live create billed 0).
    fixed(EndpointId::CustomElements, false, 0, "Element creation (recorded: 0)"),
];

/// Lip-sync: 0.5 units per 5 seconds of video, a started 5 seconds counting whole.
pub const LIP_SYNC_PER_5_S: u64 = 500;

/// The emulator's price per image where the pages give none (try-on, the image models
/// retired on 2026-09-15): what image-to-image costs, 8 image units.
pub const UNPUBLISHED_IMAGE: u64 = 8000;

/// The price family of a legacy video model, as the price table names it.
pub fn family_of(model: &str) -> Option<&'static str> {
    Some(match model {
        "kling-v3" => "kling-3.0",
        "kling-v3-omni" => "kling-3.0-omni",
        "kling-video-o1" => "kling-o1",
        "kling-v2-6" => "kling-2.6",
        "kling-v2-5-turbo" => "kling-2.5-turbo",
        _ => return None,
    })
}

/// The price of a task on the official tables (the emulator's own where they are silent).
pub fn quote(basis: &Basis) -> Quote {
    use EndpointId as E;
    let seconds = u64::from(basis.seconds);
    let images = u64::from(basis.images.max(1));
    match basis.endpoint {
        E::LipSync | E::AdvancedLipSync => Quote {
            units: Units(LIP_SYNC_PER_5_S * seconds.div_ceil(5).max(1)),
            source: Source::Published("Lip Sync, per 5 seconds"),
        },
        E::Avatar => video_quote(basis, "avatar", Feature::Avatar),
        E::InitSelection
        | E::AddSelection
        | E::DeleteSelection
        | E::ClearSelection
        | E::PreviewSelection
        | E::DeleteVoices
        | E::DeleteElements
        | E::DeleteAdvancedElements => Quote { units: Units::ZERO, source: Source::Published("free") },
        E::VirtualTryOn | E::SolutionTryOn => Quote {
            units: Units(UNPUBLISHED_IMAGE * images),
            source: Source::Unpublished("no try-on row on the image price page"),
        },
        E::TalkingAgent | E::GoodsStudio | E::ClothingDupe | E::DramaSubtitle => {
            unpublished_video(basis, "no Solutions row on the price pages")
        }
        E::OmniImage | E::ImageGenerations | E::MultiImage2Image | E::Expand => fixed_quote(basis).unwrap_or(Quote {
            units: Units(UNPUBLISHED_IMAGE * images),
            source: Source::Unpublished("an image model the price page does not list"),
        }),
        E::Tts
        | E::IdentifyFace
        | E::TextToAudio
        | E::VideoToAudio
        | E::CustomVoices
        | E::ImageRecognize
        | E::AiMultiShot
        | E::CustomElements => fixed_quote(basis)
            .unwrap_or(Quote { units: Units::ZERO, source: Source::Unpublished("no row on the price pages") }),
        E::MotionControl => {
            let family = basis.family.or_else(|| family_of(basis.model)).unwrap_or("kling-2.6");
            video_quote(basis, family, Feature::MotionControl)
        }
        _ if basis.motion_control => {
            let family = basis.family.or_else(|| family_of(basis.model)).unwrap_or("kling-2.6");
            video_quote(basis, family, Feature::MotionControl)
        }
        _ => {
            let Some(family) = basis.family.or_else(|| family_of(basis.model)) else {
                return unpublished_video(basis, "a video the price table does not list");
            };
            let feature = if basis.video_input {
                Feature::VideoInput
            } else if basis.sound == Sound::Native || family == "kling-3.0-turbo" {
                if basis.voice_control { Feature::VoiceControl } else { Feature::NativeAudio }
            } else {
                Feature::Silent
            };
            video_quote(basis, family, feature)
        }
    }
}

fn unpublished_video(basis: &Basis, why: &'static str) -> Quote {
    let per_second = UNPUBLISHED_VIDEO[basis.tier.column()];
    Quote { units: Units(per_second.saturating_mul(u64::from(basis.seconds))), source: Source::Unpublished(why) }
}

/// A per-second price: the row of `feature`, or, where the family has none (voice
/// control on 3.0, native audio at a resolution 2.6 only sells silent), the nearest row
/// it has: voice control as native audio, native audio as silent.
fn video_quote(basis: &Basis, family: &'static str, feature: Feature) -> Quote {
    let fallbacks: &[Feature] = match feature {
        Feature::VoiceControl => &[Feature::VoiceControl, Feature::NativeAudio, Feature::Silent],
        Feature::NativeAudio => &[Feature::NativeAudio, Feature::Silent],
        Feature::VideoInput => &[Feature::VideoInput, Feature::Silent],
        _ => std::slice::from_ref(match feature {
            Feature::Silent => &Feature::Silent,
            Feature::MotionControl => &Feature::MotionControl,
            _ => &Feature::Avatar,
        }),
    };
    let column = basis.tier.column();
    let found = fallbacks.iter().find_map(|f| {
        let row = VIDEO_PRICES.iter().find(|p| p.family == family && p.feature == *f)?;
        row.per_second[column].map(|per_second| (row, per_second))
    });
    match found {
        Some((row, per_second)) => Quote {
            units: Units(per_second.saturating_mul(u64::from(basis.seconds))),
            source: Source::Published(row.label),
        },
        None => unpublished_video(basis, "a resolution the price table does not list for this model"),
    }
}

fn fixed_quote(basis: &Basis) -> Option<Quote> {
    let row = FIXED_PRICES.iter().find(|p| {
        p.endpoint == basis.endpoint
            && p.model.is_none_or(|m| m == basis.model)
            && p.image_input.is_none_or(|i| i == basis.image_input)
    })?;
    let milli = if basis.tier == Tier::FourK { row.units[1].or(row.units[0])? } else { row.units[0]? };
    let count = if row.per_image { u64::from(basis.images.max(1)) } else { 1 };
    Some(Quote { units: Units(milli.saturating_mul(count)), source: Source::Published(row.label) })
}

/// What the billing exports call a task's function (`product_function`, "e.g. Image
/// to Video").
pub const fn product_function(endpoint: EndpointId) -> &'static str {
    use EndpointId as E;
    match endpoint {
        E::Text2Video | E::TextToVideo30Turbo | E::TextToVideo30 | E::TextToVideo26 | E::TextToVideo25Turbo => {
            "Text to Video"
        }
        E::Image2Video | E::ImageToVideo30Turbo | E::ImageToVideo30 | E::ImageToVideo26 | E::ImageToVideo25Turbo => {
            "Image to Video"
        }
        E::OmniVideo | E::OmniVideo30 | E::OmniVideoO1 => "Omni Video",
        E::MultiImage2Video => "Multi-Image to Video",
        E::MotionControl | E::MotionControl30 | E::MotionControl26 => "Motion Control",
        E::VideoExtend => "Video Extension",
        E::Effects => "Video Effects",
        E::MultiElements => "Multi-Elements",
        E::LipSync | E::AdvancedLipSync => "Lip Sync",
        E::IdentifyFace => "Face Recognition",
        E::Avatar => "Avatar",
        E::TextToAudio => "Text to Audio",
        E::VideoToAudio => "Video to Audio",
        E::Tts => "TTS",
        E::CustomVoices => "Custom Voice",
        E::CustomElements => "Element Creation",
        E::ImageRecognize => "Image Recognition",
        E::OmniImage => "Omni Image",
        E::ImageGenerations => "Image Generation",
        E::MultiImage2Image => "Multi-Image to Image",
        E::Expand => "Outpainting",
        E::VirtualTryOn => "Virtual Try-On",
        E::TalkingAgent => "Video Commerce",
        E::GoodsStudio => "Goods Studio",
        E::ClothingDupe => "AI Apparel Replicator",
        E::DramaSubtitle => "Drama Subtitle",
        E::SolutionTryOn => "Try-On 3.0",
        E::AiMultiShot => "AI Multi-Shot",
        E::InitSelection | E::AddSelection | E::DeleteSelection | E::ClearSelection | E::PreviewSelection => {
            "Multi-Elements Selection"
        }
        E::DeleteVoices | E::DeleteElements | E::DeleteAdvancedElements => "Deletion",
    }
}

/// The most a create of `endpoint` can cost, in whole units rounded up (ten seconds at
/// 4K, nine images at 4K): the contract kit's budget per check on a billing server.
pub fn ceiling(endpoint: EndpointId) -> u32 {
    let mut basis = Basis::new(endpoint, "");
    basis.tier = Tier::FourK;
    basis.seconds = 15;
    basis.images = 9;
    basis.sound = Sound::Native;
    let worst = ["", "kling-v3", "kling-v3-omni", "kling-v2-6", "kling-v2-1"]
        .into_iter()
        .map(|model| quote(&Basis { model, ..basis }).units)
        .max()
        .unwrap_or_default();
    u32::try_from(worst.0.div_ceil(1000)).unwrap_or(u32::MAX)
}

/// The seed's credit range `(low, high)` for an endpoint (SEED-REFERENCE.md §2), which
/// the seed dialect charges. Omni-video is priced like text2video; the endpoints the seed
/// does not list get the nearest range it has.
pub const fn seed_credit_range(endpoint: EndpointId) -> (u32, u32) {
    match endpoint {
        EndpointId::Text2Video | EndpointId::OmniVideo => (150, 300),
        EndpointId::TextToVideo30Turbo
        | EndpointId::ImageToVideo30Turbo
        | EndpointId::TextToVideo30
        | EndpointId::ImageToVideo30
        | EndpointId::MotionControl30
        | EndpointId::OmniVideo30
        | EndpointId::OmniVideoO1
        | EndpointId::TextToVideo26
        | EndpointId::ImageToVideo26
        | EndpointId::MotionControl26
        | EndpointId::TextToVideo25Turbo
        | EndpointId::ImageToVideo25Turbo
        | EndpointId::TalkingAgent
        | EndpointId::GoodsStudio
        | EndpointId::ClothingDupe
        | EndpointId::DramaSubtitle => (150, 300),
        EndpointId::Image2Video
        | EndpointId::MultiImage2Video
        | EndpointId::MotionControl
        | EndpointId::Effects
        | EndpointId::MultiElements => (80, 150),
        EndpointId::TextToAudio | EndpointId::VideoToAudio => (10, 10),
        EndpointId::Tts => (2, 2),
        EndpointId::CustomVoices | EndpointId::CustomElements => (20, 20),
        EndpointId::VideoExtend | EndpointId::LipSync | EndpointId::AdvancedLipSync | EndpointId::Avatar => (50, 80),
        EndpointId::OmniImage
        | EndpointId::ImageGenerations
        | EndpointId::MultiImage2Image
        | EndpointId::Expand
        | EndpointId::VirtualTryOn
        | EndpointId::SolutionTryOn
        | EndpointId::AiMultiShot => (8, 15),
        EndpointId::IdentifyFace
        | EndpointId::InitSelection
        | EndpointId::AddSelection
        | EndpointId::DeleteSelection
        | EndpointId::ClearSelection
        | EndpointId::PreviewSelection
        | EndpointId::DeleteVoices
        | EndpointId::DeleteElements
        | EndpointId::DeleteAdvancedElements
        | EndpointId::ImageRecognize => (0, 0),
    }
}

/// What the seed dialect charges: the low end of the seed's range for `std`, the high
/// end for `pro` and 4K, per started 5 seconds of video; the low end per image.
pub fn seed_price(basis: &Basis) -> Units {
    let (low, high) = seed_credit_range(basis.endpoint);
    let per = |credits: u32| Units::whole(u64::from(credits));
    match crate::endpoints::spec(basis.endpoint).pack {
        PackType::Image | PackType::VirtualTryOn => Units(per(low).0 * u64::from(basis.images.max(1))),
        PackType::Video => {
            let per_five = if basis.tier == Tier::Standard { low } else { high };
            Units(per(per_five).0 * u64::from(basis.seconds.div_ceil(5).max(1)))
        }
    }
}

/// The cash a unit of `pack` costs at list price, in ten-thousandths of `currency`: a
/// video unit $0.14 (video price page), an image unit $0.0035 (image price page: 8 units
/// $0.028). The pages give no CNY prices: ¥1 a video unit (the dollar price at about 7.1
/// CNY to the dollar) and ¥0.025 an image unit, in the same ratio (FIDELITY.md).
pub const fn unit_list_price(pack: PackType, currency: Currency) -> u64 {
    match (pack, currency) {
        (PackType::Video, Currency::Usd) => 1400,
        (PackType::Image | PackType::VirtualTryOn, Currency::Usd) => 35,
        (PackType::Video, Currency::Cny) => 10_000,
        (PackType::Image | PackType::VirtualTryOn, Currency::Cny) => 250,
    }
}

/// The list price in cash of `units` of `pack`.
pub fn list_price(pack: PackType, units: Units, currency: Currency) -> Money {
    // units are thousandths; the rate is ten-thousandths of the currency per unit.
    let value = u128::from(units.0) * u128::from(unit_list_price(pack, currency));
    Money(u64::try_from(value.div_ceil(1000)).unwrap_or(u64::MAX))
}

/// A balance's currency (`CNY` or `USD`, the billing pages' enum).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, serde::Serialize, serde::Deserialize)]
pub enum Currency {
    /// US dollars (the international site).
    #[default]
    #[serde(rename = "USD")]
    Usd,
    /// Renminbi (the Chinese site).
    #[serde(rename = "CNY")]
    Cny,
}

impl Currency {
    /// As the API writes it.
    pub const fn as_str(self) -> &'static str {
        match self {
            Currency::Usd => "USD",
            Currency::Cny => "CNY",
        }
    }
}

impl std::str::FromStr for Currency {
    type Err = String;

    fn from_str(s: &str) -> Result<Currency, String> {
        match s.trim().to_ascii_uppercase().as_str() {
            "USD" => Ok(Currency::Usd),
            "CNY" => Ok(Currency::Cny),
            other => Err(format!("{other:?} is not a currency the API knows (CNY or USD)")),
        }
    }
}

/// What [`Money`] and [`Units`] share: a whole number of `10^-$decimals`, added and
/// subtracted saturating, written as a decimal without trailing zeros, parsed from one,
/// and a JSON number in files and admin answers.
macro_rules! fixed_point {
    ($name:ident, $decimals:literal, $what:literal) => {
        impl $name {
            /// Nothing.
            pub const ZERO: $name = $name(0);

            /// The sum, saturating.
            pub const fn saturating_add(self, other: $name) -> $name {
                $name(self.0.saturating_add(other.0))
            }

            /// The difference, saturating at zero.
            pub const fn saturating_sub(self, other: $name) -> $name {
                $name(self.0.saturating_sub(other.0))
            }

            /// As a floating number (for fields the API types as numbers).
            pub fn as_f64(self) -> f64 {
                self.0 as f64 / 10u64.pow($decimals) as f64
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                write_decimal(f, self.0, $decimals)
            }
        }

        impl std::str::FromStr for $name {
            type Err = String;

            #[doc = concat!("Parses a non-negative decimal with at most ", $decimals, " decimals.")]
            fn from_str(s: &str) -> Result<$name, String> {
                parse_decimal(s, $decimals).map($name).ok_or_else(|| {
                    format!(
                        concat!("{:?} is not ", $what, " (a non-negative decimal, at most ", $decimals, " decimals)"),
                        s
                    )
                })
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                let scale = 10u64.pow($decimals);
                if self.0.is_multiple_of(scale) {
                    serializer.serialize_u64(self.0 / scale)
                } else {
                    serializer.serialize_f64(self.as_f64())
                }
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<$name, D::Error> {
                let value = serde_json::Number::deserialize(deserializer)?;
                value.to_string().parse().map_err(serde::de::Error::custom)
            }
        }
    };
}

/// An amount of cash in ten-thousandths of its currency, written like [`Units`]
/// (`"0.42"`, `"13037.3"`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Money(pub u64);

fixed_point!(Money, 4, "an amount");

/// Writes `value / 10^decimals` without trailing zeros.
fn write_decimal(f: &mut std::fmt::Formatter<'_>, value: u64, decimals: u32) -> std::fmt::Result {
    let scale = 10u64.pow(decimals);
    let (whole, fraction) = (value / scale, value % scale);
    if fraction == 0 {
        return write!(f, "{whole}");
    }
    let digits = format!("{fraction:0width$}", width = decimals as usize);
    write!(f, "{whole}.{}", digits.trim_end_matches('0'))
}

/// Reads a non-negative decimal with at most `decimals` decimals, scaled to an integer.
fn parse_decimal(s: &str, decimals: u32) -> Option<u64> {
    let (whole, fraction) = s.trim().split_once('.').unwrap_or((s.trim(), ""));
    if whole.is_empty()
        || fraction.len() > decimals as usize
        || !whole.bytes().chain(fraction.bytes()).all(|b| b.is_ascii_digit())
    {
        return None;
    }
    let whole: u64 = whole.parse().ok()?;
    let padded = format!("{fraction:0<width$}", width = decimals as usize);
    let fraction: u64 = if fraction.is_empty() { 0 } else { padded.parse().ok()? };
    whole.checked_mul(10u64.pow(decimals)).and_then(|w| w.checked_add(fraction))
}

/// An amount of units, kept in thousandths so that the per-second prices (`0.6` a
/// second, `"1.8"` for three) add up exactly. On the wire it is a decimal string without
/// trailing zeros (`"3"`, `"1.8"`, `"0.05"`), as the real API writes it; in JSON files
/// and admin answers it is a number.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Units(pub u64);

impl Units {
    /// `n` whole units.
    pub const fn whole(n: u64) -> Units {
        Units(n.saturating_mul(1000))
    }

    /// Thousandths of a unit.
    pub const fn milli(self) -> u64 {
        self.0
    }
}

fixed_point!(Units, 3, "an amount of units");

#[cfg(test)]
mod tests {
    use super::*;

    fn video(endpoint: EndpointId, model: &'static str, tier: Tier, seconds: u32) -> Basis {
        Basis { tier, seconds, ..Basis::new(endpoint, model) }
    }

    #[test]
    fn units_are_written_as_the_real_api_writes_them() {
        let text = |milli| Units(milli).to_string();
        assert_eq!([text(3000), text(1800), text(50), text(0), text(12_270)], ["3", "1.8", "0.05", "0", "12.27"]);
        assert_eq!("1.8".parse(), Ok(Units(1800)));
        assert_eq!("0.05".parse(), Ok(Units(50)));
        assert!("1.2345".parse::<Units>().is_err() && "-1".parse::<Units>().is_err() && "".parse::<Units>().is_err());
        assert_eq!(serde_json::to_string(&Units(150_000)).ok().as_deref(), Some("150"));
        assert_eq!(serde_json::to_string(&Units(1800)).ok().as_deref(), Some("1.8"));
        assert_eq!(serde_json::from_str::<Units>("1.8").ok(), Some(Units(1800)));
        assert_eq!([Money(4200).to_string(), Money(130_373_000).to_string()], ["0.42", "13037.3"]);
        assert_eq!("0.0035".parse(), Ok(Money(35)));
    }

    #[test]
    fn recorded_amounts_follow_from_the_price_table() {
        // PROBE: a 5 s 720p omni video billed "3", 3 s "1.8"; PS: 2.5 Turbo 5 s 720p "1.5";
        // AS-CHK: TTS "0.05", a kling-v3 image 8 image units.
        let omni = |seconds| {
            quote(&Basis {
                family: Some("kling-3.0-omni"),
                ..video(EndpointId::OmniVideo30, "", Tier::Standard, seconds)
            })
        };
        assert_eq!(omni(5).units.to_string(), "3");
        assert_eq!(omni(3).units.to_string(), "1.8");
        assert_eq!(
            quote(&video(EndpointId::Text2Video, "kling-v2-5-turbo", Tier::Standard, 5)).units.to_string(),
            "1.5"
        );
        assert_eq!(quote(&Basis::new(EndpointId::Tts, "")).units.to_string(), "0.05");
        assert_eq!(quote(&Basis::new(EndpointId::ImageGenerations, "kling-v3")).units.to_string(), "8");
    }

    #[test]
    fn every_feature_and_tier_has_its_row() {
        let t2v = |model, tier, sound, voice| {
            quote(&Basis { sound, voice_control: voice, ..video(EndpointId::Text2Video, model, tier, 5) }).units
        };
        assert_eq!(t2v("kling-v3", Tier::High, Sound::Off, false), Units(4000));
        assert_eq!(t2v("kling-v3", Tier::FourK, Sound::Off, false), Units(15_000));
        assert_eq!(t2v("kling-v3", Tier::Standard, Sound::Native, false), Units(4500));
        assert_eq!(t2v("kling-v2-6", Tier::High, Sound::Native, true), Units(6000), "6 units / 5 s with a voice (UPD)");
        assert_eq!(t2v("kling-v2-5-turbo", Tier::High, Sound::Off, false), Units(2500), "2.5 units pro 5 s (UPD)");
        let motion = quote(&video(EndpointId::MotionControl, "kling-v2-6", Tier::Standard, 10));
        assert_eq!(motion.units, Units(5000));
        let lip_sync = quote(&video(EndpointId::LipSync, "", Tier::Standard, 6));
        assert_eq!(lip_sync.units, Units(1000), "a started 5 seconds counts whole");
        let omni_4k =
            quote(&Basis { tier: Tier::FourK, images: 2, ..Basis::new(EndpointId::OmniImage, "kling-v3-omni") });
        assert_eq!(omni_4k.units, Units(32_000));
        let retired = quote(&video(EndpointId::Text2Video, "kling-v1", Tier::Standard, 5));
        assert!(matches!(retired.source, Source::Unpublished(_)) && retired.units == Units(1500));
    }

    #[test]
    fn cash_list_prices_follow_the_dollar_price_of_a_unit() {
        assert_eq!(list_price(PackType::Video, Units(3000), Currency::Usd).to_string(), "0.42");
        assert_eq!(list_price(PackType::Image, Units(8000), Currency::Usd).to_string(), "0.028");
        assert_eq!(list_price(PackType::Video, Units(50), Currency::Usd).to_string(), "0.007");
    }

    #[test]
    fn the_seed_dialect_keeps_the_seed_credits() {
        assert_eq!(seed_price(&video(EndpointId::Text2Video, "kling-v1", Tier::Standard, 5)), Units::whole(150));
        assert_eq!(seed_price(&video(EndpointId::Text2Video, "kling-v1", Tier::High, 10)), Units::whole(600));
        let images = Basis { images: 4, ..Basis::new(EndpointId::ImageGenerations, "kling-v1") };
        assert_eq!(seed_price(&images), Units::whole(32));
    }
}
