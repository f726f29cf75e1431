//! The seed dialect's paths (REFERENCE.md §g). In the seed dialect they are served; in
//! the official dialect they get exactly the real API's answer (an unknown path) plus an
//! `X-Kling-Mock-Hint` header naming the official form.

use axum::extract::Path;
use axum::response::Response;
use kling_api::dialect::SeedPath;
use kling_api::endpoints::Output;
use kling_api::{ENDPOINTS, EndpointId, ErrorKind};

use super::success;
use super::tasks::{Ctx, task_not_found};
use crate::error::ApiError;
use crate::scenario::Decision;
use crate::scenario::file::Operation;

/// `GET /v1/videos/{task_id}` (seed): any video task of the account, by task id or
/// external id. Query rules without an endpoint filter apply.
pub(super) async fn query_any_video(ctx: Ctx, Path(key): Path<String>) -> Response {
    let mut decision = Decision::default();
    let answer = async {
        decision = ctx
            .scenarios(
                Operation::Query,
                "",
                ctx.state.config.api_day.default_model(kling_api::endpoints::spec(kling_api::EndpointId::Text2Video)),
                None,
            )
            .await?;
        let video_endpoints: Vec<EndpointId> =
            ENDPOINTS.iter().filter(|e| e.output == Output::Videos).map(|e| e.id).collect();
        let base = ctx.base_url();
        let task =
            ctx.state.engine.get_in(&ctx.account, &video_endpoints, &key, &base).ok_or_else(|| task_not_found(&key))?;
        Ok(success(ctx.request_id.0, task))
    }
    .await;
    ctx.deliver(&decision, answer)
}

/// A seed path whose function the emulator does not serve yet.
pub(super) async fn not_emulated(path: &'static SeedPath) -> ApiError {
    ApiError::with_message(
        ErrorKind::ResourceNotFound,
        format!("{} {} is not emulated yet; official form: {}", path.method, path.path, path.official),
    )
}
