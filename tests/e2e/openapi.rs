//! The OpenAPI document served at `/__admin/openapi.json`: complete, right where public
//! hand-written specs are wrong, valid for a standard validator, and true to the emulator:
//! every real answer and every accepted request matches it, every field-level rejection
//! breaks it.
//!
//! The validator runs in Python (`openapi-spec-validator`, `jsonschema`), found as
//! `python3` on PATH or `$KLING_MOCK_PYTHON`. Without it these tests say "skipped", unless
//! `KLING_MOCK_REQUIRE_TOOLS=1` (CI), where they fail.

use std::path::PathBuf;
use std::process::Command;

use kling_api::ErrorKind;
use kling_api::dialect::SEED_PATHS;
use kling_api::history::Day;
use kling_api::rules::{self, Ty, merge_patch};
use kling_api::samples::materialize;
use kling_e2e::{Sources, TestApp, token};
use serde_json::{Value, json};

/// The endpoints of today's API, which the served document describes.
fn today() -> impl Iterator<Item = &'static kling_api::EndpointSpec> {
    kling_api::history::Day::latest().offered()
}

async fn served(app: &TestApp) -> Value {
    let reply = app.admin(reqwest::Method::GET, "/openapi.json", None).await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    reply.json
}

fn body(spec: &kling_api::EndpointSpec, patch: &Value, sources: &Sources) -> Value {
    let mut body: Value = serde_json::from_str(spec.base).unwrap_or(Value::Null);
    merge_patch(&mut body, patch);
    materialize(&mut body);
    sources.fill(&mut body);
    body
}

/// The schema checks of every case judged on `day`: its accepting example must fit the
/// request schema, and a field-level rejection JSON Schema can express must break it.
fn case_requests(day: Day, sources: &Sources) -> Vec<Value> {
    let image_checks = ["data_uri", "not_base64", "format", "min_side", "aspect", "max_bytes"];
    let mut requests = Vec::new();
    for spec in day.offered() {
        let schema = format!("#/components/schemas/{:?}Request", spec.id);
        for case in rules::cases(spec).into_iter().filter(|c| !c.seed_only && c.day == day) {
            let label = format!("{} {}", spec.name, case.id);
            requests.push(
                json!({"label": label, "schema": schema, "instance": body(spec, &case.accept, sources), "valid": true}),
            );
            // Cross-field rules break the schema only where JSON Schema can state them.
            let cross_field =
                spec.rules.iter().any(|r| r.id == case.id && r.expressed == kling_api::rules::Expressed::Unstated);
            let what = case.id.rsplit('.').next().unwrap_or_default();
            if !cross_field && !image_checks.contains(&what) {
                requests.push(json!({"label": label, "schema": schema, "instance": body(spec, &case.reject, sources), "valid": false}));
            }
        }
    }
    requests
}

#[tokio::test]
async fn an_older_days_document_describes_its_cases() {
    let Some(python) = python() else { return };
    let app = TestApp::spawn_before_retirement().await;
    let doc = served(&app).await;
    let sources = app.sources().await;
    let day = app.running.state.config.api_day;
    let requests = case_requests(day, &sources);
    assert!(requests.len() > 40, "only {} cases of retired models", requests.len());
    let models = &doc["components"]["schemas"]["Text2VideoRequest"]["properties"]["model_name"];
    assert_eq!(models["default"], "kling-v1", "the document of {}", kling_api::history::format_day(day.date()));
    let report = check(&python, &json!({"document": doc, "requests": requests, "answers": []}));
    assert!(report.contains("document: valid OpenAPI 3.1"), "{report}");
}

/// `python3` with the validator installed, or `None` (after saying so) when it may be skipped.
fn python() -> Option<String> {
    let python = std::env::var("KLING_MOCK_PYTHON").unwrap_or_else(|_| "python3".to_owned());
    let probe = Command::new(&python).args(["-c", "import openapi_spec_validator, jsonschema, referencing"]).output();
    if probe.is_ok_and(|o| o.status.success()) {
        return Some(python);
    }
    assert!(
        std::env::var("KLING_MOCK_REQUIRE_TOOLS").as_deref() != Ok("1"),
        "KLING_MOCK_REQUIRE_TOOLS=1 but {python} cannot import openapi_spec_validator, jsonschema and referencing \
         (pip install openapi-spec-validator)"
    );
    eprintln!("skipped: {python} lacks openapi-spec-validator (pip install openapi-spec-validator)");
    None
}

