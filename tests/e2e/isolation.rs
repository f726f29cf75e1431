//! Isolation as a property: from a random set of accounts and a random history of
//! creates, clock moves, identify-face and selection sessions, no key can read, list,
//! extend, lip-sync, edit, delete or otherwise use another account's tasks, videos,
//! sessions, voices, elements or audios; every foreign id is answered exactly like an
//! unknown one, refused foreign uses change nothing, and the owner's same request is
//! answered differently (so the refusal is about ownership, not a bad body).
//!
//! Every account also has an API key (one account has nothing else), creates tasks on the
//! new-standard paths with it, and must find in `/tasks` exactly its own tasks of both
//! surfaces, by id, by its own external ids and by cursor, and never another account's.
//!
//! What an account owns is an [`Owned`] value; each kind lists the foreign uses that must
//! be refused in [`foreign_uses`], and how its owner comes to own one is in [`run`].

use std::collections::{BTreeMap, BTreeSet};

use kling_api::EndpointSpec;
use kling_api::endpoints::{ENDPOINTS, Output};
use kling_e2e::{Reply, TestApp, token};
use kling_mock::auth::ApiKey;
use kling_mock::{AccountKeys, Config};
use proptest::prelude::*;
use proptest::test_runner::TestRunner;
use serde_json::{Value, json};

/// One step of the generated history, done by one account.
#[derive(Debug, Clone)]
enum Op {
    /// Create a task on an endpoint (index into [`creatable`]), maybe with an external id
    /// from a small shared pool, so that accounts reuse each other's names.
    Create { endpoint: usize, external: Option<u8> },
    /// The same on a new-standard endpoint (index into [`standard`]), with the API key.
    CreateStandard { endpoint: usize, external: Option<u8> },
    /// Move simulated time an hour: every task finishes.
    Advance,
    /// Open an identify-face session on one of the account's videos.
    IdentifyFace { video: usize },
    /// Open a multi-elements selection session on one of the account's videos and mark a
    /// point on its first frame.
    InitSelection { video: usize },
}

/// Something an account owns.
#[derive(Debug, Clone)]
enum Owned {
    Task { endpoint: &'static EndpointSpec, id: String, external: Option<String> },
    Video { id: String },
    Session { id: String, face: String },
    Selection { id: String },
    Voice { id: String },
    Element { id: u64 },
    Audio { id: String },
}

/// The new-standard create endpoints.
fn standard() -> Vec<&'static EndpointSpec> {
    ENDPOINTS.iter().filter(|e| e.standard.is_some()).collect()
}

/// Endpoints whose minimal body needs no earlier state, and that make tasks.
fn creatable() -> Vec<&'static EndpointSpec> {
    kling_api::history::Day::latest().offered().filter(|e| e.has_legacy_routes() && !e.base.contains("\"$")).collect()
}

/// Indexes into [`creatable`] of the endpoints whose tasks add to the account's library,
/// drawn more often than their share so that every history is likely to own some.
fn library_makers() -> Vec<usize> {
    let makes = |e: &EndpointSpec| matches!(e.output, Output::Voices | Output::Elements | Output::Audios);
    creatable().iter().enumerate().filter(|(_, e)| makes(e)).map(|(i, _)| i).collect()
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        6 => (0..creatable().len(), proptest::option::of(0u8..4))
            .prop_map(|(endpoint, external)| Op::Create { endpoint, external }),
        2 => proptest::sample::select(library_makers()).prop_map(|endpoint| Op::Create { endpoint, external: None }),
        3 => (0..standard().len(), proptest::option::of(0u8..4))
            .prop_map(|(endpoint, external)| Op::CreateStandard { endpoint, external }),
        2 => Just(Op::Advance),
        2 => (0usize..8).prop_map(|video| Op::IdentifyFace { video }),
        2 => (0usize..8).prop_map(|video| Op::InitSelection { video }),
    ]
}

