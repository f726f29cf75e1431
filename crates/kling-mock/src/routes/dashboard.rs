//! The live dashboard under `/__admin/dashboard`: one page (HTML, CSS and a small script
//! compiled into the binary, nothing fetched from elsewhere) that renders a snapshot of the
//! admin views, pushed over Server-Sent Events whenever it changes.
//!
//! A browser cannot set headers when it opens a page or an `EventSource`, so these routes
//! also take the admin token as `?token=` (checked by the admin guard); the page reads it
//! from its own URL and passes it on.

use std::sync::{Arc, LazyLock};
use std::time::{Duration, Instant};

use axum::Json;
use axum::Router;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use futures_util::stream::{self, Stream};
use serde::Deserialize;
use serde_json::{Value, json};

use super::admin::account_view;
use super::base_url;
use crate::journal;
use crate::state::AppState;

/// How often the event stream looks for changes, at most (real time: this is a screen
/// refresh rate, not simulated time).
const REFRESH: Duration = Duration::from_millis(500);
/// Newest tasks a snapshot carries (after filtering).
const TASK_LIMIT: usize = 200;
/// Newest journal entries a snapshot carries.
const JOURNAL_LIMIT: usize = 50;

/// The page with its style and script inlined.
static PAGE: LazyLock<String> = LazyLock::new(|| {
    include_str!("dashboard/index.html")
        .replace("/*STYLE*/", include_str!("dashboard/dashboard.css"))
        .replace("/*SCRIPT*/", include_str!("dashboard/dashboard.js"))
});
/// Everything the page may load comes from the page itself; the script talks to this host only.
const POLICY: &str = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; \
                      connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'";

/// Routes under `/__admin/dashboard`, mounted inside the admin router (same guard, absent
/// with `--no-admin`).
pub(super) fn router() -> Router<Arc<AppState>> {
    Router::new()
        .route("/dashboard", get(page))
        .route("/dashboard/snapshot", get(snapshot_json))
        .route("/dashboard/events", get(events))
}

/// Whether `path` (relative to `/__admin`) may carry the admin token in its query.
pub(super) fn takes_query_token(path: &str) -> bool {
    path == "/dashboard" || path.starts_with("/dashboard/")
}

/// The query of the dashboard's routes: the task filters (and the token, read by the guard).
#[derive(Debug, Default, Deserialize)]
pub(super) struct View {
    account: Option<String>,
    endpoint: Option<String>,
    status: Option<String>,
}

impl View {
    /// Empty filters mean "any" (the page's selects send `""`).
    fn wanted(value: Option<&str>) -> Option<&str> {
        value.filter(|v| !v.is_empty())
    }
}

async fn page() -> Response {
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8")),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
            // The token may sit in the URL: never send it on.
            (header::REFERRER_POLICY, HeaderValue::from_static("no-referrer")),
            (header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(POLICY)),
        ],
        PAGE.as_str(),
    )
        .into_response()
}

/// What the page shows: the same values as the admin API's `tasks`, `journal`,
/// `scenarios`, `accounts`, `clock` and `stats`, bounded and filtered.
fn snapshot(state: &AppState, view: &View, base: &str) -> Value {
    let (account, endpoint, status) = (
        View::wanted(view.account.as_deref()),
        View::wanted(view.endpoint.as_deref()),
        View::wanted(view.status.as_deref()),
    );
    // A filter naming an unknown account or endpoint matches nothing.
    let account = account.map(|a| state.accounts.get(a).map(|a| a.id));
    let endpoint = endpoint.map(|e| kling_api::endpoints::by_name(e).map(|e| e.id));
    let (tasks, matched) = state.engine.newest(
        TASK_LIMIT,
        |t| {
            account.is_none_or(|a| a == Some(t.account))
                && endpoint.is_none_or(|e| e == Some(t.endpoint))
                && status.is_none_or(|s| s == t.status.as_str())
        },
        |id| state.access_key(id),
        base,
    );
    let journal = state.journal.query(&journal::Filter { limit: Some(JOURNAL_LIMIT), ..journal::Filter::default() });
    let mut accounts: Vec<_> = state.accounts.iter().collect();
    accounts.sort_by_key(|a| a.id);
    json!({
        "clock": {"now_ms": state.clock.now_ms(), "manual": state.clock.is_manual()},
        "dialect": state.config.dialect,
        "endpoints": kling_api::ENDPOINTS.iter().map(|e| e.name).collect::<Vec<_>>(),
        "tasks": tasks,
        "tasks_matched": matched,
        "task_counts": state.engine.status_counts(),
        "journal": journal,
        "journal_entries": state.journal.len(),
        "scenarios": state.scenarios.read().status(),
        "accounts": accounts.into_iter().map(|a| account_view(state, a)).collect::<Vec<_>>(),
        "responses": state.stats.snapshot(),
    })
}

async fn snapshot_json(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Query(view): Query<View>,
) -> Json<Value> {
    Json(snapshot(&state, &view, &base_url(&headers, &state)))
}

/// What an open event stream carries from one refresh to the next.
struct Feed {
    state: Arc<AppState>,
    view: View,
    base: String,
    closing: tokio::sync::watch::Receiver<bool>,
    last: Option<String>,
    pause: Duration,
}

/// A `snapshot` event at once, then one each time the snapshot changes, until the server
/// stops. A snapshot scans the store, so the pause between refreshes grows with what one
/// costs: an open dashboard takes at most a fifth of a core, however many tasks are stored.
async fn events(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Query(view): Query<View>,
) -> Sse<impl Stream<Item = Result<Event, std::convert::Infallible>>> {
    let base = base_url(&headers, &state);
    let closing = state.closing.subscribe();
    let feed = Feed { state, view, base, closing, last: None, pause: REFRESH };
    let changes = stream::unfold(feed, |mut feed| async move {
        loop {
            if feed.last.is_some() {
                tokio::select! {
                    () = tokio::time::sleep(feed.pause) => {}
                    _ = feed.closing.wait_for(|closed| *closed) => return None,
                }
            }
            let started = Instant::now();
            let text = snapshot(&feed.state, &feed.view, &feed.base).to_string();
            feed.pause = REFRESH.max(started.elapsed() * 4);
            if feed.last.as_ref() != Some(&text) {
                let event = Event::default().event("snapshot").data(&text);
                feed.last = Some(text);
                return Some((Ok(event), feed));
            }
        }
    });
    Sse::new(changes).keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
}

#[cfg(test)]
mod tests {
    use super::takes_query_token;

    #[test]
    fn only_the_dashboard_routes_take_the_token_in_the_query() {
        for path in ["/dashboard", "/dashboard/events", "/dashboard/snapshot"] {
            assert!(takes_query_token(path), "{path}");
        }
        for path in ["/dashboardx", "/tasks", "/journal", "/", "/dashboard-events"] {
            assert!(!takes_query_token(path), "{path}");
        }
    }
}
