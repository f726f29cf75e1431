//! Typed request bodies, one per create endpoint, for clients.
//!
//! Every field is optional on the type and left out of the JSON when unset, so the
//! service applies its official defaults (which depend on the model: sending `cfg_scale`
//! to a kling-v2.x model is an error). `new` takes the fields the endpoint requires;
//! chainable setters fill the rest; `extra` carries fields this crate does not model yet.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::endpoints::EndpointId;
use crate::wire::WatermarkInfo;

/// A request body for a create endpoint.
pub trait CreateRequest: Serialize + Send + Sync {
    /// The endpoint it is sent to.
    const ENDPOINT: EndpointId;

    /// The caller's own id, when set (used to avoid duplicates on retries).
    fn external_id(&self) -> Option<&str>;
}

macro_rules! request {
    (
        $(#[$doc:meta])* $name:ident => $endpoint:ident,
        required { $($req:ident : $req_ty:ty),* $(,)? }
        optional { $($(#[$fdoc:meta])* $field:ident : $ty:ty),* $(,)? }
    ) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
        pub struct $name {
            $(
                #[allow(missing_docs)]
                #[serde(default, skip_serializing_if = "Option::is_none")]
                pub $req: Option<$req_ty>,
            )*
            $(
                $(#[$fdoc])*
                #[serde(default, skip_serializing_if = "Option::is_none")]
                pub $field: Option<$ty>,
            )*
            /// The caller's own id, unique per account; usable to query the task.
            #[serde(default, skip_serializing_if = "Option::is_none")]
            pub external_task_id: Option<String>,
            /// Where the service POSTs status changes.
            #[serde(default, skip_serializing_if = "Option::is_none")]
            pub callback_url: Option<String>,
            /// Fields not modelled here, sent as they are.
            #[serde(flatten)]
            pub extra: Map<String, Value>,
        }

        impl $name {
            /// A request with the required fields; everything else takes the service's defaults.
            pub fn new($($req: impl Into<$req_ty>),*) -> Self {
                Self { $($req: Some($req.into()),)* ..Self::default() }
            }

            $(
                $(#[$fdoc])*
                pub fn $field(mut self, value: impl Into<$ty>) -> Self {
                    self.$field = Some(value.into());
                    self
                }
            )*

            /// Sets the caller's own id.
            pub fn external_task_id(mut self, id: impl Into<String>) -> Self {
                self.external_task_id = Some(id.into());
                self
            }

            /// Sets the callback URL.
            pub fn callback_url(mut self, url: impl Into<String>) -> Self {
                self.callback_url = Some(url.into());
                self
            }
        }

        impl CreateRequest for $name {
            const ENDPOINT: EndpointId = EndpointId::$endpoint;

            fn external_id(&self) -> Option<&str> {
                self.external_task_id.as_deref().filter(|id| !id.is_empty())
            }
        }
    };
}

/// `camera_control` of text2video and image2video.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CameraControl {
    /// `simple`, `down_back`, `forward_up`, `right_turn_forward`, `left_turn_forward`.
    #[serde(rename = "type")]
    pub kind: String,
    /// Axes, only for `simple`: exactly one non-zero, each in [-10, 10].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub config: Option<CameraConfig>,
}

/// The six axes of a `simple` camera move.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
#[allow(missing_docs)]
pub struct CameraConfig {
    pub horizontal: f64,
    pub vertical: f64,
    pub pan: f64,
    pub tilt: f64,
    pub roll: f64,
    pub zoom: f64,
}

/// One shot of a customized multi-shot video.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Shot {
    /// Position, from 1.
    pub index: u32,
    /// What happens in the shot (at most 512 characters).
    pub prompt: String,
    /// Seconds, as a string.
    pub duration: String,
}

/// `{"image": ...}`: an image URL or raw Base64.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ImageItem {
    /// URL or raw Base64 (no `data:` prefix).
    pub image: String,
}

/// `{"element_id": ...}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ElementRef {
    /// Element id.
    pub element_id: i64,
}

/// `{"voice_id": ...}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VoiceRef {
    /// Voice id.
    pub voice_id: String,
}

