//! Simulated time. Every timestamp, latency and expiry in the emulator reads this clock,
//! never the OS clock directly, so tests can drive time instead of sleeping through it.
//!
//! The system clock starts at the real Unix time and runs `scale` times faster; the manual
//! clock moves only when told to. Both can be advanced (the admin API and tests do), and
//! [`Clock::sleep_until`] wakes early when they are.

use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use tokio::sync::watch;

/// The real Unix time in milliseconds.
pub fn wall_ms() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

#[derive(Debug)]
enum Source {
    System { origin_ms: i64, started: Instant, scale: f64 },
    Manual { now_ms: AtomicI64 },
}

/// The emulator's clock.
#[derive(Debug)]
pub struct Clock {
    source: Source,
    /// Added to the source's time by [`Clock::advance`].
    offset_ms: AtomicI64,
    /// Bumped on every advance so sleepers re-check the time.
    advanced: watch::Sender<u64>,
}

impl Clock {
    /// Real time, sped up `scale` times (1.0 = real time), starting at `start_ms` (the
    /// real time when `None`).
    pub fn system(scale: f64, start_ms: Option<i64>) -> Clock {
        Clock::new(Source::System {
            origin_ms: start_ms.unwrap_or_else(wall_ms),
            started: Instant::now(),
            scale: scale.max(f64::MIN_POSITIVE),
        })
    }

    /// A clock that starts at `start_ms` and moves only through [`Clock::advance`].
    pub fn manual(start_ms: i64) -> Clock {
        Clock::new(Source::Manual { now_ms: AtomicI64::new(start_ms) })
    }

    fn new(source: Source) -> Clock {
        Clock { source, offset_ms: AtomicI64::new(0), advanced: watch::channel(0).0 }
    }

    /// Whether the clock only moves when advanced.
    pub fn is_manual(&self) -> bool {
        matches!(self.source, Source::Manual { .. })
    }

    /// Simulated Unix time in milliseconds.
    pub fn now_ms(&self) -> i64 {
        let base = match &self.source {
            Source::System { origin_ms, started, scale } => {
                let elapsed = started.elapsed().as_secs_f64() * 1000.0 * scale;
                origin_ms + elapsed as i64
            }
            Source::Manual { now_ms } => now_ms.load(Ordering::Acquire),
        };
        base.saturating_add(self.offset_ms.load(Ordering::Acquire))
    }

    /// Moves simulated time forward by `by` and wakes every sleeper.
    pub fn advance(&self, by: Duration) {
        let ms = i64::try_from(by.as_millis()).unwrap_or(i64::MAX);
        let slot = match &self.source {
            Source::Manual { now_ms } => now_ms,
            Source::System { .. } => &self.offset_ms,
        };
        let _ = slot.fetch_update(Ordering::AcqRel, Ordering::Acquire, |t| Some(t.saturating_add(ms)));
        self.advanced.send_modify(|n| *n = n.wrapping_add(1));
    }

    /// A receiver that changes whenever the clock is advanced.
    pub fn subscribe(&self) -> watch::Receiver<u64> {
        self.advanced.subscribe()
    }

    /// Real time until simulated time `target_ms`, or `None` for a manual clock (which
    /// only gets there when advanced).
    pub fn real_delay_until(&self, target_ms: i64) -> Option<Duration> {
        let remaining = target_ms.saturating_sub(self.now_ms()).max(0);
        match &self.source {
            Source::System { scale, .. } => Some(Duration::from_secs_f64(remaining as f64 / 1000.0 / scale)),
            Source::Manual { .. } => None,
        }
    }

    /// Completes once simulated time reaches `target_ms`.
    pub async fn sleep_until(&self, target_ms: i64) {
        let mut advanced = self.subscribe();
        while self.now_ms() < target_ms {
            match self.real_delay_until(target_ms) {
                Some(delay) => {
                    tokio::select! {
                        () = tokio::time::sleep(delay) => {}
                        _ = advanced.changed() => {}
                    }
                }
                None => {
                    if advanced.changed().await.is_err() {
                        return;
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manual_clock_moves_only_when_advanced() {
        let clock = Clock::manual(1_000);
        assert_eq!(clock.now_ms(), 1_000);
        clock.advance(Duration::from_secs(2));
        assert_eq!(clock.now_ms(), 3_000);
    }

    #[test]
    fn system_clock_can_be_advanced() {
        let clock = Clock::system(1.0, None);
        let before = clock.now_ms();
        clock.advance(Duration::from_secs(3600));
        assert!(clock.now_ms() >= before + 3_600_000);
    }

    #[tokio::test]
    async fn sleepers_wake_when_a_manual_clock_passes_their_time() {
        let clock = std::sync::Arc::new(Clock::manual(0));
        let sleeper = tokio::spawn({
            let clock = clock.clone();
            async move { clock.sleep_until(5_000).await }
        });
        clock.advance(Duration::from_secs(2));
        tokio::task::yield_now().await;
        assert!(!sleeper.is_finished());
        clock.advance(Duration::from_secs(3));
        tokio::time::timeout(Duration::from_secs(5), sleeper).await.expect("woke").expect("joined");
    }
}
