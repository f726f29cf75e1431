//! Making the ids that stateful requests refer to: runs the kling-api
//! [`prerequisites::STEPS`] against a server and collects the placeholder values.
//!
//! An in-process emulator's clock is driven, so tasks finish at once; any other server is
//! polled in real time (a real video takes minutes), within a time limit.

use std::sync::Arc;
use std::time::Duration;

use kling_api::prerequisites::{self, Placeholders, STEPS};
use kling_mock::clock::Clock;
use serde_json::Value;

/// How waiting for a task works on a server.
#[derive(Debug, Clone)]
pub enum Pace {
    /// An in-process emulator: move its clock an hour and look again.
    Driven(Arc<Clock>),
    /// Anything else: look every `every`, up to `limit` in all.
    RealTime {
        /// Pause between looks.
        every: Duration,
        /// Longest wait for one task.
        limit: Duration,
    },
}

/// Why a step failed.
#[derive(Debug, thiserror::Error)]
pub enum PrepareError {
    /// The request could not be sent or read.
    #[error("{path}: {source}")]
    Http {
        /// Step path.
        path: &'static str,
        /// Transport error.
        #[source]
        source: reqwest::Error,
    },
    /// The server refused the step or the task failed.
    #[error("{path}: {answer}")]
    Refused {
        /// Step path.
        path: &'static str,
        /// What came back.
        answer: String,
    },
    /// The task did not finish in time.
    #[error("{path}: task {task_id} did not finish in time")]
    Timeout {
        /// Step path.
        path: &'static str,
        /// The task.
        task_id: String,
    },
}

/// The units the steps cost on a billing server (each step's endpoint at its base price).
pub fn cost() -> u32 {
    STEPS
        .iter()
        .filter_map(|s| kling_api::endpoints::ENDPOINTS.iter().find(|e| e.path == s.path))
        .map(|e| {
            kling_api::pricing::quote(&kling_api::pricing::Basis::new(e.id, e.default_model))
                .units
                .milli()
                .div_ceil(1000)
        })
        .map(|units| u32::try_from(units).unwrap_or(u32::MAX))
        .sum()
}

/// Runs every step against `base_url` with `token`; returns the placeholder values.
pub async fn run(
    http: &reqwest::Client,
    base_url: &str,
    token: &str,
    pace: &Pace,
) -> Result<Placeholders, PrepareError> {
    let mut known = Placeholders::new();
    for step in STEPS {
        let mut body: Value = serde_json::from_str(step.body).unwrap_or(Value::Null);
        prerequisites::fill(&mut body, &known);
        let data =
            call(http, reqwest::Method::POST, &format!("{base_url}{}", step.path), token, Some(&body), step.path)
                .await?;
        let data = if step.finish { finish(http, base_url, token, step.path, &data, pace).await? } else { data };
        for (placeholder, pointer) in step.picks {
            let value = prerequisites::pick(&data, pointer)
                .ok_or_else(|| PrepareError::Refused { path: step.path, answer: format!("no {pointer} in {data}") })?;
            known.insert((*placeholder).to_owned(), value);
        }
    }
    Ok(known)
}

async fn finish(
    http: &reqwest::Client,
    base_url: &str,
    token: &str,
    path: &'static str,
    created: &Value,
    pace: &Pace,
) -> Result<Value, PrepareError> {
    let task_id = created["task_id"].as_str().unwrap_or_default().to_owned();
    let url = format!("{base_url}{path}/{task_id}");
    let started = std::time::Instant::now();
    loop {
        match pace {
            Pace::Driven(clock) => clock.advance(Duration::from_secs(3600)),
            Pace::RealTime { every, .. } => tokio::time::sleep(*every).await,
        }
        let task = call(http, reqwest::Method::GET, &url, token, None, path).await?;
        match task["task_status"].as_str() {
            Some("succeed") => return Ok(task),
            Some("failed") => return Err(PrepareError::Refused { path, answer: task.to_string() }),
            _ => {}
        }
        let out_of_time = match pace {
            Pace::Driven(_) => started.elapsed() > Duration::from_secs(30),
            Pace::RealTime { limit, .. } => started.elapsed() > *limit,
        };
        if out_of_time {
            return Err(PrepareError::Timeout { path, task_id });
        }
    }
}

async fn call(
    http: &reqwest::Client,
    method: reqwest::Method,
    url: &str,
    token: &str,
    body: Option<&Value>,
    path: &'static str,
) -> Result<Value, PrepareError> {
    let mut request = http.request(method, url).bearer_auth(token);
    if let Some(body) = body {
        request = request.json(body);
    }
    let response = request.send().await.map_err(|source| PrepareError::Http { path, source })?;
    let answer: Value = response.json().await.map_err(|source| PrepareError::Http { path, source })?;
    if answer["code"].as_i64() != Some(0) {
        return Err(PrepareError::Refused { path, answer: answer.to_string() });
    }
    Ok(answer["data"].clone())
}
