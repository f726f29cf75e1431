//! The API's history over HTTP: for every dated entry that adds or retires an endpoint, a
//! route, a value or a behaviour, or changes a default, an emulator serving the day before
//! answers one way and one serving its day the other, derived from the table alone; and the
//! served day is reported.

use kling_api::ENDPOINTS;
use kling_api::dialect::HINT_HEADER;
use kling_api::history::{CHANGES, Day, ENDPOINT_RETIRED, Effect, Feature, format_day};
use kling_e2e::{Reply, TestApp, base_body};
use serde_json::{Value, json};
use time::Date;

async fn serving(date: Date) -> TestApp {
    let mut config = kling_mock::Config::for_tests();
    config.api_day = Day::on(date).unwrap_or_else(|e| panic!("{e}"));
    TestApp::spawn_with(config).await
}

fn day_before(date: Date) -> Date {
    date.previous_day().unwrap_or(date)
}

/// Whether the answer is the one for a path the API does not have (404, or on a
/// new-standard operation path the recorded `model is not supported`).
fn absent(reply: &Reply) -> bool {
    reply.status == 404 && reply.message().starts_with("Requested resource does not exist")
        || reply.status == 400 && reply.message() == kling_api::standard::MODEL_NOT_SUPPORTED
}

const EFFECTS: &str = "/v1/videos/effects";

/// `body` is refused the day before, on `field`, and taken on the day (something launched).
async fn assert_launched(before: &TestApp, on: &TestApp, path: &str, body: &Value, field: &str, what: &str) {
    let refused = before.post(path, body).await;
    assert!(refused.assert_error(400, 1201).starts_with(field), "{what}: accepted the day before");
    assert_eq!(on.post(path, body).await.assert_ok()["task_status"], "submitted", "{what}: refused on its day");
}

/// `body` is taken the day before and refused on the day as a discontinued `(field, value)`,
/// with a hint naming `change` (something withdrawn).
async fn assert_discontinued(
    before: &TestApp,
    on: &TestApp,
    path: &str,
    body: &Value,
    (field, value): (&str, &str),
    change: &kling_api::history::Change,
    what: &str,
) {
    assert_eq!(before.post(path, body).await.assert_ok()["task_status"], "submitted", "{what}: the day before");
    let refused = on.post(path, body).await;
    let expected = kling_api::history::discontinued(field, value);
    assert_eq!(refused.assert_error(400, 1201), expected, "{what}: on its day");
    let hint = refused.headers.get(HINT_HEADER).and_then(|h| h.to_str().ok()).unwrap_or_default();
    assert!(hint.starts_with(&format!("{value} retired {}", format_day(change.date))), "{what}: hint {hint:?}");
}

/// An effects create for scene `name`, with the images its input takes.
fn scene_request(name: &str) -> Value {
    match kling_api::effects::scene_input(name, true) {
        Some(kling_api::effects::SceneInput::TwoImages) => json!({"effect_scene": name,
            "input": {"images": ["https://example.com/left.png", "https://example.com/right.png"]}}),
        _ => json!({"effect_scene": name, "input": {"image": "https://example.com/pet.png"}}),
    }
}

/// The base body of `spec` with the merge patch `example` applied, its ids made by `app`.
async fn patched(app: &TestApp, spec: &kling_api::EndpointSpec, example: &str) -> Value {
    let mut body = base_body(spec);
    let patch = serde_json::from_str(example).unwrap_or(Value::Null);
    kling_api::rules::merge_patch(&mut body, &patch);
    if !kling_api::prerequisites::fill(&mut body.clone(), &Default::default()).is_empty() {
        app.sources().await.fill(&mut body);
    }
    body
}

