//! The endpoint catalogue: every create path the emulator serves, with its resource pack,
//! its output and its rule tables.

use std::borrow::Cow;

use serde_json::{Map, Value};

use crate::models;
use crate::rules::{Coercion, Field, Req, Rule, Style};
use crate::solutions::Solution;
use crate::standard::Standard;
use crate::{
    audio, avatar, effects, image_edit, images, library, lip_sync, multi_elements, omni_video, solutions, standard,
    video, video_edit,
};

/// Stable identity of an endpoint family (create, query and list share it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum EndpointId {
    /// `POST /v1/videos/text2video`.
    Text2Video,
    /// `POST /v1/videos/image2video`.
    Image2Video,
    /// `POST /v1/videos/multi-image2video`.
    MultiImage2Video,
    /// `POST /v1/videos/omni-video`.
    OmniVideo,
    /// `POST /v1/videos/motion-control`.
    MotionControl,
    /// `POST /v1/videos/video-extend`.
    VideoExtend,
    /// `POST /v1/videos/lip-sync` (legacy, body in `input`).
    LipSync,
    /// `POST /v1/videos/identify-face` (synchronous).
    IdentifyFace,
    /// `POST /v1/videos/advanced-lip-sync`.
    AdvancedLipSync,
    /// `POST /v1/images/omni-image`.
    OmniImage,
    /// `POST /v1/images/generations`.
    ImageGenerations,
    /// `POST /v1/images/multi-image2image`.
    MultiImage2Image,
    /// `POST /v1/images/editing/expand`.
    Expand,
    /// `POST /v1/images/kolors-virtual-try-on`.
    VirtualTryOn,
    /// `POST /v1/videos/avatar/image2video`.
    Avatar,
    /// `POST /v1/videos/effects`.
    Effects,
    /// `POST /v1/videos/multi-elements/init-selection` (synchronous).
    InitSelection,
    /// `POST /v1/videos/multi-elements/add-selection` (synchronous).
    AddSelection,
    /// `POST /v1/videos/multi-elements/delete-selection` (synchronous).
    DeleteSelection,
    /// `POST /v1/videos/multi-elements/clear-selection` (synchronous).
    ClearSelection,
    /// `POST /v1/videos/multi-elements/preview-selection` (synchronous).
    PreviewSelection,
    /// `POST /v1/videos/multi-elements`.
    MultiElements,
    /// `POST /v1/audio/text-to-audio`.
    TextToAudio,
    /// `POST /v1/audio/video-to-audio`.
    VideoToAudio,
    /// `POST /v1/audio/tts` (answers the finished task).
    Tts,
    /// `POST /v1/general/custom-voices`.
    CustomVoices,
    /// `POST /v1/general/delete-voices` (synchronous).
    DeleteVoices,
    /// `POST /v1/general/advanced-custom-elements`.
    CustomElements,
    /// `POST /v1/general/delete-elements` (synchronous).
    DeleteElements,
    /// `POST /v1/general/delete-advanced-elements` (synchronous; the same store).
    DeleteAdvancedElements,
    /// `POST /v1/general/ai-multi-shot`.
    AiMultiShot,
    /// `POST /v1/videos/image-recognize` (synchronous).
    ImageRecognize,
    /// `POST /text-to-video/kling-3.0-turbo`.
    TextToVideo30Turbo,
    /// `POST /image-to-video/kling-3.0-turbo`.
    ImageToVideo30Turbo,
    /// `POST /text-to-video/kling-3.0`.
    TextToVideo30,
    /// `POST /image-to-video/kling-3.0`.
    ImageToVideo30,
    /// `POST /motion-control/kling-3.0`.
    MotionControl30,
    /// `POST /omni-video/kling-3.0-omni` (also `/omni-video/kling-v3-omni`).
    OmniVideo30,
    /// `POST /omni-video/kling-o1`.
    OmniVideoO1,
    /// `POST /text-to-video/kling-2.6`.
    TextToVideo26,
    /// `POST /image-to-video/kling-2.6`.
    ImageToVideo26,
    /// `POST /motion-control/kling-2.6`.
    MotionControl26,
    /// `POST /text-to-video/kling-2.5-turbo`.
    TextToVideo25Turbo,
    /// `POST /image-to-video/kling-2.5-turbo`.
    ImageToVideo25Turbo,
    /// `POST /solutions/talking_agent` (Video Commerce).
    TalkingAgent,
    /// `POST /solutions/e-commerce/goods_studio` (Goods Studio).
    GoodsStudio,
    /// `POST /solutions/e-commerce/clothing_dupe` (AI Apparel Replicator).
    ClothingDupe,
    /// `POST /solutions/drama_subtitle` (drama subtitles).
    DramaSubtitle,
    /// `POST /solutions/virtual_try_on` (Try-On 3.0).
    SolutionTryOn,
}

