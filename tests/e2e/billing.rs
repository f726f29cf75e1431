//! What tasks cost (the official price tables), cash balances, and the billing exports,
//! over HTTP on both surfaces.

use kling_e2e::TestApp;
use kling_mock::config::DEV_API_KEY;
use reqwest::Method;
use serde_json::{Value, json};

const T2V: &str = "/v1/videos/text2video";
const DEV: &str = "/accounts/kling-mock-dev-access-key";

/// Creates on `path` (legacy), runs the task to its end, answers the finished task.
async fn finished(app: &TestApp, path: &str, body: &Value) -> Value {
    let created = app.post(path, body).await;
    let id = created.assert_ok()["task_id"].as_str().unwrap_or_default().to_owned();
    app.advance(3600);
    app.get(&format!("{path}/{id}")).await.assert_ok().clone()
}

/// Creates on a new-standard path, runs it to its end, answers its `/tasks` item.
async fn finished_standard(app: &TestApp, path: &str, body: &Value) -> Value {
    let created = app.post_as(DEV_API_KEY, path, body).await;
    let id = created.assert_ok()["id"].as_str().unwrap_or_default().to_owned();
    let running = app.get_as(DEV_API_KEY, &format!("/tasks?task_ids={id}")).await.assert_ok().clone();
    assert_eq!(running[0]["billing"], json!([]), "a running task shows no billing yet");
    app.advance(3600);
    app.get_as(DEV_API_KEY, &format!("/tasks?task_ids={id}")).await.assert_ok()[0].clone()
}

#[tokio::test]
async fn every_priced_kind_of_task_is_charged_the_official_amount() {
    let app = TestApp::spawn().await;
    let legacy: &[(&str, Value, &str)] = &[
        (T2V, json!({"prompt": "a"}), "1.5"),
        (T2V, json!({"prompt": "a", "mode": "pro", "duration": "10"}), "5"),
        (T2V, json!({"prompt": "a", "model_name": "kling-v3"}), "3"),
        (T2V, json!({"prompt": "a", "model_name": "kling-v3", "mode": "pro"}), "4"),
        (T2V, json!({"prompt": "a", "model_name": "kling-v3", "mode": "4k"}), "15"),
        (T2V, json!({"prompt": "a", "model_name": "kling-v3", "sound": "on"}), "4.5"),
        (T2V, json!({"prompt": "a", "model_name": "kling-v2-6", "mode": "pro", "sound": "on"}), "5"),
        (
            T2V,
            json!({"prompt": "<<<voice_1>>> says hi", "model_name": "kling-v2-6", "mode": "pro", "sound": "on", "voice_list": [{"voice_id": "ai_shatang"}]}),
            "6",
        ),
        (
            "/v1/videos/omni-video",
            json!({"model_name": "kling-v3-omni", "prompt": "a kite", "duration": "5", "aspect_ratio": "1:1", "mode": "std"}),
            "3",
        ),
        ("/v1/images/generations", json!({"prompt": "a lighthouse"}), "8"),
        ("/v1/images/generations", json!({"prompt": "a lighthouse", "model_name": "kling-v2-1"}), "4"),
        (
            "/v1/images/omni-image",
            json!({"model_name": "kling-v3-omni", "prompt": "a fox", "resolution": "4k", "n": 2}),
            "32",
        ),
        ("/v1/audio/tts", json!({"text": "Hello from the emulator.", "voice_id": "ai_shatang"}), "0.05"),
    ];
    let mut total = 0;
    for (path, body, amount) in legacy {
        let done = if *path == "/v1/audio/tts" {
            app.post(path, body).await.assert_ok().clone()
        } else {
            finished(&app, path, body).await
        };
        assert_eq!(done["task_status"], "succeed", "{path} {body}: {done}");
        assert_eq!(done["final_unit_deduction"], *amount, "{path} {body}");
        assert!(done.get("final_balance_deduction").is_none(), "paid from a pack");
        total += 1;
    }
    // PROBE: 5 s of 3.0 Omni at 720p billed "3", 3 s "1.8"; PS: 2.5 Turbo 5 s "1.5".
    let standard: &[(&str, Value, &str)] = &[
        (
            "/omni-video/kling-3.0-omni",
            json!({"contents": [{"type": "prompt", "text": "a kite"}], "settings": {"duration": 5}}),
            "3",
        ),
        (
            "/omni-video/kling-3.0-omni",
            json!({"contents": [{"type": "prompt", "text": "a kite"}], "settings": {"duration": 3}}),
            "1.8",
        ),
        ("/text-to-video/kling-2.5-turbo", json!({"prompt": "a kite"}), "1.5"),
    ];
    for (path, body, amount) in standard {
        let item = finished_standard(&app, path, body).await;
        assert_eq!(item["status"], "succeeded", "{path}: {item}");
        assert_eq!(
            item["billing"],
            json!([{"charge_type": "unit", "amount": amount, "package_type": "video"}]),
            "{path}"
        );
        total += 1;
    }
    let page = app
        .post_as(DEV_API_KEY, "/account/billing/package", &json!({"start_time": 0, "end_time": 9_999_999_999_999_i64}))
        .await;
    let data = page.assert_ok();
    assert_eq!(data["result"]["count"], total, "one unit row per charged task: {data}");
    let newest = &data["result"]["detail"][0];
    assert_eq!(newest["deduction_amount"], 1.5);
    assert_eq!(
        (newest["product_function"].as_str(), newest["resolution"].as_str()),
        (Some("Text to Video"), Some("720p"))
    );
    assert_eq!(newest["video_sound"], "off");
}

