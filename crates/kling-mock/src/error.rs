//! The one exit for errors: every failure becomes the Kling envelope
//! `{"code", "message", "request_id"}` with the official HTTP status.
//!
//! Handlers return [`ApiError`]; its response carries the error as an extension, and
//! [`finalize`] (the outermost middleware) renders it in the active dialect with the
//! request's id. Rejections axum produces itself (unknown path, wrong method, panics)
//! are turned into [`ApiError`]s by the fallbacks in `routes`.

use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use kling_api::ErrorKind;
use kling_api::rules::Violation;

use crate::journal::{Exchange, NoteSlot};
use crate::scenario::file::BodyFault;
use crate::state::AppState;

/// A failed request.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{kind:?}: {}", message.as_deref().unwrap_or("(default message)"))]
pub struct ApiError {
    /// What went wrong.
    pub kind: ErrorKind,
    /// A message more specific than the kind's default.
    pub message: Option<String>,
    /// An HTTP status other than the kind's official one (413 for oversize bodies).
    pub status: Option<StatusCode>,
    /// An exact code, bypassing the dialect (explicit scenario rejections).
    pub code: Option<u32>,
    /// The `X-Kling-Mock-Hint` header: what the emulator knows that the answer does not say.
    pub hint: Option<String>,
}

impl ApiError {
    /// An error with the kind's default message.
    pub fn new(kind: ErrorKind) -> ApiError {
        ApiError { kind, message: None, status: None, code: None, hint: None }
    }

    /// An error with a specific message.
    pub fn with_message(kind: ErrorKind, message: impl Into<String>) -> ApiError {
        ApiError { kind, message: Some(message.into()), status: None, code: None, hint: None }
    }

    /// Exactly this status, code and message, whatever the dialect.
    pub fn explicit(http: u16, code: u32, message: &str) -> ApiError {
        let kind = ErrorKind::from_official_code(code).unwrap_or(ErrorKind::InternalError);
        ApiError {
            kind,
            message: Some(message.to_owned()),
            status: StatusCode::from_u16(http).ok(),
            code: Some(code),
            hint: None,
        }
    }

    /// The same error with an `X-Kling-Mock-Hint`.
    pub fn with_hint(self, hint: impl Into<String>) -> ApiError {
        ApiError { hint: Some(hint.into()), ..self }
    }

    /// The same error answered with `status` instead of the official one.
    pub fn with_status(self, status: StatusCode) -> ApiError {
        ApiError { status: Some(status), ..self }
    }
}

impl From<Violation> for ApiError {
    fn from(v: Violation) -> ApiError {
        ApiError { kind: v.kind, message: Some(v.message), status: None, code: None, hint: v.hint }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let official = StatusCode::from_u16(self.kind.official().http).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let status = self.status.unwrap_or(official);
        let mut response = (status, Body::empty()).into_response();
        response.extensions_mut().insert(self);
        response
    }
}

/// The id of the request being served; success bodies and error bodies carry it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RequestId(pub uuid::Uuid);