/// Which resource pack a task draws on (REFERENCE.md §f): concurrency and balance are
/// counted per pack type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PackType {
    /// Video generation.
    Video,
    /// Image generation.
    Image,
    /// Virtual try-on.
    VirtualTryOn,
}

/// What a succeeded task delivers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Output {
    /// `task_result.videos[]`.
    Videos,
    /// `task_result.images[]` (`n` of them).
    Images,
    /// Omni-image: `task_result.result_type` with `images[]` or `series_images[]`.
    OmniImages,
    /// `task_result.audios[]` in both formats (text-to-audio).
    Audios,
    /// `task_result.videos[]` and `task_result.audios[]` (video-to-audio).
    VideoWithAudio,
    /// A task whose create answer is already finished, with `audios[] {id, url,
    /// duration}` (TTS); it has no query or list route.
    Speech,
    /// `task_result.voices[]` (custom voice).
    Voices,
    /// `task_result.elements[]` (custom element).
    Elements,
    /// `task_result.images[]` of three sets, each `{index, url_1, url_2, url_3}`: three
    /// angles of an element (ai-multi-shot).
    AngleSets,
    /// A synchronous answer (identify-face, selections, deletions, recognition): no task.
    Synchronous,
    /// The outputs a Solutions endpoint lists (`/solutions` items).
    Products,
}

impl Output {
    /// Whether the endpoint has query and list routes.
    pub fn is_queryable(self) -> bool {
        !matches!(self, Output::Synchronous | Output::Speech)
    }
}

/// A field only the seed dialect accepts, and what the official dialect hints instead.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SeedField {
    /// Top-level key.
    pub name: &'static str,
    /// The official form, for the `X-Kling-Mock-Hint` header.
    pub hint: &'static str,
}

/// Everything known about one endpoint family.
#[derive(Debug)]
pub struct EndpointSpec {
    /// Identity.
    pub id: EndpointId,
    /// Short name, as used in logs and scenario files (`text2video`).
    pub name: &'static str,
    /// Create path; query is `{path}/{id}`, list is `{path}?pageNum=&pageSize=`.
    pub path: &'static str,
    /// Resource pack type.
    pub pack: PackType,
    /// Result kind.
    pub output: Output,
    /// Models offered; empty when the endpoint takes no `model_name` (inherited or none).
    pub models: &'static [&'static str],
    /// Model used when `model_name` is absent or empty.
    pub default_model: &'static str,
    /// Mode used when `mode` is absent.
    pub default_mode: &'static str,
    /// Field specifications, checked in order.
    pub fields: &'static [Field],
    /// Cross-field and model-support rules, checked in order after the fields.
    pub rules: &'static [Rule],
    /// A minimal valid request body (JSON). `$video_id`, `$session_id` and `$face_id`
    /// stand for ids that must exist in the emulator (tests create them first).
    pub base: &'static str,
    /// Fields only the seed dialect accepts.
    pub seed_fields: &'static [SeedField],
    /// For an endpoint of the new-standard API: its path segments, defaults and prices.
    /// Its tasks are queried through `/tasks`, not under its path.
    pub standard: Option<&'static Standard>,
    /// For an endpoint of the Solutions API: its outputs, callbacks and aliases. Its
    /// tasks are queried through `/solutions`.
    pub solution: Option<&'static Solution>,
}

