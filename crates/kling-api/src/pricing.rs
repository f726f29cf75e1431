//! What a task costs, in the units `final_unit_deduction` and `billing[]` report.
//!
//! New-standard tasks are billed from the official per-second table ([`VIDEO_PRICES`]).
//! The official docs publish no unit table for the legacy API. The emulator uses the
//! seed reference's credit ranges per endpoint (SEED-REFERENCE.md §2): for videos `std`
//! costs the low end and `pro` the high end, per started 5 seconds of output; for images
//! the low end per image. FIDELITY.md records this choice; the real service reports much
//! smaller unit counts (PROBE saw `"3"`).

use crate::endpoints::EndpointId;

/// The seed's credit range `(low, high)` for an endpoint. Omni-video is not in the seed;
/// it is priced like text2video. Effects, multi-elements, audio and library tasks are
/// not in the seed either; their prices are the emulator's own (FIDELITY.md).
pub const fn seed_credit_range(endpoint: EndpointId) -> (u32, u32) {
    match endpoint {
        EndpointId::Text2Video | EndpointId::OmniVideo => (150, 300),
        // Priced by the official per-second table ([`video_price`]); the seed range
        // only bounds the contract kit's budget.
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
        | EndpointId::ImageToVideo25Turbo => (3, 45),
        EndpointId::Image2Video
        | EndpointId::MultiImage2Video
        | EndpointId::MotionControl
        | EndpointId::Effects
        | EndpointId::MultiElements => (80, 150),
        EndpointId::TextToAudio | EndpointId::VideoToAudio => (10, 10),
        EndpointId::Tts => (2, 2),
        EndpointId::CustomVoices | EndpointId::CustomElements => (20, 20),
        EndpointId::VideoExtend | EndpointId::LipSync | EndpointId::AdvancedLipSync | EndpointId::Avatar => (50, 80),
        EndpointId::OmniImage | EndpointId::ImageGenerations | EndpointId::MultiImage2Image | EndpointId::Expand => {
            (8, 15)
        }
        EndpointId::VirtualTryOn => (8, 15),
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
        // Priced per call ([`call_price`]); the range only bounds the contract kit's budget.
        EndpointId::AiMultiShot => (1, 1),
    }
}

/// The official price of one call of a legacy endpoint priced per call, where the docs give
/// one: ai-multi-shot "0.5 units deducted per visit" (official page, 2026-01-23).
pub const fn call_price(endpoint: EndpointId) -> Option<Units> {
    match endpoint {
        EndpointId::AiMultiShot => Some(Units(500)),
        _ => None,
    }
}

/// Units charged for a task of `endpoint` in `mode` producing `duration_s` seconds of
/// video or `images` images.
pub fn unit_cost(endpoint: EndpointId, mode: Option<&str>, duration_s: u32, images: u32) -> u32 {
    let (low, high) = seed_credit_range(endpoint);
    match endpoint {
        EndpointId::OmniImage
        | EndpointId::ImageGenerations
        | EndpointId::MultiImage2Image
        | EndpointId::Expand
        | EndpointId::VirtualTryOn => low * images.max(1),
        _ => {
            // The seed's table predates 4K: it costs at least what pro does.
            let per_five_seconds = if matches!(mode, Some("pro" | "4k")) { high } else { low };
            per_five_seconds * duration_s.div_ceil(5).max(1)
        }
    }
}

/// An amount of units, kept in thousandths so that the per-second prices (`0.6` a
/// second, `"1.8"` for three) add up exactly. On the wire it is a decimal string without
/// trailing zeros (`"3"`, `"1.8"`, `"0.05"`), as the real API writes it; in JSON files
/// and admin answers it is a number.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Units(pub u64);

impl Units {
    /// Nothing.
    pub const ZERO: Units = Units(0);

    /// `n` whole units.
    pub const fn whole(n: u64) -> Units {
        Units(n.saturating_mul(1000))
    }

    /// Thousandths of a unit.
    pub const fn milli(self) -> u64 {
        self.0
    }

    /// The sum, saturating.
    pub const fn saturating_add(self, other: Units) -> Units {
        Units(self.0.saturating_add(other.0))
    }

    /// The difference, saturating at zero.
    pub const fn saturating_sub(self, other: Units) -> Units {
        Units(self.0.saturating_sub(other.0))
    }

    /// As a floating number of units (for fields the API types as numbers).
    pub fn as_f64(self) -> f64 {
        self.0 as f64 / 1000.0
    }
}

impl std::fmt::Display for Units {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (whole, fraction) = (self.0 / 1000, self.0 % 1000);
        if fraction == 0 {
            return write!(f, "{whole}");
        }
        let digits = format!("{fraction:03}");
        write!(f, "{whole}.{}", digits.trim_end_matches('0'))
    }
}

impl std::str::FromStr for Units {
    type Err = String;

