//! The dashboard without a browser: its page, its JSON snapshot and its event stream over a
//! real socket, the filters, the admin token (header or `?token=`) and `--no-admin`.

use std::time::Duration;

use kling_e2e::{TestApp, dev_token};
use kling_mock::config::DEV_SECRET_KEY;
use reqwest::Method;
use serde_json::{Value, json};

const T2V: &str = "/v1/videos/text2video";
const ADMIN_TOKEN: &str = "s3cret-admin";

/// Reads an event stream until one whole `snapshot` event arrived, and decodes it. Each
/// read is bounded in real time: the stream looks for changes every half second.
async fn next_snapshot(response: &mut reqwest::Response, buffer: &mut String) -> Value {
    loop {
        if let Some(end) = buffer.find("\n\n") {
            let event: String = buffer.drain(..end + 2).collect();
            if !event.lines().any(|l| l == "event: snapshot") {
                continue;
            }
            let data: String = event.lines().filter_map(|l| l.strip_prefix("data: ")).collect();
            return serde_json::from_str(&data).unwrap_or_else(|e| panic!("event data is not JSON ({e}): {data}"));
        }
        let chunk = tokio::time::timeout(Duration::from_secs(2), response.chunk()).await;
        match chunk {
            Ok(Ok(Some(bytes))) => buffer.push_str(&String::from_utf8_lossy(&bytes)),
            other => panic!("no snapshot event within 2 s: {other:?}"),
        }
    }
}

