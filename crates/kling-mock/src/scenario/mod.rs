//! Scenarios: rules that make the emulator misbehave on purpose, reproducibly.
//!
//! - [`file`](mod@file): the TOML format and its loader (errors name file, line and field).
//! - [`eval`](mod@eval): matching, counting and combining rules at run time.
//! - [`ready_made`]: the scenarios of `scenarios/`, compiled in and found by name.

pub mod eval;
pub mod file;
pub mod ready_made;

pub use eval::{Decision, Facts, Scenarios};
pub use file::{Scenario, ScenarioError, load, parse};
