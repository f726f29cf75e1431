//! Wire types: the response envelope and the task object, field for field and in the
//! order the real service sends them (REFERENCE.md §b and the recorded exchanges).
//!
//! Deserialisation ignores unknown fields so that clients built on these types keep
//! working when the real API adds fields.

use serde::{Deserialize, Serialize};

/// `message` of every successful response.
pub const SUCCEED: &str = "SUCCEED";

/// The envelope around every JSON response.
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema), schemars(rename = "{T}Envelope"))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Envelope<T> {
    /// 0 on success, the error code otherwise.
    pub code: u32,
    /// `"SUCCEED"` on success, a reason otherwise.
    pub message: String,
    /// A UUID identifying the request.
    pub request_id: String,
    /// The payload; absent on errors.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data: Option<T>,
}

/// The body of every error response.
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    /// The error code (§e).
    pub code: u32,
    /// What went wrong.
    pub message: String,
    /// A UUID identifying the request.
    pub request_id: String,
}

/// Where a task is in its life.
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TaskStatus {
    /// Accepted, waiting to run.
    Submitted,
    /// Running.
    Processing,
    /// Finished with a result. (The legacy API spells it `succeed`.)
    Succeed,
    /// Finished without a result; `task_status_msg` says why.
    Failed,
}

impl TaskStatus {
    /// Whether the status can never change again.
    pub const fn is_terminal(self) -> bool {
        matches!(self, TaskStatus::Succeed | TaskStatus::Failed)
    }

    /// Whether `self -> next` is an allowed transition of the state machine
    /// (submitted -> processing -> succeed | failed; a task may also fail before it runs).
    pub const fn can_become(self, next: TaskStatus) -> bool {
        matches!(
            (self, next),
            (TaskStatus::Submitted, TaskStatus::Processing)
                | (TaskStatus::Submitted, TaskStatus::Failed)
                | (TaskStatus::Processing, TaskStatus::Succeed)
                | (TaskStatus::Processing, TaskStatus::Failed)
        )
    }

    /// The wire spelling.
    pub const fn as_str(self) -> &'static str {
        match self {
            TaskStatus::Submitted => "submitted",
            TaskStatus::Processing => "processing",
            TaskStatus::Succeed => "succeed",
            TaskStatus::Failed => "failed",
        }
    }
}

/// `data` of a create response. Field order is the recorded order:
/// `task_id, task_status, task_info, created_at, updated_at`.
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CreatedTask {
    /// The system id: an 18- or 19-digit decimal string.
    pub task_id: String,
    /// Always `submitted` on create.
    pub task_status: TaskStatus,
    /// Echo of the caller's ids.
    #[serde(default)]
    pub task_info: TaskInfo,
    /// Unix milliseconds.
    pub created_at: i64,
    /// Unix milliseconds; equals `created_at` on create.
    pub updated_at: i64,
}

/// `task_info`: the caller's id and, for derived tasks, the source video.
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TaskInfo {
    /// Video this task was derived from (video-extend, lip-sync, video-to-audio).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent_video: Option<Video>,
    /// The caller's own id, when one was sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_task_id: Option<String>,
}

/// `data` of a query response, of each list item and of each callback body.
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Task {
    /// The system id.
    pub task_id: String,
    /// Current status.
    pub task_status: TaskStatus,
    /// Failure reason; empty unless the task failed.
    #[serde(default)]
    pub task_status_msg: String,
    /// Echo of the caller's ids.
    #[serde(default)]
    pub task_info: TaskInfo,
    /// Results; present once the task succeeded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub task_result: Option<TaskResult>,
    /// Whether a watermarked copy was requested.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub watermark_info: Option<WatermarkInfo>,
    /// Units charged, as a decimal string; present once the task is terminal (`"0"` when
    /// it failed or was paid in cash).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub final_unit_deduction: Option<String>,
    /// Cash charged, for a task paid from the balance.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub final_balance_deduction: Option<BalanceDeduction>,
    /// Unix milliseconds.
    pub created_at: i64,
    /// Unix milliseconds of the last status change.
    pub updated_at: i64,
}

/// `final_balance_deduction`: what a task paid in cash.
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BalanceDeduction {
    /// Deducted (the discounted price), a decimal string.
    pub quota: String,
    /// List price, a decimal string.
    pub list_price: String,
}

