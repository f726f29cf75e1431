//! The billing exports (2026-07-06): `POST /account/billing/balance` lists the
//! account's cash deductions, `POST /account/billing/package` its unit deductions, one
//! row per succeeded task that cost something, newest first.
//!
//! The body follows the pages: `start_time`/`end_time` (Unix ms, required without a
//! cursor, start before end) filter on the task's creation time; `limit` 1-500, default
//! 500; `filters[{key, values}]`, values of one key OR-ed, keys AND-ed, empty values no
//! filter; `cursor` from `next_cursor`, which overrides everything else (it carries the
//! first request's window, filters and limit). The pages document no error texts; the
//! emulator answers 400 / 1201 in the recorded `<field> value '<x>' is invalid` style.

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::response::Response;
use base64::Engine as _;
use kling_api::endpoints::PackType;
use kling_api::wire_billing::{
    BALANCE_FILTERS, BalanceDetail, EXPORT_LIMIT, ExportPage, ExportResult, PACK_FILTERS_EXCLUSIVE, PACKAGE_FILTERS,
    PackageDetail, TaskFacts, WINDOW_BACKWARDS, WINDOW_REQUIRED, product_type,
};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::query_body::{QueryBody, bad};
use super::standard::invalid;
use super::success;
use super::tasks::{Ctx, json_body};
use crate::accounts::{Deducted, Deduction};
use crate::error::ApiError;
use crate::scenario::Decision;
use crate::scenario::file::Operation;

/// Which export.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
enum Export {
    Balance,
    Package,
}

/// An export query, resolved; a cursor is this, encoded, plus where the page ended.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct ExportQuery {
    export: Export,
    start_ms: i64,
    end_ms: i64,
    limit: usize,
    /// `(key, values)`, only keys with values.
    filters: Vec<(String, Vec<String>)>,
    /// Only rows older than this ledger position.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    before: Option<u64>,
}

impl ExportQuery {
    fn encode(&self) -> String {
        let text = serde_json::to_vec(self).unwrap_or_default();
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(text)
    }

    fn decode(text: &str, export: Export) -> Option<ExportQuery> {
        let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(text.trim()).ok()?;
        serde_json::from_slice::<ExportQuery>(&bytes).ok().filter(|q| q.export == export)
    }
}

/// `POST /account/billing/balance`.
pub(super) async fn balance(ctx: Ctx, body: Result<Bytes, BytesRejection>) -> Response {
    export(ctx, body, Export::Balance).await
}

/// `POST /account/billing/package`.
pub(super) async fn package(ctx: Ctx, body: Result<Bytes, BytesRejection>) -> Response {
    export(ctx, body, Export::Package).await
}

async fn export(ctx: Ctx, body: Result<Bytes, BytesRejection>, kind: Export) -> Response {
    let mut decision = Decision::default();
    let answer = async {
        let value = json_body(&ctx, body)?;
        let query = export_query(&value, kind)?;
        decision = ctx.scenarios(Operation::List, "", "", None).await?;
        let ledger = ctx.state.engine.ledger(&ctx.account);
        let packs = ctx.state.engine.account_state(&ctx.account).packs;
        let pack_total = |pack: PackType| packs.iter().find(|p| p.pack_type == pack).and_then(|p| p.total);
        let account_id = ctx.account.id;
        let rows = ledger.iter().rev().filter(|d| query.before.is_none_or(|before| d.seq < before)).filter(|d| {
            (query.start_ms..=query.end_ms).contains(&d.facts.created_at)
                && matches(d, &query, |pack| package_facts(account_id, pack, pack_total(pack)))
        });
        let mut page: Vec<&Deduction> = rows.take(query.limit.saturating_add(1)).collect();
        let has_more = page.len() > query.limit;
        page.truncate(query.limit);
        let next_cursor = has_more
            .then(|| page.last().map(|last| ExportQuery { before: Some(last.seq), ..query.clone() }.encode()))
            .flatten();
        let data = match kind {
            Export::Balance => {
                let detail: Vec<BalanceDetail> = page.iter().filter_map(|d| balance_detail(d)).collect();
                serde_json::to_value(ExportPage {
                    result: ExportResult { count: detail.len(), detail },
                    next_cursor,
                    has_more,
                })
            }
            Export::Package => {
                let detail: Vec<PackageDetail> = page
                    .iter()
                    .filter_map(|d| package_detail(d, |pack| package_facts(account_id, pack, pack_total(pack))))
                    .collect();
                serde_json::to_value(ExportPage {
                    result: ExportResult { count: detail.len(), detail },
                    next_cursor,
                    has_more,
                })
            }
        };
        Ok(success(ctx.request_id.0, data.unwrap_or(Value::Null)))
    }
    .await;
    ctx.deliver(&decision, answer)
}

/// A pack's id, name and export `product_type`.
struct PackFacts {
    id: String,
    name: String,
    product_type: &'static str,
}

fn package_facts(
    account: crate::auth::AccountId,
    pack: PackType,
    total: Option<kling_api::pricing::Units>,
) -> PackFacts {
    PackFacts {
        id: crate::accounts::pack_id(account, pack),
        name: crate::accounts::pack_name(pack, total),
        product_type: product_type(pack),
    }
}

