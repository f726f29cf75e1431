//! The API's history as data: every dated change the sources give (a surface, endpoint,
//! route, model, field, value or effect scene added or retired, a default changed, a price
//! or auth change), each with its source and confidence, and what it does to the tables.
//!
//! The emulator serves the API as it stood on one [`Day`] (the newest entry's by default):
//! routers, validation and catalogues ask the day ([`Day::endpoint`], [`Day::route`])
//! instead of testing dates themselves, so the next change is one more entry here.
//!
//! Sources (REFERENCE-2026.md §b and the research behind it): UPD = the official changelog
//! (`aself101/kling-api` `docs/api/kling-updates-api.md`); AS = the official pages fetched
//! 2026-09-20; KR = a third party's copy of the 2026-09-15 retirement notice; PROBE and
//! AS-SPEC = recorded live calls (`real-exchanges/`).

use std::collections::HashMap;
use std::sync::LazyLock;

use serde::Serialize;
use time::Date;
use time::macros::{date, format_description};

use crate::endpoints::EndpointId;

/// What kind of change an entry records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    /// A new API surface (the new-standard API, Solutions).
    SurfaceAdded,
    /// A new endpoint or route.
    EndpointAdded,
    /// An endpoint that no longer takes creates.
    EndpointRetired,
    /// A model offered by an endpoint.
    ModelAdded,
    /// A model no longer offered.
    ModelRetired,
    /// A request or answer field.
    FieldAdded,
    /// An enum value or capability of an existing field.
    ValueAdded,
    /// A limit or rule that changed.
    ValueChanged,
    /// What an omitted field means.
    DefaultChanged,
    /// Effect scenes added.
    SceneAdded,
    /// Effect scenes discontinued.
    SceneRetired,
    /// Prices.
    Price,
    /// Authentication.
    Auth,
}

/// How sure the sources make the entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Confidence {
    /// Explicit official text, unambiguous on the tables.
    High,
    /// Official, but the date or the mapping onto the tables is inferred, or one live report.
    Medium,
    /// An inference or a single third-party claim.
    Low,
}

/// What an entry does to the tables the emulator serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Effect {
    /// Endpoints of the catalogue that exist from the entry's date (absent before: 404, or
    /// `model is not supported` on a new-standard operation path).
    Endpoints(&'static [EndpointId]),
    /// Endpoints whose creates answer `This API is no longer available` from the date
    /// (their tasks stay readable).
    Retires(&'static [EndpointId]),
    /// Routes outside the catalogue (`/tasks`, `/account/costs`, ...) that exist from the date.
    Routes(&'static [&'static str]),
    /// A behaviour of the whole API that exists from the date.
    Introduces(Feature),
    /// Values fields take from the date (unknown values before: an enum value, a model).
    Values(&'static [Added]),
    /// Values fields no longer take from the date: a request naming one is refused as
    /// discontinued ([`discontinued`]); the example is valid the day before.
    Withdraws(&'static [Added]),
    /// What an omitted `model_name` means from the date.
    Defaults(&'static [DefaultModel]),
    /// What a model of the support matrix can do from the date (a mode, an end frame, ...);
    /// before it, the model-support rules refuse it.
    Capabilities(&'static [Capability]),
    /// Request fields (endpoint, top-level name) that exist from the date: before it, the
    /// field and the rules about it are not there, and a value sent is ignored like any
    /// unknown key.
    Fields(&'static [(EndpointId, &'static str)]),
    /// Rules of the tables (endpoint, rule id) in force until the day before the date; the
    /// rule's rejecting example is taken from it.
    Lifts(&'static [(EndpointId, &'static str)]),
    /// Effect scenes launched on the date (unknown before).
    Scenes(&'static [&'static str]),
    /// Effect scenes discontinued on the date (refused as discontinued from it).
    ScenesRetired(&'static [&'static str]),
    /// The change is recorded, and the emulator serves today's side of it on every day:
    /// the tables do not model this kind of change yet.
    Recorded,
}

/// A value one endpoint's field takes from an entry's date, with a body patch that is
/// valid on that date and uses it (the per-entry test sends it the day before and on it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Added {
    /// The endpoint.
    pub endpoint: EndpointId,
    /// The field's dotted path.
    pub field: &'static str,
    /// The value.
    pub value: &'static str,
    /// A patch onto the endpoint's base body that uses the value.
    pub example: &'static str,
}

/// `Added` for the model-name field, whose example is the model alone.
const fn model(endpoint: EndpointId, name: &'static str, example: &'static str) -> Added {
    Added { endpoint, field: "model_name", value: name, example }
}

/// `Added` for the model-name field with the model as the whole example.
macro_rules! models {
    ($endpoint:expr; $($name:literal),+) => {
        &[$(model($endpoint, $name, concat!("{\"model_name\": \"", $name, "\"}"))),+]
    };
}

/// A capability of one video model on one endpoint from an entry's date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Capability {
    /// The endpoint.
    pub endpoint: EndpointId,
    /// The model.
    pub model: &'static str,
    /// `mode std`, `mode pro`, or the field of a feature (`image_tail`, `camera_control`,
    /// `static_mask` for the motion brush); the refusal names the first word.
    pub feature: &'static str,
    /// A patch onto the endpoint's base body that uses it, valid on the date.
    pub example: &'static str,
}

/// The model an endpoint uses for an omitted `model_name`, changed by an entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DefaultModel {
    /// The endpoint.
    pub endpoint: EndpointId,
    /// The default until the day before the entry.
    pub before: &'static str,
    /// The default from the entry's date.
    pub after: &'static str,
}

/// Behaviours of the whole API that a day has or lacks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Feature {
    /// `Authorization: Bearer <API key>` (before it, a bearer value is a token or invalid).
    ApiKeys,
}

/// One dated change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Change {
    /// The day it took effect.
    pub date: Date,
    /// What kind of change.
    pub kind: Kind,
    /// Exactly what changed (paths, models, fields, values).
    pub subject: &'static str,
    /// One line for people.
    pub summary: &'static str,
    /// Where it is written (changelog line, page, recording).
    pub source: &'static str,
    /// How sure the sources make it.
    pub confidence: Confidence,
    /// What it does to the tables.
    pub effect: Effect,
}

/// A change as `kling-mock changes --format json` writes it.
#[derive(Debug, Clone, Serialize)]
pub struct ChangeView {
    /// `YYYY-MM-DD`.
    pub date: String,
    /// What kind of change.
    pub kind: Kind,
    /// Exactly what changed.
    pub subject: &'static str,
    /// One line for people.
    pub summary: &'static str,
    /// Where it is written.
    pub source: &'static str,
    /// How sure the sources make it.
    pub confidence: Confidence,
    /// Whether the emulator serves both sides of it (`false`: today's side on every day).
    pub modelled: bool,
}

impl Change {
    /// The entry for output.
    pub fn view(&self) -> ChangeView {
        ChangeView {
            date: format_day(self.date),
            kind: self.kind,
            subject: self.subject,
            summary: self.summary,
            source: self.source,
            confidence: self.confidence,
            modelled: self.effect != Effect::Recorded,
        }
    }
}

/// `YYYY-MM-DD`.
pub fn format_day(date: Date) -> String {
    date.format(format_description!("[year]-[month]-[day]")).unwrap_or_default()
}

/// Reads `YYYY-MM-DD`.
pub fn parse_day(text: &str) -> Result<Date, String> {
    Date::parse(text.trim(), format_description!("[year]-[month]-[day]"))
        .map_err(|e| format!("{text:?} is not a date as YYYY-MM-DD: {e}"))
}

/// The first day served: the changelog's first entry (earlier limits are not in the sources).
pub const EARLIEST: Date = date!(2024 - 09 - 19);

/// The API as it stood on one day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Day {
    date: Date,
}

