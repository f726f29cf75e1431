//! Isolation as a property: from a random set of accounts and a random history of
//! creates, clock moves and identify-face calls, no key can read, list, extend, lip-sync
//! or otherwise use another account's tasks, videos or sessions, every foreign id is
//! answered exactly like an unknown one, and refused foreign uses change nothing.
//!
//! What an account owns is an [`Owned`] value; each kind lists the foreign uses that must
//! be refused in [`foreign_uses`]. Voices and elements join as new variants there, with
//! how their owner makes one in [`run`].

use std::collections::{BTreeMap, BTreeSet};

use kling_api::EndpointSpec;
use kling_api::endpoints::{ENDPOINTS, Output};
use kling_e2e::{Reply, TestApp, token};
use kling_mock::{AccountKeys, Config};
use proptest::prelude::*;
use serde_json::{Value, json};

/// One step of the generated history, done by one account.
#[derive(Debug, Clone)]
enum Op {
    /// Create a task on an endpoint (index into [`creatable`]), maybe with an external id
    /// from a small shared pool, so that accounts reuse each other's names.
    Create { endpoint: usize, external: Option<u8> },
    /// Move simulated time an hour: every task finishes.
    Advance,
    /// Open an identify-face session on one of the account's videos.
    IdentifyFace { video: usize },
}

/// Something an account owns.
#[derive(Debug, Clone)]
enum Owned {
    Task { endpoint: &'static EndpointSpec, id: String, external: Option<String> },
    Video { id: String },
    Session { id: String, face: String },
}

/// Endpoints whose minimal body needs no earlier state, and that make tasks.
fn creatable() -> Vec<&'static EndpointSpec> {
    ENDPOINTS.iter().filter(|e| e.output != Output::Synchronous && !e.base.contains("\"$")).collect()
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        6 => (0..creatable().len(), proptest::option::of(0u8..4))
            .prop_map(|(endpoint, external)| Op::Create { endpoint, external }),
        2 => Just(Op::Advance),
        2 => (0usize..8).prop_map(|video| Op::IdentifyFace { video }),
    ]
}

fn keys(n: usize) -> Vec<(String, String)> {
    (0..n).map(|i| (format!("iso-ak-{i}"), format!("iso-sk-{i}"))).collect()
}

/// The world as the test believes it is: what each account owns.
#[derive(Debug, Default)]
struct Model {
    owned: BTreeMap<usize, Vec<Owned>>,
}

impl Model {
    fn tasks(&self, account: usize) -> impl Iterator<Item = (&'static EndpointSpec, &str, Option<&str>)> {
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
async fn run(app: &TestApp, tokens: &[String], history: &[(usize, Op)]) -> Model {
    let endpoints = creatable();
    let mut model = Model::default();
    for (actor, op) in history {
        let actor = actor % tokens.len();
        let token = &tokens[actor];
        match op {
            Op::Create { endpoint, external } => {
                let spec = endpoints[endpoint % endpoints.len()];
                let mut body: Value = serde_json::from_str(spec.base).unwrap_or_else(|e| panic!("{}: {e}", spec.name));
                kling_api::samples::materialize(&mut body);
                let external = external.map(|n| format!("ext-{n}"));
                if let (Some(name), Some(map)) = (&external, body.as_object_mut()) {
                    map.insert("external_task_id".into(), json!(name));
                }
                let reply = app.post_as(token, spec.path, &body).await;
                let taken = external.as_deref().is_some_and(|name| model.tasks(actor).any(|t| t.2 == Some(name)));
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
                    let known: BTreeSet<String> = model.videos(account).into_iter().collect();
                    let tasks: Vec<(&'static EndpointSpec, String)> =
                        model.tasks(account).map(|(e, id, _)| (e, id.to_owned())).collect();
                    for (spec, id) in tasks.into_iter().filter(|(e, _)| e.output == Output::Videos) {
                        let task = app.get_as(owner_token, &format!("{}/{id}", spec.path)).await;
                        let video = task.assert_ok()["task_result"]["videos"][0]["id"].as_str().map(str::to_owned);
                        if let Some(video) = video.filter(|v| !known.contains(v)) {
                            model.owned.entry(account).or_default().push(Owned::Video { id: video });
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
        }
    }
    model
}

/// A foreign use of something owned, and the same request with an id that never existed.
struct Use {
    what: String,
    request: Request,
}

enum Request {
    Get { owned: String, unknown: String },
    Post { path: &'static str, owned: Value, unknown: Value },
}

const NEVER_VIDEO: &str = "00000000-0000-4000-8000-000000000000";
const NEVER_TASK: &str = "866889456698785798";
const NEVER_SESSION: &str = "no-such-session";

fn lip_sync_body(video_id: &str) -> Value {
    json!({"input": {"video_id": video_id, "mode": "text2video", "text": "hi", "voice_id": "genshin_vindi2"}})
}

fn advanced_body(session: &str, face: &str) -> Value {
    json!({"session_id": session, "face_choose": [{"face_id": face, "sound_file": "https://example.com/a.mp3",
        "sound_start_time": 0, "sound_end_time": 3000, "sound_insert_time": 0}]})
}

/// Every way another account might touch `owned`.
fn foreign_uses(owned: &Owned) -> Vec<Use> {
    let post = |what: String, path, owned, unknown| Use { what, request: Request::Post { path, owned, unknown } };
    match owned {
        Owned::Task { endpoint, id, .. } => vec![Use {
            what: format!("read task {id} of {}", endpoint.name),
            request: Request::Get {
                owned: format!("{}/{id}", endpoint.path),
                unknown: format!("{}/{NEVER_TASK}", endpoint.path),
            },
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

async fn check_isolation(app: &TestApp, tokens: &[String], model: &Model) {
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
                if let Owned::Task { endpoint, external: Some(name), .. } = item {
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
                    let ids: Vec<&str> = match item {
                        Owned::Task { id, .. } => vec![id.as_str(), NEVER_TASK],
                        Owned::Video { id } => vec![id.as_str(), NEVER_VIDEO],
                        Owned::Session { id, .. } => vec![id.as_str(), NEVER_SESSION],
                    };
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
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn no_key_touches_another_accounts_tasks_videos_or_sessions(
        accounts in 2usize..=4,
        history in proptest::collection::vec((0usize..4, op()), 4..16),
    ) {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap_or_else(|e| panic!("{e}"));
        runtime.block_on(async {
            let mut config = Config::for_tests();
            config.accounts = keys(accounts).into_iter().map(|(ak, sk)| AccountKeys::new(ak, sk)).collect();
            let app = TestApp::spawn_with(config).await;
            let tokens: Vec<String> = keys(accounts).iter().map(|(ak, sk)| token(ak, sk)).collect();
            // Every history ends with finished tasks, so videos exist to be misused.
            let mut history = history;
            history.push((0, Op::Advance));
            let model = run(&app, &tokens, &history).await;
            check_isolation(&app, &tokens, &model).await;
        });
    }
}
