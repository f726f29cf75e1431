//! The HTTP surface: one create, query and list route per endpoint of the catalogue, the
//! seed dialect's paths, the media route, the admin API, and fallbacks that answer
//! unknown paths and wrong methods in the Kling envelope.

mod account;
mod admin;
mod admin_webhooks;
mod billing;
mod dashboard;
mod library;
mod media;
mod query_body;
mod seed;
mod solutions;
mod standard;
mod tasks;

use std::sync::Arc;

use axum::Router;
use axum::extract::{DefaultBodyLimit, Request};
use axum::http::HeaderValue;
use axum::http::{HeaderMap, header};
use axum::middleware::from_fn_with_state;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use kling_api::dialect::{HINT_HEADER, SEED_PATHS, seed_path};
use kling_api::history::{Change, ENDPOINT_RETIRED, Offered, format_day};
use kling_api::{Dialect, ENDPOINTS, ErrorKind};
use tower_http::catch_panic::CatchPanicLayer;

use crate::error::{ApiError, finalize, panic_to_error};
use crate::state::AppState;

/// The emulator's router, for the API of the served day (`--api-version`): an endpoint or
/// route not introduced yet is not routed (an unknown path, as the real API answered); a
/// retired endpoint refuses creates and still answers queries of its tasks.
pub fn router(state: Arc<AppState>) -> Router {
    let day = state.config.api_day;
    let mut api = Router::new();
    for operation in kling_api::standard::OPERATIONS {
        let offered = ENDPOINTS.iter().any(|spec| {
            spec.standard.is_some_and(|s| s.operation == *operation) && day.endpoint(spec.id) == Offered::Yes
        });
        if offered {
            api = api.route(
                &format!("/{operation}/{{model}}"),
                post(move |ctx, path, body| standard::create(operation, ctx, path, body)),
            );
        }
    }
    if day.route("/tasks") == Offered::Yes {
        api = api.route("/tasks", get(standard::by_ids).post(standard::by_cursor));
    }
    if day.route(kling_api::solutions::QUERY_PATH) == Offered::Yes {
        api = api.route(kling_api::solutions::QUERY_PATH, get(solutions::by_ids).post(solutions::by_cursor));
    }
    for spec in ENDPOINTS.iter().filter(|spec| spec.solution.is_some() && day.endpoint(spec.id) == Offered::Yes) {
        api = api.route(spec.path, post(move |ctx, body| solutions::create(spec, ctx, body)));
    }
    for spec in ENDPOINTS.iter().filter(|spec| spec.is_legacy()) {
        let create = match day.endpoint(spec.id) {
            Offered::NotYet(_) => continue,
            Offered::Retired(change) => post(move |ctx| retired(spec, change, ctx)),
            Offered::Yes if !spec.output.is_queryable() => post(move |ctx, body| tasks::synchronous(spec, ctx, body)),
            Offered::Yes => post(move |ctx, body| tasks::create(spec, ctx, body)),
        };
        if !spec.output.is_queryable() {
            api = api.route(spec.path, create);
            continue;
        }
        api = api
            .route(spec.path, get(move |ctx, query| tasks::list(spec, ctx, query)).merge(create))
            .route(&format!("{}/{{id}}", spec.path), get(move |ctx, path| tasks::query(spec, ctx, path)));
    }
    if state.config.dialect == Dialect::Seed {
        for path in SEED_PATHS {
            api = match (path.method, path.endpoint) {
                ("GET", _) => api.route(path.path, get(seed::query_any_video)),
                (_, Some(id)) => {
                    let spec = kling_api::endpoints::spec(id);
                    api.route(path.path, post(move |ctx, body| tasks::create(spec, ctx, body)))
                }
                (_, None) => api.route(path.path, post(move || seed::not_emulated(path))),
            };
        }
    }
    if !state.config.admin.disabled {
        api = api.nest("/__admin", admin::router(state.clone()));
    }
    let dated: [(&str, axum::routing::MethodRouter<Arc<AppState>>); 5] = [
        ("/account/costs", get(account::costs)),
        ("/account/billing/balance", post(billing::balance)),
        ("/account/billing/package", post(billing::package)),
        ("/v1/general/presets-voices", get(library::preset_voices)),
        ("/v1/general/advanced-presets-elements", get(library::preset_elements)),
    ];
    for (path, route) in dated {
        if day.route(path) == Offered::Yes {
            api = api.route(path, route);
        }
    }
    api.route("/media/videos/{length}/{file}", get(media::video))
        .route("/media/audios/{length}/{file}", get(media::audio))
        .route("/media/images/{file}", get(media::image))
        .route("/media/subtitles/{length}/{style}/{file}", get(media::subtitles))
        .fallback(unknown_path)
        .method_not_allowed_fallback(wrong_method)
        .layer(DefaultBodyLimit::max(state.config.body_limit))
        .layer(CatchPanicLayer::custom(panic_to_error))
        .layer(from_fn_with_state(state.clone(), finalize))
        .with_state(state)
}

