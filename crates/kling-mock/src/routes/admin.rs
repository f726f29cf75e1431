//! The admin API under `/__admin`: health, reset, scenarios, journal, tasks, clock,
//! accounts, counters, the OpenAPI document and the dashboard. It needs no Kling token; `--admin-token` guards it (compared in
//! constant time) and `--no-admin` removes it.

use std::sync::Arc;
use std::time::Duration;

use axum::Json;
use axum::Router;
use axum::body::Bytes;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, Query, Request, State};
use axum::http::{HeaderMap, header};
use axum::middleware::{Next, from_fn_with_state};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use kling_api::ErrorKind;
use kling_api::endpoints::PackType;
use serde::Deserialize;
use serde_json::{Value, json};
use subtle::ConstantTimeEq;

use super::base_url;
use crate::accounts::PackLimits;
use crate::engine::ForcedStatus;
use crate::error::ApiError;
use crate::journal;
use crate::scenario::{self, Scenario};
use crate::state::AppState;

pub(super) type Shared = State<Arc<AppState>>;

/// Routes under `/__admin`.
pub(super) fn router(state: Arc<AppState>) -> Router<Arc<AppState>> {
    Router::new()
        .route(
            "/health",
            get(|State(state): State<Arc<AppState>>| async move {
                let day = kling_api::history::format_day(state.config.api_day.date());
                Json(json!({"status": "ok", "api_version": day}))
            }),
        )
        .route("/ready", get(ready))
        .route("/reset", post(reset))
        .route("/scenarios", get(scenarios).post(add_scenario).put(replace_scenarios).delete(clear_scenarios))
        .route("/scenarios/ready-made", get(ready_made_names))
        .route("/scenarios/ready-made/{name}", get(ready_made_text))
        .route("/journal", get(journal_entries).delete(clear_journal))
        .route("/tasks", get(tasks))
        .route("/tasks/{id}", get(task))
        .route("/tasks/{id}/state", post(force_state))
        .route("/tasks/{id}/release", post(release_one))
        .route("/release", post(release_all))
        .route("/clock", get(clock))
        .route("/clock/advance", post(advance_clock))
        .route("/accounts", get(accounts))
        .route("/accounts/{access_key}", get(account).put(set_account))
        .route("/stats", get(stats))
        .merge(super::admin_webhooks::router())
        .route("/openapi.json", get(openapi))
        .merge(super::dashboard::router())
        .layer(from_fn_with_state(state, guard))
}

/// Requires the admin token when one is configured.
async fn guard(State(state): Shared, request: Request, next: Next) -> Response {
    let Some(expected) = state.config.admin.token.as_deref() else {
        return next.run(request).await;
    };
    let presented = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .or_else(|| request.headers().get("x-admin-token").and_then(|v| v.to_str().ok()))
        .map(str::to_owned)
        .or_else(|| query_token(&request))
        .unwrap_or_default();
    if bool::from(presented.as_bytes().ct_eq(expected.as_bytes())) {
        next.run(request).await
    } else {
        ApiError::with_message(ErrorKind::AuthInvalid, "admin API: a valid admin token is required").into_response()
    }
}

#[derive(Deserialize)]
struct TokenQuery {
    token: Option<String>,
}

/// `?token=` on the dashboard's routes, which a browser opens without headers.
fn query_token(request: &Request) -> Option<String> {
    if !super::dashboard::takes_query_token(request.uri().path()) {
        return None;
    }
    Query::<TokenQuery>::try_from_uri(request.uri()).ok().and_then(|Query(q)| q.token)
}

pub(super) fn bad_request(message: impl Into<String>) -> ApiError {
    ApiError::with_message(ErrorKind::InvalidParameter, message)
}

pub(super) fn json_body<T>(body: Result<Json<T>, JsonRejection>) -> Result<T, ApiError> {
    body.map(|Json(v)| v).map_err(|e| ApiError::with_message(ErrorKind::InvalidRequest, e.body_text()))
}

async fn ready(State(state): Shared) -> Json<Value> {
    Json(json!({
        "status": "ready",
        "dialect": state.config.dialect,
        "tasks": state.engine.task_count(),
        "scenarios": state.scenarios.read().status().len(),
        "now_ms": state.clock.now_ms(),
    }))
}

/// Forgets tasks, account usage and the journal, and restarts scenario counters; keeps
/// the loaded scenarios.
async fn reset(State(state): Shared) -> Json<Value> {
    state.engine.reset();
    state.journal.clear();
    state.scenarios.write().restart(state.clock.now_ms());
    Json(json!({"reset": true}))
}

