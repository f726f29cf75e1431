//! Signed callbacks (Standard Webhooks): every callback verifies with the account's
//! secrets; rotation keeps the old secret signing for its grace; scenarios forge, drop,
//! age or repeat signatures; the console's test callback.

use kling_api::webhook::{HEADER_ID, HEADER_SIGNATURE, Rejection, Secret, TEST_CALLBACK_BODY};
use kling_client::ManualClock;
use kling_client::webhook::{Verifier, WebhookError};
use kling_e2e::{CallbackSink, RawCallback, TestApp};
use reqwest::Method;
use serde_json::json;

const OLD: &str = "whsec_dGVzdHNlY3JldHRlc3RzZWNyZXR0ZXN0c2VjcmV0MTI=";
const NEW: &str = "whsec_bmV3c2VjcmV0bmV3c2VjcmV0bmV3c2VjcmV0IQ==";
const SECRETS: &str = "/accounts/kling-mock-dev-access-key/webhook-secrets";

fn secret(text: &str) -> Secret {
    text.parse().unwrap_or_else(|e| panic!("{text}: {e}"))
}

async fn signed_app() -> TestApp {
    let mut config = kling_mock::Config::for_tests();
    config.webhook_secrets = vec![secret(OLD)];
    TestApp::spawn_with(config).await
}

/// Runs one text2video task with a callback; answers its callbacks as they arrived.
async fn callbacks_of_one_task(app: &TestApp) -> Vec<RawCallback> {
    let (url, sink) = CallbackSink::start().await;
    app.create_text2video(&json!({"prompt": "a", "callback_url": url})).await;
    app.advance(3600);
    sink.wait_for_raw(2).await
}

fn now_s(app: &TestApp) -> i64 {
    app.running.state.clock.now_ms() / 1000
}

/// Verifies a callback as a receiver built on kling-client would, at `now` (simulated).
fn check(callback: &RawCallback, secrets: &[Secret], now: i64) -> Result<(), Rejection> {
    let verifier =
        Verifier::from_secrets(secrets.to_vec()).unwrap_or_else(|e| panic!("{e}")).clock(ManualClock::new(now));
    verifier.verify(&callback.headers, &callback.body).map_err(|e| match e {
        WebhookError::Rejected(why) => why,
        other => panic!("{other}"),
    })
}

#[tokio::test]
async fn every_callback_is_signed_and_verifies_and_unsigned_without_a_secret() {
    let app = signed_app().await;
    let callbacks = callbacks_of_one_task(&app).await;
    let now = now_s(&app);
    for callback in &callbacks {
        assert_eq!(check(callback, &[secret(OLD)], now), Ok(()), "{:?}", callback.headers);
        assert_eq!(check(callback, &[secret(NEW)], now), Err(Rejection::BadSignature));
    }
    assert_ne!(callbacks[0].header(HEADER_ID), callbacks[1].header(HEADER_ID), "one id per event");
    let unsigned = TestApp::spawn().await;
    let plain = callbacks_of_one_task(&unsigned).await;
    assert!(plain.iter().all(|c| c.header(HEADER_SIGNATURE).is_none() && c.header(HEADER_ID).is_none()));
}

#[tokio::test]
async fn a_standard_rotation_signs_with_both_secrets_for_seven_days() {
    let app = signed_app().await;
    let rotated = app.admin(Method::POST, &format!("{SECRETS}/rotate"), Some(&json!({"secret": NEW}))).await;
    assert_eq!(rotated.status, 200, "{}", rotated.text);
    assert!(!rotated.text.contains(NEW) && !rotated.text.contains(OLD), "secrets never in answers");
    assert_eq!(rotated.json["webhook_secrets"].as_array().map(Vec::len), Some(2));
    let during = callbacks_of_one_task(&app).await;
    let now = now_s(&app);
    let signatures = during[0].header(HEADER_SIGNATURE).unwrap_or_default().to_owned();
    assert_eq!(signatures.split(' ').count(), 2, "{signatures}");
    for alone in [OLD, NEW] {
        assert_eq!(check(&during[1], &[secret(alone)], now), Ok(()), "either secret verifies during the grace");
    }
    app.advance(7 * 24 * 3600);
    let after = callbacks_of_one_task(&app).await;
    let now = now_s(&app);
    assert_eq!(check(&after[0], &[secret(NEW)], now), Ok(()));
    assert_eq!(check(&after[0], &[secret(OLD)], now), Err(Rejection::BadSignature), "the grace is over");
    let emergency =
        app.admin(Method::POST, &format!("{SECRETS}/rotate"), Some(&json!({"secret": OLD, "emergency": true}))).await;
    assert_eq!(emergency.json["webhook_secrets"].as_array().map(Vec::len), Some(1));
    let deleted = app.admin(Method::DELETE, SECRETS, None).await;
    assert_eq!(deleted.json["webhook_secrets"], json!([]));
    let plain = callbacks_of_one_task(&app).await;
    assert!(plain.iter().all(|c| c.header(HEADER_SIGNATURE).is_none()), "no secret, no signature");
    let bad = app.admin(Method::POST, SECRETS, Some(&json!({"secret": "not-a-secret"}))).await;
    assert_eq!(bad.status, 400);
}

#[tokio::test]
async fn scenarios_forge_drop_age_and_repeat_signatures() {
    let app = signed_app().await;
    for (fault, expected) in [
        ("forged", Rejection::BadSignature),
        ("missing", Rejection::MissingHeader(HEADER_SIGNATURE)),
        ("stale", Rejection::Stale),
    ] {
        app.admin(Method::DELETE, "/scenarios", None).await;
        app.scenario(&format!("[[rule]]\non = \"create\"\ncallback = {{ signature = \"{fault}\" }}\n")).await;
        let callbacks = callbacks_of_one_task(&app).await;
        let now = now_s(&app);
        for callback in &callbacks {
            assert_eq!(check(callback, &[secret(OLD)], now), Err(expected), "{fault}");
        }
    }
    app.admin(Method::DELETE, "/scenarios", None).await;
    app.scenario("[[rule]]\non = \"create\"\ncallback = { duplicate = true }\n").await;
    let (url, sink) = CallbackSink::start().await;
    app.create_text2video(&json!({"prompt": "a", "callback_url": url})).await;
    app.advance(3600);
    let four = sink.wait_for_raw(4).await;
    assert_eq!(four[0].header(HEADER_ID), four[1].header(HEADER_ID), "a redelivery keeps its id");
    assert_eq!(four[0].body, four[1].body);
    let now = now_s(&app);
    assert!(four.iter().all(|c| check(c, &[secret(OLD)], now).is_ok()));
}

#[tokio::test]
async fn the_test_callback_sends_the_consoles_body_signed() {
    let app = signed_app().await;
    let (url, sink) = CallbackSink::start().await;
    let answer = app.admin(Method::POST, "/callbacks/test", Some(&json!({"url": url}))).await;
    assert_eq!((answer.status, answer.json["receiver_status"].as_u64()), (200, Some(200)), "{}", answer.text);
    let received = sink.wait_for_raw(1).await;
    assert_eq!(received[0].body, TEST_CALLBACK_BODY.as_bytes());
    assert_eq!(received[0].header(HEADER_ID), answer.json["webhook_id"].as_str());
    assert_eq!(check(&received[0], &[secret(OLD)], now_s(&app)), Ok(()));
}
