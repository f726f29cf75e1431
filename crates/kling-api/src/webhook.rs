//! Signed callbacks (official callback page, "Webhook Signature", 2026-08-07): the
//! Standard Webhooks scheme. With a Webhook Secret, every callback carries
//! `webhook-id`, `webhook-timestamp` (Unix seconds) and `webhook-signature`
//! (`v1,<base64 HMAC-SHA256>`, several separated by spaces while a rotated secret is in
//! its grace period). The signed string is `{webhook-id}.{webhook-timestamp}.{raw body}`;
//! the key is the Base64 decoding of the secret without its `whsec_` prefix.
//!
//! Both sides live here so that the emulator signs and the client verifies with one
//! reading of the page; the examples check the emulator against the third-party
//! `standardwebhooks` libraries as well.

use base64::Engine as _;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use subtle::ConstantTimeEq;

/// Header with the callback's unique id (the same on a redelivery of one event).
pub const HEADER_ID: &str = "webhook-id";
/// Header with the Unix seconds the callback was made.
pub const HEADER_TIMESTAMP: &str = "webhook-timestamp";
/// Header with the signatures.
pub const HEADER_SIGNATURE: &str = "webhook-signature";
/// The prefix of every secret.
pub const SECRET_PREFIX: &str = "whsec_";
/// How far a timestamp may be from the receiver's clock: "within ±5 minutes".
pub const TOLERANCE_S: i64 = 5 * 60;
/// How long a secret replaced by a standard rotation still signs: "7-day grace period".
pub const ROTATION_GRACE_MS: i64 = 7 * 24 * 3600 * 1000;
/// The signature scheme's version tag.
pub const VERSION: &str = "v1";

/// The console's test callback body ("Test Callback Request Body Example"): status
/// fixed to `submitted`, `outputs` empty, `message` empty; the id and times are the
/// page's.
pub const TEST_CALLBACK_BODY: &str = r#"{"id":"913827032734642185","status":"submitted","outputs":[],"message":"","create_time":1785901861504,"update_time":1785901861504}"#;

/// A webhook secret that is not `whsec_` followed by Base64.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadSecret;

impl std::fmt::Display for BadSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a webhook secret is whsec_ followed by Base64 (at least 16 bytes once decoded)")
    }
}

impl std::error::Error for BadSecret {}

/// A webhook secret, decoded. Its `Debug` form never shows the key.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret {
    key: Vec<u8>,
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

impl std::str::FromStr for Secret {
    type Err = BadSecret;

    /// Reads `whsec_<base64>`; the prefix is required, as the console writes it.
    fn from_str(text: &str) -> Result<Secret, BadSecret> {
        let encoded = text.trim().strip_prefix(SECRET_PREFIX).ok_or(BadSecret)?;
        let key = base64::engine::general_purpose::STANDARD.decode(encoded).map_err(|_| BadSecret)?;
        if key.len() < 16 {
            return Err(BadSecret);
        }
        Ok(Secret { key })
    }
}

impl Secret {
    /// A short name that never reveals the secret: the first 12 hex digits of the
    /// SHA-256 of its key.
    pub fn fingerprint(&self) -> String {
        use sha2::Digest;
        Sha256::digest(&self.key).iter().take(6).map(|b| format!("{b:02x}")).collect()
    }

    /// The signature of one callback, without the `v1,` tag.
    pub fn signature(&self, id: &str, timestamp: i64, body: &[u8]) -> String {
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.key).unwrap_or_else(|_| unreachable_hmac());
        mac.update(id.as_bytes());
        mac.update(b".");
        mac.update(timestamp.to_string().as_bytes());
        mac.update(b".");
        mac.update(body);
        base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
    }
}

/// HMAC accepts keys of any length; this is never reached.
fn unreachable_hmac() -> Hmac<Sha256> {
    unreachable!("HMAC-SHA256 takes keys of every length")
}

/// The `webhook-signature` header for `secrets` (newest first): one `v1,<sig>` each,
/// separated by spaces.
pub fn signature_header<'a>(
    secrets: impl IntoIterator<Item = &'a Secret>,
    id: &str,
    timestamp: i64,
    body: &[u8],
) -> String {
    let signatures: Vec<String> =
        secrets.into_iter().map(|s| format!("{VERSION},{}", s.signature(id, timestamp, body))).collect();
    signatures.join(" ")
}

/// Why a callback failed verification.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rejection {
    /// A signature header is missing.
    MissingHeader(&'static str),
    /// `webhook-timestamp` is not a whole number of seconds.
    BadTimestamp,
    /// The timestamp is older than the tolerance allows (a replay, or a slow queue).
    Stale,
    /// The timestamp is ahead of the receiver's clock by more than the tolerance.
    FromTheFuture,
    /// No `v1` signature matches any of the receiver's secrets.
    BadSignature,
}

impl std::fmt::Display for Rejection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Rejection::MissingHeader(name) => write!(f, "the {name} header is missing"),
            Rejection::BadTimestamp => f.write_str("webhook-timestamp is not Unix seconds"),
            Rejection::Stale => write!(f, "webhook-timestamp is more than {TOLERANCE_S} s old"),
            Rejection::FromTheFuture => write!(f, "webhook-timestamp is more than {TOLERANCE_S} s ahead"),
            Rejection::BadSignature => f.write_str("no signature matches the webhook secret"),
        }
    }
}

