//! The request journal: the last N API exchanges, for the admin API. Bounded (a ring
//! buffer), bodies cut to a few KiB, and never holding a secret: the Authorization header
//! is not recorded, only the access key it proved.
//!
//! Every API answer is recorded, so recording is cheap and reading is where the cost
//! goes: once the journal is full, a new exchange is written over the oldest entry,
//! reusing its buffers (no allocation and no free per request in the steady state), and
//! the bodies become text only when the journal is read.

use std::collections::VecDeque;
use std::sync::Arc;

use axum::http::Method;
use parking_lot::Mutex;
use serde::{Serialize, Serializer};

/// Longest body kept per entry, in bytes.
pub const BODY_LIMIT: usize = 4096;

/// One recorded exchange.
#[derive(Debug, Clone, Default, Serialize)]
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
    /// The caller, set by authentication.
    pub account: Option<Arc<crate::auth::Account>>,
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
#[derive(Debug, Clone, Default)]
pub struct Excerpt {
    kept: Vec<u8>,
    len: usize,
}

impl Excerpt {
    /// The excerpt of `bytes`.
    pub fn of(bytes: &[u8]) -> Excerpt {
        let mut excerpt = Excerpt::default();
        excerpt.refill(bytes);
        excerpt
    }

    /// Becomes the excerpt of `bytes`, in the buffer it already has.
    fn refill(&mut self, bytes: &[u8]) {
        self.kept.clear();
        self.kept.extend_from_slice(&bytes[..bytes.len().min(BODY_LIMIT)]);
        self.len = bytes.len();
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

/// One exchange to record, borrowed from the request being answered.
#[derive(Debug)]
pub struct Exchange<'a> {
    /// Simulated time of arrival (Unix ms).
    pub at: i64,
    /// The request id sent back.
    pub request_id: uuid::Uuid,
    /// HTTP method.
    pub method: &'a Method,
    /// Path and query.
    pub path: &'a str,
    /// The caller's access key, once authenticated.
    pub access_key: Option<&'a str>,
    /// HTTP status answered.
    pub status: u16,
    /// Envelope code answered.
    pub code: Option<i64>,
    /// Request body.
    pub request_body: Option<&'a [u8]>,
    /// Response body.
    pub response_body: &'a [u8],
    /// Scenario rules that fired.
    pub scenario_rules: Vec<String>,
    /// A connection or body fault that replaced the answer.
    pub fault: Option<String>,
}

impl Entry {
    fn new(seq: u64, exchange: Exchange<'_>) -> Entry {
        let mut entry = Entry::default();
        entry.overwrite(seq, exchange);
        entry
    }

    /// Becomes the entry of `exchange`, reusing the buffers it has.
    fn overwrite(&mut self, seq: u64, exchange: Exchange<'_>) {
        fn refill_text(slot: &mut Option<String>, text: Option<&str>) {
            match (slot.as_mut(), text) {
                (Some(kept), Some(text)) => {
                    kept.clear();
                    kept.push_str(text);
                }
                (_, text) => *slot = text.map(str::to_owned),
            }
        }
        fn refill_body(slot: &mut Option<Excerpt>, bytes: Option<&[u8]>) {
            match (slot.as_mut(), bytes) {
                (Some(kept), Some(bytes)) => kept.refill(bytes),
                (_, bytes) => *slot = bytes.map(Excerpt::of),
            }
        }
        self.seq = seq;
        self.at = exchange.at;
        self.request_id = exchange.request_id;
        self.method.clone_from(exchange.method);
        self.path.clear();
        self.path.push_str(exchange.path);
        refill_text(&mut self.access_key, exchange.access_key);
        self.status = exchange.status;
        self.code = exchange.code;
        refill_body(&mut self.request_body, exchange.request_body);
        refill_body(&mut self.response_body, Some(exchange.response_body));
        self.scenario_rules = exchange.scenario_rules;
        self.fault = exchange.fault;
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

    /// Records an exchange, over the oldest entry once the journal is full.
    pub fn record(&self, exchange: Exchange<'_>) {
        if self.capacity == 0 {
            return;
        }
        let mut guard = self.entries.lock();
        let (seq, entries) = &mut *guard;
        *seq += 1;
        if entries.len() < self.capacity {
            entries.push_back(Entry::new(*seq, exchange));
            return;
        }
        if let Some(mut oldest) = entries.pop_front() {
            oldest.overwrite(*seq, exchange);
            entries.push_back(oldest);
        }
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

    fn exchange(path: &str) -> Exchange<'_> {
        Exchange {
            at: 0,
            request_id: uuid::Uuid::nil(),
            method: &Method::GET,
            path,
            access_key: None,
            status: 200,
            code: Some(0),
            request_body: None,
            response_body: path.as_bytes(),
            scenario_rules: Vec::new(),
            fault: None,
        }
    }

    #[test]
    fn the_journal_stays_bounded_and_answers_newest_first() {
        let journal = Journal::new(3);
        for i in 0..10 {
            journal.record(exchange(&format!("/p{i}")));
        }
        assert_eq!(journal.len(), 3);
        let entries = journal.query(&Filter::default());
        let paths: Vec<&str> = entries.iter().map(|e| e.path.as_str()).collect();
        assert_eq!(paths, ["/p9", "/p8", "/p7"]);
        let bodies: Vec<String> = entries.iter().filter_map(|e| e.response_body.as_ref().map(Excerpt::text)).collect();
        assert_eq!(bodies, ["/p9", "/p8", "/p7"]);
        assert_eq!(entries.iter().map(|e| e.seq).collect::<Vec<_>>(), [10, 9, 8]);
    }

    #[test]
    fn an_entry_written_over_an_older_one_keeps_nothing_of_it() {
        let journal = Journal::new(1);
        let long = vec![b'a'; 5000];
        journal.record(Exchange {
            access_key: Some("ak"),
            request_body: Some(&long),
            code: Some(1200),
            scenario_rules: vec!["busy".to_owned()],
            fault: Some("connection: reset".to_owned()),
            ..exchange("/first")
        });
        let first = journal.query(&Filter::default()).remove(0);
        assert_eq!(first.request_body.map(|b| b.text().len()), Some(BODY_LIMIT + "… (5000 bytes)".len()));
        journal.record(Exchange { method: &Method::POST, ..exchange("/second") });
        let second = journal.query(&Filter::default()).remove(0);
        assert_eq!((second.path.as_str(), second.method.as_str(), second.code), ("/second", "POST", Some(0)));
        assert_eq!((second.access_key, second.request_body.is_none()), (None, true));
        assert_eq!((second.scenario_rules.len(), second.fault), (0, None));
        assert_eq!(second.response_body.map(|b| b.text()), Some("/second".to_owned()));
    }
}
