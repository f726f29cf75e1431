//! HTTP-level fuzzing: generated requests (random and mutated JSON, wrong types, huge
//! numbers, deep nesting, invalid UTF-8, odd and oversize headers, odd methods and paths,
//! good and forged tokens) over a real socket. Every answer is a success or a Kling error
//! envelope, never a 5xx, a dropped connection or a hang, and the server keeps serving.
//!
//! `PROPTEST_CASES` sets the number of requests (default [`DEFAULT_CASES`]).

use std::time::Duration;

use base64::Engine as _;
use kling_api::ENDPOINTS;
use kling_e2e::raw::{self, RawReply};
use kling_e2e::{TestApp, dev_token, now_s, sign};
use kling_mock::config::{DEV_ACCESS_KEY, DEV_API_KEY, DEV_SECRET_KEY};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use serde_json::{Value, json};

/// Requests sent when `PROPTEST_CASES` is not set.
const DEFAULT_CASES: u32 = 8000;
/// The emulator's body limit in this test, small enough to cross often.
const BODY_LIMIT: usize = 64 * 1024;

/// One generated request.
#[derive(Debug, Clone)]
struct Fuzzed {
    method: String,
    target: Vec<u8>,
    headers: Vec<(String, Vec<u8>)>,
    body: Vec<u8>,
}

impl Fuzzed {
    fn bytes(&self) -> Vec<u8> {
        let headers: Vec<(&str, &[u8])> = self.headers.iter().map(|(n, v)| (n.as_str(), v.as_slice())).collect();
        raw::request(&self.method, &self.target, &headers, &self.body)
    }
}

fn paths() -> Vec<String> {
    let mut out = vec![
        "/".to_owned(),
        "/account/costs".to_owned(),
        "/media/videos/5s/0b8f6b58-5a43-4f4e-9b3e-0d2f1c9b7a11.mp4".to_owned(),
        "/media/images/0b8f6b58-5a43-4f4e-9b3e-0d2f1c9b7a11.png".to_owned(),
        "/__admin/health".to_owned(),
        "/__admin/journal".to_owned(),
        "/__admin/tasks".to_owned(),
        "/__admin/tasks/866889456698785798".to_owned(),
        "/__admin/clock/advance".to_owned(),
        "/__admin/stats".to_owned(),
        "/v1/videos".to_owned(),
        "/tasks".to_owned(),
        "/tasks?task_ids=866889456698785798,1".to_owned(),
        "/omni-video/kling-v3-omni".to_owned(),
    ];
    for spec in ENDPOINTS {
        out.push(spec.path.to_owned());
        out.push(format!("{}/866889456698785798", spec.path));
    }
    out
}

fn percent(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("%{b:02X}")).collect()
}

/// A request target: a real path, maybe mutated, maybe with a query.
fn target() -> impl Strategy<Value = Vec<u8>> {
    let segment = "[A-Za-z0-9._~!$&'()*+,;=:@-]{0,24}";
    let mutation = prop_oneof![
        3 => Just(String::new()),
        1 => segment.prop_map(|s| format!("/{s}")),
        1 => prop::collection::vec(any::<u8>(), 1..12).prop_map(|b| format!("/{}", percent(&b))),
        1 => Just("/..".to_owned()),
        1 => Just("/%2e%2e/%2E%2E".to_owned()),
        1 => Just("//".to_owned()),
        1 => "[0-9]{1,30}".prop_map(|id| format!("/{id}")),
    ];
    let query = prop_oneof![
        3 => Just(String::new()),
        1 => ("-?[0-9]{1,25}", "-?[0-9]{1,25}").prop_map(|(n, s)| format!("?pageNum={n}&pageSize={s}")),
        1 => (segment, segment).prop_map(|(k, v)| format!("?{k}={v}")),
        1 => prop::collection::vec(any::<u8>(), 0..16).prop_map(|b| format!("?status={}", percent(&b))),
        1 => Just("?limit=1e99&status=-1".to_owned()),
    ];
    (prop::sample::select(paths()), mutation, query).prop_map(|(p, m, q)| format!("{p}{m}{q}").into_bytes())
}

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