/// `task_result`.
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TaskResult {
    /// Omni-image: `single` or `series`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result_type: Option<String>,
    /// Generated videos.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub videos: Vec<Video>,
    /// Generated images.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub images: Vec<Image>,
    /// Omni-image series.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub series_images: Vec<Image>,
    /// Generated audios (text-to-audio, video-to-audio, TTS).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub audios: Vec<Audio>,
    /// Custom voices (custom-voices tasks, preset voice lists).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub voices: Vec<Voice>,
    /// Custom elements (advanced-custom-elements tasks, preset element lists).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub elements: Vec<Element>,
}

/// One generated audio. TTS answers `{id, url, duration}`; text-to-audio and
/// video-to-audio answer both formats (`url_mp3`, `url_wav`, `duration_mp3`,
/// `duration_wav`), as REFERENCE.md §b.3 lists.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct Audio {
    /// Audio id (usable as avatar's `audio_id`).
    pub id: String,
    /// Download URL (TTS).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// Length in seconds as a decimal string (TTS).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration: Option<String>,
    /// MP3 download URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url_mp3: Option<String>,
    /// WAV download URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url_wav: Option<String>,
    /// MP3 length in seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration_mp3: Option<String>,
    /// WAV length in seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration_wav: Option<String>,
}

/// One voice (custom or preset).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct Voice {
    /// Id for lip-sync's `voice_id`, image2video's `voice_list` and TTS.
    pub voice_id: String,
    /// Display name.
    pub voice_name: String,
    /// A sample of the voice.
    pub trial_url: String,
    /// `kling` for presets, `creator` for the account's own.
    pub owned_by: String,
}

/// One element (custom or preset).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct Element {
    /// Id for `element_list[].element_id`.
    pub element_id: u64,
    /// Display name.
    pub element_name: String,
    /// Description.
    pub element_description: String,
    /// `image_refer` or `video_refer`.
    pub reference_type: String,
    /// `kling` for presets, `creator` for the account's own.
    pub owned_by: String,
    /// `succeed`: usable (a deleted element is no longer listed as usable anywhere).
    pub status: String,
}

/// `data` of identify-face (synchronous).
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FaceSession {
    /// Session for advanced-lip-sync, valid 24 hours.
    pub session_id: String,
    /// Units charged.
    pub final_unit_deduction: String,
    /// Faces found.
    pub face_data: Vec<Face>,
}

/// One face of an identify-face session.
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Face {
    /// Face id for `face_choose`.
    pub face_id: String,
    /// A picture of the face.
    pub face_image: String,
    /// When the face appears (ms).
    pub start_time: i64,
    /// When the face leaves (ms).
    pub end_time: i64,
}

/// One generated video.
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Video {
    /// Video id (usable by video-extend and lip-sync).
    pub id: String,
    /// Download URL.
    pub url: String,
    /// Watermarked copy, when requested.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub watermark_url: Option<String>,
    /// Length in seconds as a decimal string, e.g. `"5.041"`.
    pub duration: String,
    /// The multi-elements session the video was edited in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session_id: Option<String>,
}

/// One generated image.
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Image {
    /// Position in the result, from 0.
    pub index: u32,
    /// Download URL (empty, and not sent, for a set of angles).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub url: String,
    /// ai-multi-shot: the three angles of one set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url_1: Option<String>,
    /// The second angle.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url_2: Option<String>,
    /// The third angle.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url_3: Option<String>,
    /// Watermarked copy, when requested.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub watermark_url: Option<String>,
}

/// `watermark_info`.
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct WatermarkInfo {
    /// Whether a watermarked copy is produced as well.
    pub enabled: bool,
}

/// `data` of `GET /account/costs` (REFERENCE.md §3.19): the account's resource packs.
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AccountCosts {
    /// 0 (the payload repeats the envelope's code).
    pub code: u32,
    /// `"success"`.
    pub msg: String,
    /// Packs active within the queried window; absent for an account that has no packs
    /// at all (recorded).
    #[serde(default)]
    pub resource_pack_subscribe_infos: Vec<ResourcePack>,
}

/// One resource pack of `GET /account/costs`.
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ResourcePack {
    /// Display name, also the `resource_pack_name` filter.
    pub resource_pack_name: String,
    /// Stable id of the pack.
    pub resource_pack_id: String,
    /// How the pack is consumed.
    pub resource_pack_type: ResourcePackType,
    /// Units bought.
    pub total_quantity: f64,
    /// Units left (the real service reports them about 12 hours late).
    pub remaining_quantity: f64,
    /// Unix milliseconds.
    pub purchase_time: i64,
    /// Unix milliseconds from which the pack counts.
    pub effective_time: i64,
    /// Unix milliseconds at which the pack expires.
    pub invalid_time: i64,
    /// Where the pack is in its life.
    pub status: ResourcePackStatus,
}

