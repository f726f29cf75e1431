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
}

impl ApiError {
    /// An error with the kind's default message.
    pub fn new(kind: ErrorKind) -> ApiError {
        ApiError {
            kind,
            message: None,
            status: None,
        }
    }

    /// An error with a specific message.
    pub fn with_message(kind: ErrorKind, message: impl Into<String>) -> ApiError {
        ApiError {
            kind,
            message: Some(message.into()),
            status: None,
        }
    }

    /// The same error answered with `status` instead of the official one.
    pub fn with_status(self, status: StatusCode) -> ApiError {
        ApiError {
            status: Some(status),
            ..self
        }
    }
}

impl From<Violation> for ApiError {
    fn from(v: Violation) -> ApiError {
        ApiError {
            kind: v.kind,
            message: Some(v.message),
            status: None,
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let official = StatusCode::from_u16(self.kind.official().http)
            .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let status = self.status.unwrap_or(official);
        let mut response = (status, Body::empty()).into_response();
        response.extensions_mut().insert(self);
        response
    }
}

/// The id of the request being served; success bodies and error bodies carry it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RequestId(pub uuid::Uuid);

/// Outermost middleware: assigns the request id and renders any [`ApiError`] as the
/// Kling envelope in the configured dialect.
pub async fn finalize(
    State(state): State<Arc<AppState>>,
    mut request: Request,
    next: Next,
) -> Response {
    let request_id = RequestId(state.ids.request_id());
    request.extensions_mut().insert(request_id);
    let mut response = next.run(request).await;
    if let Some(error) = response.extensions_mut().remove::<ApiError>() {
        let wire = error.kind.wire(state.config.dialect);
        let body = kling_api::ErrorBody {
            code: wire.code,
            message: error.message.unwrap_or_else(|| wire.message.to_owned()),
            request_id: request_id.0.to_string(),
        };
        let bytes = serde_json::to_vec(&body).unwrap_or_default();
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        response.headers_mut().remove(header::CONTENT_LENGTH);
        *response.body_mut() = Body::from(bytes);
    }
    response
}

/// Turns a panic inside a handler into a 5000 envelope instead of a dropped connection.
pub fn panic_to_error(_panic: Box<dyn std::any::Any + Send + 'static>) -> Response {
    tracing::error!("a handler panicked; answering 5000");
    ApiError::new(ErrorKind::InternalError).into_response()
}
