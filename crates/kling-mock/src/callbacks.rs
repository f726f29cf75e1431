//! Callback delivery: with `callback_url`, the task object is POSTed on every status
//! change (REFERENCE.md §d).
//!
//! Each task gets its own delivery queue, drained by one tokio task, so a task's
//! callbacks arrive in order while a slow receiver never blocks the engine or other
//! tasks. A delivery has a timeout; failures are logged and not retried (the official
//! docs define no retry policy).

use std::time::Duration;

use kling_api::wire::Task;
use tokio::sync::mpsc;

/// Sends callbacks.
#[derive(Debug, Clone)]
pub struct Callbacks {
    client: reqwest::Client,
}

/// The sending end of one task's delivery queue; dropping it ends the queue.
pub type CallbackQueue = mpsc::UnboundedSender<Task>;

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
        let (queue, mut pending) = mpsc::unbounded_channel::<Task>();
        let client = self.client.clone();
        tokio::spawn(async move {
            while let Some(task) = pending.recv().await {
                deliver(&client, &url, &task).await;
            }
        });
        queue
    }
}

async fn deliver(client: &reqwest::Client, url: &str, task: &Task) {
    let status = task.task_status.as_str();
    match client.post(url).json(task).send().await {
        Ok(response) if response.status().is_success() => {
            tracing::debug!(task_id = %task.task_id, status, "callback delivered");
        }
        Ok(response) => {
            tracing::warn!(task_id = %task.task_id, status, http = %response.status(), "callback receiver answered non-2xx");
        }
        Err(error) => {
            tracing::warn!(task_id = %task.task_id, status, %error, "callback delivery failed");
        }
    }
}
