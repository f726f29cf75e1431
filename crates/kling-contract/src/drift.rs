//! Running checks against a reference and a target and reporting the drift between them.
//!
//! The reference is the emulator in the official dialect: it encodes what the project
//! knows of the real API. A difference between it and the real API is drift of the real
//! API (or a fidelity bug); between it and another emulator, a difference of dialect or
//! scenario.

use std::fmt::Write as _;

use serde::Serialize;

use std::time::Duration;

use kling_api::history::{self, Day};
use kling_api::prerequisites::{self, Placeholders};

use crate::checks::{Check, TokenKind};
use crate::exchange::{Observation, curl, send, token};
use crate::prepare;
use crate::progress::Progress;
use crate::schema::Documented;
use crate::shape::{Difference, compare};
use crate::target::{Target, TargetKind};

/// Units a run may spend on billable checks; `None` on targets where nothing costs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Budget {
    limit: Option<u32>,
    spent: u32,
}

impl Budget {
    /// No spending at all on a real target.
    pub fn none() -> Budget {
        Budget { limit: Some(0), spent: 0 }
    }

    /// At most `units`.
    pub fn units(units: u32) -> Budget {
        Budget { limit: Some(units), spent: 0 }
    }

    /// Free targets: everything runs.
    pub fn unlimited() -> Budget {
        Budget { limit: None, spent: 0 }
    }

    /// Reserves `cost` if the budget allows it.
    pub fn take(&mut self, cost: u32) -> bool {
        match self.limit {
            None => true,
            Some(limit) if self.spent.saturating_add(cost) <= limit => {
                self.spent += cost;
                true
            }
            Some(_) => false,
        }
    }

    /// Units spent so far.
    pub fn spent(&self) -> u32 {
        self.spent
    }
}

/// One check's outcome.
#[derive(Debug, Clone, Serialize)]
pub struct Entry {
    /// The check id.
    pub check: String,
    /// The request as a curl command against the target (no secrets).
    pub curl: String,
    /// Expected (reference) status.
    pub expected_status: u16,
    /// Observed status.
    pub observed_status: u16,
    /// How they differ; empty when they agree.
    pub differences: Vec<Difference>,
    /// The dated changes of the API between the two sides' days that can explain the
    /// differences (`2026-09-15 model-retired: ...`); empty when the days are unknown or
    /// no entry touches the request.
    pub explained_by: Vec<String>,
}

/// The entries between days `a` and `b` that can explain a difference in `check`, as
/// report lines; none when either day is unknown.
pub fn explain(a: Option<Day>, b: Option<Day>, check: &Check) -> Vec<String> {
    let (Some(a), Some(b)) = (a, b) else { return Vec::new() };
    let path = check.path.split('?').next().unwrap_or_default();
    let endpoint = kling_api::ENDPOINTS
        .iter()
        .find(|spec| path == spec.path || path.strip_prefix(spec.path).is_some_and(|rest| rest.starts_with('/')))
        .map(|spec| spec.id);
    history::explaining(a.date(), b.date(), endpoint, &check.path, check.body.as_ref())
        .into_iter()
        .map(|change| {
            let kind = serde_json::to_value(change.kind).ok().and_then(|v| v.as_str().map(str::to_owned));
            format!("{} {}: {}", history::format_day(change.date), kind.unwrap_or_default(), change.subject)
        })
        .collect()
}

/// A drift report.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// The reference's description.
    pub reference: String,
    /// The target's description.
    pub target: String,
    /// Checks compared.
    pub entries: Vec<Entry>,
    /// Checks skipped (billable beyond the budget, ids not made) or failed to run.
    pub skipped: Vec<String>,
    /// Why groups of checks were skipped (prerequisites not made).
    pub notes: Vec<String>,
    /// Units the run may have spent.
    pub spent: u32,
}

impl Report {
    /// Whether any check differs.
    pub fn drifted(&self) -> bool {
        self.entries.iter().any(|e| !e.differences.is_empty())
    }

    /// The report as Markdown.
    pub fn markdown(&self) -> String {
        let drifted: Vec<&Entry> = self.entries.iter().filter(|e| !e.differences.is_empty()).collect();
        let mut out = format!(
            "# Drift report\n\nReference: {}\nTarget: {}\n\n{} checks compared, {} differ, {} skipped; units spent at most {}.\n\n",
            self.reference,
            self.target,
            self.entries.len(),
            drifted.len(),
            self.skipped.len(),
            self.spent
        );
        if !drifted.is_empty() {
            out.push_str("| check | kind | where | expected | observed | explained by |\n|---|---|---|---|---|---|\n");
            for entry in &drifted {
                let explained = if entry.explained_by.is_empty() {
                    "(no dated change)".to_owned()
                } else {
                    entry.explained_by.join("; ").replace('|', "\\|")
                };
                for d in &entry.differences {
                    let _ = writeln!(
                        out,
                        "| `{}` | {} | `{}` | {} | {} | {explained} |",
                        entry.check,
                        serde_json::to_value(d.kind)
                            .ok()
                            .and_then(|v| v.as_str().map(str::to_owned))
                            .unwrap_or_default(),
                        d.path,
                        d.expected.replace('|', "\\|"),
                        d.observed.replace('|', "\\|")
                    );
                }
            }
            out.push_str(
                "\nReproduce a check with its curl command from the JSON report (set TOKEN to a valid token).\n",
            );
        }
        if !self.skipped.is_empty() {
            let _ = writeln!(out, "\nSkipped: {}", self.skipped.join(", "));
        }
        for note in &self.notes {
            let _ = writeln!(out, "\nNote: {note}");
        }
        out
    }
}

