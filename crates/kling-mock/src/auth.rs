//! Authentication exactly as REFERENCE.md §a.1 and §e: `Authorization: Bearer <JWT>`,
//! HS256 signed with the account's secret key, `iss` = access key, `exp`/`nbf` checked
//! with a small leeway.
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

/// Index of an account in the registry; tasks are owned by it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AccountId(pub u32);

/// One API account: an access key and its secret.
pub struct Account {
    /// Registry index.
    pub id: AccountId,
    /// The access key (`iss`).
    pub access_key: String,
    key: DecodingKey,
}

impl std::fmt::Debug for Account {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Account").field("id", &self.id).field("access_key", &self.access_key).finish_non_exhaustive()
    }
}

/// All configured accounts, by access key.
#[derive(Debug, Default)]
pub struct Accounts {
    by_key: HashMap<String, Arc<Account>>,
}

impl Accounts {
    /// A registry of `(access key, secret key)` pairs; later duplicates replace earlier ones.
    pub fn new<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Accounts {
        let mut by_key = HashMap::new();
        for (i, (access, secret)) in pairs.into_iter().enumerate() {
            let id = AccountId(u32::try_from(i).unwrap_or(u32::MAX));
            let account =
                Account { id, access_key: access.to_owned(), key: DecodingKey::from_secret(secret.as_bytes()) };
            by_key.insert(access.to_owned(), Arc::new(account));
        }
        Accounts { by_key }
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

/// Verifies the Authorization header at `now_s` (Unix seconds) and returns the account.
pub fn authenticate(
    headers: &HeaderMap,
    accounts: &Accounts,
    now_s: i64,
    leeway_s: i64,
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
    let claims = jsonwebtoken::decode::<TimeClaims>(token, &account.key, &validation).map_err(|_| invalid())?.claims;

    let seconds = |v: &serde_json::Value| v.as_f64().map(|f| f.floor() as i64);
    let exp = claims
        .exp
        .as_ref()
        .and_then(seconds)
        .ok_or_else(|| fail(ErrorKind::AuthFailed, "Authentication failed: exp claim is required"))?;
    if let Some(nbf) = claims.nbf.as_ref() {
        let nbf = seconds(nbf)
            .ok_or_else(|| fail(ErrorKind::AuthFailed, "Authentication failed: nbf claim must be a number"))?;
        if now_s < nbf.saturating_sub(leeway_s) {
            return Err(fail(ErrorKind::AuthNotYetValid, "Authorization is not yet valid"));
        }
    }
    if now_s >= exp.saturating_add(leeway_s) {
        return Err(fail(ErrorKind::AuthExpired, "Authorization has expired"));
    }
    Ok(account.clone())
}

/// Extractor for handlers that need an authenticated account.
#[derive(Debug, Clone)]
pub struct Authenticated(pub Arc<Account>);

impl FromRequestParts<Arc<AppState>> for Authenticated {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &Arc<AppState>) -> Result<Self, Self::Rejection> {
        let now_s = state.auth_now_ms().div_euclid(1000);
        let account = authenticate(&parts.headers, &state.accounts, now_s, state.config.jwt_leeway_s)?;
        if let Some(slot) = parts.extensions.get::<crate::journal::NoteSlot>() {
            slot.0.lock().access_key = Some(account.access_key.clone());
        }
        Ok(Authenticated(account))
    }
}