#[tokio::test]
async fn a_failed_task_costs_nothing_and_the_pack_agrees_with_the_exports() {
    let app = TestApp::spawn().await;
    app.admin(Method::PUT, DEV, Some(&json!({"video": {"units": 10}}))).await;
    app.scenario("[[rule]]\nnth = 2\nfail = \"nope\"\n").await;
    assert_eq!(finished(&app, T2V, &json!({"prompt": "a"})).await["final_unit_deduction"], "1.5");
    assert_eq!(finished(&app, T2V, &json!({"prompt": "b"})).await["final_unit_deduction"], "0");
    assert_eq!(finished(&app, T2V, &json!({"prompt": "c", "mode": "pro"})).await["final_unit_deduction"], "2.5");
    let costs = app.get("/account/costs?start_time=0&end_time=9999999999999").await.assert_ok().clone();
    let pack = &costs["resource_pack_subscribe_infos"][0];
    assert_eq!((pack["total_quantity"].as_f64(), pack["remaining_quantity"].as_f64()), (Some(10.0), Some(6.0)));
    let rows = app.post("/account/billing/package", &json!({"start_time": 0, "end_time": 9_999_999_999_999_i64})).await;
    let detail = rows.assert_ok()["result"]["detail"].as_array().cloned().unwrap_or_default();
    let numbers: Vec<(f64, f64, f64)> = detail
        .iter()
        .map(|d| {
            let n = |k: &str| d[k].as_f64().unwrap_or(-1.0);
            (n("unit_before_deduction"), n("deduction_amount"), n("unit_after_deduction"))
        })
        .collect();
    assert_eq!(numbers, [(8.5, 2.5, 6.0), (10.0, 1.5, 8.5)], "newest first, the failed task absent");
    assert_eq!(detail[0]["package_id"], pack["resource_pack_id"]);
    assert_eq!(detail[0]["product_type"], "video");
}

