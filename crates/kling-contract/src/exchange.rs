//! Sending one check to a target and capturing what came back, and showing a check as a
//! ready-to-run curl command (with `$TOKEN` in place of any token: secrets never print).

use base64::Engine as _;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{Value, json};

use crate::checks::{Check, TokenKind};
use crate::target::Target;

/// What a target answered.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Observation {
    /// HTTP status.
    pub status: u16,
    /// The body as JSON, or as a JSON string when it was not JSON.
    pub body: Value,
    /// Whether the body was JSON.
    pub json: bool,
}

fn now_s() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs() as i64)
}

/// The token a check asks for, signed with the target's keys.
pub fn token(kind: TokenKind, target: &Target) -> Option<String> {
    let now = now_s();
    let sign = |claims: Value, secret: &str| {
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &EncodingKey::from_secret(secret.as_bytes())).ok()
    };
    let ak = target.access_key.as_str();
    match kind {
        TokenKind::Missing => None,
        TokenKind::UnknownApiKey => Some("kling-contract-unknown-api-key".to_owned()),
        TokenKind::Valid | TokenKind::AkSk => {
            sign(json!({"iss": ak, "exp": now + 1800, "nbf": now - 5}), &target.secret_key)
        }
        TokenKind::Expired => sign(json!({"iss": ak, "exp": now - 3600, "nbf": now - 7200}), &target.secret_key),
        TokenKind::NotYetValid => sign(json!({"iss": ak, "exp": now + 7200, "nbf": now + 3600}), &target.secret_key),
        TokenKind::UnknownKey => {
            sign(json!({"iss": "kling-contract-unknown-key", "exp": now + 1800, "nbf": now - 5}), "x")
        }
        TokenKind::Tampered => {
            sign(json!({"iss": ak, "exp": now + 1800, "nbf": now - 5}), &target.secret_key).map(|t| {
                let mut token = t.into_bytes();
                if let Some(last) = token.last_mut() {
                    *last = if *last == b'A' { b'B' } else { b'A' };
                }
                String::from_utf8_lossy(&token).into_owned()
            })
        }
        TokenKind::AlgNone => {
            let part = |v: Value| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v.to_string());
            Some(format!(
                "{}.{}.",
                part(json!({"alg": "none", "typ": "JWT"})),
                part(json!({"iss": ak, "exp": now + 1800}))
            ))
        }
    }
}

/// The bytes a check sends: JSON, except a string body, which is sent raw (malformed JSON).
fn payload(body: &Value) -> Vec<u8> {
    match body {
        Value::String(raw) => raw.clone().into_bytes(),
        other => serde_json::to_vec(other).unwrap_or_default(),
    }
}

/// Sends `check` to `target`.
pub async fn send(http: &reqwest::Client, target: &Target, check: &Check) -> Result<Observation, reqwest::Error> {
    let url = format!("{}{}", target.base_url, check.path);
    let method = reqwest::Method::from_bytes(check.method.as_bytes()).unwrap_or(reqwest::Method::GET);
    let mut request = http.request(method, url);
    let standard = kling_api::standard::is_api_key_only_path(check.path.split('?').next().unwrap_or(""));
    match (&target.api_key, check.token) {
        // The new-standard and Solutions paths take API keys only.
        (Some(key), TokenKind::Valid) if standard => request = request.bearer_auth(key),
        _ => {
            if let Some(token) = token(check.token, target) {
                request = request.bearer_auth(token);
            }
        }
    }
    if let Some(body) = &check.body {
        request = request.header("content-type", "application/json").body(payload(body));
    }
    let response = request.send().await?;
    let status = response.status().as_u16();
    let text = response.text().await?;
    Ok(match serde_json::from_str(&text) {
        Ok(body) => Observation { status, body, json: true },
        Err(_) => Observation { status, body: Value::String(text), json: false },
    })
}

/// The check as a curl command against `base_url`; the token is left as `$TOKEN`.
pub fn curl(check: &Check, base_url: &str) -> String {
    let mut command = format!("curl -s -X {} '{base_url}{}'", check.method, check.path);
    if check.token != TokenKind::Missing {
        command.push_str(" -H \"Authorization: Bearer $TOKEN\"");
    }
    if let Some(body) = &check.body {
        let text = String::from_utf8_lossy(&payload(body)).replace('\'', "'\\''");
        command.push_str(&format!(" -H 'Content-Type: application/json' -d '{text}'"));
    }
    command
}
