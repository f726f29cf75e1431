//! kling-mock: a faithful local emulator of the Kling AI HTTP API.
//!
//! The binary `kling-mock` serves it; this library lets other crates and tests start the
//! same server in-process:
//!
//! ```no_run
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! let running = kling_mock::App::build(kling_mock::Config::for_tests()).await?.spawn();
//! println!("emulator at {}", running.base_url);
//! running.clock().advance(std::time::Duration::from_secs(600)); // tasks finish
//! # Ok(()) }
//! ```
//!
//! # Layout
//!
//! - [`app`]: start-up as a value (`build`, `run_until`, `spawn`).
//! - [`config`]: the configuration value and its defaults.
//! - [`routes`]: the HTTP surface, generated from the `kling-api` endpoint catalogue.
//! - [`error`]: the one exit for errors (Kling envelope, dialect, request id).
//! - [`auth`]: accounts and JWT verification.
//! - [`engine`]: task creation, lookup, listing and the background driver.
//! - [`task`]: one task's state machine; [`store`]: the bounded task store.
//! - [`clock`]: simulated time; [`latency`]: how long tasks take; [`ids`]: ids.
//! - [`callbacks`]: ordered callback delivery; [`media`]: result files; [`audio`]:
//!   result audio files.
//! - [`sources`]: what derived tasks need from earlier ones; [`selection`]:
//!   multi-elements selection sessions; [`library`]: each account's voices, elements
//!   and audios.
//! - [`persist`]: the state file that carries tasks, accounts and the clock over a restart.
//! - [`server`]: the accept loop and its bounds; [`body_timeout`]: a request body must
//!   keep arriving; [`tls`]: HTTPS certificates.

pub mod accounts;
pub mod app;
pub mod audio;
pub mod auth;
pub mod body_timeout;
pub mod callbacks;
pub mod clock;
pub mod config;
pub mod engine;
pub mod error;
pub mod ids;
pub mod journal;
pub mod latency;
pub mod library;
pub mod media;
pub mod net;
pub mod persist;
pub mod routes;
pub mod scenario;
pub mod selection;
pub mod server;
pub mod sources;
pub mod state;
pub mod store;
pub mod subtitles;
pub mod task;
pub mod tls;
pub mod verified_tokens;
pub mod webhooks;

pub use app::{App, Running, StartError};
pub use config::{AccountKeys, Config};