async fn scenarios(State(state): Shared) -> Json<Value> {
    Json(json!(state.scenarios.read().status()))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ScenarioPath {
    path: String,
}

/// A scenario from the body: TOML text, or JSON `{"path": "scenarios/x.toml"}`.
fn scenario_from(headers: &HeaderMap, body: &Bytes) -> Result<Scenario, ApiError> {
    let is_json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    let loaded = if is_json {
        let ScenarioPath { path } =
            serde_json::from_slice(body).map_err(|e| bad_request(format!("expected {{\"path\": ...}}: {e}")))?;
        scenario::load(std::path::Path::new(&path))
    } else {
        let text = std::str::from_utf8(body).map_err(|_| bad_request("scenario text must be UTF-8"))?;
        scenario::parse("<inline>", text)
    };
    loaded.map_err(|e| bad_request(e.to_string()))
}

async fn add_scenario(State(state): Shared, headers: HeaderMap, body: Bytes) -> Result<Json<Value>, ApiError> {
    let scenario = scenario_from(&headers, &body)?;
    let name = scenario.name.clone();
    state.activate(scenario);
    Ok(Json(json!({"loaded": name})))
}

async fn replace_scenarios(State(state): Shared, headers: HeaderMap, body: Bytes) -> Result<Json<Value>, ApiError> {
    let scenario = scenario_from(&headers, &body)?;
    let name = scenario.name.clone();
    state.scenarios.write().clear();
    state.activate(scenario);
    Ok(Json(json!({"loaded": name})))
}

/// The names of the compiled-in scenarios of `scenarios/`.
async fn ready_made_names() -> Json<Value> {
    Json(json!(crate::scenario::ready_made::names()))
}

/// One compiled-in scenario's TOML, to read or to load with `POST /__admin/scenarios`.
async fn ready_made_text(Path(name): Path<String>) -> Result<Response, ApiError> {
    let text = crate::scenario::ready_made::named(&name).ok_or_else(|| {
        let names = crate::scenario::ready_made::names().join(", ");
        ApiError::with_message(
            ErrorKind::ResourceNotFound,
            format!("no ready-made scenario {name:?}; there are: {names}"),
        )
    })?;
    Ok(([(axum::http::header::CONTENT_TYPE, "application/toml")], text).into_response())
}

async fn clear_scenarios(State(state): Shared) -> Json<Value> {
    state.scenarios.write().clear();
    Json(json!({"cleared": true}))
}

async fn journal_entries(State(state): Shared, Query(filter): Query<journal::Filter>) -> Json<Value> {
    Json(json!(state.journal.query(&filter)))
}

async fn clear_journal(State(state): Shared) -> Json<Value> {
    state.journal.clear();
    Json(json!({"cleared": true}))
}

#[derive(Deserialize, Default)]
struct TaskFilter {
    account: Option<String>,
    endpoint: Option<String>,
    status: Option<String>,
}

async fn tasks(State(state): Shared, headers: HeaderMap, Query(filter): Query<TaskFilter>) -> Json<Value> {
    let base = base_url(&headers, &state);
    let keep = |d: &crate::engine::TaskDetail| {
        filter.account.as_ref().is_none_or(|a| *a == d.access_key)
            && filter.endpoint.as_ref().is_none_or(|e| e == d.endpoint)
            && filter.status.as_ref().is_none_or(|s| s == d.task.task_status.as_str())
    };
    Json(json!(state.engine.tasks(keep, |id| state.access_key(id), &base)))
}

fn task_id(raw: &str) -> Result<u64, ApiError> {
    raw.parse().map_err(|_| bad_request(format!("task id: {raw:?} is not a task id")))
}

async fn task(State(state): Shared, headers: HeaderMap, Path(id): Path<String>) -> Result<Json<Value>, ApiError> {
    let base = base_url(&headers, &state);
    let detail = state.engine.task(task_id(&id)?, |a| state.access_key(a), &base);
    detail
        .map(|d| Json(json!(d)))
        .ok_or_else(|| ApiError::with_message(ErrorKind::ResourceNotFound, format!("task {id} does not exist")))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ForceBody {
    status: ForcedStatus,
    message: Option<String>,
}

async fn force_state(
    State(state): Shared,
    Path(id): Path<String>,
    body: Result<Json<ForceBody>, JsonRejection>,
) -> Result<Json<Value>, ApiError> {
    let ForceBody { status, message } = json_body(body)?;
    state.engine.force(task_id(&id)?, status, message).map_err(bad_request)?;
    Ok(Json(json!({"forced": id})))
}

async fn release_one(State(state): Shared, Path(id): Path<String>) -> Result<Json<Value>, ApiError> {
    let released = state.engine.release(Some(task_id(&id)?));
    Ok(Json(json!({"released": released})))
}

async fn release_all(State(state): Shared) -> Json<Value> {
    Json(json!({"released": state.engine.release(None)}))
}

async fn clock(State(state): Shared) -> Json<Value> {
    Json(json!({"now_ms": state.clock.now_ms(), "manual": state.clock.is_manual()}))
}

/// Longest single advance: far beyond any task, far from overflowing the clock.
const MAX_ADVANCE: Duration = Duration::from_secs(100 * 365 * 24 * 3600);

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Advance {
    seconds: Option<f64>,
    ms: Option<u64>,
}

async fn advance_clock(
    State(state): Shared,
    body: Result<Json<Advance>, JsonRejection>,
) -> Result<Json<Value>, ApiError> {
    let Advance { seconds, ms } = json_body(body)?;
    let by = match (seconds, ms) {
        (Some(s), None) if s.is_finite() && (0.0..=MAX_ADVANCE.as_secs_f64()).contains(&s) => {
            Duration::from_secs_f64(s)
        }
        (None, Some(ms)) if u128::from(ms) <= MAX_ADVANCE.as_millis() => Duration::from_millis(ms),
        _ => return Err(bad_request("give one of seconds or ms, between 0 and 100 years")),
    };
    state.clock.advance(by);
    Ok(Json(json!({"now_ms": state.clock.now_ms()})))
}

pub(super) fn account_view(state: &AppState, account: &crate::auth::Account) -> Value {
    let account_state = state.engine.account_state(account);
    let cash = account_state.cash.map(|cash| {
        json!({
            "currency": cash.currency,
            "balance": {"total": cash.balance.total, "remaining": cash.balance.remaining(), "spent": cash.balance.spent},
            "test_balance": {
                "total": cash.test_balance.total,
                "remaining": cash.test_balance.remaining(),
                "spent": cash.test_balance.spent,
            },
        })
    });
    json!({
        "access_key": account.access_key,
        "packs": account_state.packs,
        "cash": cash,
        "deductions": account_state.ledger.len(),
    })
}

async fn accounts(State(state): Shared) -> Json<Value> {
    let mut all: Vec<_> = state.accounts.iter().collect();
    all.sort_by_key(|a| a.id);
    Json(Value::Array(all.into_iter().map(|a| account_view(&state, a)).collect()))
}

pub(super) fn find_account<'a>(
    state: &'a AppState,
    access_key: &str,
) -> Result<&'a Arc<crate::auth::Account>, ApiError> {
    state
        .accounts
        .get(access_key)
        .ok_or_else(|| ApiError::with_message(ErrorKind::ResourceNotFound, format!("no account {access_key}")))
}