impl EndpointSpec {
    /// A synchronous endpoint without a model (selections, deletions, recognition):
    /// answered at once, no task, no cross rules unless the caller adds them.
    pub const fn synchronous(
        id: EndpointId,
        name: &'static str,
        path: &'static str,
        base: &'static str,
        fields: &'static [Field],
    ) -> EndpointSpec {
        EndpointSpec {
            id,
            name,
            path,
            pack: PackType::Video,
            output: Output::Synchronous,
            models: &[],
            default_model: "",
            default_mode: "std",
            fields,
            rules: &[],
            base,
            seed_fields: &[],
            standard: None,
            solution: None,
        }
    }

    /// How the endpoint phrases parameter errors.
    pub fn style(&self) -> Style {
        match (self.standard, self.solution) {
            (Some(_), _) => Style::Standard,
            (None, Some(_)) => Style::Solution,
            (None, None) => Style::Legacy,
        }
    }

    /// Whether the endpoint belongs to the legacy `/v1` surface.
    pub fn is_legacy(&self) -> bool {
        self.standard.is_none() && self.solution.is_none()
    }

    /// Whether the endpoint has legacy query and list routes under its path.
    pub fn has_legacy_routes(&self) -> bool {
        self.is_legacy() && self.output.is_queryable()
    }

    /// Whether `model` is offered by this endpoint.
    pub fn offers_model(&self, model: &str) -> bool {
        self.models.contains(&model)
    }

    /// A rule view of `body` with the model, mode and duration resolved, as today's API
    /// reads it.
    pub fn view<'a>(&self, body: &'a Map<String, Value>, coercion: Coercion) -> Req<'a> {
        self.view_on(body, coercion, crate::history::Day::latest())
    }

    /// [`EndpointSpec::view`] on `day`, whose default model an omitted `model_name` takes.
    pub fn view_on<'a>(&self, body: &'a Map<String, Value>, coercion: Coercion, day: crate::history::Day) -> Req<'a> {
        if let Some(standard) = self.standard {
            // The model is the path's; the mode is the resolution.
            let mut req = Req::new(body, coercion, standard.model, None, Cow::Borrowed(standard.default_resolution), 5);
            req.mode = crate::standard::resolution(&req, standard);
            req.duration = crate::standard::seconds(self, &req);
            return req;
        }
        if self.solution.is_some() {
            let mut req = Req::new(body, coercion, self.default_model, None, Cow::Borrowed(self.default_mode), 5);
            req.endpoint = self.id;
            req.day = day;
            if let Some(resolution) = req.setting("resolution").filter(|r| !r.is_empty()) {
                req.mode = resolution;
            }
            req.duration = crate::solutions::seconds(self, &req);
            return req;
        }
        let requested = body.get("model_name").and_then(|v| crate::rules::as_text(v, coercion));
        let model = requested
            .as_deref()
            .filter(|m| !m.is_empty())
            .and_then(|m| self.models.iter().copied().find(|known| *known == m))
            .unwrap_or_else(|| day.default_model(self));
        // Effects carry mode and duration inside `input`.
        let field = |key: &str| body.get(key).or_else(|| body.get("input").and_then(|i| i.get(key)));
        let mode = field("mode")
            .and_then(|v| crate::rules::as_text(v, coercion))
            .filter(|m| !m.is_empty())
            .unwrap_or(Cow::Borrowed(self.default_mode));
        let duration = field("duration")
            .and_then(|v| crate::rules::as_text(v, coercion))
            .and_then(|d| d.parse().ok())
            .unwrap_or(5);
        let mut req = Req::new(body, coercion, model, models::video_model(model), mode, duration);
        req.endpoint = self.id;
        req.day = day;
        req
    }
}

/// Bounds of a list's `pageNum` (task lists and preset lists): smallest, largest, default.
pub const PAGE_NUM: (usize, usize, usize) = (1, 1000, 1);
/// Bounds of a list's `pageSize`: smallest, largest, default.
pub const PAGE_SIZE: (usize, usize, usize) = (1, 500, 30);