/// A motion brush area with its path.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DynamicMask {
    /// Mask image.
    pub mask: String,
    /// 2 to 77 points, origin bottom-left.
    pub trajectories: Vec<Point>,
}

/// A trajectory point.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[allow(missing_docs)]
pub struct Point {
    pub x: i64,
    pub y: i64,
}

/// An omni-video image, optionally a first or end frame.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FrameImage {
    /// URL or raw Base64.
    pub image_url: String,
    /// `first_frame` or `end_frame`.
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
}

/// An omni-video reference video.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReferenceVideo {
    /// Video URL.
    pub video_url: String,
    /// `base` (edit it) or `feature` (use it as reference).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refer_type: Option<String>,
    /// `yes` or `no`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub keep_original_sound: Option<String>,
}

/// The `input` of legacy lip-sync.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[allow(missing_docs)]
pub struct LipSyncInput {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub video_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub video_url: Option<String>,
    /// `text2video` or `audio2video`.
    pub mode: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub voice_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub voice_language: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub voice_speed: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audio_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audio_file: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audio_url: Option<String>,
}

/// One face of advanced lip-sync, times in milliseconds.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[allow(missing_docs)]
pub struct FaceChoose {
    pub face_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audio_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sound_file: Option<String>,
    pub sound_start_time: i64,
    pub sound_end_time: i64,
    pub sound_insert_time: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sound_volume: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub original_audio_volume: Option<f64>,
}

request! {
    /// `POST /v1/videos/text2video`.
    Text2VideoRequest => Text2Video,
    required { prompt: String }
    optional {
        /// Default `kling-v1`.
        model_name: String,
        /// At most 2500 characters.
        negative_prompt: String,
        /// In [0, 1]; not for kling-v2.x.
        cfg_scale: f64,
        /// `std` (default) or `pro`.
        mode: String,
        /// `16:9` (default), `9:16`, `1:1`.
        aspect_ratio: String,
        /// Seconds as a string, default `"5"`.
        duration: String,
        /// `on` or `off`.
        sound: String,
        /// Camera movement.
        camera_control: CameraControl,
        /// Multi-shot generation.
        multi_shot: bool,
        /// `customize` or `intelligence`.
        shot_type: String,
        /// Shots for `customize`.
        multi_prompt: Vec<Shot>,
        /// Also produce a watermarked copy.
        watermark_info: WatermarkInfo,
    }
}

request! {
    /// `POST /v1/videos/image2video`: give `image`, `image_tail` or both.
    Image2VideoRequest => Image2Video,
    required { image: String }
    optional {
        /// Default `kling-v1`.
        model_name: String,
        /// End frame.
        image_tail: String,
        /// At most 2500 characters.
        prompt: String,
        /// At most 2500 characters.
        negative_prompt: String,
        /// In [0, 1]; not for kling-v2.x.
        cfg_scale: f64,
        /// `std` or `pro`.
        mode: String,
        /// Seconds as a string.
        duration: String,
        /// `on` or `off`.
        sound: String,
        /// Motion brush static area.
        static_mask: String,
        /// Motion brush paths.
        dynamic_masks: Vec<DynamicMask>,
        /// Camera movement.
        camera_control: CameraControl,
        /// Elements (kling-v3).
        element_list: Vec<ElementRef>,
        /// Voices (kling-v2-6 pro).
        voice_list: Vec<VoiceRef>,
        /// Multi-shot generation.
        multi_shot: bool,
        /// `customize` or `intelligence`.
        shot_type: String,
        /// Shots for `customize`.
        multi_prompt: Vec<Shot>,
        /// Also produce a watermarked copy.
        watermark_info: WatermarkInfo,
    }
}

