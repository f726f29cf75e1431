//! The new-standard API (REFERENCE-2026.md §a): `POST /<operation>/<model>` creates a
//! task on the endpoint the path names, `GET /tasks` finds tasks by id and `POST /tasks`
//! lists them by cursor. The same engine, clock, scenarios and accounts as the legacy
//! routes; only the wire form differs (kling-api `standard` and `wire_standard`).

use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, QueryRejection};
use axum::extract::{Path, Query};
use axum::response::Response;
use kling_api::ErrorKind;
use kling_api::standard::{self, TASK_FILTERS, TASK_IDS_MAX, TASK_IDS_REQUIRED, TASKS_LIMIT, TASKS_WINDOW_MS};
use kling_api::wire_standard::{Created, Status};
use serde_json::Value;

use super::query_body::{QueryBody, bad};
use super::success;
use super::tasks::{Ctx, json_body};
use crate::engine::{Cursor, TasksQuery};
use crate::error::ApiError;
use crate::scenario::Decision;
use crate::scenario::file::Operation;
use kling_api::history::Offered;

pub(super) fn invalid(message: impl Into<String>) -> ApiError {
    ApiError::with_message(ErrorKind::InvalidParameter, message)
}

/// `POST /<operation>/<model>`: a create on the endpoint the segments name; any other
/// model answers the recorded `model is not supported`.
pub(super) async fn create(
    operation: &'static str,
    ctx: Ctx,
    Path(model): Path<String>,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let mut decision = Decision::default();
    let answer = async {
        let day = ctx.state.config.api_day;
        let spec = standard::by_segments(operation, &model)
            .filter(|spec| day.endpoint(spec.id) == Offered::Yes)
            .ok_or_else(|| invalid(standard::MODEL_NOT_SUPPORTED))?;
        let value = json_body(&ctx, body)?;
        decision = ctx
            .scenarios(Operation::Create, spec.name, ctx.state.config.api_day.default_model(spec), Some(&value))
            .await?;
        let request = ctx.validate(spec, &value)?;
        let created = ctx.state.engine.create(&ctx.account, spec, request, &decision.action)?;
        Ok(success(
            ctx.request_id.0,
            Created {
                id: created.task_id,
                status: Status::Submitted,
                message: String::new(),
                create_time: created.created_at,
                update_time: created.updated_at,
                external_id: created.task_info.external_task_id,
            },
        ))
    }
    .await;
    ctx.deliver(&decision, answer)
}

/// Query of `GET /tasks` and `GET /solutions`.
#[derive(Debug, serde::Deserialize)]
pub(super) struct IdsQuery {
    task_ids: Option<String>,
    external_task_ids: Option<String>,
}

impl IdsQuery {
    /// The ids asked for and whether they are external ids: exactly one kind, at most
    /// `max` of them (`required` and `both` are the answers to none and to both).
    pub(super) fn keys(&self, max: usize, required: &str, both: &str) -> Result<(Vec<String>, bool), ApiError> {
        fn given(v: &Option<String>) -> Option<&str> {
            v.as_deref().filter(|s| !s.trim().is_empty())
        }
        let (list, external) = match (given(&self.task_ids), given(&self.external_task_ids)) {
            (Some(_), Some(_)) => return Err(invalid(both)),
            (Some(ids), None) => (ids, false),
            (None, Some(ids)) => (ids, true),
            (None, None) => return Err(invalid(required)),
        };
        let keys: Vec<String> = list.split(',').map(str::trim).filter(|k| !k.is_empty()).map(str::to_owned).collect();
        if keys.len() > max {
            let name = if external { "external_task_ids" } else { "task_ids" };
            return Err(invalid(format!("{name} can have at most {max} ids, got {}", keys.len())));
        }
        Ok((keys, external))
    }
}

/// `GET /tasks?task_ids=a,b` or `?external_task_ids=...`: the account's tasks with
/// these ids, in the order asked; unknown ids are left out (an unknown id alone answers
/// `data: []`, recorded).
pub(super) async fn by_ids(ctx: Ctx, query: Result<Query<IdsQuery>, QueryRejection>) -> Response {
    let mut decision = Decision::default();
    let answer = async {
        let Query(query) = query.map_err(|e| invalid(e.body_text()))?;
        let (keys, external) = query.keys(TASK_IDS_MAX, TASK_IDS_REQUIRED, standard::TASK_IDS_BOTH)?;
        let keys: Vec<&str> = keys.iter().map(String::as_str).collect();
        decision = ctx.scenarios(Operation::Query, "", "", None).await?;
        let base = ctx.base_url();
        let include_legacy = ctx.state.config.tasks_include_legacy;
        Ok(success(ctx.request_id.0, ctx.state.engine.items(&ctx.account, &keys, external, include_legacy, &base)))
    }
    .await;
    ctx.deliver(&decision, answer)
}

/// `POST /tasks`: the account's tasks by cursor, newest first.
pub(super) async fn by_cursor(ctx: Ctx, body: Result<Bytes, BytesRejection>) -> Response {
    let mut decision = Decision::default();
    let answer = async {
        let value = optional_json_body(&ctx, body)?;
        let query = cursor_query(&value, ctx.state.clock.now_ms(), ctx.state.config.tasks_include_legacy, &TASKS_BODY)?;
        decision = ctx.scenarios(Operation::List, "", "", None).await?;
        let base = ctx.base_url();
        Ok(success(ctx.request_id.0, ctx.state.engine.page(&ctx.account, &query, &base)))
    }
    .await;
    ctx.deliver(&decision, answer)
}

