//! Wire types of the new-standard API (REFERENCE-2026.md §a.6): the create answer, the
//! task item of `/tasks` and of callbacks, and the cursor page, in the order the real
//! service sends them (PROBE's recorded `GET /tasks` answer: `id, status, outputs,
//! message, create_time, update_time, billing`).

use serde::{Deserialize, Serialize};

use crate::wire::TaskStatus;

/// A task's status as the new-standard API spells it.
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Accepted, waiting to run.
    Submitted,
    /// Running.
    Processing,
    /// Finished with outputs.
    Succeeded,
    /// Finished without outputs; `message` says why.
    Failed,
}

impl Status {
    /// The same state as the legacy API names it.
    pub const fn legacy(self) -> TaskStatus {
        match self {
            Status::Submitted => TaskStatus::Submitted,
            Status::Processing => TaskStatus::Processing,
            Status::Succeeded => TaskStatus::Succeed,
            Status::Failed => TaskStatus::Failed,
        }
    }

    /// The new-standard name of a legacy state.
    pub const fn of(status: TaskStatus) -> Status {
        match status {
            TaskStatus::Submitted => Status::Submitted,
            TaskStatus::Processing => Status::Processing,
            TaskStatus::Succeed => Status::Succeeded,
            TaskStatus::Failed => Status::Failed,
        }
    }

    /// The wire spelling.
    pub const fn as_str(self) -> &'static str {
        match self {
            Status::Submitted => "submitted",
            Status::Processing => "processing",
            Status::Succeeded => "succeeded",
            Status::Failed => "failed",
        }
    }

    /// Every status, for filters.
    pub const ALL: [Status; 4] = [Status::Submitted, Status::Processing, Status::Succeeded, Status::Failed];
}

/// `data` of a create answer (PROBE: `message` is there and empty; `external_id` only
/// when one was sent).
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Created {
    /// The task id.
    pub id: String,
    /// Always `submitted`.
    pub status: Status,
    /// Empty.
    #[serde(default)]
    pub message: String,
    /// Creation time, Unix ms.
    pub create_time: i64,
    /// Last change, Unix ms.
    pub update_time: i64,
    /// `options.external_task_id`, when given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_id: Option<String>,
}

/// One task as `/tasks` and callbacks show it.
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TaskItem {
    /// The task id.
    pub id: String,
    /// Where it is.
    pub status: Status,
    /// What it produced, once succeeded.
    #[serde(default)]
    pub outputs: Vec<TaskOutput>,
    /// The failure reason; empty otherwise.
    #[serde(default)]
    pub message: String,
    /// Creation time, Unix ms.
    pub create_time: i64,
    /// Last change, Unix ms.
    pub update_time: i64,
    /// `options.external_task_id`, when given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_id: Option<String>,
    /// What was charged, once finished; empty while running.
    #[serde(default)]
    pub billing: Vec<Billing>,
}

/// One output of a task, told apart by `type`.
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum TaskOutput {
    /// A video.
    Video {
        /// Video id.
        id: String,
        /// Download link.
        url: String,
        /// Watermarked copy, when one was asked for (PROBE: absent otherwise).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        watermark_url: Option<String>,
        /// Length in seconds, as text (`"5.041"`).
        duration: String,
    },
    /// An image.
    Image {
        /// Download link.
        url: String,
        /// Watermarked copy, when one was asked for.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        watermark_url: Option<String>,
    },
    /// An audio in both formats.
    Audio {
        /// Audio id.
        id: String,
        /// MP3 link.
        mp3_url: String,
        /// WAV link.
        wav_url: String,
        /// MP3 length in seconds, as text.
        mp3_duration: String,
        /// WAV length in seconds, as text.
        wav_duration: String,
    },
}

/// One charge of a task (`billing[]`).
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Billing {
    /// `unit` (a resource pack) or `cash` (the balance).
    pub charge_type: String,
    /// The amount, a decimal string without trailing zeros (`"3"`, `"1.8"`).
    pub amount: String,
    /// The pack type charged (`video`, `image`, `audio`), for unit charges.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub package_type: Option<String>,
    /// `balance` or `test_balance`, for cash charges.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cash_type: Option<String>,
    /// `CNY` or `USD`, for cash charges.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currency: Option<String>,
    /// The list price, for cash charges.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub list_price: Option<String>,
}

/// `data` of `POST /tasks`: one page by cursor. An account with no task in the window
/// gets `{count: 0, has_more: false}` alone (KR, recorded).
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TaskPage {
    /// The tasks of this page, newest first.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result: Option<Vec<TaskItem>>,
    /// Tasks on this page.
    pub count: usize,
    /// Where the next page starts, when there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<String>,
    /// Whether another page follows.
    pub has_more: bool,
}