request! {
    /// `POST /v1/videos/multi-image2video`.
    MultiImage2VideoRequest => MultiImage2Video,
    required { image_list: Vec<ImageItem>, prompt: String }
    optional {
        /// Only `kling-v1-6`.
        model_name: String,
        /// At most 2500 characters.
        negative_prompt: String,
        /// `std` or `pro`.
        mode: String,
        /// `"5"` or `"10"`.
        duration: String,
        /// `16:9`, `9:16`, `1:1`.
        aspect_ratio: String,
        /// Also produce a watermarked copy.
        watermark_info: WatermarkInfo,
    }
}

request! {
    /// `POST /v1/videos/omni-video`.
    OmniVideoRequest => OmniVideo,
    required { prompt: String }
    optional {
        /// `kling-video-o1` (default) or `kling-v3-omni`.
        model_name: String,
        /// Reference images and frames.
        image_list: Vec<FrameImage>,
        /// Elements.
        element_list: Vec<ElementRef>,
        /// At most one reference video.
        video_list: Vec<ReferenceVideo>,
        /// `on` or `off`.
        sound: String,
        /// `pro` (default) or `std`.
        mode: String,
        /// Required unless a first frame or a base video is given.
        aspect_ratio: String,
        /// Seconds as a string.
        duration: String,
        /// Multi-shot generation.
        multi_shot: bool,
        /// `customize` or `intelligence`.
        shot_type: String,
        /// Shots for `customize`.
        multi_prompt: Vec<Shot>,
        /// Also produce a watermarked copy.
        watermark_info: WatermarkInfo,
    }
}

request! {
    /// `POST /v1/videos/motion-control`.
    MotionControlRequest => MotionControl,
    required { image_url: String, video_url: String, character_orientation: String, mode: String }
    optional {
        /// `kling-v2-6` (default) or `kling-v3`.
        model_name: String,
        /// At most 2500 characters.
        prompt: String,
        /// At most one element.
        element_list: Vec<ElementRef>,
        /// `yes` (default) or `no`.
        keep_original_sound: String,
        /// Also produce a watermarked copy.
        watermark_info: WatermarkInfo,
    }
}

request! {
    /// `POST /v1/videos/video-extend`: model and mode come from the source video.
    VideoExtendRequest => VideoExtend,
    required { video_id: String }
    optional {
        /// At most 2500 characters.
        prompt: String,
        /// At most 2500 characters.
        negative_prompt: String,
        /// In [0, 1].
        cfg_scale: f64,
        /// Also produce a watermarked copy.
        watermark_info: WatermarkInfo,
    }
}

request! {
    /// `POST /v1/videos/lip-sync` (legacy).
    LipSyncRequest => LipSync,
    required { input: LipSyncInput }
    optional {}
}

request! {
    /// `POST /v1/videos/identify-face` (synchronous): give `video_id` or `video_url`.
    IdentifyFaceRequest => IdentifyFace,
    required {}
    optional {
        /// A Kling video of the account.
        video_id: String,
        /// A video URL.
        video_url: String,
    }
}

request! {
    /// `POST /v1/videos/advanced-lip-sync`.
    AdvancedLipSyncRequest => AdvancedLipSync,
    required { session_id: String, face_choose: Vec<FaceChoose> }
    optional {
        /// Also produce a watermarked copy.
        watermark_info: WatermarkInfo,
    }
}

request! {
    /// `POST /v1/images/omni-image`.
    OmniImageRequest => OmniImage,
    required { prompt: String }
    optional {
        /// `kling-image-o1` (default) or `kling-v3-omni`.
        model_name: String,
        /// Images referred to as `<<<image_N>>>`.
        image_list: Vec<ImageItem>,
        /// Elements referred to as `<<<element_N>>>`.
        element_list: Vec<ElementRef>,
        /// `1k`, `2k`, `4k`.
        resolution: String,
        /// `single` or `series`.
        result_type: String,
        /// Images for `single`, 1 to 9.
        n: u32,
        /// 2 to 9, or `"auto"`.
        series_amount: Value,
        /// Ratio or `auto`.
        aspect_ratio: String,
        /// Also produce a watermarked copy.
        watermark_info: WatermarkInfo,
    }
}

