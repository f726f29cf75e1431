//! `GET /media/videos/{length}/{id}.mp4`, `/media/audios/{length}/{id}.mp3|wav`,
//! `/media/images/{id}.png` and `/media/subtitles/{length}/{style}/{id}.srt|ass`: the
//! result files, with Range support. Like CDN links, they need no token.

use std::io::Cursor;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use axum_extra::headers::{HeaderMapExt, Range};
use axum_range::{KnownSize, Ranged};
use kling_api::ErrorKind;

use crate::audio::{audio_bytes, parse_audio_path};
use crate::error::ApiError;

use crate::media::{IMAGE, parse_image_path, parse_video_path};
use crate::state::AppState;

fn not_found() -> ApiError {
    ApiError::with_message(ErrorKind::ResourceNotFound, "no such media file")
}

fn serve(headers: &HeaderMap, bytes: Bytes, content_type: &'static str) -> Response {
    // An unparsable Range header is ignored and the whole file is sent (RFC 9110 §14.2).
    let range = headers.typed_try_get::<Range>().ok().flatten();
    let length = bytes.len() as u64;
    let body = KnownSize::sized(Cursor::new(bytes), length);
    (
        [(header::CONTENT_TYPE, content_type), (header::CACHE_CONTROL, "public, max-age=2592000")],
        Ranged::new(range, body),
    )
        .into_response()
}

pub(super) async fn video(
    State(state): State<Arc<AppState>>,
    Path((length, file)): Path<(String, String)>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let ms = parse_video_path(&length, &file).ok_or_else(not_found)?;
    let bytes = state.media.video_bytes(ms).map_err(|e| {
        tracing::error!(error = %e, ms, "cannot produce a result video");
        ApiError::new(ErrorKind::InternalError)
    })?;
    Ok(serve(&headers, bytes, "video/mp4"))
}

pub(super) async fn audio(
    Path((length, file)): Path<(String, String)>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let (ms, format) = parse_audio_path(&length, &file).ok_or_else(not_found)?;
    let bytes = audio_bytes(ms, format).map_err(|e| {
        tracing::error!(error = %e, ms, "cannot produce a result audio");
        ApiError::new(ErrorKind::InternalError)
    })?;
    Ok(serve(&headers, bytes, format.content_type()))
}

pub(super) async fn image(Path(file): Path<String>, headers: HeaderMap) -> Result<Response, ApiError> {
    if !parse_image_path(&file) {
        return Err(not_found());
    }
    Ok(serve(&headers, Bytes::from_static(IMAGE), "image/png"))
}

pub(super) async fn subtitles(
    Path((length, style, file)): Path<(String, String, String)>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let (ms, style, format) = crate::subtitles::parse_path(&length, &style, &file).ok_or_else(not_found)?;
    let content_type = match format {
        kling_api::solutions::SubtitleFormat::Srt => "application/x-subrip; charset=utf-8",
        kling_api::solutions::SubtitleFormat::Ass => "text/x-ssa; charset=utf-8",
    };
    Ok(serve(&headers, Bytes::from(crate::subtitles::file(ms, style, format)), content_type))
}
