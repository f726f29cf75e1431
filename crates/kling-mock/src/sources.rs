//! Source videos and sessions: the state some endpoints need from earlier calls.
//!
//! video-extend needs a succeeded kling-v1.x video of the same account, younger than 30
//! days, and the result (4 to 5 s longer) may not pass 3 minutes; lip-sync may name a
//! Kling video; identify-face opens a 24-hour session whose faces advanced-lip-sync must
//! use. These checks read the store, so they run in the engine under its lock.

use kling_api::library::VOICE_SAMPLE_MS;
use kling_api::media::{emulator_audio_ms, emulator_video_ms};
use kling_api::multi_elements::duration_for_input;

use kling_api::rules::ValidRequest;
use kling_api::wire::TaskStatus;
use kling_api::{EndpointId, EndpointSpec, ErrorKind};
use rand::Rng;

use crate::auth::AccountId;
use crate::error::ApiError;
use crate::store::Store;
use crate::task::{ParentVideo, TaskRecord};

/// How long an identify-face session lives.
pub const SESSION_TTL_MS: i64 = 24 * 3600 * 1000;
/// How old a source video may be.
const VIDEO_TTL_MS: i64 = 30 * 24 * 3600 * 1000;
/// Longest extended video.
const MAX_EXTENDED_MS: u64 = 180_000;
/// Length assumed for a video URL the emulator did not serve.
const UNKNOWN_VIDEO_MS: u64 = 5_000;

/// The result length and parent video of a new task.
#[derive(Debug, Clone)]
pub struct Source {
    /// Length of the result video (ms).
    pub video_ms: u64,
    /// The video it derives from.
    pub parent: Option<ParentVideo>,
}

fn invalid(field: &str, message: impl std::fmt::Display) -> ApiError {
    ApiError::with_message(ErrorKind::InvalidParameter, format!("{field}: {message}"))
}

/// A succeeded, recent video of `account`.
fn account_video<'a>(
    store: &'a Store,
    account: AccountId,
    video_id: &str,
    now: i64,
    field: &str,
) -> Result<&'a TaskRecord, ApiError> {
    let task = store
        .video_task(account, video_id)
        .ok_or_else(|| invalid(field, format!("video {video_id} does not exist")))?;
    if task.status != TaskStatus::Succeed {
        return Err(invalid(field, format!("video {video_id} is not ready: its task is {}", task.status.as_str())));
    }
    if now - task.updated_at > VIDEO_TTL_MS {
        return Err(invalid(field, format!("video {video_id} is older than 30 days")));
    }
    Ok(task)
}

fn parent_of(task: &TaskRecord) -> ParentVideo {
    ParentVideo { id: task.video_id.to_string(), ms: task.video_ms }
}

