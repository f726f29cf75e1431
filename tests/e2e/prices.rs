//! Every row of the official price tables, charged over HTTP: the cases are derived from
//! `kling_api::pricing::{VIDEO_PRICES, FIXED_PRICES}`, each row and tier asked for on
//! every surface that offers it, and the amounts checked on the task, in `/account/costs`
//! and in the unit export. A row no request reaches fails the test, so a new row of the
//! table cannot go unchecked.

use std::collections::BTreeSet;

use kling_api::endpoints::{self, ENDPOINTS, EndpointId, EndpointSpec};
use kling_api::pricing::{
    FIXED_PRICES, Feature, FixedPrice, LIP_SYNC_PER_5_S, Units, VIDEO_PRICES, VideoPrice, family_of,
};
use kling_e2e::TestApp;
use kling_e2e::base_body;
use kling_mock::config::DEV_API_KEY;
use reqwest::Method;
use serde_json::{Value, json};

/// The seconds every video case asks for (sources the emulator does not serve count 5 s).
const SECONDS: u64 = 5;
const RESOLUTIONS: [&str; 3] = ["720p", "1080p", "4k"];
const LEGACY_MODES: [&str; 3] = ["std", "pro", "4k"];
const VIDEO_URL: &str = "https://example.com/reference.mp4";

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Surface {
    Legacy,
    Standard,
}

/// One request and what the table says it costs.
#[derive(Debug)]
struct Case {
    row: &'static str,
    tier: usize,
    surface: Surface,
    path: &'static str,
    body: Value,
    units: Units,
}

fn object(value: &mut Value) -> &mut serde_json::Map<String, Value> {
    if !value.is_object() {
        *value = json!({});
    }
    value.as_object_mut().unwrap_or_else(|| unreachable!("just made an object"))
}

fn push_content(body: &mut Value, item: Value) {
    match body.get_mut("contents").and_then(Value::as_array_mut) {
        Some(items) => items.push(item),
        None => {
            let prompt = body.get("prompt").cloned().unwrap_or(json!("a scene"));
            body["contents"] = json!([{"type": "prompt", "text": prompt}, item]);
        }
    }
}

/// The new-standard request for a video row at a tier, when that surface offers it.
fn standard_video(row: &VideoPrice, tier: usize) -> Option<(&'static str, Value)> {
    let operations: &[&str] = match row.feature {
        Feature::MotionControl => &["motion-control"],
        Feature::VideoInput => &["omni-video"],
        Feature::VoiceControl => &["image-to-video"],
        Feature::Avatar => &[],
        Feature::Silent | Feature::NativeAudio => &["text-to-video", "omni-video"],
    };
    let spec = operations.iter().find_map(|operation| {
        ENDPOINTS.iter().find(|e| e.standard.is_some_and(|s| s.operation == *operation && s.price_family == row.family))
    })?;
    let standard = spec.standard?;
    let mut body = base_body(spec);
    let settings = object(object(&mut body).entry("settings").or_insert(json!({})));
    settings.insert("resolution".into(), json!(RESOLUTIONS[tier]));
    if standard.operation != "motion-control" {
        settings.insert("duration".into(), json!(SECONDS));
    }
    match row.feature {
        Feature::NativeAudio if !standard.always_audio => {
            settings.insert("audio".into(), json!("native"));
        }
        Feature::VoiceControl => {
            settings.insert("audio".into(), json!("native"));
            push_content(&mut body, json!({"type": "voice", "voice_id": "ai_shatang", "id": "1"}));
        }
        Feature::VideoInput => push_content(&mut body, json!({"type": "feature_video", "url": VIDEO_URL})),
        _ => {}
    }
    Some((spec.path, body))
}

/// A current legacy model of `family` that `spec` takes.
fn legacy_model(spec: &EndpointSpec, family: &str) -> Option<&'static str> {
    spec.models.iter().copied().find(|m| family_of(m) == Some(family))
}

