//! Running scenarios: which rules fire for a request, and what the combined effect is.
//!
//! Rules are evaluated in load order (files in the order given, rules in file order).
//! For every request, each rule whose filters match counts it (so a rule's count never
//! depends on other rules); then its count selection, storm window and probability
//! decide whether it fires. Effects combine per kind and the first firing rule wins each
//! kind: one rule can set the rejection while a later one sets the latency, but two
//! rejections never stack.

use std::sync::atomic::{AtomicU64, Ordering};

use parking_lot::Mutex;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::file::{Action, Operation, Rule, Scenario};
use crate::ids::mix;

/// What the emulator knows about a request when scenarios are consulted.
#[derive(Debug, Clone, Copy)]
pub struct Facts<'a> {
    /// Kind of request.
    pub operation: Operation,
    /// Endpoint name.
    pub endpoint: &'a str,
    /// Access key of the caller.
    pub account: &'a str,
    /// Model (endpoint default when not named).
    pub model: &'a str,
    /// Mode (`std` when not named).
    pub mode: &'a str,
    /// Prompt, if any.
    pub prompt: Option<&'a str>,
    /// Simulated time (ms).
    pub now_ms: i64,
}

#[derive(Debug)]
struct LiveRule {
    rule: Rule,
    label: String,
    loaded_at_ms: i64,
    matched: AtomicU64,
    fired: AtomicU64,
    rng: Mutex<ChaCha8Rng>,
}

#[derive(Debug)]
struct LiveScenario {
    scenario: Scenario,
    rules: Vec<LiveRule>,
}

/// The combined effect of the rules that fired, and their names.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Decision {
    /// Per-kind effects.
    pub action: Action,
    /// `scenario/rule` labels of the rules that fired, in order.
    pub fired: Vec<String>,
    /// The answer delay drawn (seeded) from the winning rule's distribution.
    pub delay_ms: Option<u64>,
}

/// The loaded scenarios and their counters.
#[derive(Debug, Default)]
pub struct Scenarios {
    live: Vec<LiveScenario>,
    seed: u64,
}

/// Counters of one rule, for the admin API.
#[derive(Debug, Clone, serde::Serialize)]
pub struct RuleStatus {
    /// `scenario/rule`.
    pub label: String,
    /// Requests that passed the filters.
    pub matched: u64,
    /// Times it fired.
    pub fired: u64,
    /// Its action.
    pub action: Action,
}

/// A loaded scenario, for the admin API.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ScenarioStatus {
    /// Name.
    pub name: String,
    /// Where it came from.
    pub source: String,
    /// Description.
    pub description: Option<String>,
    /// Its rules.
    pub rules: Vec<RuleStatus>,
}

impl Scenarios {
    /// No scenarios; random decisions derive from `seed`.
    pub fn new(seed: u64) -> Scenarios {
        Scenarios { live: Vec::new(), seed }
    }

    /// Adds a scenario loaded at simulated time `now_ms` (storm windows start then).
    pub fn add(&mut self, scenario: Scenario, now_ms: i64) {
        let index = self.live.len() as u64;
        let rules = scenario
            .rules
            .iter()
            .enumerate()
            .map(|(i, rule)| {
                let label =
                    format!("{}/{}", scenario.name, rule.name.clone().unwrap_or_else(|| format!("rule-{}", i + 1)));
                let stream = mix(self.seed ^ mix(index.wrapping_mul(1_000_003) ^ i as u64));
                LiveRule {
                    rule: rule.clone(),
                    label,
                    loaded_at_ms: now_ms,
                    matched: AtomicU64::new(0),
                    fired: AtomicU64::new(0),
                    rng: Mutex::new(ChaCha8Rng::seed_from_u64(stream)),
                }
            })
            .collect();
        self.live.push(LiveScenario { scenario, rules });
    }

    /// Removes every scenario.
    pub fn clear(&mut self) {
        self.live.clear();
    }

    /// Restarts every counter, storm window and random stream, as if just loaded.
    pub fn restart(&mut self, now_ms: i64) {
        let scenarios: Vec<Scenario> = self.live.drain(..).map(|l| l.scenario).collect();
        for scenario in scenarios {
            self.add(scenario, now_ms);
        }
    }

    /// Whether any scenario is loaded.
    pub fn is_empty(&self) -> bool {
        self.live.is_empty()
    }

    /// The loaded scenarios with their counters.
    pub fn status(&self) -> Vec<ScenarioStatus> {
        self.live
            .iter()
            .map(|l| ScenarioStatus {
                name: l.scenario.name.clone(),
                source: l.scenario.source.clone(),
                description: l.scenario.description.clone(),
                rules: l
                    .rules
                    .iter()
                    .map(|r| RuleStatus {
                        label: r.label.clone(),
                        matched: r.matched.load(Ordering::Relaxed),
                        fired: r.fired.load(Ordering::Relaxed),
                        action: r.rule.action.clone(),
                    })
                    .collect(),
            })
            .collect()
    }