fn statuses(snapshot: &Value) -> Vec<(String, String)> {
    snapshot["tasks"]
        .as_array()
        .map(|tasks| {
            tasks
                .iter()
                .map(|d| (d["task"]["task_id"].as_str().unwrap_or("").to_owned(), d["task"]["task_status"].to_string()))
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test]
async fn the_page_is_self_contained_and_the_snapshot_shows_tasks_journal_accounts_and_scenarios() {
    let app = TestApp::spawn().await;
    app.scenario(
        "name = \"slow\"\n[[rule]]\nname = \"i2v\"\nendpoint = \"image2video\"\n\
         queued = { kind = \"uniform\", min_ms = 10000, max_ms = 30000 }\n",
    )
    .await;
    let id = app.create_text2video(&json!({"prompt": "a fox", "external_task_id": "ext-1"})).await;

    let page = app.send(Method::GET, "/__admin/dashboard", &[], None).await;
    assert_eq!(page.status, 200, "{}", page.text);
    let header = |name: &str| page.headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
    assert_eq!(header("content-type"), "text/html; charset=utf-8");
    assert!(header("content-security-policy").contains("default-src 'none'"), "{}", header("content-security-policy"));
    assert!(page.text.contains("<title>kling-mock dashboard</title>"));
    assert!(page.text.contains("new EventSource("), "the script is inlined");
    assert!(!page.text.contains("/*STYLE*/") && !page.text.contains("/*SCRIPT*/"), "placeholders left");
    for external in ["src=\"http", "href=\"http", "url(http", "@import"] {
        assert!(!page.text.contains(external), "the page loads something from elsewhere: {external}");
    }

    let snapshot = app.admin(Method::GET, "/dashboard/snapshot", None).await;
    assert_eq!(snapshot.status, 200, "{}", snapshot.text);
    let snap = &snapshot.json;
    assert_eq!(statuses(snap), [(id.clone(), "\"submitted\"".to_owned())]);
    assert_eq!(snap["tasks"][0]["endpoint"], "text2video");
    assert_eq!(snap["tasks"][0]["task"]["task_info"]["external_task_id"], "ext-1");
    assert!(snap["tasks"][0]["plan"]["finished_at"].as_i64() > snap["tasks"][0]["task"]["created_at"].as_i64());
    assert_eq!(snap["journal"][0]["method"], "POST");
    assert_eq!(snap["journal"][0]["path"], T2V);
    assert!(snap["journal"][0]["request_body"].as_str().unwrap_or("").contains("a fox"));
    assert!(snap["journal"][0]["response_body"].as_str().unwrap_or("").contains(&id));
    assert_eq!(snap["accounts"][0]["access_key"], "kling-mock-dev-access-key");
    assert_eq!(snap["accounts"][0]["packs"].as_array().map(Vec::len), Some(3));
    assert_eq!(snap["scenarios"][0]["name"], "slow");
    assert_eq!(snap["scenarios"][0]["rules"][0]["label"], "slow/i2v");
    assert_eq!(snap["clock"]["manual"], true);
    assert!(snap["endpoints"].as_array().is_some_and(|e| e.contains(&json!("text2video"))));
    assert!(!snapshot.text.contains(DEV_SECRET_KEY), "the snapshot holds a secret");
    assert!(!snapshot.text.contains(&dev_token()[..40]), "the snapshot holds a token");

    app.advance(3600);
    let later = app.admin(Method::GET, "/dashboard/snapshot", None).await;
    assert_eq!(statuses(&later.json), [(id.clone(), "\"succeed\"".to_owned())]);
    assert_eq!(later.json["task_counts"]["succeed"], 1);
}

#[tokio::test]
async fn the_snapshot_filters_tasks_by_account_endpoint_and_status() {
    let app = TestApp::spawn().await;
    let id = app.create_text2video(&json!({"prompt": "a"})).await;
    let count = |path: &'static str| {
        let app = &app;
        async move {
            let reply = app.admin(Method::GET, path, None).await;
            assert_eq!(reply.status, 200, "{path}: {}", reply.text);
            (reply.json["tasks"].as_array().map_or(0, Vec::len), reply.json["tasks_matched"].as_u64())
        }
    };
    assert_eq!(count("/dashboard/snapshot?status=submitted&endpoint=text2video").await, (1, Some(1)));
    assert_eq!(count("/dashboard/snapshot?account=kling-mock-dev-access-key&status=").await, (1, Some(1)));
    assert_eq!(count("/dashboard/snapshot?status=failed").await, (0, Some(0)));
    assert_eq!(count("/dashboard/snapshot?endpoint=image2video").await, (0, Some(0)));
    assert_eq!(count("/dashboard/snapshot?account=someone-else").await, (0, Some(0)));
    let all = app.admin(Method::GET, "/dashboard/snapshot", None).await;
    assert_eq!(all.json["tasks"][0]["task"]["task_id"].as_str(), Some(id.as_str()));
}

#[tokio::test]
async fn the_event_stream_pushes_a_snapshot_at_once_and_again_when_a_task_moves() {
    let app = TestApp::spawn().await;
    let id = app.create_text2video(&json!({"prompt": "a"})).await;
    let url = format!("{}/__admin/dashboard/events?status=", app.base);
    let mut response = app.http.get(url).send().await.unwrap_or_else(|e| panic!("events: {e}"));
    assert_eq!(response.status(), 200);
    let content_type = response.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
    assert_eq!(content_type, "text/event-stream");
    let mut buffer = String::new();
    let first = next_snapshot(&mut response, &mut buffer).await;
    assert_eq!(statuses(&first), [(id.clone(), "\"submitted\"".to_owned())]);

    app.advance(3600);
    let second = next_snapshot(&mut response, &mut buffer).await;
    assert_eq!(statuses(&second), [(id, "\"succeed\"".to_owned())]);
    assert_eq!(second["clock"]["now_ms"].as_i64(), first["clock"]["now_ms"].as_i64().map(|t| t + 3_600_000));
}

#[tokio::test]
async fn the_dashboard_takes_the_admin_token_in_its_query_and_only_there() {
    let mut config = kling_mock::Config::for_tests();
    config.admin.token = Some(ADMIN_TOKEN.into());
    let app = TestApp::spawn_with(config).await;
    for path in ["/__admin/dashboard", "/__admin/dashboard/snapshot", "/__admin/dashboard/events"] {
        app.send(Method::GET, path, &[], None).await.assert_error(401, 1002);
        app.send(Method::GET, &format!("{path}?token=wrong"), &[], None).await.assert_error(401, 1002);
    }
    let page = app.send(Method::GET, &format!("/__admin/dashboard?token={ADMIN_TOKEN}"), &[], None).await;
    assert_eq!(page.status, 200, "{}", page.text);
    assert!(!page.text.contains(ADMIN_TOKEN), "the page never echoes the token");
    let header = app.send(Method::GET, "/__admin/dashboard/snapshot", &[("x-admin-token", ADMIN_TOKEN)], None).await;
    assert_eq!(header.status, 200, "{}", header.text);
    assert!(!header.text.contains(ADMIN_TOKEN), "the snapshot never holds the admin token");

    let url = format!("{}/__admin/dashboard/events?token={ADMIN_TOKEN}", app.base);
    let mut events = app.http.get(url).send().await.unwrap_or_else(|e| panic!("events: {e}"));
    assert_eq!(events.status(), 200);
    let snapshot = next_snapshot(&mut events, &mut String::new()).await;
    assert_eq!(snapshot["tasks"], json!([]));

    // Everywhere else the token stays a header, as before.
    app.send(Method::GET, &format!("/__admin/stats?token={ADMIN_TOKEN}"), &[], None).await.assert_error(401, 1002);
    app.send(Method::GET, &format!("/__admin/tasks?token={ADMIN_TOKEN}"), &[], None).await.assert_error(401, 1002);
}

#[tokio::test]
async fn the_dashboard_is_absent_without_the_admin_api() {
    let mut config = kling_mock::Config::for_tests();
    config.admin.disabled = true;
    let app = TestApp::spawn_with(config).await;
    for path in ["/__admin/dashboard", "/__admin/dashboard/snapshot", "/__admin/dashboard/events"] {
        app.send(Method::GET, path, &[], None).await.assert_error(404, 1203);
    }
}

#[tokio::test]
async fn an_open_event_stream_does_not_hold_up_shutdown() {
    let app = TestApp::spawn().await;
    let url = format!("{}/__admin/dashboard/events", app.base);
    let mut events = app.http.get(url).send().await.unwrap_or_else(|e| panic!("events: {e}"));
    next_snapshot(&mut events, &mut String::new()).await;
    let stopped = tokio::time::timeout(Duration::from_secs(2), app.running.stop()).await;
    assert!(matches!(stopped, Ok(Ok(()))), "shutdown waited for the event stream: {stopped:?}");
    let rest = tokio::time::timeout(Duration::from_secs(2), events.chunk()).await;
    assert!(matches!(rest, Ok(Ok(None) | Err(_))), "the stream did not end: {rest:?}");
}

#[tokio::test]
async fn the_snapshot_shows_the_newest_200_tasks_and_counts_the_rest() {
    let app = TestApp::spawn().await;
    let mut ids = Vec::new();
    for i in 0..205 {
        ids.push(app.create_text2video(&json!({"prompt": format!("p{i}")})).await);
    }
    let snapshot = app.admin(Method::GET, "/dashboard/snapshot?endpoint=text2video", None).await;
    let shown: Vec<&str> = snapshot.json["tasks"]
        .as_array()
        .map(|t| t.iter().filter_map(|d| d["task"]["task_id"].as_str()).collect())
        .unwrap_or_default();
    let newest: Vec<&str> = ids.iter().rev().take(200).map(String::as_str).collect();
    assert_eq!(shown, newest);
    assert_eq!(snapshot.json["tasks_matched"], 205);
}