async fn account(State(state): Shared, Path(access_key): Path<String>) -> Result<Json<Value>, ApiError> {
    Ok(Json(account_view(&state, find_account(&state, &access_key)?)))
}

/// Body of `PUT /__admin/accounts/{ak}`: limits per pack type; `null` units or
/// concurrency mean unlimited.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AccountLimitsBody {
    video: Option<PackLimits>,
    image: Option<PackLimits>,
    virtual_try_on: Option<PackLimits>,
    /// `{balance, test_balance, currency}`; `null` removes the account's cash.
    #[serde(default, deserialize_with = "present")]
    cash: Option<Option<crate::accounts::CashLimits>>,
}

/// A field that may be absent (`None`), `null` (`Some(None)`) or a value.
fn present<'de, D, T>(d: D) -> Result<Option<Option<T>>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(d).map(Some)
}

async fn set_account(
    State(state): Shared,
    Path(access_key): Path<String>,
    body: Result<Json<AccountLimitsBody>, JsonRejection>,
) -> Result<Json<Value>, ApiError> {
    let body = json_body(body)?;
    let account = find_account(&state, &access_key)?;
    for (pack, limits) in
        [(PackType::Video, body.video), (PackType::Image, body.image), (PackType::VirtualTryOn, body.virtual_try_on)]
    {
        if let Some(limits) = limits {
            state.engine.set_limits(account, pack, limits);
        }
    }
    if let Some(cash) = body.cash {
        state.engine.set_cash(account, cash);
    }
    Ok(Json(account_view(&state, account)))
}

/// The OpenAPI document, with the address the client used as its server.
async fn openapi(State(state): Shared, headers: HeaderMap) -> Json<Value> {
    Json(kling_api::openapi::document_for(state.config.api_day, &base_url(&headers, &state)))
}

async fn stats(State(state): Shared) -> Json<Value> {
    Json(json!({
        "responses": state.stats.snapshot(),
        "tasks": state.engine.status_counts(),
        "journal_entries": state.journal.len(),
    }))
}
