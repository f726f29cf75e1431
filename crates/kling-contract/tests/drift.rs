//! Drift detection proven without the internet: the seed dialect differs from the
//! official one in exactly the documented ways, and the report says exactly that.

use std::collections::BTreeMap;

use kling_api::{Dialect, ErrorKind};
use kling_contract::checks;
use kling_contract::drift::{Budget, drift};
use kling_contract::shape::DriftKind;
use kling_contract::target::{Target, TargetKind};

#[tokio::test]
async fn the_emulator_agrees_with_itself() {
    let reference = Target::emulator(Dialect::Official).await.unwrap_or_else(|e| panic!("{e}"));
    let target = Target::emulator(Dialect::Official).await.unwrap_or_else(|e| panic!("{e}"));
    let report = drift(&reference, &target, &checks::all(), &mut Budget::unlimited(), true).await;
    assert!(!report.drifted(), "{}", report.markdown());
    assert!(report.entries.len() > 400);
    assert!(report.skipped.is_empty(), "stateful checks need their prerequisites: {:?}", report.skipped);
}

/// A server that already served other clients holds tasks in other states than a fresh
/// reference's: its lists differ from the reference's, but only in ways the documented
/// schema allows (the `drift --base-url` case).
#[tokio::test]
async fn a_server_holding_other_clients_tasks_is_no_drift() {
    let reference = Target::emulator(Dialect::Official).await.unwrap_or_else(|e| panic!("{e}"));
    let served = Target::emulator(Dialect::Official).await.unwrap_or_else(|e| panic!("{e}"));
    let running = served.emulator.as_ref().unwrap_or_else(|| panic!("in-process"));
    let rule =
        kling_mock::scenario::parse("<test>", "[[rule]]\nprompt = \"served earlier\"\nfail = \"risk control\"\n");
    running.state.activate(rule.unwrap_or_else(|e| panic!("{e}")));
    let http = reqwest::Client::new();
    let token = kling_contract::exchange::token(checks::TokenKind::Valid, &served).unwrap_or_default();
    let api_key = served.api_key.clone().unwrap_or_default();
    let body = serde_json::json!({"prompt": "served earlier"});
    for (path, bearer) in [("/v1/videos/text2video", &token), ("/text-to-video/kling-3.0", &api_key)] {
        let answer = http.post(format!("{}{path}", served.base_url)).bearer_auth(bearer).json(&body).send().await;
        assert_eq!(answer.map(|a| a.status().as_u16()).ok(), Some(200), "{path}");
    }
    assert!(served.advance(std::time::Duration::from_secs(24 * 3600)), "the tasks fail");
    let target = Target::url(&served.base_url, &served.access_key, &served.secret_key, TargetKind::Url);
    let lists: Vec<_> =
        checks::all().into_iter().filter(|c| c.id == "text2video/list" || c.id == "tasks/list").collect();
    assert_eq!(lists.len(), 2, "{lists:?}");
    let report = drift(&reference, &target, &lists, &mut Budget::unlimited(), true).await;
    assert!(!report.drifted(), "{}", report.markdown());
    // The samples did differ: without the schema the list would be reported.
    let list = |target: &Target| {
        let url = format!("{}/v1/videos/text2video?pageNum=1&pageSize=1", target.base_url);
        let token = kling_contract::exchange::token(checks::TokenKind::Valid, target).unwrap_or_default();
        let http = http.clone();
        async move { http.get(url).bearer_auth(token).send().await.ok()?.json::<serde_json::Value>().await.ok() }
    };
    let (expected, observed) = (list(&reference).await, list(&target).await);
    let raw = kling_contract::shape::compare(200, &expected.unwrap_or_default(), 200, &observed.unwrap_or_default());
    assert!(
        raw.iter().any(|d| d.kind == DriftKind::NewEnumValue),
        "the samples agree, so this proves nothing: {raw:?}"
    );
}

