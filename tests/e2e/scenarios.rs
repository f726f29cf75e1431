//! Scenarios observed by a plain HTTP client: every named fault in both dialects, every
//! action, storms, probabilities, and the ready-made files.

use std::time::Duration;

use kling_api::Dialect;
use kling_api::faults::FAULTS;
use kling_e2e::TestApp;
use reqwest::Method;
use serde_json::json;

async fn app_in(dialect: Dialect) -> TestApp {
    let mut config = kling_mock::Config::for_tests();
    config.dialect = dialect;
    TestApp::spawn_with(config).await
}

const T2V: &str = "/v1/videos/text2video";

#[tokio::test]
async fn every_named_fault_rejects_with_its_code_in_both_dialects() {
    for dialect in [Dialect::Official, Dialect::Seed] {
        let app = app_in(dialect).await;
        for fault in FAULTS {
            app.scenario(&format!("[[rule]]\nreject = \"{}\"\n", fault.name)).await;
            let reply = app.post(T2V, &json!({"prompt": "a cat"})).await;
            let wire = fault.kind.wire(dialect);
            reply.assert_error(wire.http, i64::from(wire.code));
        }
    }
}

#[tokio::test]
async fn explicit_rejections_are_sent_exactly() {
    for dialect in [Dialect::Official, Dialect::Seed] {
        let app = app_in(dialect).await;
        app.scenario("[[rule]]\nreject = { http = 418, code = 4242, message = \"teapot\" }\n").await;
        let reply = app.post(T2V, &json!({"prompt": "a cat"})).await;
        assert_eq!(reply.assert_error(418, 4242), "teapot");
    }
}

#[tokio::test]
async fn rules_filter_on_endpoint_model_mode_prompt_and_account() {
    let app = TestApp::spawn().await;
    app.scenario(
        r#"
[[rule]]
endpoint = "image2video"
reject = "internal_error"
[[rule]]
model = "kling-v2-6"
mode = "pro"
reject = "no_permission"
[[rule]]
prompt = "(?i)forbidden"
reject = "content_moderation"
[[rule]]
account = "someone-else"
reject = "account_exception"
"#,
    )
    .await;
    app.post(T2V, &json!({"prompt": "fine"})).await.assert_ok();
    app.post(T2V, &json!({"prompt": "a FORBIDDEN thing"})).await.assert_error(400, 1301);
    app.post(T2V, &json!({"prompt": "fine", "model_name": "kling-v2-6", "mode": "pro"})).await.assert_error(403, 1103);
    app.post(T2V, &json!({"prompt": "fine", "model_name": "kling-v2-6", "mode": "std"})).await.assert_ok();
    app.post("/v1/videos/image2video", &json!({"image": "https://example.com/a.png"})).await.assert_error(500, 5000);
}

#[tokio::test]
async fn request_counts_select_the_nth_first_every_and_after() {
    for dialect in [Dialect::Official, Dialect::Seed] {
        let app = app_in(dialect).await;
        for (rule, expected) in [
            ("nth = 2", [200, 503, 200, 200, 200, 200]),
            ("first = 2", [503, 503, 200, 200, 200, 200]),
            ("every = 3", [200, 200, 503, 200, 200, 503]),
            ("after = 4", [200, 200, 200, 200, 503, 503]),
        ] {
            app.scenario(&format!("[[rule]]\n{rule}\nreject = \"service_unavailable\"\n")).await;
            let mut seen = Vec::new();
            for _ in 0..6 {
                seen.push(app.post(T2V, &json!({"prompt": "a"})).await.status);
            }
            assert_eq!(seen, expected, "{rule}");
        }
    }
}

#[tokio::test]
async fn probability_decisions_repeat_with_the_same_seed() {
    let mut runs = Vec::new();
    for _ in 0..2 {
        let app = TestApp::spawn().await;
        app.scenario("[[rule]]\nprobability = 0.5\nreject = \"service_busy\"\n").await;
        let mut outcomes = Vec::new();
        for _ in 0..40 {
            outcomes.push(app.post(T2V, &json!({"prompt": "a"})).await.status);
        }
        runs.push(outcomes);
    }
    assert_eq!(runs[0], runs[1]);
    let failures = runs[0].iter().filter(|s| **s == 504).count();
    assert!((8..=32).contains(&failures), "{failures} of 40 at p = 0.5");
}

#[tokio::test]
async fn a_storm_recovers_after_n_requests_or_t_seconds() {
    for dialect in [Dialect::Official, Dialect::Seed] {
        let app = app_in(dialect).await;
        app.scenario("[[rule]]\non = \"any\"\nfirst = 3\nreject = \"service_unavailable\"\n").await;
        let statuses: Vec<u16> = {
            let mut v = Vec::new();
            for _ in 0..5 {
                v.push(app.post(T2V, &json!({"prompt": "a"})).await.status);
            }
            v
        };
        assert_eq!(statuses, [503, 503, 503, 200, 200]);

        app.scenario("[[rule]]\non = \"any\"\nfor_seconds = 30\nreject = \"service_unavailable\"\n").await;
        app.post(T2V, &json!({"prompt": "a"})).await.assert_error(503, 5001);
        app.get(T2V).await.assert_error(503, 5001);
        app.advance(29);
        app.post(T2V, &json!({"prompt": "a"})).await.assert_error(503, 5001);
        app.advance(1);
        app.post(T2V, &json!({"prompt": "a"})).await.assert_ok();
    }
}