/// Resolves the source of a new task and the length of its result; fills in what a
/// derived task inherits (an extension's model and mode).
pub fn resolve(
    store: &Store,
    account: AccountId,
    spec: &EndpointSpec,
    request: &mut ValidRequest,
    now: i64,
    rng: &mut impl Rng,
) -> Result<Source, ApiError> {
    let requested = u64::from(request.duration_s) * 1000;
    let url_length = || request.video_url.as_deref().and_then(emulator_video_ms);
    match spec.id {
        EndpointId::VideoExtend => {
            let video_id = request.video_id.clone().unwrap_or_default();
            let source = account_video(store, account, &video_id, now, "video_id")?;
            if !source.request.model.starts_with("kling-v1") {
                return Err(invalid(
                    "video_id",
                    format!("only kling-v1.x videos can be extended; this one is {}", source.request.model),
                ));
            }
            let video_ms = source.video_ms + rng.random_range(4_000..=5_000);
            if video_ms > MAX_EXTENDED_MS {
                return Err(invalid("video_id", "the extended video would be longer than 3 minutes"));
            }
            request.model = source.request.model;
            request.mode = source.request.mode;
            Ok(Source { video_ms, parent: Some(parent_of(source)) })
        }
        EndpointId::LipSync => match request.video_id.clone() {
            Some(video_id) => {
                let source = account_video(store, account, &video_id, now, "input.video_id")?;
                Ok(Source { video_ms: source.video_ms, parent: Some(parent_of(source)) })
            }
            None => Ok(Source { video_ms: url_length().unwrap_or(UNKNOWN_VIDEO_MS), parent: None }),
        },
        EndpointId::AdvancedLipSync => {
            let session_id = request.session_id.clone().unwrap_or_default();
            let session = store
                .session(account, &session_id, now)
                .ok_or_else(|| invalid("session_id", format!("session {session_id} does not exist or has expired")))?;
            for (i, face) in request.faces.iter().enumerate() {
                let field = format!("face_choose[{i}]");
                let &(_, face_start, face_end) =
                    session.faces.iter().find(|(id, _, _)| *id == face.face_id).ok_or_else(|| {
                        invalid(&field, format!("face_id {} is not a face of the session", face.face_id))
                    })?;
                let video_end = i64::try_from(session.video_ms).unwrap_or(i64::MAX);
                if face.insert_ms >= video_end {
                    return Err(invalid(&field, "sound_insert_time must be inside the video"));
                }
                let clip_end = face.insert_ms + (face.sound_end_ms - face.sound_start_ms);
                let overlap = clip_end.min(face_end) - face.insert_ms.max(face_start);
                if overlap < 2_000 {
                    return Err(invalid(&field, "the sound must overlap the face for at least 2000 ms"));
                }
            }
            Ok(Source { video_ms: session.video_ms, parent: session.parent.clone() })
        }
        EndpointId::MotionControl => Ok(Source { video_ms: url_length().unwrap_or(UNKNOWN_VIDEO_MS), parent: None }),
        EndpointId::MultiElements => {
            let session_id = request.session_id.clone().unwrap_or_default();
            let selection = store.selection(account, &session_id, now).ok_or_else(|| {
                invalid("session_id", format!("selection session {session_id} does not exist or has expired"))
            })?;
            let allowed = duration_for_input(selection.video_ms).unwrap_or("5");
            if request.duration_s.to_string() != allowed {
                return Err(invalid(
                    "duration",
                    format!(
                        "the session's video lasts {} ms, so duration must be \"{allowed}\" (\"5\" for 2-5 s, \"10\" for 7-10 s)",
                        selection.video_ms
                    ),
                ));
            }
            let edit_mode = request.edit_mode.as_deref().unwrap_or_default();
            if edit_mode != "addition" && !selection.has_selection() {
                return Err(invalid(
                    "session_id",
                    format!("{edit_mode} needs a selection; mark the element with add-selection first"),
                ));
            }
            Ok(Source { video_ms: requested, parent: selection.parent.clone() })
        }
        EndpointId::TextToAudio | EndpointId::Tts => Ok(Source { video_ms: request.duration_ms, parent: None }),
        EndpointId::VideoToAudio => {
            let (video_ms, parent) = input_video(store, account, request, now)?;
            if !(3_000..=20_000).contains(&video_ms) {
                return Err(invalid(
                    video_field(request),
                    format!("the video lasts {video_ms} ms; video-to-audio takes 3 to 20 seconds"),
                ));
            }
            Ok(Source { video_ms, parent })
        }
        EndpointId::Avatar => Ok(Source { video_ms: request.audio_ms.unwrap_or(UNKNOWN_VIDEO_MS), parent: None }),
        EndpointId::CustomVoices => {
            let sample_ms = match &request.video_id {
                Some(_) => input_video(store, account, request, now)?.0,
                None => request
                    .video_url
                    .as_deref()
                    .and_then(|url| emulator_audio_ms(url).or_else(|| emulator_video_ms(url)))
                    .unwrap_or(UNKNOWN_VIDEO_MS),
            };
            let (min, max) = VOICE_SAMPLE_MS;
            if !(min..=max).contains(&sample_ms) {
                let field = if request.video_id.is_some() { "video_id" } else { "voice_url" };
                return Err(invalid(field, format!("the sample lasts {sample_ms} ms; a voice needs 5 to 30 seconds")));
            }
            Ok(Source { video_ms: sample_ms, parent: None })
        }
        _ => Ok(Source { video_ms: requested, parent: None }),
    }
}

/// The input video of a request: a recent video of the account (`video_id`) or a URL
/// (its length known when the emulator served it).
fn input_video(
    store: &Store,
    account: AccountId,
    request: &ValidRequest,
    now: i64,
) -> Result<(u64, Option<ParentVideo>), ApiError> {
    match &request.video_id {
        Some(video_id) => {
            let source = account_video(store, account, video_id, now, "video_id")?;
            Ok((source.video_ms, Some(parent_of(source))))
        }
        None => Ok((request.video_url.as_deref().and_then(emulator_video_ms).unwrap_or(UNKNOWN_VIDEO_MS), None)),
    }
}

fn video_field(request: &ValidRequest) -> &'static str {
    if request.video_id.is_some() { "video_id" } else { "video_url" }
}

/// The video identify-face looks at: a recent Kling video of the account (at most 60 s),
/// or a URL.
pub fn face_video(
    store: &Store,
    account: AccountId,
    request: &ValidRequest,
    now: i64,
) -> Result<(u64, Option<ParentVideo>), ApiError> {
    let (video_ms, parent) = input_video(store, account, request, now)?;
    if request.video_id.is_some() && video_ms > 60_000 {
        return Err(invalid("video_id", "the video is longer than 60 s"));
    }
    Ok((video_ms, parent))
}

/// The video a selection session opens on: 2 to 5 s or 7 to 10 s long.
pub fn selection_video(
    store: &Store,
    account: AccountId,
    request: &ValidRequest,
    now: i64,
) -> Result<(u64, Option<ParentVideo>), ApiError> {
    let (video_ms, parent) = input_video(store, account, request, now)?;
    if duration_for_input(video_ms).is_none() {
        return Err(invalid(
            video_field(request),
            format!("the video lasts {video_ms} ms; multi-elements edits videos of 2-5 s or 7-10 s"),
        ));
    }
    Ok((video_ms, parent))
}
