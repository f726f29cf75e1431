//! The Kling AI HTTP API as data.
//!
//! Everything the emulator, the client and the contract kit know about the real API lives
//! here, so that none of them restates a rule. The crate does no I/O.
//!
//! # Layout
//!
//! - [`wire`]: the response envelope, the task object and the token claims, in the real
//!   field order.
//! - [`errors`]: the error catalogue ([`errors::ErrorKind`]) and its wire form per
//!   [`errors::Dialect`].
//! - [`endpoints`]: the catalogue of endpoint families with paths, resource pack, output
//!   and rule tables.
//! - [`rules`]: the rule engine: field types, cross-field rules, [`rules::validate`] and
//!   [`rules::cases`], which derives one accepting and one rejecting request per rule.
//! - [`video`], [`omni_video`], [`video_edit`], [`lip_sync`], [`images`], [`image_edit`],
//!   [`avatar`], [`effects`], [`multi_elements`], [`audio`], [`library`]: the tables of
//!   every endpoint; [`voices`]: the preset voices; [`references`]: what requests may
//!   refer to (voices, elements, audios) and the rules that check it.

//! - [`media`]: the emulator's media URL pattern (a URL it served tells its length).
//! - [`models`]: the video model support matrix.
//! - [`faults`]: named faults for scenarios; [`dialect`]: the seed dialect's extra paths.
//! - [`image`]: image inputs (URL or Base64), inspected from the header only.
//! - [`pricing`]: units charged per task; [`prerequisites`]: the calls that make the ids
//!   stateful requests refer to.
//! - `openapi` (feature `openapi`): the OpenAPI 3.1 document, generated from these tables.
//! - [`standard`]: the new-standard API of 2026 (`/text-to-video/kling-3.0`, ...): its
//!   endpoints in the same catalogue, their path segments, defaults and prices.
//! - [`webhook`]: the signature scheme of callbacks (Standard Webhooks) and the test
//!   callback.
//! - [`wire_standard`]: the new-standard task item, create answer and cursor page.
//! - [`requests`]: typed request bodies for clients.
//! - `samples` (feature `samples`): real image bytes for the `$image:` placeholders in
//!   rule examples.

pub mod audio;
pub mod avatar;
pub mod dialect;
pub mod effects;
pub mod endpoints;
pub mod errors;
pub mod faults;
pub mod history;
pub mod image;
pub mod image_edit;
pub mod images;
pub mod library;
pub mod lip_sync;
pub mod media;
pub mod models;
pub mod multi_elements;
pub mod omni_video;
#[cfg(feature = "openapi")]
pub mod openapi;
pub mod prerequisites;
pub mod pricing;
pub mod references;
pub mod requests;
pub mod requests_standard;
pub mod rules;
#[cfg(feature = "samples")]
pub mod samples;
pub mod solutions;
pub mod standard;
pub mod video;
pub mod video_edit;
pub mod voices;
pub mod webhook;
pub mod wire;
pub mod wire_billing;
pub mod wire_solutions;
pub mod wire_standard;

pub use endpoints::{ENDPOINTS, EndpointId, EndpointSpec};
pub use errors::{Dialect, ErrorKind};
pub use wire::{Envelope, ErrorBody, Task, TaskStatus};
