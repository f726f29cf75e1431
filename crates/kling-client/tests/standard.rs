//! The client's new-standard calls against the in-process emulator: API-key auth, every
//! endpoint created and run to `succeeded` under a driven clock, lookups by id and by the
//! caller's id, cursor paging as a stream, failures, and the external-id check before a
//! resubmission.

mod common;

use common::{FAST, api_key_client, emulator};

use std::time::Duration;

use futures_util::TryStreamExt as _;
use kling_api::requests_standard::{Content, StandardRequest, TaskQuery};
use kling_api::wire_standard::{Status, TaskOutput};
use kling_api::{ENDPOINTS, EndpointId};
use kling_client::{Client, Config, Error, RetryPolicy};
use kling_mock::Running;
use kling_mock::config::{DEV_ACCESS_KEY, DEV_SECRET_KEY};

fn load(running: &Running, toml: &str) {
    let scenario = kling_mock::scenario::parse("<test>", toml).unwrap_or_else(|e| panic!("{e}"));
    running.state.scenarios.write().clear();
    running.state.activate(scenario);
}

/// Moves the emulator's clock an hour on every poll.
fn drive(running: &Running) -> impl FnMut(&kling_api::wire_standard::TaskItem) + '_ {
    move |_| running.clock().advance(Duration::from_secs(3600))
}

/// A valid body for each endpoint: its table's own base example.
fn base_request(spec: &kling_api::EndpointSpec) -> StandardRequest {
    serde_json::from_str(spec.base).unwrap_or_else(|e| panic!("{}: {e}", spec.name))
}

#[tokio::test]
async fn every_endpoint_runs_to_succeeded_and_its_video_downloads() {
    let running = emulator().await;
    let client = api_key_client(&running, 4);
    for spec in ENDPOINTS.iter().filter(|e| e.standard.is_some()) {
        let calls = client.standard(spec.id).unwrap_or_else(|e| panic!("{e}"));
        let task = calls.run(&base_request(spec), FAST, drive(&running)).await;
        let task = task.unwrap_or_else(|e| panic!("{}: {e}", spec.name));
        assert_eq!(task.status, Status::Succeeded, "{}", spec.name);
        assert!(!task.billing.is_empty(), "{}: billed", spec.name);
        let Some(TaskOutput::Video { url, .. }) = task.outputs.first() else {
            panic!("{}: no video in {:?}", spec.name, task.outputs)
        };
        let mut bytes = Vec::new();
        let written = client.download(url, &mut bytes).await.unwrap_or_else(|e| panic!("{e}"));
        assert!(written > 1000 && &bytes[4..8] == b"ftyp", "{}: an MP4", spec.name);
    }
    let legacy = client.standard(EndpointId::Text2Video).err();
    assert!(matches!(legacy, Some(Error::Config(_))), "{legacy:?}");
}

#[tokio::test]
async fn lookups_by_id_and_external_id_and_the_typed_handles_agree() {
    let running = emulator().await;
    let client = api_key_client(&running, 4);
    let request = StandardRequest::items([Content::prompt("a cat walks"), Content::first_frame("https://e.com/a.png")])
        .duration(5)
        .external_task_id("order-7");
    let created = client.image_to_video_30().create(&request).await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!((created.status, created.external_id.as_deref()), (Status::Submitted, Some("order-7")));
    let by_id = client.task_item(&created.id).await.unwrap_or_else(|e| panic!("{e}"));
    let by_external = client.task_item_by_external_id("order-7").await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(by_id, by_external);
    let unknown = client.task_item("no-such-task").await.err();
    assert!(unknown.as_ref().is_some_and(Error::is_not_found), "{unknown:?}");

    let mut many = Vec::new();
    for i in 0..25 {
        let created = client.text_to_video_30().create(&StandardRequest::text(format!("cat {i}"))).await;
        many.push(created.unwrap_or_else(|e| panic!("{e}")).id);
    }
    let ids: Vec<&str> = many.iter().map(String::as_str).collect();
    let found = client.tasks_by_ids(&ids).await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(found.len(), 25, "more than 20 ids are asked in several requests");
}

