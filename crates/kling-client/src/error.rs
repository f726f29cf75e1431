//! One error type for every failure, with the classification of the official error table
//! (REFERENCE.md §e), dialect-aware so the seed's codes classify too.

use std::time::Duration;

use kling_api::wire::Task;
use kling_api::wire_standard::TaskItem;
use kling_api::{Dialect, ErrorKind};

/// An error envelope answered by the service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    /// HTTP status.
    pub status: u16,
    /// The envelope's `code`.
    pub code: u32,
    /// The envelope's `message`.
    pub message: String,
    /// The envelope's `request_id`, for support.
    pub request_id: Option<String>,
    /// What the code means in the client's dialect (`None` for codes not in the table).
    pub kind: Option<ErrorKind>,
    /// The server's `Retry-After`, when it sent one.
    pub retry_after: Option<Duration>,
}

impl ApiError {
    /// Builds the error from an envelope, classifying the code in `dialect`.
    pub fn new(status: u16, code: u32, message: String, request_id: Option<String>, dialect: Dialect) -> ApiError {
        ApiError { status, code, message, request_id, kind: ErrorKind::from_code(code, dialect), retry_after: None }
    }
}

/// Everything that can go wrong.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The service answered with an error envelope.
    #[error("Kling API error {} (HTTP {}): {} [request_id {}]", .0.code, .0.status, .0.message, .0.request_id.as_deref().unwrap_or("-"))]
    Api(ApiError),
    /// The request did not complete: connection refused, reset, timed out, cut short.
    #[error("request failed: {0}")]
    Transport(#[source] reqwest::Error),
    /// The answer was not the expected JSON (a missing required field, a broken body).
    #[error("unexpected answer (HTTP {status}): {message}; body starts {body:?}")]
    Decode {
        /// HTTP status.
        status: u16,
        /// What was wrong.
        message: String,
        /// The first bytes of the body.
        body: String,
    },
    /// A task ended in `failed`.
    #[error("task {task_id} failed: {message}")]
    TaskFailed {
        /// The task id.
        task_id: String,
        /// Its `task_status_msg`.
        message: String,
        /// The task as last seen.
        task: Box<Task>,
    },
    /// A new-standard task ended in `failed`.
    #[error("task {task_id} failed: {message}")]
    StandardTaskFailed {
        /// The task id.
        task_id: String,
        /// Its `message`.
        message: String,
        /// The task as last seen.
        task: Box<TaskItem>,
    },
    /// A Solutions task ended in `failed`.
    #[error("solution task {task_id} failed: {message}")]
    SolutionFailed {
        /// The task id.
        task_id: String,
        /// Its `message`.
        message: String,
        /// The task as last seen.
        task: Box<kling_api::wire_solutions::SolutionItem>,
    },
    /// `/tasks` does not hold the task: the id is unknown to this account.
    #[error("task {0} is not among the account's tasks")]
    UnknownTask(String),
    /// A task did not finish before the deadline.
    #[error("task {task_id} did not finish within {waited:?} (last status {status})")]
    Deadline {
        /// The task id.
        task_id: String,
        /// How long it was waited for.
        waited: Duration,
        /// Its last status.
        status: String,
    },
    /// A configuration problem (missing keys, bad URL).
    #[error("configuration: {0}")]
    Config(String),
    /// Writing a download failed.
    #[error("writing the download: {0}")]
    Io(#[from] std::io::Error),
}

impl Error {
    /// The official meaning of an API error, if any.
    pub fn kind(&self) -> Option<ErrorKind> {
        match self {
            Error::Api(e) => e.kind,
            _ => None,
        }
    }

    /// The API error, if this is one.
    pub fn api(&self) -> Option<&ApiError> {
        match self {
            Error::Api(e) => Some(e),
            _ => None,
        }
    }

    /// Worth retrying later: 1302, 1303, 5000-5002, and failures of the connection itself.
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Api(e) => e.kind.is_some_and(ErrorKind::is_retryable),
            Error::Transport(e) => !e.is_builder(),
            Error::Decode { status, .. } => *status >= 500,
            _ => false,
        }
    }

    /// Credentials or token (1000-1004; the seed's 1001).
    pub fn is_auth(&self) -> bool {
        self.kind().is_some_and(ErrorKind::is_auth)
    }

    /// The account cannot pay (1101, 1102; the seed's 1002).
    pub fn is_balance(&self) -> bool {
        matches!(self.kind(), Some(ErrorKind::AccountArrears | ErrorKind::InsufficientBalance))
    }

    /// The request itself is wrong (1200-1203; the seed's 1003).
    pub fn is_invalid_request(&self) -> bool {
        matches!(
            self.kind(),
            Some(
                ErrorKind::InvalidRequest
                    | ErrorKind::InvalidParameter
                    | ErrorKind::InvalidMethod
                    | ErrorKind::ResourceNotFound
            )
        )
    }

    /// Content moderation refused the input (1301; the seed's 2001) or failed the task.
    pub fn is_moderation(&self) -> bool {
        self.kind() == Some(ErrorKind::ContentModeration)
    }

    /// Too many requests (1302).
    pub fn is_rate_limited(&self) -> bool {
        self.kind() == Some(ErrorKind::RateLimited)
    }

    /// Too many running tasks for the resource pack (1303).
    pub fn is_concurrency_limit(&self) -> bool {
        self.kind() == Some(ErrorKind::ConcurrencyLimit)
    }

    /// The account may not use this (1100, 1103).
    pub fn is_permission(&self) -> bool {
        matches!(self.kind(), Some(ErrorKind::AccountException | ErrorKind::NoPermission))
    }

    /// The service is failing (5000-5002; the seed's 5001).
    pub fn is_server_error(&self) -> bool {
        matches!(
            self.kind(),
            Some(ErrorKind::InternalError | ErrorKind::ServiceUnavailable | ErrorKind::ServiceTimeout)
        )
    }

    /// The task or resource does not exist (1203, HTTP 404; a task `/tasks` lacks).
    pub fn is_not_found(&self) -> bool {
        matches!(self, Error::UnknownTask(_)) || self.kind() == Some(ErrorKind::ResourceNotFound)
    }

    /// A waited-for task ended in `failed`.
    pub fn is_task_failed(&self) -> bool {
        matches!(self, Error::TaskFailed { .. } | Error::StandardTaskFailed { .. } | Error::SolutionFailed { .. })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn api(code: u32, dialect: Dialect) -> Error {
        Error::Api(ApiError::new(400, code, String::new(), None, dialect))
    }

    #[test]
    fn codes_classify_per_dialect() {
        assert!(api(1102, Dialect::Official).is_balance());
        assert!(api(1002, Dialect::Official).is_auth());
        assert!(api(1002, Dialect::Seed).is_balance());
        assert!(api(2001, Dialect::Seed).is_moderation());
        assert!(api(1003, Dialect::Seed).is_invalid_request());
        assert!(api(5001, Dialect::Seed).is_retryable());
        assert!(api(1303, Dialect::Official).is_retryable() && api(1303, Dialect::Official).is_concurrency_limit());
        assert!(!api(1201, Dialect::Official).is_retryable());
    }
}