fn authorization() -> impl Strategy<Value = Option<Vec<u8>>> {
    let valid = || format!("Bearer {}", dev_token());
    let claims = json!({"iss": DEV_ACCESS_KEY, "exp": now_s() + 1800});
    let none = format!("Bearer {}.{}.", b64(br#"{"alg":"none"}"#), b64(claims.to_string().as_bytes()));
    let expired = format!(
        "Bearer {}",
        sign(&json!({"iss": DEV_ACCESS_KEY, "exp": 1}), DEV_SECRET_KEY, jsonwebtoken::Algorithm::HS256)
    );
    prop_oneof![
        12 => Just(Some(valid().into_bytes())),
        6 => Just(Some(format!("Bearer {DEV_API_KEY}").into_bytes())),
        1 => "[a-z0-9-]{0,4}".prop_map(|s| Some(format!("Bearer {DEV_API_KEY}{s}").into_bytes())),
        1 => Just(None),
        1 => Just(Some(none.into_bytes())),
        1 => Just(Some(expired.into_bytes())),
        1 => Just(Some(format!("{}junk", valid()).into_bytes())),
        1 => "Bearer [A-Za-z0-9._-]{0,300}".prop_map(|s| Some(s.into_bytes())),
        1 => prop::collection::vec(0x20u8..0x7f, 0..64).prop_map(Some),
        1 => prop::collection::vec(0x80u8..=0xff, 1..64).prop_map(|b| Some([b"Bearer ".as_slice(), &b].concat())),
    ]
}

fn content_type() -> impl Strategy<Value = Option<Vec<u8>>> {
    prop_oneof![
        6 => Just(Some(b"application/json".to_vec())),
        1 => Just(None),
        1 => Just(Some(b"application/json; charset=utf-8".to_vec())),
        1 => Just(Some(b"text/plain".to_vec())),
        1 => Just(Some(b"application/toml".to_vec())),
        1 => "[a-z/+;= -]{0,40}".prop_map(|s| Some(s.into_bytes())),
    ]
}

/// Extra headers; never the ones that frame the message (those are the harness's).
fn extra_headers() -> impl Strategy<Value = Vec<(String, Vec<u8>)>> {
    let name = "x-[a-z0-9-]{1,20}|accept|accept-encoding|content-encoding|range|cookie|user-agent|expect|origin";
    let value = prop_oneof![
        16 => prop::collection::vec(0x20u8..0x7f, 0..80),
        4 => prop::collection::vec(0x80u8..=0xff, 1..40),
        4 => Just(b"bytes=0-10,5-1,-3".to_vec()),
        // Rare: most requests should get past the header check.
        1 => (33usize..60).prop_map(|kib| vec![b'a'; kib * 1024]),
    ];
    // At most 60 KiB in all: beyond the server's read limit there is no request to answer.
    prop::collection::vec((name, value), 0..4).prop_map(|headers| {
        let mut total = 0;
        headers
            .into_iter()
            .map(|(n, v)| (n, v.trim_ascii().to_vec()))
            .filter(|(n, v)| {
                total += v.len();
                n != "expect" && total < 60 * 1024
            })
            .collect()
    })
}

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>().prop_filter("finite", |f| f.is_finite()).prop_map(Value::from),
        ".{0,40}".prop_map(Value::from),
        prop::sample::select(vec!["5", "10", "kling-v1", "kling-v2-master", "std", "pro", "16:9", "", " "])
            .prop_map(Value::from),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map(field_name(), inner, 0..6).prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// Real field names most of the time, so that validation goes deep.
fn field_name() -> impl Strategy<Value = String> {
    let mut names: Vec<String> =
        ENDPOINTS.iter().flat_map(|spec| spec.fields.iter().map(|f| f.name.to_owned())).collect();
    names.sort();
    names.dedup();
    prop_oneof![4 => prop::sample::select(names), 1 => "[a-z_]{0,12}"]
}

/// A valid-looking body with some fields replaced by random values.
fn mutated_body() -> impl Strategy<Value = Vec<u8>> {
    let base = json!({"model_name": "kling-v1", "prompt": "a cat", "duration": "5", "mode": "std"});
    prop::collection::btree_map(field_name(), json_value(), 0..3).prop_map(move |patch| {
        let mut body = base.clone();
        if let Some(map) = body.as_object_mut() {
            map.extend(patch);
        }
        body.to_string().into_bytes()
    })
}

/// A valid-looking new-standard body with random values in `settings`, `options` and one
/// `contents[]` item.
fn mutated_standard_body() -> impl Strategy<Value = Vec<u8>> {
    let names = [
        "resolution",
        "duration",
        "aspect_ratio",
        "audio",
        "multi_shot",
        "seed",
        "character_orientation",
        "type",
        "text",
        "url",
        "id",
        "element_id",
        "voice_id",
        "callback_url",
        "external_task_id",
        "watermark_info",
    ];
    let patch = || prop::collection::btree_map(prop::sample::select(names.to_vec()), json_value(), 0..3);
    (patch(), patch(), patch()).prop_map(|(settings, item, options)| {
        let first = json!({"type": "prompt", "text": "a cat @image_1"});
        let mut frame = json!({"type": "first_frame", "url": "https://example.com/a.png", "id": "image_1"});
        for (key, value) in item {
            frame[key] = value;
        }
        json!({
            "prompt": "a cat",
            "contents": [first, frame],
            "settings": Value::Object(settings.into_iter().map(|(k, v)| (k.to_owned(), v)).collect()),
            "options": Value::Object(options.into_iter().map(|(k, v)| (k.to_owned(), v)).collect()),
        })
        .to_string()
        .into_bytes()
    })
}

fn body() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        2 => Just(Vec::new()),
        4 => mutated_body(),
        3 => mutated_standard_body(),
        3 => json_value().prop_map(|v| v.to_string().into_bytes()),
        1 => (1usize..6000).prop_map(|depth| format!("{}{}", "[".repeat(depth), "]".repeat(depth)).into_bytes()),
        1 => (1usize..3000).prop_map(|depth| format!("{}1{}", "{\"prompt\":".repeat(depth), "}".repeat(depth)).into_bytes()),
        1 => prop::sample::select(vec![
            r#"{"prompt": "a", "duration": 1e999999}"#,
            r#"{"prompt": "a", "cfg_scale": 123456789012345678901234567890123456789}"#,
            r#"{"prompt": "a", "cfg_scale": -0, "duration": 5.0000000000000000001}"#,
            r#"{"prompt": "a", "cfg_scale": 1e-400, "duration": -5}"#,
            r#"{"prompt": "a", "prompt": 5, "prompt": null}"#,
            r#"{"prompt": "\ud800", "negative_prompt": "\u0000"}"#,
            r#"{"seconds": 1e308}"#,
        ]).prop_map(|s| s.as_bytes().to_vec()),
        1 => prop::collection::vec(any::<u8>(), 0..256),
        1 => prop::collection::vec(0x80u8..=0xff, 1..64).prop_map(|b| [b"{\"prompt\": \"".as_slice(), &b, b"\"}"].concat()),
        1 => mutated_body().prop_map(|mut b| { b.truncate(b.len() / 2); b }),
        1 => (BODY_LIMIT..BODY_LIMIT + 4096).prop_map(|n| format!("{{\"prompt\": \"{}\"}}", "x".repeat(n)).into_bytes()),
    ]
}