fn keys(n: usize) -> Vec<(String, String)> {
    (0..n).map(|i| (format!("iso-ak-{i}"), format!("iso-sk-{i}"))).collect()
}

/// The API key of account `i`: bound to its AK/SK pair, except for the last account, which
/// has an unbound key and nothing else.
fn api_key(i: usize) -> String {
    format!("iso-api-key-{i}")
}

/// Each account's credentials: the bearer value for the legacy surface (a token, or the
/// key for the key-only account) and its API key.
struct Credentials {
    legacy: Vec<String>,
    api_keys: Vec<String>,
}

impl Credentials {
    /// `accounts` accounts, the last of them key-only.
    fn new(accounts: usize) -> Credentials {
        let legacy = (0..accounts)
            .map(|i| if i + 1 == accounts { api_key(i) } else { token(&format!("iso-ak-{i}"), &format!("iso-sk-{i}")) })
            .collect();
        Credentials { legacy, api_keys: (0..accounts).map(api_key).collect() }
    }

    /// The last day video-extend took videos (it extends kling-v1.x ones only), so every
    /// kind of item exists.
    fn config(accounts: usize) -> Config {
        let mut config = kling_e2e::config_before_retirement();
        config.accounts = keys(accounts - 1).into_iter().map(|(ak, sk)| AccountKeys::new(ak, sk)).collect();
        config.api_keys = (0..accounts)
            .map(|i| {
                if i + 1 == accounts {
                    ApiKey::new(api_key(i))
                } else {
                    ApiKey::bound(api_key(i), format!("iso-ak-{i}"))
                }
            })
            .collect();
        config
    }
}

/// The world as the test believes it is: what each account owns.
#[derive(Debug, Default)]
struct Model {
    owned: BTreeMap<usize, Vec<Owned>>,
}

impl Model {
    /// The account's tasks of the legacy surface.
    fn tasks(&self, account: usize) -> impl Iterator<Item = (&'static EndpointSpec, &str, Option<&str>)> {
        self.all_tasks(account).filter(|t| t.0.standard.is_none())
    }

    /// The account's tasks of both surfaces.
    fn all_tasks(&self, account: usize) -> impl Iterator<Item = (&'static EndpointSpec, &str, Option<&str>)> {
        self.owned.get(&account).into_iter().flatten().filter_map(|o| match o {
            Owned::Task { endpoint, id, external } => Some((*endpoint, id.as_str(), external.as_deref())),
            _ => None,
        })
    }

    fn videos(&self, account: usize) -> Vec<String> {
        self.owned
            .get(&account)
            .into_iter()
            .flatten()
            .filter_map(|o| match o {
                Owned::Video { id } => Some(id.clone()),
                _ => None,
            })
            .collect()
    }
}

