//! The task store: tasks by id, the per-account list of each endpoint, and the
//! per-account index of external ids. Bounded: past its capacity the oldest finished
//! tasks are evicted first.

use std::collections::{BTreeSet, VecDeque};
use std::ops::Bound;

// The store hashes its keys on every create and query; foldhash is several times
// faster than the standard SipHash and still seeded per process.
use foldhash::HashMap;

use kling_api::EndpointId;
use kling_api::endpoints::Output;

use crate::accounts::{AccountState, Limits};
use crate::auth::AccountId;
use crate::selection::Selection;
use crate::task::TaskRecord;

/// Store contents; callers hold the engine's lock around every use.
#[derive(Debug, Default)]
pub struct Store {
    /// Boxed: the table's slots stay small, so the lookups every create and query make
    /// stay in cache, and a growing table moves pointers, not records.
    tasks: HashMap<u64, Box<TaskRecord>>,
    lists: HashMap<(AccountId, EndpointId), BTreeSet<u64>>,
    /// Each account's tasks by `(created_at, id)`: the cursor listings read a page by
    /// range instead of scanning and sorting every stored task.
    by_time: HashMap<AccountId, BTreeSet<(i64, u64)>>,
    external: HashMap<(AccountId, String), u64>,
    creation_order: VecDeque<u64>,
    /// Finished tasks still stored, oldest first: the next to evict.
    finished: VecDeque<u64>,
    capacity: usize,
    accounts: HashMap<AccountId, AccountState>,
    videos: HashMap<uuid::Uuid, u64>,
    sessions: HashMap<String, Session>,
    selections: HashMap<String, Selection>,
}

/// An identify-face session: the faces of one video, valid 24 hours.
#[derive(Debug, Clone)]
pub struct Session {
    /// Owner.
    pub account: AccountId,
    /// Length of the video (ms).
    pub video_ms: u64,
    /// The source video, when it was a Kling video.
    pub parent: Option<crate::task::ParentVideo>,
    /// Faces: id, start and end (ms).
    pub faces: Vec<(String, i64, i64)>,
    /// Simulated ms after which the session is gone.
    pub expires_at: i64,
}

impl Store {
    /// An empty store that keeps at most `capacity` tasks (finished ones are evicted first).
    pub fn new(capacity: usize) -> Store {
        Store { capacity: capacity.max(1), ..Store::default() }
    }

    /// Number of stored tasks.
    pub fn len(&self) -> usize {
        self.tasks.len()
    }

    /// Removes every task and account state.
    pub fn clear(&mut self) {
        *self = Store::new(self.capacity);
    }

    /// The live state of an account, created from `limits` on first use.
    pub fn account_mut(&mut self, account: AccountId, limits: impl FnOnce() -> Limits) -> &mut AccountState {
        self.accounts.entry(account).or_insert_with(|| AccountState::new(&limits()))
    }

    /// The live state of an account, to change it, if it has one yet.
    pub fn account_mut_existing(&mut self, account: AccountId) -> Option<&mut AccountState> {
        self.accounts.get_mut(&account)
    }

    /// The live state of an account, if it has one yet.
    pub fn account(&self, account: AccountId) -> Option<&AccountState> {
        self.accounts.get(&account)
    }