/// Outermost middleware, the one exit: assigns the request id, renders any [`ApiError`]
/// as the Kling envelope in the configured dialect, applies a scenario's body fault, and
/// records the exchange in the journal.
pub async fn finalize(State(state): State<Arc<AppState>>, mut request: Request, next: Next) -> Response {
    let request_id = RequestId(state.ids.request_id());
    let note = NoteSlot::default();
    request.extensions_mut().insert(request_id);
    request.extensions_mut().insert(note.clone());
    let method = request.method().clone();
    // A clone of the URI shares its buffer: the path is only read once the answer is ready.
    let uri = request.uri().clone();
    let arrived = state.clock.now_ms();

    let mut response = match crate::server::out_of_bounds(state.config.body_limit, &request) {
        Some(refusal) => refusal.into_response(),
        None => {
            let timeout = state.config.header_timeout;
            next.run(request.map(|body| crate::body_timeout::limit(body, timeout))).await
        }
    };
    if response.extensions().get::<ApiError>().is_none() {
        response = envelope_stray_rejection(response).await;
    }
    let mut code = response.extensions_mut().remove::<EnvelopeCode>().map(|c| c.0);
    if let Some(error) = response.extensions_mut().remove::<ApiError>() {
        let wire = error.kind.wire(state.config.dialect);
        let body = kling_api::ErrorBody {
            code: error.code.unwrap_or(wire.code),
            message: error.message.unwrap_or_else(|| wire.message.to_owned()),
            request_id: request_id.0.to_string(),
        };
        code = Some(i64::from(body.code));
        let bytes = serde_json::to_vec(&body).unwrap_or_default();
        if error.status.is_none()
            && let Ok(status) = StatusCode::from_u16(wire.http)
        {
            *response.status_mut() = status;
        }
        response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
        response.headers_mut().remove(header::CONTENT_LENGTH);
        if let Some(hint) = error.hint.as_deref().and_then(|h| HeaderValue::from_str(h).ok()) {
            response.headers_mut().insert(kling_api::dialect::HINT_HEADER, hint);
        }
        *response.body_mut() = Body::from(bytes);
    }
    state.stats.count(response.status().as_u16());

    let path = uri.path_and_query().map_or_else(|| uri.path(), |p| p.as_str());
    let journaled = state.journal.enabled() && !path.starts_with("/__admin") && !path.starts_with("/media/");
    let body_fault = response.extensions_mut().remove::<BodyFault>();
    if !journaled && body_fault.is_none() {
        return response;
    }
    let (parts, body) = response.into_parts();
    let bytes = axum::body::to_bytes(body, usize::MAX).await.unwrap_or_default();
    if journaled {
        let note = std::mem::take(&mut *note.0.lock());
        state.journal.record(Exchange {
            at: arrived,
            request_id: request_id.0,
            method: &method,
            path,
            access_key: note.account.as_ref().map(|a| a.access_key.as_str()),
            status: parts.status.as_u16(),
            code: code.or_else(|| serde_json::from_slice::<CodeOnly>(&bytes).ok().and_then(|c| c.code)),
            request_body: note.request_body.as_deref(),
            response_body: &bytes,
            scenario_rules: note.scenario_rules,
            fault: body_fault.map(|f| format!("body: {f:?}").to_lowercase()).or(note.fault),
        });
    }
    match body_fault {
        None => Response::from_parts(parts, Body::from(bytes)),
        Some(fault) => {
            state.stats.faults.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            break_body(parts, bytes, fault)
        }
    }
}

/// An error answer some extractor produced on its own (plain text) becomes an
/// [`ApiError`] with its text as the message, so no path can leak a non-Kling body.
async fn envelope_stray_rejection(response: Response) -> Response {
    let status = response.status();
    let is_json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if !(status.is_client_error() || status.is_server_error()) || is_json {
        return response;
    }
    let kind = match status.as_u16() {
        404 => ErrorKind::ResourceNotFound,
        405 => ErrorKind::InvalidMethod,
        422 => ErrorKind::InvalidParameter,
        s if s >= 500 => ErrorKind::InternalError,
        _ => ErrorKind::InvalidRequest,
    };
    let text = axum::body::to_bytes(response.into_body(), 64 * 1024).await.unwrap_or_default();
    let message = String::from_utf8_lossy(&text).trim().to_owned();
    let error = if message.is_empty() { ApiError::new(kind) } else { ApiError::with_message(kind, message) };
    error.with_status(status).into_response()
}

/// The envelope `code` of a response built by the emulator's own success path, so the
/// journal need not parse the body again to learn it.
#[derive(Debug, Clone, Copy)]
pub struct EnvelopeCode(pub i64);

#[derive(serde::Deserialize)]
struct CodeOnly {
    code: Option<i64>,
}

/// Replaces a finished body by a broken one: `malformed` is a complete answer whose JSON
/// is cut short and followed by gateway noise; `truncated` announces the full length and
/// ends the connection halfway.
fn break_body(mut parts: axum::http::response::Parts, bytes: axum::body::Bytes, fault: BodyFault) -> Response {
    let half = bytes.slice(..bytes.len() / 2);
    match fault {
        BodyFault::Malformed => {
            let mut broken = half.to_vec();
            broken.extend_from_slice(b"<!-- upstream connect error -->");
            parts.headers.remove(header::CONTENT_LENGTH);
            Response::from_parts(parts, Body::from(broken))
        }
        BodyFault::Truncated => {
            parts.headers.insert(header::CONTENT_LENGTH, HeaderValue::from(bytes.len()));
            let chunks: Vec<Result<axum::body::Bytes, std::io::Error>> = vec![
                Ok(half),
                Err(std::io::Error::new(std::io::ErrorKind::ConnectionAborted, "truncated by a scenario")),
            ];
            Response::from_parts(parts, Body::from_stream(futures_util::stream::iter(chunks)))
        }
    }
}

/// Turns a panic inside a handler into a 5000 envelope instead of a dropped connection.
pub fn panic_to_error(_panic: Box<dyn std::any::Any + Send + 'static>) -> Response {
    tracing::error!("a handler panicked; answering 5000");
    ApiError::new(ErrorKind::InternalError).into_response()
}
