//! Authentication exactly as REFERENCE.md §a.1 and §e: `Authorization: Bearer <JWT>`,
//! HS256 signed with the account's secret key, `iss` = access key, `exp`/`nbf` checked
//! with a small leeway; or, since 2026, `Authorization: Bearer <API key>`
//! (REFERENCE-2026.md §a.1).
//!
//! A bearer value is an API key when it is one of the configured keys (an exact lookup,
//! so a key may look like anything); otherwise it is read as a token. The new-standard
//! paths take API keys only: anything else there gets 401 / 1002 with the recorded AK/SK
//! text. On the legacy surface a value that is not JWT-shaped (three dot-separated parts)
//! gets the recorded `api key not found`. On a served day before API keys existed
//! (`--api-version`, `history::Feature::ApiKeys`) a bearer value is a token or invalid.
//!
//! | situation | code |
//! |---|---|
//! | header missing or empty | 1001 |
//! | not `Bearer`, malformed, bad signature, unknown `iss`, any algorithm but HS256 (`none` too) | 1002 |
//! | `now < nbf - leeway` | 1003 |
//! | `now >= exp + leeway` | 1004 |
//! | signed correctly but `exp` missing or not a number | 1000 |

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::FromRequestParts;
use axum::http::HeaderMap;
use axum::http::request::Parts;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use kling_api::ErrorKind;

use crate::error::ApiError;
use crate::state::AppState;
use crate::verified_tokens::{Verified, VerifiedTokens};

/// Index of an account in the registry; tasks are owned by it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AccountId(pub u32);

/// One API account: an access key and its secret, or an API key alone.
pub struct Account {
    /// Registry index.
    pub id: AccountId,
    /// The account's name everywhere the emulator shows one (journal, admin API, limits,
    /// scenarios, state file): the access key (`iss`), or for an account that has only an
    /// API key, `api-key-` and the key's fingerprint.
    pub access_key: String,
    /// The secret's decoding key; `None` for an account that has only an API key.
    key: Option<DecodingKey>,
}

/// A short, stable name for a secret that never reveals it: the first 12 hex digits of
/// its SHA-256.
pub fn fingerprint(secret: &str) -> String {
    use sha2::Digest;
    let digest = sha2::Sha256::digest(secret.as_bytes());
    digest.iter().take(6).map(|b| format!("{b:02x}")).collect()
}

/// Which surface a request is for: it decides what a bearer value may be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Surface {
    /// `/v1/**`, `/account/**`: tokens and API keys.
    Legacy,
    /// The new-standard paths, `/tasks` and the Solutions API: API keys only.
    Standard,
}

impl std::fmt::Debug for Account {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Account").field("id", &self.id).field("access_key", &self.access_key).finish_non_exhaustive()
    }
}

/// All configured accounts, by access key and by API key.
#[derive(Debug, Default)]
pub struct Accounts {
    by_key: HashMap<String, Arc<Account>>,
    by_api_key: HashMap<String, Arc<Account>>,
    /// Tokens already verified against one of these accounts.
    verified: VerifiedTokens,
}

/// An API key and, when it belongs to an AK/SK account, that account's access key.
#[derive(Clone, PartialEq, Eq)]
pub struct ApiKey {
    /// The key, as clients send it.
    pub key: String,
    /// The access key of the account it shares tasks, packs and limits with.
    pub bound_to: Option<String>,
}

impl ApiKey {
    /// A key of its own account.
    pub fn new(key: impl Into<String>) -> ApiKey {
        ApiKey { key: key.into(), bound_to: None }
    }

    /// A key of the AK/SK account `access_key`.
    pub fn bound(key: impl Into<String>, access_key: impl Into<String>) -> ApiKey {
        ApiKey { key: key.into(), bound_to: Some(access_key.into()) }
    }
}

impl std::fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ApiKey")
            .field("fingerprint", &fingerprint(&self.key))
            .field("bound_to", &self.bound_to)
            .finish()
    }
}