#[tokio::test]
async fn tasks_fail_late_or_early_and_are_not_charged() {
    for dialect in [Dialect::Official, Dialect::Seed] {
        let app = app_in(dialect).await;
        app.scenario(
            r#"
[[rule]]
prompt = "early"
fail = { message = "input rejected", at = "submitted" }
[[rule]]
prompt = "late"
fail = { fault = "content_moderation" }
"#,
        )
        .await;
        let late = app.create_text2video(&json!({"prompt": "late"})).await;
        let early = app.create_text2video(&json!({"prompt": "early"})).await;
        app.advance(9);
        assert_eq!(app.get(&format!("{T2V}/{late}")).await.assert_ok()["task_status"], "processing");
        let early_task = app.get(&format!("{T2V}/{early}")).await.assert_ok().clone();
        assert_eq!(early_task["task_status"], "failed");
        assert_eq!(early_task["task_status_msg"], "input rejected");
        app.advance(3600);
        let late_task = app.get(&format!("{T2V}/{late}")).await.assert_ok().clone();
        assert_eq!(late_task["task_status"], "failed");
        assert_eq!(late_task["task_status_msg"], kling_api::faults::LATE_MODERATION_MESSAGE);
        assert_eq!(late_task["final_unit_deduction"], "0");
        assert!(late_task.get("task_result").is_none());
    }
}

#[tokio::test]
async fn latency_can_be_set_per_phase() {
    for dialect in [Dialect::Official, Dialect::Seed] {
        let app = app_in(dialect).await;
        app.scenario("[[rule]]\nqueued = 1000\nprocessing = { kind = \"fixed\", ms = 2000 }\n").await;
        let id = app.create_text2video(&json!({"prompt": "a"})).await;
        let status =
            |reply: kling_e2e::Reply| reply.json["data"]["task_status"].as_str().unwrap_or_default().to_owned();
        assert_eq!(status(app.get(&format!("{T2V}/{id}")).await), "submitted");
        app.advance(1);
        assert_eq!(status(app.get(&format!("{T2V}/{id}")).await), "processing");
        app.advance(2);
        assert_eq!(status(app.get(&format!("{T2V}/{id}")).await), "succeed");
    }
}

#[tokio::test]
async fn held_tasks_wait_for_release_or_their_time() {
    for dialect in [Dialect::Official, Dialect::Seed] {
        let app = app_in(dialect).await;
        app.scenario("[[rule]]\nprompt = \"hold-forever\"\nhold = true\n[[rule]]\nprompt = \"hold-a-bit\"\nhold = { seconds = 600 }\n").await;
        let forever = app.create_text2video(&json!({"prompt": "hold-forever"})).await;
        let a_bit = app.create_text2video(&json!({"prompt": "hold-a-bit"})).await;
        app.advance(3600);
        assert_eq!(app.get(&format!("{T2V}/{forever}")).await.assert_ok()["task_status"], "processing");
        assert_eq!(app.get(&format!("{T2V}/{a_bit}")).await.assert_ok()["task_status"], "succeed");
        app.advance(86_400);
        assert_eq!(app.get(&format!("{T2V}/{forever}")).await.assert_ok()["task_status"], "processing");
        let released = app.admin(Method::POST, &format!("/tasks/{forever}/release"), None).await;
        assert_eq!(released.json["released"], 1, "{}", released.text);
        assert_eq!(app.get(&format!("{T2V}/{forever}")).await.assert_ok()["task_status"], "succeed");
    }
}

#[tokio::test]
async fn a_delay_holds_the_answer_until_simulated_time_passes() {
    for dialect in [Dialect::Official, Dialect::Seed] {
        let app = app_in(dialect).await;
        app.scenario("[[rule]]\non = \"query\"\ndelay = 5000\n").await;
        let id = app.create_text2video(&json!({"prompt": "a"})).await;
        let url = format!("{}{T2V}/{id}", app.base);
        let pending = tokio::spawn({
            let http = app.http.clone();
            let token = kling_e2e::dev_token();
            async move { http.get(url).bearer_auth(token).send().await.map(|r| r.status().as_u16()) }
        });
        // The answer must wait for simulated time: it is still pending after real time passes.
        tokio::time::sleep(Duration::from_millis(200)).await;
        assert!(!pending.is_finished(), "answered before the delay elapsed");
        app.advance(5);
        let status = tokio::time::timeout(Duration::from_secs(10), pending).await;
        assert!(matches!(status, Ok(Ok(Ok(200)))), "{status:?}");
    }
}