/// The legacy request for a video row at a tier, when that surface offers it.
fn legacy_video(row: &VideoPrice, tier: usize) -> Option<(&'static str, Value)> {
    let (spec, model) = match row.feature {
        Feature::Avatar => (endpoints::spec(EndpointId::Avatar), None),
        Feature::MotionControl => {
            let spec = endpoints::spec(EndpointId::MotionControl);
            (spec, Some(legacy_model(spec, row.family)?))
        }
        Feature::VideoInput => {
            let spec = endpoints::spec(EndpointId::OmniVideo);
            (spec, Some(legacy_model(spec, row.family)?))
        }
        _ => [EndpointId::Text2Video, EndpointId::OmniVideo]
            .iter()
            .map(|id| endpoints::spec(*id))
            .find_map(|spec| legacy_model(spec, row.family).map(|m| (spec, Some(m))))?,
    };
    let mut body = base_body(spec);
    let fields = object(&mut body);
    fields.insert("mode".into(), json!(LEGACY_MODES[tier]));
    if let Some(model) = model {
        fields.insert("model_name".into(), json!(model));
    }
    if !matches!(row.feature, Feature::Avatar | Feature::MotionControl) {
        fields.insert("duration".into(), json!(SECONDS.to_string()));
    }
    match row.feature {
        Feature::NativeAudio => {
            fields.insert("sound".into(), json!("on"));
        }
        Feature::VoiceControl => {
            fields.insert("sound".into(), json!("on"));
            fields.insert("prompt".into(), json!("<<<voice_1>>> says hello"));
            fields.insert("voice_list".into(), json!([{"voice_id": "ai_shatang"}]));
        }
        Feature::VideoInput => {
            fields.insert("video_list".into(), json!([{"video_url": VIDEO_URL, "refer_type": "feature"}]));
        }
        _ => {}
    }
    Some((spec.path, body))
}

/// The legacy request for a per-call or per-image row at a tier (1K/2K, 4K).
fn fixed_case(row: &FixedPrice, tier: usize) -> (&'static str, Value) {
    let spec = endpoints::spec(row.endpoint);
    let mut body = base_body(spec);
    let fields = object(&mut body);
    if let Some(model) = row.model {
        fields.insert("model_name".into(), json!(model));
    }
    match row.image_input {
        Some(true) => {
            fields.insert("image".into(), json!("https://example.com/reference.png"));
        }
        Some(false) => {
            fields.remove("image");
        }
        None => {}
    }
    if tier == 1 {
        fields.insert("resolution".into(), json!("4k"));
    }
    (spec.path, body)
}

fn cases() -> Vec<Case> {
    let mut cases = Vec::new();
    for row in VIDEO_PRICES {
        for (tier, price) in row.per_second.iter().enumerate() {
            let Some(per_second) = price else { continue };
            let units = Units(per_second * SECONDS);
            for (surface, request) in
                [(Surface::Legacy, legacy_video(row, tier)), (Surface::Standard, standard_video(row, tier))]
            {
                if let Some((path, body)) = request {
                    cases.push(Case { row: row.label, tier, surface, path, body, units });
                }
            }
        }
    }
    for row in FIXED_PRICES {
        for (tier, price) in row.units.iter().enumerate() {
            let Some(units) = price else { continue };
            let (path, body) = fixed_case(row, tier);
            cases.push(Case { row: row.label, tier, surface: Surface::Legacy, path, body, units: Units(*units) });
        }
    }
    let (path, body) = fixed_case(&FixedPrice { endpoint: EndpointId::LipSync, ..FIXED_PRICES[0] }, 0);
    let lip_sync = Units(LIP_SYNC_PER_5_S * SECONDS.div_ceil(5));
    cases.push(Case { row: "Lip Sync, per 5 seconds", tier: 0, surface: Surface::Legacy, path, body, units: lip_sync });
    cases
}

/// Runs one case to its end; answers what it was charged, as the answer writes it.
async fn charged(app: &TestApp, case: &Case) -> String {
    let what = format!("{} ({}, {:?}) {} {}", case.row, case.tier, case.surface, case.path, case.body);
    let endpoint = ENDPOINTS.iter().find(|e| e.path == case.path).map(|e| e.id);
    match (case.surface, endpoint) {
        (Surface::Standard, _) => {
            let created = app.post_as(DEV_API_KEY, case.path, &case.body).await;
            let id =
                created.assert_ok()["id"].as_str().unwrap_or_else(|| panic!("{what}: {}", created.text)).to_owned();
            app.advance(3600);
            let item = app.get_as(DEV_API_KEY, &format!("/tasks?task_ids={id}")).await.assert_ok()[0].clone();
            assert_eq!(item["status"], "succeeded", "{what}: {item}");
            let billing = &item["billing"][0];
            assert_eq!(billing["charge_type"], "unit", "{what}");
            billing["amount"].as_str().unwrap_or_default().to_owned()
        }
        (Surface::Legacy, Some(EndpointId::IdentifyFace)) => {
            let answer = app.post(case.path, &case.body).await;
            answer.assert_ok()["final_unit_deduction"].as_str().unwrap_or_default().to_owned()
        }
        (Surface::Legacy, Some(EndpointId::ImageRecognize)) => {
            // The answer carries no amount: the call's export row does.
            app.post(case.path, &case.body).await.assert_ok();
            let window = json!({"start_time": 0, "end_time": 9_999_999_999_999_i64, "limit": 1});
            let newest = app.post("/account/billing/package", &window).await.assert_ok()["result"]["detail"][0].clone();
            assert_eq!(newest["product_function"], "Image Recognition", "{what}: {newest}");
            newest["deduction_amount"].to_string().parse::<Units>().map(|u| u.to_string()).unwrap_or_default()
        }
        (Surface::Legacy, _) => {
            let created = app.post(case.path, &case.body).await;
            let data = created.assert_ok().clone();
            if data["task_status"] == "succeed" {
                return data["final_unit_deduction"].as_str().unwrap_or_default().to_owned();
            }
            let id = data["task_id"].as_str().unwrap_or_else(|| panic!("{what}: {}", created.text)).to_owned();
            app.advance(3600);
            let task = app.get(&format!("{}/{id}", case.path)).await.assert_ok().clone();
            assert_eq!(task["task_status"], "succeed", "{what}: {task}");
            task["final_unit_deduction"].as_str().unwrap_or_default().to_owned()
        }
    }
}