/// Whether something exists on a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Offered {
    /// It does.
    Yes,
    /// It came later, with this change.
    NotYet(&'static Change),
    /// It was retired by this change.
    Retired(&'static Change),
}

/// A value of one endpoint's field that an entry dates.
#[derive(Debug, Clone, Copy)]
struct Dated {
    endpoint: EndpointId,
    field: &'static str,
    value: &'static str,
}

impl Dated {
    fn of(added: &Added) -> Dated {
        Dated { endpoint: added.endpoint, field: added.field, value: added.value }
    }

    fn scene(name: &'static str) -> Dated {
        Dated { endpoint: EndpointId::Effects, field: "effect_scene", value: name }
    }
}

/// What the entries say, gathered once so that a request's checks (every enum value, the
/// credential, the standard endpoint) look through a few dated items, not every entry.
struct Index {
    latest: Date,
    /// Per endpoint: the entry that adds it and the one that retires it.
    endpoints: Vec<(EndpointId, Option<&'static Change>, Option<&'static Change>)>,
    routes: Vec<(&'static str, &'static Change)>,
    /// Per endpoint and field, per value: the entry adding it and the one withdrawing it
    /// (looked up on every string a request sends, so a map).
    /// A few endpoints and fields are dated: those are scanned (an enum and a short string
    /// compared), only a dated field's values hashed.
    values: Vec<(EndpointId, Vec<DatedField>)>,
    defaults: Vec<(&'static DefaultModel, &'static Change)>,
    lifted: Vec<(EndpointId, &'static str, &'static Change)>,
    fields: Vec<(EndpointId, &'static str, &'static Change)>,
    capabilities: Vec<(&'static Capability, &'static Change)>,
    features: Vec<(Feature, &'static Change)>,
}

/// One dated field of an endpoint and the dates of its values.
type DatedField = (&'static str, HashMap<&'static str, ValueDates>);

/// When one value was added and withdrawn (`None`: older than the history, or still offered).
#[derive(Debug, Default)]
struct ValueDates {
    added: Option<&'static Change>,
    withdrawn: Option<&'static Change>,
}

impl Index {
    /// The dates of one value, empty when first named.
    fn value(&mut self, dated: Dated) -> &mut ValueDates {
        let endpoint = match self.values.iter().position(|(e, _)| *e == dated.endpoint) {
            Some(at) => at,
            None => {
                self.values.push((dated.endpoint, Vec::new()));
                self.values.len() - 1
            }
        };
        let fields = &mut self.values[endpoint].1;
        let field = match fields.iter().position(|(f, _)| *f == dated.field) {
            Some(at) => at,
            None => {
                fields.push((dated.field, HashMap::new()));
                fields.len() - 1
            }
        };
        fields[field].1.entry(dated.value).or_default()
    }

    /// The dates of endpoint `id`, added when first named.
    fn endpoint(&mut self, id: EndpointId) -> &mut (EndpointId, Option<&'static Change>, Option<&'static Change>) {
        let at = match self.endpoints.iter().position(|e| e.0 == id) {
            Some(at) => at,
            None => {
                self.endpoints.push((id, None, None));
                self.endpoints.len() - 1
            }
        };
        &mut self.endpoints[at]
    }
}

static INDEX: LazyLock<Index> = LazyLock::new(|| {
    let mut index = Index {
        latest: CHANGES.iter().map(|c| c.date).max().unwrap_or(EARLIEST),
        endpoints: Vec::new(),
        routes: Vec::new(),
        values: Vec::new(),
        defaults: Vec::new(),
        lifted: Vec::new(),
        fields: Vec::new(),
        capabilities: Vec::new(),
        features: Vec::new(),
    };
    for change in CHANGES {
        match change.effect {
            Effect::Endpoints(ids) => ids.iter().for_each(|id| index.endpoint(*id).1 = Some(change)),
            Effect::Retires(ids) => ids.iter().for_each(|id| index.endpoint(*id).2 = Some(change)),
            Effect::Routes(paths) => index.routes.extend(paths.iter().map(|p| (*p, change))),
            Effect::Values(added) => added.iter().for_each(|a| index.value(Dated::of(a)).added = Some(change)),
            Effect::Withdraws(gone) => gone.iter().for_each(|a| index.value(Dated::of(a)).withdrawn = Some(change)),
            Effect::Capabilities(capabilities) => index.capabilities.extend(capabilities.iter().map(|c| (c, change))),
            Effect::Fields(fields) => index.fields.extend(fields.iter().map(|(e, f)| (*e, *f, change))),
            Effect::Lifts(rules) => index.lifted.extend(rules.iter().map(|(e, id)| (*e, *id, change))),
            Effect::Scenes(names) => names.iter().for_each(|n| index.value(Dated::scene(n)).added = Some(change)),
            Effect::ScenesRetired(names) => {
                names.iter().for_each(|n| index.value(Dated::scene(n)).withdrawn = Some(change));
            }
            Effect::Defaults(defaults) => index.defaults.extend(defaults.iter().map(|d| (d, change))),
            Effect::Introduces(feature) => index.features.push((feature, change)),
            Effect::Recorded => {}
        }
    }
    index
});

impl Day {
    /// Today's API: the newest entry's day.
    pub fn latest() -> Day {
        Day { date: INDEX.latest }
    }

    /// The API on `date`; an error for a day before the first one served.
    pub fn on(date: Date) -> Result<Day, String> {
        if date < EARLIEST {
            return Err(format!(
                "{} is before {}, the first day the sources describe",
                format_day(date),
                format_day(EARLIEST)
            ));
        }
        Ok(Day { date })
    }

    /// The day.
    pub fn date(self) -> Date {
        self.date
    }

    /// Whether something `added` by an entry (or older than the history) exists on this day.
    fn since(self, added: Option<&'static Change>) -> Offered {
        match added.filter(|c| c.date > self.date) {
            Some(change) => Offered::NotYet(change),
            None => Offered::Yes,
        }
    }

    /// Whether the catalogue endpoint `id` exists on this day (and takes creates).
    pub fn endpoint(self, id: EndpointId) -> Offered {
        let Some(&(_, added, retired)) = INDEX.endpoints.iter().find(|e| e.0 == id) else { return Offered::Yes };
        match (self.since(added), retired.filter(|c| c.date <= self.date)) {
            (Offered::Yes, Some(change)) => Offered::Retired(change),
            (offered, _) => offered,
        }
    }

    /// Whether `field` of endpoint `id` takes `value` on this day (values no entry dates
    /// are always taken).
    pub fn value(self, id: EndpointId, field: &str, value: &str) -> Offered {
        let Some(dates) = dated_field(id, field).and_then(|values| values.get(value)) else { return Offered::Yes };
        match (self.since(dates.added), dates.withdrawn.filter(|c| c.date <= self.date)) {
            (Offered::Yes, Some(change)) => Offered::Retired(change),
            (offered, _) => offered,
        }
    }

    /// Whether `model` on endpoint `id` has `feature` ([`Capability::feature`]) on this day
    /// (capabilities no entry dates are the matrix's on every day).
    pub fn capability(self, id: EndpointId, model: &str, feature: &str) -> Offered {
        let added = INDEX
            .capabilities
            .iter()
            .find(|(c, _)| c.endpoint == id && c.model == model && c.feature == feature)
            .map(|(_, change)| *change);
        self.since(added)
    }

    /// The entry whose capability example is exactly `patch` on endpoint `id`, if any: a
    /// rule case refused only before that capability existed is judged on the day before.
    pub fn capability_example(id: EndpointId, patch: &serde_json::Value) -> Option<&'static Change> {
        INDEX.capabilities.iter().find_map(|(c, change)| {
            let example: serde_json::Value = serde_json::from_str(c.example).ok()?;
            (c.endpoint == id && &example == patch).then_some(*change)
        })
    }

    /// Whether the request field `field` (top level) of endpoint `id` exists on this day.
    pub fn field(self, id: EndpointId, field: &str) -> Offered {
        let added = INDEX.fields.iter().find(|(e, f, _)| *e == id && *f == field).map(|(_, _, change)| *change);
        self.since(added)
    }

    /// Whether rule `rule` of endpoint `id` is in force on this day (`Retired` from the entry
    /// that lifts it).
    pub fn rule(self, id: EndpointId, rule: &str) -> Offered {
        let lifted = INDEX.lifted.iter().find(|(e, r, _)| *e == id && *r == rule).map(|(_, _, change)| *change);
        match lifted.filter(|c| c.date <= self.date) {
            Some(change) => Offered::Retired(change),
            None => Offered::Yes,
        }
    }

    /// What an omitted `model_name` of `spec` means on this day: the `before` of the first
    /// default change still to come, else the table's (today's) default.
    pub fn default_model(self, spec: &crate::EndpointSpec) -> &'static str {
        INDEX
            .defaults
            .iter()
            .filter(|(d, change)| d.endpoint == spec.id && change.date > self.date)
            .min_by_key(|(_, change)| change.date)
            .map_or(spec.default_model, |(d, _)| d.before)
    }

    /// The models of `spec` offered on this day, in table order.
    pub fn models(self, spec: &crate::EndpointSpec) -> impl Iterator<Item = &'static str> + use<> {
        let id = spec.id;
        spec.models.iter().copied().filter(move |m| self.value(id, "model_name", m) == Offered::Yes)
    }

    /// The day before `change`'s, the last one that did not have it (never before the first
    /// day served).
    pub fn before(change: &Change) -> Day {
        Day { date: change.date.previous_day().filter(|d| *d >= EARLIEST).unwrap_or(EARLIEST) }
    }

    /// The hint for a value this day refuses because of `change`: what changed, when, and
    /// what the field takes instead.
    pub fn hint(self, spec: &crate::EndpointSpec, field: &str, value: &str, change: &Change) -> String {
        let (what, when) = if change.date <= self.date {
            ("retired", format_day(change.date))
        } else {
            ("added", format_day(change.date))
        };
        let mut hint = format!("{value} {what} {when}");
        if field == "model_name" {
            let current: Vec<&str> = self.models(spec).collect();
            if let Some((last, rest)) = current.split_last() {
                let list = if rest.is_empty() { (*last).to_owned() } else { format!("{} and {last}", rest.join(", ")) };
                let verb = if rest.is_empty() { "is" } else { "are" };
                hint.push_str(&format!("; {list} {verb} current"));
            }
        }
        if change.date > self.date {
            hint.push_str(&format!("; the API of {} is served", format_day(self.date)));
        }
        hint
    }
}

impl Default for Day {
    /// Today's API.
    fn default() -> Day {
        Day::latest()
    }
}

/// The answer to a create naming a discontinued value (recorded for `model_name`: AS-SPEC
/// 2026-09-20, `The model 'kling-v1' has been discontinued and is no longer available.`;
/// the wording for other fields follows it, FIDELITY.md).
pub fn discontinued(field: &str, value: &str) -> String {
    let noun = if field == "model_name" || field.ends_with(".model_name") { "model" } else { field };
    format!("The {noun} '{value}' has been discontinued and is no longer available.")
}

impl Day {
    /// Whether this day's API has `feature`.
    pub fn has(self, feature: Feature) -> bool {
        let added = INDEX.features.iter().find(|(f, _)| *f == feature);
        self.since(added.map(|(_, change)| *change)) == Offered::Yes
    }

    /// The catalogue's endpoints that take creates on this day.
    pub fn offered(self) -> impl Iterator<Item = &'static crate::EndpointSpec> {
        crate::ENDPOINTS.iter().filter(move |spec| self.endpoint(spec.id) == Offered::Yes)
    }

    /// Whether the route `path` outside the catalogue exists on this day.
    pub fn route(self, path: &str) -> Offered {
        let added = INDEX.routes.iter().find(|(p, _)| *p == path);
        self.since(added.map(|(_, change)| *change))
    }
}

/// The dates of the values of `field` of endpoint `id`, when any is dated.
fn dated_field(id: EndpointId, field: &str) -> Option<&'static HashMap<&'static str, ValueDates>> {
    let fields = INDEX.values.iter().find(|(e, _)| *e == id).map(|(_, fields)| fields)?;
    fields.iter().find(|(f, _)| *f == field).map(|(_, values)| values)
}

/// The values of `field` of endpoint `id` that some entry dates (launched or withdrawn),
/// in no particular order: for a catalogue the history alone spells out (effect scenes).
pub fn dated_values(id: EndpointId, field: &str) -> impl Iterator<Item = &'static str> {
    dated_field(id, field).into_iter().flat_map(|values| values.keys().copied())
}

