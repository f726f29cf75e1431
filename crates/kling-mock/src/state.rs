//! Shared state of a running emulator, handed to every handler.

use std::sync::Arc;

use std::sync::atomic::{AtomicU64, Ordering};

use parking_lot::RwLock;

use crate::auth::Accounts;
use crate::clock::{Clock, wall_ms};
use crate::config::{AuthClock, Config};
use crate::engine::Engine;
use crate::ids::Ids;
use crate::journal::Journal;
use crate::media::Media;
use crate::scenario::Scenarios;

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
    /// Active scenarios.
    pub scenarios: RwLock<Scenarios>,
    /// Recent exchanges.
    pub journal: Journal,
    /// Request counters.
    pub stats: Stats,
    /// Simulated time at start (Unix ms): when the accounts' packs took effect.
    pub started_ms: i64,
    /// Turns true when the server stops: open-ended answers (the dashboard's event
    /// stream) end then, or a graceful shutdown would wait for them forever.
    pub closing: tokio::sync::watch::Sender<bool>,
}

/// Request counters for the admin API.
#[derive(Debug, Default)]
pub struct Stats {
    /// Answers by HTTP status class: 1xx..5xx at index 1..5.
    by_class: [AtomicU64; 6],
    /// Connection and body faults injected.
    pub faults: AtomicU64,
}

impl Stats {
    /// Counts an answer.
    pub fn count(&self, status: u16) {
        let class = usize::from(status / 100).min(5);
        self.by_class[class].fetch_add(1, Ordering::Relaxed);
    }

    /// Answers per status class, e.g. `{"2xx": 10, "4xx": 2}`.
    pub fn snapshot(&self) -> serde_json::Value {
        let mut map = serde_json::Map::new();
        for (class, count) in self.by_class.iter().enumerate().skip(1) {
            map.insert(format!("{class}xx"), count.load(Ordering::Relaxed).into());
        }
        map.insert("faults".into(), self.faults.load(Ordering::Relaxed).into());
        serde_json::Value::Object(map)
    }
}

impl AppState {
    /// Activates a scenario: applies its account limits to every account and adds its
    /// rules after those already loaded.
    pub fn activate(&self, scenario: crate::scenario::Scenario) {
        if let Some(limits) = &scenario.limits {
            use kling_api::endpoints::PackType;
            let packs = [
                (PackType::Video, limits.video),
                (PackType::Image, limits.image),
                (PackType::VirtualTryOn, limits.virtual_try_on),
            ];
            for account in self.accounts.iter() {
                for (pack, limit) in packs {
                    if let Some(patch) = limit {
                        let current = self.engine.limits_of(account).of(pack);
                        self.engine.set_limits(account, pack, patch.apply(current));
                    }
                }
            }
        }
        self.scenarios.write().add(scenario, self.clock.now_ms());
    }

    /// The access key of an account id (for the admin API and the journal).
    pub fn access_key(&self, id: crate::auth::AccountId) -> String {
        self.accounts.iter().find(|a| a.id == id).map(|a| a.access_key.clone()).unwrap_or_default()
    }

    /// The time token `exp`/`nbf` are checked against, in Unix ms.
    pub fn auth_now_ms(&self) -> i64 {
        match self.config.auth_clock {
            AuthClock::Wall => wall_ms(),
            AuthClock::Simulated => self.clock.now_ms(),
        }
    }
}