request! {
    /// `POST /v1/images/generations`.
    ImageGenerationRequest => ImageGenerations,
    required { prompt: String }
    optional {
        /// Default `kling-v1`.
        model_name: String,
        /// Not with `image`.
        negative_prompt: String,
        /// Reference image.
        image: String,
        /// `subject` or `face`.
        image_reference: String,
        /// In [0, 1].
        image_fidelity: f64,
        /// In [0, 1], with `subject`.
        human_fidelity: f64,
        /// Elements.
        element_list: Vec<ElementRef>,
        /// `1k` or `2k`.
        resolution: String,
        /// 1 to 9.
        n: u32,
        /// Ratio.
        aspect_ratio: String,
        /// Also produce a watermarked copy.
        watermark_info: WatermarkInfo,
    }
}

/// `{"subject_image": ...}` of multi-image-to-image.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SubjectImage {
    /// URL or raw Base64.
    pub subject_image: String,
}

request! {
    /// `POST /v1/images/multi-image2image`.
    MultiImage2ImageRequest => MultiImage2Image,
    required { subject_image_list: Vec<SubjectImage> }
    optional {
        /// `kling-v2-1` (default) or `kling-v2`.
        model_name: String,
        /// At most 2500 characters.
        prompt: String,
        /// Scene reference.
        scene_image: String,
        /// Style reference.
        style_image: String,
        /// 1 to 9.
        n: u32,
        /// Ratio.
        aspect_ratio: String,
        /// Also produce a watermarked copy.
        watermark_info: WatermarkInfo,
    }
}

request! {
    /// `POST /v1/images/editing/expand`: ratios in [0, 2], at most 3 times the area.
    ExpandRequest => Expand,
    required {
        image: String,
        up_expansion_ratio: f64,
        down_expansion_ratio: f64,
        left_expansion_ratio: f64,
        right_expansion_ratio: f64,
    }
    optional {
        /// At most 2500 characters.
        prompt: String,
        /// 1 to 9.
        n: u32,
        /// Also produce a watermarked copy.
        watermark_info: WatermarkInfo,
    }
}

request! {
    /// `POST /v1/images/kolors-virtual-try-on`.
    VirtualTryOnRequest => VirtualTryOn,
    required { human_image: String, cloth_image: String }
    optional {
        /// `kolors-virtual-try-on-v1` (default) or `kolors-virtual-try-on-v1-5`.
        model_name: String,
    }
}

request! {
    /// `POST /v1/videos/avatar/image2video`: give `audio_id` or `sound_file`.
    AvatarRequest => Avatar,
    required { image: String }
    optional {
        /// An audio of the account.
        audio_id: String,
        /// Audio as URL or Base64.
        sound_file: String,
        /// At most 2500 characters.
        prompt: String,
        /// `std` (default) or `pro`.
        mode: String,
        /// Also produce a watermarked copy.
        watermark_info: WatermarkInfo,
    }
}

/// The `input` of video effects: one image for most scenes, two (left, right) for the
/// dual-image scenes ([`crate::effects::DUAL_SCENES`]).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct EffectInput {
    /// The image of a single-image scene (URL or raw Base64).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image: Option<String>,
    /// The two images of a dual-image scene.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub images: Option<Vec<String>>,
    /// `kling-v1`, `kling-v1-5` or `kling-v1-6` (dual-image scenes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model_name: Option<String>,
    /// `std` or `pro` (dual-image scenes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mode: Option<String>,
    /// `"5"` or `"10"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration: Option<String>,
}

impl EffectInput {
    /// The input of a single-image scene.
    pub fn one_image(image: impl Into<String>) -> EffectInput {
        EffectInput { image: Some(image.into()), ..EffectInput::default() }
    }

    /// The input of a dual-image scene.
    pub fn two_images(left: impl Into<String>, right: impl Into<String>) -> EffectInput {
        EffectInput { images: Some(vec![left.into(), right.into()]), ..EffectInput::default() }
    }

