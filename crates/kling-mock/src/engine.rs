//! The task engine: creates tasks with their plan, answers queries and lists from the
//! store, and a background driver that moves tasks when their time comes and feeds the
//! callback queues.
//!
//! All state changes happen under one write lock, so transitions are atomic whatever the
//! load. Reads settle lazily: a query sees the state the clock implies even if the
//! driver has not run yet, and only takes the write lock when a transition is due.
//! Every transition goes through `Engine::settle_locked`, which also releases the
//! account's slots and refunds failed tasks, so no path can forget either.

use std::cmp::Reverse;
use std::collections::{BTreeMap, BinaryHeap, HashMap};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use kling_api::endpoints::{Output, PackType};
use kling_api::pricing::Units;
use kling_api::rules::{self, ValidRequest};
use kling_api::solutions::Spelling;
use kling_api::wire::{CreatedTask, Face, FaceSession, Task, TaskInfo, TaskStatus};
use kling_api::wire_solutions::{SolutionItem, SolutionPage};
use kling_api::wire_standard::{Status, TaskItem, TaskPage};
use kling_api::{EndpointId, EndpointSpec, ErrorKind, pricing};
use parking_lot::{Mutex, RwLock};
use rand::SeedableRng;
use serde_json::{Value, json};
use tokio::sync::Notify;

use crate::accounts::{AccountState, Limits, LimitsConfig};
use crate::auth::Account;
use crate::callbacks::{CallbackQueue, Callbacks};
use crate::clock::Clock;
use crate::error::ApiError;
use crate::ids::{Ids, mix};
use crate::latency::LatencyProfile;
use crate::library::{KnownFor, Library};
use crate::media::Media;
use crate::scenario::file::{Action, FailAt, Hold};
use crate::selection::{self, Selection};
use crate::sources;
use crate::store::{Session, Store};
use crate::task::{Outcome, Plan, TaskParams, TaskRecord};

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
    limits: RwLock<LimitsConfig>,
    /// Base URL for result links in callbacks (no request to take the host from).
    public_url: RwLock<String>,
    /// Voices, elements and audios of every account (its own lock: see `library`).
    library: RwLock<Library>,
    /// Which price list tasks are charged from.
    prices: Prices,
    /// Account names by id, for the billing exports' `api_key_name`.
    account_names: RwLock<HashMap<crate::auth::AccountId, Arc<str>>>,
    /// Webhook Secrets that sign callbacks.
    webhook_secrets: RwLock<crate::webhooks::WebhookSecrets>,
    /// How Solutions answers spell a try-on task.
    spelling: Spelling,
}

/// Which price list the engine charges from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Prices {
    /// The official price pages ([`pricing::quote`]).
    #[default]
    Official,
    /// The seed's credit ranges (the seed dialect).
    Seed,
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
    /// Account limits.
    pub limits: LimitsConfig,
    /// Price list.
    pub prices: Prices,
    /// Webhook Secrets every account starts with.
    pub webhook_secrets: crate::webhooks::WebhookSecrets,
    /// How Solutions answers spell a try-on task.
    pub spelling: Spelling,
}

/// A stored task as the admin API shows it: the API view plus what only the emulator knows.
#[derive(Debug, Clone, serde::Serialize)]
pub struct TaskDetail {
    /// Owner's access key.
    pub access_key: String,
    /// Endpoint name.
    pub endpoint: &'static str,
    /// Model.
    pub model: &'static str,
    /// Mode.
    pub mode: Option<&'static str>,
    /// Units charged on success.
    pub cost: Units,
    /// The task's future.
    pub plan: Plan,
    /// The API view.
    pub task: Task,
    /// For a task created on the new-standard surface: its `/tasks` item (outputs,
    /// billing), as its owner sees it there.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub item: Option<TaskItem>,
    /// For a task created on the Solutions surface: its `/solutions` item.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub solution: Option<SolutionItem>,
}

