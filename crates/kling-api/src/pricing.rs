//! What a task costs, in the units `final_unit_deduction` reports.
//!
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
        | EndpointId::ImageRecognize => (0, 0),
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
            let per_five_seconds = if mode == Some("pro") { high } else { low };
            per_five_seconds * duration_s.div_ceil(5).max(1)
        }
    }
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
}