#[tokio::test]
async fn the_task_stream_follows_the_cursor_over_every_task_once() {
    let running = emulator().await;
    let client = api_key_client(&running, 4);
    load(&running, "[[rule]]\nprompt = \"doomed\"\nfail = \"risk control\"\n");
    let mut made = Vec::new();
    for i in 0..23 {
        let prompt = if i % 5 == 0 { "doomed".to_owned() } else { format!("cat {i}") };
        let created = client.text_to_video_26().create(&StandardRequest::text(prompt)).await;
        made.push(created.unwrap_or_else(|e| panic!("{e}")).id);
        running.clock().advance(Duration::from_millis(3));
    }
    running.clock().advance(Duration::from_secs(3600));
    let seen: Vec<String> = client
        .task_stream(TaskQuery::default().limit(4))
        .map_ok(|t| t.id)
        .try_collect()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let mut sorted = seen.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(sorted.len(), seen.len(), "no task twice");
    made.sort();
    assert_eq!(sorted, made, "every task");
    let failed: Vec<_> = client
        .task_stream(TaskQuery::default().limit(2).filter("status", ["failed"]))
        .try_collect()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(failed.len(), 5);
    assert!(failed.iter().all(|t| t.status == Status::Failed && t.message == "risk control"));
}

#[tokio::test]
async fn a_failed_task_is_an_error_and_a_lost_answer_is_found_by_its_external_id() {
    let running = emulator().await;
    let client = api_key_client(&running, 4);
    load(&running, "[[rule]]\nprompt = \"doomed\"\nfail = \"risk control\"\n");
    let error = client.text_to_video_30().run(&StandardRequest::text("doomed"), FAST, drive(&running)).await.err();
    match error {
        Some(Error::StandardTaskFailed { message, task, .. }) => {
            assert_eq!(message, "risk control");
            assert_eq!(task.billing.first().map(|b| b.amount.as_str()), Some("0"), "a failed task costs 0");
        }
        other => panic!("expected a failed task, got {other:?}"),
    }

    let before = running.state.engine.task_count();
    load(&running, "[[rule]]\nnth = 1\nconnection = \"reset\"\n");
    let request = StandardRequest::text("a").external_task_id("once");
    let created = client.text_to_video_30().create(&request).await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(created.external_id.as_deref(), Some("once"));
    assert_eq!(running.state.engine.task_count(), before + 1, "found, not resubmitted");

    load(&running, "[[rule]]\nnth = 1\nbody = \"truncated\"\n");
    let error = client.text_to_video_30().create(&StandardRequest::text("b")).await.err();
    assert!(error.is_some(), "without an external id the ambiguous failure is returned");
    assert_eq!(running.state.engine.task_count(), before + 2, "and nothing was sent twice");
}

#[tokio::test]
async fn an_aksk_client_is_refused_on_the_new_surface_and_an_api_key_works_on_the_legacy_one() {
    let running = emulator().await;
    let tokens =
        Client::new(Config::new(&running.base_url, DEV_ACCESS_KEY, DEV_SECRET_KEY).with_retry(RetryPolicy::none()))
            .unwrap_or_else(|e| panic!("{e}"));
    let error = tokens.text_to_video_30().create(&StandardRequest::text("a cat")).await.err();
    let api = error.as_ref().and_then(Error::api).unwrap_or_else(|| panic!("{error:?}"));
    assert_eq!((api.status, api.code, api.message.as_str()), (401, 1002, kling_api::standard::AKSK_REJECTED));
    assert!(error.as_ref().is_some_and(Error::is_auth));

    let keyed = api_key_client(&running, 4);
    let legacy = keyed.text2video().create(&kling_api::requests::Text2VideoRequest::new("a cat")).await;
    let legacy = legacy.unwrap_or_else(|e| panic!("{e}"));
    let item = keyed.task_item(&legacy.task_id).await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(item.status, Status::Submitted, "legacy tasks are in /tasks too");
}