/// Every endpoint the emulator serves, tasks and synchronous ones.
pub const ENDPOINTS: &[EndpointSpec] = &[
    video::TEXT2VIDEO,
    video::IMAGE2VIDEO,
    video::MULTI_IMAGE2VIDEO,
    omni_video::OMNI_VIDEO,
    video_edit::MOTION_CONTROL,
    video_edit::VIDEO_EXTEND,
    lip_sync::LIP_SYNC,
    lip_sync::IDENTIFY_FACE,
    lip_sync::ADVANCED_LIP_SYNC,
    images::OMNI_IMAGE,
    images::GENERATIONS,
    image_edit::MULTI_IMAGE2IMAGE,
    image_edit::EXPAND,
    image_edit::VIRTUAL_TRY_ON,
    image_edit::AI_MULTI_SHOT,
    avatar::AVATAR,
    effects::EFFECTS,
    multi_elements::INIT_SELECTION,
    multi_elements::ADD_SELECTION,
    multi_elements::DELETE_SELECTION,
    multi_elements::CLEAR_SELECTION,
    multi_elements::PREVIEW_SELECTION,
    multi_elements::MULTI_ELEMENTS,
    audio::TEXT_TO_AUDIO,
    audio::VIDEO_TO_AUDIO,
    audio::TTS,
    library::CUSTOM_VOICES,
    library::DELETE_VOICES,
    library::CUSTOM_ELEMENTS,
    library::DELETE_ELEMENTS,
    library::DELETE_ADVANCED_ELEMENTS,
    library::IMAGE_RECOGNIZE,
    standard::TEXT_TO_VIDEO_30_TURBO,
    standard::IMAGE_TO_VIDEO_30_TURBO,
    standard::TEXT_TO_VIDEO_30,
    standard::IMAGE_TO_VIDEO_30,
    standard::MOTION_CONTROL_30,
    standard::OMNI_VIDEO_30,
    standard::OMNI_VIDEO_O1,
    standard::TEXT_TO_VIDEO_26,
    standard::IMAGE_TO_VIDEO_26,
    standard::MOTION_CONTROL_26,
    standard::TEXT_TO_VIDEO_25_TURBO,
    standard::IMAGE_TO_VIDEO_25_TURBO,
    solutions::TALKING_AGENT,
    solutions::GOODS_STUDIO,
    solutions::CLOTHING_DUPE,
    solutions::DRAMA_SUBTITLE,
    solutions::VIRTUAL_TRY_ON,
];

/// The endpoint with this id.
pub fn spec(id: EndpointId) -> &'static EndpointSpec {
    ENDPOINTS.iter().find(|e| e.id == id).unwrap_or(&ENDPOINTS[0])
}

/// The endpoint whose create path is `path`.
pub fn by_path(path: &str) -> Option<&'static EndpointSpec> {
    ENDPOINTS.iter().find(|e| e.path == path)
}

/// The endpoint with this short name.
pub fn by_name(name: &str) -> Option<&'static EndpointSpec> {
    ENDPOINTS.iter().find(|e| e.name == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn video_model_lists_agree_with_the_support_matrix() {
        let from_matrix = |pick: fn(&models::VideoModel) -> bool| -> Vec<&str> {
            models::VIDEO_MODELS.iter().filter(|m| pick(m)).map(|m| m.name).collect()
        };
        assert_eq!(spec(EndpointId::Text2Video).models, from_matrix(|m| m.text2video));
        assert_eq!(spec(EndpointId::Image2Video).models, from_matrix(|m| m.image2video));
    }

    #[test]
    fn every_endpoint_is_listed_once_with_its_default_model() {
        for (i, e) in ENDPOINTS.iter().enumerate() {
            assert_eq!(spec(e.id).path, e.path);
            assert!(ENDPOINTS[i + 1..].iter().all(|o| o.id != e.id && o.path != e.path && o.name != e.name));
            assert!(e.models.is_empty() || e.offers_model(e.default_model), "{}", e.name);
        }
    }
}