impl std::str::FromStr for ApiKey {
    type Err = String;

    /// Parses `KEY` or `KEY=ACCESS_KEY`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let (key, bound) = match s.split_once('=') {
            Some((key, access)) => (key, Some(access)),
            None => (s, None),
        };
        if key.trim().is_empty() || key.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err("expected KEY or KEY=ACCESS_KEY, the key non-empty and without spaces".to_owned());
        }
        match bound {
            Some("") => Err("KEY=ACCESS_KEY needs the access key after '='".to_owned()),
            Some(access) => Ok(ApiKey::bound(key, access)),
            None => Ok(ApiKey::new(key)),
        }
    }
}

impl Accounts {
    /// A registry of `(access key, secret key)` pairs; later duplicates replace earlier ones.
    pub fn new<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Accounts {
        let mut by_key = HashMap::new();
        for (i, (access, secret)) in pairs.into_iter().enumerate() {
            let id = AccountId(u32::try_from(i).unwrap_or(u32::MAX));
            let account =
                Account { id, access_key: access.to_owned(), key: Some(DecodingKey::from_secret(secret.as_bytes())) };
            by_key.insert(access.to_owned(), Arc::new(account));
        }
        Accounts { by_key, by_api_key: HashMap::new(), verified: VerifiedTokens::default() }
    }

    /// Adds API keys: a bound key shares its AK/SK account, an unbound one is an account
    /// of its own. A key bound to an access key no account has is an error.
    pub fn with_api_keys(mut self, keys: &[ApiKey]) -> Result<Accounts, String> {
        for api_key in keys {
            let account = match &api_key.bound_to {
                Some(access) => self.by_key.get(access).cloned().ok_or_else(|| {
                    format!(
                        "API key {} is bound to access key {access:?}, which no account has",
                        fingerprint(&api_key.key)
                    )
                })?,
                None => {
                    // Key-only accounts are in `by_key` too, so this is every account.
                    let next = self.by_key.values().map(|a| a.id.0 + 1).max();
                    let name = format!("api-key-{}", fingerprint(&api_key.key));
                    let account = Arc::new(Account { id: AccountId(next.unwrap_or(0)), access_key: name, key: None });
                    self.by_key.insert(account.access_key.clone(), account.clone());
                    account
                }
            };
            self.by_api_key.insert(api_key.key.clone(), account);
        }
        Ok(self)
    }

    /// The account an API key belongs to.
    pub fn by_api_key(&self, key: &str) -> Option<&Arc<Account>> {
        self.by_api_key.get(key)
    }

    /// The account with this access key.
    pub fn get(&self, access_key: &str) -> Option<&Arc<Account>> {
        self.by_key.get(access_key)
    }

    /// Every account.
    pub fn iter(&self) -> impl Iterator<Item = &Arc<Account>> {
        self.by_key.values()
    }
}

#[derive(serde::Deserialize)]
struct Issuer {
    iss: Option<serde_json::Value>,
}

#[derive(serde::Deserialize)]
struct TimeClaims {
    exp: Option<serde_json::Value>,
    nbf: Option<serde_json::Value>,
}

fn fail(kind: ErrorKind, message: &str) -> ApiError {
    ApiError::with_message(kind, message)
}

