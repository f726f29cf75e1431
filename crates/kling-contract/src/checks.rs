//! The checks, derived from the kling-api tables so that a new endpoint or rule is
//! covered without new code: per endpoint of today's API, a valid create (billable), every rule's
//! rejecting example, an unknown-id query and a list; plus every kind of bad token.

use kling_api::endpoints::Output;
use kling_api::history::{Day, Offered};
use kling_api::rules::{self, RuleClass, merge_patch};
use kling_api::samples::materialize;
use kling_api::{ENDPOINTS, EndpointSpec};
use serde_json::Value;

/// Which token a check sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TokenKind {
    /// A valid token.
    Valid,
    /// No Authorization header.
    Missing,
    /// Expired an hour ago.
    Expired,
    /// Valid only in an hour.
    NotYetValid,
    /// Signature altered.
    Tampered,
    /// Signed for an access key the server does not know.
    UnknownKey,
    /// `alg: none`.
    AlgNone,
    /// A valid AK/SK token, sent even where an API key is expected.
    AkSk,
    /// An API key the server does not know.
    UnknownApiKey,
}

/// One request and what kind of answer it is about.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Check {
    /// Stable id, e.g. `text2video/reject/prompt.max_chars`.
    pub id: String,
    /// HTTP method.
    pub method: &'static str,
    /// Path and query.
    pub path: String,
    /// JSON body, if any.
    pub body: Option<Value>,
    /// Token to send.
    pub token: TokenKind,
    /// Whether the check creates a billable task on the real API.
    pub billable: bool,
    /// Upper estimate of the units it costs (kling-api pricing).
    pub cost: u32,
}

/// A request body: the endpoint's base with `patch` applied and sample images filled in.
/// Id placeholders (`$video_id`, ...) stay; each target fills them with the ids its
/// [`crate::prepare`] run made.
pub fn body(spec: &EndpointSpec, patch: &Value) -> Option<Value> {
    let mut value: Value = serde_json::from_str(spec.base).ok()?;
    merge_patch(&mut value, patch);
    materialize(&mut value);
    Some(value)
}

/// A free GET with a valid token.
fn free_get(id: String, path: String) -> Check {
    Check { id, method: "GET", path, body: None, token: TokenKind::Valid, billable: false, cost: 0 }
}

/// The query API of every task (`/tasks`), which only takes API keys: lookups, the
/// cursor list, its limits, and every other kind of credential refused.
fn task_checks() -> Vec<Check> {
    use kling_api::standard::{TASK_IDS_MAX, TASKS_LIMIT};
    let post = |id: &str, body: Value, token: TokenKind| Check {
        id: format!("tasks/{id}"),
        method: "POST",
        path: "/tasks".into(),
        body: Some(body),
        token,
        billable: false,
        cost: 0,
    };
    let too_many = (0..=TASK_IDS_MAX).map(|i| format!("86688945669878{i:04}")).collect::<Vec<_>>().join(",");
    let mut checks = vec![
        free_get("tasks/by-unknown-id".into(), "/tasks?task_ids=866889456698785798".into()),
        free_get("tasks/by-unknown-external-id".into(), "/tasks?external_task_ids=kling-contract-unknown".into()),
        free_get("tasks/ids-required".into(), "/tasks".into()),
        free_get("tasks/too-many-ids".into(), format!("/tasks?task_ids={too_many}")),
        post("list", serde_json::json!({"limit": 1}), TokenKind::Valid),
        post("reject/limit", serde_json::json!({"limit": TASKS_LIMIT.1 + 1}), TokenKind::Valid),
        post("reject/cursor", serde_json::json!({"cursor": "not-a-cursor"}), TokenKind::Valid),
        post("reject/filter", serde_json::json!({"filters": [{"key": "colour", "values": ["red"]}]}), TokenKind::Valid),
    ];
    for token in [TokenKind::Missing, TokenKind::AkSk, TokenKind::Expired, TokenKind::UnknownApiKey] {
        checks.push(post(&format!("auth/{}", token_name(token)), serde_json::json!({"limit": 1}), token));
    }
    checks
}

/// The Solutions query API (2026-08-18), free reads with an API key: lookups, the limits
/// of `GET`, a cursor page (its `limit` clamped, not refused), a filter key it lacks, and a
/// token refused.
fn solution_checks(day: Day) -> Vec<Check> {
    use kling_api::solutions::{IDS_MAX, QUERY_PATH};
    use serde_json::json;
    if day.route(QUERY_PATH) != Offered::Yes {
        return Vec::new();
    }
    let post = |id: &str, body: Value, token: TokenKind| Check {
        id: format!("solutions/{id}"),
        method: "POST",
        path: QUERY_PATH.into(),
        body: Some(body),
        token,
        billable: false,
        cost: 0,
    };
    let too_many = (0..=IDS_MAX).map(|i| format!("86688945669878{i:04}")).collect::<Vec<_>>().join(",");
    vec![
        free_get("solutions/by-unknown-id".into(), format!("{QUERY_PATH}?task_ids=866889456698785798")),
        free_get(
            "solutions/by-unknown-external-id".into(),
            format!("{QUERY_PATH}?external_task_ids=kling-contract-unknown"),
        ),
        free_get("solutions/ids-required".into(), QUERY_PATH.into()),
        free_get("solutions/too-many-ids".into(), format!("{QUERY_PATH}?task_ids={too_many}")),
        post("list", json!({"limit": 1}), TokenKind::Valid),
        post("list/limit-zero", json!({"limit": 0}), TokenKind::Valid),
        post("reject/filter", json!({"filters": [{"key": "product_type", "values": ["video"]}]}), TokenKind::Valid),
        post("auth/aksk", json!({"limit": 1}), TokenKind::AkSk),
    ]
}

