//! kling-contract: one set of checks for the emulator and the real Kling API.
//!
//! The checks come from the kling-api tables (every endpoint's valid request, every
//! rule's rejecting example, unknown-id queries, lists, every kind of bad token), so a new
//! endpoint or rule is covered without new code. [`drift::drift`] runs them against a
//! reference (the emulator in the official dialect: what the project knows of the real
//! API) and a target, and reports every difference by kind.
//!
//! # Layout
//!
//! - [`target`]: in-process emulator, any base URL, or the real API.
//! - [`checks`]: the checks, from the tables.
//! - [`exchange`]: sending a check, signing its token, showing it as curl (no secrets).
//! - [`shape`]: comparing answers by shape, classifying differences, redacting for snapshots.
//! - [`prepare`]: making the ids stateful checks refer to, from the kling-api
//!   prerequisite steps.
//! - [`drift`]: budgets for billable checks, the run, the report (Markdown and JSON).
//! - [`replay`]: replaying recorded exchanges, and a recording proxy.
//! - [`progress`]: a bar on terminals, plain lines in CI.

pub mod checks;
pub mod drift;
pub mod exchange;
pub mod prepare;
pub mod progress;
pub mod replay;
pub mod schema;
pub mod shape;
pub mod target;
