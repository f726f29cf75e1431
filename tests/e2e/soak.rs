//! Soak under faults: many concurrent clients create tasks on loopback (half of them on
//! the new-standard surface with API keys), and poll each until it ends, while scenarios
//! inject every kind of fault (rejections, late failures, holds, delays, dropped and
//! reset connections, malformed and truncated bodies). Afterwards every accepted task has
//! reached a terminal state, no task is lost or duplicated (by `external_task_id`), each
//! task's callbacks arrived in order, the journal and the store stayed within their
//! bounds, and memory stayed flat once the store was full.
//!
//! The short run is part of the suite; the long one is ignored and run by hand:
//! `SOAK_SECONDS=240 cargo test --release -p kling-e2e --test e2e soak::long -- --ignored --nocapture`.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use axum::Json;
use axum::extract::State;
use axum::routing::post;
use kling_e2e::{TestApp, token};
use kling_mock::auth::ApiKey;
use kling_mock::config::ClockConfig;
use kling_mock::latency::LatencyProfile;
use kling_mock::{AccountKeys, Config};
use serde_json::{Value, json};
use std::sync::Mutex;

/// Every fault a scenario can inject on create, each with a seeded probability, plus
/// slow queries.
const FAULTS: &str = r#"
name = "soak"
[[rule]]
name = "reject-busy"
probability = 0.04
reject = "service_busy"
[[rule]]
name = "reject-concurrency"
probability = 0.03
reject = "concurrency_limit"
[[rule]]
name = "reject-exact"
probability = 0.02
reject = { http = 500, code = 5000, message = "soak internal error" }
[[rule]]
name = "drop"
probability = 0.03
connection = "drop"
[[rule]]
name = "reset"
probability = 0.03
connection = "reset"
[[rule]]
name = "malformed"
probability = 0.03
body = "malformed"
[[rule]]
name = "truncated"
probability = 0.03
body = "truncated"
[[rule]]
name = "fail-late"
probability = 0.05
fail = "soak late failure"
[[rule]]
name = "fail-at-submit"
probability = 0.03
fail = { message = "soak input check", at = "submitted" }
[[rule]]
name = "slow-create"
probability = 0.05
delay = { kind = "uniform", min_ms = 100, max_ms = 2000 }
[[rule]]
name = "hold-a-while"
probability = 0.03
hold = { seconds = 30 }
[[rule]]
name = "hold-until-released"
probability = 0.02
hold = true
[[rule]]
name = "slow-processing"
probability = 0.05
processing = { kind = "lognormal", median_ms = 20000, sigma = 0.5 }
[[rule]]
name = "slow-query"
on = "query"
probability = 0.05
delay = 500
"#;

/// What one run does.
struct Params {
    clients: usize,
    /// Tasks per client, or `None` to create until `duration` passes.
    tasks_per_client: Option<usize>,
    duration: Duration,
    time_scale: f64,
    capacity: usize,
    journal_size: usize,
}

/// What a run saw.
#[derive(Debug, Default)]
struct Figures {
    attempted: u64,
    accepted: u64,
    refused: u64,
    ambiguous: u64,
    faults: u64,
    max_store: usize,
    max_journal: usize,
    rss_warm_kib: u64,
    rss_end_kib: u64,
}

/// What the callbacks of one task said so far: checked on arrival and kept small, so the
/// receiver's memory does not hide the emulator's in the RSS figures.
#[derive(Debug)]
struct Seen {
    external: String,
    rank: u8,
    updated_at: i64,
}

/// Callbacks received: the last word per task id, and any order violation.
#[derive(Default)]
struct Received {
    by_task: Mutex<HashMap<u64, Seen>>,
    violations: Mutex<Vec<String>>,
}

/// 0 submitted, 1 processing, 2 terminal (in the words of both surfaces).
fn rank(status: Option<&str>) -> Option<u8> {
    match status {
        Some("submitted") => Some(0),
        Some("processing") => Some(1),
        Some("succeed" | "succeeded" | "failed") => Some(2),
        _ => None,
    }
}

/// Which surface a client speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Surface {
    /// `/v1/videos/text2video` with a token.
    Legacy,
    /// `/text-to-video/kling-3.0` and `/tasks` with an API key.
    Standard,
}