#[tokio::test]
async fn a_seed_dialect_target_drifts_in_exactly_its_codes() {
    let reference = Target::emulator(Dialect::Official).await.unwrap_or_else(|e| panic!("{e}"));
    let target = Target::emulator(Dialect::Seed).await.unwrap_or_else(|e| panic!("{e}"));
    let all = checks::all();
    let report = drift(&reference, &target, &all, &mut Budget::unlimited(), true).await;
    assert!(report.drifted());

    // Expected: every error of a seed category changes code, nothing else changes.
    let mut expected = BTreeMap::new();
    for check in &all {
        let official = match check.id.as_str() {
            // The new surface refuses every credential but an API key alike.
            id if id.starts_with("tasks/auth/") && id != "tasks/auth/missing" => Some(ErrorKind::AuthInvalid),
            id if id.starts_with("auth/") && id != "auth/missing" => Some(match id {
                "auth/expired" => ErrorKind::AuthExpired,
                "auth/not_yet_valid" => ErrorKind::AuthNotYetValid,
                _ => ErrorKind::AuthInvalid,
            }),
            "tasks/ids-required" | "tasks/too-many-ids" => Some(ErrorKind::InvalidParameter),
            "solutions/ids-required" | "solutions/too-many-ids" => Some(ErrorKind::InvalidParameter),
            "solutions/auth/aksk" => Some(ErrorKind::AuthInvalid),
            id if id.ends_with("/retired") => Some(ErrorKind::InvalidParameter),
            id if id.contains("/reject/") => Some(ErrorKind::InvalidParameter),
            id if id.ends_with("/malformed-json") => Some(ErrorKind::InvalidRequest),
            _ => None,
        };
        if let Some(kind) = official {
            let change =
                (DriftKind::CodeChange, kind.official().code.to_string(), kind.wire(Dialect::Seed).code.to_string());
            expected.insert(check.id.clone(), vec![change]);
        }
    }
    let observed: BTreeMap<String, Vec<(DriftKind, String, String)>> = report
        .entries
        .iter()
        .filter(|e| !e.differences.is_empty())
        .map(|e| {
            (e.check.clone(), e.differences.iter().map(|d| (d.kind, d.expected.clone(), d.observed.clone())).collect())
        })
        .collect();
    let keys: std::collections::BTreeSet<&String> = observed.keys().chain(expected.keys()).collect();
    let mismatched: Vec<String> = keys
        .into_iter()
        .filter(|k| observed.get(*k) != expected.get(*k))
        .map(|k| format!("{k}: observed {:?}, expected {:?}", observed.get(k), expected.get(k)))
        .collect();
    assert!(mismatched.is_empty(), "{}", mismatched.join("\n"));
    assert!(report.markdown().contains("| `auth/expired` | code_change | `code` | 1004 | 1001 |"));
}

/// The two real exchanges of March 2026 created `kling-v1` tasks: an emulator serving
/// their day agrees with them; today's refuses the model, and the report names the
/// retirement as the reason.
#[tokio::test]
async fn recorded_real_exchanges_replay_on_their_day_and_today_drifts_with_the_reason() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/recordings");
    let recorded = kling_contract::replay::read_dir(&dir).unwrap_or_else(|e| panic!("{e}"));
    let days: Vec<_> = recorded.iter().filter_map(|(path, r)| kling_contract::replay::recorded_day(path, r)).collect();
    assert_eq!(days.len(), 2);
    let then = Target::emulator_on(Dialect::Official, days[0]).await.unwrap_or_else(|e| panic!("{e}"));
    let report =
        kling_contract::replay::replay(&dir, &then, &mut Budget::unlimited()).await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(report.entries.len(), 2, "{report:?}");
    assert!(!report.drifted(), "{}", report.markdown());

    let today = Target::emulator(Dialect::Official).await.unwrap_or_else(|e| panic!("{e}"));
    let report =
        kling_contract::replay::replay(&dir, &today, &mut Budget::unlimited()).await.unwrap_or_else(|e| panic!("{e}"));
    assert!(report.drifted());
    for entry in report.entries.iter().filter(|e| !e.differences.is_empty()) {
        assert!(
            entry.explained_by.iter().any(|e| e.starts_with("2026-09-15 model-retired: video kling-v1")),
            "{entry:?}"
        );
    }
    assert!(report.markdown().contains("2026-09-15 model-retired"));
}

