//! How long tasks take: a profile gives, per endpoint, mode and duration, a distribution
//! for each phase (queued in `submitted`, running in `processing`).
//!
//! The `realistic` shape follows what users of the real service report: seconds in the
//! queue, minutes of processing, pro slower than std, 10 s slower than 5 s. Draws come
//! from a per-task RNG derived from the seed, so the same seed gives the same latencies.

use rand::Rng;
use rand_distr::{Distribution, LogNormal};

/// A latency distribution in milliseconds.
#[derive(Debug, Clone, Copy, PartialEq, serde::Deserialize, serde::Serialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Dist {
    /// Always the same.
    Fixed {
        /// Milliseconds.
        ms: u64,
    },
    /// Uniform in `[min_ms, max_ms]`.
    Uniform {
        /// Lower bound.
        min_ms: u64,
        /// Upper bound.
        max_ms: u64,
    },
    /// Log-normal with the given median and shape (long right tail, like queues).
    LogNormal {
        /// Median in milliseconds.
        median_ms: u64,
        /// Standard deviation of the underlying normal.
        sigma: f64,
    },
}

impl Dist {
    /// One draw.
    pub fn sample(&self, rng: &mut impl Rng) -> u64 {
        match *self {
            Dist::Fixed { ms } => ms,
            Dist::Uniform { min_ms, max_ms } => rng.random_range(min_ms.min(max_ms)..=max_ms.max(min_ms)),
            Dist::LogNormal { median_ms, sigma } => LogNormal::new((median_ms.max(1) as f64).ln(), sigma.max(0.0))
                .map_or(median_ms, |d| d.sample(rng).round() as u64),
        }
    }

    /// The same distribution scaled by `factor`.
    pub fn scaled(&self, factor: f64) -> Dist {
        let s = |ms: u64| (ms as f64 * factor).round() as u64;
        match *self {
            Dist::Fixed { ms } => Dist::Fixed { ms: s(ms) },
            Dist::Uniform { min_ms, max_ms } => Dist::Uniform { min_ms: s(min_ms), max_ms: s(max_ms) },
            Dist::LogNormal { median_ms, sigma } => Dist::LogNormal { median_ms: s(median_ms), sigma },
        }
    }
}

/// A named set of latencies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LatencyProfile {
    /// Shaped like the real service: 2-8 s queued, about 90 s processing for std 5 s.
    #[default]
    Realistic,
    /// The realistic shape at 1/30 of the time: fine for demos and manual testing.
    Fast,
    /// No latency: tasks finish the moment they are looked at (the CI fast path).
    Instant,
}

/// The two phase latencies of one task.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Phases {
    /// Time in `submitted`.
    pub queued_ms: u64,
    /// Time in `processing`.
    pub processing_ms: u64,
}

impl LatencyProfile {
    /// Distributions for a task with `mode` and `duration_s`.
    pub fn distributions(self, mode: Option<&str>, duration_s: u32) -> (Dist, Dist) {
        let time_factor = match self {
            LatencyProfile::Realistic => 1.0,
            LatencyProfile::Fast => 1.0 / 30.0,
            LatencyProfile::Instant => return (Dist::Fixed { ms: 0 }, Dist::Fixed { ms: 0 }),
        };
        let mode_factor = if mode == Some("pro") { 2.0 } else { 1.0 };
        let length_factor = 1.0 + 0.12 * f64::from(duration_s.saturating_sub(5));
        let queued = Dist::Uniform { min_ms: 2_000, max_ms: 8_000 };
        let processing = Dist::LogNormal { median_ms: 90_000, sigma: 0.25 };
        (queued.scaled(time_factor), processing.scaled(time_factor * mode_factor * length_factor))
    }

    /// Draws both phases.
    pub fn draw(self, mode: Option<&str>, duration_s: u32, rng: &mut impl Rng) -> Phases {
        let (queued, processing) = self.distributions(mode, duration_s);
        Phases { queued_ms: queued.sample(rng), processing_ms: processing.sample(rng) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    fn median(profile: LatencyProfile, mode: &str, duration: u32) -> u64 {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(1);
        let mut draws: Vec<u64> =
            (0..501).map(|_| profile.draw(Some(mode), duration, &mut rng).processing_ms).collect();
        draws.sort_unstable();
        draws[250]
    }

    #[test]
    fn pro_is_slower_than_std_and_ten_seconds_slower_than_five() {
        let std5 = median(LatencyProfile::Realistic, "std", 5);
        assert!(median(LatencyProfile::Realistic, "pro", 5) > std5 * 3 / 2);
        assert!(median(LatencyProfile::Realistic, "std", 10) > std5 * 3 / 2);
        assert!(median(LatencyProfile::Fast, "std", 5) < std5 / 10);
    }

    #[test]
    fn instant_has_no_latency() {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(1);
        assert_eq!(LatencyProfile::Instant.draw(Some("pro"), 10, &mut rng), Phases { queued_ms: 0, processing_ms: 0 });
    }
}
