//! JWT parsing and verification (`kling_mock::auth::authenticate`) on arbitrary input.
//!
//! The first byte picks what the rest is: a raw `Authorization` value, the claims of a
//! token correctly signed with the development secret, or header and claims (split at the
//! first 0xFF) signed with that secret, so that the checks after the signature are reached.
//! Whatever the input, verification returns an error or the development account; it
//! never panics.
#![no_main]

use axum::http::{HeaderMap, HeaderValue, header};
use base64::Engine as _;
use jsonwebtoken::{Algorithm, EncodingKey};
use kling_mock::auth::Accounts;
use kling_mock::config::{DEV_ACCESS_KEY, DEV_SECRET_KEY};
use libfuzzer_sys::fuzz_target;

const NOW_S: i64 = 1_750_000_000;

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

fn signed(header: &[u8], claims: &[u8]) -> Option<String> {
    let message = format!("{}.{}", b64(header), b64(claims));
    let key = EncodingKey::from_secret(DEV_SECRET_KEY.as_bytes());
    let signature = jsonwebtoken::crypto::sign(message.as_bytes(), &key, Algorithm::HS256).ok()?;
    Some(format!("Bearer {message}.{signature}"))
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else { return };
    let value = match mode % 3 {
        0 => HeaderValue::from_bytes(rest).ok(),
        1 => signed(br#"{"alg":"HS256","typ":"JWT"}"#, rest).and_then(|v| HeaderValue::from_str(&v).ok()),
        _ => {
            let split = rest.iter().position(|&b| b == 0xFF).unwrap_or(rest.len());
            let (head, claims) = rest.split_at(split);
            signed(head, claims.get(1..).unwrap_or_default()).and_then(|v| HeaderValue::from_str(&v).ok())
        }
    };
    let Some(value) = value else { return };
    let accounts = Accounts::new([(DEV_ACCESS_KEY, DEV_SECRET_KEY)]);
    let mut headers = HeaderMap::new();
    headers.insert(header::AUTHORIZATION, value);
    // With API keys on (today's API); the accounts have none, so only tokens can pass.
    let surface = kling_mock::auth::Surface::Legacy;
    if let Ok(account) = kling_mock::auth::authenticate(&headers, &accounts, NOW_S, 5, surface, true) {
        assert_eq!(account.access_key, DEV_ACCESS_KEY);
        assert_ne!(mode % 3, 0, "a raw header cannot carry a valid signature by chance");
    }
});
