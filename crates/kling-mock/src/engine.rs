//! The task engine: creates tasks with their plan, answers queries and lists from the
//! store, and a background driver that moves tasks when their time comes and feeds the
//! callback queues.
//!
//! All state changes happen under one write lock, so transitions are atomic whatever the
//! load. Reads settle lazily: a query sees the state the clock implies even if the
//! driver has not run yet, and only takes the write lock when a transition is due.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use kling_api::rules::ValidRequest;
use kling_api::wire::{CreatedTask, Task, TaskInfo, TaskStatus};
use kling_api::{EndpointSpec, ErrorKind, pricing};
use parking_lot::{Mutex, RwLock};
use rand::SeedableRng;
use tokio::sync::Notify;

use crate::auth::AccountId;
use crate::callbacks::{CallbackQueue, Callbacks};
use crate::clock::Clock;
use crate::error::ApiError;
use crate::ids::{Ids, mix};
use crate::latency::LatencyProfile;
use crate::media::Media;
use crate::store::Store;
use crate::task::{Outcome, Plan, TaskRecord};

/// The task engine.
#[derive(Debug)]
pub struct Engine {
    store: RwLock<Store>,
    schedule: Mutex<BinaryHeap<Reverse<(i64, u64)>>>,
    callback_queues: Mutex<HashMap<u64, CallbackQueue>>,
    wake: Notify,
    created: AtomicU64,
    clock: Arc<Clock>,
    ids: Arc<Ids>,
    media: Arc<Media>,
    callbacks: Callbacks,
    latency: LatencyProfile,
    seed: u64,
    /// Base URL for result links in callbacks (no request to take the host from).
    public_url: RwLock<String>,
}

/// Construction parameters of the engine.
#[derive(Debug)]
pub struct EngineParts {
    /// Simulated time.
    pub clock: Arc<Clock>,
    /// Id source.
    pub ids: Arc<Ids>,
    /// Result media.
    pub media: Arc<Media>,
    /// Callback sender.
    pub callbacks: Callbacks,
    /// Task latencies.
    pub latency: LatencyProfile,
    /// Seed for per-task randomness.
    pub seed: u64,
    /// Store capacity.
    pub capacity: usize,
}

impl Engine {
    /// An engine with an empty store.
    pub fn new(parts: EngineParts) -> Engine {
        Engine {
            store: RwLock::new(Store::new(parts.capacity)),
            schedule: Mutex::new(BinaryHeap::new()),
            callback_queues: Mutex::new(HashMap::new()),
            wake: Notify::new(),
            created: AtomicU64::new(0),
            clock: parts.clock,
            ids: parts.ids,
            media: parts.media,
            callbacks: parts.callbacks,
            latency: parts.latency,
            seed: parts.seed,
            public_url: RwLock::new(String::new()),
        }
    }

    /// Sets the base URL used in callback bodies.
    pub fn set_public_url(&self, url: String) {
        *self.public_url.write() = url;
    }

    /// Number of stored tasks.
    pub fn task_count(&self) -> usize {
        self.store.read().len()
    }

    /// Creates a task for `account` from a validated request.
    pub fn create(
        &self,
        account: AccountId,
        spec: &EndpointSpec,
        request: ValidRequest,
    ) -> Result<CreatedTask, ApiError> {
        let sequence = self.created.fetch_add(1, Ordering::Relaxed);
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(mix(self.seed ^ mix(sequence)));
        let phases = self
            .latency
            .draw(request.mode, request.duration_s, &mut rng);
        let cost = pricing::unit_cost(spec.id, request.mode, request.duration_s);
        let callback_url = request.callback_url.clone();
        let external_task_id = request.external_task_id.clone();

        let mut store = self.store.write();
        if let Some(external) = &external_task_id
            && store.has_external(account, external)
        {
            return Err(ApiError::with_message(
                ErrorKind::InvalidParameter,
                format!("external_task_id: {external} already exists for this account"),
            ));
        }
        let now = self.clock.now_ms();
        let processing_at = now.saturating_add_unsigned(phases.queued_ms);
        let finished_at = processing_at.saturating_add_unsigned(phases.processing_ms);
        let task = TaskRecord {
            id: self.ids.task_id(now),
            account,
            endpoint: spec.id,
            request,
            cost,
            created_at: now,
            status: TaskStatus::Submitted,
            status_msg: String::new(),
            updated_at: now,
            plan: Plan {
                processing_at,
                finished_at,
                outcome: Outcome::Succeed,
            },
            video_id: self.ids.object_id(),
        };
        let id = task.id;
        store.insert(task);
        drop(store);

        if let Some(url) = callback_url {
            self.callback_queues
                .lock()
                .insert(id, self.callbacks.open(url));
        }
        {
            let mut schedule = self.schedule.lock();
            schedule.push(Reverse((processing_at, id)));
            schedule.push(Reverse((finished_at, id)));
        }
        self.wake.notify_one();
        Ok(CreatedTask {
            task_id: id.to_string(),
            task_status: TaskStatus::Submitted,
            task_info: TaskInfo {
                parent_video: None,
                external_task_id,
            },
            created_at: now,
            updated_at: now,
        })
    }