/// A state an operator can force a task into.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ForcedStatus {
    /// Start running now.
    Processing,
    /// Succeed now.
    Succeed,
    /// Fail now.
    Failed,
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
            limits: RwLock::new(parts.limits),
            public_url: RwLock::new(String::new()),
            library: RwLock::new(Library::default()),
            prices: parts.prices,
            account_names: RwLock::new(HashMap::new()),
            webhook_secrets: RwLock::new(parts.webhook_secrets),
            spelling: parts.spelling,
        }
    }

    /// Names the accounts (their access keys) for the billing exports.
    pub fn name_accounts<'a>(&self, accounts: impl IntoIterator<Item = &'a Account>) {
        let mut names = self.account_names.write();
        names.extend(accounts.into_iter().map(|a| (a.id, Arc::from(a.access_key.as_str()))));
    }

    /// The callback sender.
    pub fn callbacks(&self) -> &Callbacks {
        &self.callbacks
    }

    /// The Webhook Secrets of every account (the admin API changes them).
    pub fn webhook_secrets(&self) -> &RwLock<crate::webhooks::WebhookSecrets> {
        &self.webhook_secrets
    }

    /// The signing of a callback `account` makes now with `id`.
    pub fn signing(&self, account: &Account, id: String) -> crate::callbacks::Signing {
        let now = self.clock.now_ms();
        crate::callbacks::Signing {
            id,
            timestamp_s: now.div_euclid(1000),
            secrets: self.webhook_secrets.read().signing(account.id, now),
        }
    }

    fn account_name(&self, id: crate::auth::AccountId) -> Arc<str> {
        self.account_names.read().get(&id).cloned().unwrap_or_else(|| Arc::from(""))
    }

    /// What `account`'s requests may refer to, for validation.
    pub fn known(&self, account: &Account) -> KnownFor<'_> {
        KnownFor::new(&self.library, account.id)
    }

    /// Sets the base URL used in callback bodies.
    pub fn set_public_url(&self, url: String) {
        *self.public_url.write() = url;
    }

    /// Number of stored tasks.
    pub fn task_count(&self) -> usize {
        self.store.read().len()
    }

    /// Creates a task for `account` from a validated request, shaped by the scenario
    /// `action` (late failure, latencies, hold).
    pub fn create(
        &self,
        account: &Account,
        spec: &EndpointSpec,
        request: ValidRequest,
        action: &Action,
    ) -> Result<CreatedTask, ApiError> {
        self.create_task(account, spec, request, action, false).map(|(created, _)| created)
    }

    /// Creates a task that finishes at once and answers it finished (TTS): a scenario's
    /// failure still applies, its latencies and holds do not.
    pub fn create_finished(
        &self,
        account: &Account,
        spec: &EndpointSpec,
        request: ValidRequest,
        action: &Action,
        base_url: &str,
    ) -> Result<Task, ApiError> {
        let (_, id) = self.create_task(account, spec, request, action, true)?;
        let now = self.clock.now_ms();
        let mut store = self.store.write();
        self.settle_locked(&mut store, id, now);
        store
            .get(id)
            .map(|t| t.render(base_url, &self.media))
            .ok_or_else(|| ApiError::with_message(ErrorKind::InternalError, "the finished task was evicted"))
    }

    fn create_task(
        &self,
        account: &Account,
        spec: &EndpointSpec,
        mut request: ValidRequest,
        action: &Action,
        instant: bool,
    ) -> Result<(CreatedTask, u64), ApiError> {
        let sequence = self.created.fetch_add(1, Ordering::Relaxed);
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(mix(self.seed ^ mix(sequence)));
        let callback_url = request.callback_url.clone();
        let external_task_id = request.external_task_id.clone();

        let mut store = self.store.write();
        let now = self.clock.now_ms();
        self.settle_due_locked(&mut store, now);
        if let Some(external) = &external_task_id
            && store.has_external(account.id, external)
        {
            return Err(ApiError::with_message(
                ErrorKind::InvalidParameter,
                format!("external_task_id: {external} already exists for this account"),
            ));
        }
        let source = sources::resolve(&store, account.id, spec, &mut request, now, &mut rng)?;
        let seconds = u32::try_from(source.video_ms.div_ceil(1000)).unwrap_or(u32::MAX);
        let (queued, processing) = self.latency.distributions(request.mode, seconds);
        let (queued_ms, processing_ms) = if instant {
            (0, 0)
        } else {
            (action.queued.unwrap_or(queued).sample(&mut rng), action.processing.unwrap_or(processing).sample(&mut rng))
        };
        let mut billing = request.billing;
        if spec.pack == PackType::Video && seconds > 0 && spec.standard.is_none() {
            billing.seconds = seconds;
        }
        let cost = self.price(&billing);
        let slots = if spec.pack == PackType::Image { request.n } else { 1 };
        if store.is_full() {
            return Err(ApiError::with_message(
                ErrorKind::ServiceTimeout,
                format!("the emulator holds {} unfinished tasks, its capacity (--task-capacity)", store.capacity()),
            ));
        }
        let payment = self.reserve(&mut store, account, spec.pack, cost, slots)?;

        let processing_at = now.saturating_add_unsigned(queued_ms);
        let mut finished_at = processing_at.saturating_add_unsigned(processing_ms);
        match action.hold {
            _ if instant => {}
            Some(Hold::UntilReleased) => finished_at = i64::MAX,
            Some(Hold::ForMs(ms)) => finished_at = finished_at.saturating_add_unsigned(ms),
            None => {}
        }
        // A scenario's failure first, then one the inputs decide (a drama source too long).
        let (outcome, fail_before_processing) = match (&action.fail, request.fails_with) {
            (Some(fail), _) => (Outcome::Fail(fail.message.clone()), fail.at == FailAt::Submitted),
            (None, Some(message)) => (Outcome::Fail(message.to_owned()), false),
            (None, None) => (Outcome::Succeed, false),
        };
        let task = TaskRecord {
            id: self.ids.task_id(now),
            account: account.id,
            endpoint: spec.id,
            pack: spec.pack,
            slots,
            request: TaskParams::from(&request),
            cost,
            payment,
            billing,
            created_at: now,
            status: TaskStatus::Submitted,
            status_msg: String::new(),
            updated_at: now,
            plan: Plan { processing_at, finished_at, outcome, fail_before_processing },
            video_id: self.ids.object_id(),
            output: spec.output,
            video_ms: source.video_ms,
            parent: source.parent.clone(),
        };
        let id = task.id;
        // Queue and schedule before the lock is released, so that no reader can settle
        // the task before its callbacks have somewhere to go.
        if let Some(url) = callback_url {
            let fault = action.callback.unwrap_or_default();
            self.callback_queues.lock().insert(id, self.callbacks.open(url, fault));
        }
        let due_now = self.schedule(id, [processing_at, finished_at], now);
        store.insert(task);
        if due_now {
            self.settle_due_locked(&mut store, now);
        }
        drop(store);
        let created = CreatedTask {
            task_id: id.to_string(),
            task_status: TaskStatus::Submitted,
            task_info: TaskInfo { parent_video: None, external_task_id },
            created_at: now,
            updated_at: now,
        };
        Ok((created, id))
    }

    /// What a task or call costs in the engine's price list.
    fn price(&self, billing: &pricing::Basis) -> pricing::Units {
        match self.prices {
            Prices::Official => pricing::quote(billing).units,
            Prices::Seed => pricing::seed_price(billing),
        }
    }

    /// Charges a synchronous call that costs something (identify-face) at once, as a
    /// task that succeeded the moment it was made: the pack or cash pays, the ledger gets
    /// a row under an id of its own, and nothing is charged when nothing covers it.
    fn charge_call(
        &self,
        store: &mut Store,
        account: &Account,
        request: &ValidRequest,
        now: i64,
    ) -> Result<pricing::Units, ApiError> {
        let spec = kling_api::endpoints::spec(request.billing.endpoint);
        let cost = self.price(&request.billing);
        let payment = self.reserve(store, account, spec.pack, cost, 1)?;
        let facts = crate::accounts::DeductionFacts {
            task_id: self.ids.task_id(now),
            created_at: now,
            deduction_time: now,
            api_key_name: self.account_name(account.id),
            product_function: pricing::product_function(spec.id).into(),
            model_name: request.model.into(),
            resolution: None,
            duration: None,
            refer_video_input: None,
            video_sound: None,
            voice_control: None,
        };
        settle_payment(store, account.id, spec.pack, cost, payment, 1, Some(facts));
        Ok(cost)
    }

    /// Reserves what a task or call costs from the account's packs or cash (its state
    /// made from its limits on first use).
    fn reserve(
        &self,
        store: &mut Store,
        account: &Account,
        pack: PackType,
        cost: Units,
        slots: u32,
    ) -> Result<crate::accounts::Payment, ApiError> {
        let limits = || self.limits.read().for_account(&account.access_key);
        let list_price = |currency| pricing::list_price(pack, cost, currency);
        store.account_mut(account.id, limits).reserve(pack, cost, slots, list_price).map_err(ApiError::new)
    }

    /// Charges a synchronous call whose answer carries no amount (image-recognize).
    pub fn charge(&self, account: &Account, request: &ValidRequest) -> Result<pricing::Units, ApiError> {
        let mut store = self.store.write();
        let now = self.clock.now_ms();
        self.settle_due_locked(&mut store, now);
        self.charge_call(&mut store, account, request, now)
    }

    /// identify-face: finds the faces of a video and opens a 24-hour session.
    pub fn identify_face(
        &self,
        account: &Account,
        request: &ValidRequest,
        base_url: &str,
    ) -> Result<FaceSession, ApiError> {
        let mut store = self.store.write();
        let now = self.clock.now_ms();
        self.settle_due_locked(&mut store, now);
        let (video_ms, parent) = sources::face_video(&store, account.id, request, now)?;
        let cost = self.charge_call(&mut store, account, request, now)?;
        let session_id = self.ids.object_id().to_string();
        let face_id = self.ids.object_id().to_string();
        let end = i64::try_from(video_ms).unwrap_or(i64::MAX);
        let session = Session {
            account: account.id,
            video_ms,
            parent,
            faces: vec![(face_id.clone(), 0, end)],
            expires_at: now.saturating_add(sources::SESSION_TTL_MS),
        };
        store.add_session(session_id.clone(), session, now);
        Ok(FaceSession {
            session_id,
            final_unit_deduction: cost.to_string(),
            face_data: vec![Face {
                face_image: format!("{base_url}{}", crate::media::image_path(&face_id, false)),
                face_id,
                start_time: 0,
                end_time: end,
            }],
        })
    }

    /// init-selection: opens a 24-hour selection session on a video of 2-5 s or 7-10 s.
    pub fn init_selection(&self, account: &Account, request: &ValidRequest, base_url: &str) -> Result<Value, ApiError> {
        let mut store = self.store.write();
        let now = self.clock.now_ms();
        self.settle_due_locked(&mut store, now);
        let (video_ms, parent) = sources::selection_video(&store, account.id, request, now)?;
        let session_id = self.ids.object_id().to_string();
        let selection = Selection {
            account: account.id,
            video_ms,
            parent,
            frames: BTreeMap::new(),
            expires_at: now.saturating_add(sources::SESSION_TTL_MS),
        };
        let total_frame = selection.total_frames();
        store.add_selection(session_id.clone(), selection, now);
        Ok(json!({
            "status": 0,
            "session_id": session_id,
            "final_unit_deduction": "0",
            "fps": selection::FPS as f64,
            "original_duration": video_ms,
            "width": selection::WIDTH,
            "height": selection::HEIGHT,
            "total_frame": total_frame,
            "normalized_video": format!("{base_url}{}", crate::media::video_path(video_ms, &session_id_video(&session_id), false)),
        }))
    }

    /// add-, delete-, clear- and preview-selection on a live session of the account.
    pub fn edit_selection(
        &self,
        account: &Account,
        operation: EndpointId,
        body: &Value,
        base_url: &str,
    ) -> Result<Value, ApiError> {
        let session_id = body.get("session_id").and_then(|v| rules::as_text(v, Default::default())).unwrap_or_default();
        let frame = body.get("frame_index").and_then(Value::as_f64).unwrap_or(0.0).max(0.0) as u64;
        let points = selection::points_of(body);
        let now = self.clock.now_ms();
        let mut store = self.store.write();
        let session = store.selection_mut(account.id, &session_id, now).ok_or_else(|| {
            ApiError::with_message(
                ErrorKind::InvalidParameter,
                format!("session_id: selection session {session_id} does not exist or has expired"),
            )
        })?;
        let invalid = |message: String| ApiError::with_message(ErrorKind::InvalidParameter, message);
        let res = match operation {
            EndpointId::AddSelection => {
                session.add(frame, &points).map_err(invalid)?;
                session.masks(frame)
            }
            EndpointId::DeleteSelection => {
                session.delete(frame, &points);
                session.masks(frame)
            }

            EndpointId::ClearSelection => {
                session.frames.clear();
                json!({})
            }
            _ => {
                if !session.has_selection() {
                    return Err(invalid("session_id: nothing is selected yet; add-selection first".to_owned()));
                }
                let video = session_id_video(&session_id);
                let link = |path: String| format!("{base_url}{path}");
                json!({
                    "video": link(crate::media::video_path(session.video_ms, &video, false)),
                    "video_cover": link(crate::media::image_path(&video, false)),
                    "tracking_output": link(crate::media::video_path(session.video_ms, &format!("{video}-1"), false)),
                })
            }
        };
        Ok(json!({"status": 0, "session_id": session_id, "res": res}))
    }

    /// delete-voices / delete-elements: removes a custom voice or element of the account.
    pub fn delete_from_library(
        &self,
        account: &Account,
        operation: EndpointId,
        body: &Value,
    ) -> Result<Value, ApiError> {
        let text = |key: &str| body.get(key).and_then(|v| rules::as_text(v, Default::default())).unwrap_or_default();
        let invalid = |field: &str, e: crate::library::DeleteError| {
            ApiError::with_message(ErrorKind::InvalidParameter, format!("{field}: {e}"))
        };
        if operation == EndpointId::DeleteVoices {
            let voice_id = text("voice_id");
            self.library.write().delete_voice(account.id, &voice_id).map_err(|e| invalid("voice_id", e))?;
            return Ok(json!({"voice_id": voice_id, "status": "deleted"}));
        }
        let raw = text("element_id");
        let element_id = raw.trim().parse::<u64>().map_err(|_| {
            ApiError::with_message(ErrorKind::InvalidParameter, format!("element_id: {raw} is not an element id"))
        })?;
        self.library.write().delete_element(account.id, element_id).map_err(|e| invalid("element_id", e))?;
        // Both element pages document `{task_id, task_status}`; the values are not recorded.
        Ok(json!({"task_id": self.ids.task_id(self.clock.now_ms()).to_string(), "task_status": "succeed"}))
    }

    /// Takes the library's write lock only for outputs the library keeps: a create holds
    /// the store lock here, and validations read the library meanwhile.
    fn add_to_library(&self, task: &TaskRecord) {
        match task.output {
            Output::Audios | Output::Speech | Output::VideoWithAudio => {
                self.library.write().add_audio(task.account, task.audio_id(), task.video_ms);
            }
            Output::Voices => self.library.write().add_voice(task.account, task.voice_id(), task.id),
            Output::Elements => self.library.write().add_element(task.account, task.element_id(), task.id),
            Output::Videos
            | Output::Images
            | Output::OmniImages
            | Output::AngleSets
            | Output::Synchronous
            | Output::Products => {}
        }
    }

    /// Queues a task's transition times and says whether one is already due at `now`:
    /// the caller settles that under the store lock it holds, so only a later time needs
    /// the driver woken (a cross-thread wake per create was a measurable share of it).
    fn schedule(&self, id: u64, times: impl IntoIterator<Item = i64>, now: i64) -> bool {
        let (mut due, mut later) = (false, false);
        {
            let mut schedule = self.schedule.lock();
            for at in times.into_iter().filter(|at| *at != i64::MAX) {
                schedule.push(Reverse((at, id)));
                if at <= now { due = true } else { later = true }
            }
        }
        if later {
            self.wake.notify_one();
        }
        due
    }

    /// The task `key` (task id or external id) of `account` on `spec`, as of now.
    pub fn get(&self, account: &Account, spec: &EndpointSpec, key: &str, base_url: &str) -> Option<Task> {
        self.get_in(account, &[spec.id], key, base_url)
    }

    /// The task `key` of `account` on any of `endpoints`, as of now.
    pub fn get_in(&self, account: &Account, endpoints: &[EndpointId], key: &str, base_url: &str) -> Option<Task> {
        let now = self.clock.now_ms();
        let find = |store: &Store| endpoints.iter().find_map(|e| store.resolve(account.id, *e, key));
        {
            let store = self.store.read();
            let task = store.get(find(&store)?)?;
            if task.next_due().is_none_or(|due| due > now) {
                return Some(task.render(base_url, &self.media));
            }
        }
        let mut store = self.store.write();
        let id = find(&store)?;
        self.settle_locked(&mut store, id, now);
        store.get(id).map(|t| t.render(base_url, &self.media))
    }

    /// One page of `account`'s tasks on `spec`, newest first, as of now.
    pub fn list(&self, account: &Account, spec: &EndpointSpec, page: usize, size: usize, base_url: &str) -> Vec<Task> {
        let now = self.clock.now_ms();
        let mut store = self.store.write();
        let ids = store.page(account.id, spec.id, page, size);
        for id in &ids {
            self.settle_locked(&mut store, *id, now);
        }
        ids.iter().filter_map(|id| store.get(*id)).map(|t| t.render(base_url, &self.media)).collect()
    }

    /// `account`'s tasks with these ids (or external ids), in the order asked, as
    /// `/tasks` items; unknown ids are left out. Legacy tasks count only when
    /// `include_legacy`.
    pub fn items(
        &self,
        account: &Account,
        keys: &[&str],
        external: bool,
        include_legacy: bool,
        base_url: &str,
    ) -> Vec<TaskItem> {
        let listing = Listing::Tasks { include_legacy };
        self.found(account, keys, external, listing, |t| t.item(base_url, &self.media))
    }

    /// `account`'s Solutions tasks with these ids (or external ids), in the order asked,
    /// as `/solutions` items; unknown ids and tasks of other surfaces are left out.
    pub fn solution_items(
        &self,
        account: &Account,
        keys: &[&str],
        external: bool,
        base_url: &str,
    ) -> Vec<SolutionItem> {
        self.found(account, keys, external, Listing::Solutions, |t| {
            t.solution_item(base_url, &self.media, self.spelling)
        })
    }

    /// The tasks of `account` that `keys` name and `listing` shows, settled, rendered.
    fn found<T>(
        &self,
        account: &Account,
        keys: &[&str],
        external: bool,
        listing: Listing,
        render: impl Fn(&TaskRecord) -> T,
    ) -> Vec<T> {
        let now = self.clock.now_ms();
        let mut store = self.store.write();
        let ids: Vec<u64> = keys
            .iter()
            .filter_map(|key| store.find(account.id, key, external))
            .filter(|id| store.get(*id).is_some_and(|t| listing.shows(t)))
            .collect();
        for id in &ids {
            self.settle_locked(&mut store, *id, now);
        }
        ids.iter().filter_map(|id| store.get(*id)).map(render).collect()
    }

    /// One page of `account`'s tasks by cursor, newest first (`POST /tasks`).
    pub fn page(&self, account: &Account, query: &TasksQuery, base_url: &str) -> TaskPage {
        let listing = Listing::Tasks { include_legacy: query.include_legacy };
        let (result, next_cursor, has_more) =
            self.cursor_page(account, query, listing, |t| t.item(base_url, &self.media));
        if result.is_empty() {
            return TaskPage { result: None, count: 0, next_cursor: None, has_more: false };
        }
        TaskPage { count: result.len(), result: Some(result), next_cursor, has_more }
    }

    /// One page of `account`'s Solutions tasks by cursor, newest first (`POST /solutions`).
    pub fn solution_page(&self, account: &Account, query: &TasksQuery, base_url: &str) -> SolutionPage {
        let (result, next_cursor, has_more) = self
            .cursor_page(account, query, Listing::Solutions, |t| t.solution_item(base_url, &self.media, self.spelling));
        if result.is_empty() {
            return SolutionPage { result: None, count: 0, next_cursor: None, has_more: false };
        }
        SolutionPage { count: result.len(), result: Some(result), next_cursor, has_more }
    }

    /// The page `query` asks for among the tasks `listing` shows: the rendered tasks,
    /// the cursor of the next page and whether there is one.
    fn cursor_page<T>(
        &self,
        account: &Account,
        query: &TasksQuery,
        listing: Listing,
        render: impl Fn(&TaskRecord) -> T,
    ) -> (Vec<T>, Option<String>, bool) {
        let now = self.clock.now_ms();
        let mut store = self.store.write();
        self.settle_due_locked(&mut store, now);
        let mut matching: Vec<(i64, u64)> = store
            .newest_first(account.id, query.start_ms, query.end_ms, query.after)
            .filter(|t| listing.shows(t))
            .filter(|t| query.statuses.as_ref().is_none_or(|s| s.contains(&Status::of(t.status))))
            .filter(|t| {
                query.product_types.as_ref().is_none_or(|p| p.contains(&kling_api::standard::product_type(t.pack)))
            })
            .map(|t| (t.created_at, t.id))
            .take(query.limit.saturating_add(1))
            .collect();
        let has_more = matching.len() > query.limit;
        matching.truncate(query.limit);
        let next_cursor = has_more.then(|| {
            let last = matching[matching.len() - 1];
            Cursor { start_ms: query.start_ms, end_ms: query.end_ms, after: last }.encode()
        });
        let result = matching.iter().filter_map(|(_, id)| store.get(*id)).map(render).collect();
        (result, next_cursor, has_more)
    }

    /// Settles every task whose scheduled time has come.
    fn settle_due_locked(&self, store: &mut Store, now: i64) {
        let due: Vec<u64> = {
            let mut schedule = self.schedule.lock();
            let mut due = Vec::new();
            while let Some(Reverse((at, id))) = schedule.peek().copied() {
                if at > now {
                    break;
                }
                schedule.pop();
                due.push(id);
            }
            due
        };
        for id in due {
            self.settle_locked(store, id, now);
        }
    }

    /// Applies the due transitions of one task, queues a callback for each, and gives
    /// the account back what an ended task held.
    fn settle_locked(&self, store: &mut Store, id: u64, now: i64) {
        let Some(task) = store.get_mut(id) else { return };
        if task.next_due().is_none_or(|due| due > now) {
            return;
        }
        let public_url = self.public_url.read();
        let mut queues = self.callback_queues.lock();
        let mut ended = None;
        while let Some(entered) = task.step(now) {
            if let Some(queue) = queues.get(&id).filter(|_| calls_back(task, entered)) {
                let body = task.callback_body(&public_url, &self.media, self.spelling);
                let status = if task.is_standard() || task.is_solution() {
                    self.spelling.status(task.endpoint, Status::of(entered))
                } else {
                    entered.as_str()
                };
                let signing = crate::callbacks::Signing {
                    id: mix(id ^ mix(entered as u64 + 1)).to_string(),
                    timestamp_s: now.div_euclid(1000),
                    secrets: self.webhook_secrets.read().signing(task.account, now),
                };
                let _ = queue.send(crate::callbacks::Callback { task_id: id, status, body, signing });
            }
            if entered.is_terminal() {
                queues.remove(&id);
                ended = Some(entered == TaskStatus::Succeed);
            }
        }
        drop(queues);
        let Some(succeeded) = ended else { return };
        if succeeded {
            self.add_to_library(task);
        }
        let (account, pack, cost, payment, slots) = (task.account, task.pack, task.cost, task.payment, task.slots);
        let facts = succeeded.then(|| task.deduction_facts(self.account_name(account), &self.media));
        store.mark_finished(id);
        settle_payment(store, account, pack, cost, payment, slots, facts);
    }

    /// Moves tasks whose time has come, until `shutdown` completes.
    pub async fn drive(self: Arc<Self>, shutdown: impl std::future::Future<Output = ()>) {
        tokio::pin!(shutdown);
        let mut advanced = self.clock.subscribe();
        loop {
            let now = self.clock.now_ms();
            let due = self.schedule.lock().peek().is_some_and(|Reverse((at, _))| *at <= now);
            if due {
                let mut store = self.store.write();
                self.settle_due_locked(&mut store, now);
                continue;
            }
            let next = self.schedule.lock().peek().map(|Reverse((at, _))| *at);
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

    // ----- operator functions (admin API) -----

    /// Forgets every task and resets account state to the configured limits.
    pub fn reset(&self) {
        let mut store = self.store.write();
        store.clear();
        self.library.write().clear();
        self.schedule.lock().clear();
        self.callback_queues.lock().clear();
        self.webhook_secrets.write().reset();
        self.created.store(0, Ordering::Relaxed);
        self.ids.restart();
    }

    /// Every stored task, newest first, filtered; `access_key_of` names the owners.
    pub fn tasks(
        &self,
        filter: impl Fn(&TaskDetail) -> bool,
        access_key_of: impl Fn(crate::auth::AccountId) -> String,
        base_url: &str,
    ) -> Vec<TaskDetail> {
        let now = self.clock.now_ms();
        let mut store = self.store.write();
        self.settle_due_locked(&mut store, now);
        let mut details: Vec<TaskDetail> =
            store.iter().map(|t| self.detail(t, &access_key_of, base_url)).filter(|d| filter(d)).collect();
        details.reverse();
        details
    }

    /// One stored task by id, with its plan.
    pub fn task(
        &self,
        id: u64,
        access_key_of: impl Fn(crate::auth::AccountId) -> String,
        base_url: &str,
    ) -> Option<TaskDetail> {
        let now = self.clock.now_ms();
        let mut store = self.store.write();
        self.settle_locked(&mut store, id, now);
        store.get(id).map(|t| self.detail(t, &access_key_of, base_url))
    }

    fn detail(
        &self,
        t: &TaskRecord,
        access_key_of: &impl Fn(crate::auth::AccountId) -> String,
        base_url: &str,
    ) -> TaskDetail {
        TaskDetail {
            access_key: access_key_of(t.account),
            endpoint: kling_api::endpoints::spec(t.endpoint).name,
            model: t.request.model,
            mode: t.request.mode,
            cost: t.cost,
            plan: t.plan.clone(),
            task: t.render(base_url, &self.media),
            item: t.is_standard().then(|| t.item(base_url, &self.media)),
            solution: t.is_solution().then(|| t.solution_item(base_url, &self.media, self.spelling)),
        }
    }

    /// Moves a task to `status` now (through `processing` if needed). Terminal tasks
    /// never change: forcing one is an error.
    pub fn force(&self, id: u64, status: ForcedStatus, message: Option<String>) -> Result<(), String> {
        let now = self.clock.now_ms();
        let mut store = self.store.write();
        self.settle_locked(&mut store, id, now);
        let task = store.get_mut(id).ok_or_else(|| format!("no task {id}"))?;
        if task.status.is_terminal() {
            return Err(format!("task {id} is already {}; terminal states never change", task.status.as_str()));
        }
        task.plan.processing_at = task.plan.processing_at.min(now);
        match status {
            ForcedStatus::Processing => {
                if task.plan.finished_at <= now {
                    task.plan.finished_at = i64::MAX;
                }
            }
            ForcedStatus::Succeed => {
                task.plan.outcome = Outcome::Succeed;
                task.plan.finished_at = now;
            }
            ForcedStatus::Failed => {
                task.plan.outcome = Outcome::Fail(message.unwrap_or_else(|| "failed by operator".to_owned()));
                task.plan.finished_at = now;
            }
        }
        task.plan.fail_before_processing = false;
        self.settle_locked(&mut store, id, now);
        Ok(())
    }

    /// Releases held tasks (one, or all when `id` is `None`): they finish now.
    pub fn release(&self, id: Option<u64>) -> usize {
        let now = self.clock.now_ms();
        let mut store = self.store.write();
        let held: Vec<u64> = store
            .iter()
            .filter(|t| t.plan.finished_at == i64::MAX && !t.status.is_terminal() && id.is_none_or(|only| t.id == only))
            .map(|t| t.id)
            .collect();
        for task_id in &held {
            if let Some(task) = store.get_mut(*task_id) {
                task.plan.processing_at = task.plan.processing_at.min(now);
                task.plan.finished_at = now;
            }
            self.settle_locked(&mut store, *task_id, now);
        }
        held.len()
    }

    /// The account's pack states (created from its limits on first use).
    pub fn account_state(&self, account: &Account) -> AccountState {
        let limits = || self.limits.read().for_account(&account.access_key);
        self.store.write().account_mut(account.id, limits).clone()
    }

    /// The account's deductions, oldest first, every due task settled.
    pub fn ledger(&self, account: &Account) -> std::collections::VecDeque<crate::accounts::Deduction> {
        let now = self.clock.now_ms();
        let mut store = self.store.write();
        self.settle_due_locked(&mut store, now);
        store.account_mut_existing(account.id).map(|a| a.ledger.clone()).unwrap_or_default()
    }

    /// The configured limits of an account.
    pub fn limits_of(&self, account: &Account) -> Limits {
        self.limits.read().for_account(&account.access_key)
    }

    /// Sets limits of one pack type of an account, now and after resets.
    pub fn set_limits(&self, account: &Account, pack: PackType, limits: crate::accounts::PackLimits) {
        let mut config = self.limits.write();
        let mut current: Limits = config.for_account(&account.access_key);
        current.set(pack, limits);
        config.accounts.insert(account.access_key.clone(), current);
        drop(config);
        let all = || current;
        self.store.write().account_mut(account.id, all).set_limits(pack, limits);
    }

    /// Sets an account's cash (`None`: units only), now and after resets.
    pub fn set_cash(&self, account: &Account, cash: Option<crate::accounts::CashLimits>) {
        let mut config = self.limits.write();
        let mut current: Limits = config.for_account(&account.access_key);
        current.cash = cash;
        config.accounts.insert(account.access_key.clone(), current);
        drop(config);
        let all = || current;
        self.store.write().account_mut(account.id, all).set_cash(cash);
    }

    /// Counts of tasks by status.
    pub fn status_counts(&self) -> HashMap<&'static str, usize> {
        let mut counts = HashMap::new();
        for task in self.store.read().iter() {
            *counts.entry(task.status.as_str()).or_insert(0) += 1;
        }
        counts
    }

    // ----- persistence (persist.rs) -----

    /// Runs `read` on the store and the creation counter under the read lock, for a
    /// consistent snapshot.
    pub fn read_store<R>(&self, read: impl FnOnce(&Store, u64) -> R) -> R {
        let store = self.store.read();
        read(&store, self.created.load(Ordering::Relaxed))
    }

    /// Reads every account's library (taken after the store's lock, as settling does).
    pub fn read_library<R>(&self, read: impl FnOnce(&Library) -> R) -> R {
        read(&self.library.read())
    }

    /// Fills the store from a restored state, then schedules the unfinished tasks and
    /// reopens their callback queues, so they move on and report as if never stopped.
    /// Must be called inside the tokio runtime, before serving.
    pub fn restore(&self, created: u64, fill: impl FnOnce(&mut Store, &mut Library)) {
        let mut store = self.store.write();
        fill(&mut store, &mut self.library.write());
        self.created.store(created, Ordering::Relaxed);
        let mut queues = self.callback_queues.lock();
        let mut pending = Vec::new();
        for task in store.iter().filter(|t| !t.status.is_terminal()) {
            pending.push((task.id, [task.plan.processing_at, task.plan.finished_at]));
            if let Some(url) = &task.request.callback_url {
                queues.insert(task.id, self.callbacks.open(url.clone(), Default::default()));
            }
        }
        drop(queues);
        for (id, times) in pending {
            self.schedule(id, times, i64::MIN);
        }
    }

    /// The default latency distributions (for the admin API's view of the configuration).
    pub fn latency_profile(&self) -> LatencyProfile {
        self.latency
    }

    /// The newest `limit` tasks `keep` accepts, rendered, and how many it accepts in all.
    /// Only the page is rendered, so a view refreshed every second stays cheap on a large
    /// store (the dashboard).
    pub fn newest(
        &self,
        limit: usize,
        keep: impl Fn(&TaskRecord) -> bool,
        access_key_of: impl Fn(crate::auth::AccountId) -> String,
        base_url: &str,
    ) -> (Vec<TaskDetail>, usize) {
        let now = self.clock.now_ms();
        let mut store = self.store.write();
        self.settle_due_locked(&mut store, now);
        let mut page = Vec::new();
        let mut matched = 0;
        for task in store.iter().rev().filter(|t| keep(t)) {
            if page.len() < limit {
                page.push(self.detail(task, &access_key_of, base_url));
            }
            matched += 1;
        }
        (page, matched)
    }
}

