//! Create, query and list for every endpoint of the catalogue; the endpoint's rules come
//! from `kling-api`, never from here.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, PathRejection, QueryRejection};
use axum::extract::{Extension, Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;
use kling_api::rules;
use kling_api::{EndpointSpec, ErrorKind};

use super::{base_url, success};
use crate::auth::Authenticated;
use crate::error::{ApiError, RequestId};
use crate::state::AppState;

/// `POST <path>`.
pub(super) async fn create(
    spec: &'static EndpointSpec,
    State(state): State<Arc<AppState>>,
    Extension(request_id): Extension<RequestId>,
    Authenticated(account): Authenticated,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    require_json(&headers)?;
    let body = body.map_err(|rejection| body_error(&rejection, state.config.body_limit))?;
    let value: serde_json::Value = serde_json::from_slice(&body).map_err(|e| {
        ApiError::with_message(
            ErrorKind::InvalidRequest,
            format!("request body is not valid JSON: {e}"),
        )
    })?;
    let request = rules::validate(spec, &value, &state.config.validation)?;
    let created = state.engine.create(account.id, spec, request)?;
    Ok(success(request_id.0, created))
}

/// `GET <path>/{id}`: `id` is a task id or an external task id.
pub(super) async fn query(
    spec: &'static EndpointSpec,
    State(state): State<Arc<AppState>>,
    Extension(request_id): Extension<RequestId>,
    Authenticated(account): Authenticated,
    headers: HeaderMap,
    path: Result<Path<String>, PathRejection>,
) -> Result<Response, ApiError> {
    let Path(key) = path.map_err(|e| {
        ApiError::with_message(ErrorKind::InvalidParameter, format!("task id: {e}"))
    })?;
    let base = base_url(&headers, &state);
    let task = state
        .engine
        .get(account.id, spec, &key, &base)
        .ok_or_else(|| {
            ApiError::with_message(
                ErrorKind::ResourceNotFound,
                format!("task {key} does not exist"),
            )
        })?;
    Ok(success(request_id.0, task))
}

/// List parameters as sent; parsed by hand so that errors name the parameter.
#[derive(Debug, serde::Deserialize)]
pub(super) struct ListParams {
    #[serde(rename = "pageNum")]
    page_num: Option<String>,
    #[serde(rename = "pageSize")]
    page_size: Option<String>,
}

/// `GET <path>?pageNum=&pageSize=`: the account's tasks, newest first.
pub(super) async fn list(
    spec: &'static EndpointSpec,
    State(state): State<Arc<AppState>>,
    Extension(request_id): Extension<RequestId>,
    Authenticated(account): Authenticated,
    headers: HeaderMap,
    params: Result<Query<ListParams>, QueryRejection>,
) -> Result<Response, ApiError> {
    let Query(params) =
        params.map_err(|e| ApiError::with_message(ErrorKind::InvalidParameter, e.body_text()))?;
    let page = page_param("pageNum", params.page_num.as_deref(), 1, 1000)?;
    let size = page_param("pageSize", params.page_size.as_deref(), 30, 500)?;
    let base = base_url(&headers, &state);
    Ok(success(
        request_id.0,
        state.engine.list(account.id, spec, page, size, &base),
    ))
}

fn page_param(
    name: &str,
    raw: Option<&str>,
    default: usize,
    max: usize,
) -> Result<usize, ApiError> {
    match raw.map(str::trim).filter(|r| !r.is_empty()) {
        None => Ok(default),
        Some(text) => text
            .parse::<usize>()
            .ok()
            .filter(|n| (1..=max).contains(n))
            .ok_or_else(|| {
                ApiError::with_message(
                    ErrorKind::InvalidParameter,
                    format!("{name}: must be an integer between 1 and {max}"),
                )
            }),
    }
}

fn require_json(headers: &HeaderMap) -> Result<(), ApiError> {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let essence = content_type.split(';').next().unwrap_or("").trim();
    if essence.eq_ignore_ascii_case("application/json") {
        Ok(())
    } else {
        Err(ApiError::with_message(
            ErrorKind::InvalidRequest,
            format!(
                "Content-Type must be application/json, got {:?}",
                content_type
            ),
        ))
    }
}

fn body_error(rejection: &BytesRejection, limit: usize) -> ApiError {
    if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
        ApiError::with_message(
            ErrorKind::InvalidRequest,
            format!("request body is larger than {limit} bytes"),
        )
        .with_status(StatusCode::PAYLOAD_TOO_LARGE)
    } else {
        ApiError::with_message(
            ErrorKind::InvalidRequest,
            format!("request body could not be read: {}", rejection.body_text()),
        )
    }
}