/// Plays the history; checks each step against the model as it goes.
async fn run(app: &TestApp, credentials: &Credentials, history: &[(usize, Op)]) -> Model {
    let tokens = &credentials.legacy;
    let endpoints = creatable();
    let mut model = Model::default();
    for (actor, op) in history {
        let actor = actor % tokens.len();
        let token = &tokens[actor];
        match op {
            Op::CreateStandard { endpoint, external } => {
                let specs = standard();
                let spec = specs[endpoint % specs.len()];
                let mut body: Value = serde_json::from_str(spec.base).unwrap_or_else(|e| panic!("{}: {e}", spec.name));
                kling_api::samples::materialize(&mut body);
                let external = external.map(|n| format!("ext-{n}"));
                if let (Some(name), Some(map)) = (&external, body.as_object_mut()) {
                    map.insert("options".into(), json!({"external_task_id": name}));
                }
                let reply = app.post_as(&credentials.api_keys[actor], spec.path, &body).await;
                // External ids are unique per account across both surfaces.
                let taken = external.as_deref().is_some_and(|name| model.all_tasks(actor).any(|t| t.2 == Some(name)));
                if taken {
                    reply.assert_error(400, 1201);
                    continue;
                }
                let id = reply.assert_ok()["id"].as_str().unwrap_or_default().to_owned();
                model.owned.entry(actor).or_default().push(Owned::Task { endpoint: spec, id, external });
            }
            Op::Create { endpoint, external } => {
                let spec = endpoints[endpoint % endpoints.len()];
                let mut body: Value = serde_json::from_str(spec.base).unwrap_or_else(|e| panic!("{}: {e}", spec.name));
                kling_api::samples::materialize(&mut body);
                let external = external.map(|n| format!("ext-{n}"));
                if let (Some(name), Some(map)) = (&external, body.as_object_mut()) {
                    map.insert("external_task_id".into(), json!(name));
                }
                let reply = app.post_as(token, spec.path, &body).await;
                let taken = external.as_deref().is_some_and(|name| model.all_tasks(actor).any(|t| t.2 == Some(name)));
                if taken {
                    // Only the actor's own names are taken; other accounts' never are.
                    reply.assert_error(400, 1201);
                    continue;
                }
                let id = reply.assert_ok()["task_id"].as_str().unwrap_or_default().to_owned();
                model.owned.entry(actor).or_default().push(Owned::Task { endpoint: spec, id, external });
            }
            Op::Advance => {
                app.advance(3600);
                for (account, owner_token) in tokens.iter().enumerate() {
                    let tasks: Vec<(&'static EndpointSpec, String)> =
                        model.tasks(account).map(|(e, id, _)| (e, id.to_owned())).collect();
                    for (spec, id) in tasks {
                        let task = app.get_as(owner_token, &format!("{}/{id}", spec.path)).await;
                        let result = &task.assert_ok()["task_result"];
                        let video = || result["videos"][0]["id"].as_str().map(|id| Owned::Video { id: id.to_owned() });
                        let audio = || result["audios"][0]["id"].as_str().map(|id| Owned::Audio { id: id.to_owned() });
                        let made: Vec<Owned> = match spec.output {
                            Output::Videos => video().into_iter().collect(),
                            // Video-to-audio: the dubbed video and its audio are both the account's.
                            Output::VideoWithAudio => video().into_iter().chain(audio()).collect(),
                            Output::Voices => result["voices"][0]["voice_id"]
                                .as_str()
                                .map(|id| Owned::Voice { id: id.to_owned() })
                                .into_iter()
                                .collect(),
                            Output::Elements => result["elements"][0]["element_id"]
                                .as_u64()
                                .map(|id| Owned::Element { id })
                                .into_iter()
                                .collect(),
                            Output::Audios => audio().into_iter().collect(),
                            _ => Vec::new(),
                        };
                        let owned = model.owned.entry(account).or_default();
                        for made in made {
                            if !owned.iter().any(|o| identity(o) == identity(&made)) {
                                owned.push(made);
                            }
                        }
                    }
                }
            }
            Op::IdentifyFace { video } => {
                let videos = model.videos(actor);
                let Some(video_id) = videos.get(video % videos.len().max(1)) else { continue };
                let reply = app.post_as(token, "/v1/videos/identify-face", &json!({"video_id": video_id})).await;
                let data = reply.assert_ok();
                let id = data["session_id"].as_str().unwrap_or_default().to_owned();
                let face = data["face_data"][0]["face_id"].as_str().unwrap_or_default().to_owned();
                model.owned.entry(actor).or_default().push(Owned::Session { id, face });
            }
            Op::InitSelection { video } => {
                let videos = model.videos(actor);
                let Some(video_id) = videos.get(video % videos.len().max(1)) else { continue };
                let path = "/v1/videos/multi-elements/init-selection";
                let reply = app.post_as(token, path, &json!({"video_id": video_id})).await;
                if reply.status != 200 {
                    // Only 2-5 s and 7-10 s videos can be edited; others are refused for it.
                    let message = reply.assert_error(400, 1201);
                    assert!(message.starts_with("video_id") && message.contains("2-5 s or 7-10 s"), "{message}");
                    continue;
                }
                let id = reply.assert_ok()["session_id"].as_str().unwrap_or_default().to_owned();
                app.post_as(token, "/v1/videos/multi-elements/add-selection", &mark(&id)).await.assert_ok();
                model.owned.entry(actor).or_default().push(Owned::Selection { id });
            }
        }
    }
    model
}

/// The id of an owned thing, and the stand-in id that never existed.
fn identity(owned: &Owned) -> (String, &'static str) {
    match owned {
        Owned::Task { id, .. } => (id.clone(), NEVER_TASK),
        Owned::Video { id } => (id.clone(), NEVER_VIDEO),
        Owned::Session { id, .. } | Owned::Selection { id } => (id.clone(), NEVER_SESSION),
        Owned::Voice { id } => (id.clone(), NEVER_VOICE),
        Owned::Element { id } => (id.to_string(), NEVER_ELEMENT),
        Owned::Audio { id } => (id.clone(), NEVER_AUDIO),
    }
}

/// A foreign use of something owned, and the same request with an id that never existed.
struct Use {
    what: String,
    request: Request,
    /// Whether the owner's own use would destroy the thing (deletions), so it is tried last.
    destroys: bool,
}

enum Request {
    Get { owned: String, unknown: String },
    Post { path: &'static str, owned: Value, unknown: Value },
}

const NEVER_VIDEO: &str = "00000000-0000-4000-8000-000000000000";
const NEVER_TASK: &str = "866889456698785798";
const NEVER_SESSION: &str = "no-such-session";
const NEVER_VOICE: &str = "no-such-voice";
/// Element ids are large integers; presets are 1 to 12.
const NEVER_ELEMENT: &str = "999999999999999";
const NEVER_AUDIO: &str = "no-such-audio";

fn mark(session: &str) -> Value {
    json!({"session_id": session, "frame_index": 0, "points": [{"x": 0.5, "y": 0.5}]})
}

fn element_use(id: &str) -> Value {
    let id: u64 = id.parse().unwrap_or_default();
    json!({"prompt": "<<<element_1>>> waves", "aspect_ratio": "16:9", "element_list": [{"element_id": id}]})
}

fn element_delete(id: &str) -> Value {
    json!({"element_id": id.parse::<u64>().unwrap_or_default()})
}

fn lip_sync_body(video_id: &str) -> Value {
    json!({"input": {"video_id": video_id, "mode": "text2video", "text": "hi", "voice_id": "genshin_vindi2"}})
}

fn advanced_body(session: &str, face: &str) -> Value {
    json!({"session_id": session, "face_choose": [{"face_id": face, "sound_file": "https://example.com/a.mp3",
        "sound_start_time": 0, "sound_end_time": 3000, "sound_insert_time": 0}]})
}

/// Every way another account might touch `owned`.
fn foreign_uses(owned: &Owned) -> Vec<Use> {
    let post = |what: String, path, owned, unknown| Use {
        what,
        request: Request::Post { path, owned, unknown },
        destroys: false,
    };
    let both = |path: &'static str, body: fn(&str) -> Value, what: String| {
        let (id, never) = identity(owned);
        post(what, path, body(&id), body(never))
    };
    let destroying = |mut r#use: Use| {
        r#use.destroys = true;
        r#use
    };
    match owned {
        // New-standard tasks are read through /tasks only: see check_task_query.
        Owned::Task { endpoint, .. } if endpoint.standard.is_some() => Vec::new(),
        Owned::Task { endpoint, id, .. } => vec![Use {
            what: format!("read task {id} of {}", endpoint.name),
            request: Request::Get {
                owned: format!("{}/{id}", endpoint.path),
                unknown: format!("{}/{NEVER_TASK}", endpoint.path),
            },
            destroys: false,
        }],
        Owned::Video { id } => vec![
            post(
                format!("extend video {id}"),
                "/v1/videos/video-extend",
                json!({"video_id": id}),
                json!({"video_id": NEVER_VIDEO}),
            ),
            post(format!("lip-sync video {id}"), "/v1/videos/lip-sync", lip_sync_body(id), lip_sync_body(NEVER_VIDEO)),
            post(
                format!("identify faces in video {id}"),
                "/v1/videos/identify-face",
                json!({"video_id": id}),
                json!({"video_id": NEVER_VIDEO}),
            ),
        ],
        Owned::Session { id, face } => vec![post(
            format!("lip-sync with session {id}"),
            "/v1/videos/advanced-lip-sync",
            advanced_body(id, face),
            advanced_body(NEVER_SESSION, face),
        )],
        Owned::Selection { id } => {
            let session = |id: &str| json!({"session_id": id});
            let edit = |id: &str| json!({"session_id": id, "edit_mode": "removal", "prompt": "remove <<<video_1>>>"});
            use kling_api::multi_elements::{
                ADD_SELECTION, CLEAR_SELECTION, DELETE_SELECTION, MULTI_ELEMENTS, PREVIEW_SELECTION,
            };
            vec![
                both(ADD_SELECTION.path, mark, format!("mark frames in selection {id}")),
                both(PREVIEW_SELECTION.path, session, format!("preview selection {id}")),
                both(MULTI_ELEMENTS.path, edit, format!("edit the video of selection {id}")),
                destroying(both(DELETE_SELECTION.path, mark, format!("unmark frames in selection {id}"))),
                destroying(both(CLEAR_SELECTION.path, session, format!("clear selection {id}"))),
            ]
        }
        Owned::Voice { id } => vec![
            both("/v1/audio/tts", |id| json!({"text": "hi", "voice_id": id}), format!("speak with voice {id}")),
            both(
                "/v1/videos/lip-sync",
                |id| json!({"input": {"video_url": "https://example.com/v.mp4", "mode": "text2video", "text": "hi", "voice_id": id}}),
                format!("lip-sync with voice {id}"),
            ),
            destroying(both("/v1/general/delete-voices", |id| json!({"voice_id": id}), format!("delete voice {id}"))),
        ],
        Owned::Element { id } => vec![
            both("/v1/videos/omni-video", element_use, format!("use element {id}")),
            destroying(both("/v1/general/delete-elements", element_delete, format!("delete element {id}"))),
        ],
        Owned::Audio { id } => vec![both(
            "/v1/videos/avatar/image2video",
            |id| json!({"image": "https://example.com/face.png", "audio_id": id}),
            format!("give avatar audio {id}"),
        )],
    }
}

