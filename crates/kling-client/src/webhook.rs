//! Receiving callbacks: verify the Standard Webhooks signature Kling adds since
//! 2026-08-07 (`webhook-id`, `webhook-timestamp`, `webhook-signature`), then read the body
//! as the task it describes, legacy or new-standard.
//!
//! ```
//! use kling_client::webhook::{Callback, Verifier};
//! # fn handle(headers: &reqwest::header::HeaderMap, body: &[u8]) -> Result<(), kling_client::webhook::WebhookError> {
//! let verifier = Verifier::new(["whsec_dGVzdHNlY3JldHRlc3RzZWNyZXR0ZXN0c2VjcmV0MTI="])?;
//! match verifier.receive(headers, body)? {
//!     Callback::Legacy(task) => println!("{} is {}", task.task_id, task.task_status.as_str()),
//!     Callback::Standard(task) => println!("{} is {}", task.id, task.status.as_str()),
//! }
//! # Ok(()) }
//! ```

use kling_api::webhook::{HEADER_ID, HEADER_SIGNATURE, HEADER_TIMESTAMP, Rejection, Secret, Signed, TOLERANCE_S};
use kling_api::wire::Task;
use kling_api::wire_standard::TaskItem;
use reqwest::header::HeaderMap;
use serde_json::Value;

use crate::clock::{Clock, SystemClock};

/// Why a received callback was not accepted.
#[derive(Debug, thiserror::Error)]
pub enum WebhookError {
    /// A configured secret is not `whsec_<base64>`.
    #[error("webhook secret number {0} is not whsec_<base64>")]
    BadSecret(usize),
    /// No secret was configured: nothing could verify.
    #[error("no webhook secret is configured")]
    NoSecret,
    /// The signature did not verify: a forgery, a replay, a wrong secret.
    #[error("callback rejected: {0}")]
    Rejected(#[from] Rejection),
    /// The body is not a task of either surface.
    #[error("callback body is not a Kling task: {0}")]
    Body(#[source] serde_json::Error),
}

/// A callback body: the task as the surface that created it shows it.
#[derive(Debug, Clone, PartialEq)]
pub enum Callback {
    /// A `/v1` task: the body is the query answer's `data` (`task_id`, `task_status`, ...).
    Legacy(Box<Task>),
    /// A new-standard task: the body is a `/tasks` item (`id`, `status`, `outputs`, ...).
    Standard(Box<TaskItem>),
}

impl Callback {
    /// Reads a body: one with `task_id` is a legacy task, any other a new-standard one.
    pub fn parse(body: &[u8]) -> Result<Callback, WebhookError> {
        let value: Value = serde_json::from_slice(body).map_err(WebhookError::Body)?;
        if value.get("task_id").is_some() {
            serde_json::from_value(value).map(|t| Callback::Legacy(Box::new(t))).map_err(WebhookError::Body)
        } else {
            serde_json::from_value(value).map(|t| Callback::Standard(Box::new(t))).map_err(WebhookError::Body)
        }
    }

    /// The task id.
    pub fn task_id(&self) -> &str {
        match self {
            Callback::Legacy(task) => &task.task_id,
            Callback::Standard(task) => &task.id,
        }
    }

    /// Whether the task has finished (succeeded or failed): the last callback of a task.
    pub fn is_finished(&self) -> bool {
        match self {
            Callback::Legacy(task) => task.task_status.is_terminal(),
            Callback::Standard(task) => {
                matches!(
                    task.status,
                    kling_api::wire_standard::Status::Succeeded | kling_api::wire_standard::Status::Failed
                )
            }
        }
    }
}

/// Verifies callbacks against the account's Webhook Secrets. During a rotation give
/// both the new and the old secret: a callback signed by either passes.
#[derive(Debug)]
pub struct Verifier {
    secrets: Vec<Secret>,
    tolerance_s: i64,
    clock: Box<dyn Clock>,
}

impl Verifier {
    /// A verifier for these `whsec_…` secrets, with the documented five-minute tolerance
    /// and the machine's clock.
    pub fn new(secrets: impl IntoIterator<Item = impl AsRef<str>>) -> Result<Verifier, WebhookError> {
        let secrets = secrets
            .into_iter()
            .enumerate()
            .map(|(i, s)| s.as_ref().parse::<Secret>().map_err(|_| WebhookError::BadSecret(i)))
            .collect::<Result<Vec<_>, _>>()?;
        Verifier::from_secrets(secrets)
    }

    /// A verifier for secrets already parsed.
    pub fn from_secrets(secrets: Vec<Secret>) -> Result<Verifier, WebhookError> {
        if secrets.is_empty() {
            return Err(WebhookError::NoSecret);
        }
        Ok(Verifier { secrets, tolerance_s: TOLERANCE_S, clock: Box::new(SystemClock) })
    }

    /// With another tolerance for the timestamp, in seconds either way.
    pub fn tolerance_s(mut self, seconds: i64) -> Verifier {
        self.tolerance_s = seconds;
        self
    }

    /// With another clock: the emulator signs with its simulated time, so a receiver
    /// tested against a manual clock compares with that.
    pub fn clock(mut self, clock: impl Clock + 'static) -> Verifier {
        self.clock = Box::new(clock);
        self
    }

    /// Checks the three headers against the raw body, as received (before any parsing:
    /// the signature covers the exact bytes).
    pub fn verify(&self, headers: &HeaderMap, body: &[u8]) -> Result<(), WebhookError> {
        let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
        let signed =
            Signed { id: header(HEADER_ID), timestamp: header(HEADER_TIMESTAMP), signature: header(HEADER_SIGNATURE) };
        kling_api::webhook::verify(&self.secrets, signed, body, self.clock.now_unix_s(), self.tolerance_s)?;
        Ok(())
    }

    /// Verifies, then reads the body.
    pub fn receive(&self, headers: &HeaderMap, body: &[u8]) -> Result<Callback, WebhookError> {
        self.verify(headers, body)?;
        Callback::parse(body)
    }
}

/// The `webhook-id` of a callback: the same for every redelivery of one event, so a
/// receiver that remembers the ids it has handled ignores duplicates.
pub fn event_id(headers: &HeaderMap) -> Option<&str> {
    headers.get(HEADER_ID).and_then(|v| v.to_str().ok())
}
