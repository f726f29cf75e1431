//! Every auth code of REFERENCE.md §a.1 / §e, answered over HTTP.

use jsonwebtoken::Algorithm;
use kling_e2e::{TestApp, dev_token, now_s, sign};
use kling_mock::config::{DEV_ACCESS_KEY, DEV_SECRET_KEY};
use serde_json::json;

const PATH: &str = "/v1/videos/text2video?pageSize=1";

async fn with_header(app: &TestApp, value: Option<&str>) -> kling_e2e::Reply {
    let headers: Vec<(&str, &str)> = value.map(|v| vec![("authorization", v)]).unwrap_or_default();
    app.send(reqwest::Method::GET, PATH, &headers, None).await
}

fn claims(iss: &str, exp_offset: i64, nbf_offset: i64) -> serde_json::Value {
    let now = now_s();
    json!({"iss": iss, "exp": now + exp_offset, "nbf": now + nbf_offset})
}

fn b64url(bytes: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

#[tokio::test]
async fn each_auth_failure_has_its_code() {
    let app = TestApp::spawn().await;
    let valid = claims(DEV_ACCESS_KEY, 1800, -5);
    let none_token = format!(
        "{}.{}.",
        b64url(br#"{"alg":"none","typ":"JWT"}"#),
        b64url(serde_json::to_string(&valid).unwrap_or_default().as_bytes())
    );
    let cases: Vec<(&str, Option<String>, i64)> = vec![
        ("missing header", None, 1001),
        ("empty header", Some(String::new()), 1001),
        ("Bearer without token", Some("Bearer ".into()), 1001),
        ("other scheme", Some(format!("Basic {}", dev_token())), 1002),
        ("not a JWT", Some("Bearer not.a.jwt".into()), 1002),
        ("bad signature", Some(format!("Bearer {}", sign(&valid, "wrong-secret", Algorithm::HS256))), 1002),
        (
            "unknown issuer",
            Some(format!("Bearer {}", sign(&claims("nobody", 1800, -5), DEV_SECRET_KEY, Algorithm::HS256))),
            1002,
        ),
        (
            "no issuer",
            Some(format!("Bearer {}", sign(&json!({"exp": now_s() + 60}), DEV_SECRET_KEY, Algorithm::HS256))),
            1002,
        ),
        ("HS384", Some(format!("Bearer {}", sign(&valid, DEV_SECRET_KEY, Algorithm::HS384))), 1002),
        ("alg none", Some(format!("Bearer {none_token}")), 1002),
        (
            "not yet valid",
            Some(format!("Bearer {}", sign(&claims(DEV_ACCESS_KEY, 1800, 600), DEV_SECRET_KEY, Algorithm::HS256))),
            1003,
        ),
        (
            "expired",
            Some(format!("Bearer {}", sign(&claims(DEV_ACCESS_KEY, -600, -1200), DEV_SECRET_KEY, Algorithm::HS256))),
            1004,
        ),
        (
            "no exp",
            Some(format!(
                "Bearer {}",
                sign(&json!({"iss": DEV_ACCESS_KEY, "nbf": now_s() - 5}), DEV_SECRET_KEY, Algorithm::HS256)
            )),
            1000,
        ),
    ];
    for (what, header, code) in cases {
        let reply = with_header(&app, header.as_deref()).await;
        assert_eq!((reply.status, reply.code()), (401, code), "{what}: {}", reply.text);
        reply.assert_error(401, code);
    }
}

#[tokio::test]
async fn valid_tokens_pass_including_within_the_leeway() {
    let app = TestApp::spawn().await;
    with_header(&app, Some(&format!("Bearer {}", dev_token()))).await.assert_ok();
    let just_expired = sign(&claims(DEV_ACCESS_KEY, -2, -100), DEV_SECRET_KEY, Algorithm::HS256);
    with_header(&app, Some(&format!("Bearer {just_expired}"))).await.assert_ok();
    let with_iat = sign(
        &json!({"iss": DEV_ACCESS_KEY, "exp": now_s() + 60, "nbf": now_s() - 5, "iat": now_s()}),
        DEV_SECRET_KEY,
        Algorithm::HS256,
    );
    with_header(&app, Some(&format!("Bearer {with_iat}"))).await.assert_ok();
}

#[tokio::test]
async fn only_configured_accounts_are_accepted() {
    let mut config = kling_mock::Config::for_tests();
    config.accounts = vec![kling_mock::AccountKeys::new("team-ak", "team-sk")];
    let app = TestApp::spawn_with(config).await;
    with_header(&app, Some(&format!("Bearer {}", kling_e2e::token("team-ak", "team-sk")))).await.assert_ok();
    with_header(&app, Some(&format!("Bearer {}", dev_token()))).await.assert_error(401, 1002);
}
