//! What the client's test suites share: an in-process emulator and clients for it that
//! retry quickly.

// Each suite uses the part it needs.
#![allow(dead_code)]

use std::time::Duration;

use kling_client::{Client, Config, RetryPolicy, WaitOptions};
use kling_mock::config::{DEV_ACCESS_KEY, DEV_API_KEY, DEV_SECRET_KEY};
use kling_mock::{App, Running};

/// Waits that poll every 5 ms and give up after 10 s.
pub(crate) const FAST: WaitOptions =
    WaitOptions { interval: Duration::from_millis(5), deadline: Duration::from_secs(10) };

/// An emulator with the test configuration, on a free port.
pub(crate) async fn emulator() -> Running {
    App::build(kling_mock::Config::for_tests()).await.unwrap_or_else(|e| panic!("emulator: {e}")).spawn()
}

/// Retries a few milliseconds apart, at most `max_attempts` tries.
pub(crate) fn fast_retry(max_attempts: u32) -> RetryPolicy {
    RetryPolicy {
        max_attempts,
        min_delay: Duration::from_millis(1),
        max_delay: Duration::from_millis(5),
        max_total: Duration::from_secs(5),
        jitter: true,
    }
}

/// A client of the development account's API key.
pub(crate) fn api_key_client(running: &Running, max_attempts: u32) -> Client {
    Client::new(Config::with_api_key(&running.base_url, DEV_API_KEY).with_retry(fast_retry(max_attempts)))
        .unwrap_or_else(|e| panic!("client: {e}"))
}

/// A client of the development account's access and secret keys.
pub(crate) fn token_client(running: &Running, max_attempts: u32) -> Client {
    let config = Config::new(&running.base_url, DEV_ACCESS_KEY, DEV_SECRET_KEY).with_retry(fast_retry(max_attempts));
    Client::new(config).unwrap_or_else(|e| panic!("client: {e}"))
}