/// Two days of the emulator differ only where a dated entry says so: the changelog is
/// complete for everything the checks reach.
#[tokio::test]
async fn every_difference_between_two_days_is_explained_by_an_entry() {
    use kling_api::history::{CHANGES, Day};
    let newest = CHANGES.last().unwrap_or_else(|| panic!("no history"));
    // The eve of the newest entry against today with every check; five months back with the
    // checks of the surfaces that changed most in between (the whole kit there doubles the
    // time for little more).
    let video = |id: &str| {
        ["text2video/", "image2video/", "omni-video/", "effects/", "tasks/"].iter().any(|p| id.starts_with(p))
    };
    for (older, only_video) in
        [(Day::before(newest), false), (Day::on(time::macros::date!(2026 - 04 - 22)).unwrap_or_default(), true)]
    {
        let reference = Target::emulator_on(Dialect::Official, older).await.unwrap_or_else(|e| panic!("{e}"));
        let target = Target::emulator(Dialect::Official).await.unwrap_or_else(|e| panic!("{e}"));
        let checks: Vec<_> = checks::for_day(older).into_iter().filter(|c| !only_video || video(&c.id)).collect();
        let report = drift(&reference, &target, &checks, &mut Budget::unlimited(), true).await;
        assert!(report.drifted(), "the days differ");
        let unexplained: Vec<&str> = report
            .entries
            .iter()
            .filter(|e| !e.differences.is_empty() && e.explained_by.is_empty())
            .map(|e| e.check.as_str())
            .collect();
        assert!(unexplained.is_empty(), "differences no entry explains: {unexplained:?}\n{}", report.markdown());
    }
}

#[tokio::test]
async fn billable_checks_stop_at_the_budget_and_secrets_never_print() {
    let reference = Target::emulator(Dialect::Official).await.unwrap_or_else(|e| panic!("{e}"));
    let emulator = Target::emulator(Dialect::Official).await.unwrap_or_else(|e| panic!("{e}"));
    let url = Target::url(
        &emulator.base_url,
        &emulator.access_key,
        &emulator.secret_key,
        kling_contract::target::TargetKind::Url,
    );
    let all: Vec<_> = checks::all()
        .into_iter()
        .filter(|c| c.id.starts_with("generations/") || c.id.starts_with("text2video/"))
        .collect();
    let billable = all.iter().filter(|c| c.billable).count();
    let first_cost = all.iter().find(|c| c.billable).map_or(0, |c| c.cost);
    let mut budget = Budget::units(first_cost);
    let report = drift(&reference, &url, &all, &mut budget, true).await;
    assert_eq!(report.skipped.len(), billable - 1, "only one billable check fits the budget");
    assert_eq!(report.spent, first_cost);
    let json = serde_json::to_string(&report).unwrap_or_default();
    assert!(!json.contains(&emulator.secret_key) && !report.markdown().contains(&emulator.secret_key));
    assert!(json.contains("$TOKEN"), "curl commands use a placeholder");
}

#[tokio::test]
async fn the_recording_proxy_captures_exchanges_without_secrets_and_they_replay() {
    let upstream = Target::emulator(Dialect::Official).await.unwrap_or_else(|e| panic!("{e}"));
    let dir = std::env::temp_dir().join(format!("kling-contract-recordings-{}", std::process::id()));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap_or_else(|e| panic!("{e}"));
    let proxy = format!("http://{}", listener.local_addr().unwrap_or_else(|e| panic!("{e}")));
    let (base, out) = (upstream.base_url.clone(), dir.clone());
    tokio::spawn(async move { kling_contract::replay::record(listener, &base, &out).await });

    let through =
        Target::url(&proxy, &upstream.access_key, &upstream.secret_key, kling_contract::target::TargetKind::InProcess);
    let token = kling_contract::exchange::token(kling_contract::checks::TokenKind::Valid, &through).unwrap_or_default();
    let answer = reqwest::Client::new()
        .post(format!("{proxy}/v1/videos/text2video"))
        .bearer_auth(&token)
        .json(&serde_json::json!({"prompt": "recorded", "external_task_id": "rec-1"}))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(answer.status(), 200);

    let recordings = kling_contract::replay::read_dir(&dir).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(recordings.len(), 1);
    let written = std::fs::read_to_string(&recordings[0].0).unwrap_or_default();
    assert!(!written.contains(&token) && !written.contains(&upstream.secret_key), "a secret was recorded");
    assert_eq!(recordings[0].1.endpoint_type, "text2video");

    let report = kling_contract::replay::replay(&dir, &upstream, &mut Budget::unlimited())
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(report.entries.len(), 1);
    assert!(!report.drifted(), "{}", report.markdown());
    let _ = std::fs::remove_dir_all(&dir);
}