impl std::error::Error for Rejection {}

/// What a received callback says about itself: its three headers, as sent.
#[derive(Debug, Clone, Copy)]
pub struct Signed<'a> {
    /// `webhook-id`.
    pub id: Option<&'a str>,
    /// `webhook-timestamp`.
    pub timestamp: Option<&'a str>,
    /// `webhook-signature`.
    pub signature: Option<&'a str>,
}

/// Verifies a callback as the page's "Manual Verification" does: the timestamp within
/// `tolerance_s` of `now_s`, then any `v1` signature matching any of `secrets`, compared
/// in constant time.
pub fn verify(
    secrets: &[Secret],
    signed: Signed<'_>,
    body: &[u8],
    now_s: i64,
    tolerance_s: i64,
) -> Result<(), Rejection> {
    let id = signed.id.ok_or(Rejection::MissingHeader(HEADER_ID))?;
    let timestamp = signed.timestamp.ok_or(Rejection::MissingHeader(HEADER_TIMESTAMP))?;
    let signature = signed.signature.ok_or(Rejection::MissingHeader(HEADER_SIGNATURE))?;
    let timestamp: i64 = timestamp.trim().parse().map_err(|_| Rejection::BadTimestamp)?;
    if now_s.saturating_sub(timestamp) > tolerance_s {
        return Err(Rejection::Stale);
    }
    if timestamp.saturating_sub(now_s) > tolerance_s {
        return Err(Rejection::FromTheFuture);
    }
    let offered: Vec<&str> = signature
        .split(' ')
        .filter_map(|part| part.split_once(','))
        .filter(|(version, _)| *version == VERSION)
        .map(|(_, sig)| sig)
        .collect();
    let matches = secrets.iter().any(|secret| {
        let expected = secret.signature(id, timestamp, body);
        offered.iter().any(|sig| bool::from(sig.as_bytes().ct_eq(expected.as_bytes())))
    });
    if matches { Ok(()) } else { Err(Rejection::BadSignature) }
}

#[cfg(test)]
mod tests {
    use super::*;

    const VECTOR_SECRET: &str = "whsec_dGVzdHNlY3JldHRlc3RzZWNyZXR0ZXN0c2VjcmV0MTI=";
    const VECTOR_BODY: &str = r#"{"id":"1234567890","status":"succeeded","message":"","create_time":1781080778802,"update_time":1781080794151}"#;

    fn secret(text: &str) -> Secret {
        text.parse().unwrap_or_else(|e| panic!("{text}: {e}"))
    }

    #[test]
    fn the_official_test_vector_signs_as_the_page_says() {
        let header = signature_header([&secret(VECTOR_SECRET)], "9876543210", 1_781_080_794, VECTOR_BODY.as_bytes());
        assert_eq!(header, "v1,UsKlJP00XoQyOn410NM9xv34sP+Gl0jnOO9Lcpr7NJ4=");
    }

    #[test]
    fn verification_checks_time_signature_and_rotation_lists() {
        let (old, new) = (secret(VECTOR_SECRET), secret("whsec_bmV3c2VjcmV0bmV3c2VjcmV0bmV3c2VjcmV0IQ=="));
        let body = VECTOR_BODY.as_bytes();
        let both = signature_header([&new, &old], "1", 1000, body);
        assert_eq!(both.split(' ').count(), 2);
        let signed = Signed { id: Some("1"), timestamp: Some("1000"), signature: Some(&both) };
        assert_eq!(verify(std::slice::from_ref(&old), signed, body, 1000, TOLERANCE_S), Ok(()));
        assert_eq!(verify(std::slice::from_ref(&new), signed, body, 1200, TOLERANCE_S), Ok(()));
        assert_eq!(verify(std::slice::from_ref(&new), signed, b"{}", 1000, TOLERANCE_S), Err(Rejection::BadSignature));
        assert_eq!(
            verify(std::slice::from_ref(&new), signed, body, 1000 + TOLERANCE_S + 1, TOLERANCE_S),
            Err(Rejection::Stale)
        );
        assert_eq!(
            verify(std::slice::from_ref(&new), signed, body, 1000 - TOLERANCE_S - 1, TOLERANCE_S),
            Err(Rejection::FromTheFuture)
        );
        let unsigned = Signed { signature: None, ..signed };
        assert_eq!(verify(&[new], unsigned, body, 1000, TOLERANCE_S), Err(Rejection::MissingHeader(HEADER_SIGNATURE)));
    }

    #[test]
    fn secrets_need_the_prefix_and_base64_and_never_show() {
        assert!("dGVzdHNlY3JldHRlc3RzZWNyZXQ=".parse::<Secret>().is_err());
        assert!("whsec_not base64!".parse::<Secret>().is_err());
        assert!("whsec_c2hvcnQ=".parse::<Secret>().is_err());
        assert_eq!(format!("{:?}", secret(VECTOR_SECRET)), "Secret(<redacted>)");
    }
}