/// Runs `tests/openapi_check.py` on `input` and returns its report.
fn check(python: &str, input: &Value) -> String {
    let dir =
        std::env::temp_dir().join(format!("kling-openapi-{}-{:?}", std::process::id(), std::thread::current().id()));
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
    let file = dir.join("input.json");
    std::fs::write(&file, serde_json::to_vec(input).unwrap_or_default()).unwrap_or_else(|e| panic!("{e}"));
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("openapi_check.py");
    let out = Command::new(python).arg(&script).arg(&file).output().unwrap_or_else(|e| panic!("{python}: {e}"));
    let _ = std::fs::remove_dir_all(&dir);
    let report = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "{report}");
    report
}

/// Values of a field at its bounds.
fn edges(ty: &Ty, example: &Value) -> Vec<Value> {
    match ty {
        Ty::Text { max_chars } => vec![json!("x".repeat(*max_chars))],
        Ty::Float { min, max } => vec![json!(min), json!(max)],
        Ty::Int { min, max } => vec![json!(min), json!(max)],
        Ty::Array { min, max, .. } => {
            let first = example.get(0).cloned().unwrap_or(Value::Null);
            vec![Value::Array(vec![first.clone(); *max]), Value::Array(vec![first; (*min).max(1)])]
        }
        _ => Vec::new(),
    }
}

#[tokio::test]
async fn every_endpoint_is_documented_and_paths_public_specs_get_wrong_are_right() {
    let app = TestApp::spawn().await;
    let doc = served(&app).await;
    assert_eq!(doc["openapi"], "3.1.0");
    assert_eq!(doc["servers"][0]["url"], app.base.as_str(), "the server is the address the client used");
    let paths = doc["paths"].as_object().cloned().unwrap_or_default();
    for spec in today() {
        assert!(paths[spec.path]["post"].is_object(), "create of {}", spec.path);
        if spec.has_legacy_routes() {
            assert!(paths[spec.path]["get"]["parameters"].is_array(), "list of {}", spec.path);
            assert!(paths[&format!("{}/{{id}}", spec.path)]["get"].is_object(), "query of {}", spec.path);
        }
    }
    assert!(paths["/account/costs"]["get"].is_object());
    for export in ["/account/billing/balance", "/account/billing/package"] {
        assert!(paths[export]["post"]["requestBody"].is_object(), "{export}");
    }
    // The seed reference's paths (REFERENCE.md §g) are not the official API.
    for seed in SEED_PATHS {
        assert!(!paths.contains_key(seed.path), "{} is seed-only", seed.path);
    }
    assert_eq!(
        paths.len(),
        today().map(|s| if s.has_legacy_routes() { 2 } else { 1 }).sum::<usize>() + 7,
        "every endpoint's paths, /tasks, /solutions, account costs, the two billing exports and the two preset lists"
    );
    for presets in ["/v1/general/presets-voices", "/v1/general/advanced-presets-elements"] {
        assert!(paths[presets]["get"]["parameters"].is_array(), "{presets}");
    }

    let schemas = &doc["components"]["schemas"];
    let props = |name: &str| schemas[name]["properties"].as_object().cloned().unwrap_or_default();
    // Virtual try-on takes human_image and cloth_image (§3.16), not person_image_url / cloth_image_urls.
    let try_on = props("VirtualTryOnRequest");
    assert!(try_on.contains_key("human_image") && try_on.contains_key("cloth_image"));
    assert!(!try_on.contains_key("person_image_url") && !try_on.contains_key("cloth_image_urls"));
    assert_eq!(schemas["VirtualTryOnRequest"]["required"], json!(["human_image", "cloth_image"]));
    // multi-image2video (retired 2026-09-15, so in the document of the day before): image_list
    // of objects, no image_tail; omni-image: no top-level image or mask_image.
    let day = kling_api::history::parse_day("2026-09-14").and_then(kling_api::history::Day::on);
    let older = kling_api::openapi::document_for(day.unwrap_or_else(|e| panic!("{e}")), &app.base);
    assert!(
        paths.get("/v1/videos/multi-image2video").is_none()
            && older["paths"]["/v1/videos/multi-image2video"].is_object()
    );
    let multi = older["components"]["schemas"]["MultiImage2VideoRequest"]["properties"].clone();
    assert!(multi.get("image_tail").is_none());
    assert_eq!(multi["image_list"]["items"]["type"], "object");
    let omni = props("OmniImageRequest");
    assert!(!omni.contains_key("image") && !omni.contains_key("mask_image"), "seed-only fields leak");
    // Error codes are the official ones: 1001 is an empty Authorization, no 2xxx codes exist.
    let text = doc.to_string();
    assert!(!text.contains("2001"), "the seed's moderation code is not official");
    assert_eq!(
        doc["components"]["responses"]["401"]["content"]["application/json"]["schema"]["properties"]["code"]["enum"],
        json!([1000, 1001, 1002, 1003, 1004])
    );
    for kind in ErrorKind::ALL {
        let wire = kind.official();
        let codes = &doc["components"]["responses"][wire.http.to_string()]["content"]["application/json"]["schema"]["properties"]
            ["code"]["enum"];
        assert!(codes.as_array().is_some_and(|c| c.contains(&json!(wire.code))), "{} under {}", wire.code, wire.http);
    }
    assert_eq!(doc["components"]["securitySchemes"]["bearerAuth"]["bearerFormat"], "JWT");
}