#[tokio::test]
async fn cash_pays_when_packs_cannot_and_1102_when_nothing_covers() {
    let mut config = kling_mock::Config::for_tests();
    config.limits.default.cash = Some("1:USD".parse().unwrap_or_else(|e: String| panic!("{e}")));
    let app = TestApp::spawn_with(config).await;
    // 1.5 units at $0.14: $0.21 a task; $1 pays four.
    let done = finished(&app, T2V, &json!({"prompt": "a"})).await;
    assert_eq!(done["final_unit_deduction"], "0");
    assert_eq!(done["final_balance_deduction"], json!({"quota": "0.21", "list_price": "0.21"}));
    let item = finished_standard(&app, "/text-to-video/kling-2.5-turbo", &json!({"prompt": "a"})).await;
    assert_eq!(
        item["billing"],
        json!([{"charge_type": "cash", "amount": "0.21", "cash_type": "balance", "currency": "USD", "list_price": "0.21"}])
    );
    finished(&app, T2V, &json!({"prompt": "a"})).await;
    finished(&app, T2V, &json!({"prompt": "a"})).await;
    let refused = app.post(T2V, &json!({"prompt": "a"})).await;
    assert_eq!(refused.assert_error(429, 1102), "Account balance not enough");
    let body = json!({"start_time": 0, "end_time": 9_999_999_999_999_i64, "limit": 3});
    let first = app.post("/account/billing/balance", &body).await.assert_ok().clone();
    assert_eq!((first["result"]["count"].as_u64(), first["has_more"].as_bool()), (Some(3), Some(true)));
    let cursor = first["next_cursor"].as_str().unwrap_or_default();
    let second = app.post("/account/billing/balance", &json!({"cursor": cursor})).await.assert_ok().clone();
    assert_eq!((second["result"]["count"].as_u64(), second["has_more"].as_bool()), (Some(1), Some(false)));
    let rows: Vec<Value> =
        [&first, &second].iter().flat_map(|p| p["result"]["detail"].as_array().cloned().unwrap_or_default()).collect();
    let ids: std::collections::HashSet<&str> = rows.iter().filter_map(|r| r["task_id"].as_str()).collect();
    assert_eq!(ids.len(), 4, "no repeats, no gaps");
    let oldest = &rows[3];
    assert_eq!(
        (oldest["balance_before_deduction"].as_f64(), oldest["balance_after_deduction"].as_f64()),
        (Some(1.0), Some(0.79))
    );
    assert_eq!((oldest["cash_type"].as_str(), oldest["currency"].as_str()), (Some("balance"), Some("USD")));
    let units = app.post("/account/billing/package", &json!({"start_time": 0, "end_time": 1})).await;
    assert_eq!(units.assert_ok()["result"]["count"], 0);
}

#[tokio::test]
async fn export_bodies_are_checked_as_the_pages_describe() {
    let app = TestApp::spawn().await;
    let refused = |body: Value| {
        let app = &app;
        async move { app.post("/account/billing/package", &body).await.assert_error(400, 1201).to_owned() }
    };
    assert_eq!(refused(json!({})).await, "start_time is required when cursor is empty");
    assert_eq!(refused(json!({"start_time": 5, "end_time": 5})).await, "start_time must be earlier than end_time");
    assert_eq!(refused(json!({"start_time": 0, "end_time": 5, "limit": 501})).await, "limit value '501' is invalid");
    let both = json!({"start_time": 0, "end_time": 5, "filters": [{"key": "package_name", "values": ["a"]}, {"key": "package_id", "values": ["b"]}]});
    assert_eq!(refused(both).await, "package_name and package_id cannot be used together");
    let bad_key = json!({"start_time": 0, "end_time": 5, "filters": [{"key": "product_type", "values": ["audio"]}]});
    assert_eq!(refused(bad_key).await, "filters[0].values[0] value 'audio' is invalid");
    let balance_key = json!({"start_time": 0, "end_time": 5, "filters": [{"key": "package_id", "values": ["x"]}]});
    let answer = app.post("/account/billing/balance", &balance_key).await;
    assert_eq!(answer.assert_error(400, 1201), "filters[0].key value 'package_id' is invalid");
    let forged = app.post("/account/billing/balance", &json!({"cursor": "bm90LWEtY3Vyc29y"})).await;
    forged.assert_error(400, 1201);
}