/// The answer with every id of `owned` and of the unknown stand-in blanked, to compare
/// a foreign refusal with an unknown one.
fn shape(reply: &Reply, ids: &[&str]) -> (u16, i64, String) {
    let mut message = reply.message().to_owned();
    for id in ids {
        message = message.replace(id, "<id>");
    }
    (reply.status, reply.code(), message)
}

/// `/tasks` through `key`: by ids, by external ids, and every page of the cursor list.
async fn tasks_seen(app: &TestApp, key: &str, query: &str) -> BTreeSet<String> {
    let ids = |data: &Value| -> Vec<String> {
        data.as_array().into_iter().flatten().filter_map(|t| t["id"].as_str().map(str::to_owned)).collect()
    };
    if !query.is_empty() {
        return ids(app.get_as(key, &format!("/tasks?{query}")).await.assert_ok()).into_iter().collect();
    }
    let mut seen = BTreeSet::new();
    let mut body = json!({"limit": 3});
    loop {
        let page = app.post_as(key, "/tasks", &body).await;
        let data = page.assert_ok();
        for id in ids(&data["result"]) {
            assert!(seen.insert(id), "a task twice in the cursor list");
        }
        match data["next_cursor"].as_str() {
            Some(cursor) if data["has_more"] == true => body = json!({"limit": 3, "cursor": cursor}),
            _ => return seen,
        }
    }
}