/// A cursor body, which may be empty (an empty object then).
pub(super) fn optional_json_body(ctx: &Ctx, body: Result<Bytes, BytesRejection>) -> Result<Value, ApiError> {
    if body.as_ref().is_ok_and(|b| b.iter().all(u8::is_ascii_whitespace)) {
        return Ok(Value::Object(Default::default()));
    }
    json_body(ctx, body)
}

/// A JSON number that is a whole number: `1700000000000` or `1700000000000.0`, as JSON
/// Schema's `integer` (and the OpenAPI document) allows.
fn whole(n: &serde_json::Number) -> Option<i64> {
    n.as_i64().or_else(|| n.as_f64().filter(|f| f.fract() == 0.0 && f.abs() < 9.0e15).map(|f| f as i64))
}

/// What a surface's cursor body takes: its `limit` and its filters.
pub(super) struct CursorBody {
    /// How `limit` is read.
    pub(super) limit: Limit,
    /// The filter keys, with the values each takes.
    pub(super) filters: &'static [(&'static str, &'static [&'static str])],
}

/// How a cursor body's `limit` is read.
pub(super) enum Limit {
    /// Within `(min, max)`, refused outside; the default when absent (`/tasks`).
    Bounded((usize, usize, usize)),
    /// At most `max`, 0 or less counting as 1 (the Solutions pages), a larger one as
    /// `max`; the default when absent.
    Clamped { max: usize, default: usize },
}

/// `POST /tasks`.
const TASKS_BODY: CursorBody = CursorBody { limit: Limit::Bounded(TASKS_LIMIT), filters: TASK_FILTERS };

/// Reads a cursor body (`POST /tasks`, `POST /solutions`): times in ms as numbers or
/// digit strings (the pages type them both ways), the window defaulting to the 30 days
/// before `end_time` (default now), a cursor overriding the window, `limit` as the
/// surface reads it, and filters on the keys and values of its table. A status filter
/// value is read by its meaning, so the try-on page's `succeed` is `succeeded`.
pub(super) fn cursor_query(
    body: &Value,
    now_ms: i64,
    include_legacy: bool,
    surface: &CursorBody,
) -> Result<TasksQuery, ApiError> {
    let body = QueryBody::new(body)?;
    let millis = |key: &str| -> Result<Option<i64>, ApiError> {
        let Some(v) = body.field(key) else { return Ok(None) };
        let parsed = match v {
            Value::Number(n) => whole(n),
            Value::String(s) if s.bytes().all(|b| b.is_ascii_digit()) => s.parse().ok(),
            _ => None,
        };
        parsed.filter(|ms| *ms >= 0).map(Some).ok_or_else(|| bad(key, v))
    };
    let number = |v: &Value| v.as_number().and_then(whole).or_else(|| v.as_str().and_then(|s| s.trim().parse().ok()));
    let limit = match (body.field("limit"), &surface.limit) {
        (None, Limit::Bounded((_, _, default)) | Limit::Clamped { default, .. }) => *default,
        (Some(v), Limit::Bounded((min, max, _))) => number(v)
            .and_then(|n| usize::try_from(n).ok())
            .filter(|n| (min..=max).contains(&n))
            .ok_or_else(|| bad("limit", v))?,
        (Some(v), Limit::Clamped { max, .. }) => {
            let n = number(v).ok_or_else(|| bad("limit", v))?;
            usize::try_from(n.max(1)).map_or(*max, |n| n.min(*max))
        }
    };
    let mut statuses = None;
    let mut product_types = None;
    // A key given twice: the last one counts.
    let allowed = |key: &str| surface.filters.iter().find(|(k, _)| *k == key).map(|(k, values)| (*k, Some(*values)));
    for (key, chosen) in body.filters(allowed)? {
        if key == "status" {
            let parsed = chosen.iter().filter_map(|c| kling_api::wire_solutions::status_named(c)).collect();
            statuses = Some(parsed);
        } else {
            let known = surface.filters.iter().find(|(k, _)| *k == key).map_or(&[][..], |(_, values)| *values);
            product_types = Some(chosen.iter().filter_map(|c| known.iter().find(|v| *v == c).copied()).collect());
        }
    }
    let (start_ms, end_ms, after) = match body.field("cursor") {
        Some(v) => {
            let cursor = v.as_str().and_then(Cursor::decode).ok_or_else(|| bad("cursor", v))?;
            (cursor.start_ms, cursor.end_ms, Some(cursor.after))
        }
        None => {
            let end_ms = millis("end_time")?.unwrap_or(now_ms);
            let start_ms = millis("start_time")?.unwrap_or(end_ms.saturating_sub(TASKS_WINDOW_MS));
            if end_ms < start_ms {
                return Err(invalid(standard::TASKS_WINDOW_BACKWARDS));
            }
            (start_ms, end_ms, None)
        }
    };
    Ok(TasksQuery { start_ms, end_ms, after, limit, statuses, product_types, include_legacy })
}
