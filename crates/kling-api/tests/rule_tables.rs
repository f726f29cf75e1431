//! The rule tables are self-consistent: every base request is valid, every accepting
//! example passes and every rejecting example fails on the field its rule names.

#![cfg(feature = "samples")]

use kling_api::references::{Known, Presets};
use kling_api::rules::{self, ValidationOptions, merge_patch};
use kling_api::samples::materialize;
use serde_json::Value;

fn request(spec: &kling_api::EndpointSpec, patch: &Value) -> Value {
    let mut body: Value = serde_json::from_str(spec.base).expect("base is JSON");
    merge_patch(&mut body, patch);
    materialize(&mut body);
    body
}

/// The presets, plus the `$voice_id`/`$audio_id` placeholders that stand for an account's
/// own voice and audio (the emulator tests create real ones).
struct WithPlaceholders;

impl Known for WithPlaceholders {
    fn voice(&self, voice_id: &str) -> bool {
        voice_id == "$voice_id" || Presets.voice(voice_id)
    }

    fn element(&self, element_id: u64) -> bool {
        Presets.element(element_id)
    }

    fn audio_ms(&self, audio_id: &str) -> Option<u64> {
        (audio_id == "$audio_id").then_some(5_000)
    }
}

#[test]
fn every_case_accepts_and_rejects_as_declared() {
    let mut failures = Vec::new();
    for spec in kling_api::ENDPOINTS {
        let base = request(spec, &serde_json::json!({}));
        if let Err(v) = rules::validate_with(spec, &base, &ValidationOptions::default(), &WithPlaceholders) {
            failures.push(format!("{} base request is invalid: {}", spec.name, v.message));
        }
        let cases = rules::cases(spec);
        assert!(cases.len() >= 2, "{} has only {} cases", spec.name, cases.len());
        for case in cases {
            let options =
                ValidationOptions { seed_fields: case.seed_only, day: case.day, ..ValidationOptions::default() };
            let on = kling_api::history::format_day(case.day.date());
            let accepted = rules::validate_with(spec, &request(spec, &case.accept), &options, &WithPlaceholders);
            if let Err(v) = accepted {
                failures
                    .push(format!("{} {} (on {on}): accepting example rejected: {}", spec.name, case.id, v.message));
                continue;
            }
            let problem = match rules::validate_with(spec, &request(spec, &case.reject), &options, &WithPlaceholders) {
                Ok(_) => Some("rejecting example accepted".to_owned()),
                Err(v) if spec.rules.iter().any(|r| r.id == case.id) => {
                    (v.rule != Some(case.id.as_str())).then(|| format!("broke {:?} ({}) instead", v.rule, v.message))
                }
                Err(v) => (!(v.rule.is_none() && v.field == case.field
                    || v.field.starts_with(&format!("{}.", case.field))
                    || v.field.starts_with(&format!("{}[", case.field))))
                .then(|| format!("rejected on {:?} ({}) instead of {}", v.field, v.message, case.field)),
            };
            if let Some(problem) = problem {
                failures.push(format!("{} {} (on {on}): {problem}", spec.name, case.id));
            }
        }
    }
    assert!(failures.is_empty(), "{} failures:\n{}", failures.len(), failures.join("\n"));
}

#[test]
fn case_ids_are_unique_per_endpoint() {
    for spec in kling_api::ENDPOINTS {
        let mut ids: Vec<String> = rules::cases(spec).into_iter().map(|c| c.id).collect();
        let total = ids.len();
        ids.sort();
        let mut seen = std::collections::HashSet::new();
        let dups: Vec<&String> = ids.iter().filter(|i| !seen.insert(*i)).collect();
        let _ = total;
        assert!(dups.is_empty(), "{} has duplicate case ids {dups:?}", spec.name);
    }
}

/// A rule stated in JSON Schema terms means what its check means: its accepting example
/// satisfies the statement, its rejecting example breaks it, and so does every base body.
#[test]
fn expressed_rules_agree_with_their_checks() {
    let mut expressed = 0;
    for spec in kling_api::ENDPOINTS {
        for rule in spec.rules.iter().filter(|r| r.expressed != rules::Expressed::Unstated) {
            expressed += 1;
            let parse = |patch: &str| serde_json::from_str::<Value>(patch).expect("patch is JSON");
            let base = request(spec, &serde_json::json!({}));
            assert!(rule.expressed.holds(&base), "{} {}: the base breaks the statement", spec.name, rule.id);
            assert!(rule.expressed.holds(&request(spec, &parse(rule.accept))), "{} {}: accept", spec.name, rule.id);
            assert!(!rule.expressed.holds(&request(spec, &parse(rule.reject))), "{} {}: reject", spec.name, rule.id);
        }
    }
    assert!(expressed >= 6, "only {expressed} rules are stated in JSON Schema terms");
}