/// Each API key finds in `/tasks` exactly its account's tasks of both surfaces, and
/// another account's ids and external ids as if they did not exist.
async fn check_task_query(app: &TestApp, credentials: &Credentials, model: &Model) {
    for (account, key) in credentials.api_keys.iter().enumerate() {
        let own: BTreeSet<String> = model.all_tasks(account).map(|t| t.1.to_owned()).collect();
        assert_eq!(tasks_seen(app, key, "").await, own, "the cursor list of account {account}");
        for owner in model.owned.keys() {
            for (_, id, external) in model.all_tasks(*owner) {
                let by_id = tasks_seen(app, key, &format!("task_ids={id}")).await;
                let expected: BTreeSet<String> = own.iter().filter(|o| *o == id).cloned().collect();
                assert_eq!(by_id, expected, "account {account} asking for task {id} of account {owner}");
                if let Some(name) = external {
                    let by_name = tasks_seen(app, key, &format!("external_task_ids={name}")).await;
                    let mine: BTreeSet<String> =
                        model.all_tasks(account).filter(|t| t.2 == Some(name)).map(|t| t.1.to_owned()).collect();
                    assert_eq!(by_name, mine, "external id {name} resolved across accounts");
                }
            }
        }
    }
}

async fn check_isolation(app: &TestApp, credentials: &Credentials, model: &Model) {
    check_task_query(app, credentials, model).await;
    let tokens = &credentials.legacy;
    // What every owner sees before anyone else tries anything.
    let mut before = Vec::new();
    for (owner, token) in tokens.iter().enumerate() {
        for (spec, id, _) in model.tasks(owner) {
            before.push((
                token.clone(),
                format!("{}/{id}", spec.path),
                app.get_as(token, &format!("{}/{id}", spec.path)).await.json["data"].clone(),
            ));
        }
    }
    let task_count = |admin: Value| admin.as_array().map_or(0, Vec::len);
    let count_before = task_count(app.admin(reqwest::Method::GET, "/tasks", None).await.json);

    for (attacker, token) in tokens.iter().enumerate() {
        // Lists hold exactly the attacker's own tasks.
        for spec in creatable() {
            let list = app.get_as(token, &format!("{}?pageNum=1&pageSize=500", spec.path)).await;
            let seen: BTreeSet<String> = list
                .assert_ok()
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|t| t["task_id"].as_str().map(str::to_owned))
                .collect();
            let own: BTreeSet<String> =
                model.tasks(attacker).filter(|t| t.0.path == spec.path).map(|t| t.1.to_owned()).collect();
            assert_eq!(seen, own, "{} lists other accounts' tasks on {}", keys(tokens.len())[attacker].0, spec.name);
        }
        for (owner, owned) in model.owned.iter().filter(|(owner, _)| **owner != attacker) {
            for item in owned {
                // External ids resolve to the attacker's own task of that name, or to nothing.
                if let Owned::Task { endpoint, external: Some(name), .. } = item
                    && endpoint.standard.is_none()
                {
                    let reply = app.get_as(token, &format!("{}/{name}", endpoint.path)).await;
                    match model.tasks(attacker).find(|t| t.0.path == endpoint.path && t.2 == Some(name.as_str())) {
                        Some((_, own, _)) => {
                            assert_eq!(reply.assert_ok()["task_id"], own, "{name} resolved across accounts")
                        }
                        None => {
                            reply.assert_error(404, 1203);
                        }
                    }
                }
                for foreign in foreign_uses(item) {
                    let (reply, unknown) = match &foreign.request {
                        Request::Get { owned, unknown } => {
                            (app.get_as(token, owned).await, app.get_as(token, unknown).await)
                        }
                        Request::Post { path, owned, unknown } => {
                            (app.post_as(token, path, owned).await, app.post_as(token, path, unknown).await)
                        }
                    };
                    assert!(
                        reply.status >= 400,
                        "account {attacker} could {} of account {owner}: {}",
                        foreign.what,
                        reply.text
                    );
                    let (id, never) = identity(item);
                    let ids = [id.as_str(), never];
                    assert_eq!(
                        shape(&reply, &ids),
                        shape(&unknown, &ids),
                        "{}: a foreign id must answer like an unknown one",
                        foreign.what
                    );
                }
            }
        }
    }

    // Refused foreign uses created nothing and changed nothing.
    assert_eq!(task_count(app.admin(reqwest::Method::GET, "/tasks", None).await.json), count_before);
    for (token, path, seen) in before {
        assert_eq!(app.get_as(&token, &path).await.json["data"], seen, "{path} changed under foreign use");
    }

    // The owner's same requests are not refused as unknown: the refusals were about
    // ownership. Destructive uses go last, so nothing is gone before it is tried.
    for destroys in [false, true] {
        for (owner, owned) in &model.owned {
            for item in owned {
                for r#use in foreign_uses(item).into_iter().filter(|u| u.destroys == destroys) {
                    let (reply, unknown) = match &r#use.request {
                        Request::Get { owned, unknown } => {
                            (app.get_as(&tokens[*owner], owned).await, app.get_as(&tokens[*owner], unknown).await)
                        }
                        Request::Post { path, owned, unknown } => (
                            app.post_as(&tokens[*owner], path, owned).await,
                            app.post_as(&tokens[*owner], path, unknown).await,
                        ),
                    };
                    let (id, never) = identity(item);
                    assert_ne!(
                        shape(&reply, &[id.as_str(), never]),
                        shape(&unknown, &[id.as_str(), never]),
                        "the owner's own attempt to {} is answered as if it did not exist: {}",
                        r#use.what,
                        reply.text
                    );
                }
            }
        }
    }
}

