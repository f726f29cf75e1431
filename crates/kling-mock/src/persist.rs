//! The state file (`--state-file`): tasks, account packs, identify-face and selection
//! sessions, each account's voices, elements and audios, id sequences and the simulated
//! clock, saved as one JSON document so that a restarted emulator carries on where it
//! stopped.
//!
//! The file is written to a temporary sibling and renamed over the old one, so a crash
//! mid-save leaves the previous state intact. It carries a format name and version; a
//! file that is unreadable, corrupt or of another version stops the start with the path
//! and the reason, because an emulator that silently starts empty would make the tests
//! that rely on it lie. A missing file is a fresh start.
//!
//! Accounts are named by access key only: secret keys come from the configuration on
//! every start and are never written. Everything of an access key no longer configured
//! is dropped on restore (its tasks are counted), since nobody could reach it.
//!
//! Limits changed through `PUT /__admin/accounts/{access_key}` are not saved: a restart
//! starts from the configured limits (README, "Keeping state across restarts").

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufWriter, Write as _};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use kling_api::EndpointId;
use kling_api::wire::TaskStatus;
use serde::{Deserialize, Serialize};

use crate::accounts::{AccountState, Payment};
use crate::auth::{AccountId, Accounts};
use crate::engine::Engine;
use crate::ids::{IdCounters, Ids};
use crate::library::{Entry, Library};
use crate::selection::Selection;
use crate::state::AppState;
use crate::store::Session;
use crate::task::{ParentVideo, Plan, TaskExtra, TaskParams, TaskRecord};
use kling_api::pricing::{Basis, Sound, Tier};

/// The `format` field of every state file.
pub const FORMAT: &str = "kling-mock-state";
/// The version of the format this build writes and reads.
pub const VERSION: u32 = 1;

/// Why a state file could not be used.
#[derive(Debug, thiserror::Error)]
#[error("state file {}: {reason}", path.display())]
pub struct StateError {
    /// The file.
    pub path: PathBuf,
    /// What is wrong with it.
    pub reason: String,
}

impl StateError {
    fn new(path: &Path, reason: impl Into<String>) -> StateError {
        StateError { path: path.to_owned(), reason: reason.into() }
    }
}

/// The whole document.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Document {
    format: String,
    version: u32,
    /// Simulated Unix ms at the save; the clock resumes here.
    clock_ms: i64,
    /// Simulated Unix ms when the accounts' packs took effect.
    packs_started_ms: i64,
    /// Tasks created so far (seeds per-task randomness).
    created: u64,
    ids: IdCounters,
    accounts: Vec<AccountEntry>,
    tasks: Vec<TaskEntry>,
    sessions: Vec<SessionEntry>,
    #[serde(default)]
    selections: Vec<SelectionEntry>,
    #[serde(default)]
    library: LibraryEntries,
}

/// Only the two fields every version has, to report a version mismatch clearly.
#[derive(Debug, Deserialize)]
struct Header {
    format: Option<String>,
    version: Option<u32>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct AccountEntry {
    access_key: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    packs: Option<AccountState>,
}

fn is_false(b: &bool) -> bool {
    !*b
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct TaskEntry {
    id: u64,
    /// Index into `accounts`.
    account: usize,
    endpoint: EndpointId,
    slots: u32,
    model: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    mode: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    external_task_id: Option<String>,
    #[serde(default, skip_serializing_if = "is_false")]
    watermark: bool,
    n: u32,
    #[serde(default, skip_serializing_if = "is_false")]
    series: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    callback_url: Option<String>,
    cost: kling_api::pricing::Units,
    #[serde(default, skip_serializing_if = "is_unit")]
    payment: Payment,
    #[serde(default)]
    billing: BillingEntry,
    created_at: i64,
    status: TaskStatus,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    status_msg: String,
    updated_at: i64,
    plan: Plan,
    video_id: uuid::Uuid,
    video_ms: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    parent: Option<ParentVideo>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    extra: Option<TaskExtra>,
}

fn is_unit(payment: &Payment) -> bool {
    *payment == Payment::Unit
}

/// What the billing exports describe a task by (the rest of its price basis is not kept).
#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct BillingEntry {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    resolution: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    sound: Option<String>,
    #[serde(default, skip_serializing_if = "is_false")]
    voice_control: bool,
    #[serde(default, skip_serializing_if = "is_false")]
    video_input: bool,
}

impl BillingEntry {
    fn of(basis: &Basis) -> BillingEntry {
        BillingEntry {
            resolution: Some(basis.tier.resolution().to_owned()),
            sound: Some(basis.sound.as_str().to_owned()),
            voice_control: basis.voice_control,
            video_input: basis.video_input,
        }
    }

