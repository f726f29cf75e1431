//! Account simulation: units run out, concurrency bites and releases, and what tasks
//! deduct agrees with final_unit_deduction.

use kling_e2e::TestApp;
use reqwest::Method;
use serde_json::json;

const T2V: &str = "/v1/videos/text2video";

fn video_pack(account: &serde_json::Value) -> serde_json::Value {
    account["packs"].as_array().and_then(|p| p.iter().find(|p| p["pack_type"] == "video")).cloned().unwrap_or_default()
}

#[tokio::test]
async fn the_balance_runs_out_and_deductions_match() {
    let app = TestApp::spawn().await;
    let set =
        app.admin(Method::PUT, "/accounts/kling-mock-dev-access-key", Some(&json!({"video": {"units": 4.5}}))).await;
    assert_eq!(set.status, 200, "{}", set.text);
    let mut ids = Vec::new();
    for _ in 0..3 {
        ids.push(app.create_text2video(&json!({"prompt": "a"})).await);
    }
    let message = app.post(T2V, &json!({"prompt": "a"})).await.assert_error(429, 1102).to_owned();
    assert!(!message.is_empty());
    app.advance(3600);
    let mut charged = 0;
    for id in &ids {
        let task = app.get(&format!("{T2V}/{id}")).await.assert_ok().clone();
        let deducted = task["final_unit_deduction"].as_str().and_then(|d| d.parse::<kling_api::pricing::Units>().ok());
        charged += deducted.unwrap_or_default().milli();
    }
    let account = app.admin(Method::GET, "/accounts/kling-mock-dev-access-key", None).await.json;
    let pack = video_pack(&account);
    assert_eq!(charged, 4500, "three 2.5 Turbo std 5 s videos at 1.5 units");
    assert_eq!(pack["used"], 4.5);
    assert_eq!(pack["remaining"], 0);
}

#[tokio::test]
async fn in_the_seed_dialect_the_balance_error_is_1002() {
    let mut config = kling_mock::Config::for_tests();
    config.dialect = kling_api::Dialect::Seed;
    config.limits.default.video.units = Some(kling_api::pricing::Units::whole(100));
    let app = TestApp::spawn_with(config).await;
    app.post(T2V, &json!({"prompt": "a"})).await.assert_error(429, 1002);
}

#[tokio::test]
async fn failed_tasks_are_refunded() {
    let app = TestApp::spawn().await;
    app.admin(Method::PUT, "/accounts/kling-mock-dev-access-key", Some(&json!({"video": {"units": 1.5}}))).await;
    app.scenario("[[rule]]\nnth = 1\nfail = \"nope\"\n").await;
    app.create_text2video(&json!({"prompt": "a"})).await;
    app.post(T2V, &json!({"prompt": "b"})).await.assert_error(429, 1102);
    app.advance(3600);
    app.create_text2video(&json!({"prompt": "c"})).await;
}

#[tokio::test]
async fn the_concurrency_limit_bites_and_releases_slots_when_tasks_end() {
    let mut config = kling_mock::Config::for_tests();
    config.limits.default.video.concurrency = Some(2);
    let app = TestApp::spawn_with(config).await;
    app.create_text2video(&json!({"prompt": "a"})).await;
    app.create_text2video(&json!({"prompt": "b"})).await;
    let reply = app.post(T2V, &json!({"prompt": "c"})).await;
    assert_eq!(reply.assert_error(429, 1303), "parallel task over resource pack limit");
    app.post("/v1/videos/image2video", &json!({"image": "https://example.com/a.png"})).await.assert_error(429, 1303);
    app.advance(3600);
    app.create_text2video(&json!({"prompt": "d"})).await;
    app.create_text2video(&json!({"prompt": "e"})).await;
    app.post(T2V, &json!({"prompt": "f"})).await.assert_error(429, 1303);
}

#[tokio::test]
async fn limits_load_with_a_scenario_file() {
    let app = TestApp::spawn().await;
    app.scenario("[limits.video]\nconcurrency = 1\n").await;
    app.create_text2video(&json!({"prompt": "a"})).await;
    app.post(T2V, &json!({"prompt": "b"})).await.assert_error(429, 1303);
}

#[tokio::test]
async fn account_costs_show_the_packs_and_what_tasks_deducted() {
    let app = TestApp::spawn().await;
    let window = "start_time=0&end_time=99999999999999";
    let empty = app.get(&format!("/account/costs?{window}")).await;
    // Recorded (KR): an account without packs answers {code, msg} and no list.
    assert_eq!(empty.assert_ok(), &json!({"code": 0, "msg": "success"}), "unlimited packs are not listed");

    app.admin(Method::PUT, "/accounts/kling-mock-dev-access-key", Some(&json!({"video": {"units": 1000}}))).await;
    let id = app.create_text2video(&json!({"prompt": "a"})).await;
    app.advance(3600);
    let task = app.get(&format!("{T2V}/{id}")).await.assert_ok().clone();
    let charged: f64 = task["final_unit_deduction"].as_str().and_then(|d| d.parse().ok()).unwrap_or_default();

    let costs = app.get(&format!("/account/costs?{window}")).await;
    let data = costs.assert_ok().clone();
    assert_eq!(data["code"], 0);
    let packs = data["resource_pack_subscribe_infos"].as_array().cloned().unwrap_or_default();
    assert_eq!(packs.len(), 1);
    let pack = &packs[0];
    assert_eq!(pack["resource_pack_type"], "decreasing_total");
    assert_eq!(pack["total_quantity"].as_f64(), Some(1000.0));
    assert_eq!(pack["remaining_quantity"].as_f64(), Some(1000.0 - charged));
    assert_eq!(pack["status"], "online");
    let name = pack["resource_pack_name"].as_str().unwrap_or_default().to_owned();
    let by_name = app.get(&format!("/account/costs?{window}&resource_pack_name={}", name.replace(' ', "%20"))).await;
    assert_eq!(by_name.assert_ok()["resource_pack_subscribe_infos"].as_array().map(Vec::len), Some(1));
    let other = app.get(&format!("/account/costs?{window}&resource_pack_name=nope")).await;
    assert_eq!(other.assert_ok()["resource_pack_subscribe_infos"], json!([]));
    let before = app.get("/account/costs?start_time=0&end_time=1").await;
    assert_eq!(before.assert_ok()["resource_pack_subscribe_infos"], json!([]), "outside the time window");
    assert!(app.get("/account/costs?end_time=1").await.assert_error(400, 1201).starts_with("start_time"));
    app.send(Method::GET, "/account/costs?start_time=0&end_time=1", &[], None).await.assert_error(401, 1001);
}
