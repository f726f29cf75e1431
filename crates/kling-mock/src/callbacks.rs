//! Callback delivery: with `callback_url`, the task object is POSTed on every status
//! change (REFERENCE.md §d), in the form of the surface the task was created on (the
//! legacy task object, or the `/tasks` item of the new-standard API).
//!
//! Each task gets its own delivery queue, drained by one tokio task, so a task's
//! callbacks arrive in order while a slow receiver never blocks the engine or other
//! tasks. A delivery has a timeout; failures are logged and not retried (the official
//! docs define no retry policy).
//!
//! With Webhook Secrets a callback is signed (Standard Webhooks, [`kling_api::webhook`]):
//! `webhook-id` names the event (the same on a redelivery), `webhook-timestamp` is the
//! simulated second it was made. A scenario can break the signature of a task's
//! callbacks (forged, missing, stale) or deliver each twice, to test receivers.

use std::time::Duration;

use tokio::sync::mpsc;

/// Sends callbacks.
#[derive(Debug, Clone)]
pub struct Callbacks {
    client: reqwest::Client,
}

/// One callback: the JSON body, rendered when the transition happened.
#[derive(Debug)]
pub struct Callback {
    /// The task it reports on (for the log).
    pub task_id: u64,
    /// The status it reports (for the log).
    pub status: &'static str,
    /// The JSON body.
    pub body: Vec<u8>,
    /// The event's id and time, and the secrets that sign it (none: unsigned).
    pub signing: Signing,
}

/// What a callback is signed with.
#[derive(Debug, Clone, Default)]
pub struct Signing {
    /// `webhook-id`.
    pub id: String,
    /// `webhook-timestamp`: simulated Unix seconds when the callback was made.
    pub timestamp_s: i64,
    /// The account's signing secrets, newest first.
    pub secrets: Vec<kling_api::webhook::Secret>,
}

/// How a scenario breaks a task's callbacks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CallbackFault {
    /// Sign wrongly, leave the signature out, or stamp the callback too old.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signature: Option<SignatureFault>,
    /// Deliver every callback twice, with the same `webhook-id` (a redelivery).
    #[serde(default)]
    pub duplicate: bool,
}

/// A broken signature.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SignatureFault {
    /// Signed with a secret the account does not have.
    Forged,
    /// No `webhook-signature` header.
    Missing,
    /// Correctly signed, but stamped ten minutes before it was made (outside the five
    /// minutes receivers accept).
    Stale,
}

/// How old a stale callback claims to be.
pub const STALE_BY_S: i64 = 600;

/// The sending end of one task's delivery queue; dropping it ends the queue.
pub type CallbackQueue = mpsc::UnboundedSender<Callback>;

impl Callbacks {
    /// A sender whose every POST may take at most `timeout`.
    pub fn new(timeout: Duration) -> Callbacks {
        let client = reqwest::Client::builder()
            .timeout(timeout)
            .user_agent(concat!("kling-mock/", env!("CARGO_PKG_VERSION")))
            .build()
            .unwrap_or_default();
        Callbacks { client }
    }

    /// Opens the delivery queue of one task, its callbacks broken as `fault` says. Must
    /// be called inside the tokio runtime.
    pub fn open(&self, url: String, fault: CallbackFault) -> CallbackQueue {
        let (queue, mut pending) = mpsc::unbounded_channel::<Callback>();
        let client = self.client.clone();
        tokio::spawn(async move {
            while let Some(task) = pending.recv().await {
                let times = if fault.duplicate { 2 } else { 1 };
                for _ in 0..times {
                    deliver(&client, &url, &task, fault.signature).await;
                }
            }
        });
        queue
    }

    /// Sends one body to `url` now (the console's test callback) and says what the
    /// receiver answered.
    pub async fn send_once(&self, url: &str, body: Vec<u8>, signing: Signing) -> Result<u16, String> {
        let request = signed(self.client.post(url), &body, &signing, None);
        match request.body(body).send().await {
            Ok(response) => Ok(response.status().as_u16()),
            Err(error) => Err(error.to_string()),
        }
    }
}

/// Content type and, with secrets, the three signature headers, broken as `fault` says.
fn signed(
    request: reqwest::RequestBuilder,
    body: &[u8],
    signing: &Signing,
    fault: Option<SignatureFault>,
) -> reqwest::RequestBuilder {
    use kling_api::webhook::{HEADER_ID, HEADER_SIGNATURE, HEADER_TIMESTAMP, signature_header};
    let request = request.header(reqwest::header::CONTENT_TYPE, "application/json; charset=utf-8");
    if signing.secrets.is_empty() && fault != Some(SignatureFault::Forged) {
        return request;
    }
    let timestamp = match fault {
        Some(SignatureFault::Stale) => signing.timestamp_s.saturating_sub(STALE_BY_S),
        _ => signing.timestamp_s,
    };
    let request = request.header(HEADER_ID, &signing.id).header(HEADER_TIMESTAMP, timestamp.to_string());
    match fault {
        Some(SignatureFault::Missing) => request,
        Some(SignatureFault::Forged) => {
            let forger = forged_secret(&signing.id);
            request.header(HEADER_SIGNATURE, signature_header([&forger], &signing.id, timestamp, body))
        }
        Some(SignatureFault::Stale) | None => {
            request.header(HEADER_SIGNATURE, signature_header(&signing.secrets, &signing.id, timestamp, body))
        }
    }
}

/// A secret no account has: derived from the event id, so runs repeat.
fn forged_secret(id: &str) -> kling_api::webhook::Secret {
    use base64::Engine as _;
    use sha2::Digest;
    let key = sha2::Sha256::digest(format!("forged {id}").as_bytes());
    let text =
        format!("{}{}", kling_api::webhook::SECRET_PREFIX, base64::engine::general_purpose::STANDARD.encode(key));
    text.parse().unwrap_or_else(|_| unreachable!("32 bytes of Base64 make a valid secret"))
}

async fn deliver(client: &reqwest::Client, url: &str, callback: &Callback, fault: Option<SignatureFault>) {
    let (task_id, status) = (callback.task_id, callback.status);
    let request = signed(client.post(url), &callback.body, &callback.signing, fault).body(callback.body.clone());
    match request.send().await {
        Ok(response) if response.status().is_success() => {
            tracing::debug!(task_id, status, "callback delivered");
        }
        Ok(response) => {
            tracing::warn!(task_id, status, http = %response.status(), "callback receiver answered non-2xx");
        }
        Err(error) => {
            tracing::warn!(task_id, status, %error, "callback delivery failed");
        }
    }
}