#[tokio::test]
async fn every_dated_entry_answers_differently_the_day_before_and_on_its_day() {
    let mut checked = 0;
    for change in CHANGES.iter().filter(|c| c.effect != Effect::Recorded) {
        let (before, on) = (serving(day_before(change.date)).await, serving(change.date).await);
        let when = format!("{} ({})", format_day(change.date), change.subject);
        match change.effect {
            Effect::Endpoints(ids) => {
                for id in ids {
                    let spec = kling_api::endpoints::spec(*id);
                    let empty = json!({});
                    assert!(
                        absent(&before.post(spec.path, &empty).await),
                        "{} exists the day before {when}",
                        spec.path
                    );
                    let reply = on.post(spec.path, &empty).await;
                    assert!(!absent(&reply), "{} is missing on {when}: {}", spec.path, reply.text);
                    checked += 1;
                }
            }
            Effect::Retires(ids) => {
                for id in ids {
                    let spec = kling_api::endpoints::spec(*id);
                    before.post(spec.path, &patched(&before, spec, "{}").await).await.assert_ok();
                    let reply = on.post(spec.path, &base_body(spec)).await;
                    assert_eq!(reply.assert_error(400, 1201), ENDPOINT_RETIRED, "{when}");
                    let hint = reply.headers.get(HINT_HEADER).and_then(|h| h.to_str().ok()).unwrap_or_default();
                    assert!(hint.contains(&format_day(change.date)), "hint {hint:?} on {when}");
                    checked += 1;
                }
            }
            Effect::Routes(paths) => {
                for path in paths {
                    assert!(absent(&before.get(path).await), "{path} exists the day before {when}");
                    let reply = on.get(path).await;
                    assert!(!absent(&reply), "{path} is missing on {when}: {}", reply.text);
                    checked += 1;
                }
            }
            Effect::Introduces(Feature::ApiKeys) => {
                // The development API key on the legacy surface: refused as an invalid
                // token the day before, an account on the day.
                let key = kling_mock::config::DEV_API_KEY;
                let list = "/v1/videos/text2video?pageNum=1&pageSize=1";
                let refused = before.get_as(key, list).await;
                assert_eq!(refused.assert_error(401, 1002), "Authorization is invalid", "{when}");
                on.get_as(key, list).await.assert_ok();
                checked += 1;
            }
            Effect::Values(added) => {
                for added in added {
                    let spec = kling_api::endpoints::spec(added.endpoint);
                    let body = patched(&on, spec, added.example).await;
                    let what = format!("{} {}={} around {when}", spec.path, added.field, added.value);
                    assert_launched(&before, &on, spec.path, &body, added.field, &what).await;
                    checked += 1;
                }
            }
            Effect::Withdraws(gone) => {
                for gone in gone {
                    let spec = kling_api::endpoints::spec(gone.endpoint);
                    let body = patched(&before, spec, gone.example).await;
                    let what = format!("{} {}={} around {when}", spec.path, gone.field, gone.value);
                    assert_discontinued(&before, &on, spec.path, &body, (gone.field, gone.value), change, &what).await;
                    checked += 1;
                }
            }
            Effect::Defaults(defaults) => {
                for default in defaults {
                    let spec = kling_api::endpoints::spec(default.endpoint);
                    for (app, model) in [(&before, default.before), (&on, default.after)] {
                        let made = app.post(spec.path, &base_body(spec)).await.assert_ok()["task_id"].clone();
                        let id = made.as_str().unwrap_or_default();
                        let detail = app.admin(reqwest::Method::GET, &format!("/tasks/{id}"), None).await;
                        assert_eq!(detail.json["model"], model, "{} default around {when}", spec.path);
                    }
                    checked += 1;
                }
            }
            Effect::Scenes(names) => {
                for name in names {
                    let what = format!("{name} around {when}");
                    assert_launched(&before, &on, EFFECTS, &scene_request(name), "effect_scene", &what).await;
                    checked += 1;
                }
            }
            Effect::ScenesRetired(names) => {
                for name in names {
                    let (body, what) = (scene_request(name), format!("{name} around {when}"));
                    assert_discontinued(&before, &on, EFFECTS, &body, ("effect_scene", name), change, &what).await;
                    checked += 1;
                }
            }
            Effect::Capabilities(capabilities) => {
                for capability in capabilities {
                    let spec = kling_api::endpoints::spec(capability.endpoint);
                    let body = patched(&on, spec, capability.example).await;
                    let field = capability.feature.split(' ').next().unwrap_or_default();
                    let what = format!("{} {} {} around {when}", spec.name, capability.model, capability.feature);
                    assert_launched(&before, &on, spec.path, &body, field, &what).await;
                    checked += 1;
                }
            }
            Effect::Fields(fields) => {
                for (endpoint, field) in fields {
                    let spec = kling_api::endpoints::spec(*endpoint);
                    // A value of the wrong type: refused once the field exists, ignored before.
                    let case = kling_api::rules::cases(spec).into_iter().find(|c| c.id == format!("{field}.type"));
                    let case = case.unwrap_or_else(|| panic!("{} has no type case for {field}", spec.name));
                    let body = patched(&on, spec, &case.reject.to_string()).await;
                    let refused = on.post(spec.path, &body).await;
                    assert!(refused.assert_error(400, 1201).starts_with(field), "{field} on {when}");
                    before.post(spec.path, &body).await.assert_ok();
                    checked += 1;
                }
            }
            Effect::Lifts(rules) => {
                for (endpoint, id) in rules {
                    let spec = kling_api::endpoints::spec(*endpoint);
                    let rule = spec.rules.iter().find(|r| r.id == *id).unwrap_or_else(|| panic!("no rule {id}"));
                    let body = patched(&on, spec, rule.reject).await;
                    assert_launched(&before, &on, spec.path, &body, rule.field, &format!("{id} around {when}")).await;
                    checked += 1;
                }
            }
            Effect::Recorded => {}
        }
    }
    assert!(checked >= 350, "only {checked} dated effects checked");
}

