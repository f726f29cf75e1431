//! Micro-benchmarks of the request hot paths: token verification, validation per
//! endpoint, task creation and lookup, list pagination, response serialisation.
//!
//! `cargo bench -p kling-mock --bench hot_paths`

mod support;

use std::hint::black_box;

use axum::http::{HeaderMap, HeaderValue, header};
use criterion::{Criterion, criterion_group, criterion_main};
use kling_api::rules::{self, ValidationOptions, merge_patch};
use kling_api::{ENDPOINTS, EndpointId};
use kling_mock::auth::{Accounts, authenticate};
use kling_mock::scenario::file::Action;
use serde_json::{Value, json};

fn jwt(c: &mut Criterion) {
    let accounts = Accounts::new([("bench-ak", "bench-sk")]);
    let now = 1_800_000_000;
    let claims = json!({"iss": "bench-ak", "exp": now + 1800, "nbf": now - 5});
    let key = jsonwebtoken::EncodingKey::from_secret(b"bench-sk");
    let token = jsonwebtoken::encode(&jsonwebtoken::Header::default(), &claims, &key).unwrap_or_default();
    let mut headers = HeaderMap::new();
    headers.insert(
        header::AUTHORIZATION,
        HeaderValue::from_str(&format!("Bearer {token}")).unwrap_or(HeaderValue::from_static("")),
    );
    // A token seen before (every request of a client after its first): signature remembered.
    c.bench_function("jwt_verify_remembered", |b| {
        b.iter(|| authenticate(black_box(&headers), &accounts, now, 5, kling_mock::auth::Surface::Legacy, true).is_ok())
    });
    // A token never seen: HMAC and claim decoding (a fresh registry each time).
    c.bench_function("jwt_verify_first", |b| {
        b.iter_batched(
            || Accounts::new([("bench-ak", "bench-sk")]),
            |fresh| authenticate(black_box(&headers), &fresh, now, 5, kling_mock::auth::Surface::Legacy, true).is_ok(),
            criterion::BatchSize::SmallInput,
        )
    });
}

fn validation(c: &mut Criterion) {
    let options = ValidationOptions::default();
    let mut group = c.benchmark_group("validate");
    for spec in ENDPOINTS {
        let mut body: Value = serde_json::from_str(spec.base).unwrap_or(Value::Null);
        merge_patch(&mut body, &json!({}));
        let text = body.to_string().replace("$video_id", "v").replace("$session_id", "s").replace("$face_id", "f");
        let body: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
        group.bench_function(spec.name, |b| b.iter(|| rules::validate(spec, black_box(&body), &options).is_ok()));
    }
    let bench_request: Value = json!({"model_name": "kling-v1", "prompt": "a cat", "duration": "5", "mode": "std"});
    let t2v = kling_api::endpoints::spec(EndpointId::Text2Video);
    group.bench_function("text2video_bench_lab_body", |b| {
        b.iter(|| {
            let parsed: Value =
                serde_json::from_slice(black_box(bench_request.to_string().as_bytes())).unwrap_or(Value::Null);
            rules::validate(t2v, &parsed, &options).is_ok()
        })
    });
    group.finish();
}

fn engine(c: &mut Criterion) {
    let (engine, account, _clock) = support::engine(100_000);
    let spec = kling_api::endpoints::spec(EndpointId::Text2Video);
    let request = rules::validate(spec, &json!({"prompt": "a cat"}), &ValidationOptions::default())
        .unwrap_or_else(|e| panic!("{e:?}"));
    let action = Action::default();
    c.bench_function("engine/create", |b| b.iter(|| engine.create(&account, spec, request.clone(), &action).is_ok()));

    let (engine, account, _clock) = support::engine(10_000);
    let mut ids = Vec::new();
    for _ in 0..1_000 {
        ids.push(engine.create(&account, spec, request.clone(), &action).map(|t| t.task_id).unwrap_or_default());
    }
    let mut i = 0;
    c.bench_function("engine/get_of_1000", |b| {
        b.iter(|| {
            i = (i + 1) % ids.len();
            engine.get(&account, spec, &ids[i], "http://127.0.0.1:8088").is_some()
        })
    });
    c.bench_function("engine/list_page_30_of_1000", |b| {
        b.iter(|| engine.list(&account, spec, black_box(7), 30, "http://127.0.0.1:8088").len())
    });
    let task = engine.get(&account, spec, &ids[0], "http://127.0.0.1:8088");
    c.bench_function("serialize/query_envelope", |b| {
        b.iter(|| {
            let envelope =
                kling_api::Envelope { code: 0, message: "SUCCEED".into(), request_id: "r".into(), data: task.clone() };
            serde_json::to_vec(black_box(&envelope)).map(|v| v.len()).unwrap_or(0)
        })
    });
}

criterion_group!(benches, jwt, validation, engine);
criterion_main!(benches);