/// Verifies the Authorization header at `now_s` (Unix seconds) for a request to
/// `surface` and returns the account.
pub fn authenticate(
    headers: &HeaderMap,
    accounts: &Accounts,
    now_s: i64,
    leeway_s: i64,
    surface: Surface,
    api_keys: bool,
) -> Result<Arc<Account>, ApiError> {
    let Some(raw) = headers.get(axum::http::header::AUTHORIZATION) else {
        return Err(fail(ErrorKind::AuthEmpty, "Authorization is empty"));
    };
    let value = raw.to_str().map_err(|_| fail(ErrorKind::AuthInvalid, "Authorization is invalid"))?;
    // HTTP stacks trim trailing whitespace, so "Bearer " arrives as "Bearer".
    if value.trim().is_empty() || value.trim().eq_ignore_ascii_case("Bearer") {
        return Err(fail(ErrorKind::AuthEmpty, "Authorization is empty"));
    }
    // The scheme is case-insensitive (RFC 9110 §11.1).
    let token = value
        .split_once(' ')
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("Bearer"))
        .map(|(_, token)| token)
        .ok_or_else(|| fail(ErrorKind::AuthInvalid, "Authorization is invalid: expected \"Bearer <token>\""))?;
    if token.trim().is_empty() {
        return Err(fail(ErrorKind::AuthEmpty, "Authorization is empty"));
    }
    let invalid = || fail(ErrorKind::AuthInvalid, "Authorization is invalid");
    // Before API keys existed a bearer value was a token or nothing.
    if api_keys {
        if let Some(account) = accounts.by_api_key(token) {
            return Ok(account.clone());
        }
        if surface == Surface::Standard {
            return Err(fail(ErrorKind::AuthInvalid, kling_api::standard::AKSK_REJECTED));
        }
        if !looks_like_jwt(token) {
            return Err(fail(ErrorKind::AuthInvalid, kling_api::standard::API_KEY_NOT_FOUND));
        }
    } else if !looks_like_jwt(token) {
        return Err(invalid());
    }
    if let Some(known) = accounts.verified.get(token) {
        check_times(known.exp, known.nbf, now_s, leeway_s)?;
        return Ok(known.account);
    }
    let header = jsonwebtoken::decode_header(token).map_err(|_| invalid())?;
    if header.alg != Algorithm::HS256 {
        return Err(fail(ErrorKind::AuthInvalid, "Authorization is invalid: algorithm must be HS256"));
    }
    let issuer = jsonwebtoken::dangerous::insecure_decode::<Issuer>(token).map_err(|_| invalid())?.claims;
    let access_key = issuer.iss.as_ref().and_then(serde_json::Value::as_str).ok_or_else(invalid)?;
    let account = accounts.get(access_key).ok_or_else(invalid)?;

    let mut validation = Validation::new(Algorithm::HS256);
    validation.validate_exp = false;
    validation.validate_nbf = false;
    validation.validate_aud = false;
    validation.required_spec_claims.clear();
    let key = account.key.as_ref().ok_or_else(invalid)?;
    let claims = jsonwebtoken::decode::<TimeClaims>(token, key, &validation).map_err(|_| invalid())?.claims;

    let seconds = |v: &serde_json::Value| v.as_f64().map(|f| f.floor() as i64);
    let exp = claims
        .exp
        .as_ref()
        .and_then(seconds)
        .ok_or_else(|| fail(ErrorKind::AuthFailed, "Authentication failed: exp claim is required"))?;
    let nbf = match claims.nbf.as_ref() {
        Some(nbf) => Some(
            seconds(nbf)
                .ok_or_else(|| fail(ErrorKind::AuthFailed, "Authentication failed: nbf claim must be a number"))?,
        ),
        None => None,
    };
    // The signature and the claims are good whatever the time: remember them, then judge
    // the time as every later use of the token will.
    accounts.verified.remember(token, Verified { account: account.clone(), exp, nbf });
    check_times(exp, nbf, now_s, leeway_s)?;
    Ok(account.clone())
}

/// `nbf` and `exp` against the clock, with the leeway either way.
fn check_times(exp: i64, nbf: Option<i64>, now_s: i64, leeway_s: i64) -> Result<(), ApiError> {
    if nbf.is_some_and(|nbf| now_s < nbf.saturating_sub(leeway_s)) {
        return Err(fail(ErrorKind::AuthNotYetValid, "Authorization is not yet valid"));
    }
    if now_s >= exp.saturating_add(leeway_s) {
        return Err(fail(ErrorKind::AuthExpired, "Authorization has expired"));
    }
    Ok(())
}