/// A store made the day before a retirement, served on its day: the old task still
/// answers, a new create is refused.
#[tokio::test]
async fn a_retired_endpoint_keeps_answering_for_the_tasks_it_made() {
    let spec = &kling_api::video::MULTI_IMAGE2VIDEO;
    let retired = CHANGES.iter().find(|c| matches!(c.effect, Effect::Retires(ids) if ids.contains(&spec.id)));
    let date = retired.map(|c| c.date).unwrap_or_else(|| panic!("multi-image2video is not retired"));
    let state = std::env::temp_dir().join(format!("kling-e2e-history-{}.json", std::process::id()));
    let _ = std::fs::remove_file(&state);
    let mut config = kling_mock::Config::for_tests();
    config.state_file = Some(state.clone());
    config.api_day = Day::on(day_before(date)).unwrap_or_else(|e| panic!("{e}"));
    let before = TestApp::spawn_with(config.clone()).await;
    let made =
        before.post(spec.path, &base_body(spec)).await.assert_ok()["task_id"].as_str().unwrap_or_default().to_owned();
    before.running.stop().await.unwrap_or_else(|e| panic!("stop: {e}"));

    config.api_day = Day::on(date).unwrap_or_else(|e| panic!("{e}"));
    let on = TestApp::spawn_with(config).await;
    assert_eq!(on.get(&format!("{}/{made}", spec.path)).await.assert_ok()["task_id"], made.as_str());
    assert_eq!(on.post(spec.path, &base_body(spec)).await.assert_error(400, 1201), ENDPOINT_RETIRED);
    // Authentication still comes first.
    let anonymous = on.send(reqwest::Method::POST, spec.path, &[("content-type", "application/json")], None).await;
    anonymous.assert_error(401, 1001);
    let _ = std::fs::remove_file(&state);
}

#[tokio::test]
async fn the_served_day_is_today_by_default_and_reported() {
    let app = TestApp::spawn().await;
    let health = app.admin(reqwest::Method::GET, "/health", None).await;
    assert_eq!(health.json["api_version"], format_day(Day::latest().date()));
    let older = serving(time::macros::date!(2025 - 06 - 01)).await;
    let health = older.admin(reqwest::Method::GET, "/health", None).await;
    assert_eq!(health.json["api_version"], "2025-06-01");
    // Routes of every endpoint offered today exist today.
    for spec in ENDPOINTS.iter().filter(|e| Day::latest().endpoint(e.id) == kling_api::history::Offered::Yes) {
        assert!(!absent(&app.post(spec.path, &json!({})).await), "{} missing today", spec.path);
    }
}
