//! kling-client: a typed async client for the Kling AI HTTP API.
//!
//! The same code talks to the real API and to the `kling-mock` emulator: only the base
//! URL and the keys differ.
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! use kling_client::{Client, Config, WaitOptions};
//! use kling_api::requests::Text2VideoRequest;
//!
//! // An emulator in-process; against the real API use Config::from_env() instead.
//! let mut emulator = kling_mock::Config::for_tests();
//! emulator.latency = kling_mock::latency::LatencyProfile::Instant;
//! let emulator = kling_mock::App::build(emulator).await?.spawn();
//! let config = Config::new(&emulator.base_url, "kling-mock-dev-access-key", "kling-mock-dev-secret-key");
//! let client = Client::new(config)?;
//!
//! let request = Text2VideoRequest::new("a calm sunrise over the ocean").duration("5");
//! let wait = WaitOptions { interval: std::time::Duration::from_millis(10), ..WaitOptions::default() };
//! let task = client.text2video().run(&request, wait, |t| println!("{}", t.task_status.as_str())).await?;
//! let video = &task.task_result.as_ref().expect("succeeded").videos[0];
//! let mut bytes = Vec::new();
//! client.download(&video.url, &mut bytes).await?;
//! assert!(bytes.len() > 1000);
//! # Ok(()) }
//! ```
//!
//! # Layout
//!
//! - [`Client`]: create, get (by task id or external id), list, wait, download;
//!   [`Tasks`] gives the same calls typed per task endpoint (`client.text2video()`,
//!   `client.effects()`, `client.custom_voices()`, ...). The synchronous endpoints have
//!   their own calls: [`Client::tts`], [`Client::identify_face`], the selection session
//!   ([`Client::init_selection`], [`Client::add_selection`], [`Client::delete_selection`],
//!   [`Client::clear_selection`], [`Client::preview_selection`]), [`Client::delete_voice`],
//!   [`Client::delete_element`], [`Client::image_recognize`]; the presets are paged by
//!   [`Client::preset_voices`] and [`Client::preset_elements`].
//! - The new-standard API (API keys only): [`StandardTasks`] per endpoint
//!   (`client.text_to_video_30()`, `client.omni_video_30()`, ... or
//!   [`Client::standard`]) creates and runs tasks from a
//!   [`kling_api::requests_standard::StandardRequest`]; [`Client::task_item`],
//!   [`Client::tasks_by_ids`], [`Client::tasks_by_external_ids`], [`Client::task_page`],
//!   [`Client::task_stream`] (cursor paging as a stream) and [`Client::wait_task`] read
//!   `/tasks`, which holds the tasks of every surface.
//! - The billing exports: [`Client::balance_export`] and [`Client::package_export`] read
//!   one page, [`Client::balance_deductions`] and [`Client::package_deductions`] stream
//!   every row by cursor.
//! - [`webhook`]: verify a received callback's signature ([`webhook::Verifier`]) and
//!   read its body as the task of either surface ([`webhook::Callback`]).
//! - [`Config`]: base URL, API key or access and secret keys, timeouts, token lifetime, dialect, [`RetryPolicy`].
//! - [`Error`]: one error type; `is_retryable`, `is_auth`, `is_balance`,
//!   `is_invalid_request`, `is_moderation`, ... follow the official table and the dialect.
//! - Request types come from [`kling_api::requests`], responses from [`kling_api::wire`].
//!
//! # Retries
//!
//! Retryable failures (1302, 1303, 5000-5002, connection failures and timeouts) are
//! retried with exponential backoff and jitter, bounded by attempts and total time, never
//! sooner than a `Retry-After`. A create is never resubmitted blindly after a failure that
//! may have reached the server: with an `external_task_id` the client first asks for that
//! task and returns it if it exists; without one the failure is returned. The same holds
//! for synchronous calls that make something (TTS, face and selection sessions); those
//! that only delete, edit a selection or read are resent.

mod billing;
mod client;
mod clock;
mod config;
mod error;
mod paging;
mod retry;
mod solutions;
mod standard;
mod token;
pub mod webhook;

pub use client::{Client, Tasks, WaitOptions};
pub use clock::{Clock, ManualClock, SystemClock};
pub use config::{Config, DEFAULT_BASE_URL};
pub use error::{ApiError, Error};
pub use retry::RetryPolicy;
pub use standard::StandardTasks;
pub use token::TokenSigner;
