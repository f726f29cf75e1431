//! The video model support matrix (REFERENCE.md §3.18): which model serves which
//! endpoint, with which modes, durations and features.
//!
//! A feature is listed as the `(mode, duration)` combinations that support it; `ANY`
//! means every combination the model offers.

/// A `(mode, duration)` combination; `None` matches any value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Combo {
    /// `"std"` or `"pro"`, or any.
    pub mode: Option<&'static str>,
    /// Seconds, or any.
    pub duration: Option<u32>,
}

const fn combo(mode: &'static str, duration: u32) -> Combo {
    Combo { mode: Some(mode), duration: Some(duration) }
}
const fn mode_only(mode: &'static str) -> Combo {
    Combo { mode: Some(mode), duration: None }
}
/// Every combination.
pub const ANY: &[Combo] = &[Combo { mode: None, duration: None }];
/// No combination.
pub const NONE: &[Combo] = &[];
const PRO: &[Combo] = &[mode_only("pro")];
const STD5_PRO5: &[Combo] = &[combo("std", 5), combo("pro", 5)];

/// Whether one of `combos` admits `mode` and `duration`.
pub fn admits(combos: &[Combo], mode: &str, duration: u32) -> bool {
    combos.iter().any(|c| c.mode.is_none_or(|m| m == mode) && c.duration.is_none_or(|d| d == duration))
}

/// What one video model supports.
#[derive(Debug, Clone, Copy)]
pub struct VideoModel {
    /// `model_name` value.
    pub name: &'static str,
    /// Offered by text2video.
    pub text2video: bool,
    /// Offered by image2video.
    pub image2video: bool,
    /// Modes; `None` when the model has no std/pro split (the `mode` field is ignored).
    pub modes: Option<&'static [&'static str]>,
    /// Allowed `duration` values in seconds.
    pub durations: &'static [u32],
    /// Whether `cfg_scale` is accepted ("kling-v2.x models do not support this parameter").
    pub cfg_scale: bool,
    /// Combinations where `sound: "on"` is allowed.
    pub sound: &'static [Combo],
    /// Whether multi-shot generation is offered.
    pub multi_shot: bool,
    /// text2video combinations with camera control.
    pub camera_control_t2v: &'static [Combo],
    /// image2video combinations with camera control (type `simple` only).
    pub camera_control_i2v: &'static [Combo],
    /// Combinations with an end frame (`image_tail`).
    pub end_frame: &'static [Combo],
    /// Combinations with motion brush (`static_mask` / `dynamic_masks`).
    pub motion_brush: &'static [Combo],
    /// Whether `element_list` is supported.
    pub elements: bool,
    /// Combinations with `voice_list`.
    pub voices: &'static [Combo],
}

const FIVE_TEN: &[u32] = &[5, 10];
const THREE_TO_FIFTEEN: &[u32] = &[3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15];
const STD_PRO: &[&str] = &["std", "pro"];

const BASE: VideoModel = VideoModel {
    name: "",
    text2video: true,
    image2video: true,
    modes: Some(STD_PRO),
    durations: FIVE_TEN,
    cfg_scale: false,
    sound: NONE,
    multi_shot: false,
    camera_control_t2v: NONE,
    camera_control_i2v: NONE,
    end_frame: NONE,
    motion_brush: NONE,
    elements: false,
    voices: NONE,
};

/// Every video model of text2video / image2video, oldest first.
pub const VIDEO_MODELS: &[VideoModel] = &[
    VideoModel {
        name: "kling-v1",
        cfg_scale: true,
        camera_control_t2v: &[combo("std", 5)],
        end_frame: STD5_PRO5,
        motion_brush: STD5_PRO5,
        ..BASE
    },
    VideoModel {
        name: "kling-v1-5",
        text2video: false,
        cfg_scale: true,
        camera_control_i2v: &[combo("pro", 5)],
        end_frame: PRO,
        motion_brush: &[combo("pro", 5)],
        ..BASE
    },
    VideoModel { name: "kling-v1-6", cfg_scale: true, end_frame: PRO, ..BASE },
    VideoModel { name: "kling-v2-master", modes: None, ..BASE },
    VideoModel { name: "kling-v2-1", text2video: false, end_frame: PRO, ..BASE },
    VideoModel { name: "kling-v2-1-master", modes: None, ..BASE },
    VideoModel { name: "kling-v2-5-turbo", end_frame: PRO, ..BASE },
    VideoModel { name: "kling-v2-6", sound: PRO, end_frame: PRO, voices: PRO, ..BASE },
    VideoModel {
        name: "kling-v3",
        durations: THREE_TO_FIFTEEN,
        cfg_scale: true,
        sound: ANY,
        multi_shot: true,
        end_frame: ANY,
        elements: true,
        ..BASE
    },
];

/// The model today's API uses when `model_name` is absent or empty (earlier days:
/// [`crate::history::Day::default_model`]).
pub const DEFAULT_VIDEO_MODEL: &str = "kling-v2-5-turbo";

/// Looks a video model up by name.
pub fn video_model(name: &str) -> Option<&'static VideoModel> {
    VIDEO_MODELS.iter().find(|m| m.name == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn combos_match_as_documented() {
        assert!(admits(ANY, "pro", 10));
        assert!(!admits(NONE, "std", 5));
        assert!(admits(STD5_PRO5, "pro", 5));
        assert!(!admits(STD5_PRO5, "pro", 10));
        assert!(admits(PRO, "pro", 10));
        assert!(!admits(PRO, "std", 5));
    }

    #[test]
    fn v2_models_reject_cfg_scale() {
        for m in VIDEO_MODELS.iter().filter(|m| m.name.starts_with("kling-v2")) {
            assert!(!m.cfg_scale, "{}", m.name);
        }
    }
}