#[tokio::test]
async fn list_bounds_in_the_document_are_what_the_emulator_enforces() {
    let app = TestApp::spawn().await;
    let doc = served(&app).await;
    for spec in today().filter(|s| s.has_legacy_routes()) {
        for parameter in doc["paths"][spec.path]["get"]["parameters"].as_array().cloned().unwrap_or_default() {
            let name = parameter["name"].as_str().unwrap_or_default();
            let max = parameter["schema"]["maximum"].as_u64().unwrap_or_default();
            let min = parameter["schema"]["minimum"].as_u64().unwrap_or_default();
            assert!(max > min, "{name}");
            app.get(&format!("{}?{name}={max}", spec.path)).await.assert_ok();
            app.get(&format!("{}?{name}={min}", spec.path)).await.assert_ok();
            app.get(&format!("{}?{name}={}", spec.path, max + 1)).await.assert_error(400, 1201);
            app.get(&format!("{}?{name}={}", spec.path, min - 1)).await.assert_error(400, 1201);
        }
    }
}

#[tokio::test]
async fn the_document_validates_and_the_emulator_keeps_to_it() {
    let Some(python) = python() else { return };
    let app = TestApp::spawn().await;
    let doc = served(&app).await;
    let sources = app.sources().await;

    // Requests: every accepting example fits its schema; every field-level rejection
    // that JSON Schema can express (not the image inspection) breaks it. Today's document
    // describes today's cases; those of retired models are judged on their own day's
    // document by `an_older_days_document_describes_its_cases`.
    let mut requests = case_requests(Day::latest(), &sources);
    // Edges: each field at its bounds (longest text, smallest and largest number, fewest and
    // most items); whatever the emulator accepts must fit the schema too.
    let mut edges_accepted = 0;
    for spec in today() {
        let schema = format!("#/components/schemas/{:?}Request", spec.id);
        for field in spec.fields.iter().filter(|f| !f.seed_only) {
            let example: Value = serde_json::from_str(field.example).unwrap_or(Value::Null);
            for value in edges(&field.ty, &example) {
                let mut patch: Value = serde_json::from_str(field.context).unwrap_or_else(|_| json!({}));
                patch[field.name] = value;
                let instance = body(spec, &patch, &sources);
                if app.post(spec.path, &instance).await.status == 200 {
                    edges_accepted += 1;
                    let label = format!("{} {} at a bound", spec.name, field.name);
                    requests.push(json!({"label": label, "schema": schema, "instance": instance, "valid": true}));
                }
            }
        }
    }
    assert!(edges_accepted > 50, "only {edges_accepted} edge values accepted");

    // Answers: create, query (before and after the task ends) and list of every endpoint,
    // the synchronous ones, account costs and errors of each kind of status.
    let mut answers = Vec::new();
    let mut record = |method: &str, path: &str, reply: &kling_e2e::Reply| {
        answers.push(json!({"method": method, "path": path, "status": reply.status, "body": reply.json}));
    };
    let mut created = Vec::new();
    let mut standard_ids = Vec::new();
    let mut solution_ids = Vec::new();
    for spec in today() {
        let reply = app.post(spec.path, &body(spec, &json!({}), &sources)).await;
        reply.assert_ok();
        record("post", spec.path, &reply);
        if spec.standard.is_some() {
            let id = reply.json["data"]["id"].as_str().unwrap_or_default().to_owned();
            standard_ids.push(id);
        } else if spec.solution.is_some() {
            solution_ids.push(reply.json["data"]["id"].as_str().unwrap_or_default().to_owned());
        } else if spec.output.is_queryable() {
            let id = reply.json["data"]["task_id"].as_str().unwrap_or_default().to_owned();
            let query = app.get(&format!("{}/{id}", spec.path)).await;
            record("get", &format!("{}/{{id}}", spec.path), &query);
            created.push((spec, id));
        }
    }
    let by_ids = format!("/tasks?task_ids={}", standard_ids.join(","));
    record("get", "/tasks", &app.get(&by_ids).await);
    let solutions_by_ids = format!("/solutions?task_ids={}", solution_ids.join(","));
    record("get", "/solutions", &app.get(&solutions_by_ids).await);
    app.advance(3 * 3600);
    let solutions = app.get(&solutions_by_ids).await;
    assert_eq!(solutions.assert_ok().as_array().map(Vec::len), Some(solution_ids.len()), "{}", solutions.text);
    record("get", "/solutions", &solutions);
    record("post", "/solutions", &app.post("/solutions", &json!({"limit": 2})).await);
    let after = app.get(&by_ids).await;
    assert_eq!(after.assert_ok().as_array().map(Vec::len), Some(standard_ids.len()), "{}", after.text);
    record("get", "/tasks", &after);
    record("post", "/tasks", &app.post("/tasks", &json!({"limit": 3})).await);
    for (spec, id) in &created {
        let query = app.get(&format!("{}/{id}", spec.path)).await;
        assert_eq!(query.assert_ok()["task_status"], "succeed", "{}", query.text);
        record("get", &format!("{}/{{id}}", spec.path), &query);
        record("get", spec.path, &app.get(spec.path).await);
    }
    for presets in ["/v1/general/presets-voices", "/v1/general/advanced-presets-elements"] {
        let list = app.get(&format!("{presets}?pageSize=5")).await;
        assert!(list.assert_ok().as_array().is_some_and(|l| !l.is_empty()), "{}", list.text);
        record("get", presets, &list);
    }
    let window = json!({"start_time": 0, "end_time": 4_102_444_800_000_i64, "limit": 2});
    for export in ["/account/billing/package", "/account/billing/balance"] {
        let page = app.post(export, &window).await;
        page.assert_ok();
        record("post", export, &page);
        let unbounded = app.post(export, &json!({})).await;
        unbounded.assert_error(400, 1201);
        record("post", export, &unbounded);
    }
    let units = json!({"video": {"units": 1}});
    let limited = app.admin(reqwest::Method::PUT, "/accounts/kling-mock-dev-access-key", Some(&units)).await;
    assert_eq!(limited.status, 200, "{}", limited.text);
    let costs = app.get("/account/costs?start_time=0&end_time=4102444800000").await;
    assert!(costs.assert_ok()["resource_pack_subscribe_infos"].as_array().is_some_and(|p| !p.is_empty()));
    record("get", "/account/costs", &costs);
    let t2v = "/v1/videos/text2video";
    let broke = app.post(t2v, &json!({"prompt": "a dog"})).await;
    broke.assert_error(429, 1102);
    record("post", t2v, &broke);
    let empty = app.send(reqwest::Method::GET, t2v, &[], None).await;
    empty.assert_error(401, 1001);
    record("get", t2v, &empty);
    let wrong = app.get_as(&token("nobody", "nothing"), t2v).await;
    wrong.assert_error(401, 1002);
    record("get", t2v, &wrong);
    let invalid = app.post(t2v, &json!({"prompt": "a dog", "cfg_scale": 7})).await;
    invalid.assert_error(400, 1201);
    record("post", t2v, &invalid);
    let unknown = app.get(&format!("{t2v}/no-such-task")).await;
    unknown.assert_error(404, 1203);
    record("get", &format!("{t2v}/{{id}}"), &unknown);

    let report = check(&python, &json!({"document": doc, "requests": requests, "answers": answers}));
    eprintln!("{report}");
    assert!(report.contains("document: valid OpenAPI 3.1"), "{report}");
}