/// `resource_pack_type`.
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ResourcePackType {
    /// A total that goes down as tasks are charged.
    DecreasingTotal,
    /// A quota renewed every period.
    ConstantPeriod,
}

/// `status` of a resource pack.
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum ResourcePackStatus {
    /// Bought, not effective yet.
    ToBeOnline,
    /// In use.
    Online,
    /// Past `invalid_time`.
    Expired,
    /// No units left.
    RunOut,
}

/// Claims of the legacy AK/SK token (REFERENCE.md §a.1): `iss` is the access key,
/// `exp`/`nbf` are Unix seconds. Clients may add `iat`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claims {
    /// The access key.
    pub iss: String,
    /// Expiry, Unix seconds.
    pub exp: i64,
    /// Not before, Unix seconds.
    pub nbf: i64,
    /// Issued at, Unix seconds (not documented; accepted).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub iat: Option<i64>,
}

impl Claims {
    /// The official sample's claims: valid from five seconds ago for 30 minutes.
    pub fn official_sample(access_key: &str, now_unix_s: i64) -> Claims {
        Claims { iss: access_key.to_owned(), exp: now_unix_s + 1800, nbf: now_unix_s - 5, iat: None }
    }
}

/// `data` of init-selection (synchronous): a multi-elements selection session.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct SelectionSession {
    /// 0 when the video was accepted; non-zero when recognition was refused.
    pub status: i64,
    /// Session for the other selection calls and the multi-elements task, valid 24 hours.
    pub session_id: String,
    /// Units charged.
    #[serde(default)]
    pub final_unit_deduction: String,
    /// Frames per second of the normalized video.
    pub fps: f64,
    /// Length of the source video (ms).
    pub original_duration: u64,
    /// Frame width.
    pub width: u32,
    /// Frame height.
    pub height: u32,
    /// Frames in the video; `frame_index` counts from 0 below this.
    pub total_frame: u64,
    /// The video as the session sees it.
    pub normalized_video: String,
}

/// `data` of add-, delete-, clear- and preview-selection (synchronous).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct SelectionResult {
    /// 0 when the operation was done; non-zero when recognition was refused.
    pub status: i64,
    /// The session.
    pub session_id: String,
    /// What the operation produced (empty for clear-selection).
    #[serde(default)]
    pub res: SelectionRes,
}

/// `res` of a selection call: masks for add/delete, links for preview.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct SelectionRes {
    /// The frame the masks belong to (add/delete).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub frame_index: Option<u64>,
    /// One mask per selected object on that frame (add/delete).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rle_mask_list: Vec<ObjectMask>,
    /// The selection tracked through the video (preview).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub video: Option<String>,
    /// Its cover image (preview).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub video_cover: Option<String>,
    /// The tracking output (preview).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tracking_output: Option<String>,
}

/// One selected object's mask.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct ObjectMask {
    /// Object number on the frame.
    pub object_id: u32,
    /// The mask.
    pub rle_mask: RleMask,
}

/// A COCO run-length mask: `counts` are space-separated column-major runs starting with
/// background.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct RleMask {
    /// `[height, width]`.
    pub size: Vec<u32>,
    /// Run lengths.
    pub counts: String,
}

/// `data` of delete-voices (synchronous).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct VoiceDeletion {
    /// The deleted voice.
    pub voice_id: String,
    /// `deleted`.
    pub status: String,
}

/// `data` of delete-elements and delete-advanced-elements (synchronous), as both official
/// element pages document it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct ElementDeletion {
    /// The id of the deletion (documented as a string, its value not recorded).
    pub task_id: String,
    /// `succeed` (documented as a string, its value not recorded).
    pub task_status: String,
}

/// `data` of image-recognize (synchronous).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct Recognition {
    /// The regions.
    #[serde(default)]
    pub task_result: RecognitionResult,
}

/// `task_result` of image-recognize.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct RecognitionResult {
    /// One entry per region type.
    #[serde(default)]
    pub images: Vec<RecognizedRegion>,
}

/// One region type of image-recognize, with its mask.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct RecognizedRegion {
    /// `object_seg`, `head_seg`, `face_seg` or `cloth_seg`.
    #[serde(rename = "type")]
    pub kind: String,
    /// Whether the image contains such a region.
    pub is_contain: bool,
    /// The mask image.
    pub url: String,
}