/// Which tasks a query of one surface sees.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Listing {
    /// `/tasks`: the new-standard tasks, and the legacy ones when asked.
    Tasks { include_legacy: bool },
    /// `/solutions`: the Solutions tasks.
    Solutions,
}

impl Listing {
    fn shows(self, task: &TaskRecord) -> bool {
        match self {
            Listing::Tasks { include_legacy } => task.is_standard() || include_legacy && !task.is_solution(),
            Listing::Solutions => task.is_solution(),
        }
    }
}

/// Whether a task that entered `status` calls back: every transition, but drama
/// subtitles "call back on reaching a terminal state only" (its page).
fn calls_back(task: &TaskRecord, status: TaskStatus) -> bool {
    let terminal_only = kling_api::endpoints::spec(task.endpoint)
        .solution
        .is_some_and(|s| s.callbacks == kling_api::solutions::Callbacks::TerminalOnly);
    !terminal_only || status.is_terminal()
}

/// What `POST /tasks` asks for, its window and filters resolved.
#[derive(Debug, Clone, PartialEq)]
pub struct TasksQuery {
    /// Oldest creation time listed (Unix ms).
    pub start_ms: i64,
    /// Newest creation time listed (Unix ms).
    pub end_ms: i64,
    /// Only tasks ordered after this `(created_at, id)` (from a cursor).
    pub after: Option<(i64, u64)>,
    /// Most tasks on the page.
    pub limit: usize,
    /// Only these statuses.
    pub statuses: Option<Vec<Status>>,
    /// Only these product types (`video`, `image`, `try_on`).
    pub product_types: Option<Vec<&'static str>>,
    /// Whether tasks created on the legacy surface are listed.
    pub include_legacy: bool,
}