/// Whether some entry dates `value` of `field` of endpoint `id`.
pub fn is_dated(id: EndpointId, field: &str, value: &str) -> bool {
    dated_field(id, field).is_some_and(|values| values.contains_key(value))
}

/// The entries dated from `since` to `until` (both inclusive), oldest first.
pub fn between(since: Option<Date>, until: Option<Date>) -> impl Iterator<Item = &'static Change> {
    CHANGES.iter().filter(move |c| since.is_none_or(|s| c.date >= s) && until.is_none_or(|u| c.date <= u))
}

/// The entries dated after the earlier of `a` and `b` up to the later one that can explain
/// a difference in a request to `endpoint` (or, for a route outside the catalogue, `path`)
/// with `body`: they add or retire the endpoint or route, date a value of a field the body
/// sets, or
/// change the default of a model the body omits; unmodelled entries whose subject names
/// the endpoint count too.
pub fn explaining(
    a: Date,
    b: Date,
    endpoint: Option<EndpointId>,
    path: &str,
    body: Option<&serde_json::Value>,
) -> Vec<&'static Change> {
    let (from, to) = if a <= b { (a, b) } else { (b, a) };
    let spec = endpoint.map(crate::endpoints::spec);
    // A field whose values changed answers differently for any value it is sent with
    // (an unknown one is answered with the list of the day's values).
    let uses = |added: &Added| {
        Some(added.endpoint) == endpoint
            && body.is_none_or(|body| added.field.split('.').try_fold(body, |v, key| v.get(key)).is_some())
    };
    let omits_model =
        || body.is_none_or(|b| b.get("model_name").and_then(serde_json::Value::as_str).is_none_or(str::is_empty));
    CHANGES
        .iter()
        .filter(|c| c.date > from && c.date <= to)
        .filter(|c| match c.effect {
            Effect::Endpoints(ids) | Effect::Retires(ids) => endpoint.is_some_and(|e| ids.contains(&e)),
            Effect::Routes(paths) => paths.iter().any(|p| path == *p || path.starts_with(&format!("{p}?"))),
            Effect::Values(added) | Effect::Withdraws(added) => added.iter().any(uses),
            Effect::Scenes(names) | Effect::ScenesRetired(names) => {
                endpoint == Some(EndpointId::Effects)
                    && body.is_none_or(|b| {
                        b.get("effect_scene").and_then(serde_json::Value::as_str).is_some_and(|n| names.contains(&n))
                    })
            }
            Effect::Defaults(defaults) => defaults.iter().any(|d| Some(d.endpoint) == endpoint) && omits_model(),
            Effect::Lifts(rules) => rules.iter().any(|(e, _)| Some(*e) == endpoint),
            Effect::Capabilities(capabilities) => capabilities.iter().any(|c| {
                Some(c.endpoint) == endpoint
                    && body.is_none_or(|b| b.get("model_name").and_then(serde_json::Value::as_str) == Some(c.model))
            }),
            Effect::Fields(fields) => {
                fields.iter().any(|(e, f)| Some(*e) == endpoint && body.is_none_or(|b| b.get(*f).is_some()))
            }
            Effect::Introduces(_) => false,
            Effect::Recorded => spec.is_some_and(|s| c.subject.contains(s.path)),
        })
        .collect()
}

/// The answer of a create on a retired endpoint (PROBE 2026-09-28, recorded).
pub const ENDPOINT_RETIRED: &str = "This API is no longer available";

macro_rules! changes {
    ($( ($y:tt - $m:tt - $d:tt, $kind:ident, $conf:ident, $subject:expr, $summary:expr, $source:expr, $effect:expr) ),* $(,)?) => {
        &[ $( Change {
            date: date!($y - $m - $d),
            kind: Kind::$kind,
            subject: $subject,
            summary: $summary,
            source: $source,
            confidence: Confidence::$conf,
            effect: $effect,
        } ),* ]
    };
}

use Effect::{
    Capabilities, Defaults, Endpoints, Fields, Introduces, Lifts, Recorded, Retires, Routes, Scenes, ScenesRetired,
    Values, Withdraws,
};
use EndpointId as E;

