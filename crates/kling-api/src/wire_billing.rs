//! The billing exports of 2026-07-06 (`kling-assets-balance.md`, `kling-assets-package.md`):
//! `POST /account/billing/balance` and `POST /account/billing/package`, one detail row
//! per deduction, newest first, paged by cursor. Field order follows the pages.

use serde::{Deserialize, Serialize};

/// The body of both exports: the same fields as `POST /tasks` (window, `limit`,
/// `filters`, `cursor`), except that the window is required without a cursor and the
/// filter keys are [`BALANCE_FILTERS`] or [`PACKAGE_FILTERS`].
pub type ExportQuery = crate::requests_standard::TaskQuery;

/// `limit` of both exports: smallest, largest, default.
pub const EXPORT_LIMIT: (usize, usize, usize) = (1, 500, 500);

/// A filter key of an export and the values it takes (`None`: any string).
pub type FilterKey = (&'static str, Option<&'static [&'static str]>);
/// The values of the unit export's `product_type`.
pub const PRODUCT_TYPES: &[&str] = &["video", "image", "try-on"];
/// The filter keys of the balance export.
pub const BALANCE_FILTERS: &[FilterKey] = &[("api_key_name", None)];
/// The filter keys of the unit export; `package_name` and `package_id` exclude each other.
pub const PACKAGE_FILTERS: &[FilterKey] =
    &[("api_key_name", None), ("product_type", Some(PRODUCT_TYPES)), ("package_name", None), ("package_id", None)];

/// The unit export's `product_type` of a pack.
pub const fn product_type(pack: crate::endpoints::PackType) -> &'static str {
    match pack {
        crate::endpoints::PackType::Video => "video",
        crate::endpoints::PackType::Image => "image",
        crate::endpoints::PackType::VirtualTryOn => "try-on",
    }
}

/// The pages give no error texts; these follow the recorded `/tasks` style.
/// A window bound missing without a cursor (`{field}` is `start_time` or `end_time`).
pub const WINDOW_REQUIRED: &str = "{field} is required when cursor is empty";
/// The window runs backwards or is empty.
pub const WINDOW_BACKWARDS: &str = "start_time must be earlier than end_time";
/// Both pack filters at once.
pub const PACK_FILTERS_EXCLUSIVE: &str = "package_name and package_id cannot be used together";

/// What both kinds of row say about the task.
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TaskFacts {
    /// Task id.
    pub task_id: String,
    /// The API key's name.
    pub api_key_name: String,
    /// What the task did (`Image to Video`).
    pub product_function: String,
    /// Model.
    pub model_name: String,
    /// `720p`, `1080p` or `4k` (legacy `std` = 720p, `pro` = 1080p); videos only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resolution: Option<String>,
    /// Seconds of video (`"5.04"`); videos only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration: Option<String>,
    /// Whether a reference video was used; videos only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refer_video_input: Option<bool>,
    /// `native`, `original` or `off`; videos only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub video_sound: Option<String>,
    /// Whether a voice was bound; videos only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub voice_control: Option<bool>,
    /// Unix ms of the deduction, as a string.
    pub deduction_time: String,
}

/// A row of `POST /account/billing/balance`.
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BalanceDetail {
    /// The task.
    #[serde(flatten)]
    pub task: TaskFacts,
    /// `balance` or `test_balance`.
    pub cash_type: String,
    /// Before.
    pub balance_before_deduction: f64,
    /// Deducted (after discount).
    pub deduction_amount: f64,
    /// After.
    pub balance_after_deduction: f64,
    /// List price (before discount).
    pub list_price: f64,
    /// `CNY` or `USD`.
    pub currency: String,
}

/// A row of `POST /account/billing/package`.
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PackageDetail {
    /// Resource pack id (as `/account/costs` lists it).
    pub package_id: String,
    /// `video`, `image` or `try-on`.
    pub product_type: String,
    /// The task.
    #[serde(flatten)]
    pub task: TaskFacts,
    /// Units before (absent for an unlimited pack).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit_before_deduction: Option<f64>,
    /// Units deducted.
    pub deduction_amount: f64,
    /// Units after (absent for an unlimited pack).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit_after_deduction: Option<f64>,
}

/// `data.result` of an export.
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExportResult<T> {
    /// Rows, newest first.
    pub detail: Vec<T>,
    /// Rows in this answer.
    pub count: usize,
}

/// `data` of an export.
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExportPage<T> {
    /// This page.
    pub result: ExportResult<T>,
    /// The cursor of the next page; absent on the last.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<String>,
    /// Whether more rows follow.
    pub has_more: bool,
}