/// The name of an owned thing's kind, to count which kinds the cases covered.
fn kind(owned: &Owned) -> &'static str {
    match owned {
        Owned::Task { endpoint, .. } if endpoint.standard.is_some() => "new-standard task",
        Owned::Task { .. } => "task",
        Owned::Video { .. } => "video",
        Owned::Session { .. } => "session",
        Owned::Selection { .. } => "selection",
        Owned::Voice { .. } => "voice",
        Owned::Element { .. } => "element",
        Owned::Audio { .. } => "audio",
    }
}

/// Every kind of [`Owned`]: the run fails unless each was owned in some case, so a
/// regression that stops an account from owning one cannot pass by skipping its checks.
const KINDS: [&str; 8] = ["audio", "element", "new-standard task", "selection", "session", "task", "video", "voice"];

#[test]
fn no_key_touches_another_accounts_tasks_videos_sessions_voices_elements_or_audios() {
    let config = ProptestConfig { cases: 24, failure_persistence: None, ..ProptestConfig::default() };
    let strategy = (2usize..=4, proptest::collection::vec((0usize..4, op()), 4..16));
    let covered = std::cell::RefCell::new(BTreeSet::new());
    let result = TestRunner::new(config).run(&strategy, |(accounts, history)| {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap_or_else(|e| panic!("{e}"));
        runtime.block_on(async {
            let app = TestApp::spawn_with(Credentials::config(accounts)).await;
            let credentials = Credentials::new(accounts);
            // Every history ends with finished tasks, so videos exist to be misused, and each
            // account then opens sessions on one of its videos when it has any.
            let mut history = history;
            history.push((0, Op::Advance));
            for account in 0..accounts {
                history.push((account, Op::IdentifyFace { video: account }));
                history.push((account, Op::InitSelection { video: account }));
            }
            let model = run(&app, &credentials, &history).await;
            covered.borrow_mut().extend(model.owned.values().flatten().map(kind));
            check_isolation(&app, &credentials, &model).await;
        });
        Ok(())
    });
    if let Err(failure) = result {
        panic!("{failure}");
    }
    assert_eq!(covered.into_inner().into_iter().collect::<Vec<_>>(), KINDS, "kinds owned across the cases");
}
