//! Recorded exchanges: replaying them against a target, and recording new ones through a
//! forwarding proxy. One format for both: `{"endpoint_type", "payload", "response"}` per
//! file, as in `fixtures/recordings/` (plus `status` when recorded by the proxy). The
//! Authorization header is never written.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde_json::{Value, json};

use crate::checks::{Check, TokenKind};
use kling_api::history::{self, Day};

use crate::drift::{Budget, Entry, Report, describe, explain};
use crate::exchange::{curl, send};
use crate::shape::compare;
use crate::target::{Target, TargetKind};

/// One recording.
#[derive(Debug, Clone, serde::Deserialize, serde::Serialize)]
pub struct Recording {
    /// Endpoint name (`text2video`).
    pub endpoint_type: String,
    /// The request body.
    pub payload: Value,
    /// The answer.
    pub response: Value,
    /// The HTTP status (200 when not recorded).
    #[serde(default = "ok_status")]
    pub status: u16,
    /// The day it was recorded (`YYYY-MM-DD`); when absent, the day of the Unix-ms stamp
    /// that starts the file's name, as the recording proxy names files.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recorded_on: Option<String>,
}

/// The API day a recording was made on: its `recorded_on`, else its file name's stamp.
pub fn recorded_day(path: &Path, recording: &Recording) -> Option<Day> {
    let from_field = recording.recorded_on.as_deref().and_then(|d| history::parse_day(d).ok());
    let from_name = || {
        let name = path.file_name()?.to_string_lossy().into_owned();
        let ms: i64 = name.split('_').next()?.parse().ok()?;
        Some(time::OffsetDateTime::from_unix_timestamp(ms / 1000).ok()?.date())
    };
    from_field.or_else(from_name).and_then(|date| Day::on(date).ok())
}

fn ok_status() -> u16 {
    200
}

/// Reads every `*.json` recording under `dir` (other JSON files are skipped).
pub fn read_dir(dir: &Path) -> anyhow::Result<Vec<(PathBuf, Recording)>> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.extension().is_none_or(|e| e != "json") {
            continue;
        }
        let text = std::fs::read_to_string(&path)?;
        if let Ok(recording) = serde_json::from_str::<Recording>(&text) {
            out.push((path, recording));
        }
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(out)
}

/// Replays recordings against `target` and compares the answers with the recorded ones.
pub async fn replay(dir: &Path, target: &Target, budget: &mut Budget) -> anyhow::Result<Report> {
    let http = reqwest::Client::new();
    let mut entries = Vec::new();
    let mut skipped = Vec::new();
    for (path, recording) in read_dir(dir)? {
        let id = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let Some(spec) = kling_api::endpoints::by_name(&recording.endpoint_type) else {
            skipped.push(format!("{id} (unknown endpoint {})", recording.endpoint_type));
            continue;
        };
        let check = Check {
            id: id.clone(),
            method: "POST",
            path: spec.path.to_owned(),
            body: Some(fresh_external_id(recording.payload.clone())),
            token: TokenKind::Valid,
            billable: recording.status == 200,
            cost: kling_api::pricing::ceiling(spec.id),
        };
        if check.billable && target.kind != TargetKind::InProcess && !budget.take(check.cost) {
            skipped.push(format!("{id} (billable, no budget)"));
            continue;
        }
        let observed = send(&http, target, &check).await?;
        let differences = compare(recording.status, &recording.response, observed.status, &observed.body);
        let explained_by = if differences.is_empty() {
            Vec::new()
        } else {
            explain(recorded_day(&path, &recording), target.api_day, &check)
        };
        entries.push(Entry {
            check: id,
            curl: curl(&check, &target.base_url),
            expected_status: recording.status,
            observed_status: observed.status,
            differences,
            explained_by,
        });
    }
    Ok(Report {
        reference: format!("recordings in {}", dir.display()),
        target: describe(target),
        entries,
        skipped,
        notes: Vec::new(),
        spent: budget.spent(),
    })
}

/// External ids must be unique per account: a replay sends a fresh one.
fn fresh_external_id(mut payload: Value) -> Value {
    if let Some(id) = payload.get_mut("external_task_id") {
        let stamp = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos());
        *id = Value::String(format!("{}-replay-{stamp}", id.as_str().unwrap_or("id")));
    }
    payload
}

#[derive(Clone)]
struct Proxy {
    upstream: String,
    out: PathBuf,
    http: reqwest::Client,
}

/// Serves a forwarding proxy on `listener` to `upstream`, writing every create exchange
/// to `out` as a recording. Runs until the process stops.
pub async fn record(listener: tokio::net::TcpListener, upstream: &str, out: &Path) -> anyhow::Result<()> {
    std::fs::create_dir_all(out)?;
    let proxy = Arc::new(Proxy {
        upstream: upstream.trim_end_matches('/').to_owned(),
        out: out.to_owned(),
        http: reqwest::Client::new(),
    });
    let app = axum::Router::new().fallback(forward).with_state(proxy);
    axum::serve(listener, app).await?;
    Ok(())
}

async fn forward(
    axum::extract::State(proxy): axum::extract::State<Arc<Proxy>>,
    request: axum::extract::Request,
) -> axum::response::Response {
    use axum::response::IntoResponse as _;
    let (parts, body) = request.into_parts();
    let path = parts.uri.path_and_query().map_or("/", |p| p.as_str()).to_owned();
    let bytes = axum::body::to_bytes(body, 64 * 1024 * 1024).await.unwrap_or_default();
    let mut upstream =
        proxy.http.request(parts.method.clone(), format!("{}{path}", proxy.upstream)).body(bytes.clone());
    for name in [axum::http::header::AUTHORIZATION, axum::http::header::CONTENT_TYPE] {
        if let Some(value) = parts.headers.get(&name) {
            upstream = upstream.header(name, value);
        }
    }
    let answer = match upstream.send().await {
        Ok(answer) => answer,
        Err(e) => return (axum::http::StatusCode::BAD_GATEWAY, format!("upstream: {e}")).into_response(),
    };
    let status = answer.status().as_u16();
    let text = answer.text().await.unwrap_or_default();
    if parts.method == axum::http::Method::POST
        && let Some(spec) = kling_api::ENDPOINTS.iter().find(|e| e.path == parts.uri.path())
    {
        let stamp = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_millis());
        let recording = json!({
            "endpoint_type": spec.name,
            "payload": serde_json::from_slice::<Value>(&bytes).unwrap_or(Value::Null),
            "status": status,
            "recorded_on": history::format_day(time::OffsetDateTime::now_utc().date()),
            "response": serde_json::from_str::<Value>(&text).unwrap_or(Value::String(text.clone())),
        });
        let file = proxy.out.join(format!("{stamp}_{}.json", spec.name));
        let _ = std::fs::write(file, serde_json::to_vec_pretty(&recording).unwrap_or_default());
    }
    let code = axum::http::StatusCode::from_u16(status).unwrap_or(axum::http::StatusCode::BAD_GATEWAY);
    (code, [(axum::http::header::CONTENT_TYPE, "application/json")], text).into_response()
}
