//! The request journal: the last N API exchanges, for the admin API. Bounded (a ring
//! buffer), bodies cut to a few KiB, and never holding a secret: the Authorization header
//! is not recorded, only the access key it proved.

use std::collections::VecDeque;
use std::sync::Arc;

use parking_lot::Mutex;
use serde::Serialize;

/// Longest body kept per entry, in bytes.
pub const BODY_LIMIT: usize = 4096;

/// One recorded exchange.
#[derive(Debug, Clone, Serialize)]
pub struct Entry {
    /// Sequence number, from 1.
    pub seq: u64,
    /// Simulated time of arrival (Unix ms).
    pub at: i64,
    /// The request id sent back.
    pub request_id: String,
    /// HTTP method.
    pub method: String,
    /// Path and query.
    pub path: String,
    /// The caller's access key, once authenticated.
    pub access_key: Option<String>,
    /// HTTP status answered.
    pub status: u16,
    /// Envelope code answered, when the body was an envelope.
    pub code: Option<i64>,
    /// Request body (cut to [`BODY_LIMIT`]).
    pub request_body: Option<String>,
    /// Response body (cut to [`BODY_LIMIT`]).
    pub response_body: Option<String>,
    /// Scenario rules that fired.
    pub scenario_rules: Vec<String>,
    /// A connection or body fault that replaced the answer.
    pub fault: Option<String>,
}

/// What a request's handlers learn for its journal entry.
#[derive(Debug, Default)]
pub struct Note {
    /// Access key, set by authentication.
    pub access_key: Option<String>,
    /// Raw request body.
    pub request_body: Option<axum::body::Bytes>,
    /// Rules that fired.
    pub scenario_rules: Vec<String>,
    /// Fault applied.
    pub fault: Option<String>,
}

/// A request-scoped slot handlers write their [`Note`] into.
#[derive(Debug, Clone, Default)]
pub struct NoteSlot(pub Arc<Mutex<Note>>);

/// The bounded journal.
#[derive(Debug)]
pub struct Journal {
    entries: Mutex<(u64, VecDeque<Entry>)>,
    capacity: usize,
}

/// Journal filters.
#[derive(Debug, Default, serde::Deserialize)]
pub struct Filter {
    /// Substring of the path.
    pub path: Option<String>,
    /// Access key.
    pub account: Option<String>,
    /// HTTP status.
    pub status: Option<u16>,
    /// Most entries returned (newest first).
    pub limit: Option<usize>,
}

/// Cuts `bytes` to [`BODY_LIMIT`] as text.
pub fn excerpt(bytes: &[u8]) -> String {
    let cut = &bytes[..bytes.len().min(BODY_LIMIT)];
    let mut text = String::from_utf8_lossy(cut).into_owned();
    if bytes.len() > BODY_LIMIT {
        text.push_str(&format!("… ({} bytes)", bytes.len()));
    }
    text
}

impl Journal {
    /// A journal of at most `capacity` entries (0 records nothing).
    pub fn new(capacity: usize) -> Journal {
        Journal { entries: Mutex::new((0, VecDeque::with_capacity(capacity.min(4096)))), capacity }
    }

    /// Whether anything is recorded at all.
    pub fn enabled(&self) -> bool {
        self.capacity > 0
    }

    /// Appends an entry, dropping the oldest beyond capacity.
    pub fn record(&self, mut entry: Entry) {
        if self.capacity == 0 {
            return;
        }
        let mut guard = self.entries.lock();
        guard.0 += 1;
        entry.seq = guard.0;
        if guard.1.len() == self.capacity {
            guard.1.pop_front();
        }
        guard.1.push_back(entry);
    }

    /// Entries matching `filter`, newest first.
    pub fn query(&self, filter: &Filter) -> Vec<Entry> {
        let guard = self.entries.lock();
        guard
            .1
            .iter()
            .rev()
            .filter(|e| filter.path.as_ref().is_none_or(|p| e.path.contains(p.as_str())))
            .filter(|e| filter.account.as_ref().is_none_or(|a| e.access_key.as_deref() == Some(a.as_str())))
            .filter(|e| filter.status.is_none_or(|s| e.status == s))
            .take(filter.limit.unwrap_or(100))
            .cloned()
            .collect()
    }

    /// Number of entries held.
    pub fn len(&self) -> usize {
        self.entries.lock().1.len()
    }

    /// Whether no entry is held.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Forgets everything.
    pub fn clear(&self) {
        self.entries.lock().1.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(path: &str) -> Entry {
        Entry {
            seq: 0,
            at: 0,
            request_id: String::new(),
            method: "GET".into(),
            path: path.into(),
            access_key: None,
            status: 200,
            code: Some(0),
            request_body: None,
            response_body: None,
            scenario_rules: Vec::new(),
            fault: None,
        }
    }

    #[test]
    fn the_journal_stays_bounded_and_answers_newest_first() {
        let journal = Journal::new(3);
        for i in 0..10 {
            journal.record(entry(&format!("/p{i}")));
        }
        assert_eq!(journal.len(), 3);
        let paths: Vec<String> = journal.query(&Filter::default()).into_iter().map(|e| e.path).collect();
        assert_eq!(paths, ["/p9", "/p8", "/p7"]);
        assert_eq!(excerpt(&[b'a'; 5000]).len(), BODY_LIMIT + "… (5000 bytes)".len());
    }
}
