//! The HTTP surface: one create, query and list route per endpoint of the catalogue, the
//! media route, the health route, and fallbacks that answer unknown paths and wrong
//! methods in the Kling envelope.

mod media;
mod tasks;

use std::sync::Arc;

use axum::Router;
use axum::extract::{DefaultBodyLimit, Request};
use axum::http::{HeaderMap, header};
use axum::middleware::from_fn_with_state;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use kling_api::{ENDPOINTS, ErrorKind};
use tower_http::catch_panic::CatchPanicLayer;

use crate::error::{ApiError, finalize, panic_to_error};
use crate::state::AppState;

/// The emulator's router.
pub fn router(state: Arc<AppState>) -> Router {
    let mut api = Router::new();
    for spec in ENDPOINTS {
        api = api
            .route(
                spec.path,
                get(move |s, r, a, h, q| tasks::list(spec, s, r, a, h, q))
                    .post(move |s, r, a, h, b| tasks::create(spec, s, r, a, h, b)),
            )
            .route(
                &format!("{}/{{id}}", spec.path),
                get(move |s, r, a, h, p| tasks::query(spec, s, r, a, h, p)),
            );
    }
    api.route("/media/videos/{length}/{file}", get(media::video))
        .route("/__admin/health", get(health))
        .fallback(unknown_path)
        .method_not_allowed_fallback(wrong_method)
        .layer(DefaultBodyLimit::max(state.config.body_limit))
        .layer(CatchPanicLayer::custom(panic_to_error))
        .layer(from_fn_with_state(state.clone(), finalize))
        .with_state(state)
}

async fn health() -> impl IntoResponse {
    axum::Json(serde_json::json!({"status": "ok"}))
}

async fn unknown_path(request: Request) -> ApiError {
    ApiError::with_message(
        ErrorKind::ResourceNotFound,
        format!(
            "Requested resource does not exist: {} {}",
            request.method(),
            request.uri().path()
        ),
    )
}

async fn wrong_method(request: Request) -> ApiError {
    ApiError::with_message(
        ErrorKind::InvalidMethod,
        format!(
            "Invalid request method: {} is not allowed on {}",
            request.method(),
            request.uri().path()
        ),
    )
}

/// The base URL a client used to reach us, from its Host header; result links use it so
/// they work through whatever address the client chose.
fn base_url(headers: &HeaderMap, state: &AppState) -> String {
    headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| h.parse::<axum::http::uri::Authority>().is_ok())
        .map_or_else(|| state.public_url.clone(), |host| format!("http://{host}"))
}

/// A success envelope around `data`.
fn success<T: serde::Serialize>(request_id: uuid::Uuid, data: T) -> Response {
    let envelope = kling_api::Envelope {
        code: 0,
        message: kling_api::wire::SUCCEED.to_owned(),
        request_id: request_id.to_string(),
        data: Some(data),
    };
    match serde_json::to_vec(&envelope) {
        Ok(body) => ([(header::CONTENT_TYPE, "application/json")], body).into_response(),
        Err(_) => ApiError::new(ErrorKind::InternalError).into_response(),
    }
}