/// A create on an endpoint the served day no longer offers, from an authenticated caller
/// (`ctx` is only extracted for that): the recorded answer, and a hint naming the change.
async fn retired(spec: &'static kling_api::EndpointSpec, change: &'static Change, _ctx: tasks::Ctx) -> ApiError {
    ApiError::with_message(ErrorKind::InvalidParameter, ENDPOINT_RETIRED).with_hint(format!(
        "{} retired {} ({})",
        spec.path,
        format_day(change.date),
        change.summary
    ))
}

/// A success `response` with an `X-Kling-Mock-Hint` header (errors carry theirs in
/// [`ApiError::with_hint`]): the official form of a seed field.
fn hinted(mut response: Response, hint: &str) -> Response {
    if let Ok(value) = HeaderValue::from_str(hint) {
        response.headers_mut().insert(HINT_HEADER, value);
    }
    response
}

/// An unknown path; a seed-shaped one is hinted with its official form.
async fn unknown_path(request: Request) -> ApiError {
    let (method, path) = (request.method().as_str(), request.uri().path());
    let error = ApiError::with_message(
        ErrorKind::ResourceNotFound,
        format!("Requested resource does not exist: {method} {path}"),
    );
    match seed_path(method, path) {
        Some(seed) => error.with_hint(seed.official),
        None => error,
    }
}

async fn wrong_method(request: Request) -> ApiError {
    ApiError::with_message(
        ErrorKind::InvalidMethod,
        format!("Invalid request method: {} is not allowed on {}", request.method(), request.uri().path()),
    )
}

/// The base URL a client used to reach us, from its Host header; result links use it so
/// they work through whatever address the client chose.
fn base_url(headers: &HeaderMap, state: &AppState) -> String {
    base_url_for(headers.get(header::HOST), state)
}

/// [`base_url`] from the Host header's value alone (what a handler's context keeps).
fn base_url_for(host: Option<&HeaderValue>, state: &AppState) -> String {
    host.and_then(|h| h.to_str().ok()).filter(|h| h.parse::<axum::http::uri::Authority>().is_ok()).map_or_else(
        || state.public_url.clone(),
        |host| format!("{}://{host}", if state.config.tls.is_some() { "https" } else { "http" }),
    )
}

/// A success envelope around `data`.
fn success<T: serde::Serialize>(request_id: uuid::Uuid, data: T) -> Response {
    let envelope = kling_api::Envelope {
        code: 0,
        message: kling_api::wire::SUCCEED.to_owned(),
        request_id: request_id.to_string(),
        data: Some(data),
    };
    // Room for a create's or a query's answer at once, instead of growing from empty.
    let mut body = Vec::with_capacity(512);
    match serde_json::to_writer(&mut body, &envelope) {
        Ok(()) => {
            let mut response = ([(header::CONTENT_TYPE, "application/json")], body).into_response();
            response.extensions_mut().insert(crate::error::EnvelopeCode(0));
            response
        }
        Err(_) => ApiError::new(ErrorKind::InternalError).into_response(),
    }
}