/// Where the next page of `POST /tasks` starts: the window of the first request (a
/// cursor overrides the window of later ones) and the last task returned. Opaque to
/// clients: base64url of `start.end.created_at.id`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cursor {
    /// The window's start.
    pub start_ms: i64,
    /// The window's end.
    pub end_ms: i64,
    /// The last task of the previous page.
    pub after: (i64, u64),
}

impl Cursor {
    /// The cursor as clients see it.
    pub fn encode(&self) -> String {
        use base64::Engine as _;
        let text = format!("{}.{}.{}.{}", self.start_ms, self.end_ms, self.after.0, self.after.1);
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(text)
    }

    /// A cursor this emulator made, or `None`.
    pub fn decode(text: &str) -> Option<Cursor> {
        use base64::Engine as _;
        let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(text.trim()).ok()?;
        let text = String::from_utf8(bytes).ok()?;
        let mut parts = text.split('.');
        let mut next = || parts.next().and_then(|p| p.parse::<i64>().ok());
        let (start_ms, end_ms, at, id) = (next()?, next()?, next()?, next()?);
        Some(Cursor { start_ms, end_ms, after: (at, u64::try_from(id).ok()?) })
    }
}

/// Ends what a task or call held: without facts (it failed) the reservation is given
/// back, with them the deduction is made and written to the ledger, which keeps no more
/// rows than the store keeps tasks.
fn settle_payment(
    store: &mut Store,
    account: crate::auth::AccountId,
    pack: PackType,
    cost: Units,
    payment: crate::accounts::Payment,
    slots: u32,
    facts: Option<crate::accounts::DeductionFacts>,
) {
    let rows = store.capacity();
    if let Some(state) = store.account_mut_existing(account) {
        state.finish(pack, cost, payment, slots, facts);
        state.trim_ledger(rows);
    }
}

/// The id of a selection session's videos (normalized, preview, tracking): the session
/// id itself, a UUID, so the media route serves them like any result.
fn session_id_video(session_id: &str) -> String {
    uuid::Uuid::try_parse(session_id).unwrap_or_default().to_string()
}
