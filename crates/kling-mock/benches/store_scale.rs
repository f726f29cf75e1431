//! The store at scale: memory per stored task, and the latency of a query, a list page,
//! a `/tasks` batch query (10 ids) and a `/tasks` cursor page (100 tasks) with 1,000 and
//! with 1,000,000 stored tasks. Prints a table; not a criterion benchmark because the
//! interesting numbers are a resident-memory delta and latency percentiles.
//!
//! `cargo bench -p kling-mock --bench store_scale` (`-- --max N` to change the large size)

mod support;

use std::time::{Duration, Instant};

use kling_api::EndpointId;
use kling_api::rules::{self, ValidationOptions};
use kling_mock::engine::TasksQuery;
use kling_mock::scenario::file::Action;
use serde_json::json;

fn rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines().find(|l| l.starts_with("VmRSS:")).and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

fn measure(n: usize) {
    let (engine, account, _clock) = support::engine(n + 1);
    let spec = kling_api::endpoints::spec(EndpointId::Text2Video);
    let request = rules::validate(
        spec,
        &json!({"prompt": "a cat walks on the beach at sunset", "external_task_id": "x"}),
        &ValidationOptions::default(),
    )
    .unwrap_or_else(|e| panic!("{e:?}"));
    let action = Action::default();
    let before = rss_kib();
    let started = Instant::now();
    let mut ids = Vec::with_capacity(n);
    for i in 0..n {
        let mut r = request.clone();
        r.external_task_id = Some(format!("ext-{i}"));
        ids.push(engine.create(&account, spec, r, &action).map(|t| t.task_id).unwrap_or_default());
    }
    let fill = started.elapsed();
    let after = rss_kib();
    let mut lookups: Vec<Duration> = (0..20_000)
        .map(|i| {
            let id = &ids[(i * 7919) % ids.len()];
            let t = Instant::now();
            let found = engine.get(&account, spec, id, "http://127.0.0.1:8088").is_some();
            assert!(found);
            t.elapsed()
        })
        .collect();
    lookups.sort();
    let mut lists: Vec<Duration> = (0..200)
        .map(|i| {
            let t = Instant::now();
            let page = engine.list(&account, spec, 1 + (i % 10), 30, "http://127.0.0.1:8088");
            assert_eq!(page.len(), 30.min(n));
            t.elapsed()
        })
        .collect();
    lists.sort();
    let mut batches: Vec<Duration> = (0..2_000)
        .map(|i| {
            let keys: Vec<&str> = (0..10).map(|k| ids[(i * 7919 + k * 104_729) % ids.len()].as_str()).collect();
            let t = Instant::now();
            let items = engine.items(&account, &keys, false, true, "http://127.0.0.1:8088");
            assert!(!items.is_empty());
            t.elapsed()
        })
        .collect();
    batches.sort();
    // The first page, newest first: every page scans the account's tasks the same way.
    let query = TasksQuery {
        start_ms: 0,
        end_ms: i64::MAX,
        after: None,
        limit: 100,
        statuses: None,
        product_types: None,
        include_legacy: true,
    };
    let mut pages: Vec<Duration> = (0..20)
        .map(|_| {
            let t = Instant::now();
            let page = engine.page(&account, &query, "http://127.0.0.1:8088");
            assert_eq!(page.count, 100.min(n));
            t.elapsed()
        })
        .collect();
    pages.sort();
    println!(
        "| {n} | {:.1} | {} | {:.0} | {:?} | {:?} | {:?} | {:?} | {:?} | {:?} | {:?} | {:?} |",
        (after.saturating_sub(before)) as f64 / 1024.0,
        (after.saturating_sub(before) * 1024) / n as u64,
        n as f64 / fill.as_secs_f64(),
        percentile(&lookups, 0.5),
        percentile(&lookups, 0.99),
        percentile(&lists, 0.5),
        percentile(&lists, 0.99),
        percentile(&batches, 0.5),
        percentile(&batches, 0.99),
        percentile(&pages, 0.5),
        percentile(&pages, 0.99),
    );
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let max = args
        .iter()
        .position(|a| a == "--max")
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    if args.iter().any(|a| a == "--bench") || args.len() <= 1 || args.iter().any(|a| a == "--max") {
        println!(
            "| stored tasks | RSS growth (MiB) | bytes per task | creates/s | query p50 | query p99 | list p50 | list p99 \
             | /tasks 10 ids p50 | p99 | /tasks page of 100 p50 | p99 |"
        );
        println!("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        measure(1_000);
        measure(max);
    }
}