/// Whether a decimal is written the way the real API writes amounts: no trailing zeros.
fn canonical(amount: &str) -> bool {
    !amount.is_empty() && !(amount.contains('.') && (amount.ends_with('0') || amount.ends_with('.')))
}

#[tokio::test]
async fn every_row_of_the_price_tables_is_charged_its_documented_amount() {
    let app = TestApp::spawn().await;
    let dev = "/accounts/kling-mock-dev-access-key";
    let packs = json!({"video": {"units": 100000}, "image": {"units": 100000}});
    assert_eq!(app.admin(Method::PUT, dev, Some(&packs)).await.status, 200);
    let cases = cases();
    let mut covered = BTreeSet::new();
    let mut spent = [Units::ZERO; 2];
    let mut wrong = Vec::new();
    for case in &cases {
        let amount = charged(&app, case).await;
        if amount != case.units.to_string() || !canonical(&amount) {
            wrong.push(format!(
                "{} (tier {}, {:?}) {}: charged {amount:?}, the table says {}",
                case.row, case.tier, case.surface, case.path, case.units
            ));
        }
        covered.insert((case.row, case.tier));
        let pack = ENDPOINTS.iter().find(|e| e.path == case.path).map(|e| e.pack);
        let slot = usize::from(pack == Some(kling_api::endpoints::PackType::Image));
        spent[slot] = Units(spent[slot].0 + case.units.0);
    }
    assert!(wrong.is_empty(), "{} of {} cases charged wrongly:\n{}", wrong.len(), cases.len(), wrong.join("\n"));

    let offered: BTreeSet<(&str, usize)> = VIDEO_PRICES
        .iter()
        .flat_map(|r| r.per_second.iter().enumerate().filter(|(_, p)| p.is_some()).map(|(t, _)| (r.label, t)))
        .chain(
            FIXED_PRICES
                .iter()
                .flat_map(|r| r.units.iter().enumerate().filter(|(_, p)| p.is_some()).map(|(t, _)| (r.label, t))),
        )
        .collect();
    let missed: Vec<_> = offered.difference(&covered).collect();
    assert!(missed.is_empty(), "rows no request reached: {missed:?}");
    let surfaces: BTreeSet<Surface> = cases.iter().map(|c| c.surface).collect();
    assert_eq!(surfaces.len(), 2, "both surfaces are charged");

    let costs = app.get("/account/costs?start_time=0&end_time=9999999999999").await.assert_ok().clone();
    for (slot, name) in ["Video", "Image"].iter().enumerate() {
        let pack = costs["resource_pack_subscribe_infos"]
            .as_array()
            .and_then(|packs| {
                packs.iter().find(|p| p["resource_pack_name"].as_str().is_some_and(|t| t.starts_with(name)))
            })
            .unwrap_or_else(|| panic!("no {name} pack in {costs}"));
        let used = pack["total_quantity"].as_f64().unwrap_or(0.0) - pack["remaining_quantity"].as_f64().unwrap_or(0.0);
        assert!(
            (used - spent[slot].as_f64()).abs() < 1e-6,
            "{name}: /account/costs used {used}, cases cost {}",
            spent[slot]
        );
    }
    let export = app
        .post("/account/billing/package", &json!({"start_time": 0, "end_time": 9_999_999_999_999_i64}))
        .await
        .assert_ok()
        .clone();
    let rows = export["result"]["detail"].as_array().cloned().unwrap_or_default();
    let charged_cases = cases.iter().filter(|c| c.units > Units::ZERO).count();
    assert_eq!(rows.len(), charged_cases, "one export row per charged case");
    let exported: f64 = rows.iter().filter_map(|r| r["deduction_amount"].as_f64()).sum();
    let total = spent[0].as_f64() + spent[1].as_f64();
    assert!((exported - total).abs() < 1e-6, "the export sums to {exported}, the cases to {total}");
}