/// Either a create on a real endpoint (so that auth, body parsing and validation are
/// reached) or anything at all.
fn request() -> impl Strategy<Value = Fuzzed> {
    prop_oneof![3 => create(), 2 => anything()]
}

fn create() -> impl Strategy<Value = Fuzzed> {
    let paths: Vec<&'static str> = ENDPOINTS.iter().map(|spec| spec.path).collect();
    (prop::sample::select(paths), authorization(), extra_headers(), body()).prop_map(|(path, auth, extra, body)| {
        let mut headers = extra;
        headers.push(("content-type".to_owned(), b"application/json".to_vec()));
        if let Some(auth) = auth {
            headers.push(("authorization".to_owned(), auth));
        }
        Fuzzed { method: "POST".to_owned(), target: path.as_bytes().to_vec(), headers, body }
    })
}

fn anything() -> impl Strategy<Value = Fuzzed> {
    let method = prop::sample::select(vec![
        "GET", "GET", "POST", "POST", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD", "TRACE", "get", "FOO",
        "PROPFIND",
    ]);
    (method, target(), authorization(), content_type(), extra_headers(), body()).prop_map(
        |(method, target, auth, ctype, extra, body)| {
            let mut headers = extra;
            if let Some(auth) = auth {
                headers.push(("authorization".to_owned(), auth));
            }
            if let Some(ctype) = ctype {
                headers.push(("content-type".to_owned(), ctype));
            }
            Fuzzed { method: method.to_owned(), target, headers, body }
        },
    )
}