/// Whether a row is of this export and passes its filters.
fn matches(row: &Deduction, query: &ExportQuery, pack_of: impl Fn(PackType) -> PackFacts) -> bool {
    let pack = match (&row.deducted, query.export) {
        (Deducted::Cash { .. }, Export::Balance) => None,
        (Deducted::Unit { pack, .. }, Export::Package) => Some(pack_of(*pack)),
        _ => return false,
    };
    query.filters.iter().all(|(key, values)| {
        let actual = match (key.as_str(), &pack) {
            ("api_key_name", _) => &*row.facts.api_key_name,
            ("product_type", Some(p)) => p.product_type,
            ("package_name", Some(p)) => p.name.as_str(),
            ("package_id", Some(p)) => p.id.as_str(),
            _ => return false,
        };
        values.iter().any(|v| v == actual)
    })
}

fn task_facts(row: &Deduction) -> TaskFacts {
    let facts = &row.facts;
    TaskFacts {
        task_id: facts.task_id.to_string(),
        api_key_name: facts.api_key_name.to_string(),
        product_function: facts.product_function.to_string(),
        model_name: facts.model_name.to_string(),
        resolution: facts.resolution.as_ref().map(ToString::to_string),
        duration: facts.duration.clone(),
        refer_video_input: facts.refer_video_input,
        video_sound: facts.video_sound.as_ref().map(ToString::to_string),
        voice_control: facts.voice_control,
        deduction_time: facts.deduction_time.to_string(),
    }
}

fn balance_detail(row: &Deduction) -> Option<BalanceDetail> {
    let Deducted::Cash { cash_type, currency, before, amount, list_price } = row.deducted else { return None };
    Some(BalanceDetail {
        task: task_facts(row),
        cash_type: cash_type.as_str().to_owned(),
        balance_before_deduction: before.as_f64(),
        deduction_amount: amount.as_f64(),
        balance_after_deduction: before.saturating_sub(amount).as_f64(),
        list_price: list_price.as_f64(),
        currency: currency.as_str().to_owned(),
    })
}

fn package_detail(row: &Deduction, pack_of: impl Fn(PackType) -> PackFacts) -> Option<PackageDetail> {
    let Deducted::Unit { pack, before, amount } = row.deducted else { return None };
    let facts = pack_of(pack);
    Some(PackageDetail {
        package_id: facts.id,
        product_type: facts.product_type.to_owned(),
        task: task_facts(row),
        unit_before_deduction: before.map(|b| b.as_f64()),
        deduction_amount: amount.as_f64(),
        unit_after_deduction: before.map(|b| b.saturating_sub(amount).as_f64()),
    })
}

/// Reads an export body as the pages describe it.
fn export_query(body: &Value, export: Export) -> Result<ExportQuery, ApiError> {
    let body = QueryBody::new(body)?;
    if let Some(cursor) = body.field("cursor") {
        return cursor.as_str().and_then(|c| ExportQuery::decode(c, export)).ok_or_else(|| bad("cursor", cursor));
    }
    let millis = |key: &str| -> Result<i64, ApiError> {
        let v = body.field(key).ok_or_else(|| invalid(WINDOW_REQUIRED.replace("{field}", key)))?;
        let parsed = match v {
            Value::Number(n) => n.as_i64(),
            Value::String(s) if s.bytes().all(|b| b.is_ascii_digit()) => s.parse().ok(),
            _ => None,
        };
        parsed.filter(|ms| *ms >= 0).ok_or_else(|| bad(key, v))
    };
    let (start_ms, end_ms) = (millis("start_time")?, millis("end_time")?);
    if start_ms >= end_ms {
        return Err(invalid(WINDOW_BACKWARDS));
    }
    let (min, max, default) = EXPORT_LIMIT;
    let limit = match body.field("limit") {
        None => default,
        Some(v) => v
            .as_u64()
            .or_else(|| v.as_str().and_then(|s| s.parse().ok()))
            .and_then(|n| usize::try_from(n).ok())
            .filter(|n| (min..=max).contains(n))
            .ok_or_else(|| bad("limit", v))?,
    };
    let keys = match export {
        Export::Balance => BALANCE_FILTERS,
        Export::Package => PACKAGE_FILTERS,
    };
    // Values of one key are OR-ed, keys AND-ed; a key without values filters nothing.
    let filters: Vec<(String, Vec<String>)> = body
        .filters(|key| keys.iter().find(|(k, _)| *k == key).copied())?
        .into_iter()
        .filter(|(_, values)| !values.is_empty())
        .map(|(key, values)| (key.to_owned(), values.into_iter().map(str::to_owned).collect()))
        .collect();
    let named = |key: &str| filters.iter().any(|(k, _)| k == key);
    if named("package_name") && named("package_id") {
        return Err(invalid(PACK_FILTERS_EXCLUSIVE));
    }
    Ok(ExportQuery { export, start_ms, end_ms, limit, filters, before: None })
}
