//! Every rule of every endpoint, generated from the kling-api tables: one accepting and
//! one rejecting request each, over HTTP.

use kling_api::Dialect;
use std::collections::BTreeMap;

use kling_api::history::Day;
use kling_api::rules::{self, RuleCase, RuleClass, merge_patch};
use kling_api::samples::materialize;
use kling_e2e::{Sources, TestApp};
use serde_json::{Value, json};

fn request(spec: &kling_api::EndpointSpec, patch: &Value, sources: Option<&Sources>) -> Value {
    let mut body: Value = serde_json::from_str(spec.base).unwrap_or(Value::Null);
    merge_patch(&mut body, patch);
    materialize(&mut body);
    if let Some(sources) = sources {
        sources.fill(&mut body);
    }
    body
}

/// The cases of `spec` grouped by the day each is judged on, oldest first.
fn by_day(spec: &kling_api::EndpointSpec, keep: impl Fn(&RuleCase) -> bool) -> BTreeMap<time::Date, Vec<RuleCase>> {
    let mut days: BTreeMap<time::Date, Vec<RuleCase>> = BTreeMap::new();
    for case in rules::cases(spec).into_iter().filter(keep) {
        days.entry(case.day.date()).or_default().push(case);
    }
    days
}

/// The ids the cases name, made on `app` only when they name any (an older day may not
/// have the endpoints that make them).
async fn sources_if_needed(app: &TestApp, spec: &kling_api::EndpointSpec, cases: &[RuleCase]) -> Option<Sources> {
    let names_ids = cases.iter().flat_map(|c| [&c.accept, &c.reject]).any(|patch| {
        let mut body = request(spec, patch, None);
        !kling_api::prerequisites::fill(&mut body, &Default::default()).is_empty()
    });
    if names_ids { Some(app.sources().await) } else { None }
}

/// An emulator serving `date` with `config`'s other settings.
async fn serving(mut config: kling_mock::Config, date: time::Date) -> TestApp {
    config.api_day = Day::on(date).unwrap_or_else(|e| panic!("{e}"));
    TestApp::spawn_with(config).await
}

#[tokio::test]
async fn every_rule_accepts_and_rejects_over_http() {
    let mut checked = 0;
    for spec in Day::latest().offered() {
        for dialect in [Dialect::Official, Dialect::Seed] {
            for (date, cases) in by_day(spec, |c| c.seed_only == (dialect == Dialect::Seed)) {
                let mut config = kling_mock::Config::for_tests();
                config.dialect = dialect;
                let app = serving(config, date).await;
                let sources = sources_if_needed(&app, spec, &cases).await;
                for case in cases {
                    let accepted = app.post(spec.path, &request(spec, &case.accept, sources.as_ref())).await;
                    assert_eq!(accepted.status, 200, "{} {} accepting example: {}", spec.name, case.id, accepted.text);
                    accepted.assert_ok();

                    let rejected = app.post(spec.path, &request(spec, &case.reject, sources.as_ref())).await;
                    let wire = case.kind.wire(dialect);
                    let message = rejected.assert_error(wire.http, i64::from(wire.code));
                    if !spec.is_legacy() {
                        // The new-standard messages echo values, the Solutions ones are the
                        // pages' own: the answer must be the table's message for the body.
                        let body = request(spec, &case.reject, sources.as_ref());
                        let options = kling_api::rules::ValidationOptions { day: case.day, ..Default::default() };
                        let known = rules::validate(spec, &body, &options);
                        let expected = known.err().map(|v| v.message).unwrap_or_default();
                        assert_eq!(message, expected, "{} {}", spec.name, case.id);
                        checked += 1;
                        continue;
                    }
                    assert!(
                        message.contains(&case.field),
                        "{} {}: message {message:?} does not name {}",
                        spec.name,
                        case.id,
                        case.field
                    );
                    checked += 1;
                }
            }
        }
    }
    assert!(checked > 500, "only {checked} rules checked");
}

#[tokio::test]
async fn model_support_rules_can_be_relaxed() {
    let mut config = kling_mock::Config::for_tests();
    config.validation.lenient_model_support = true;
    for spec in Day::latest().offered() {
        for (date, cases) in by_day(spec, |c| c.class == RuleClass::ModelSupport) {
            let app = serving(config.clone(), date).await;
            let sources = sources_if_needed(&app, spec, &cases).await;
            for case in cases {
                let reply = app.post(spec.path, &request(spec, &case.reject, sources.as_ref())).await;
                assert_eq!(reply.status, 200, "{} {} should pass when relaxed: {}", spec.name, case.id, reply.text);
            }
        }
    }
}

#[tokio::test]
async fn scalar_coercion_is_lenient_by_default_and_strict_on_request() {
    let body =
        json!({"model_name": "kling-v3", "prompt": "a cat", "duration": 5, "cfg_scale": "0.5", "multi_shot": "false"});
    let lenient = TestApp::spawn().await;
    lenient.post("/v1/videos/text2video", &body).await.assert_ok();

    let mut config = kling_mock::Config::for_tests();
    config.validation.coercion = kling_api::rules::Coercion::Strict;
    let strict = TestApp::spawn_with(config).await;
    for (field, value) in [("duration", json!(5)), ("cfg_scale", json!("0.5")), ("multi_shot", json!("false"))] {
        let reply = strict
            .post("/v1/videos/text2video", &json!({"model_name": "kling-v3", "prompt": "a cat", field: value}))
            .await;
        let message = reply.assert_error(400, 1201);
        assert!(message.starts_with(field), "{message}");
    }
}

#[tokio::test]
async fn unknown_fields_and_the_legacy_model_field_are_ignored() {
    let app = TestApp::spawn().await;
    let body = json!({"prompt": "a cat", "model": "kling-v9", "brand_new_field": {"x": 1}});
    app.post("/v1/videos/text2video", &body).await.assert_ok();
}