/// Whether a bearer value has the shape of a JWT: three dot-separated base64url parts.
fn looks_like_jwt(token: &str) -> bool {
    let mut parts = token.split('.');
    let (Some(header), Some(claims), Some(signature), None) = (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return false;
    };
    !header.is_empty()
        && !claims.is_empty()
        && [header, claims, signature]
            .iter()
            .all(|p| p.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b == b'='))
}

/// Extractor for handlers that need an authenticated account.
#[derive(Debug, Clone)]
pub struct Authenticated(pub Arc<Account>);

impl FromRequestParts<Arc<AppState>> for Authenticated {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &Arc<AppState>) -> Result<Self, Self::Rejection> {
        let now_s = state.auth_now_ms().div_euclid(1000);
        let surface = if kling_api::standard::is_api_key_only_path(parts.uri.path()) {
            Surface::Standard
        } else {
            Surface::Legacy
        };
        let api_keys = state.config.api_day.has(kling_api::history::Feature::ApiKeys);
        let account =
            authenticate(&parts.headers, &state.accounts, now_s, state.config.jwt_leeway_s, surface, api_keys)?;
        if let Some(slot) = parts.extensions.get::<crate::journal::NoteSlot>() {
            slot.0.lock().account = Some(account.clone());
        }
        Ok(Authenticated(account))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bearer(secret: &str, claims: serde_json::Value) -> HeaderMap {
        let key = jsonwebtoken::EncodingKey::from_secret(secret.as_bytes());
        let token = jsonwebtoken::encode(&jsonwebtoken::Header::new(Algorithm::HS256), &claims, &key)
            .unwrap_or_else(|e| panic!("{e}"));
        let mut headers = HeaderMap::new();
        let value = format!("Bearer {token}").parse().unwrap_or_else(|e| panic!("{e}"));
        headers.insert(axum::http::header::AUTHORIZATION, value);
        headers
    }

    fn kind_at(headers: &HeaderMap, accounts: &Accounts, now_s: i64) -> Option<ErrorKind> {
        authenticate(headers, accounts, now_s, 5, Surface::Legacy, true).err().map(|e| e.kind)
    }

    #[test]
    fn a_remembered_token_is_still_judged_by_the_clock_and_a_forged_one_is_never_remembered() {
        let accounts = Accounts::new([("ak", "sk")]);
        let good = bearer("sk", serde_json::json!({"iss": "ak", "exp": 1000, "nbf": 900}));
        assert_eq!(kind_at(&good, &accounts, 950), None);
        assert_eq!(accounts.verified.len(), 1);
        assert_eq!(kind_at(&good, &accounts, 960), None, "from memory");
        assert_eq!(kind_at(&good, &accounts, 1004), None, "within the leeway");
        assert_eq!(kind_at(&good, &accounts, 1005), Some(ErrorKind::AuthExpired));
        assert_eq!(kind_at(&good, &accounts, 894), Some(ErrorKind::AuthNotYetValid));
        let forged = bearer("not-the-secret", serde_json::json!({"iss": "ak", "exp": 1000}));
        assert_eq!(kind_at(&forged, &accounts, 950), Some(ErrorKind::AuthInvalid));
        let no_exp = bearer("sk", serde_json::json!({"iss": "ak"}));
        assert_eq!(kind_at(&no_exp, &accounts, 950), Some(ErrorKind::AuthFailed));
        assert_eq!(accounts.verified.len(), 1, "only verified tokens are remembered");
        let expired_first = bearer("sk", serde_json::json!({"iss": "ak", "exp": 10}));
        assert_eq!(kind_at(&expired_first, &accounts, 950), Some(ErrorKind::AuthExpired));
        assert_eq!(kind_at(&expired_first, &accounts, 950), Some(ErrorKind::AuthExpired), "from memory too");
    }
}
