//! Shared state of a running emulator, handed to every handler.

use std::sync::Arc;

use crate::auth::Accounts;
use crate::clock::{Clock, wall_ms};
use crate::config::{AuthClock, Config};
use crate::engine::Engine;
use crate::ids::Ids;
use crate::media::Media;

/// Everything handlers share.
#[derive(Debug)]
pub struct AppState {
    /// The configuration the emulator started with.
    pub config: Config,
    /// Accounts by access key.
    pub accounts: Accounts,
    /// The task engine.
    pub engine: Arc<Engine>,
    /// Id source.
    pub ids: Arc<Ids>,
    /// Simulated time.
    pub clock: Arc<Clock>,
    /// Result media.
    pub media: Arc<Media>,
    /// Base URL for links when the request names no host.
    pub public_url: String,
}

impl AppState {
    /// The time token `exp`/`nbf` are checked against, in Unix ms.
    pub fn auth_now_ms(&self) -> i64 {
        match self.config.auth_clock {
            AuthClock::Wall => wall_ms(),
            AuthClock::Simulated => self.clock.now_ms(),
        }
    }
}