/// Every dated change, oldest first.
pub const CHANGES: &[Change] = changes![
    (
        2024 - 09 - 19,
        EndpointAdded,
        High,
        "POST /v1/images/kolors-virtual-try-on; model kolors-virtual-try-on-v1",
        "AI virtual try-on",
        "UPD 09/19/2024: \"Officially supporting the \"AI Virtual Try-on\" related API\"",
        Recorded
    ),
    (
        2024 - 09 - 19,
        ValueChanged,
        High,
        "prompt, negative_prompt <= 2500 characters",
        "Video prompts may be 2500 characters long (the earlier limit is not in the sources, so the history starts here)",
        "UPD 09/19/2024",
        Recorded
    ),
    (
        2024 - 10 - 30,
        EndpointAdded,
        High,
        "GET /account/costs",
        "Resource packs and their remaining units",
        "UPD 10/30/2024: \"Added the Query Resource Package List and Remaining Quantity interface\"",
        Routes(&["/account/costs"])
    ),
    (
        2024 - 11 - 15,
        ModelAdded,
        High,
        "image2video kling-v1-5 (pro only, no end frame)",
        "Kling 1.5 on image-to-video",
        "UPD 11/15/2024",
        Values(&[model(E::Image2Video, "kling-v1-5", r#"{"model_name": "kling-v1-5", "mode": "pro"}"#)])
    ),
    (
        2024 - 11 - 15,
        EndpointAdded,
        High,
        "POST /v1/videos/video-extend",
        "Extending videos by 4-5 seconds",
        "UPD 11/15/2024: \"Supports extending videos generated by the V1.0 model\"",
        Endpoints(&[E::VideoExtend])
    ),
    (
        2024 - 11 - 15,
        FieldAdded,
        High,
        "external_task_id on video creates; query by it",
        "The caller's own task id",
        "UPD 11/15/2024",
        Recorded
    ),
    (
        2024 - 11 - 29,
        FieldAdded,
        High,
        "image2video static_mask, dynamic_masks (kling-v1 std/pro 5 s)",
        "Motion brush",
        "UPD 11/29/2024",
        Fields(&[(E::Image2Video, "static_mask"), (E::Image2Video, "dynamic_masks")])
    ),
    (
        2024 - 12 - 09,
        ValueAdded,
        High,
        "image2video kling-v1-5 mode std",
        "Kling 1.5 standard mode",
        "UPD 12/09/2024",
        Capabilities(&[Capability {
            endpoint: E::Image2Video,
            model: "kling-v1-5",
            feature: "mode std",
            example: r#"{"model_name": "kling-v1-5", "mode": "std"}"#
        }])
    ),
    (
        2024 - 12 - 23,
        EndpointAdded,
        High,
        "POST /v1/videos/lip-sync",
        "Lip-sync of V1.0 and V1.5 videos",
        "UPD 12/23/2024",
        Endpoints(&[E::LipSync])
    ),
    (
        2024 - 12 - 30,
        ModelAdded,
        High,
        "kolors-virtual-try-on-v1-5",
        "Virtual try-on V1.5",
        "UPD 12/30/2024",
        Values(models!(E::VirtualTryOn; "kolors-virtual-try-on-v1-5"))
    ),
    (
        2025 - 01 - 07,
        ModelAdded,
        High,
        "kling-v1-6: text2video std, image2video std and pro",
        "Kling 1.6",
        "UPD 01/07/2025",
        Values(&[
            model(E::Text2Video, "kling-v1-6", r#"{"model_name": "kling-v1-6"}"#),
            model(E::Image2Video, "kling-v1-6", r#"{"model_name": "kling-v1-6"}"#)
        ])
    ),
    (
        2025 - 01 - 07,
        EndpointAdded,
        Low,
        "POST /v1/videos/multi-image2video (kling-v1-6)",
        "Multi-image to video; no launch line, dated with its only model",
        "first mention UPD 08/15/2025; REFERENCE.md §3.3",
        Endpoints(&[E::MultiImage2Video])
    ),
    (
        2025 - 03 - 05,
        EndpointAdded,
        High,
        "POST /v1/videos/effects; dual scenes hug, kiss, heart_gesture",
        "Video effects",
        "UPD 03/05/2025: \"Launch of Dual-Image Effects\"",
        Endpoints(&[E::Effects])
    ),
    (
        2025 - 03 - 12,
        SceneAdded,
        High,
        "squish, expansion",
        "Single-image effects",
        "UPD 03/12/2025",
        Scenes(&["squish", "expansion",])
    ),
    (
        2025 - 03 - 12,
        ValueAdded,
        High,
        "kling-v1-5 pro: start/end frame, motion brush, camera control; kling-v1-6 pro: start/end frame",
        "Frames and camera control on 1.5 and 1.6",
        "UPD 03/12/2025",
        Capabilities(&[
            Capability {
                endpoint: E::Image2Video,
                model: "kling-v1-5",
                feature: "image_tail",
                example: r#"{"model_name": "kling-v1-5", "mode": "pro", "image_tail": "https://example.com/last.png"}"#
            },
            Capability {
                endpoint: E::Image2Video,
                model: "kling-v1-5",
                feature: "camera_control",
                example: r#"{"model_name": "kling-v1-5", "mode": "pro", "duration": "5", "camera_control": {"type": "simple", "config": {"pan": 2}}}"#
            },
            Capability {
                endpoint: E::Image2Video,
                model: "kling-v1-5",
                feature: "static_mask",
                example: r#"{"model_name": "kling-v1-5", "mode": "pro", "duration": "5", "static_mask": "https://example.com/mask.png"}"#
            },
            Capability {
                endpoint: E::Image2Video,
                model: "kling-v1-6",
                feature: "image_tail",
                example: r#"{"model_name": "kling-v1-6", "mode": "pro", "image_tail": "https://example.com/last.png"}"#
            },
        ])
    ),
    (
        2025 - 03 - 12,
        ModelAdded,
        High,
        "image generations kling-v1-5; aspect_ratio 21:9",
        "Image generation 1.5",
        "UPD 03/12/2025",
        Values(models!(E::ImageGenerations; "kling-v1-5"))
    ),
    (2025 - 03 - 18, SceneAdded, High, "fuzzyfuzzy", "Effect scene", "UPD 03/18/2025", Scenes(&["fuzzyfuzzy",])),
    (
        2025 - 03 - 25,
        FieldAdded,
        High,
        "image generations image_reference, image_fidelity, human_fidelity (kling-v1-5)",
        "Subject and face reference",
        "UPD 03/25/2025",
        Fields(&[
            (E::ImageGenerations, "image_reference"),
            (E::ImageGenerations, "image_fidelity"),
            (E::ImageGenerations, "human_fidelity"),
        ])
    ),
    (
        2025 - 03 - 31,
        ValueAdded,
        Medium,
        "kling-v1-6 pro: image_tail without image",
        "End frame only on 1.6",
        "UPD 03/31/2025",
        Recorded
    ),
    (
        2025 - 03 - 31,
        ValueAdded,
        High,
        "video-extend of kling-v1-5 and kling-v1-6 videos",
        "Extending 1.5 and 1.6 videos",
        "UPD 03/31/2025",
        Recorded
    ),
    (
        2025 - 04 - 25,
        SceneAdded,
        High,
        "bloombloom, dizzydizzy",
        "Effect scenes",
        "UPD 04/25/2025",
        Scenes(&["bloombloom", "dizzydizzy",])
    ),
    (
        2025 - 05 - 13,
        ModelAdded,
        High,
        "image generations kling-v2",
        "Image generation V2 (text to image)",
        "UPD 05/13/2025",
        Values(models!(E::ImageGenerations; "kling-v2"))
    ),
    (
        2025 - 05 - 13,
        ModelAdded,
        High,
        "kling-v2-master text2video, image2video (no mode)",
        "Kling 2.0 Master",
        "UPD 05/13/2025",
        Values(&[
            model(E::Text2Video, "kling-v2-master", r#"{"model_name": "kling-v2-master"}"#),
            model(E::Image2Video, "kling-v2-master", r#"{"model_name": "kling-v2-master"}"#)
        ])
    ),
    (
        2025 - 06 - 19,
        ModelAdded,
        High,
        "kling-v2-1 image2video std/pro; kling-v2-1-master text2video, image2video",
        "Kling 2.1",
        "UPD 06/19/2025",
        Values(&[
            model(E::Image2Video, "kling-v2-1", r#"{"model_name": "kling-v2-1"}"#),
            model(E::Text2Video, "kling-v2-1-master", r#"{"model_name": "kling-v2-1-master"}"#),
            model(E::Image2Video, "kling-v2-1-master", r#"{"model_name": "kling-v2-1-master"}"#),
        ])
    ),
    (
        2025 - 06 - 30,
        ValueChanged,
        Medium,
        "lip-sync input video <= 60 s",
        "Lip-sync of videos up to 60 s",
        "UPD 06/30/2025",
        Recorded
    ),
    (
        2025 - 07 - 07,
        SceneAdded,
        High,
        "anime_figure, rocketrocket",
        "Effect scenes",
        "UPD 07/07/2025",
        Scenes(&["anime_figure", "rocketrocket",])
    ),
    (
        2025 - 07 - 21,
        SceneAdded,
        High,
        "jelly_press, jelly_slice, jelly_squish, jelly_jiggle, pixelpixel, yearbook, instant_film",
        "Effect scenes",
        "UPD 07/21/2025",
        Scenes(&[
            "jelly_press",
            "jelly_slice",
            "jelly_squish",
            "jelly_jiggle",
            "pixelpixel",
            "yearbook",
            "instant_film",
        ])
    ),
    (
        2025 - 07 - 21,
        EndpointAdded,
        High,
        "multi-elements: init/add/delete/clear/preview-selection, POST /v1/videos/multi-elements",
        "Multi-elements editing",
        "UPD 07/21/2025: \"Multi-Elements | Newly launched\"",
        Endpoints(&[
            E::InitSelection,
            E::AddSelection,
            E::DeleteSelection,
            E::ClearSelection,
            E::PreviewSelection,
            E::MultiElements
        ])
    ),
    (
        2025 - 07 - 30,
        ModelAdded,
        High,
        "image generations kling-v2-1 (image to image)",
        "Image generation 2.1",
        "UPD 07/30/2025",
        Values(models!(E::ImageGenerations; "kling-v2-1"))
    ),
    (
        2025 - 07 - 30,
        EndpointAdded,
        High,
        "POST /v1/images/multi-image2image (kling-v2-1)",
        "Multi-image to image",
        "UPD 07/30/2025: \"Multi-Image to Image | Newly launched\"",
        Endpoints(&[E::MultiImage2Image])
    ),
    (
        2025 - 07 - 30,
        Price,
        High,
        "multi-image2image: 16 units an image",
        "Multi-image to image price",
        "UPD 07/30/2025",
        Recorded
    ),
    (
        2025 - 08 - 01,
        EndpointAdded,
        High,
        "POST /v1/audio/text-to-audio, POST /v1/audio/video-to-audio",
        "Sound generation",
        "UPD 08/01/2025",
        Endpoints(&[E::TextToAudio, E::VideoToAudio])
    ),
    (
        2025 - 08 - 12,
        ValueAdded,
        High,
        "text2video kling-v1-6 mode pro",
        "Kling 1.6 pro text-to-video",
        "UPD 08/12/2025",
        Capabilities(&[Capability {
            endpoint: E::Text2Video,
            model: "kling-v1-6",
            feature: "mode pro",
            example: r#"{"model_name": "kling-v1-6", "mode": "pro"}"#
        }])
    ),
    (
        2025 - 08 - 15,
        ModelAdded,
        High,
        "image generations kling-v2-new",
        "Image-to-image styles",
        "UPD 08/15/2025",
        Values(models!(E::ImageGenerations; "kling-v2-new"))
    ),
    (
        2025 - 08 - 19,
        SceneAdded,
        Low,
        "62 single-image scenes and 1 dual (unnamed); by position: pet_moto_rider, running_man, 3d_cartoon_2, pet_dance, swing_swing, day_to_night, surfsurf, skateskate",
        "Effect library expanded to 80",
        "UPD 08/19/2025; positions in the 2026-09-20 list",
        Scenes(&[
            "pet_moto_rider",
            "running_man",
            "3d_cartoon_2",
            "pet_dance",
            "swing_swing",
            "day_to_night",
            "surfsurf",
            "skateskate",
        ])
    ),
    (
        2025 - 09 - 01,
        SceneAdded,
        High,
        "pet_chinese_opera, muscle_pet, ...",
        "Effect scenes",
        "UPD 09/01/2025",
        Scenes(&["pet_chinese_opera", "muscle_pet",])
    ),
    (
        2025 - 09 - 05,
        ValueAdded,
        High,
        "kling-v2-1 image2video start/end frame (pro)",
        "Frames on 2.1",
        "UPD 09/05/2025",
        Capabilities(&[Capability {
            endpoint: E::Image2Video,
            model: "kling-v2-1",
            feature: "image_tail",
            example: r#"{"model_name": "kling-v2-1", "mode": "pro", "image_tail": "https://example.com/last.png"}"#
        }])
    ),
    (
        2025 - 09 - 05,
        FieldAdded,
        High,
        "video-to-audio sound_effect_prompt, bgm_prompt, asmr_mode",
        "Sound prompts",
        "UPD 09/05/2025",
        Fields(&[
            (E::VideoToAudio, "sound_effect_prompt"),
            (E::VideoToAudio, "bgm_prompt"),
            (E::VideoToAudio, "asmr_mode"),
        ])
    ),
    (
        2025 - 09 - 12,
        SceneAdded,
        High,
        "gallery_ring, squeeze_screamt, ...",
        "Effect scenes",
        "UPD 09/12/2025",
        Scenes(&["gallery_ring", "squeeze_screamt",])
    ),
    (
        2025 - 09 - 15,
        EndpointAdded,
        Medium,
        "POST /v1/videos/identify-face, POST /v1/videos/advanced-lip-sync",
        "Multi-person lip-sync with face_id and sound_insert_time",
        "UPD 09/15/2025",
        Endpoints(&[E::IdentifyFace, E::AdvancedLipSync])
    ),
    (
        2025 - 09 - 15,
        EndpointAdded,
        High,
        "POST /v1/audio/tts",
        "Text to speech",
        "UPD 09/15/2025",
        Endpoints(&[E::Tts])
    ),
    (
        2025 - 09 - 26,
        ValueChanged,
        High,
        "tts text <= 1000 characters",
        "Longer speech (the earlier limit is not in the sources)",
        "UPD 09/26/2025",
        Recorded
    ),
    (
        2025 - 09 - 26,
        SceneAdded,
        High,
        "rampage_ape, flyer, dishwasher",
        "Effect scenes",
        "UPD 09/26/2025",
        Scenes(&["rampage_ape", "flyer", "dishwasher",])
    ),
    (2025 - 09 - 29, SceneAdded, High, "feed_mooncake", "Effect scene", "UPD 09/29/2025", Scenes(&["feed_mooncake",])),
    (
        2025 - 10 - 15,
        EndpointAdded,
        High,
        "POST /v1/videos/avatar/image2video",
        "Avatar",
        "UPD 10/15/2025",
        Endpoints(&[E::Avatar])
    ),
    (
        2025 - 10 - 15,
        SceneAdded,
        High,
        "inner_voice, trampoline, guess_what, ...",
        "Effect scenes",
        "UPD 10/15/2025",
        Scenes(&["inner_voice", "trampoline", "guess_what",])
    ),
    (
        2025 - 10 - 20,
        ModelAdded,
        High,
        "kling-v2-5-turbo text2video, image2video (pro)",
        "Kling 2.5 Turbo",
        "UPD 10/20/2025",
        Values(&[
            model(E::Text2Video, "kling-v2-5-turbo", r#"{"model_name": "kling-v2-5-turbo", "mode": "pro"}"#),
            model(E::Image2Video, "kling-v2-5-turbo", r#"{"model_name": "kling-v2-5-turbo", "mode": "pro"}"#),
        ])
    ),
    (
        2025 - 10 - 20,
        EndpointAdded,
        High,
        "POST /v1/videos/image-recognize",
        "Image element recognition",
        "UPD 10/20/2025",
        Endpoints(&[E::ImageRecognize])
    ),
    (
        2025 - 10 - 27,
        SceneAdded,
        High,
        "pumpkin_head_transform, cute_ghost_transform, knock_knock_halloween, halloween_escape, witch_transform, vampire_transform, demon_transform, mummy_transform, zombie_transform, cute_pumpkin_transform",
        "10 Halloween effects",
        "UPD 10/27/2025",
        Scenes(&[
            "pumpkin_head_transform",
            "cute_ghost_transform",
            "knock_knock_halloween",
            "halloween_escape",
            "witch_transform",
            "vampire_transform",
            "demon_transform",
            "mummy_transform",
            "zombie_transform",
            "cute_pumpkin_transform",
        ])
    ),
    (
        2025 - 11 - 11,
        ValueAdded,
        High,
        "kling-v2-5-turbo mode std",
        "Kling 2.5 Turbo standard mode",
        "UPD 11/11/2025",
        Capabilities(&[
            Capability {
                endpoint: E::Text2Video,
                model: "kling-v2-5-turbo",
                feature: "mode std",
                example: r#"{"model_name": "kling-v2-5-turbo", "mode": "std"}"#
            },
            Capability {
                endpoint: E::Image2Video,
                model: "kling-v2-5-turbo",
                feature: "mode std",
                example: r#"{"model_name": "kling-v2-5-turbo", "mode": "std"}"#
            },
        ])
    ),
    (
        2025 - 11 - 17,
        ValueAdded,
        High,
        "kling-v2-5-turbo pro first/last frame",
        "Frames on 2.5 Turbo",
        "UPD 11/17/2025",
        Capabilities(&[Capability {
            endpoint: E::Image2Video,
            model: "kling-v2-5-turbo",
            feature: "image_tail",
            example: r#"{"model_name": "kling-v2-5-turbo", "mode": "pro", "image_tail": "https://example.com/last.png"}"#
        }])
    ),
    (
        2025 - 11 - 19,
        SceneAdded,
        High,
        "luminous_elf, guardian_spirit, snowboarding, ...",
        "Effect scenes",
        "UPD 11/19/2025",
        Scenes(&[
            "luminous_elf",
            "guardian_spirit",
            "snowboarding",
            "woodland_elf",
            "swish_swish",
            "pure_white_wings",
            "black_wings",
            "golden_wing",
            "pink_pink_wings",
            "venomous_spider",
            "throne_of_king",
        ])
    ),
    (
        2025 - 11 - 25,
        SceneAdded,
        High,
        "balloon_parade, jumping_ginger_joy, bullet_time, ...",
        "Effect scenes",
        "UPD 11/25/2025",
        Scenes(&["balloon_parade", "jumping_ginger_joy", "bullet_time", "bullet_time_lite",])
    ),
    (
        2025 - 12 - 04,
        ValueChanged,
        Medium,
        "avatar audio <= 300 s",
        "Five-minute avatar videos",
        "UPD 12/04/2025",
        Recorded
    ),
    (
        2025 - 12 - 11,
        SceneAdded,
        High,
        "firework_2026, santa_gift, scarlet_and_snow and 17 more",
        "20 holiday effects",
        "UPD 12/11/2025",
        Scenes(&[
            "firework_2026",
            "santa_gift",
            "scarlet_and_snow",
            "steampunk_christmas",
            "snowglobe",
            "christmas_photo_shoot",
            "ornament_crash",
            "santa_express",
            "instant_christmas",
            "coronation_of_frost",
            "building_sweater",
            "spark_in_the_snow",
            "surprise_bouquet",
            "bouquet_drop",
            "glamour_photo_shoot",
            "box_of_joy",
            "first_toast_of_the_year",
            "my_santa_pic",
        ])
    ),
    (
        2025 - 12 - 15,
        ModelAdded,
        High,
        "kling-v2-6 text2video, image2video; sound",
        "Kling 2.6 with native audio",
        "UPD 12/15/2025",
        Values(&[
            model(E::Text2Video, "kling-v2-6", r#"{"model_name": "kling-v2-6", "mode": "pro"}"#),
            model(E::Image2Video, "kling-v2-6", r#"{"model_name": "kling-v2-6", "mode": "pro"}"#),
        ])
    ),
    (
        2025 - 12 - 15,
        EndpointAdded,
        High,
        "POST /v1/videos/omni-video (kling-video-o1)",
        "Omni video",
        "UPD 12/15/2025",
        Endpoints(&[E::OmniVideo])
    ),
    (
        2025 - 12 - 15,
        EndpointAdded,
        High,
        "POST /v1/images/omni-image (kling-image-o1)",
        "Omni image",
        "UPD 12/15/2025",
        Endpoints(&[E::OmniImage])
    ),
    (
        2025 - 12 - 16,
        EndpointAdded,
        Medium,
        "voice_list on image2video; POST /v1/general/custom-voices, delete-voices; GET presets-voices",
        "Voices",
        "UPD 12/16/2025",
        Endpoints(&[E::CustomVoices, E::DeleteVoices])
    ),
    (
        2025 - 12 - 16,
        EndpointAdded,
        Medium,
        "GET /v1/general/presets-voices",
        "Preset voices",
        "UPD 12/16/2025",
        Routes(&["/v1/general/presets-voices"])
    ),
    (
        2025 - 12 - 18,
        SceneAdded,
        High,
        "cheers_2026, countdown_teleport, santa_random_surprise, birthday_star and 12 more",
        "16 effects",
        "UPD 12/18/2025",
        Scenes(&[
            "cheers_2026",
            "countdown_teleport",
            "santa_random_surprise",
            "birthday_star",
            "kiss_pro",
            "fight_pro",
            "hug_pro",
            "heart_gesture_pro",
            "dollar_rain_pro",
            "pet_bee_pro",
            "magic_match_tree",
            "bullet_time_360",
            "happy_birthday",
            "thumbs_up_pro",
            "tiger_hug_pro",
            "pet_lion_pro",
        ])
    ),
    (
        2025 - 12 - 22,
        EndpointAdded,
        High,
        "POST /v1/videos/motion-control (kling-v2-6)",
        "Motion control",
        "UPD 12/22/2025",
        Endpoints(&[E::MotionControl])
    ),
    (
        2025 - 12 - 22,
        Price,
        High,
        "motion control 0.5 units/s std, 0.8 pro",
        "Motion control price",
        "UPD 12/22/2025",
        Recorded
    ),
    (
        2025 - 12 - 30,
        SceneRetired,
        High,
        "celebration, c4d_cartoon",
        "Effect scenes discontinued",
        "UPD 12/11/2025: \"celebration and c4d_cartoon will be discontinued on December 30, 2025\"",
        ScenesRetired(&["celebration", "c4d_cartoon",])
    ),
    (
        2026 - 01 - 16,
        SceneAdded,
        High,
        "drunk_dance, daoma_dance, lion_dance, lucky_money_come, phantom_jewel, zoom_out and 25 more",
        "31 effects",
        "UPD 01/16/2026",
        Scenes(&[
            "drunk_dance",
            "daoma_dance",
            "lion_dance",
            "lucky_money_come",
            "phantom_jewel",
            "zoom_out",
            "drunk_dance_pet",
            "bouncy_dance",
            "smooth_sailing_dance",
            "new_year_greeting",
            "prosperity",
            "great_success",
            "golden_horse_fortune",
            "red_packet_box",
            "lucky_horse_year",
            "lucky_red_packet",
            "lion_dance_pet",
            "dumpling_making_pet",
            "fish_making_pet",
            "pet_red_packet",
            "lantern_glow",
            "expression_challenge",
            "overdrive",
            "heart_gesture_dance",
            "poping",
            "martial_arts",
            "running",
            "nezha",
            "motorcycle_dance",
            "subject_3_dance",
            "ghost_step_dance",
        ])
    ),
    (
        2026 - 01 - 23,
        EndpointAdded,
        High,
        "POST /v1/general/ai-multi-shot",
        "Three-angle images of an element",
        "UPD 01/23/2026",
        Endpoints(&[E::AiMultiShot])
    ),
    (
        2026 - 01 - 23,
        FieldAdded,
        High,
        "final_unit_deduction on legacy tasks",
        "Units consumed, in query, list and callback",
        "UPD 01/23/2026",
        Recorded
    ),
    (
        2026 - 01 - 23,
        FieldAdded,
        High,
        "watermark_info {enabled} on creates; watermark_url in results",
        "Watermarks",
        "UPD 01/23/2026",
        Recorded
    ),
    (
        2026 - 01 - 27,
        SceneAdded,
        High,
        "new_year_feast, ring_in_new, pet_vlogger, crystal_horse, lateral_shift_transitionl, horse_year_firework, fortune_god_transform",
        "7 effects",
        "UPD 01/27/2026",
        Scenes(&[
            "new_year_feast",
            "ring_in_new",
            "pet_vlogger",
            "crystal_horse",
            "lateral_shift_transitionl",
            "horse_year_firework",
            "fortune_god_transform",
        ])
    ),
    (
        2026 - 01 - 30,
        SceneRetired,
        High,
        "kiss, fight, hug, thumbs_up, tiger_hug, pet_lion, 3d_cartoon_1",
        "Effect scenes discontinued",
        "UPD 12/18/2025: \"will be discontinued on January 30, 2026\"",
        ScenesRetired(&["kiss", "fight", "hug", "thumbs_up", "tiger_hug", "pet_lion", "3d_cartoon_1",])
    ),
    (
        2026 - 02 - 03,
        SceneAdded,
        High,
        "hot_feet_dance, swag_dance, pigeon_dance, chanel_dance, city_to_village and 4 more",
        "9 effects",
        "UPD 02/03/2026",
        Scenes(&[
            "hot_feet_dance",
            "swag_dance",
            "pigeon_dance",
            "chanel_dance",
            "city_to_village",
            "bloodline_dance",
            "cute_dance",
            "love_theme_song",
            "pumpitup_dance",
        ])
    ),
    (
        2026 - 02 - 04,
        SceneAdded,
        High,
        "unique_firework, palm_sized_figure, color_mixing, lantern_festival_cuju, tangyuan_to_animal and 3 more",
        "8 effects",
        "UPD 02/04/2026",
        Scenes(&[
            "unique_firework",
            "palm_sized_figure",
            "color_mixing",
            "lantern_festival_cuju",
            "tangyuan_to_animal",
            "unique_spring_couplets",
            "horse_mask",
            "fortune_knocks_cartoon",
        ])
    ),
    (
        2026 - 02 - 11,
        SceneAdded,
        High,
        "snow_night_kiss, eternal_kiss, fortune_in_motion, chinese_trend and 6 more",
        "10 effects",
        "UPD 02/11/2026",
        Scenes(&[
            "snow_night_kiss",
            "eternal_kiss",
            "fortune_in_motion",
            "chinese_trend",
            "sedan_chair_dance",
            "skyfall",
            "good_luck_dance",
            "laicai_dance",
            "yangge_dance",
            "horse_year_dance",
        ])
    ),
    (
        2026 - 02 - 25,
        ModelAdded,
        High,
        "kling-v3 (text2video, image2video: 3-15 s, multi-shot, elements, sound); kling-v3-omni (omni-video)",
        "Kling 3.0 and 3.0 Omni",
        "UPD 02/25/2026",
        Values(&[
            model(E::Text2Video, "kling-v3", r#"{"model_name": "kling-v3"}"#),
            model(E::Image2Video, "kling-v3", r#"{"model_name": "kling-v3"}"#),
            model(E::OmniVideo, "kling-v3-omni", r#"{"model_name": "kling-v3-omni"}"#),
        ])
    ),
    (
        2026 - 02 - 25,
        ModelAdded,
        High,
        "image generations kling-v3; omni-image kling-v3-omni",
        "Image 3.0",
        "UPD 02/25/2026",
        Values(&[
            model(E::ImageGenerations, "kling-v3", r#"{"model_name": "kling-v3"}"#),
            model(E::OmniImage, "kling-v3-omni", r#"{"model_name": "kling-v3-omni"}"#),
        ])
    ),
    (
        2026 - 02 - 25,
        EndpointAdded,
        High,
        "POST /v1/general/advanced-custom-elements; delete-elements, delete-advanced-elements",
        "The new element service",
        "UPD 02/25/2026; delete paths' date inferred",
        Endpoints(&[E::CustomElements, E::DeleteElements, E::DeleteAdvancedElements])
    ),
    (
        2026 - 02 - 25,
        EndpointAdded,
        High,
        "GET /v1/general/advanced-presets-elements",
        "Preset elements",
        "UPD 02/25/2026",
        Routes(&["/v1/general/advanced-presets-elements"])
    ),
    (2026 - 02 - 27, SceneAdded, High, "raid_check", "Effect scene", "UPD 02/27/2026", Scenes(&["raid_check",])),
    (
        2026 - 03 - 04,
        ModelAdded,
        High,
        "motion-control model_name (default kling-v2-6), kling-v3; element_list <= 1 with kling-v3",
        "Motion control 3.0",
        "UPD 03/04/2026",
        Values(&[model(E::MotionControl, "kling-v3", r#"{"model_name": "kling-v3"}"#)])
    ),
    (
        2026 - 03 - 11,
        ValueAdded,
        High,
        "omni-video shot_type intelligence",
        "Intelligent shots on 3.0 Omni",
        "UPD 03/11/2026",
        Values(&[Added {
            endpoint: E::OmniVideo,
            field: "shot_type",
            value: "intelligence",
            example: r#"{"model_name": "kling-v3-omni", "multi_shot": true, "shot_type": "intelligence"}"#,
        }])
    ),
    (
        2026 - 03 - 18,
        SceneAdded,
        High,
        "flash_drive, shush_my_dreams, french_elegance, finger_swipe, advent_of_flora, smooth_transition",
        "Effect scenes",
        "UPD 03/18/2026",
        Scenes(&[
            "flash_drive",
            "shush_my_dreams",
            "french_elegance",
            "finger_swipe",
            "advent_of_flora",
            "smooth_transition",
        ])
    ),
    (
        2026 - 03 - 23,
        ValueAdded,
        High,
        "advanced-custom-elements element_voice_id with reference_type image_refer",
        "Multi-image elements bind voices",
        "UPD 03/23/2026",
        Fields(&[(E::CustomElements, "element_voice_id")])
    ),
    (
        2026 - 04 - 08,
        SceneAdded,
        High,
        "perler_beads, spring_bloom, palm_sized_figure_pro, prank_box and 13 more",
        "17 effects",
        "UPD 04/08/2026",
        Scenes(&[
            "perler_beads",
            "spring_bloom",
            "palm_sized_figure_pro",
            "prank_box",
            "lucky_veggie",
            "toss_run",
            "switch_to_silk",
            "studio_look",
            "get_rich_quick",
            "make_it_rain",
            "twist_shake",
            "the_hip_sway",
            "send_my_love",
            "funky_martian",
            "wealth_drive",
            "the_high_kick",
            "the_exercise",
        ])
    ),
    (
        2026 - 04 - 23,
        ValueAdded,
        High,
        "mode 4k: kling-v3 text2video, image2video; kling-v3-omni without a reference video",
        "4K output",
        "UPD 04/23/2026",
        Values(&[
            Added {
                endpoint: E::Text2Video,
                field: "mode",
                value: "4k",
                example: r#"{"model_name": "kling-v3", "mode": "4k"}"#
            },
            Added {
                endpoint: E::Image2Video,
                field: "mode",
                value: "4k",
                example: r#"{"model_name": "kling-v3", "mode": "4k"}"#
            },
            Added {
                endpoint: E::OmniVideo,
                field: "mode",
                value: "4k",
                example: r#"{"model_name": "kling-v3-omni", "mode": "4k"}"#
            },
        ])
    ),
    (2026 - 04 - 23, Price, High, "4K: 3 units a second", "4K price", "UPD 04/23/2026", Recorded),
    (
        2026 - 04 - 24,
        SceneAdded,
        High,
        "tiny_beast_printer, landmark_reveal, winter_charm and 14 more",
        "17 effects",
        "UPD 04/24/2026",
        Scenes(&[
            "tiny_beast_printer",
            "landmark_reveal",
            "winter_charm",
            "flash_ride",
            "shooting_star",
            "sovereign_scepter",
            "return_of_the_king",
            "minimalist_light",
            "martial_meow",
            "knock_at_a_door_revenge",
            "sassy_shake",
            "maestro_of_magic",
            "magic_carpet_ride",
            "good_luck_spirit",
            "sparkler_wand",
            "dirt_rush",
            "dance_with_dragon",
        ])
    ),
    (
        2026 - 04 - 27,
        ValueAdded,
        High,
        "omni-image series_amount auto",
        "The model decides how many images",
        "UPD 04/27/2026",
        Values(&[Added {
            endpoint: E::OmniImage,
            field: "series_amount",
            value: "auto",
            example: r#"{"result_type": "series", "series_amount": "auto"}"#,
        }])
    ),
    (
        2026 - 05 - 07,
        ValueAdded,
        High,
        "multi_shot with image_tail (kling-v3) and frames (kling-v3-omni)",
        "Multi-shot with first and last frames",
        "UPD 05/07/2026",
        Lifts(&[(E::Image2Video, "multi_shot.no_end_frame"), (E::OmniVideo, "multi_shot.no_frames")])
    ),
    (
        2026 - 05 - 08,
        SceneAdded,
        High,
        "pet_skateboard, daily_ootd",
        "Effect scenes",
        "UPD 05/08/2026",
        Scenes(&["pet_skateboard", "daily_ootd",])
    ),
    (
        2026 - 05 - 11,
        SceneAdded,
        High,
        "korean_baseball",
        "Effect scene",
        "UPD 05/11/2026",
        Scenes(&["korean_baseball",])
    ),
    (
        2026 - 05 - 13,
        SceneAdded,
        High,
        "korean_baseball_9_16, spielberg_transition",
        "Effect scenes",
        "UPD 05/13/2026",
        Scenes(&["korean_baseball_9_16", "spielberg_transition",])
    ),
    (
        2026 - 05 - 14,
        SceneAdded,
        High,
        "f1_live, football_live",
        "Effect scenes",
        "UPD 05/14/2026",
        Scenes(&["f1_live", "football_live",])
    ),
    (
        2026 - 05 - 15,
        SceneAdded,
        High,
        "football_live_9_16, whirling_beverage",
        "Effect scenes",
        "UPD 05/15/2026",
        Scenes(&["football_live_9_16", "whirling_beverage",])
    ),
    (
        2026 - 05 - 20,
        SceneAdded,
        High,
        "tennis_trend, tennis_trend_9_16",
        "Effect scenes",
        "UPD 05/20/2026",
        Scenes(&["tennis_trend", "tennis_trend_9_16",])
    ),
    (
        2026 - 06 - 05,
        SceneAdded,
        High,
        "football_dance, magic_world_vlog, air_dunk, whirling_beverage_9_16",
        "Effect scenes",
        "UPD 06/05/2026",
        Scenes(&["football_dance", "magic_world_vlog", "air_dunk", "whirling_beverage_9_16",])
    ),
    (
        2026 - 06 - 12,
        SceneAdded,
        High,
        "bicycle_kick, football_dance_2, red_card_sent_off",
        "Effect scenes",
        "UPD 06/12/2026",
        Scenes(&["bicycle_kick", "football_dance_2", "red_card_sent_off",])
    ),
    (
        2026 - 06 - 17,
        SurfaceAdded,
        High,
        "POST /text-to-video/kling-3.0-turbo, POST /image-to-video/kling-3.0-turbo",
        "The new-standard API, with Kling 3.0 Turbo",
        "UPD 06/17/2026: \"Kling 3.0 Turbo Officially Released\"",
        Endpoints(&[E::TextToVideo30Turbo, E::ImageToVideo30Turbo])
    ),
    (
        2026 - 06 - 17,
        SurfaceAdded,
        High,
        "GET /tasks, POST /tasks",
        "One query API for every task",
        "UPD 06/17/2026; REFERENCE-2026 §a.5",
        Routes(&["/tasks"])
    ),
    (
        2026 - 06 - 17,
        Auth,
        High,
        "Authorization: Bearer <API key> on every surface; AK/SK tokens refused on the new-standard paths",
        "API keys",
        "UPD 06/17/2026: \"Authentication can now be completed using only an API Key\"; AS-SPEC (1002 text)",
        Introduces(Feature::ApiKeys)
    ),
    (
        2026 - 06 - 17,
        ValueChanged,
        Medium,
        "omni-video kling-v3-omni: reference video 3-15 s; 4K and multi-shot with a reference video",
        "3.0 Omni reference videos",
        "UPD 06/17/2026",
        Recorded
    ),
    (
        2026 - 06 - 17,
        Price,
        High,
        "3.0 Turbo 0.8 units/s at 720p, 1.0 at 1080p; 3.0 Omni 4K 3 units/s",
        "New prices",
        "UPD 06/17/2026",
        Recorded
    ),
    (
        2026 - 06 - 17,
        ValueAdded,
        High,
        "preset elements Grace, Armored Youth",
        "Two preset elements",
        "UPD 06/17/2026",
        Recorded
    ),
    (
        2026 - 06 - 18,
        SceneAdded,
        High,
        "bra_hot_dance, arg_hot_dance, fra_hot_dance, bra_goal, arg_goal, por_goal, victory_slide, samba_fever",
        "Football effects",
        "UPD 06/18/2026",
        Scenes(&[
            "bra_hot_dance",
            "arg_hot_dance",
            "fra_hot_dance",
            "bra_goal",
            "arg_goal",
            "por_goal",
            "victory_slide",
            "samba_fever",
        ])
    ),
    (2026 - 06 - 25, SceneAdded, High, "soccer_star", "Effect scene", "UPD 06/25/2026", Scenes(&["soccer_star",])),
    (
        2026 - 07 - 03,
        SceneAdded,
        High,
        "african_sway, jealousy_sway, chubby_fish, shrug_dance",
        "Effect scenes",
        "UPD 07/03/2026",
        Scenes(&["african_sway", "jealousy_sway", "chubby_fish", "shrug_dance",])
    ),
    (
        2026 - 07 - 03,
        SceneRetired,
        Medium,
        "magic_match_tree",
        "Effect scene discontinued (still on the 2026-09-20 list)",
        "UPD: \"magic_match_tree will be discontinued on July 3rd, 2026\"",
        ScenesRetired(&["magic_match_tree",])
    ),
    (
        2026 - 07 - 06,
        EndpointAdded,
        High,
        "POST /account/billing/balance, POST /account/billing/package",
        "Billing exports",
        "UPD 07/06/2026: \"Supports Exporting Deduction Details through API\"",
        Routes(&["/account/billing/balance", "/account/billing/package"])
    ),
    (
        2026 - 07 - 06,
        FieldAdded,
        Low,
        "final_balance_deduction {quota, list_price} on legacy tasks",
        "Balance deductions in tasks (undated in the docs; dated with the billing exports)",
        "every legacy page; REFERENCE-2026 §b",
        Recorded
    ),
    (
        2026 - 07 - 15,
        SurfaceAdded,
        High,
        "the new-standard paths of Kling 3.0, 3.0 Omni (+ /omni-video/kling-v3-omni), 3.0 Motion Control, 2.6, 2.6 Motion Control, 2.5 Turbo, and O1 (date chosen)",
        "Every current video model on the new-standard API",
        "UPD 07/15/2026: \"Models added in this update: Kling 3.0, Kling 3.0 Omni, ...\"; O1 is on the pages only",
        Endpoints(&[
            E::TextToVideo30,
            E::ImageToVideo30,
            E::MotionControl30,
            E::OmniVideo30,
            E::OmniVideoO1,
            E::TextToVideo26,
            E::ImageToVideo26,
            E::MotionControl26,
            E::TextToVideo25Turbo,
            E::ImageToVideo25Turbo,
        ])
    ),
    (
        2026 - 07 - 24,
        SceneAdded,
        High,
        "food_splash, dj_pet, pet_diving, disco_paws, pet_fitness, j_var_live, pet_burst, idol_live, puff_cheeks",
        "Effect scenes",
        "UPD 07/24/2026",
        Scenes(&[
            "food_splash",
            "dj_pet",
            "pet_diving",
            "disco_paws",
            "pet_fitness",
            "j_var_live",
            "pet_burst",
            "idol_live",
            "puff_cheeks",
            "beast_striker",
        ])
    ),
    (
        2026 - 08 - 03,
        SceneAdded,
        High,
        "critter_paste, wiggle_faces_pets, paw_headbang",
        "Effect scenes",
        "UPD 08/03/2026",
        Scenes(&["critter_paste", "wiggle_faces_pets", "paw_headbang",])
    ),
    (
        2026 - 08 - 07,
        FieldAdded,
        High,
        "webhook-id, webhook-timestamp, webhook-signature on callbacks; test callback; webhook secrets",
        "Signed callbacks (Standard Webhooks)",
        "UPD 08/07/2026; REFERENCE-2026 §a.8",
        Recorded
    ),
    (
        2026 - 08 - 10,
        SceneAdded,
        High,
        "magic_world_vlog_9_16",
        "Effect scene",
        "UPD 08/10/2026",
        Scenes(&["magic_world_vlog_9_16",])
    ),
    (
        2026 - 08 - 18,
        SurfaceAdded,
        Medium,
        "POST /solutions/e-commerce/clothing_dupe",
        "Solutions API: AI Apparel Replicator",
        "UPD 08/18/2026; REFERENCE-2026 §a.9",
        Endpoints(&[E::ClothingDupe])
    ),
    (
        2026 - 08 - 18,
        SurfaceAdded,
        Medium,
        "GET /solutions, POST /solutions",
        "Solutions API: the query of every solution, by ids and by cursor",
        "UPD 08/18/2026 (the first solution); every Solutions page",
        Routes(&["/solutions"])
    ),
    (
        2026 - 08 - 21,
        SurfaceAdded,
        Medium,
        "POST /solutions/e-commerce/goods_studio",
        "Solutions API: Goods Studio",
        "UPD 08/21/2026",
        Endpoints(&[E::GoodsStudio])
    ),
    (
        2026 - 08 - 21,
        SceneAdded,
        High,
        "makeup_style, hair_dressup, barbie_transform",
        "Effect scenes",
        "UPD 08/21/2026",
        Scenes(&["makeup_style", "hair_dressup", "barbie_transform",])
    ),
    (
        2026 - 08 - 25,
        SurfaceAdded,
        Low,
        "POST /solutions/drama_subtitle",
        "Solutions API: drama subtitles (English hard subtitles, SRT and ASS)",
        "no changelog entry; the official page's own example task was created on 2026-08-25",
        Endpoints(&[E::DramaSubtitle])
    ),
    (
        2026 - 09 - 04,
        SceneAdded,
        High,
        "net_the_fish, birthday_board, summer_fireworks, blow_blaze, champagne_birthday, pet_working_daily, pet_roll_window, pet_crash_earth",
        "Effect scenes",
        "UPD 09/04/2026",
        Scenes(&[
            "net_the_fish",
            "birthday_board",
            "summer_fireworks",
            "blow_blaze",
            "champagne_birthday",
            "pet_working_daily",
            "pet_roll_window",
            "pet_crash_earth",
        ])
    ),
    (
        2026 - 09 - 07,
        SurfaceAdded,
        Medium,
        "POST /solutions/talking_agent",
        "Solutions API: Video Commerce",
        "UPD 09/07/2026",
        Endpoints(&[E::TalkingAgent])
    ),
    (2026 - 09 - 10, Price, High, "10 effects re-priced", "Effect prices", "UPD 09/10/2026", Recorded),
    (
        2026 - 09 - 15,
        SurfaceAdded,
        Medium,
        "POST /solutions/virtual_try_on; legacy kolors-virtual-try-on served by the 3.0 pipeline",
        "Try-On 3.0",
        "UPD 09/15/2026",
        Endpoints(&[E::SolutionTryOn])
    ),
    (
        2026 - 09 - 15,
        ModelRetired,
        Medium,
        "video kling-v1, kling-v1-5, kling-v1-6, kling-v2-master, kling-v2-1, kling-v2-1-master",
        "2025 video models discontinued: \"The model 'kling-v1' has been discontinued and is no longer available.\"",
        "KR copy of the notice (REFERENCE-2026 §0.4); AS-SPEC live message 2026-09-20",
        Withdraws(&[
            model(E::Text2Video, "kling-v1", r#"{"model_name": "kling-v1"}"#),
            model(E::Text2Video, "kling-v1-6", r#"{"model_name": "kling-v1-6"}"#),
            model(E::Text2Video, "kling-v2-master", r#"{"model_name": "kling-v2-master"}"#),
            model(E::Text2Video, "kling-v2-1-master", r#"{"model_name": "kling-v2-1-master"}"#),
            model(E::Image2Video, "kling-v1", r#"{"model_name": "kling-v1"}"#),
            model(E::Image2Video, "kling-v1-5", r#"{"model_name": "kling-v1-5", "mode": "pro"}"#),
            model(E::Image2Video, "kling-v1-6", r#"{"model_name": "kling-v1-6"}"#),
            model(E::Image2Video, "kling-v2-master", r#"{"model_name": "kling-v2-master"}"#),
            model(E::Image2Video, "kling-v2-1", r#"{"model_name": "kling-v2-1"}"#),
            model(E::Image2Video, "kling-v2-1-master", r#"{"model_name": "kling-v2-1-master"}"#),
            model(E::MultiElements, "kling-v1-6", r#"{"model_name": "kling-v1-6"}"#),
            Added {
                endpoint: E::Effects,
                field: "input.model_name",
                value: "kling-v1",
                example: r#"{"input": {"model_name": "kling-v1"}}"#,
            },
            Added {
                endpoint: E::Effects,
                field: "input.model_name",
                value: "kling-v1-5",
                example: r#"{"input": {"model_name": "kling-v1-5"}}"#,
            },
            Added {
                endpoint: E::Effects,
                field: "input.model_name",
                value: "kling-v1-6",
                example: r#"{"input": {"model_name": "kling-v1-6"}}"#,
            },
        ])
    ),
    (
        2026 - 09 - 15,
        ModelRetired,
        Medium,
        "image kling-v1, kling-v1-5, kling-v2, kling-v2-new",
        "Older image models discontinued",
        "REFERENCE-2026 §b; the generations page lists kling-v2-1 and kling-v3 only",
        Withdraws(&[
            model(E::ImageGenerations, "kling-v1", r#"{"model_name": "kling-v1"}"#),
            model(E::ImageGenerations, "kling-v1-5", r#"{"model_name": "kling-v1-5"}"#),
            model(E::ImageGenerations, "kling-v2", r#"{"model_name": "kling-v2"}"#),
            model(E::ImageGenerations, "kling-v2-new", r#"{"model_name": "kling-v2-new"}"#),
            model(E::MultiImage2Image, "kling-v2", r#"{"model_name": "kling-v2"}"#),
        ])
    ),
    (
        2026 - 09 - 15,
        DefaultChanged,
        Low,
        "text2video, image2video omitted model_name: kling-v1 -> kling-v2-5-turbo",
        "What an omitted video model means now",
        "one client's claim (REFERENCE-2026 §b)",
        Defaults(&[
            DefaultModel { endpoint: E::Text2Video, before: "kling-v1", after: "kling-v2-5-turbo" },
            DefaultModel { endpoint: E::Image2Video, before: "kling-v1", after: "kling-v2-5-turbo" },
        ])
    ),
    (
        2026 - 09 - 15,
        DefaultChanged,
        Low,
        "image generations omitted model_name: kling-v1 -> kling-v3",
        "The generations page's default (date chosen: kling-v1 could not stay the default)",
        "AS kling-image-2.1-generation.md",
        Defaults(&[DefaultModel { endpoint: E::ImageGenerations, before: "kling-v1", after: "kling-v3" }])
    ),
    (
        2026 - 09 - 15,
        EndpointRetired,
        Low,
        "POST /v1/videos/multi-image2video",
        "Multi-image to video answers 400 / 1201 \"This API is no longer available\" (date chosen: its only model is retired that day)",
        "PROBE 2026-09-28 (answer recorded); callable on 2026-03-30 per a client's note",
        Retires(&[E::MultiImage2Video])
    ),
    (
        2026 - 09 - 15,
        EndpointRetired,
        Low,
        "POST /v1/videos/video-extend",
        "Video extension answers 400 / 1201 \"This API is no longer available\" (inferred: it extends kling-v1.x videos only, all retired that day, and the 2026-09-20 page index has no video-extend page)",
        "REFERENCE.md §3.6 (V1.0/V1.5/V1.6 videos only); AS docs/api/README.md (no page); no recorded call",
        Retires(&[E::VideoExtend])
    ),
    (
        2026 - 09 - 15,
        SceneRetired,
        Medium,
        "119 effect templates, 36 of them named by the 2026-09-20 list",
        "Effect templates discontinued",
        "KR copy of the notice; the 2026-09-20 effects list",
        ScenesRetired(&[
            "heart_gesture",
            "squish",
            "expansion",
            "fuzzyfuzzy",
            "bloombloom",
            "dizzydizzy",
            "anime_figure",
            "rocketrocket",
            "jelly_press",
            "jelly_slice",
            "jelly_squish",
            "jelly_jiggle",
            "pixelpixel",
            "yearbook",
            "instant_film",
            "pet_chinese_opera",
            "muscle_pet",
            "gallery_ring",
            "squeeze_screamt",
            "rampage_ape",
            "flyer",
            "dishwasher",
            "feed_mooncake",
            "inner_voice",
            "trampoline",
            "guess_what",
            "cute_ghost_transform",
            "knock_knock_halloween",
            "balloon_parade",
            "bullet_time",
            "firework_2026",
            "pet_vlogger",
            "lateral_shift_transitionl",
            "palm_sized_figure",
            "horse_year_dance",
            "puff_cheeks",
        ])
    ),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_are_oldest_first_from_the_first_day_served() {
        assert!(CHANGES.windows(2).all(|w| w[0].date <= w[1].date), "entries out of order");
        assert_eq!(CHANGES.first().map(|c| c.date), Some(EARLIEST));
        assert_eq!(Day::latest().date(), date!(2026 - 09 - 15));
    }

    #[test]
    fn every_endpoint_appears_at_most_once_as_added_and_once_as_retired() {
        for endpoint in crate::ENDPOINTS {
            let count = |added: bool| {
                CHANGES
                    .iter()
                    .filter(|c| match c.effect {
                        Effect::Endpoints(ids) if added => ids.contains(&endpoint.id),
                        Effect::Retires(ids) if !added => ids.contains(&endpoint.id),
                        _ => false,
                    })
                    .count()
            };
            assert!(count(true) <= 1 && count(false) <= 1, "{}", endpoint.name);
        }
    }

    #[test]
    fn a_day_offers_what_was_added_by_then_and_not_what_was_retired() {
        let before = Day::on(date!(2025 - 10 - 14)).unwrap_or_else(|e| panic!("{e}"));
        let on = Day::on(date!(2025 - 10 - 15)).unwrap_or_else(|e| panic!("{e}"));
        assert!(matches!(before.endpoint(EndpointId::Avatar), Offered::NotYet(c) if c.date == on.date()));
        assert_eq!(on.endpoint(EndpointId::Avatar), Offered::Yes);
        assert_eq!(on.endpoint(EndpointId::Text2Video), Offered::Yes, "older than the history");
        assert!(matches!(Day::latest().endpoint(EndpointId::MultiImage2Video), Offered::Retired(_)));
        assert_eq!(Day::on(date!(2026 - 09 - 14)).map(|d| d.endpoint(EndpointId::MultiImage2Video)), Ok(Offered::Yes));
        assert!(matches!(before.route("/tasks"), Offered::NotYet(_)));
        assert!(!before.has(Feature::ApiKeys) && Day::latest().has(Feature::ApiKeys));
        assert!(Day::on(date!(2024 - 09 - 18)).is_err());
        assert_eq!(parse_day("2026-06-01").map(format_day), Ok("2026-06-01".to_owned()));
        assert!(parse_day("2026-13-01").is_err() && parse_day("yesterday").is_err());
    }

    #[test]
    fn retired_models_are_refused_from_their_day_and_defaults_follow() {
        let t2v = crate::endpoints::spec(EndpointId::Text2Video);
        let eve = Day::on(date!(2026 - 09 - 14)).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(eve.value(t2v.id, "model_name", "kling-v1"), Offered::Yes);
        assert!(
            matches!(Day::latest().value(t2v.id, "model_name", "kling-v1"), Offered::Retired(c) if c.kind == Kind::ModelRetired)
        );
        assert_eq!(eve.default_model(t2v), "kling-v1");
        assert_eq!(Day::latest().default_model(t2v), "kling-v2-5-turbo");
        let images = crate::endpoints::spec(EndpointId::ImageGenerations);
        assert_eq!((eve.default_model(images), Day::latest().default_model(images)), ("kling-v1", "kling-v3"));
        assert_eq!(Day::latest().models(t2v).collect::<Vec<_>>(), ["kling-v2-5-turbo", "kling-v2-6", "kling-v3"]);
        let before_v16 = Day::on(date!(2025 - 01 - 06)).unwrap_or_else(|e| panic!("{e}"));
        assert!(matches!(before_v16.value(t2v.id, "model_name", "kling-v1-6"), Offered::NotYet(_)));
        assert_eq!(
            discontinued("model_name", "kling-v1"),
            "The model 'kling-v1' has been discontinued and is no longer available."
        );
        let Offered::Retired(change) = Day::latest().value(t2v.id, "model_name", "kling-v1") else { unreachable!() };
        assert_eq!(
            Day::latest().hint(t2v, "model_name", "kling-v1", change),
            "kling-v1 retired 2026-09-15; kling-v2-5-turbo, kling-v2-6 and kling-v3 are current"
        );
    }

    #[test]
    fn every_default_change_chains_to_the_tables_default() {
        for spec in crate::ENDPOINTS {
            let mut changes: Vec<(&DefaultModel, &Change)> =
                INDEX.defaults.iter().copied().filter(|(d, _)| d.endpoint == spec.id).collect();
            changes.sort_by_key(|(_, c)| c.date);
            for pair in changes.windows(2) {
                assert_eq!(pair[0].0.after, pair[1].0.before, "{}", spec.name);
            }
            if let Some((last, _)) = changes.last() {
                assert_eq!(last.after, spec.default_model, "{}: the table holds today's default", spec.name);
            }
            for (default, change) in &changes {
                // The default is never refused on a day it is the default.
                for day in [Day::before(change), Day { date: change.date }] {
                    let model = day.default_model(spec);
                    assert_eq!(day.value(spec.id, "model_name", model), Offered::Yes, "{} {model}", spec.name);
                }
                assert!(spec.offers_model(default.before) && spec.offers_model(default.after), "{}", spec.name);
            }
        }
    }

    #[test]
    fn every_dated_value_is_added_and_withdrawn_at_most_once_in_that_order() {
        let mut seen: HashMap<(EndpointId, &str, &str, bool), &Change> = HashMap::new();
        for change in CHANGES {
            let (values, withdrawn): (Vec<Dated>, bool) = match change.effect {
                Effect::Values(added) => (added.iter().map(Dated::of).collect(), false),
                Effect::Withdraws(gone) => (gone.iter().map(Dated::of).collect(), true),
                Effect::Scenes(names) => (names.iter().copied().map(Dated::scene).collect(), false),
                Effect::ScenesRetired(names) => (names.iter().copied().map(Dated::scene).collect(), true),
                _ => continue,
            };
            for v in values {
                let earlier = seen.insert((v.endpoint, v.field, v.value, withdrawn), change);
                assert!(earlier.is_none(), "{:?} {} {} dated twice", v.endpoint, v.field, v.value);
                if withdrawn && let Some(added) = seen.get(&(v.endpoint, v.field, v.value, false)) {
                    assert!(added.date < change.date, "{} withdrawn before it was added", v.value);
                }
            }
        }
    }
}