    /// The task `key` (task id or external id) of `account` on `spec`, as of now.
    pub fn get(
        &self,
        account: AccountId,
        spec: &EndpointSpec,
        key: &str,
        base_url: &str,
    ) -> Option<Task> {
        let now = self.clock.now_ms();
        {
            let store = self.store.read();
            let task = store.get(store.resolve(account, spec.id, key)?)?;
            if task.next_due().is_none_or(|due| due > now) {
                return Some(task.render(base_url, &self.media));
            }
        }
        let mut store = self.store.write();
        let id = store.resolve(account, spec.id, key)?;
        self.settle_locked(&mut store, id, now);
        store.get(id).map(|t| t.render(base_url, &self.media))
    }

    /// One page of `account`'s tasks on `spec`, newest first, as of now.
    pub fn list(
        &self,
        account: AccountId,
        spec: &EndpointSpec,
        page: usize,
        size: usize,
        base_url: &str,
    ) -> Vec<Task> {
        let now = self.clock.now_ms();
        let mut store = self.store.write();
        let ids = store.page(account, spec.id, page, size);
        for id in &ids {
            self.settle_locked(&mut store, *id, now);
        }
        ids.iter()
            .filter_map(|id| store.get(*id))
            .map(|t| t.render(base_url, &self.media))
            .collect()
    }

    /// Applies the due transitions of one task and queues a callback for each.
    fn settle_locked(&self, store: &mut Store, id: u64, now: i64) {
        let Some(task) = store.get_mut(id) else {
            return;
        };
        if task.next_due().is_none_or(|due| due > now) {
            return;
        }
        let public_url = self.public_url.read();
        let mut queues = self.callback_queues.lock();
        while let Some(entered) = task.step(now) {
            if let Some(queue) = queues.get(&id) {
                let _ = queue.send(task.render(&public_url, &self.media));
            }
            if entered.is_terminal() {
                queues.remove(&id);
            }
        }
    }

    /// Moves tasks whose time has come, until `shutdown` completes.
    pub async fn drive(self: Arc<Self>, shutdown: impl std::future::Future<Output = ()>) {
        tokio::pin!(shutdown);
        let mut advanced = self.clock.subscribe();
        loop {
            let now = self.clock.now_ms();
            let (due, next) = {
                let mut schedule = self.schedule.lock();
                let mut due = Vec::new();
                while let Some(Reverse((at, id))) = schedule.peek().copied() {
                    if at > now {
                        break;
                    }
                    schedule.pop();
                    due.push(id);
                }
                (due, schedule.peek().map(|Reverse((at, _))| *at))
            };
            if !due.is_empty() {
                let mut store = self.store.write();
                for id in due {
                    self.settle_locked(&mut store, id, now);
                }
                continue;
            }
            let delay = next.and_then(|at| self.clock.real_delay_until(at));
            tokio::select! {
                () = &mut shutdown => return,
                () = self.wake.notified() => {}
                changed = advanced.changed() => if changed.is_err() { return },
                () = async {
                    match delay {
                        Some(d) => tokio::time::sleep(d).await,
                        None => std::future::pending().await,
                    }
                } => {}
            }
        }
    }
}
