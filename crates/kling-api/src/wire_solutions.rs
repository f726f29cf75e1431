//! Wire types of the Solutions API (REFERENCE-2026.md §a.9): the create answer, the task
//! item of `GET /solutions`, `POST /solutions` and callbacks, and the cursor page, in the
//! order the pages show them (`id, status, message, create_time, update_time,
//! external_id, outputs, billing`).
//!
//! Statuses are text: the try-on page spells success `succeed` where the others write
//! `succeeded` ([`crate::solutions::Spelling`]); a reader takes both
//! ([`SolutionItem::status`]).

use serde::{Deserialize, Serialize};

use crate::wire_standard::{Billing, Status};

/// `data` of a create answer: `id` on four pages, `task_id` on the try-on page.
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SolutionCreated {
    /// The task id (every page but try-on's).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The task id as the try-on page names it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub task_id: Option<String>,
    /// Always `submitted`.
    pub status: String,
    /// Creation time, Unix ms.
    pub create_time: i64,
    /// Last change, Unix ms.
    pub update_time: i64,
    /// `options.external_task_id`, when given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_id: Option<String>,
}

impl SolutionCreated {
    /// The task id, however the answer names it.
    pub fn task(&self) -> &str {
        self.id.as_deref().or(self.task_id.as_deref()).unwrap_or_default()
    }
}

/// One task as `/solutions` and its callbacks show it.
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SolutionItem {
    /// The task id.
    pub id: String,
    /// `submitted`, `processing`, `succeeded` (or `succeed`) or `failed`.
    pub status: String,
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
    /// What it produced, once succeeded.
    #[serde(default)]
    pub outputs: Vec<SolutionOutput>,
    /// What was charged, once finished; empty while running.
    #[serde(default)]
    pub billing: Vec<Billing>,
}

impl SolutionItem {
    /// The status, whichever way it is spelled (`None` for a word no page uses).
    pub fn status(&self) -> Option<Status> {
        status_named(&self.status)
    }

    /// The outputs of one `type`.
    pub fn outputs_of<'a>(&'a self, kind: &'a str) -> impl Iterator<Item = &'a SolutionOutput> + 'a {
        self.outputs.iter().filter(move |o| o.kind == kind)
    }
}

/// One output: a video (`video`, `product_video`, `subbed_video`), an image (`image`,
/// `product_image`, `model_images`) or a subtitle file (`srt`, `ass`).
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SolutionOutput {
    /// What it is.
    #[serde(rename = "type")]
    pub kind: String,
    /// Download link.
    pub url: String,
    /// Watermarked copy, when one was asked for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub watermark_url: Option<String>,
    /// Length in seconds, as text, for videos.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration: Option<String>,
}

/// `data` of `POST /solutions`: one page by cursor.
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SolutionPage {
    /// The tasks of this page, newest first.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result: Option<Vec<SolutionItem>>,
    /// Tasks on this page.
    pub count: usize,
    /// Where the next page starts, when there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<String>,
    /// Whether another page follows.
    pub has_more: bool,
}

/// The status a Solutions page's word names: the new standard's four, and the try-on
/// page's `succeed` for `succeeded`.
pub fn status_named(word: &str) -> Option<Status> {
    match word {
        "succeed" => Some(Status::Succeeded),
        word => Status::ALL.into_iter().find(|s| s.as_str() == word),
    }
}
