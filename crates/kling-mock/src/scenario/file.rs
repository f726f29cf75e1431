//! The scenario file format (TOML) and its loader.
//!
//! A file holds rules; each rule has a *match* part (which requests) and an *action*
//! part (what happens to them). Everything is checked while loading: an unknown key, an
//! unknown fault or endpoint, a bad regex or an impossible number is reported as
//! `file:line: field: message`.

use std::path::Path;

use kling_api::faults::{self, Fault};
use serde::Deserialize;

use crate::accounts::PackLimits;
use crate::latency::Dist;

/// A loaded scenario.
#[derive(Debug, Clone)]
pub struct Scenario {
    /// `name` from the file, else the file stem.
    pub name: String,
    /// Where it came from (a path, or `<inline>`).
    pub source: String,
    /// One line for people.
    pub description: Option<String>,
    /// Rules in file order.
    pub rules: Vec<Rule>,
    /// Account limits applied to every account when the scenario loads (only the pack
    /// types and limits it names).
    pub limits: Option<ScenarioLimits>,
}

/// `[limits.<pack type>]` tables of a scenario file.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct ScenarioLimits {
    /// Video pack.
    pub video: Option<LimitsPatch>,
    /// Image pack.
    pub image: Option<LimitsPatch>,
    /// Virtual try-on pack.
    pub virtual_try_on: Option<LimitsPatch>,
}

/// Limits a scenario sets on one pack; a key it leaves out keeps its current value.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct LimitsPatch {
    /// Units in the pack (decimals allowed: a std 5 s video costs 1.5).
    pub units: Option<kling_api::pricing::Units>,
    /// Most running tasks.
    pub concurrency: Option<u32>,
}

impl LimitsPatch {
    /// `current` with the keys this patch sets replaced.
    pub fn apply(&self, current: PackLimits) -> PackLimits {
        PackLimits { units: self.units.or(current.units), concurrency: self.concurrency.or(current.concurrency) }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ScenarioFile {
    name: Option<String>,
    description: Option<String>,
    limits: Option<ScenarioLimits>,
    #[serde(default)]
    rule: Vec<Rule>,
}

/// Which kind of request a rule looks at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Operation {
    /// Task creation (`POST <create path>`).
    #[default]
    Create,
    /// Single-task query.
    Query,
    /// List.
    List,
    /// All of them.
    Any,
}

/// One value or a list of values in a match field.
#[derive(Debug, Clone, Deserialize, serde::Serialize)]
#[serde(untagged)]
pub enum OneOrMany {
    /// A single value.
    One(String),
    /// Any of these.
    Many(Vec<String>),
}

impl OneOrMany {
    /// Whether `value` is one of the listed values.
    pub fn contains(&self, value: &str) -> bool {
        match self {
            OneOrMany::One(v) => v == value || v == "*",
            OneOrMany::Many(vs) => vs.iter().any(|v| v == value || v == "*"),
        }
    }

    fn values(&self) -> Vec<&str> {
        match self {
            OneOrMany::One(v) => vec![v.as_str()],
            OneOrMany::Many(vs) => vs.iter().map(String::as_str).collect(),
        }
    }
}

/// What an explicit rejection sends.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct ExplicitError {
    /// HTTP status.
    pub http: u16,
    /// Envelope `code`.
    pub code: u32,
    /// Envelope `message`.
    pub message: String,
}

/// A rejection at submit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reject {
    /// A named fault, coded through the dialect.
    Fault(&'static Fault),
    /// Exactly this answer.
    Explicit(ExplicitError),
}

/// When a failing task fails.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FailAt {
    /// Straight from `submitted` (an input check).
    Submitted,
    /// After running (an output check) — the default.
    #[default]
    Processing,
}

/// A task accepted now and failed later.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Fail {
    /// `task_status_msg`.
    pub message: String,
    /// From which state it fails.
    pub at: FailAt,
}

/// How long a task is held in `processing`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum Hold {
    /// Until released through the admin API.
    UntilReleased,
    /// For this many simulated milliseconds past its planned end.
    ForMs(u64),
}

