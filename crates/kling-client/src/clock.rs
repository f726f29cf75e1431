//! The client's notion of "now", for token times. Tests drive a [`ManualClock`] to check
//! renewal without waiting half an hour.

use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

/// A source of Unix time in seconds.
pub trait Clock: Send + Sync + std::fmt::Debug {
    /// Now, in Unix seconds.
    fn now_unix_s(&self) -> i64;
}

/// The machine's clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now_unix_s(&self) -> i64 {
        SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
    }
}

/// A clock that moves only when told to.
#[derive(Debug, Default)]
pub struct ManualClock {
    now: AtomicI64,
}

impl ManualClock {
    /// A clock at `unix_s`.
    pub fn new(unix_s: i64) -> ManualClock {
        ManualClock { now: AtomicI64::new(unix_s) }
    }

    /// Moves the clock forward.
    pub fn advance(&self, seconds: i64) {
        self.now.fetch_add(seconds, Ordering::AcqRel);
    }
}

impl Clock for ManualClock {
    fn now_unix_s(&self) -> i64 {
        self.now.load(Ordering::Acquire)
    }
}