    /// Every task, oldest first.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &TaskRecord> {
        self.creation_order.iter().filter_map(|id| self.tasks.get(id).map(|t| &**t))
    }

    /// `account`'s tasks created from `start_ms` to `end_ms` (inclusive) and ordered before
    /// `before` by `(created_at, id)`, newest first.
    pub fn newest_first(
        &self,
        account: AccountId,
        start_ms: i64,
        end_ms: i64,
        before: Option<(i64, u64)>,
    ) -> impl Iterator<Item = &TaskRecord> {
        let (lower, end) = ((start_ms, 0), (end_ms, u64::MAX));
        let before = before.filter(|before| *before <= end);
        let upper = before.map_or(Bound::Included(end), Bound::Excluded);
        // `BTreeSet::range` panics on a range that ends before it starts; it is empty.
        let backwards = before.unwrap_or(end) < lower;
        self.by_time
            .get(&account)
            .filter(|_| !backwards)
            .into_iter()
            .flat_map(move |set| set.range((Bound::Included(lower), upper)).rev())
            .filter_map(|(_, id)| self.tasks.get(id).map(|t| &**t))
    }

    /// Whether the store is empty.
    pub fn is_empty(&self) -> bool {
        self.tasks.is_empty()
    }

    /// Whether `account` already used `external_task_id`.
    pub fn has_external(&self, account: AccountId, external_task_id: &str) -> bool {
        self.external.contains_key(&(account, external_task_id.to_owned()))
    }

    /// Adds a task, evicting old finished tasks if over capacity.
    pub fn insert(&mut self, task: TaskRecord) {
        let id = task.id;
        self.lists.entry((task.account, task.endpoint)).or_default().insert(id);
        self.by_time.entry(task.account).or_default().insert((task.created_at, id));
        if let Some(external) = &task.request.external_task_id {
            self.external.insert((task.account, external.clone()), id);
        }
        self.creation_order.push_back(id);
        if matches!(task.output, Output::Videos | Output::VideoWithAudio) {
            self.videos.insert(task.video_id, id);
        }
        self.tasks.insert(id, Box::new(task));
        self.evict_over_capacity();
    }

    fn evict_over_capacity(&mut self) {
        while self.tasks.len() > self.capacity {
            let Some(id) = self.finished.pop_front() else { break };
            self.remove(id);
        }
        // Evicted ids linger in the creation order; drop them once they are the majority.
        if self.creation_order.len() > 2 * self.tasks.len() + 64 {
            let tasks = &self.tasks;
            self.creation_order.retain(|id| tasks.contains_key(id));
        }
    }

    /// Records that a stored task reached its terminal state (a task ends once), making
    /// it evictable (oldest finished first).
    pub fn mark_finished(&mut self, id: u64) {
        if self.tasks.get(&id).is_some_and(|t| t.status.is_terminal()) {
            self.finished.push_back(id);
        }
    }

    /// Whether the store is at capacity with nothing it may evict: every task is still
    /// running, so a new one would break the bound. Only eviction removes a task, and it
    /// takes it off the finished list, so that list holds stored tasks only.
    pub fn is_full(&self) -> bool {
        self.tasks.len() >= self.capacity && self.finished.is_empty()
    }

    /// The configured capacity.
    pub fn capacity(&self) -> usize {
        self.capacity
    }

    fn remove(&mut self, id: u64) {
        if let Some(task) = self.tasks.remove(&id) {
            if let Some(list) = self.lists.get_mut(&(task.account, task.endpoint)) {
                list.remove(&id);
            }
            if let Some(by_time) = self.by_time.get_mut(&task.account) {
                by_time.remove(&(task.created_at, id));
            }
            if let Some(external) = task.request.external_task_id {
                self.external.remove(&(task.account, external));
            }
            self.videos.remove(&task.video_id);
        }
    }

    /// Resolves `key` (a task id, or else an external id) to a task of `account` on
    /// `endpoint`. Other accounts' tasks are invisible, exactly like unknown ones.
    pub fn resolve(&self, account: AccountId, endpoint: EndpointId, key: &str) -> Option<u64> {
        let owned = |id: &u64| self.tasks.get(id).is_some_and(|t| t.account == account && t.endpoint == endpoint);
        key.parse::<u64>()
            .ok()
            .filter(owned)
            .or_else(|| self.external.get(&(account, key.to_owned())).copied().filter(owned))
    }

    /// The task of `account` with this id (or external id), on any endpoint.
    pub fn find(&self, account: AccountId, key: &str, external: bool) -> Option<u64> {
        let id = if external { self.external.get(&(account, key.to_owned())).copied() } else { key.parse().ok() };
        id.filter(|id| self.tasks.get(id).is_some_and(|t| t.account == account))
    }

    /// The task that produced video `video_id`, if it belongs to `account`.
    pub fn video_task(&self, account: AccountId, video_id: &str) -> Option<&TaskRecord> {
        let video_id = uuid::Uuid::try_parse(video_id).ok()?;
        self.videos.get(&video_id).and_then(|id| self.tasks.get(id)).map(|t| &**t).filter(|t| t.account == account)
    }

    /// Stores a session, forgetting expired ones.
    pub fn add_session(&mut self, session_id: String, session: Session, now_ms: i64) {
        self.sessions.retain(|_, s| s.expires_at > now_ms);
        self.sessions.insert(session_id, session);
    }

    /// A live session of `account`.
    pub fn session(&self, account: AccountId, session_id: &str, now_ms: i64) -> Option<&Session> {
        self.sessions.get(session_id).filter(|s| s.account == account && s.expires_at > now_ms)
    }

    /// Stores a multi-elements selection session, forgetting expired ones.
    pub fn add_selection(&mut self, session_id: String, selection: Selection, now_ms: i64) {
        self.selections.retain(|_, s| s.expires_at > now_ms);
        self.selections.insert(session_id, selection);
    }

    /// A live selection session of `account`.
    pub fn selection(&self, account: AccountId, session_id: &str, now_ms: i64) -> Option<&Selection> {
        self.selections.get(session_id).filter(|s| s.account == account && s.expires_at > now_ms)
    }

    /// A live selection session of `account`, to read or change.
    pub fn selection_mut(&mut self, account: AccountId, session_id: &str, now_ms: i64) -> Option<&mut Selection> {
        self.selections.get_mut(session_id).filter(|s| s.account == account && s.expires_at > now_ms)
    }

    /// Every account state, for the state file.
    pub fn accounts(&self) -> impl Iterator<Item = (AccountId, &AccountState)> {
        self.accounts.iter().map(|(id, state)| (*id, state))
    }

    /// Puts back an account state read from the state file.
    pub fn restore_account(&mut self, account: AccountId, state: AccountState) {
        self.accounts.insert(account, state);
    }

    /// Every session, live or expired, for the state file.
    pub fn sessions(&self) -> impl Iterator<Item = (&str, &Session)> {
        self.sessions.iter().map(|(id, session)| (id.as_str(), session))
    }

    /// Every selection session, live or expired, for the state file.
    pub fn selections(&self) -> impl Iterator<Item = (&str, &Selection)> {
        self.selections.iter().map(|(id, selection)| (id.as_str(), selection))
    }

    /// A task by id.
    pub fn get(&self, id: u64) -> Option<&TaskRecord> {
        self.tasks.get(&id).map(|t| &**t)
    }

    /// A task by id, to change it.
    pub fn get_mut(&mut self, id: u64) -> Option<&mut TaskRecord> {
        self.tasks.get_mut(&id).map(|t| &mut **t)
    }

    /// Ids of one page of `account`'s tasks on `endpoint`, newest first.
    pub fn page(&self, account: AccountId, endpoint: EndpointId, page: usize, size: usize) -> Vec<u64> {
        self.lists
            .get(&(account, endpoint))
            .map(|ids| ids.iter().rev().skip(page.saturating_sub(1) * size).take(size).copied().collect())
            .unwrap_or_default()
    }
}