/// A connection-level fault.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ConnectionFault {
    /// Close the connection without answering.
    Drop,
    /// Reset the connection (TCP RST).
    Reset,
}

/// A broken response body.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum BodyFault {
    /// A complete response whose body is not JSON.
    Malformed,
    /// The connection ends halfway through the body.
    Truncated,
}

/// The request count a rule fires on, counting requests that pass its filters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum Count {
    /// Only the Nth.
    Nth(u64),
    /// The first N.
    First(u64),
    /// Every Nth (N, 2N, ...).
    Every(u64),
    /// Every one after the first N.
    After(u64),
}

impl Count {
    /// Whether the `n`th matching request (from 1) is selected.
    pub fn selects(self, n: u64) -> bool {
        match self {
            Count::Nth(k) => n == k,
            Count::First(k) => n <= k,
            Count::Every(k) => n.is_multiple_of(k),
            Count::After(k) => n > k,
        }
    }
}

/// One rule of a scenario.
#[derive(Debug, Clone, Deserialize)]
#[serde(try_from = "RawRule")]
pub struct Rule {
    /// Name (for the journal and the admin API).
    pub name: Option<String>,
    /// Kind of request.
    pub on: Operation,
    /// Endpoint names (`text2video`, ...).
    pub endpoint: Option<OneOrMany>,
    /// Access keys.
    pub account: Option<OneOrMany>,
    /// Model names (the endpoint default when the request names none).
    pub model: Option<OneOrMany>,
    /// Modes (`std` when the request names none).
    pub mode: Option<OneOrMany>,
    /// Pattern the prompt must contain a match of.
    pub prompt: Option<regex::Regex>,
    /// Request count selection.
    pub count: Option<Count>,
    /// Chance of firing once everything else matched, drawn from the seeded RNG.
    pub probability: Option<f64>,
    /// Active only during this many simulated seconds after loading (a storm).
    pub for_seconds: Option<f64>,
    /// What happens.
    pub action: Action,
}

/// What a rule does; every part is optional, at least one is present.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct Action {
    /// Reject at submit.
    pub reject: Option<Reject>,
    /// Accept, then fail.
    pub fail: Option<Fail>,
    /// Time in `submitted`.
    pub queued: Option<Dist>,
    /// Time in `processing`.
    pub processing: Option<Dist>,
    /// Keep in `processing`.
    pub hold: Option<Hold>,
    /// Delay before answering (simulated time).
    pub delay: Option<Dist>,
    /// Break the connection.
    pub connection: Option<ConnectionFault>,
    /// Break the body.
    pub body: Option<BodyFault>,
    /// Break the signature of the task's callbacks, or deliver them twice.
    pub callback: Option<crate::callbacks::CallbackFault>,
}

impl serde::Serialize for Reject {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Reject::Fault(f) => s.serialize_str(f.name),
            Reject::Explicit(e) => e.serialize(s),
        }
    }
}

/// A latency: a number of milliseconds, or a distribution table.
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(untagged, expecting = "milliseconds, or {kind = \"fixed\"|\"uniform\"|\"lognormal\", ...}")]
enum RawDist {
    Ms(u64),
    Dist(Dist),
}

