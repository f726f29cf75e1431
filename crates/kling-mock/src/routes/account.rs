//! `GET /account/costs` (REFERENCE.md §3.19): the account's resource packs, from the
//! account simulation, so integrations that watch their balance see units go down as
//! tasks are charged. Unlimited packs (the default) are not listed: a real account only
//! has the packs it bought.

use axum::extract::Query;
use axum::extract::rejection::QueryRejection;
use axum::response::Response;
use kling_api::ErrorKind;
use kling_api::wire::{AccountCosts, ResourcePack, ResourcePackStatus, ResourcePackType};

use super::success;
use super::tasks::Ctx;
use crate::error::ApiError;

/// Query of `/account/costs`.
#[derive(Debug, serde::Deserialize)]
pub(super) struct CostsQuery {
    start_time: Option<String>,
    end_time: Option<String>,
    resource_pack_name: Option<String>,
}

const YEAR_MS: i64 = 365 * 24 * 3600 * 1000;

fn millis(name: &str, raw: Option<&str>) -> Result<i64, ApiError> {
    let raw = raw
        .filter(|r| !r.is_empty())
        .ok_or_else(|| ApiError::with_message(ErrorKind::InvalidParameter, format!("{name}: is required")))?;
    raw.parse()
        .map_err(|_| ApiError::with_message(ErrorKind::InvalidParameter, format!("{name}: must be Unix milliseconds")))
}

pub(super) async fn costs(ctx: Ctx, query: Result<Query<CostsQuery>, QueryRejection>) -> Result<Response, ApiError> {
    let Query(query) = query.map_err(|e| ApiError::with_message(ErrorKind::InvalidParameter, e.body_text()))?;
    let start = millis("start_time", query.start_time.as_deref())?;
    let end = millis("end_time", query.end_time.as_deref())?;
    if end < start {
        return Err(ApiError::with_message(ErrorKind::InvalidParameter, "end_time: must not be before start_time"));
    }
    let effective = ctx.state.started_ms;
    let invalid = effective.saturating_add(YEAR_MS);
    let state = ctx.state.engine.account_state(&ctx.account);
    let packs: Vec<ResourcePack> = state
        .packs
        .iter()
        .filter_map(|p| p.total.map(|total| (p, total)))
        .filter(|_| effective <= end && invalid >= start)
        .map(|(p, total)| {
            let remaining = p.remaining.unwrap_or_default();
            ResourcePack {
                resource_pack_name: crate::accounts::pack_name(p.pack_type, Some(total)),
                resource_pack_id: crate::accounts::pack_id(ctx.account.id, p.pack_type),
                resource_pack_type: ResourcePackType::DecreasingTotal,
                total_quantity: total.as_f64(),
                remaining_quantity: remaining.as_f64(),
                purchase_time: effective,
                effective_time: effective,
                invalid_time: invalid,
                status: if remaining == kling_api::pricing::Units::ZERO {
                    ResourcePackStatus::RunOut
                } else {
                    ResourcePackStatus::Online
                },
            }
        })
        .filter(|p| query.resource_pack_name.as_deref().is_none_or(|name| p.resource_pack_name == name))
        .collect();
    // An account without any pack answers without the list (KR, recorded); one whose packs
    // the window or name leave out answers an empty list.
    if !state.packs.iter().any(|p| p.total.is_some()) {
        return Ok(success(ctx.request_id.0, serde_json::json!({"code": 0, "msg": "success"})));
    }
    let costs = AccountCosts { code: 0, msg: "success".to_owned(), resource_pack_subscribe_infos: packs };
    Ok(success(ctx.request_id.0, costs))
}