    /// Sets the model.
    pub fn model_name(mut self, model: impl Into<String>) -> EffectInput {
        self.model_name = Some(model.into());
        self
    }

    /// Sets the mode.
    pub fn mode(mut self, mode: impl Into<String>) -> EffectInput {
        self.mode = Some(mode.into());
        self
    }

    /// Sets the duration.
    pub fn duration(mut self, duration: impl Into<String>) -> EffectInput {
        self.duration = Some(duration.into());
        self
    }
}

request! {
    /// `POST /v1/videos/effects`.
    EffectsRequest => Effects,
    required { effect_scene: String, input: EffectInput }
    optional {}
}

/// A point marked on a frame of a selection session, as fractions of the frame in [0, 1].
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
#[allow(missing_docs)]
pub struct SelectionPoint {
    pub x: f64,
    pub y: f64,
}

request! {
    /// `POST /v1/videos/multi-elements/init-selection` (synchronous): give `video_id` or
    /// `video_url` (2-5 s or 7-10 s).
    InitSelectionRequest => InitSelection,
    required {}
    optional {
        /// A Kling video of the account.
        video_id: String,
        /// A video URL.
        video_url: String,
    }
}

request! {
    /// `POST /v1/videos/multi-elements/add-selection` (synchronous): at most 10 frames per
    /// session, 10 points per frame.
    AddSelectionRequest => AddSelection,
    required { session_id: String, frame_index: u64, points: Vec<SelectionPoint> }
    optional {}
}

request! {
    /// `POST /v1/videos/multi-elements/delete-selection` (synchronous).
    DeleteSelectionRequest => DeleteSelection,
    required { session_id: String, frame_index: u64, points: Vec<SelectionPoint> }
    optional {}
}

request! {
    /// `POST /v1/videos/multi-elements/clear-selection` (synchronous).
    ClearSelectionRequest => ClearSelection,
    required { session_id: String }
    optional {}
}

request! {
    /// `POST /v1/videos/multi-elements/preview-selection` (synchronous).
    PreviewSelectionRequest => PreviewSelection,
    required { session_id: String }
    optional {}
}

request! {
    /// `POST /v1/videos/multi-elements`: edit what a selection session selected.
    MultiElementsRequest => MultiElements,
    required { session_id: String, edit_mode: String, prompt: String }
    optional {
        /// Only `kling-v1-6`.
        model_name: String,
        /// `addition` 1-2 images, `swap` exactly 1, `removal` none.
        image_list: Vec<ImageItem>,
        /// At most 2500 characters.
        negative_prompt: String,
        /// `std` or `pro`.
        mode: String,
        /// `"5"` for a 2-5 s input, `"10"` for 7-10 s.
        duration: String,
        /// Also produce a watermarked copy.
        watermark_info: WatermarkInfo,
    }
}

request! {
    /// `POST /v1/audio/text-to-audio`: `duration` in seconds, 3.0 to 10.0, one decimal.
    TextToAudioRequest => TextToAudio,
    required { prompt: String, duration: f64 }
    optional {}
}

request! {
    /// `POST /v1/audio/video-to-audio`: give `video_id` or `video_url` (3 to 20 s).
    VideoToAudioRequest => VideoToAudio,
    required {}
    optional {
        /// A Kling video of the account.
        video_id: String,
        /// A video URL.
        video_url: String,
        /// At most 200 characters.
        sound_effect_prompt: String,
        /// At most 200 characters.
        bgm_prompt: String,
        /// ASMR-style sound.
        asmr_mode: bool,
    }
}

request! {
    /// `POST /v1/audio/tts`: answered with the finished task.
    TtsRequest => Tts,
    required { text: String, voice_id: String }
    optional {
        /// `zh` (default) or `en`.
        voice_language: String,
        /// In [0.8, 2.0], default 1.0.
        voice_speed: f64,
    }
}

request! {
    /// `POST /v1/general/custom-voices`: give `voice_url` (5-30 s) or `video_id`.
    CustomVoiceRequest => CustomVoices,
    required { voice_name: String }
    optional {
        /// A sample of the voice.
        voice_url: String,
        /// A Kling video of the account whose voice is taken.
        video_id: String,
    }
}