    /// Consults every rule for one request.
    pub fn decide(&self, facts: &Facts<'_>) -> Decision {
        let mut decision = Decision::default();
        for live in self.live.iter().flat_map(|s| s.rules.iter()) {
            if !filters_match(&live.rule, facts) {
                continue;
            }
            if let Some(seconds) = live.rule.for_seconds
                && (facts.now_ms - live.loaded_at_ms) as f64 >= seconds * 1000.0
            {
                continue;
            }
            let n = live.matched.fetch_add(1, Ordering::AcqRel) + 1;
            if live.rule.count.is_some_and(|c| !c.selects(n)) {
                continue;
            }
            if let Some(p) = live.rule.probability
                && live.rng.lock().random::<f64>() >= p
            {
                continue;
            }
            live.fired.fetch_add(1, Ordering::AcqRel);
            decision.fired.push(live.label.clone());
            if decision.delay_ms.is_none()
                && let Some(delay) = live.rule.action.delay
            {
                decision.delay_ms = Some(delay.sample(&mut *live.rng.lock()));
            }
            merge_first_wins(&mut decision.action, &live.rule.action);
        }
        decision
    }
}

fn filters_match(rule: &Rule, facts: &Facts<'_>) -> bool {
    (rule.on == Operation::Any || rule.on == facts.operation)
        && rule.endpoint.as_ref().is_none_or(|e| e.contains(facts.endpoint))
        && rule.account.as_ref().is_none_or(|a| a.contains(facts.account))
        && rule.model.as_ref().is_none_or(|m| m.contains(facts.model))
        && rule.mode.as_ref().is_none_or(|m| m.contains(facts.mode))
        && rule.prompt.as_ref().is_none_or(|p| facts.prompt.is_some_and(|text| p.is_match(text)))
}

fn merge_first_wins(into: &mut Action, from: &Action) {
    fn first<T: Clone>(slot: &mut Option<T>, candidate: &Option<T>) {
        if slot.is_none() {
            slot.clone_from(candidate);
        }
    }
    first(&mut into.reject, &from.reject);
    first(&mut into.fail, &from.fail);
    first(&mut into.queued, &from.queued);
    first(&mut into.processing, &from.processing);
    first(&mut into.hold, &from.hold);
    first(&mut into.delay, &from.delay);
    first(&mut into.connection, &from.connection);
    first(&mut into.body, &from.body);
    first(&mut into.callback, &from.callback);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::file::parse;

    fn facts(prompt: &str) -> Facts<'_> {
        Facts {
            operation: Operation::Create,
            endpoint: "text2video",
            account: "ak",
            model: "kling-v1",
            mode: "std",
            prompt: Some(prompt),
            now_ms: 0,
        }
    }

    fn scenarios(text: &str, seed: u64) -> Scenarios {
        let mut s = Scenarios::new(seed);
        s.add(parse("t.toml", text).expect("parses"), 0);
        s
    }

    #[test]
    fn the_nth_request_fires_and_counts_ignore_other_rules() {
        let s =
            scenarios("[[rule]]\nreject = \"service_busy\"\n[[rule]]\nnth = 2\nreject = \"insufficient_balance\"\n", 1);
        let fired: Vec<usize> = (0..3).map(|_| s.decide(&facts("x")).fired.len()).collect();
        assert_eq!(fired, [1, 2, 1]);
        let d = s.status();
        assert_eq!(d[0].rules[1].matched, 3);
    }

    #[test]
    fn the_first_rule_wins_each_kind() {
        let s = scenarios("[[rule]]\nreject = \"service_busy\"\n[[rule]]\nreject = \"internal_error\"\ndelay = 5\n", 1);
        let d = s.decide(&facts("x"));
        assert!(d.action.reject.map(|r| format!("{r:?}")).unwrap_or_default().contains("service_busy"));
        assert_eq!(d.action.delay, Some(crate::latency::Dist::Fixed { ms: 5 }));
    }

    #[test]
    fn probability_is_reproducible_with_the_seed() {
        let text = "[[rule]]\nprobability = 0.3\nreject = \"service_busy\"\n";
        let run = |seed| {
            let s = scenarios(text, seed);
            (0..200).map(|_| !s.decide(&facts("x")).fired.is_empty()).collect::<Vec<_>>()
        };
        assert_eq!(run(9), run(9));
        assert_ne!(run(9), run(10));
        let hits = run(9).iter().filter(|f| **f).count();
        assert!((30..90).contains(&hits), "{hits} of 200 at p = 0.3");
    }

    #[test]
    fn storms_end_after_their_window_and_prompts_filter() {
        let s = scenarios(
            "[[rule]]\nfor_seconds = 10\nreject = \"service_unavailable\"\n[[rule]]\nprompt = \"(?i)blood\"\nfail = \"risk\"\n",
            1,
        );
        let mut late = facts("no");
        late.now_ms = 10_000;
        assert!(s.decide(&late).fired.is_empty());
        assert_eq!(s.decide(&facts("BLOOD moon")).fired.len(), 2);
    }
}