impl Surface {
    fn create_path(self) -> &'static str {
        match self {
            Surface::Legacy => "/v1/videos/text2video",
            Surface::Standard => "/text-to-video/kling-3.0",
        }
    }

    fn body(self, external: &str, callback_url: &str) -> Value {
        let prompt = format!("soak {external}");
        match self {
            Surface::Legacy => json!({"prompt": prompt, "external_task_id": external, "callback_url": callback_url}),
            Surface::Standard => {
                json!({"prompt": prompt, "options": {"external_task_id": external, "callback_url": callback_url}})
            }
        }
    }

    /// The id of a created task in a create answer.
    fn created_id(self, reply: &Value) -> Option<&str> {
        match self {
            Surface::Legacy => reply["data"]["task_id"].as_str(),
            Surface::Standard => reply["data"]["id"].as_str(),
        }
    }

    fn query_url(self, base: &str, id: &str) -> String {
        match self {
            Surface::Legacy => format!("{base}/v1/videos/text2video/{id}"),
            Surface::Standard => format!("{base}/tasks?task_ids={id}"),
        }
    }

    fn find_url(self, base: &str, external: &str) -> String {
        match self {
            Surface::Legacy => format!("{base}/v1/videos/text2video/{external}"),
            Surface::Standard => format!("{base}/tasks?external_task_ids={external}"),
        }
    }

    /// The task in a query answer (`None` when the answer holds none).
    fn task(self, reply: &Value) -> Option<&Value> {
        match self {
            Surface::Legacy => reply.get("data").filter(|d| d.is_object()),
            Surface::Standard => reply["data"].get(0),
        }
    }
}

/// A task as a callback or a query shows it, in either form: id, status, external id,
/// last update.
fn task_fields(task: &Value) -> (u64, Option<&str>, String, i64) {
    let id = task.get("task_id").or_else(|| task.get("id")).and_then(Value::as_str);
    let status = task.get("task_status").or_else(|| task.get("status")).and_then(Value::as_str);
    let external = task["task_info"]["external_task_id"].as_str().or_else(|| task["external_id"].as_str());
    let updated_at = task.get("updated_at").or_else(|| task.get("update_time")).and_then(Value::as_i64);
    (
        id.and_then(|id| id.parse().ok()).unwrap_or(0),
        status,
        external.unwrap_or_default().to_owned(),
        updated_at.unwrap_or(0),
    )
}

async fn receive(State(received): State<Arc<Received>>, Json(task): Json<Value>) -> &'static str {
    let (id, status, external, updated_at) = task_fields(&task);
    let violation = match rank(status) {
        None => Some(format!("{id}: callback with status {status:?}")),
        Some(rank) => {
            let mut by_task = received.by_task.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            match by_task.insert(id, Seen { external: external.clone(), rank, updated_at }) {
                Some(before) if before.rank >= rank => {
                    Some(format!("{id}: status {} after rank {}", rank, before.rank))
                }
                Some(before) if before.updated_at > updated_at => Some(format!("{id}: updated_at went back")),
                Some(before) if before.external != external => Some(format!("{id}: external id changed")),
                _ => None,
            }
        }
    };
    if let Some(violation) = violation {
        received.violations.lock().unwrap_or_else(std::sync::PoisonError::into_inner).push(violation);
    }
    "ok"
}

async fn callback_receiver(received: Arc<Received>) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap_or_else(|e| panic!("bind: {e}"));
    let addr = listener.local_addr().unwrap_or_else(|e| panic!("{e}"));
    let router = axum::Router::new().route("/cb", post(receive)).with_state(received);
    tokio::spawn(async move { axum::serve(listener, router).await });
    format!("http://{addr}/cb")
}

fn rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with("VmRSS:")).map(str::to_owned))
        .and_then(|l| l.split_whitespace().nth(1).and_then(|n| n.parse().ok()))
        .unwrap_or(0)
}

const ACCOUNTS: usize = 4;

/// How a create ended for the client.
enum Created {
    Accepted(String),
    Refused,
    /// The answer was lost (connection fault, broken body): ask by external id.
    Unknown,
}

async fn create(http: &reqwest::Client, url: &str, surface: Surface, bearer: &str, body: &Value) -> Created {
    let Ok(response) = http.post(url).bearer_auth(bearer).json(body).send().await else { return Created::Unknown };
    let status = response.status().as_u16();
    let Ok(reply) = response.json::<Value>().await else { return Created::Unknown };
    match (status, reply["code"].as_i64(), surface.created_id(&reply)) {
        (200, Some(0), Some(id)) => Created::Accepted(id.to_owned()),
        (_, Some(code), _) if code != 0 => Created::Refused,
        _ => Created::Unknown,
    }
}