#[tokio::test]
async fn connection_and_body_faults_break_the_answer_but_not_the_server() {
    for dialect in [Dialect::Official, Dialect::Seed] {
        let app = app_in(dialect).await;
        app.scenario(
        "[[rule]]\nnth = 1\nconnection = \"drop\"\n[[rule]]\nnth = 2\nconnection = \"reset\"\n[[rule]]\nnth = 3\nbody = \"malformed\"\n[[rule]]\nnth = 4\nbody = \"truncated\"\n",
    )
    .await;
        let send = || async {
            let request = app
                .http
                .post(format!("{}{T2V}", app.base))
                .bearer_auth(kling_e2e::dev_token())
                .json(&json!({"prompt": "a"}));
            match request.send().await {
                Err(e) => Err(format!("send: {e}")),
                Ok(response) => {
                    let status = response.status().as_u16();
                    response.text().await.map(|t| (status, t)).map_err(|e| format!("body: {e}"))
                }
            }
        };
        assert!(send().await.is_err(), "dropped connection");
        assert!(send().await.is_err(), "reset connection");
        let malformed = send().await;
        let (status, text) = malformed.unwrap_or_default();
        assert_eq!(status, 200);
        assert!(serde_json::from_str::<serde_json::Value>(&text).is_err(), "malformed body parsed: {text}");
        assert!(send().await.is_err(), "truncated body read completely");
        app.post(T2V, &json!({"prompt": "a"})).await.assert_ok();
        let tasks = app.get(T2V).await.assert_ok().as_array().map(Vec::len);
        assert_eq!(tasks, Some(5), "the faulted creates still created their tasks");
    }
}

#[tokio::test]
async fn every_ready_made_scenario_loads() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../scenarios");
    let mut loaded = 0;
    for entry in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let path = entry.map(|e| e.path()).unwrap_or_default();
        if path.extension().is_some_and(|e| e == "toml") {
            let scenario = kling_mock::scenario::load(&path).unwrap_or_else(|e| panic!("{e}"));
            assert!(!scenario.rules.is_empty() || scenario.limits.is_some(), "{} does nothing", path.display());
            let text = std::fs::read_to_string(&path).unwrap_or_default();
            assert!(text.trim_start().starts_with('#'), "{} lacks a header comment", path.display());
            loaded += 1;
        }
    }
    assert!(loaded >= 8, "only {loaded} scenario files");
}

#[tokio::test]
async fn a_broken_scenario_is_refused_with_file_line_and_field() {
    let app = TestApp::spawn().await;
    let reply = app
        .send(
            Method::POST,
            "/__admin/scenarios",
            &[("content-type", "application/toml")],
            Some(
                b"[[rule]]\nreject = \"service_busy\"\n\n[[rule]]\nprobability = 1.5\nreject = \"service_busy\"\n"
                    .to_vec(),
            ),
        )
        .await;
    let message = reply.assert_error(400, 1201);
    assert!(message.starts_with("<inline>:5: rule[1].probability:"), "{message}");
}

#[tokio::test]
async fn the_seed_scenario_yields_exactly_the_seeds_three_errors() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../scenarios/seed-errors.toml");
    let mut config = kling_mock::Config::for_tests();
    config.dialect = Dialect::Seed;
    config.scenarios = vec![kling_mock::scenario::load(&path).unwrap_or_else(|e| panic!("{e}"))];
    let app = TestApp::spawn_with(config).await;
    let mut seen = std::collections::BTreeMap::new();
    for i in 0..14 {
        let prompt = if i == 0 { "a bloody fight" } else { "a quiet lake" };
        let reply = app.post(T2V, &json!({"prompt": prompt})).await;
        let message = if reply.code() == 0 { String::new() } else { reply.message().to_owned() };
        seen.entry(reply.code()).or_insert((reply.status, message));
    }
    let codes: Vec<i64> = seen.keys().copied().collect();
    assert_eq!(codes, [0, 1002, 2001, 5001], "{seen:?}");
    assert_eq!(seen[&1002], (429, "insufficient balance".to_owned()));
    assert_eq!(seen[&2001], (400, "content moderation rejected".to_owned()));
    assert_eq!(seen[&5001].0, 503);
}

#[tokio::test]
async fn the_ready_made_scenarios_are_served_by_name() {
    let app = TestApp::spawn().await;
    let names = app.admin(reqwest::Method::GET, "/scenarios/ready-made", None).await;
    assert!(names.json.as_array().is_some_and(|n| n.iter().any(|n| n == "moderation")), "{}", names.text);
    let text = app.admin(reqwest::Method::GET, "/scenarios/ready-made/moderation", None).await;
    assert_eq!(text.status, 200);
    assert!(text.text.contains("[[rule]]"), "{}", text.text);
    let unknown = app.admin(reqwest::Method::GET, "/scenarios/ready-made/no-such", None).await;
    assert_eq!(unknown.status, 404, "{}", unknown.text);
    assert!(unknown.text.contains("balance-runs-out"), "names the choices: {}", unknown.text);
}
