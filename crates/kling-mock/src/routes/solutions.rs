//! The Solutions API (REFERENCE-2026.md §a.9): `POST /solutions/<name>` creates a task of
//! one solution, `GET /solutions` finds tasks by id and `POST /solutions` lists them by
//! cursor. The same engine, clock, scenarios and accounts as the other surfaces; only the
//! wire form differs (kling-api `solutions` and `wire_solutions`).

use axum::body::Bytes;
use axum::extract::Query;
use axum::extract::rejection::{BytesRejection, QueryRejection};
use axum::response::Response;
use kling_api::EndpointSpec;
use kling_api::solutions::{FILTERS, IDS_MAX, LIMIT};
use kling_api::standard::{TASK_IDS_BOTH, TASK_IDS_REQUIRED};
use kling_api::wire_solutions::SolutionCreated;

use super::standard::{CursorBody, IdsQuery, Limit, cursor_query, invalid, optional_json_body};
use super::success;
use super::tasks::{Ctx, json_body};
use crate::scenario::Decision;
use crate::scenario::file::Operation;

/// `POST /solutions`: "0 or less counts as 1", at most and by default 500.
const SOLUTIONS_BODY: CursorBody =
    CursorBody { limit: Limit::Clamped { max: LIMIT.0, default: LIMIT.1 }, filters: FILTERS };

/// `POST /solutions/<name>`: a task of `spec`'s solution.
pub(super) async fn create(spec: &'static EndpointSpec, ctx: Ctx, body: Result<Bytes, BytesRejection>) -> Response {
    let mut decision = Decision::default();
    let answer = async {
        let value = json_body(&ctx, body)?;
        decision = ctx.scenarios(Operation::Create, spec.name, spec.default_model, Some(&value)).await?;
        let request = ctx.validate(spec, &value)?;
        let created = ctx.state.engine.create(&ctx.account, spec, request, &decision.action)?;
        let try_on_page = ctx.state.config.solution_spelling.try_on_page(spec.id);
        Ok(success(
            ctx.request_id.0,
            SolutionCreated {
                id: (!try_on_page).then(|| created.task_id.clone()),
                task_id: try_on_page.then_some(created.task_id),
                status: "submitted".to_owned(),
                create_time: created.created_at,
                update_time: created.updated_at,
                external_id: created.task_info.external_task_id,
            },
        ))
    }
    .await;
    ctx.deliver(&decision, answer)
}

/// `GET /solutions?task_ids=a,b` or `?external_task_ids=...` (one kind, at most
/// [`IDS_MAX`]): the account's Solutions tasks with these ids, in the order asked; unknown
/// ids are left out.
pub(super) async fn by_ids(ctx: Ctx, query: Result<Query<IdsQuery>, QueryRejection>) -> Response {
    let mut decision = Decision::default();
    let answer = async {
        let Query(query) = query.map_err(|e| invalid(e.body_text()))?;
        let (keys, external) = query.keys(IDS_MAX, TASK_IDS_REQUIRED, TASK_IDS_BOTH)?;
        decision = ctx.scenarios(Operation::Query, "", "", None).await?;
        let base = ctx.base_url();
        let keys: Vec<&str> = keys.iter().map(String::as_str).collect();
        Ok(success(ctx.request_id.0, ctx.state.engine.solution_items(&ctx.account, &keys, external, &base)))
    }
    .await;
    ctx.deliver(&decision, answer)
}

/// `POST /solutions`: the account's Solutions tasks by cursor, newest first.
pub(super) async fn by_cursor(ctx: Ctx, body: Result<Bytes, BytesRejection>) -> Response {
    let mut decision = Decision::default();
    let answer = async {
        let value = optional_json_body(&ctx, body)?;
        let query = cursor_query(&value, ctx.state.clock.now_ms(), false, &SOLUTIONS_BODY)?;
        decision = ctx.scenarios(Operation::List, "", "", None).await?;
        let base = ctx.base_url();
        Ok(success(ctx.request_id.0, ctx.state.engine.solution_page(&ctx.account, &query, &base)))
    }
    .await;
    ctx.deliver(&decision, answer)
}