    /// Parses a non-negative decimal with at most three decimals (`"12"`, `"0.05"`).
    fn from_str(s: &str) -> Result<Units, String> {
        let bad = || format!("{s:?} is not an amount of units (a non-negative decimal, at most 3 decimals)");
        let (whole, fraction) = s.trim().split_once('.').unwrap_or((s.trim(), ""));
        if whole.is_empty() || fraction.len() > 3 || !whole.bytes().chain(fraction.bytes()).all(|b| b.is_ascii_digit())
        {
            return Err(bad());
        }
        let whole: u64 = whole.parse().map_err(|_| bad())?;
        let fraction: u64 =
            if fraction.is_empty() { 0 } else { format!("{fraction:0<3}").parse().map_err(|_| bad())? };
        whole.checked_mul(1000).and_then(|w| w.checked_add(fraction)).map(Units).ok_or_else(bad)
    }
}

impl serde::Serialize for Units {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if self.0.is_multiple_of(1000) {
            serializer.serialize_u64(self.0 / 1000)
        } else {
            serializer.serialize_f64(self.as_f64())
        }
    }
}

impl<'de> serde::Deserialize<'de> for Units {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Units, D::Error> {
        let value = serde_json::Number::deserialize(deserializer)?;
        value.to_string().parse().map_err(serde::de::Error::custom)
    }
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
}

/// The official video price table (`kling-pricing-video.md` in the public copy of the
/// official pages, 2026): units per second of output.
pub const VIDEO_PRICES: &[VideoPrice] = &[
    VideoPrice { family: "kling-3.0-turbo", feature: Feature::NativeAudio, per_second: [Some(800), Some(1000), None] },
    VideoPrice { family: "kling-3.0", feature: Feature::Silent, per_second: [Some(600), Some(800), Some(3000)] },
    VideoPrice { family: "kling-3.0", feature: Feature::NativeAudio, per_second: [Some(900), Some(1200), Some(3000)] },
    VideoPrice { family: "kling-3.0", feature: Feature::MotionControl, per_second: [Some(900), Some(1200), None] },
    VideoPrice { family: "kling-3.0-omni", feature: Feature::Silent, per_second: [Some(600), Some(800), Some(3000)] },
    VideoPrice {
        family: "kling-3.0-omni",
        feature: Feature::NativeAudio,
        per_second: [Some(800), Some(1000), Some(3000)],
    },
    VideoPrice {
        family: "kling-3.0-omni",
        feature: Feature::VideoInput,
        per_second: [Some(900), Some(1200), Some(3000)],
    },
    VideoPrice { family: "kling-o1", feature: Feature::Silent, per_second: [Some(600), Some(800), None] },
    VideoPrice { family: "kling-o1", feature: Feature::VideoInput, per_second: [Some(900), Some(1200), None] },
    VideoPrice { family: "kling-2.6", feature: Feature::Silent, per_second: [Some(300), Some(500), None] },
    VideoPrice { family: "kling-2.6", feature: Feature::NativeAudio, per_second: [None, Some(1000), None] },
    VideoPrice { family: "kling-2.6", feature: Feature::VoiceControl, per_second: [None, Some(1200), None] },
    VideoPrice { family: "kling-2.6", feature: Feature::MotionControl, per_second: [Some(500), Some(800), None] },
    VideoPrice { family: "kling-2.5-turbo", feature: Feature::Silent, per_second: [Some(300), Some(500), None] },
];

/// The price of `seconds` of `family` video with `feature` at `resolution` (`720p`,
/// `1080p`, `4k`), from [`VIDEO_PRICES`]; `None` when the table has no such row. The
/// output length is billed to the millisecond: 5.041 s at 0.6 a second would be
/// 3.025, but tasks are billed on the requested whole seconds (PROBE: `"3"` for a 5 s
/// video of 5.041 s).
pub fn video_price(family: &str, feature: Feature, resolution: &str, seconds: u32) -> Option<Units> {
    let column = match resolution {
        "720p" => 0,
        "1080p" => 1,
        "4k" => 2,
        _ => return None,
    };
    let row = VIDEO_PRICES.iter().find(|p| p.family == family && p.feature == feature)?;
    row.per_second[column].map(|per_second| Units(per_second.saturating_mul(u64::from(seconds))))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pro_longer_and_more_images_cost_more() {
        assert_eq!(unit_cost(EndpointId::Text2Video, Some("std"), 5, 1), 150);
        assert_eq!(unit_cost(EndpointId::Text2Video, Some("pro"), 5, 1), 300);
        assert_eq!(unit_cost(EndpointId::Text2Video, Some("std"), 10, 1), 300);
        assert_eq!(unit_cost(EndpointId::Image2Video, None, 3, 1), 80);
        assert_eq!(unit_cost(EndpointId::ImageGenerations, None, 5, 4), 32);
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
    }

    #[test]
    fn recorded_amounts_follow_from_the_price_table() {
        // PROBE: a 5 s 720p omni video billed "3", 3 s "1.8"; PS: 2.5 Turbo 5 s 720p "1.5".
        let price = |family, resolution, seconds| video_price(family, Feature::Silent, resolution, seconds);
        assert_eq!(price("kling-3.0-omni", "720p", 5).map(|u| u.to_string()).as_deref(), Some("3"));
        assert_eq!(price("kling-3.0-omni", "720p", 3).map(|u| u.to_string()).as_deref(), Some("1.8"));
        assert_eq!(price("kling-2.5-turbo", "720p", 5).map(|u| u.to_string()).as_deref(), Some("1.5"));
        assert_eq!(video_price("kling-2.6", Feature::NativeAudio, "720p", 5), None);
    }
}
