//! The client's Solutions calls against the in-process emulator: every solution created
//! and waited for under a driven clock, its outputs downloaded, lookups by the caller's
//! id, the cursor as a stream, a failure, and a legacy endpoint refused.

mod common;

use common::{FAST, api_key_client, emulator};

use std::time::Duration;

use futures_util::TryStreamExt as _;
use kling_api::requests_standard::TaskQuery;
use kling_api::samples::materialize;
use kling_api::{ENDPOINTS, EndpointId};
use kling_client::Error;
use serde_json::{Value, json};

fn base(spec: &kling_api::EndpointSpec) -> Value {
    let mut body: Value = serde_json::from_str(spec.base).unwrap_or(Value::Null);
    materialize(&mut body);
    body
}

#[tokio::test]
async fn every_solution_runs_to_succeeded_and_its_outputs_download() {
    let running = emulator().await;
    let client = api_key_client(&running, 3);
    for spec in ENDPOINTS.iter().filter(|e| e.solution.is_some()) {
        let created =
            client.create_solution(spec.id, &base(spec)).await.unwrap_or_else(|e| panic!("{}: {e}", spec.name));
        let drive = |_: &kling_api::wire_solutions::SolutionItem| running.clock().advance(Duration::from_secs(3600));
        let task =
            client.wait_solution(created.task(), FAST, drive).await.unwrap_or_else(|e| panic!("{}: {e}", spec.name));
        assert_eq!(task.status, "succeeded", "{}", spec.name);
        assert!(!task.outputs.is_empty() && !task.billing.is_empty(), "{}: {task:?}", spec.name);
        for output in &task.outputs {
            let mut bytes = Vec::new();
            let written = client.download(&output.url, &mut bytes).await.unwrap_or_else(|e| panic!("{e}"));
            assert!(written > 0, "{} {}", spec.name, output.kind);
        }
    }
    let legacy = client.create_solution(EndpointId::Text2Video, &json!({})).await.err();
    assert!(matches!(legacy, Some(Error::Config(_))), "{legacy:?}");
}

#[tokio::test]
async fn lookups_streams_and_failures() {
    let running = emulator().await;
    let client = api_key_client(&running, 3);
    let spec = kling_api::endpoints::spec(EndpointId::DramaSubtitle);
    let mut body = base(spec);
    body["options"] = json!({"external_task_id": "ep-01"});
    let created = client.create_solution(spec.id, &body).await.unwrap_or_else(|e| panic!("{e}"));
    let found = client.solutions_by_external_ids(&["ep-01"]).await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(found.first().map(|t| t.id.as_str()), created.id.as_deref());
    for _ in 0..3 {
        client.create_solution(spec.id, &base(spec)).await.unwrap_or_else(|e| panic!("{e}"));
    }
    let query = TaskQuery { limit: Some(2), ..TaskQuery::default() };
    let all: Vec<_> = client.solution_stream(query).try_collect().await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(all.len(), 4, "two pages of two");

    running.state.scenarios.write().clear();
    let scenario = kling_mock::scenario::parse(
        "<test>",
        "name = \"long-source\"\n[[rule]]\nendpoint = \"drama_subtitle\"\nfail = \"The source video exceeds the 300-second duration limit.\"\n",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    running.state.activate(scenario);
    let doomed = client.create_solution(spec.id, &base(spec)).await.unwrap_or_else(|e| panic!("{e}"));
    let drive = |_: &kling_api::wire_solutions::SolutionItem| running.clock().advance(Duration::from_secs(3600));
    match client.wait_solution(doomed.task(), FAST, drive).await {
        Err(Error::SolutionFailed { message, .. }) => {
            assert_eq!(message, "The source video exceeds the 300-second duration limit.")
        }
        other => panic!("expected a failure, got {other:?}"),
    }
}
