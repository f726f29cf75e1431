//! `GET /media/videos/{N}s/{video_id}.mp4`: the result files, with Range support. Like a
//! CDN link, it needs no token.

use std::io::Cursor;
use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use axum_extra::headers::{HeaderMapExt, Range};
use axum_range::{KnownSize, Ranged};
use kling_api::ErrorKind;

use crate::error::ApiError;
use crate::media::parse_video_path;
use crate::state::AppState;

pub(super) async fn video(
    State(state): State<Arc<AppState>>,
    Path((length, file)): Path<(String, String)>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let fixture = parse_video_path(&length, &file)
        .and_then(|seconds| state.media.exact_video(seconds))
        .ok_or_else(|| ApiError::with_message(ErrorKind::ResourceNotFound, "no such media file"))?;
    // An unparsable Range header is ignored and the whole file is sent (RFC 9110 §14.2).
    let range = headers.typed_try_get::<Range>().ok().flatten();
    let body = KnownSize::sized(Cursor::new(fixture.bytes), fixture.bytes.len() as u64);
    Ok((
        [(header::CONTENT_TYPE, "video/mp4"), (header::CACHE_CONTROL, "public, max-age=2592000")],
        Ranged::new(range, body),
    )
        .into_response())
}
