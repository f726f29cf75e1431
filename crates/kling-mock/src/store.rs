//! The task store: tasks by id, the per-account list of each endpoint, and the
//! per-account index of external ids. Bounded: past its capacity the oldest finished
//! tasks are evicted first.

use std::collections::{BTreeSet, HashMap, VecDeque};

use kling_api::EndpointId;

use crate::auth::AccountId;
use crate::task::TaskRecord;

/// Store contents; callers hold the engine's lock around every use.
#[derive(Debug, Default)]
pub struct Store {
    tasks: HashMap<u64, TaskRecord>,
    lists: HashMap<(AccountId, EndpointId), BTreeSet<u64>>,
    external: HashMap<(AccountId, String), u64>,
    creation_order: VecDeque<u64>,
    capacity: usize,
}

impl Store {
    /// An empty store that keeps at most `capacity` tasks (finished ones are evicted first).
    pub fn new(capacity: usize) -> Store {
        Store {
            capacity: capacity.max(1),
            ..Store::default()
        }
    }

    /// Number of stored tasks.
    pub fn len(&self) -> usize {
        self.tasks.len()
    }

    /// Whether the store is empty.
    pub fn is_empty(&self) -> bool {
        self.tasks.is_empty()
    }

    /// Whether `account` already used `external_task_id`.
    pub fn has_external(&self, account: AccountId, external_task_id: &str) -> bool {
        self.external
            .contains_key(&(account, external_task_id.to_owned()))
    }

    /// Adds a task, evicting old finished tasks if over capacity.
    pub fn insert(&mut self, task: TaskRecord) {
        let id = task.id;
        self.lists
            .entry((task.account, task.endpoint))
            .or_default()
            .insert(id);
        if let Some(external) = &task.request.external_task_id {
            self.external.insert((task.account, external.clone()), id);
        }
        self.creation_order.push_back(id);
        self.tasks.insert(id, task);
        self.evict_over_capacity();
    }

    fn evict_over_capacity(&mut self) {
        let mut scanned = 0;
        while self.tasks.len() > self.capacity && scanned < self.creation_order.len() {
            let Some(candidate) = self.creation_order.pop_front() else {
                break;
            };
            let finished = self
                .tasks
                .get(&candidate)
                .is_some_and(|t| t.status.is_terminal());
            if finished {
                self.remove(candidate);
            } else {
                self.creation_order.push_back(candidate);
                scanned += 1;
            }
        }
    }

    fn remove(&mut self, id: u64) {
        if let Some(task) = self.tasks.remove(&id) {
            if let Some(list) = self.lists.get_mut(&(task.account, task.endpoint)) {
                list.remove(&id);
            }
            if let Some(external) = task.request.external_task_id {
                self.external.remove(&(task.account, external));
            }
        }
    }

    /// Resolves `key` (a task id, or else an external id) to a task of `account` on
    /// `endpoint`. Other accounts' tasks are invisible, exactly like unknown ones.
    pub fn resolve(&self, account: AccountId, endpoint: EndpointId, key: &str) -> Option<u64> {
        let owned = |id: &u64| {
            self.tasks
                .get(id)
                .is_some_and(|t| t.account == account && t.endpoint == endpoint)
        };
        key.parse::<u64>().ok().filter(owned).or_else(|| {
            self.external
                .get(&(account, key.to_owned()))
                .copied()
                .filter(owned)
        })
    }

    /// A task by id.
    pub fn get(&self, id: u64) -> Option<&TaskRecord> {
        self.tasks.get(&id)
    }

    /// A task by id, to change it.
    pub fn get_mut(&mut self, id: u64) -> Option<&mut TaskRecord> {
        self.tasks.get_mut(&id)
    }

    /// Ids of one page of `account`'s tasks on `endpoint`, newest first.
    pub fn page(
        &self,
        account: AccountId,
        endpoint: EndpointId,
        page: usize,
        size: usize,
    ) -> Vec<u64> {
        self.lists
            .get(&(account, endpoint))
            .map(|ids| {
                ids.iter()
                    .rev()
                    .skip(page.saturating_sub(1) * size)
                    .take(size)
                    .copied()
                    .collect()
            })
            .unwrap_or_default()
    }
}