impl From<RawDist> for Dist {
    fn from(raw: RawDist) -> Dist {
        match raw {
            RawDist::Ms(ms) => Dist::Fixed { ms },
            RawDist::Dist(d) => d,
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(untagged, expecting = "a fault name or {http, code, message}")]
enum RawReject {
    Named(String),
    Explicit(ExplicitError),
}

#[derive(Debug, Deserialize)]
#[serde(untagged, expecting = "a task_status_msg, or {message | fault, at}")]
enum RawFail {
    Message(String),
    Detailed {
        message: Option<String>,
        fault: Option<String>,
        #[serde(default)]
        at: FailAt,
    },
}

#[derive(Debug, Deserialize)]
#[serde(untagged, expecting = "true (until released) or {seconds = N}")]
enum RawHold {
    Flag(bool),
    For { seconds: f64 },
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRule {
    name: Option<String>,
    #[serde(default)]
    on: Operation,
    endpoint: Option<OneOrMany>,
    account: Option<OneOrMany>,
    model: Option<OneOrMany>,
    mode: Option<OneOrMany>,
    prompt: Option<String>,
    nth: Option<u64>,
    first: Option<u64>,
    every: Option<u64>,
    after: Option<u64>,
    probability: Option<f64>,
    for_seconds: Option<f64>,
    reject: Option<RawReject>,
    fail: Option<RawFail>,
    queued: Option<RawDist>,
    processing: Option<RawDist>,
    hold: Option<RawHold>,
    delay: Option<RawDist>,
    connection: Option<ConnectionFault>,
    body: Option<BodyFault>,
    callback: Option<crate::callbacks::CallbackFault>,
}

fn known_fault(name: &str) -> Result<&'static Fault, String> {
    faults::named(name).ok_or_else(|| {
        let known: Vec<&str> = faults::FAULTS.iter().map(|f| f.name).collect();
        format!("unknown fault {name:?}; known faults: {}", known.join(", "))
    })
}

impl TryFrom<RawRule> for Rule {
    type Error = String;

    fn try_from(raw: RawRule) -> Result<Rule, String> {
        if let Some(endpoints) = &raw.endpoint {
            for name in endpoints.values() {
                if name != "*" && kling_api::endpoints::by_name(name).is_none() {
                    let known: Vec<&str> = kling_api::ENDPOINTS.iter().map(|e| e.name).collect();
                    return Err(format!("endpoint: unknown endpoint {name:?}; known: {}", known.join(", ")));
                }
            }
        }
        let prompt = raw
            .prompt
            .map(|p| regex::Regex::new(&p).map_err(|e| format!("prompt: invalid pattern: {e}")))
            .transpose()?;
        let counts = [
            raw.nth.map(Count::Nth),
            raw.first.map(Count::First),
            raw.every.map(Count::Every),
            raw.after.map(Count::After),
        ];
        let mut given = counts.into_iter().flatten();
        let count = given.next();
        if given.next().is_some() {
            return Err("use at most one of nth, first, every, after".to_owned());
        }
        if matches!(count, Some(Count::Nth(0) | Count::Every(0))) {
            return Err("nth and every count from 1".to_owned());
        }
        if let Some(p) = raw.probability
            && !(0.0..=1.0).contains(&p)
        {
            return Err(format!("probability: {p} is not within [0, 1]"));
        }
        if let Some(s) = raw.for_seconds
            && !(s.is_finite() && s >= 0.0)
        {
            return Err(format!("for_seconds: {s} must be a non-negative number"));
        }
        let reject = match raw.reject {
            None => None,
            Some(RawReject::Named(name)) => {
                Some(Reject::Fault(known_fault(&name).map_err(|e| format!("reject: {e}"))?))
            }
            Some(RawReject::Explicit(e)) => {
                if !(200..=599).contains(&e.http) || matches!(e.http, 204 | 205 | 304) {
                    return Err(format!(
                        "reject.http: {} cannot carry an error body; use 200-599 except 204, 205, 304",
                        e.http
                    ));
                }
                Some(Reject::Explicit(e))
            }
        };
        let fail = match raw.fail {
            None => None,
            Some(RawFail::Message(message)) => Some(Fail { message, at: FailAt::Processing }),
            Some(RawFail::Detailed { message, fault, at }) => {
                let message = match (message, fault) {
                    (Some(m), None) => m,
                    (None, Some(f)) if f == "content_moderation" => faults::LATE_MODERATION_MESSAGE.to_owned(),
                    (None, Some(f)) => {
                        let fault = known_fault(&f).map_err(|e| format!("fail.fault: {e}"))?;
                        fault.message.unwrap_or(fault.kind.official().message).to_owned()
                    }
                    _ => return Err("fail: give either message or fault".to_owned()),
                };
                Some(Fail { message, at })
            }
        };
        let hold = match raw.hold {
            None | Some(RawHold::Flag(false)) => None,
            Some(RawHold::Flag(true)) => Some(Hold::UntilReleased),
            Some(RawHold::For { seconds }) if seconds.is_finite() && seconds >= 0.0 => {
                Some(Hold::ForMs((seconds * 1000.0) as u64))
            }
            Some(RawHold::For { seconds }) => {
                return Err(format!("hold.seconds: {seconds} must be a non-negative number"));
            }
        };
        let action = Action {
            reject,
            fail,
            queued: raw.queued.map(Dist::from),
            processing: raw.processing.map(Dist::from),
            hold,
            delay: raw.delay.map(Dist::from),
            connection: raw.connection,
            body: raw.body,
            callback: raw.callback,
        };
        if action == Action::default() {
            return Err(
                "a rule needs an action: reject, fail, queued, processing, hold, delay, connection, body or callback"
                    .to_owned(),
            );
        }
        if raw.on != Operation::Create
            && (action.fail.is_some()
                || action.queued.is_some()
                || action.processing.is_some()
                || action.hold.is_some()
                || action.callback.is_some())
        {
            return Err(
                "fail, queued, processing, hold and callback shape new tasks: they need on = \"create\"".to_owned()
            );
        }
        Ok(Rule {
            name: raw.name,
            on: raw.on,
            endpoint: raw.endpoint,
            account: raw.account,
            model: raw.model,
            mode: raw.mode,
            prompt,
            count,
            probability: raw.probability,
            for_seconds: raw.for_seconds,
            action,
        })
    }
}

/// A scenario that could not be loaded: names the file, the line and the field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{source_name}:{line}: {field}: {message}")]
pub struct ScenarioError {
    /// File path or `<inline>`.
    pub source_name: String,
    /// 1-based line (0 when unknown).
    pub line: usize,
    /// Dotted path of the field (`rule[1].reject`), or `-`.
    pub field: String,
    /// What is wrong.
    pub message: String,
}

/// Parses scenario text; `source_name` is used in errors and as the default name.
pub fn parse(source_name: &str, text: &str) -> Result<Scenario, ScenarioError> {
    let deserializer = toml::Deserializer::new(text);
    let parsed: Result<ScenarioFile, _> = serde_path_to_error::deserialize(deserializer);
    let file = parsed.map_err(|error| {
        let mut field = error.path().to_string();
        let inner = error.into_inner();
        let mut message = inner.message().trim().to_owned();
        let mut line = inner.span().map_or(0, |span| line_of(text, span.start));
        if message.is_empty() {
            // Some TOML syntax errors (a control character in a comment) come without text.
            let found = inner.span().and_then(|span| text.get(span.start..)).and_then(|rest| rest.chars().next());
            message = found
                .map_or_else(|| "invalid TOML".to_owned(), |c| format!("invalid TOML: unexpected character {c:?}"));
        }
        // Rule-level checks report `key: text`; point at that key inside the rule.
        if let Some(index) = rule_index(&field)
            && let Some((key, rest)) = message.split_once(": ")
            && RULE_KEYS.contains(&key.split('.').next().unwrap_or(key))
        {
            line = rule_key_line(text, index, key.split('.').next().unwrap_or(key)).unwrap_or(line);
            field = format!("{field}.{key}");
            message = rest.to_owned();
        } else if let Some(index) = rule_index(&field) {
            line = rule_key_line(text, index, "").unwrap_or(line);
        }
        ScenarioError {
            source_name: source_name.to_owned(),
            line,
            field: if field.is_empty() || field == "." { "-".to_owned() } else { field },
            message,
        }
    })?;
    let stem = Path::new(source_name).file_stem().and_then(|s| s.to_str()).unwrap_or(source_name);
    Ok(Scenario {
        name: file.name.unwrap_or_else(|| stem.to_owned()),
        source: source_name.to_owned(),
        description: file.description,
        rules: file.rule,
        limits: file.limits,
    })
}

const RULE_KEYS: &[&str] = &[
    "name",
    "on",
    "endpoint",
    "account",
    "model",
    "mode",
    "prompt",
    "nth",
    "first",
    "every",
    "after",
    "probability",
    "for_seconds",
    "reject",
    "fail",
    "queued",
    "processing",
    "hold",
    "delay",
    "connection",
    "body",
];

fn line_of(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].matches('\n').count() + 1
}

/// `rule[3]` -> 3.
fn rule_index(path: &str) -> Option<usize> {
    path.strip_prefix("rule[")?.strip_suffix(']')?.parse().ok()
}

/// Line of `key` inside the `index`th `[[rule]]` table (its header line for an empty key).
fn rule_key_line(text: &str, index: usize, key: &str) -> Option<usize> {
    let mut headers = 0;
    let mut inside = false;
    for (number, line) in text.lines().enumerate() {
        let trimmed = line.trim_start();
        if trimmed.starts_with("[[rule]]") {
            inside = headers == index;
            headers += 1;
            if inside && key.is_empty() {
                return Some(number + 1);
            }
            continue;
        }
        if trimmed.starts_with('[') {
            inside = false;
        }
        if inside && trimmed.split(['=', ' ']).next() == Some(key) {
            return Some(number + 1);
        }
    }
    None
}

/// Reads and parses a scenario file; a bare name no file has (`moderation`) is the
/// ready-made scenario of that name.
pub fn load(path: &Path) -> Result<Scenario, ScenarioError> {
    let name = path.display().to_string();
    let bare = path.components().count() == 1;
    if bare
        && !path.exists()
        && let Some(text) = super::ready_made::named(&name)
    {
        return parse(&name, text);
    }
    let text = std::fs::read_to_string(path).map_err(|e| {
        let names = super::ready_made::names().join(", ");
        let hint = if bare { format!(" (nor is it a ready-made scenario: {names})") } else { String::new() };
        ScenarioError {
            source_name: name.clone(),
            line: 0,
            field: "-".to_owned(),
            message: format!("cannot read: {e}{hint}"),
        }
    })?;
    parse(&name, &text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_rule_parses() {
        let text = r#"
name = "demo"
[[rule]]
name = "busy"
endpoint = ["text2video", "image2video"]
first = 3
probability = 0.5
reject = "service_busy"

[[rule]]
prompt = "(?i)blood"
fail = { fault = "content_moderation" }
queued = 500
processing = { kind = "uniform", min_ms = 1000, max_ms = 2000 }
"#;
        let scenario = parse("demo.toml", text).expect("parses");
        assert_eq!(scenario.name, "demo");
        assert_eq!(scenario.rules.len(), 2);
        assert_eq!(scenario.rules[0].count, Some(Count::First(3)));
        assert_eq!(scenario.rules[1].action.queued, Some(Dist::Fixed { ms: 500 }));
        assert_eq!(
            scenario.rules[1].action.fail.as_ref().map(|f| f.message.as_str()),
            Some(faults::LATE_MODERATION_MESSAGE)
        );
    }

    #[test]
    fn errors_name_file_line_and_field() {
        let text = "[[rule]]\nreject = \"service_busy\"\n\n[[rule]]\nreject = \"no_such_fault\"\n";
        let error = parse("broken.toml", text).expect_err("unknown fault");
        assert_eq!(error.source_name, "broken.toml");
        assert_eq!(error.line, 5, "{error}");
        assert_eq!(error.field, "rule[1].reject", "{error}");
        assert!(error.message.contains("no_such_fault"), "{error}");

        let error = parse("typo.toml", "[[rule]]\nrejct = \"service_busy\"\n").expect_err("unknown key");
        assert!(error.to_string().contains("rejct"), "{error}");
        assert_eq!(error.line, 2, "{error}");
    }

    #[test]
    fn a_control_character_in_a_comment_is_named() {
        // Found by the `scenario` fuzz target: toml gives this error an empty message.
        let error = parse("nul.toml", "# storm\0\nname = \"x\"\n").expect_err("NUL in a comment");
        assert_eq!(error.line, 1, "{error}");
        assert!(error.message.starts_with("invalid TOML"), "{error:?}");
    }

    #[test]
    fn counts_select_as_documented() {
        assert!(Count::Nth(3).selects(3) && !Count::Nth(3).selects(4));
        assert!(Count::First(2).selects(2) && !Count::First(2).selects(3));
        assert!(Count::Every(2).selects(4) && !Count::Every(2).selects(5));
        assert!(Count::After(2).selects(3) && !Count::After(2).selects(2));
    }
}
