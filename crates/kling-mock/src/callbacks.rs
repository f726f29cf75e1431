//! Callback delivery: with `callback_url`, the task object is POSTed on every status
//! change (REFERENCE.md §d), in the form of the surface the task was created on (the
//! legacy task object, or the `/tasks` item of the new-standard API).
//!
//! Each task gets its own delivery queue, drained by one tokio task, so a task's
//! callbacks arrive in order while a slow receiver never blocks the engine or other
//! tasks. A delivery has a timeout; failures are logged and not retried (the official
//! docs define no retry policy).

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
}

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

    /// Opens the delivery queue of one task. Must be called inside the tokio runtime.
    pub fn open(&self, url: String) -> CallbackQueue {
        let (queue, mut pending) = mpsc::unbounded_channel::<Callback>();
        let client = self.client.clone();
        tokio::spawn(async move {
            while let Some(task) = pending.recv().await {
                deliver(&client, &url, &task).await;
            }
        });
        queue
    }
}

async fn deliver(client: &reqwest::Client, url: &str, callback: &Callback) {
    let (task_id, status) = (callback.task_id, callback.status);
    let request =
        client.post(url).header(reqwest::header::CONTENT_TYPE, "application/json").body(callback.body.clone());
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