/// The promise, for one exchange.
fn check(request: &Fuzzed, reply: &RawReply) -> Result<(), String> {
    let target = String::from_utf8_lossy(&request.target);
    if reply.status >= 500 {
        return Err(format!("{} {target}: server error {}: {}", request.method, reply.status, reply.text()));
    }
    if request.method == "HEAD" {
        return Ok(());
    }
    let content_type = reply.header("content-type").unwrap_or_default();
    if reply.status >= 400 {
        return if reply.is_error_envelope() {
            Ok(())
        } else {
            Err(format!(
                "{} {target}: {} is not a Kling error: {:?} {}",
                request.method,
                reply.status,
                reply.headers,
                reply.text()
            ))
        };
    }
    let path = target.split('?').next().unwrap_or_default();
    let ok = if path.starts_with("/media/") {
        content_type == "video/mp4" || content_type == "image/png"
    } else if path.starts_with("/__admin") {
        content_type == "application/json" && serde_json::from_slice::<Value>(&reply.body).is_ok()
    } else {
        let json = reply.json();
        content_type == "application/json" && json["code"] == 0 && json["request_id"].is_string()
    };
    if ok {
        Ok(())
    } else {
        Err(format!("{} {target}: odd success {}: {}", request.method, reply.status, reply.text()))
    }
}

#[test]
fn generated_requests_always_get_a_kling_answer_and_the_server_keeps_serving() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap_or_else(|e| panic!("runtime: {e}"));
    let app = runtime.block_on(async {
        let mut config = kling_mock::Config::for_tests();
        config.body_limit = BODY_LIMIT;
        config.journal_size = 50;
        TestApp::spawn_with(config).await
    });
    let defaults = Config::default();
    let cases = if std::env::var_os("PROPTEST_CASES").is_some() { defaults.cases } else { DEFAULT_CASES };
    let config = Config { cases, failure_persistence: None, max_shrink_iters: 256, ..defaults };
    let mut runner = TestRunner::new(config);
    let by_status = std::cell::RefCell::new(std::collections::BTreeMap::<u16, u32>::new());
    let result = runner.run(&request(), |fuzzed| {
        let answer = runtime.block_on(raw::exchange(&app.base, &fuzzed.bytes(), Duration::from_secs(5)));
        let answer = answer.map_err(|e| TestCaseError::fail(format!("{} {:?}: {e}", fuzzed.method, fuzzed.target)))?;
        let reply = raw::parse(&answer).ok_or_else(|| {
            TestCaseError::fail(format!("{} {:?}: no HTTP answer: {:?}", fuzzed.method, fuzzed.target, answer))
        })?;
        *by_status.borrow_mut().entry(reply.status).or_default() += 1;
        check(&fuzzed, &reply).map_err(TestCaseError::fail)
    });
    eprintln!("http fuzz: {cases} requests, answers by status: {:?}", by_status.borrow());
    if let Err(failure) = result {
        panic!("{failure}");
    }
    runtime.block_on(async {
        app.post("/v1/videos/text2video", &json!({"prompt": "after the storm"})).await.assert_ok();
        let stats = app.admin(reqwest::Method::GET, "/stats", None).await;
        assert_eq!(stats.json["responses"]["5xx"], 0, "{}", stats.text);
        assert!(stats.json["responses"]["4xx"].as_u64().unwrap_or_default() > u64::from(cases) / 4, "{}", stats.text);
    });
}