request! {
    /// `POST /v1/general/ai-multi-shot`: three sets of three angles of an element from its
    /// frontal image (from 2026-01-23).
    AiMultiShotRequest => AiMultiShot,
    required { element_frontal_image: String }
    optional {}
}

request! {
    /// `POST /v1/general/delete-voices` (synchronous).
    DeleteVoiceRequest => DeleteVoices,
    required { voice_id: String }
    optional {}
}

/// `{"image_url": ...}`: a further view of an element.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReferImage {
    /// URL or raw Base64.
    pub image_url: String,
}

/// `element_image_list` of an `image_refer` element.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ElementImageList {
    /// The element seen from the front.
    pub frontal_image: String,
    /// 1 to 3 further views.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub refer_images: Vec<ReferImage>,
}

/// `{"video_url": ...}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReferVideo {
    /// Video URL (3-8 s).
    pub video_url: String,
}

/// `element_video_list` of a `video_refer` element.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ElementVideoList {
    /// Exactly one video.
    pub refer_videos: Vec<ReferVideo>,
}

/// `{"tag_id": ...}` of an element, `o_101` to `o_108`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tag {
    /// Tag id.
    pub tag_id: String,
}

request! {
    /// `POST /v1/general/advanced-custom-elements`: `image_refer` takes
    /// `element_image_list`, `video_refer` takes `element_video_list`.
    CustomElementRequest => CustomElements,
    required { element_name: String, element_description: String, reference_type: String }
    optional {
        /// Views of the element (`image_refer`).
        element_image_list: ElementImageList,
        /// A video of the element (`video_refer`).
        element_video_list: ElementVideoList,
        /// A preset voice or a voice of the account.
        element_voice_id: String,
        /// At most 8 tags.
        tag_list: Vec<Tag>,
    }
}

request! {
    /// `POST /v1/general/delete-elements` (synchronous). The id is sent as text, which
    /// every coercion mode accepts.
    DeleteElementRequest => DeleteElements,
    required { element_id: String }
    optional {}
}

request! {
    /// `POST /v1/videos/image-recognize` (synchronous).
    ImageRecognizeRequest => ImageRecognize,
    required { image: String }
    optional {}
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unset_fields_stay_out_of_the_body() {
        let request = Text2VideoRequest::new("a cat").mode("pro").external_task_id("x");
        let body = serde_json::to_value(&request).unwrap_or_default();
        assert_eq!(body, serde_json::json!({"prompt": "a cat", "mode": "pro", "external_task_id": "x"}));
        assert_eq!(request.external_id(), Some("x"));
    }

    #[test]
    fn nested_bodies_follow_the_official_shapes() {
        let effects = EffectsRequest::new("hug_pro", EffectInput::two_images("l", "r").duration("10"));
        let body = serde_json::to_value(&effects).unwrap_or_default();
        assert_eq!(
            body,
            serde_json::json!({"effect_scene": "hug_pro", "input": {"images": ["l", "r"], "duration": "10"}})
        );
        let element = CustomElementRequest::new("Fox", "a fox", "image_refer")
            .element_image_list(ElementImageList { frontal_image: "f".into(), refer_images: Vec::new() })
            .tag_list(vec![Tag { tag_id: "o_101".into() }]);
        let body = serde_json::to_value(&element).unwrap_or_default();
        assert_eq!(body["element_image_list"], serde_json::json!({"frontal_image": "f"}));
        assert_eq!(body["tag_list"], serde_json::json!([{"tag_id": "o_101"}]));
        let points = vec![SelectionPoint { x: 0.5, y: 0.25 }];
        let body = serde_json::to_value(AddSelectionRequest::new("s", 3u64, points)).unwrap_or_default();
        assert_eq!(body, serde_json::json!({"session_id": "s", "frame_index": 3, "points": [{"x": 0.5, "y": 0.25}]}));
    }
}
