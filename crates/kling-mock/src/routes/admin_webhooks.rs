//! Webhook Secrets and the test callback in the admin API, as the console offers them:
//! `GET /__admin/accounts/{ak}/webhook-secrets` lists fingerprints (never a secret),
//! `POST` creates the first, `POST .../rotate` rotates (`emergency` drops the old one at
//! once, otherwise it signs for 7 more simulated days), `DELETE .../previous` drops the
//! rotated-out ones, `DELETE` drops all (callbacks go unsigned).
//! `POST /__admin/callbacks/test` sends the console's test body, signed, to a URL.

use std::sync::Arc;

use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use axum::routing::{get, post};
use axum::{Json, Router};
use kling_api::webhook::{Secret, TEST_CALLBACK_BODY};
use serde::Deserialize;
use serde_json::{Value, json};

use super::admin::{Shared, bad_request, find_account, json_body};
use crate::auth::{Account, AccountId};
use crate::error::ApiError;
use crate::state::AppState;
use crate::webhooks::{SecretError, WebhookSecrets};

pub(super) fn router() -> Router<Arc<AppState>> {
    Router::new()
        .route("/accounts/{access_key}/webhook-secrets", get(list).post(create).delete(delete_all))
        .route("/accounts/{access_key}/webhook-secrets/rotate", post(rotate))
        .route("/accounts/{access_key}/webhook-secrets/previous", axum::routing::delete(delete_previous))
        .route("/callbacks/test", post(test_callback))
}

/// A secret in a request body; the answer shows only its fingerprint.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SecretBody {
    secret: String,
    #[serde(default)]
    emergency: bool,
}

fn secret_of(body: &SecretBody) -> Result<Secret, ApiError> {
    body.secret.parse().map_err(|e: kling_api::webhook::BadSecret| bad_request(format!("secret: {e}")))
}

/// Applies `change` to the account's secrets at the simulated now, then lists them.
fn changed(
    state: &AppState,
    account: &Account,
    change: impl FnOnce(&mut WebhookSecrets, AccountId, i64) -> Result<(), SecretError>,
) -> Result<Json<Value>, ApiError> {
    let now = state.clock.now_ms();
    change(&mut state.engine.webhook_secrets().write(), account.id, now).map_err(|e| bad_request(e.to_string()))?;
    Ok(listing(state, account))
}

fn listing(state: &AppState, account: &Account) -> Json<Value> {
    let now = state.clock.now_ms();
    let secrets = state.engine.webhook_secrets().write().list(account.id, now);
    Json(json!({"access_key": account.access_key, "webhook_secrets": secrets}))
}

async fn list(State(state): Shared, Path(access_key): Path<String>) -> Result<Json<Value>, ApiError> {
    Ok(listing(&state, find_account(&state, &access_key)?))
}

async fn create(
    State(state): Shared,
    Path(access_key): Path<String>,
    body: Result<Json<SecretBody>, JsonRejection>,
) -> Result<Json<Value>, ApiError> {
    let body = json_body(body)?;
    let account = find_account(&state, &access_key)?;
    let secret = secret_of(&body)?;
    changed(&state, account, |secrets, id, now| secrets.create(id, secret, now))
}

async fn rotate(
    State(state): Shared,
    Path(access_key): Path<String>,
    body: Result<Json<SecretBody>, JsonRejection>,
) -> Result<Json<Value>, ApiError> {
    let body = json_body(body)?;
    let account = find_account(&state, &access_key)?;
    let secret = secret_of(&body)?;
    changed(&state, account, |secrets, id, now| secrets.rotate(id, secret, body.emergency, now))
}

async fn delete_previous(State(state): Shared, Path(access_key): Path<String>) -> Result<Json<Value>, ApiError> {
    let account = find_account(&state, &access_key)?;
    changed(&state, account, |secrets, id, now| secrets.delete_previous(id, now))
}

async fn delete_all(State(state): Shared, Path(access_key): Path<String>) -> Result<Json<Value>, ApiError> {
    let account = find_account(&state, &access_key)?;
    changed(&state, account, |secrets, id, now| {
        secrets.delete_all(id, now);
        Ok(())
    })
}

/// Body of `POST /__admin/callbacks/test`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TestCallback {
    /// Where to send it.
    url: String,
    /// Whose secrets sign it [default: the first account].
    access_key: Option<String>,
}

/// Sends the console's test callback (its recorded body) to `url`, signed with the
/// account's secrets, and answers what the receiver said.
async fn test_callback(
    State(state): Shared,
    body: Result<Json<TestCallback>, JsonRejection>,
) -> Result<Json<Value>, ApiError> {
    let body = json_body(body)?;
    let account = match &body.access_key {
        Some(access_key) => find_account(&state, access_key)?.clone(),
        None => {
            let mut all: Vec<_> = state.accounts.iter().cloned().collect();
            all.sort_by_key(|a| a.id);
            all.into_iter().next().ok_or_else(|| bad_request("no account is configured"))?
        }
    };
    let id = crate::ids::mix(state.clock.now_ms().unsigned_abs()).to_string();
    let signing = state.engine.signing(&account, id.clone());
    let signed = !signing.secrets.is_empty();
    let answer = state.engine.callbacks().send_once(&body.url, TEST_CALLBACK_BODY.as_bytes().to_vec(), signing).await;
    match answer {
        Ok(status) => Ok(Json(json!({"webhook_id": id, "signed": signed, "receiver_status": status}))),
        Err(error) => Err(bad_request(format!("the test callback could not be delivered: {error}"))),
    }
}
