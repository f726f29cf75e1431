//! Shared set-up of the benchmarks: an engine on a manual clock with instant tasks.

use std::sync::Arc;

use kling_mock::accounts::LimitsConfig;
use kling_mock::auth::{Account, Accounts};
use kling_mock::callbacks::Callbacks;
use kling_mock::clock::Clock;
use kling_mock::engine::{Engine, EngineParts};
use kling_mock::ids::Ids;
use kling_mock::latency::LatencyProfile;
use kling_mock::media::Media;

/// An engine with `capacity` and the account it serves.
pub(crate) fn engine(capacity: usize) -> (Engine, Arc<Account>, Arc<Clock>) {
    let clock = Arc::new(Clock::manual(1_800_000_000_000));
    let engine = Engine::new(EngineParts {
        clock: clock.clone(),
        ids: Arc::new(Ids::new(1)),
        media: Arc::new(Media::load().unwrap_or_else(|e| panic!("{e}"))),
        callbacks: Callbacks::new(std::time::Duration::from_secs(1)),
        latency: LatencyProfile::Instant,
        seed: 1,
        capacity,
        limits: LimitsConfig::default(),
        prices: Default::default(),
        webhook_secrets: Default::default(),
        spelling: Default::default(),
    });
    let accounts = Accounts::new([("bench-ak", "bench-sk")]);
    let account = accounts.get("bench-ak").cloned().unwrap_or_else(|| panic!("account"));
    (engine, account, clock)
}