/// Sends every check to a target, skipping billable ones beyond the budget.
/// Checks in flight at once against one target.
const PARALLEL: usize = 8;

/// Sends every check to a target, skipping billable ones beyond the budget. Checks run
/// a few at a time; the budget is settled before any is sent.
pub async fn observe(
    target: &Target,
    checks: &[Check],
    placeholders: &Placeholders,
    budget: &mut Budget,
    progress: &mut Progress,
) -> Vec<Option<Observation>> {
    use futures_util::StreamExt as _;
    let filled: Vec<Option<Check>> = checks
        .iter()
        .map(|check| {
            let mut check = check.clone();
            let missing = check.body.as_mut().map(|b| prerequisites::fill(b, placeholders)).unwrap_or_default();
            missing.is_empty().then_some(check)
        })
        .collect();
    let allowed: Vec<bool> = checks
        .iter()
        .zip(&filled)
        .map(|(c, f)| f.is_some() && (!c.billable || target.kind == TargetKind::InProcess || budget.take(c.cost)))
        .collect();
    let http = reqwest::Client::new();
    let mut answers = futures_util::stream::iter(filled.iter().zip(&allowed).enumerate())
        .map(|(i, (check, allowed))| {
            let http = &http;
            async move {
                let observation = match check {
                    Some(check) if *allowed => send(http, target, check).await.ok(),
                    _ => None,
                };
                (i, observation)
            }
        })
        .buffer_unordered(PARALLEL);
    let mut out = vec![None; checks.len()];
    while let Some((i, observation)) = answers.next().await {
        let outcome = match (allowed[i], &observation) {
            (false, _) if filled[i].is_none() => "skipped (needs ids no prerequisite run made)",
            (false, _) => "skipped (billable, no budget)",
            (true, Some(_)) => "answered",
            (true, None) => "no answer",
        };
        progress.step(&checks[i].id, outcome);
        out[i] = observation;
    }
    out
}

/// Makes the ids stateful checks need on `target` ([`prepare`]): free on an in-process
/// emulator, within the budget elsewhere. Without them those checks are skipped.
pub async fn prerequisites_on(target: &Target, budget: &mut Budget) -> Result<Placeholders, String> {
    let pace = match &target.emulator {
        Some(running) if target.kind == TargetKind::InProcess => prepare::Pace::Driven(running.clock().clone()),
        _ if !target.make_prerequisites => {
            return Err(format!(
                "checks that need ids ($video_id, ...) skipped: --make-prerequisites creates them (about {} units)",
                prepare::cost()
            ));
        }
        _ if budget.take(prepare::cost()) => {
            prepare::Pace::RealTime { every: Duration::from_secs(10), limit: Duration::from_secs(900) }
        }
        _ => {
            return Err(format!(
                "prerequisites not made: they cost about {} units, beyond the budget",
                prepare::cost()
            ));
        }
    };
    let token = token(TokenKind::Valid, target).unwrap_or_default();
    prepare::run(&reqwest::Client::new(), &target.base_url, &token, &pace)
        .await
        .map_err(|e| format!("prerequisites failed: {e}"))
}

/// Compares the target's answers with the reference's, check by check. Where the two
/// differ in a way the documented schema allows (another enum value it lists, an optional
/// field one sample lacks), there is no drift: the samples merely caught different states.
pub async fn drift(reference: &Target, target: &Target, checks: &[Check], budget: &mut Budget, quiet: bool) -> Report {
    let mut progress = Progress::new(checks.len() * 2, quiet);
    let mut free = Budget::unlimited();
    let mut notes = Vec::new();
    let mut made = |result: Result<Placeholders, String>| {
        result.unwrap_or_else(|note| {
            notes.push(note);
            Placeholders::new()
        })
    };
    let on_reference = made(prerequisites_on(reference, &mut free).await);
    let on_target = made(prerequisites_on(target, budget).await);
    let expected = observe(reference, checks, &on_reference, &mut free, &mut progress).await;
    let observed = observe(target, checks, &on_target, budget, &mut progress).await;
    progress.finish();
    let documented = Documented::default();
    let mut entries = Vec::new();
    let mut skipped = Vec::new();
    for ((check, expected), observed) in checks.iter().zip(expected).zip(observed) {
        let (Some(e), Some(o)) = (expected, observed) else {
            skipped.push(check.id.clone());
            continue;
        };
        let mut differences = compare(e.status, &e.body, o.status, &o.body);
        if e.status == o.status {
            differences.retain(|d| !documented.allows(check.method, &check.path, o.status, d));
        }
        let explained_by =
            if differences.is_empty() { Vec::new() } else { explain(reference.api_day, target.api_day, check) };
        entries.push(Entry {
            check: check.id.clone(),
            curl: curl(check, &target.base_url),
            expected_status: e.status,
            observed_status: o.status,
            differences,
            explained_by,
        });
    }
    Report { reference: describe(reference), target: describe(target), entries, skipped, notes, spent: budget.spent() }
}

/// A one-line description of a target.
pub fn describe(target: &Target) -> String {
    let kind = match target.kind {
        TargetKind::InProcess => "in-process emulator",
        TargetKind::Url => "server",
        TargetKind::Real => "real Kling API",
    };
    match target.api_day {
        Some(day) => format!("{kind} at {}, API of {}", target.base_url, history::format_day(day.date())),
        None => format!("{kind} at {}", target.base_url),
    }
}