/// The task with this external id, asked until the server answers cleanly.
async fn find(http: &reqwest::Client, base: &str, surface: Surface, bearer: &str, external: &str) -> Option<String> {
    for _ in 0..20 {
        let Ok(response) = http.get(surface.find_url(base, external)).bearer_auth(bearer).send().await else {
            continue;
        };
        let Ok(reply) = response.json::<Value>().await else { continue };
        match reply["code"].as_i64() {
            Some(0) => return surface.task(&reply).map(|task| task_fields(task).0.to_string()),
            Some(1203) => return None,
            _ => {}
        }
    }
    panic!("{external}: no clean answer to 20 queries");
}

/// Polls a task until it is terminal, as a client does; a task still running after 2 s
/// of real time (held until released) is released through the admin API.
async fn wait_terminal(http: &reqwest::Client, base: &str, surface: Surface, bearer: &str, id: &str) {
    let started = Instant::now();
    let mut released = false;
    loop {
        let reply = match http.get(surface.query_url(base, id)).bearer_auth(bearer).send().await {
            Ok(response) => response.json::<Value>().await.unwrap_or(Value::Null),
            Err(_) => Value::Null,
        };
        match surface.task(&reply).map(|task| rank(task_fields(task).1)) {
            Some(Some(2)) => return,
            Some(Some(_)) => {}
            _ => panic!("task {id} vanished while running: {reply}"),
        }
        if !released && started.elapsed() > Duration::from_secs(2) {
            let url = format!("{base}/__admin/tasks/{id}/release");
            let _ = http.post(url).send().await;
            released = true;
        }
        assert!(started.elapsed() < Duration::from_secs(30), "task {id} never ended");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

async fn soak(params: Params) -> Figures {
    let keys: Vec<(String, String)> = (0..ACCOUNTS).map(|i| (format!("soak-ak-{i}"), format!("soak-sk-{i}"))).collect();
    let mut config = Config::for_tests();
    config.accounts = keys.iter().map(|(ak, sk)| AccountKeys::new(ak, sk)).collect();
    config.api_keys =
        keys.iter().enumerate().map(|(i, (ak, _))| ApiKey::bound(format!("soak-api-key-{i}"), ak)).collect();
    config.clock = ClockConfig::System { scale: params.time_scale, start_ms: None };
    config.latency = LatencyProfile::Fast;
    config.task_capacity = params.capacity;
    config.journal_size = params.journal_size;
    config.callback_timeout = Duration::from_secs(5);
    let app = Arc::new(TestApp::spawn_with(config).await);
    app.scenario(FAULTS).await;
    let received = Arc::new(Received::default());
    let callback_url = callback_receiver(received.clone()).await;
    let tokens: Vec<String> = keys.iter().map(|(ak, sk)| token(ak, sk)).collect();

    // Bounds are sampled while the load runs.
    let running = Arc::new(AtomicBool::new(true));
    let max_store = Arc::new(AtomicU64::new(0));
    let max_journal = Arc::new(AtomicU64::new(0));
    let rss_warm = Arc::new(AtomicU64::new(0));
    let sampler = tokio::spawn({
        let (app, running, max_store, max_journal, rss_warm) =
            (app.clone(), running.clone(), max_store.clone(), max_journal.clone(), rss_warm.clone());
        let capacity = params.capacity;
        async move {
            while running.load(Ordering::Relaxed) {
                let state = &app.running.state;
                let stored = state.engine.task_count();
                max_store.fetch_max(stored as u64, Ordering::Relaxed);
                max_journal.fetch_max(state.journal.len() as u64, Ordering::Relaxed);
                if stored >= capacity && rss_warm.load(Ordering::Relaxed) == 0 {
                    rss_warm.store(rss_kib(), Ordering::Relaxed);
                }
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        }
    });

    let started = Instant::now();
    let mut clients = Vec::new();
    for client in 0..params.clients {
        let surface = if client % 2 == 0 { Surface::Legacy } else { Surface::Standard };
        let (base, callback_url) = (app.base.clone(), callback_url.clone());
        let url = format!("{base}{}", surface.create_path());
        let token = match surface {
            Surface::Legacy => tokens[client % ACCOUNTS].clone(),
            Surface::Standard => format!("soak-api-key-{}", client % ACCOUNTS),
        };
        let (limit, duration) = (params.tasks_per_client, params.duration);
        clients.push(tokio::spawn(async move {
            let http = reqwest::Client::builder().timeout(Duration::from_secs(20)).build().unwrap_or_default();
            let mut outcome = (0u64, 0u64, 0u64, Vec::<(String, String)>::new());
            let mut n = 0;
            while limit.map_or(started.elapsed() < duration, |limit| n < limit) {
                let external = format!("soak-{client}-{n}");
                n += 1;
                let body = surface.body(&external, &callback_url);
                let id = match create(&http, &url, surface, &token, &body).await {
                    Created::Accepted(id) => Some(id),
                    Created::Refused => None,
                    Created::Unknown => {
                        outcome.2 += 1;
                        find(&http, &base, surface, &token, &external).await
                    }
                };
                match id {
                    Some(id) => {
                        wait_terminal(&http, &base, surface, &token, &id).await;
                        outcome.0 += 1;
                        outcome.3.push((external, id));
                    }
                    None => outcome.1 += 1,
                }
            }
            outcome
        }));
    }
    let mut figures = Figures::default();
    let mut accepted: HashMap<String, u64> = HashMap::new();
    for client in clients {
        let (ok, refused, ambiguous, tasks) = client.await.unwrap_or_else(|e| panic!("client: {e}"));
        figures.accepted += ok;
        figures.refused += refused;
        figures.ambiguous += ambiguous;
        for (external, id) in tasks {
            let id = id.parse().unwrap_or_else(|e| panic!("task id {id}: {e}"));
            assert!(accepted.insert(external.clone(), id).is_none(), "{external} accepted twice");
        }
    }
    figures.attempted = figures.accepted + figures.refused;

    // Every accepted task ended (its client saw it); now its callbacks must show the end too.
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let done = {
            let by_task = received.by_task.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            accepted.values().filter(|id| by_task.get(*id).is_some_and(|seen| seen.rank == 2)).count()
        };
        if done == accepted.len() {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "{} of {} accepted tasks never reported an end",
            accepted.len() - done,
            accepted.len()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    running.store(false, Ordering::Relaxed);
    let _ = sampler.await;

    let violations =
        std::mem::take(&mut *received.violations.lock().unwrap_or_else(std::sync::PoisonError::into_inner));
    assert!(violations.is_empty(), "callbacks out of order: {violations:?}");
    let by_task = std::mem::take(&mut *received.by_task.lock().unwrap_or_else(std::sync::PoisonError::into_inner));
    let mut owner_of_external: HashMap<String, u64> = HashMap::new();
    for (id, seen) in by_task {
        if let Some(other) = owner_of_external.insert(seen.external.clone(), id) {
            panic!("{} names two tasks: {other} and {id}", seen.external);
        }
    }
    for (external, id) in &accepted {
        assert_eq!(owner_of_external.get(external), Some(id), "{external}: accepted as {id}, reported otherwise");
    }
    assert_eq!(owner_of_external.len(), accepted.len(), "tasks the clients never learned of ran anyway");

    let rules = app.admin(reqwest::Method::GET, "/scenarios", None).await.json;
    figures.faults = rules[0]["rules"].as_array().into_iter().flatten().filter_map(|r| r["fired"].as_u64()).sum();
    figures.max_store = usize::try_from(max_store.load(Ordering::Relaxed)).unwrap_or(usize::MAX);
    figures.max_journal = usize::try_from(max_journal.load(Ordering::Relaxed)).unwrap_or(usize::MAX);
    assert!(figures.max_store <= params.capacity, "store grew to {} past {}", figures.max_store, params.capacity);
    assert!(figures.max_journal <= params.journal_size, "journal grew to {}", figures.max_journal);
    figures.rss_warm_kib = rss_warm.load(Ordering::Relaxed);
    figures.rss_end_kib = rss_kib();
    println!("soak figures: {figures:?}");
    figures
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn short_soak_under_every_fault_loses_and_duplicates_nothing() {
    let figures = soak(Params {
        clients: 8,
        tasks_per_client: Some(40),
        duration: Duration::ZERO,
        time_scale: 100.0,
        capacity: 200,
        journal_size: 100,
    })
    .await;
    assert!(figures.accepted > 100 && figures.faults > 20, "the soak did too little: {figures:?}");
}

/// `SOAK_SECONDS` (default 180) of creation from 32 clients, then the same checks; RSS
/// may not grow by more than 64 MiB once the store is full.
#[tokio::test(flavor = "multi_thread")]
#[ignore = "minutes long: run by hand, see the module docs"]
async fn long_soak_under_every_fault() {
    let seconds = std::env::var("SOAK_SECONDS").ok().and_then(|s| s.parse().ok()).unwrap_or(180);
    let figures = soak(Params {
        clients: 32,
        tasks_per_client: None,
        duration: Duration::from_secs(seconds),
        time_scale: 100.0,
        capacity: 5_000,
        journal_size: 1_000,
    })
    .await;
    assert!(figures.rss_warm_kib > 0, "the store never filled: {figures:?}");
    assert!(figures.rss_end_kib < figures.rss_warm_kib + 64 * 1024, "memory grew: {figures:?}");
}
