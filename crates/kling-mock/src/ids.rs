//! Identifiers: task ids shaped like the real ones and request ids as UUID v4.
//!
//! Real task ids are snowflakes: `(created_at - epoch) << 22 | low bits`, which is why
//! they read as 18- or 19-digit decimals that grow with time (both recorded ids decode to
//! their own `created_at` with the epoch below). The emulator builds them the same way.
//! Every random bit comes from the seed and a counter, so the same seed and the same
//! sequence of requests give the same ids, without a lock on the hot path.

use std::sync::atomic::{AtomicU64, Ordering};

/// The snowflake epoch recovered from the recorded ids (Unix ms).
pub const TASK_ID_EPOCH_MS: i64 = 1_568_028_518_779;
const LOW_BITS: u32 = 22;

/// SplitMix64: a tiny, well-studied mixer that turns a counter into random-looking bits.
pub fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Where the id sequences stand (saved in the state file).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct IdCounters {
    /// Request ids handed out.
    pub requests: u64,
    /// Object ids (videos, images, sessions, faces) handed out.
    pub objects: u64,
    /// The last task id.
    pub last_task_id: u64,
}

/// Generates task ids, request ids and video ids from one seed.
#[derive(Debug)]
pub struct Ids {
    seed: u64,
    requests: AtomicU64,
    objects: AtomicU64,
    last_task_id: AtomicU64,
}

impl Ids {
    /// A generator for `seed`.
    pub fn new(seed: u64) -> Ids {
        Ids { seed, requests: AtomicU64::new(0), objects: AtomicU64::new(0), last_task_id: AtomicU64::new(0) }
    }

    fn bits(&self, stream: u64, n: u64) -> u64 {
        mix(self.seed ^ mix(stream.wrapping_mul(0x1000_0000_0000_0001) ^ n))
    }

    /// Starts every sequence again, as on a fresh start with the same seed.
    pub fn restart(&self) {
        self.requests.store(0, Ordering::Relaxed);
        self.objects.store(0, Ordering::Relaxed);
        self.last_task_id.store(0, Ordering::Relaxed);
    }

    /// Where the sequences stand, for the state file.
    pub fn counters(&self) -> IdCounters {
        IdCounters {
            requests: self.requests.load(Ordering::Relaxed),
            objects: self.objects.load(Ordering::Relaxed),
            last_task_id: self.last_task_id.load(Ordering::Relaxed),
        }
    }

    /// Continues the sequences of a restored state, so no id is handed out twice.
    pub fn resume(&self, counters: IdCounters) {
        self.requests.fetch_max(counters.requests, Ordering::Relaxed);
        self.objects.fetch_max(counters.objects, Ordering::Relaxed);
        self.last_task_id.fetch_max(counters.last_task_id, Ordering::Relaxed);
    }

    /// A UUID v4 for the next request.
    pub fn request_id(&self) -> uuid::Uuid {
        let n = self.requests.fetch_add(1, Ordering::Relaxed);
        self.uuid(1, n)
    }

    /// A UUID v4 for the next generated object (videos, images).
    pub fn object_id(&self) -> uuid::Uuid {
        let n = self.objects.fetch_add(1, Ordering::Relaxed);
        self.uuid(2, n)
    }

    fn uuid(&self, stream: u64, n: u64) -> uuid::Uuid {
        let high = self.bits(stream, n.wrapping_mul(2));
        let low = self.bits(stream, n.wrapping_mul(2) + 1);
        let mut bytes = [0u8; 16];
        bytes[..8].copy_from_slice(&high.to_be_bytes());
        bytes[8..].copy_from_slice(&low.to_be_bytes());
        uuid::Builder::from_random_bytes(bytes).into_uuid()
    }

    /// A task id for a task created at `now_ms`: a snowflake, strictly greater than every
    /// id handed out before (so ids stay unique even when the clock stands still).
    pub fn task_id(&self, now_ms: i64) -> u64 {
        let since_epoch = u64::try_from(now_ms.saturating_sub(TASK_ID_EPOCH_MS)).unwrap_or(0);
        let mut low = 0;
        let candidate = |low: u64| (since_epoch << LOW_BITS) | (low & ((1 << LOW_BITS) - 1));
        let mut previous = self.last_task_id.load(Ordering::Relaxed);
        loop {
            if low == 0 {
                low = self.bits(3, previous) | 1;
            }
            let next = candidate(low).max(previous + 1);
            match self.last_task_id.compare_exchange_weak(previous, next, Ordering::AcqRel, Ordering::Relaxed) {
                Ok(_) => return next,
                Err(actual) => previous = actual,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recorded_ids_decode_to_their_creation_time() {
        for (id, created_at) in
            [(866_889_456_698_785_798_u64, 1_774_711_071_284_i64), (867_283_741_759_111_202, 1_774_805_076_166)]
        {
            let decoded = i64::try_from(id >> LOW_BITS).unwrap_or(0) + TASK_ID_EPOCH_MS;
            assert!((decoded - created_at).abs() < 10, "{id}: {decoded} vs {created_at}");
        }
    }

    #[test]
    fn task_ids_are_18_or_19_digits_increasing_and_seeded() {
        let a = Ids::new(7);
        let b = Ids::new(7);
        let now = 1_790_000_000_000;
        let first: Vec<u64> = (0..100).map(|_| a.task_id(now)).collect();
        let second: Vec<u64> = (0..100).map(|_| b.task_id(now)).collect();
        assert_eq!(first, second);
        assert!(first.windows(2).all(|w| w[0] < w[1]));
        assert!(first.iter().all(|id| (18..=19).contains(&id.to_string().len())));
    }

    #[test]
    fn request_ids_are_uuid_v4_and_reproducible() {
        let a = Ids::new(1);
        let b = Ids::new(1);
        let id = a.request_id();
        assert_eq!(id.get_version_num(), 4);
        assert_eq!(id, b.request_id());
        assert_ne!(a.request_id(), id);
    }
}