    fn basis(&self, endpoint: EndpointId, model: &'static str) -> Basis {
        let sound = [Sound::Off, Sound::Native, Sound::Original]
            .into_iter()
            .find(|s| Some(s.as_str()) == self.sound.as_deref())
            .unwrap_or_default();
        Basis {
            tier: Tier::of(self.resolution.as_deref()),
            sound,
            voice_control: self.voice_control,
            video_input: self.video_input,
            ..Basis::new(endpoint, model)
        }
    }
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct SessionEntry {
    id: String,
    account: usize,
    video_ms: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    parent: Option<ParentVideo>,
    faces: Vec<(String, i64, i64)>,
    expires_at: i64,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct SelectionEntry {
    id: String,
    account: usize,
    video_ms: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    parent: Option<ParentVideo>,
    /// Marked points `(x, y)` by frame index.
    frames: BTreeMap<u64, Vec<(f64, f64)>>,
    expires_at: i64,
}

/// Each account's custom voices and elements (deleted ones too: their tasks still name
/// them) and audios.
#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct LibraryEntries {
    #[serde(default)]
    voices: Vec<VoiceEntry>,
    #[serde(default)]
    elements: Vec<ElementEntry>,
    #[serde(default)]
    audios: Vec<AudioEntry>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct VoiceEntry {
    account: usize,
    voice_id: String,
    task_id: u64,
    #[serde(default, skip_serializing_if = "is_false")]
    deleted: bool,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct ElementEntry {
    account: usize,
    element_id: u64,
    task_id: u64,
    #[serde(default, skip_serializing_if = "is_false")]
    deleted: bool,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct AudioEntry {
    account: usize,
    audio_id: String,
    ms: u64,
}

/// A snapshot of a running emulator, ready to be written.
#[derive(Debug)]
pub struct Snapshot {
    document: Document,
}

impl Snapshot {
    /// Takes a consistent snapshot under the engine's read lock.
    pub fn of(state: &AppState) -> Snapshot {
        let mut registry: Vec<(AccountId, String)> =
            state.accounts.iter().map(|a| (a.id, a.access_key.clone())).collect();
        registry.sort();
        let index_of = |id: AccountId| registry.binary_search_by_key(&id, |(id, _)| *id).ok();
        let document = state.engine.read_store(|store, created| {
            // Read under the lock, so that no saved task is newer than the saved clock.
            let clock_ms = state.clock.now_ms();
            let mut accounts: Vec<AccountEntry> =
                registry.iter().map(|(_, key)| AccountEntry { access_key: key.clone(), packs: None }).collect();
            for (id, packs) in store.accounts() {
                if let Some(entry) = index_of(id).and_then(|i| accounts.get_mut(i)) {
                    entry.packs = Some(packs.clone());
                }
            }
            let tasks = store.iter().filter_map(|t| Some(task_entry(t, index_of(t.account)?))).collect();
            let sessions = store
                .sessions()
                .filter(|(_, s)| s.expires_at > clock_ms)
                .filter_map(|(id, s)| {
                    Some(SessionEntry {
                        id: id.to_owned(),
                        account: index_of(s.account)?,
                        video_ms: s.video_ms,
                        parent: s.parent.clone(),
                        faces: s.faces.clone(),
                        expires_at: s.expires_at,
                    })
                })
                .collect();
            let selections = store
                .selections()
                .filter(|(_, s)| s.expires_at > clock_ms)
                .filter_map(|(id, s)| {
                    Some(SelectionEntry {
                        id: id.to_owned(),
                        account: index_of(s.account)?,
                        video_ms: s.video_ms,
                        parent: s.parent.clone(),
                        frames: s.frames.clone(),
                        expires_at: s.expires_at,
                    })
                })
                .collect();
            let library = state.engine.read_library(|library| library_entries(library, index_of));
            Document {
                format: FORMAT.to_owned(),
                version: VERSION,
                clock_ms,
                packs_started_ms: state.started_ms,
                created,
                ids: state.ids.counters(),
                accounts,
                tasks,
                sessions,
                selections,
                library,
            }
        });
        Snapshot { document }
    }

    /// Number of tasks in the snapshot.
    pub fn task_count(&self) -> usize {
        self.document.tasks.len()
    }

    /// Writes the snapshot to `path` atomically: a temporary sibling, flushed to disk,
    /// then renamed over `path`.
    pub fn write(&self, path: &Path) -> Result<(), StateError> {
        let temp = temp_path(path);
        let written = (|| -> std::io::Result<()> {
            let mut out = BufWriter::new(File::create(&temp)?);
            serde_json::to_writer(&mut out, &self.document)?;
            out.write_all(b"\n")?;
            let file = out.into_inner().map_err(std::io::IntoInnerError::into_error)?;
            file.sync_all()?;
            std::fs::rename(&temp, path)?;
            // Make the rename itself durable; not every platform can open a directory.
            let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
            if let Ok(dir) = File::open(dir) {
                let _ = dir.sync_all();
            }
            Ok(())
        })();
        written.map_err(|e| {
            let _ = std::fs::remove_file(&temp);
            StateError::new(path, format!("cannot write: {e}"))
        })
    }
}

fn temp_path(path: &Path) -> PathBuf {
    let mut name = path.file_name().map(std::ffi::OsStr::to_os_string).unwrap_or_default();
    name.push(format!(".tmp-{}", std::process::id()));
    path.with_file_name(name)
}

/// The library in a stable order (a map's order would make every save differ).
fn library_entries(library: &Library, index_of: impl Fn(AccountId) -> Option<usize>) -> LibraryEntries {
    let mut entries = LibraryEntries {
        voices: library
            .voices()
            .filter_map(|(account, id, entry)| {
                Some(VoiceEntry {
                    account: index_of(account)?,
                    voice_id: id.to_owned(),
                    task_id: entry.task_id,
                    deleted: entry.deleted,
                })
            })
            .collect(),
        elements: library
            .elements()
            .filter_map(|(account, id, entry)| {
                Some(ElementEntry {
                    account: index_of(account)?,
                    element_id: id,
                    task_id: entry.task_id,
                    deleted: entry.deleted,
                })
            })
            .collect(),
        audios: library
            .audios()
            .filter_map(|(account, id, ms)| {
                Some(AudioEntry { account: index_of(account)?, audio_id: id.to_owned(), ms })
            })
            .collect(),
    };
    entries.voices.sort_by(|a, b| (a.account, &a.voice_id).cmp(&(b.account, &b.voice_id)));
    entries.elements.sort_by_key(|e| (e.account, e.element_id));
    entries.audios.sort_by(|a, b| (a.account, &a.audio_id).cmp(&(b.account, &b.audio_id)));
    entries
}

fn task_entry(t: &TaskRecord, account: usize) -> TaskEntry {
    TaskEntry {
        id: t.id,
        account,
        endpoint: t.endpoint,
        slots: t.slots,
        model: t.request.model.to_owned(),
        mode: t.request.mode.map(str::to_owned),
        external_task_id: t.request.external_task_id.clone(),
        watermark: t.request.watermark,
        n: t.request.n,
        series: t.request.series,
        callback_url: t.request.callback_url.clone(),
        cost: t.cost,
        payment: t.payment,
        billing: BillingEntry::of(&t.billing),
        created_at: t.created_at,
        status: t.status,
        status_msg: t.status_msg.clone(),
        updated_at: t.updated_at,
        plan: t.plan.clone(),
        video_id: t.video_id,
        video_ms: t.video_ms,
        parent: t.parent.clone(),
        extra: t.request.extra.as_deref().cloned(),
    }
}

/// The model or mode name the tables know, as the `'static` name tasks hold.
fn known_name(name: &str) -> Option<&'static str> {
    let endpoints =
        kling_api::ENDPOINTS.iter().flat_map(|e| e.models.iter().copied().chain([e.default_model, e.default_mode]));
    let video_models = kling_api::models::VIDEO_MODELS
        .iter()
        .flat_map(|m| std::iter::once(m.name).chain(m.modes.unwrap_or_default().iter().copied()));
    endpoints.chain(video_models).chain(["std", "pro"]).find(|known| *known == name)
}

/// A state file read and checked, waiting for the accounts to be known.
#[derive(Debug)]
pub struct Restored {
    /// Simulated Unix ms at the save: the clock resumes here.
    pub clock_ms: i64,
    /// When the accounts' packs took effect.
    pub packs_started_ms: i64,
    created: u64,
    ids: IdCounters,
    accounts: Vec<AccountEntry>,
    tasks: Vec<(usize, TaskRecord)>,
    sessions: Vec<(String, usize, Session)>,
    selections: Vec<(String, usize, Selection)>,
    library: LibraryEntries,
}

/// What a restore brought back.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RestoreSummary {
    /// Tasks restored.
    pub tasks: usize,
    /// Of those, still submitted or processing.
    pub unfinished: usize,
    /// Tasks left out because their access key is no longer configured.
    pub dropped: usize,
}

/// Reads and checks the state file; `Ok(None)` when there is none yet.
pub fn load(path: &Path) -> Result<Option<Restored>, StateError> {
    let bytes = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(StateError::new(path, format!("cannot read: {e}"))),
    };
    let header: Header = serde_json::from_slice(&bytes)
        .map_err(|e| StateError::new(path, format!("not a kling-mock state file (invalid JSON: {e})")))?;
    if header.format.as_deref() != Some(FORMAT) {
        return Err(StateError::new(path, format!("not a kling-mock state file (no \"format\": \"{FORMAT}\")")));
    }
    match header.version {
        Some(VERSION) => {}
        Some(other) => {
            return Err(StateError::new(
                path,
                format!("format version {other} is not supported; this kling-mock reads version {VERSION}"),
            ));
        }
        None => return Err(StateError::new(path, "the \"version\" field is missing")),
    }
    let mut deserializer = serde_json::Deserializer::from_slice(&bytes);
    let document: Document = serde_path_to_error::deserialize(&mut deserializer)
        .map_err(|e| StateError::new(path, format!("corrupt at {}: {}", e.path(), e.inner())))?;
    check(document).map(Some).map_err(|reason| StateError::new(path, reason))
}

/// Turns the document into tasks, sessions, selections and the library, rejecting what
/// the emulator could not have written.
fn check(document: Document) -> Result<Restored, String> {
    let accounts = document.accounts.len();
    let mut keys = std::collections::HashSet::new();
    if let Some(twice) = document.accounts.iter().find(|a| !keys.insert(a.access_key.as_str())) {
        return Err(format!("accounts: access key {:?} appears twice", twice.access_key));
    }
    if let Some(newest) = document.tasks.iter().map(|t| t.id).max()
        && newest > document.ids.last_task_id
    {
        // New ids continue from the counter: one behind a saved task could repeat it.
        return Err(format!("ids.last_task_id {} is behind task {newest}", document.ids.last_task_id));
    }
    let mut named = std::collections::HashSet::new();
    let mut unique = |kind: &str, key: String| {
        if named.insert((kind.to_owned(), key.clone())) { Ok(()) } else { Err(format!("{kind} {key:?} appears twice")) }
    };
    for s in &document.sessions {
        unique("session", s.id.clone())?;
    }
    for s in &document.selections {
        unique("selection", s.id.clone())?;
    }
    for v in &document.library.voices {
        unique("voice", format!("{}/{}", v.account, v.voice_id))?;
    }
    for e in &document.library.elements {
        unique("element", format!("{}/{}", e.account, e.element_id))?;
    }
    for a in &document.library.audios {
        unique("audio", format!("{}/{}", a.account, a.audio_id))?;
    }
    let account = |index: usize, what: &str| {
        if index < accounts {
            Ok(index)
        } else {
            Err(format!("{what} names account #{index}, but there are {accounts}"))
        }
    };
    let mut seen = std::collections::HashSet::new();
    let mut externals = std::collections::HashSet::new();
    let mut tasks = Vec::with_capacity(document.tasks.len());
    for (i, t) in document.tasks.into_iter().enumerate() {
        let what = format!("tasks[{i}] (id {})", t.id);
        let owner = account(t.account, &what)?;
        if !seen.insert(t.id) {
            return Err(format!("{what}: the id appears twice"));
        }
        if let Some(external) = &t.external_task_id
            && !externals.insert((owner, external.clone()))
        {
            return Err(format!("{what}: external_task_id {external:?} appears twice for one account"));
        }
        let model = known_name(&t.model).ok_or_else(|| format!("{what}: unknown model {:?}", t.model))?;
        let mode = match &t.mode {
            Some(mode) => Some(known_name(mode).ok_or_else(|| format!("{what}: unknown mode {mode:?}"))?),
            None => None,
        };
        let spec = kling_api::endpoints::spec(t.endpoint);
        let record = TaskRecord {
            id: t.id,
            account: AccountId(0),
            endpoint: t.endpoint,
            pack: spec.pack,
            slots: t.slots,
            request: TaskParams {
                model,
                mode,
                external_task_id: t.external_task_id,
                watermark: t.watermark,
                n: t.n,
                series: t.series,
                callback_url: t.callback_url,
                extra: t.extra.filter(|extra| *extra != TaskExtra::default()).map(Box::new),
            },
            cost: t.cost,
            payment: t.payment,
            billing: t.billing.basis(t.endpoint, model),
            created_at: t.created_at,
            status: t.status,
            status_msg: t.status_msg,
            updated_at: t.updated_at,
            plan: t.plan,
            video_id: t.video_id,
            output: spec.output,
            video_ms: t.video_ms,
            parent: t.parent,
        };
        tasks.push((owner, record));
    }
    tasks.sort_by_key(|(_, t)| t.id);
    let mut sessions = Vec::with_capacity(document.sessions.len());
    for (i, s) in document.sessions.into_iter().enumerate() {
        let owner = account(s.account, &format!("sessions[{i}]"))?;
        let session = Session {
            account: AccountId(0),
            video_ms: s.video_ms,
            parent: s.parent,
            faces: s.faces,
            expires_at: s.expires_at,
        };
        sessions.push((s.id, owner, session));
    }
    let mut selections = Vec::with_capacity(document.selections.len());
    for (i, s) in document.selections.into_iter().enumerate() {
        let owner = account(s.account, &format!("selections[{i}]"))?;
        let selection = Selection {
            account: AccountId(0),
            video_ms: s.video_ms,
            parent: s.parent,
            frames: s.frames,
            expires_at: s.expires_at,
        };
        selections.push((s.id, owner, selection));
    }
    let library = document.library;
    for (i, v) in library.voices.iter().enumerate() {
        account(v.account, &format!("library.voices[{i}]"))?;
    }
    for (i, e) in library.elements.iter().enumerate() {
        account(e.account, &format!("library.elements[{i}]"))?;
    }
    for (i, a) in library.audios.iter().enumerate() {
        account(a.account, &format!("library.audios[{i}]"))?;
    }
    Ok(Restored {
        clock_ms: document.clock_ms,
        packs_started_ms: document.packs_started_ms,
        created: document.created,
        ids: document.ids,
        accounts: document.accounts,
        tasks,
        sessions,
        selections,
        library,
    })
}

impl Restored {
    /// Puts the state into a fresh engine, mapping access keys to the configured
    /// accounts. Must run inside the tokio runtime, before serving.
    pub fn apply(self, accounts: &Accounts, engine: &Engine, ids: &Ids) -> RestoreSummary {
        let owners: Vec<Option<AccountId>> =
            self.accounts.iter().map(|a| accounts.get(&a.access_key).map(|account| account.id)).collect();
        let mut summary = RestoreSummary::default();
        ids.resume(self.ids);
        let now = self.clock_ms;
        engine.restore(self.created, |store, library| {
            for (entry, owner) in self.accounts.into_iter().zip(&owners) {
                if let (Some(packs), Some(owner)) = (entry.packs, owner) {
                    store.restore_account(*owner, packs);
                }
            }
            let mut finished = Vec::new();
            for (index, mut task) in self.tasks {
                let Some(owner) = owners[index] else {
                    summary.dropped += 1;
                    continue;
                };
                task.account = owner;
                summary.tasks += 1;
                if task.status.is_terminal() {
                    finished.push((task.updated_at, task.id));
                } else {
                    summary.unfinished += 1;
                }
                store.insert(task);
            }
            // Oldest finished first, as they would have been evicted.
            finished.sort_unstable();
            for (_, id) in finished {
                store.mark_finished(id);
            }
            for (id, index, mut session) in self.sessions {
                if let Some(owner) = owners[index] {
                    session.account = owner;
                    store.add_session(id, session, now);
                }
            }
            for (id, index, mut selection) in self.selections {
                if let Some(owner) = owners[index] {
                    selection.account = owner;
                    store.add_selection(id, selection, now);
                }
            }
            for v in self.library.voices {
                if let Some(owner) = owners[v.account] {
                    library.restore_voice(owner, v.voice_id, Entry { task_id: v.task_id, deleted: v.deleted });
                }
            }
            for e in self.library.elements {
                if let Some(owner) = owners[e.account] {
                    library.restore_element(owner, e.element_id, Entry { task_id: e.task_id, deleted: e.deleted });
                }
            }
            for a in self.library.audios {
                if let Some(owner) = owners[a.account] {
                    library.add_audio(owner, a.audio_id, a.ms);
                }
            }
        });
        summary
    }
}

/// Saves a snapshot of `state` to `path` off the async threads: copying a large store
/// under its read lock takes a while, and a worker thread must not stall on it.
pub async fn save(state: &Arc<AppState>, path: &Path) -> Result<usize, StateError> {
    let (state, target) = (state.clone(), path.to_owned());
    tokio::task::spawn_blocking(move || {
        let snapshot = Snapshot::of(&state);
        snapshot.write(&target).map(|()| snapshot.task_count())
    })
    .await
    .map_err(|e| StateError::new(path, format!("the save was interrupted: {e}")))?
}

/// Saves every `every` until `stop` completes; a failed save is logged and retried at the
/// next tick, since the final save at shutdown reports its error.
pub async fn save_periodically(
    state: Arc<AppState>,
    path: PathBuf,
    every: Duration,
    stop: impl std::future::Future<Output = ()>,
) {
    tokio::pin!(stop);
    let mut ticks = tokio::time::interval(every);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    ticks.tick().await;
    loop {
        tokio::select! {
            () = &mut stop => return,
            _ = ticks.tick() => {
                match save(&state, &path).await {
                    Ok(tasks) => tracing::debug!(path = %path.display(), tasks, "state saved"),
                    Err(error) => tracing::warn!(%error, "periodic state save failed"),
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn task(id: u64, account: usize, model: &str, external: Option<&str>) -> serde_json::Value {
        json!({"id": id, "account": account, "endpoint": "text2-video", "slots": 1, "model": model,
            "mode": "std", "external_task_id": external, "n": 1, "cost": 150, "created_at": 1_000,
            "status": "processing", "updated_at": 2_000,
            "plan": {"processing_at": 2_000, "finished_at": 9_000, "outcome": "succeed", "fail_before_processing": false},
            "video_id": "8fd81fa8-a8d7-4b1b-a7b0-f3424bab3c4c", "video_ms": 5_000})
    }

    fn document(tasks: Vec<serde_json::Value>) -> Result<Restored, String> {
        document_with(tasks, json!({}))
    }

    /// A document with `tasks`, patched at the top level by `patch`.
    fn document_with(tasks: Vec<serde_json::Value>, patch: serde_json::Value) -> Result<Restored, String> {
        let mut document = json!({"format": FORMAT, "version": VERSION, "clock_ms": 5_000, "packs_started_ms": 0,
            "created": 2, "ids": {"requests": 0, "objects": 2, "last_task_id": 2},
            "accounts": [{"access_key": "a"}, {"access_key": "b"}], "tasks": tasks, "sessions": []});
        if let (Some(map), Some(patch)) = (document.as_object_mut(), patch.as_object()) {
            map.extend(patch.clone());
        }
        check(serde_json::from_value(document).map_err(|e| e.to_string())?)
    }

    #[test]
    fn ids_that_new_ones_could_repeat_are_refused() {
        let reason = |tasks, patch| document_with(tasks, patch).err().unwrap_or_default();
        let behind = json!({"ids": {"requests": 0, "objects": 2, "last_task_id": 1}});
        assert!(reason(vec![task(2, 0, "kling-v1", None)], behind).contains("last_task_id 1 is behind task 2"));
        let twice = json!({"accounts": [{"access_key": "a"}, {"access_key": "a"}]});
        assert!(reason(vec![], twice).contains("access key \"a\" appears twice"));
        let voice = json!({"account": 0, "voice_id": "v1", "task_id": 1});
        let voices = json!({"library": {"voices": [voice, voice]}});
        assert!(reason(vec![], voices).contains("voice \"0/v1\" appears twice"));
        let selection =
            json!({"id": "s", "account": 1, "video_ms": 5_000, "frames": {"0": [[0.5, 0.5]]}, "expires_at": 9});
        let restored = document_with(vec![], json!({"selections": [selection]}));
        let frames = restored.map(|r| r.selections[0].2.frames.clone()).unwrap_or_default();
        assert_eq!(frames.get(&0), Some(&vec![(0.5, 0.5)]), "a selection's marks come back");
    }

    #[test]
    fn a_consistent_document_is_accepted_with_its_tasks_in_id_order() {
        let restored = document(vec![task(2, 1, "kling-v1", Some("x")), task(1, 0, "kling-v1", Some("x"))]);
        let ids: Vec<u64> =
            restored.map(|r| r.tasks.iter().map(|(_, t)| t.id).collect()).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(ids, [1, 2], "the same external id in two accounts is fine");
    }

    #[test]
    fn what_the_emulator_could_not_have_written_is_refused_with_the_reason() {
        let reason = |tasks| document(tasks).err().unwrap_or_default();
        assert!(reason(vec![task(1, 0, "kling-v9", None)]).contains("unknown model \"kling-v9\""));
        assert!(reason(vec![task(1, 0, "kling-v1", None), task(1, 1, "kling-v1", None)]).contains("twice"));
        assert!(reason(vec![task(1, 5, "kling-v1", None)]).contains("names account #5"));
        let same_name = vec![task(1, 0, "kling-v1", Some("x")), task(2, 0, "kling-v1", Some("x"))];
        assert!(reason(same_name).contains("external_task_id \"x\" appears twice"));
    }

    #[test]
    fn a_write_replaces_the_file_and_leaves_no_temporary() {
        let dir = std::env::temp_dir().join(format!("kling-mock-persist-{}", std::process::id()));
        let _ = std::fs::create_dir_all(&dir);
        let path = dir.join("state.json");
        let _ = std::fs::write(&path, "old");
        let snapshot = Snapshot {
            document: Document {
                format: FORMAT.to_owned(),
                version: VERSION,
                clock_ms: 1,
                packs_started_ms: 0,
                created: 0,
                ids: IdCounters::default(),
                accounts: Vec::new(),
                tasks: Vec::new(),
                sessions: Vec::new(),
                selections: Vec::new(),
                library: LibraryEntries::default(),
            },
        };
        assert!(snapshot.write(&path).is_ok());
        assert!(load(&path).is_ok_and(|r| r.is_some_and(|r| r.clock_ms == 1)));
        let names: Vec<_> = std::fs::read_dir(&dir).map(|d| d.filter_map(Result::ok).count()).into_iter().collect();
        assert_eq!(names, [1]);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
