//! The request journal: the last N API exchanges, for the admin API. Bounded (a ring
//! buffer), bodies cut to a few KiB, and never holding a secret: the Authorization header
//! is not recorded, only the access key it proved.
//!
//! Every API answer is recorded, so an entry is cheap to make and dear only to read:
//! the request id and method are kept as values and the bodies as bytes; they become text
//! when the journal is queried.

use std::collections::VecDeque;
use std::sync::Arc;

use axum::body::Bytes;
use axum::http::Method;
use parking_lot::Mutex;
use serde::{Serialize, Serializer};

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
    pub request_id: uuid::Uuid,
    /// HTTP method.
    #[serde(serialize_with = "method_text")]
    pub method: Method,
    /// Path and query.
    pub path: String,
    /// The caller's access key, once authenticated.
    pub access_key: Option<String>,
    /// HTTP status answered.
    pub status: u16,
    /// Envelope code answered, when the body was an envelope.
    pub code: Option<i64>,
    /// Request body (cut to [`BODY_LIMIT`]).
    pub request_body: Option<Excerpt>,
    /// Response body (cut to [`BODY_LIMIT`]).
    pub response_body: Option<Excerpt>,
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

fn method_text<S: Serializer>(method: &Method, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(method.as_str())
}

/// A body as the journal keeps it: its first [`BODY_LIMIT`] bytes and its length, written
/// as text (with the length when it was cut).
#[derive(Debug, Clone)]
pub struct Excerpt {
    kept: Bytes,
    len: usize,
}

impl Excerpt {
    /// An answer's body: its own buffer is shared when it fits (it is the answer's alone),
    /// else its first [`BODY_LIMIT`] bytes are copied.
    pub fn shared(bytes: &Bytes) -> Excerpt {
        let kept = if bytes.len() <= BODY_LIMIT { bytes.clone() } else { Bytes::copy_from_slice(&bytes[..BODY_LIMIT]) };
        Excerpt { kept, len: bytes.len() }
    }

    /// A request's body, copied: its buffer may be a slice of the connection's read
    /// buffer, which a journal entry must not keep alive.
    pub fn copied(bytes: &[u8]) -> Excerpt {
        Excerpt { kept: Bytes::copy_from_slice(&bytes[..bytes.len().min(BODY_LIMIT)]), len: bytes.len() }
    }

    /// The kept bytes as text, with the full length when they were cut.
    pub fn text(&self) -> String {
        let mut text = String::from_utf8_lossy(&self.kept).into_owned();
        if self.len > BODY_LIMIT {
            text.push_str(&format!("… ({} bytes)", self.len));
        }
        text
    }
}

impl Serialize for Excerpt {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.text())
    }
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
            request_id: uuid::Uuid::nil(),
            method: Method::GET,
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
        assert_eq!(Excerpt::copied(&[b'a'; 5000]).text().len(), BODY_LIMIT + "… (5000 bytes)".len());
        let answer = Bytes::from(vec![b'b'; 5000]);
        assert_eq!(Excerpt::shared(&answer).text(), Excerpt::copied(&answer).text());
        assert_eq!(Excerpt::shared(&Bytes::from_static(b"{}")).text(), "{}");
    }
}
