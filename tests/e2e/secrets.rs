//! Secret keys, bearer tokens and the admin token never come back: not in error
//! messages, not in the journal, not in any admin answer, not in `Debug` output.

use jsonwebtoken::Algorithm;
use kling_e2e::{TestApp, now_s, sign, token};
use kling_mock::config::AccountKeys;
use reqwest::Method;
use serde_json::json;

const ACCESS: &str = "ak-secrets-test";
const SECRET: &str = "sk-never-shown-7f3a9c";
const ADMIN: &str = "admin-never-shown-91c2e4";
const T2V: &str = "/v1/videos/text2video";

#[tokio::test]
async fn secrets_and_tokens_never_appear_in_answers_or_the_journal() {
    let mut config = kling_mock::Config::for_tests();
    config.accounts = vec![AccountKeys::new(ACCESS, SECRET)];
    config.admin.token = Some(ADMIN.to_owned());
    assert!(!format!("{config:?}").contains(SECRET) && !format!("{config:?}").contains(ADMIN), "Debug redacts");
    let app = TestApp::spawn_with(config).await;

    let valid = token(ACCESS, SECRET);
    let expired = sign(&json!({"iss": ACCESS, "exp": now_s() - 600, "nbf": now_s() - 1200}), SECRET, Algorithm::HS256);
    let early = sign(&json!({"iss": ACCESS, "exp": now_s() + 1800, "nbf": now_s() + 600}), SECRET, Algorithm::HS256);
    let foreign = sign(&json!({"iss": "someone-else", "exp": now_s() + 60}), SECRET, Algorithm::HS256);
    let hs384 = sign(&json!({"iss": ACCESS, "exp": now_s() + 60}), SECRET, Algorithm::HS384);
    let authorizations = [
        format!("Bearer {valid}"),
        format!("Bearer {expired}"),
        format!("Bearer {early}"),
        format!("Bearer {foreign}"),
        format!("Bearer {hs384}"),
        format!("Bearer {SECRET}"),
        format!("Basic {valid}"),
        format!("Bearer {valid}x"),
        format!("Bearer {ADMIN}"),
    ];
    let mut answers = Vec::new();
    for auth in &authorizations {
        for (method, path, body) in [
            (Method::POST, T2V, Some(br#"{"prompt": "a"}"#.to_vec())),
            (Method::POST, T2V, Some(br#"{"prompt": ["wrong type"]}"#.to_vec())),
            (Method::POST, T2V, Some(b"{not json".to_vec())),
            (Method::GET, "/v1/videos/text2video/123", None),
            (Method::GET, "/no/such/path", None),
            (Method::GET, "/__admin/journal", None),
            (Method::DELETE, T2V, None),
        ] {
            let headers = [("authorization", auth.as_str()), ("content-type", "application/json")];
            answers.push(app.send(method, path, &headers, body).await.text);
        }
    }
    let admin = [("authorization", format!("Bearer {ADMIN}"))];
    let admin: Vec<(&str, &str)> = admin.iter().map(|(n, v)| (*n, v.as_str())).collect();
    for path in
        ["/__admin/journal?limit=1000", "/__admin/accounts", "/__admin/tasks", "/__admin/stats", "/__admin/ready"]
    {
        let reply = app.send(Method::GET, path, &admin, None).await;
        assert_eq!(reply.status, 200, "{path}: {}", reply.text);
        answers.push(reply.text);
    }
    let journal = &answers[answers.len() - 5];
    assert!(journal.contains(ACCESS), "the journal names the account: {journal}");
    let tokens = [valid, expired, early, foreign, hs384];
    for text in &answers {
        for secret in [SECRET, ADMIN].iter().copied().chain(tokens.iter().map(String::as_str)) {
            assert!(!text.contains(secret), "{secret} leaked in {text}");
        }
        assert!(!text.contains("eyJ"), "a JWT leaked in {text}");
    }
}