/// The billing exports (2026-07-06), free reads: a bounded page of each, and each
/// documented body rule broken once.
fn billing_checks(day: Day) -> Vec<Check> {
    use kling_api::wire_billing::EXPORT_LIMIT;
    use serde_json::json;
    let mut checks = Vec::new();
    for (name, path) in [("balance", "/account/billing/balance"), ("package", "/account/billing/package")] {
        if day.route(path) != Offered::Yes {
            continue;
        }
        let post = |id: &str, body: Value| Check {
            id: format!("billing/{name}/{id}"),
            method: "POST",
            path: path.into(),
            body: Some(body),
            token: TokenKind::Valid,
            billable: false,
            cost: 0,
        };
        let window = |extra: Value| {
            let mut body = json!({"start_time": 1_767_225_600_000_i64, "end_time": 4_102_444_800_000_i64});
            merge_patch(&mut body, &extra);
            body
        };
        checks.extend([
            post("page", window(json!({"limit": 1}))),
            post("reject/window-required", json!({"limit": 1})),
            post("reject/backwards", json!({"start_time": 4_102_444_800_000_i64, "end_time": 1_767_225_600_000_i64})),
            post("reject/limit", window(json!({"limit": EXPORT_LIMIT.1 + 1}))),
            post("reject/filter", window(json!({"filters": [{"key": "colour", "values": ["red"]}]}))),
        ]);
        if name == "package" {
            let both =
                json!({"filters": [{"key": "package_name", "values": ["a"]}, {"key": "package_id", "values": ["b"]}]});
            checks.push(post("reject/pack-filters-exclusive", window(both)));
        }
    }
    checks
}

fn token_name(token: TokenKind) -> String {
    serde_json::to_value(token).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default()
}

/// Every check of today's API, in a stable order.
pub fn all() -> Vec<Check> {
    for_day(Day::latest())
}

/// Every check of the API of `day`: its endpoints, and the rule cases judged on that day
/// or later (a case about a retired model belongs to the days that offered it).
pub fn for_day(day: Day) -> Vec<Check> {
    let mut checks = Vec::new();
    let tokens = [
        TokenKind::Missing,
        TokenKind::Expired,
        TokenKind::NotYetValid,
        TokenKind::Tampered,
        TokenKind::UnknownKey,
        TokenKind::AlgNone,
    ];
    for token in tokens {
        checks.push(Check {
            id: format!("auth/{}", token_name(token)),
            method: "GET",
            path: "/v1/videos/text2video?pageNum=1&pageSize=1".to_owned(),
            body: None,
            token,
            billable: false,
            cost: 0,
        });
    }
    checks.push(Check {
        token: TokenKind::UnknownApiKey,
        ..free_get("auth/unknown_api_key".into(), "/v1/videos/text2video?pageNum=1&pageSize=1".into())
    });
    checks.extend(task_checks());
    checks.extend(solution_checks(day));
    checks.extend(billing_checks(day));
    checks.push(free_get("account/costs".into(), "/account/costs?start_time=0&end_time=4102444800000".into()));
    checks.push(free_get("presets-voices/list".into(), "/v1/general/presets-voices?pageNum=1&pageSize=5".into()));
    checks.push(free_get(
        "advanced-presets-elements/list".into(),
        "/v1/general/advanced-presets-elements?pageNum=1&pageSize=5".into(),
    ));
    // The day's catalogue: a retired endpoint has one check, its refused create.
    for spec in ENDPOINTS.iter().filter(|spec| matches!(day.endpoint(spec.id), Offered::Retired(_))) {
        if let Some(valid) = body(spec, &Value::Object(Default::default())) {
            checks.push(Check {
                id: format!("{}/retired", spec.name),
                method: "POST",
                path: spec.path.to_owned(),
                body: Some(valid),
                token: TokenKind::Valid,
                billable: false,
                cost: 0,
            });
        }
    }
    for spec in day.offered() {
        let cost = kling_api::pricing::ceiling(spec.id);
        if let Some(valid) = body(spec, &Value::Object(Default::default())) {
            checks.push(Check {
                id: format!("{}/create", spec.name),
                method: "POST",
                path: spec.path.to_owned(),
                body: Some(valid),
                token: TokenKind::Valid,
                billable: spec.output != Output::Synchronous,
                cost,
            });
        }
        for case in rules::cases(spec) {
            if case.seed_only || case.class == RuleClass::SeedDialect || case.day.date() < day.date() {
                continue;
            }
            let Some(rejected) = body(spec, &case.reject) else { continue };
            checks.push(Check {
                id: format!("{}/reject/{}", spec.name, case.id),
                method: "POST",
                path: spec.path.to_owned(),
                body: Some(rejected),
                token: TokenKind::Valid,
                billable: false,
                cost: 0,
            });
        }
        checks.push(Check {
            id: format!("{}/malformed-json", spec.name),
            method: "POST",
            path: spec.path.to_owned(),
            body: Some(Value::String("{\"prompt\": ".to_owned())),
            token: TokenKind::Valid,
            billable: false,
            cost: 0,
        });
        if spec.output.is_queryable() {
            checks.push(free_get(format!("{}/query-unknown", spec.name), format!("{}/866889456698785798", spec.path)));
            checks.push(free_get(format!("{}/list", spec.name), format!("{}?pageNum=1&pageSize=1", spec.path)));
        }
    }
    checks
}
