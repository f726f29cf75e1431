//! The rule engine: field specifications and cross-field rules as data, one validator
//! that applies them, and the accept/reject example of every rule.
//!
//! An endpoint is described by its [`Field`]s (type, bounds, required) and its
//! [`Rule`]s (relations between fields, model support). [`validate`] checks a JSON body
//! against them in declaration order, fields first, and reports the first violation as a
//! 1201 message that names the field. [`cases`] turns the same tables into one accepting
//! and one rejecting request per rule, so tests and the contract kit never restate a rule.

use std::borrow::Cow;

use serde_json::{Map, Value, json};

use crate::endpoints::EndpointSpec;
use crate::errors::ErrorKind;
use crate::image::{self, COMMON_LIMITS};
use crate::models::VideoModel;
use crate::references::{Known, Presets};

/// How strictly scalar types are read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Coercion {
    /// Like the real service's JSON binder: numbers and booleans are accepted where text
    /// is expected, numeric text where numbers are expected, `"true"`/`"false"` for
    /// booleans. Arrays and objects are never coerced.
    #[default]
    Lenient,
    /// Every value must have exactly the documented JSON type.
    Strict,
}

/// What kind of knowledge a rule encodes; model-support rules can be relaxed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RuleClass {
    /// Documented structure: required fields, exclusions, sums.
    Structural,
    /// The model support matrix (§3.18): a parameter the chosen model, mode or duration
    /// does not support.
    ModelSupport,
    /// Only in the seed dialect (fields the seed documents and the official API lacks).
    SeedDialect,
}

/// Options that change what [`validate`] accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ValidationOptions {
    /// Scalar coercion.
    pub coercion: Coercion,
    /// When true, [`RuleClass::ModelSupport`] rules are skipped (the parameter is accepted
    /// and ignored, as some clients assume).
    pub lenient_model_support: bool,
    /// When true, seed-only fields and rules apply (the seed dialect).
    pub seed_fields: bool,
    /// When true, names outside the emulator's partial catalogues (effect scenes) are
    /// rejected; by default a well-formed unknown name is accepted (FIDELITY.md).
    pub strict_catalogues: bool,
    /// The day whose API is validated (today's by default): values introduced later are
    /// unknown on it, values withdrawn by then are discontinued, and an omitted model is
    /// that day's default.
    pub day: crate::history::Day,
}

/// The type and bounds of one field.
#[derive(Debug, Clone, Copy)]
pub enum Ty {
    /// A string of at most `max_chars` characters.
    Text {
        /// Maximum length in Unicode scalar values.
        max_chars: usize,
    },
    /// Any string.
    Str,
    /// One of the listed strings.
    Enum(&'static [&'static str]),
    /// A model name the endpoint offers.
    Model,
    /// A number within `[min, max]`.
    Float {
        /// Lower bound.
        min: f64,
        /// Upper bound.
        max: f64,
    },
    /// An integer within `[min, max]`.
    Int {
        /// Lower bound.
        min: i64,
        /// Upper bound.
        max: i64,
    },
    /// An integer from the listed values (`settings.duration` of 5 or 10).
    OneOf(&'static [i64]),
    /// A boolean.
    Bool,
    /// An image: http(s) URL or raw Base64 within the common limits.
    Image,
    /// An image: http(s) URL or raw Base64 within other limits (the new-standard API's).
    ImageWithin(&'static image::ImageLimits),
    /// An http(s) URL.
    HttpUrl,
    /// An object with the given fields (unknown keys are ignored).
    Object(&'static [Field]),
    /// The new-standard `contents[]`: items of the listed kinds, told apart by their
    /// `type`, each kind with its own fields and counts.
    Items(&'static [ItemKind]),
    /// An array whose items all have type `item`, with `min..=max` items.
    Array {
        /// Item type.
        item: &'static Ty,
        /// Fewest items.
        min: usize,
        /// Most items.
        max: usize,
    },
}

/// One field of a request body.
#[derive(Debug, Clone, Copy)]
pub struct Field {
    /// JSON key.
    pub name: &'static str,
    /// Type and bounds.
    pub ty: Ty,
    /// Whether the field must be present (and, for text, non-empty).
    pub required: bool,
    /// A valid value as JSON text; arrays give at least one item.
    pub example: &'static str,
    /// JSON merge patch onto the endpoint's base request in which `example` is accepted.
    pub context: &'static str,
    /// Only the seed dialect knows this field; the official one ignores it.
    pub seed_only: bool,
    /// A boolean field that must be true for this one to matter; otherwise it is ignored
    /// unchecked (e.g. `shot_type` without `multi_shot`).
    pub ignored_unless: Option<&'static str>,
    /// The documented message for a problem with this field, where a page gives one (the
    /// Solutions pages list theirs); otherwise the surface's own phrasing.
    pub says: Option<Says>,
}

/// A field's documented message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Says {
    /// For every problem, a missing or blank value included.
    Any(&'static str),
    /// For a value given and wrong; a missing one is the item kind's missing message.
    Given(&'static str),
    /// An integer field: `not_positive` for anything but a positive integer, otherwise
    /// `out_of_range` with `{param}`, `{min}` and `{max}` filled in (drama_subtitle).
    Range {
        /// Not a positive integer.
        not_positive: &'static str,
        /// A positive integer outside the bounds.
        out_of_range: &'static str,
    },
}

impl Says {
    /// The message for `value` (absent: `None`) at `path` of type `ty`.
    fn message(&self, path: &str, ty: &Ty, value: Option<&Value>) -> String {
        match *self {
            Says::Any(message) | Says::Given(message) => message.to_owned(),
            Says::Range { not_positive, out_of_range } => {
                let number = value.and_then(|v| as_f64(v, Coercion::Lenient));
                let (Some(n), Ty::Int { min, max }) = (number, ty) else { return not_positive.to_owned() };
                if n.fract() != 0.0 || n < 1.0 {
                    return not_positive.to_owned();
                }
                let param = path.rsplit('.').next().unwrap_or(path);
                out_of_range
                    .replace("{param}", param)
                    .replace("{min}", &min.to_string())
                    .replace("{max}", &max.to_string())
            }
        }
    }
}

impl Field {
    /// An optional field valid on the base request.
    pub const fn optional(name: &'static str, ty: Ty, example: &'static str) -> Field {
        Field { name, ty, required: false, example, context: "{}", seed_only: false, ignored_unless: None, says: None }
    }

    /// A required field.
    pub const fn required(name: &'static str, ty: Ty, example: &'static str) -> Field {
        Field { name, ty, required: true, example, context: "{}", seed_only: false, ignored_unless: None, says: None }
    }

    /// The same field, accepted only within `context`.
    pub const fn within(self, context: &'static str) -> Field {
        Field { context, ..self }
    }

    /// The same field, checked only when the boolean field `flag` is true.
    pub const fn ignored_unless(self, flag: &'static str) -> Field {
        Field { ignored_unless: Some(flag), ..self }
    }

    /// The same field, known only to the seed dialect.
    pub const fn seed_only(self) -> Field {
        Field { seed_only: true, ..self }
    }

    /// The same field, answered with a documented message.
    pub const fn says(self, says: Says) -> Field {
        Field { says: Some(says), ..self }
    }
}

/// One kind of `contents[]` item of the new-standard API (`prompt`, `first_frame`, ...).
#[derive(Debug, Clone, Copy)]
pub struct ItemKind {
    /// The value of its `type`.
    pub tag: &'static str,
    /// Its fields besides `type`; a required one must be present and not blank.
    pub fields: &'static [Field],
    /// Fewest items of this kind a request must have.
    pub min: usize,
    /// Most items of this kind a request may have.
    pub max: usize,
    /// The documented message when fewer than `min` are given (or a required field of
    /// one is blank).
    pub missing: Option<&'static str>,
    /// The documented message when more than `max` are given.
    pub too_many: Option<&'static str>,
}

impl ItemKind {
    /// Items of type `tag` with `fields`, `min..=max` of them per request.
    pub const fn new(tag: &'static str, fields: &'static [Field], min: usize, max: usize) -> ItemKind {
        ItemKind { tag, fields, min, max, missing: None, too_many: None }
    }

    /// The same kind, with the documented messages for too few and too many (either may
    /// be undocumented).
    pub const fn says(self, missing: Option<&'static str>, too_many: Option<&'static str>) -> ItemKind {
        ItemKind { missing, too_many, ..self }
    }
}

/// `type` values the new-standard validator knows on every endpoint (PROBE's list of
/// accepted types). An item whose type is here but not among the endpoint's kinds passes
/// validation and is ignored, as PROBE saw on omni-video; any other type is refused.
pub const KNOWN_ITEM_TYPES: &[&str] = &["prompt", "image", "video", "element", "first_frame", "last_frame", "voice"];

/// How a surface phrases parameter errors: the legacy API names the field and then the
/// problem (`duration: allowed values: 5, 10`); the new-standard API echoes the value
/// (`settings.resolution value '9000p' is invalid`, PROBE and FS). The Solutions API
/// answers with its pages' messages where they give one, otherwise as the new standard.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// `/v1/**`.
    Legacy,
    /// The new-standard paths.
    Standard,
    /// `/solutions/**`.
    Solution,
}

/// What is wrong with one value, phrased per [`Style`] by [`Problem::violation`].
#[derive(Debug)]
enum Problem<'v> {
    Required,
    WrongType(&'static Ty),
    TooLong(usize),
    NotAllowed(&'v [&'static str], &'v Value),
    UnknownModel(&'v Value),
    /// A value the served day no longer takes, and the hint naming the change.
    Discontinued(&'v str, String),
    Below(f64, &'v Value),
    Above(f64, &'v Value),
    Image(image::ImageError),
    NotHttp(&'v Value),
    Size(usize, usize),
}

impl Problem<'_> {
    fn violation(self, style: Style, path: &str) -> Violation {
        if let Problem::Discontinued(value, hint) = self {
            let message = crate::history::discontinued(path, value);
            return Violation { message, hint: Some(hint), ..Violation::parameter(path, "") };
        }
        let message = match style {
            Style::Legacy => return Violation::parameter(path, self.legacy_detail()),
            Style::Standard | Style::Solution => match self {
                Problem::Required => format!("{path} cannot be empty"),
                Problem::WrongType(ty) => format!("{path} value type is invalid, expected {}", json_type(ty)),
                Problem::TooLong(max) => format!("{path} is too long, at most {max} characters are allowed"),
                Problem::NotAllowed(_, v)
                | Problem::UnknownModel(v)
                | Problem::Below(_, v)
                | Problem::Above(_, v)
                | Problem::NotHttp(v) => format!("{path} value '{}' is invalid", echo(v)),
                Problem::Image(e) => format!("{path} is invalid: {e}"),
                Problem::Size(min, max) => format!("{path} must have between {min} and {max} items"),
                Problem::Discontinued(..) => String::new(),
            },
        };
        Violation { kind: ErrorKind::InvalidParameter, field: path.to_owned(), message, rule: None, hint: None }
    }

    fn legacy_detail(&self) -> String {
        match self {
            Problem::Required => "is required".to_owned(),
            Problem::WrongType(ty) => format!("must be {}", type_name(ty)),
            Problem::TooLong(max) => format!("length must be at most {max} characters"),
            Problem::NotAllowed(allowed, _) => format!("allowed values: {}", allowed.join(", ")),
            Problem::UnknownModel(_) => "model is not supported".to_owned(),
            Problem::Discontinued(..) => String::new(),
            Problem::Below(min, _) => format!("must be greater than or equal to {min:?}"),
            Problem::Above(max, _) => format!("must be less than or equal to {max:?}"),
            Problem::Image(e) => e.to_string(),
            Problem::NotHttp(_) => "must be an http or https URL".to_owned(),
            Problem::Size(min, max) => format!("size must be between {min} and {max}"),
        }
    }
}

/// A value as the new-standard messages echo it: text unquoted, anything else as JSON.
fn echo(value: &Value) -> String {
    match value {
        Value::String(s) => s.chars().take(100).collect(),
        other => other.to_string(),
    }
}

/// A rule that relates fields or consults the model support matrix.
#[derive(Debug, Clone, Copy)]
pub struct Rule {
    /// Stable id, e.g. `camera_control.one_axis`.
    pub id: &'static str,
    /// The field the message names.
    pub field: &'static str,
    /// One line for people.
    pub summary: &'static str,
    /// What kind of knowledge this is.
    pub class: RuleClass,
    /// Returns the message detail when the rule is broken.
    pub check: fn(&Req<'_>) -> Result<(), String>,
    /// The rule in the terms JSON Schema has, when it has them, so the OpenAPI document
    /// states it and a schema-driven fuzzer never builds a body it breaks.
    pub expressed: Expressed,
    /// JSON merge patch onto the base request that satisfies this rule.
    pub accept: &'static str,
    /// JSON merge patch onto the base request that breaks this rule and no other.
    pub reject: &'static str,
}

impl Rule {
    /// A structural rule JSON Schema cannot state (the new-standard and Solutions tables).
    pub const fn structural(
        id: &'static str,
        field: &'static str,
        summary: &'static str,
        check: fn(&Req<'_>) -> Result<(), String>,
        accept: &'static str,
        reject: &'static str,
    ) -> Rule {
        Rule { id, field, summary, class: RuleClass::Structural, check, expressed: Expressed::Unstated, accept, reject }
    }
}

/// Whether a value counts as given: not absent, null, `""` or `[]`.
fn is_present(value: Option<&Value>) -> bool {
    match value {
        None | Some(Value::Null) => false,
        Some(Value::String(s)) => !s.is_empty(),
        Some(Value::Array(a)) => !a.is_empty(),
        Some(_) => true,
    }
}

/// A cross-field rule as JSON Schema can say it: which alternatives must be present. A
/// field counts as present as [`Req::present`] has it: given, not null, not `""` or `[]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expressed {
    /// JSON Schema cannot say it (model support, references, sums, media): the document
    /// states it in words.
    Unstated,
    /// Exactly one of the two fields.
    ExactlyOne(&'static str, &'static str),
    /// One or both of the two fields.
    AtLeastOne(&'static str, &'static str),
    /// The field itself.
    Present(&'static str),
    /// The inner rule, when `field` has this text value.
    When {
        /// The field whose value decides.
        field: &'static str,
        /// The value that makes the inner rule apply.
        value: &'static str,
        /// The rule that then applies.
        then: &'static Expressed,
    },
    /// The inner rule, applied to the object at this key (when the key is there).
    Within(&'static str, &'static Expressed),
    /// The inner rule, applied to every item of the array at this key.
    EachOf(&'static str, &'static Expressed),
}

impl Expressed {
    /// Whether `body` satisfies the rule (the reference the OpenAPI schema is checked
    /// against).
    pub fn holds(&self, body: &Value) -> bool {
        let present = |key: &str| is_present(body.get(key));
        match self {
            Expressed::Unstated => true,
            Expressed::ExactlyOne(a, b) => present(a) != present(b),
            Expressed::AtLeastOne(a, b) => present(a) || present(b),
            Expressed::Present(key) => present(key),
            Expressed::When { field, value, then } => body.get(*field) != Some(&json!(value)) || then.holds(body),
            Expressed::Within(key, inner) => body.get(*key).is_none_or(|v| !v.is_object() || inner.holds(v)),
            Expressed::EachOf(key, inner) => {
                body.get(*key).and_then(Value::as_array).is_none_or(|items| items.iter().all(|v| inner.holds(v)))
            }
        }
    }
}

/// A rejected request: the error kind and a message that names the field and the rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    /// 1200 for unreadable requests, 1201 for parameter errors.
    pub kind: ErrorKind,
    /// Dotted path of the offending field (empty for the whole body).
    pub field: String,
    /// The message sent to the client.
    pub message: String,
    /// Id of the cross-field rule that was broken (`None` for a field check).
    pub rule: Option<&'static str>,
    /// What the emulator knows that the answer does not say (a dated change of the API),
    /// for the `X-Kling-Mock-Hint` header.
    pub hint: Option<String>,
}

impl Violation {
    /// A 1201 parameter error on `field`.
    pub fn parameter(field: impl Into<String>, detail: impl std::fmt::Display) -> Violation {
        let field = field.into();
        let message = format!("{field}: {detail}");
        Violation { kind: ErrorKind::InvalidParameter, field, message, rule: None, hint: None }
    }
}

/// A request that passed validation, reduced to what the task engine needs.
#[derive(Debug, Clone, PartialEq)]
pub struct ValidRequest {
    /// What the task's price depends on ([`crate::pricing::quote`]); the engine fills
    /// in the seconds of sources only it knows (lip-sync, motion control, avatars).
    pub billing: crate::pricing::Basis,
    /// Resolved model name.
    pub model: &'static str,
    /// Resolved mode; `None` for models without a std/pro split.
    pub mode: Option<&'static str>,
    /// Requested output length in seconds (video endpoints).
    pub duration_s: u32,
    /// The prompt, when one was sent.
    pub prompt: Option<String>,
    /// The caller's id.
    pub external_task_id: Option<String>,
    /// Where to POST status changes.
    pub callback_url: Option<String>,
    /// Whether a watermarked copy was requested.
    pub watermark: bool,
    /// Images to produce (image endpoints; 1 otherwise).
    pub n: u32,
    /// Omni-image `result_type: series`.
    pub series: bool,
    /// A source video of the account (`video_id`, or `input.video_id`).
    pub video_id: Option<String>,
    /// A source media URL (`video_url`, `input.video_url`, `video_list[0].video_url`,
    /// a custom voice's `voice_url`).
    pub video_url: Option<String>,
    /// A lip-sync session (`session_id`).
    pub session_id: Option<String>,
    /// Faces chosen for advanced lip-sync.
    pub faces: Vec<FaceChoice>,
    /// Requested length in ms, fractional seconds kept (text-to-audio); for TTS the
    /// length of the speech.
    pub duration_ms: u64,
    /// Length of the audio an avatar speaks, when known.
    pub audio_ms: Option<u64>,
    /// A library entry's name (`voice_name`, `element_name`).
    pub name: Option<String>,
    /// A custom element's description.
    pub description: Option<String>,
    /// A custom element's `reference_type`.
    pub reference_type: Option<String>,
    /// Multi-elements `edit_mode`.
    pub edit_mode: Option<String>,
    /// The subtitles' `(font_size, margin_v)`, for a solution that delivers subtitles.
    pub subtitle_style: Option<(u32, u32)>,
    /// The failure the task's inputs already decide (a drama source over 300 s): the task
    /// is accepted and fails with this message once it has run.
    pub fails_with: Option<&'static str>,
}

/// What a legacy task's price depends on: `mode` (or an image `resolution`) as the tier,
/// `sound`, bound voices, a reference video (omni `video_list`, keeping its sound or
/// not) and an input image.
fn legacy_billing(
    spec: &EndpointSpec,
    req: &Req<'_>,
    mode: Option<&'static str>,
    images: u32,
) -> crate::pricing::Basis {
    use crate::pricing::{Basis, Sound, Tier};
    let video_list = req.array("video_list");
    let keeps_sound = video_list.iter().any(|v| req.text_in(v, "keep_original_sound").as_deref() == Some("yes"));
    let sound = if keeps_sound {
        Sound::Original
    } else if req.text("sound").as_deref() == Some("on") {
        Sound::Native
    } else {
        Sound::Off
    };
    let tier = match req.text("resolution").as_deref() {
        Some("4k") => Tier::FourK,
        Some(_) => Tier::Standard,
        None => Tier::of(mode.or(Some(req.mode.as_ref()))),
    };
    Basis {
        tier,
        seconds: req.duration,
        images,
        sound,
        voice_control: !req.array("voice_list").is_empty(),
        video_input: !video_list.is_empty(),
        image_input: req.text("image").is_some_and(|i| !i.is_empty()),
        ..Basis::new(spec.id, req.model)
    }
}

/// One `face_choose` item of advanced lip-sync, in milliseconds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FaceChoice {
    /// A face of the session.
    pub face_id: String,
    /// Start of the sound clip in the audio.
    pub sound_start_ms: i64,
    /// End of the sound clip in the audio.
    pub sound_end_ms: i64,
    /// Where the clip goes in the video.
    pub insert_ms: i64,
}

/// A read-only view of the body for rules, with the model resolved and scalars coerced.
#[derive(Debug)]
pub struct Req<'a> {
    body: &'a Map<String, Value>,
    coercion: Coercion,
    /// Resolved model name.
    pub model: &'static str,
    /// The video model's capabilities, for video endpoints.
    pub video_model: Option<&'static VideoModel>,
    /// Resolved mode (`"std"` when absent).
    pub mode: Cow<'a, str>,
    /// Resolved duration in seconds.
    pub duration: u32,
    /// What references (voices, elements, audios) may name.
    pub known: &'a dyn Known,
    /// Reject names outside partial catalogues ([`ValidationOptions::strict_catalogues`]).
    pub strict_catalogues: bool,
    /// The served day, whose catalogues (effect scenes) and model capabilities a rule may
    /// consult.
    pub day: crate::history::Day,
    /// The endpoint the request is for.
    pub endpoint: crate::EndpointId,
}

impl std::fmt::Debug for dyn Known + '_ {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Known")
    }
}

impl<'a> Req<'a> {
    /// A view over `body` with the model, mode and duration already resolved.
    pub fn new(
        body: &'a Map<String, Value>,
        coercion: Coercion,
        model: &'static str,
        video_model: Option<&'static VideoModel>,
        mode: Cow<'a, str>,
        duration: u32,
    ) -> Req<'a> {
        Req {
            body,
            coercion,
            model,
            video_model,
            mode,
            duration,
            known: &Presets,
            strict_catalogues: false,
            day: crate::history::Day::latest(),
            endpoint: crate::EndpointId::Text2Video,
        }
    }

    /// The raw value of a top-level key; JSON `null` counts as absent.
    pub fn get(&self, key: &str) -> Option<&'a Value> {
        self.body.get(key).filter(|v| !v.is_null())
    }

    /// Whether a key is present and not empty (empty strings and arrays count as absent).
    pub fn present(&self, key: &str) -> bool {
        is_present(self.get(key))
    }

    /// A top-level scalar as text.
    pub fn text(&self, key: &str) -> Option<Cow<'a, str>> {
        self.get(key).and_then(|v| as_text(v, self.coercion))
    }

    /// A top-level number.
    pub fn number(&self, key: &str) -> Option<f64> {
        self.get(key).and_then(|v| as_f64(v, self.coercion))
    }

    /// A top-level boolean (false when absent).
    pub fn flag(&self, key: &str) -> bool {
        self.get(key).and_then(|v| as_bool(v, self.coercion)).unwrap_or(false)
    }

    /// The value at a dotted path (`input.video_id`); `null` counts as absent.
    pub fn at(&self, path: &str) -> Option<&'a Value> {
        let mut parts = path.split('.');
        let first = self.get(parts.next()?)?;
        parts.try_fold(first, |v, key| v.get(key)).filter(|v| !v.is_null())
    }

    /// The text at a dotted path.
    pub fn text_at(&self, path: &str) -> Option<Cow<'a, str>> {
        self.at(path).and_then(|v| as_text(v, self.coercion))
    }

    /// Whether the dotted path holds a non-empty value.
    pub fn present_at(&self, path: &str) -> bool {
        is_present(self.at(path))
    }

    /// The number at a dotted path.
    pub fn number_at(&self, path: &str) -> Option<f64> {
        self.at(path).and_then(|v| as_f64(v, self.coercion))
    }

    /// A top-level array (empty when absent).
    pub fn array(&self, key: &str) -> &'a [Value] {
        self.get(key).and_then(Value::as_array).map_or(&[], Vec::as_slice)
    }

    /// Text of a key inside an object value.
    pub fn text_in(&self, value: &'a Value, key: &str) -> Option<Cow<'a, str>> {
        value.get(key).and_then(|v| as_text(v, self.coercion))
    }

    /// Number of a key inside an object value.
    pub fn number_in(&self, value: &Value, key: &str) -> Option<f64> {
        value.get(key).and_then(|v| as_f64(v, self.coercion))
    }

    /// Whether `sound` is `"on"`.
    pub fn sound_on(&self) -> bool {
        self.text("sound").is_some_and(|s| s == "on")
    }

    /// A new-standard `settings` value as text.
    pub fn setting(&self, key: &str) -> Option<Cow<'a, str>> {
        self.text_at(&format!("settings.{key}"))
    }

    /// A new-standard boolean setting, `default` when absent.
    pub fn setting_flag(&self, key: &str, default: bool) -> bool {
        self.at(&format!("settings.{key}")).and_then(|v| as_bool(v, self.coercion)).unwrap_or(default)
    }

    /// The new-standard `contents[]` items of type `tag`.
    pub fn items(&self, tag: &'a str) -> impl Iterator<Item = &'a Value> + 'a {
        let coercion = self.coercion;
        self.array("contents")
            .iter()
            .filter(move |item| item.get("type").and_then(|t| as_text(t, coercion)).is_some_and(|t| t == tag))
    }

    /// Whether `contents[]` has an item of type `tag`.
    pub fn has_item(&self, tag: &'a str) -> bool {
        self.items(tag).next().is_some()
    }

    /// The request's prompt: top-level `prompt`, or the text of the new-standard
    /// `prompt` item.
    pub fn prompt_text(&self) -> Option<Cow<'a, str>> {
        self.text("prompt").or_else(|| self.items("prompt").next().and_then(|item| self.text_in(item, "text")))
    }
}

/// A scalar read as text under `coercion`.
pub fn as_text(v: &Value, coercion: Coercion) -> Option<Cow<'_, str>> {
    match (v, coercion) {
        (Value::String(s), _) => Some(Cow::Borrowed(s.as_str())),
        (Value::Number(n), Coercion::Lenient) => Some(Cow::Owned(n.to_string())),
        (Value::Bool(b), Coercion::Lenient) => Some(Cow::Owned(b.to_string())),
        _ => None,
    }
}

/// A scalar read as a number under `coercion`.
pub fn as_f64(v: &Value, coercion: Coercion) -> Option<f64> {
    match (v, coercion) {
        (Value::Number(n), _) => n.as_f64(),
        (Value::String(s), Coercion::Lenient) => s.trim().parse::<f64>().ok().filter(|f| f.is_finite()),
        _ => None,
    }
}

/// A scalar read as a boolean under `coercion`.
pub fn as_bool(v: &Value, coercion: Coercion) -> Option<bool> {
    match (v, coercion) {
        (Value::Bool(b), _) => Some(*b),
        (Value::String(s), Coercion::Lenient) => match s.as_str() {
            "true" => Some(true),
            "false" => Some(false),
            _ => None,
        },
        _ => None,
    }
}

/// Checks `body` against `spec` and reduces it to a [`ValidRequest`]; references may name
/// presets only.
pub fn validate(spec: &EndpointSpec, body: &Value, options: &ValidationOptions) -> Result<ValidRequest, Violation> {
    validate_with(spec, body, options, &Presets)
}

/// [`validate`] for a caller whose voices, elements and audios `known` tells.
pub fn validate_with(
    spec: &EndpointSpec,
    body: &Value,
    options: &ValidationOptions,
    known: &dyn Known,
) -> Result<ValidRequest, Violation> {
    let normalized;
    let body = match spec.solution.and_then(|solution| solution.normalized(body)) {
        Some(with_aliases) => {
            normalized = with_aliases;
            &normalized
        }
        None => body,
    };
    let Some(map) = body.as_object() else {
        return Err(Violation {
            kind: ErrorKind::InvalidRequest,
            field: String::new(),
            message: "request body must be a JSON object".to_owned(),
            rule: None,
            hint: None,
        });
    };
    let style = spec.style();
    let flag_on = |flag: &str| map.get(flag).and_then(|v| as_bool(v, options.coercion)).unwrap_or(false);
    let check = Check { spec, style, coercion: options.coercion, day: options.day };
    let exists = |field: &str| options.day.field(spec.id, field) == crate::history::Offered::Yes;
    for field in spec.fields.iter().filter(|f| (options.seed_fields || !f.seed_only) && exists(f.name)) {
        if field.ignored_unless.is_some_and(|flag| !flag_on(flag)) {
            continue;
        }
        let present = map.get(field.name).filter(|v| !v.is_null() && v.as_str() != Some(""));
        if let Some(value) = present {
            check.value(field.name, &field.ty, field.says.as_ref(), value)?;
        } else if style == Style::Solution && matches!(field.ty, Ty::Items(_)) {
            // The Solutions pages answer a missing `contents` by what it lacks.
            check.value(field.name, &field.ty, None, &Value::Array(Vec::new()))?;
        } else if field.required {
            return Err(check.required(field.name, &field.ty, field.says.as_ref()));
        }
    }
    let mut req = spec.view_on(map, options.coercion, options.day);
    req.known = known;
    req.strict_catalogues = options.strict_catalogues;
    req.day = options.day;
    for rule in spec.rules {
        if options.lenient_model_support && rule.class == RuleClass::ModelSupport {
            continue;
        }
        if !options.seed_fields && rule.class == RuleClass::SeedDialect {
            continue;
        }
        // A lifted rule, or one about a field the day does not have yet.
        let top_field = rule.field.split(['.', '[']).next().unwrap_or_default();
        if options.day.rule(spec.id, rule.id) != crate::history::Offered::Yes || !exists(top_field) {
            continue;
        }
        (rule.check)(&req).map_err(|detail| {
            let violation = match style {
                Style::Legacy => Violation::parameter(rule.field, detail),
                Style::Standard | Style::Solution => Violation {
                    kind: ErrorKind::InvalidParameter,
                    field: rule.field.to_owned(),
                    message: detail,
                    rule: None,
                    hint: None,
                },
            };
            Violation { rule: Some(rule.id), ..violation }
        })?;
    }
    // The new-standard API takes the task options in `options`; a top-level
    // `callback_url` there is ignored like any unknown key (PROBE).
    let option = |key: &str| match style {
        Style::Legacy => req.text(key),
        Style::Standard | Style::Solution => req.text_at(&format!("options.{key}")),
    };
    // The Solutions pages spell it `watermark`, but the apparel page `watermark_info`:
    // both are read there, `watermark` first (FIDELITY.md).
    let watermark_paths: &[&str] = match style {
        Style::Legacy => &["watermark_info.enabled"],
        Style::Standard => &["options.watermark_info.enabled"],
        Style::Solution => &["options.watermark.enabled", "options.watermark_info.enabled"],
    };
    let watermark = watermark_paths
        .iter()
        .find_map(|path| req.at(path).and_then(|e| as_bool(e, options.coercion)))
        .unwrap_or(false);
    let owned = |v: Option<Cow<'_, str>>| v.filter(|s| !s.is_empty()).map(Cow::into_owned);
    let series = req.text("result_type").is_some_and(|t| t == "series");
    let count = |key: &str, default: f64| req.number(key).unwrap_or(default).clamp(1.0, 9.0) as u32;
    let n = if series { req.number("series_amount").map_or(4, |a| a.clamp(2.0, 9.0) as u32) } else { count("n", 1.0) };
    let mode = match (req.video_model, style) {
        (Some(model), _) => model.modes.and_then(|modes| modes.iter().copied().find(|m| *m == req.mode)),
        (None, Style::Legacy) => ["std", "pro"].into_iter().find(|m| *m == req.mode),
        (None, Style::Standard | Style::Solution) => ["720p", "1080p", "4k"].into_iter().find(|m| *m == req.mode),
    };
    let faces = req
        .array("face_choose")
        .iter()
        .map(|face| {
            let ms = |key: &str| req.number_in(face, key).unwrap_or(0.0) as i64;
            FaceChoice {
                face_id: req.text_in(face, "face_id").map(Cow::into_owned).unwrap_or_default(),
                sound_start_ms: ms("sound_start_time"),
                sound_end_ms: ms("sound_end_time"),
                insert_ms: ms("sound_insert_time"),
            }
        })
        .collect();
    Ok(ValidRequest {
        billing: crate::standard::billing(spec, &req)
            .or_else(|| crate::solutions::billing(spec, &req))
            .unwrap_or_else(|| legacy_billing(spec, &req, mode, n)),
        model: req.model,
        mode,
        duration_s: req.duration,
        prompt: req.prompt_text().map(Cow::into_owned),
        external_task_id: owned(option("external_task_id")),
        callback_url: owned(option("callback_url")),
        watermark,
        n,
        series,
        video_id: owned(req.text("video_id")).or_else(|| owned(req.text_at("input.video_id"))),
        video_url: owned(req.text("video_url"))
            .or_else(|| owned(req.text("voice_url")))
            .or_else(|| owned(req.text_at("input.video_url")))
            .or_else(|| req.array("video_list").first().and_then(|v| owned(req.text_in(v, "video_url")))),
        session_id: owned(req.text("session_id")),
        faces,
        duration_ms: duration_ms(spec, &req),
        audio_ms: crate::avatar::audio_ms(&req),
        name: owned(req.text("voice_name")).or_else(|| owned(req.text("element_name"))),
        description: owned(req.text("element_description")),
        reference_type: owned(req.text("reference_type")),
        edit_mode: owned(req.text("edit_mode")),
        subtitle_style: spec
            .solution
            .filter(|s| s.products.iter().any(|p| matches!(p, crate::solutions::Product::Subtitles(_))))
            .map(|_| crate::solutions::subtitle_style(&req)),
        fails_with: crate::solutions::planned_failure(spec, &req),
    })
}

/// The requested length in ms: TTS speech from its text, otherwise `duration` (top level
/// or in `input`) with its fraction kept.
fn duration_ms(spec: &EndpointSpec, req: &Req<'_>) -> u64 {
    if spec.id == crate::EndpointId::Tts {
        let language = req.text("voice_language").unwrap_or(Cow::Borrowed("zh"));
        let speed = req.number("voice_speed").unwrap_or(1.0);
        return crate::audio::speech_ms(&req.text("text").unwrap_or_default(), &language, speed);
    }
    let seconds = req.number("duration").or_else(|| req.number_at("input.duration")).unwrap_or(f64::from(req.duration));
    (seconds.clamp(0.0, 86_400.0) * 1000.0).round() as u64
}

fn type_name(ty: &Ty) -> &'static str {
    match ty {
        Ty::Text { .. } | Ty::Str | Ty::Enum(_) | Ty::Model | Ty::Image | Ty::ImageWithin(_) | Ty::HttpUrl => {
            "a string"
        }
        Ty::Float { .. } => "a number",
        Ty::Int { .. } | Ty::OneOf(_) => "an integer",
        Ty::Bool => "a boolean",
        Ty::Object(_) => "an object",
        Ty::Items(_) | Ty::Array { .. } => "an array",
    }
}

/// What checking one value needs to know besides the value.
struct Check<'s> {
    spec: &'s EndpointSpec,
    style: Style,
    coercion: Coercion,
    day: crate::history::Day,
}

impl Check<'_> {
    /// `value` of the field at `path` judged by the served day: `Ok(false)` when it is not
    /// offered yet (the caller answers as for an unknown value), an error when discontinued.
    fn dated(&self, path: &str, value: &str) -> Result<bool, Violation> {
        match self.day.value(self.spec.id, path, value) {
            crate::history::Offered::Yes => Ok(true),
            crate::history::Offered::NotYet(_) => Ok(false),
            crate::history::Offered::Retired(change) => {
                let hint = self.day.hint(self.spec, path, value, change);
                Err(Problem::Discontinued(value, hint).violation(self.style, path))
            }
        }
    }
}

impl Check<'_> {
    /// A missing required field, in the field's documented words when it has them.
    fn required(&self, path: &str, ty: &Ty, says: Option<&Says>) -> Violation {
        let violation = Problem::Required.violation(self.style, path);
        match says {
            Some(says @ (Says::Any(_) | Says::Range { .. })) => {
                Violation { message: says.message(path, ty, None), ..violation }
            }
            _ => violation,
        }
    }

    fn value(&self, path: &str, ty: &'static Ty, says: Option<&Says>, value: &Value) -> Result<(), Violation> {
        let fail = |problem: Problem<'_>| {
            let violation = problem.violation(self.style, path);
            match says {
                Some(says) if violation.hint.is_none() => {
                    Violation { message: says.message(path, ty, Some(value)), ..violation }
                }
                _ => violation,
            }
        };
        let wrong_type = || fail(Problem::WrongType(ty));
        let coercion = self.coercion;
        match ty {
            Ty::Text { max_chars } => {
                let text = as_text(value, coercion).ok_or_else(wrong_type)?;
                if text.chars().count() > *max_chars {
                    return Err(fail(Problem::TooLong(*max_chars)));
                }
            }
            Ty::Str => {
                // A dated name (an effect scene) that is retired is refused here; one not
                // launched yet is the catalogue rule's to refuse.
                let text = as_text(value, coercion).ok_or_else(wrong_type)?;
                self.dated(path, &text)?;
            }
            Ty::Enum(allowed) => {
                let text = as_text(value, coercion).ok_or_else(wrong_type)?;
                let offered = |v: &str| self.day.value(self.spec.id, path, v) == crate::history::Offered::Yes;
                if !allowed.contains(&text.as_ref()) || !self.dated(path, &text)? {
                    let known: Vec<&'static str> = allowed.iter().copied().filter(|v| offered(v)).collect();
                    return Err(fail(Problem::NotAllowed(&known, value)));
                }
            }
            Ty::Model => {
                let text = as_text(value, coercion).ok_or_else(wrong_type)?;
                let known = text.is_empty() || self.spec.offers_model(&text) && self.dated(path, &text)?;
                if !known {
                    return Err(fail(Problem::UnknownModel(value)));
                }
            }
            Ty::Float { min, max } => {
                let number = as_f64(value, coercion).ok_or_else(wrong_type)?;
                check_range(number, *min, *max, value).map_err(fail)?;
            }
            Ty::Int { min, max } => {
                let number = as_f64(value, coercion).ok_or_else(wrong_type)?;
                if number.fract() != 0.0 {
                    return Err(wrong_type());
                }
                check_range(number, *min as f64, *max as f64, value).map_err(fail)?;
            }
            Ty::OneOf(allowed) => {
                let number = as_f64(value, coercion).ok_or_else(wrong_type)?;
                if number.fract() != 0.0 || !allowed.iter().any(|a| *a as f64 == number) {
                    return Err(fail(Problem::NotAllowed(&[], value)));
                }
            }
            Ty::Bool => {
                as_bool(value, coercion).ok_or_else(wrong_type)?;
            }
            Ty::Image | Ty::ImageWithin(_) => {
                let limits = if let Ty::ImageWithin(limits) = ty { limits } else { &COMMON_LIMITS };
                let text = value.as_str().ok_or_else(wrong_type)?;
                image::inspect(text, limits).map_err(|e| fail(Problem::Image(e)))?;
            }
            Ty::HttpUrl => {
                let text = value.as_str().ok_or_else(wrong_type)?;
                if !text.is_empty() && !image::is_http_url(text) {
                    return Err(fail(Problem::NotHttp(value)));
                }
            }
            Ty::Object(fields) => {
                let object = value.as_object().ok_or_else(wrong_type)?;
                self.fields(path, fields, object)?;
            }
            Ty::Items(kinds) => self.items(path, ty, kinds, value)?,
            Ty::Array { item, min, max } => {
                let items = value.as_array().ok_or_else(wrong_type)?;
                if items.len() < *min || items.len() > *max {
                    return Err(fail(Problem::Size(*min, *max)));
                }
                for (i, sub) in items.iter().enumerate() {
                    self.value(&format!("{path}[{i}]"), item, None, sub)?;
                }
            }
        }
        Ok(())
    }

    fn fields(&self, path: &str, fields: &'static [Field], object: &Map<String, Value>) -> Result<(), Violation> {
        for field in fields {
            let sub_path = format!("{path}.{}", field.name);
            match object.get(field.name).filter(|v| !v.is_null()) {
                Some(sub) => self.value(&sub_path, &field.ty, field.says.as_ref(), sub)?,
                None if field.required => return Err(self.required(&sub_path, &field.ty, field.says.as_ref())),
                None => {}
            }
        }
        Ok(())
    }

    /// `contents[]`: not empty, every item of a known type with its required fields not
    /// blank (the recorded `content item of type 'prompt' must have non-blank text`),
    /// then the counts of each kind.
    fn items(&self, path: &str, ty: &'static Ty, kinds: &'static [ItemKind], value: &Value) -> Result<(), Violation> {
        let items = value.as_array().ok_or_else(|| Problem::WrongType(ty).violation(self.style, path))?;
        if items.is_empty() && self.style != Style::Solution {
            return Err(Problem::Required.violation(self.style, path));
        }
        let mut counts = vec![0_usize; kinds.len()];
        for (i, item) in items.iter().enumerate() {
            let item_path = format!("{path}[{i}]");
            let object =
                item.as_object().ok_or_else(|| Problem::WrongType(&OBJECT).violation(self.style, &item_path))?;
            let type_path = format!("{item_path}.type");
            let tag_value = object.get("type").filter(|v| !v.is_null());
            let tag = tag_value
                .and_then(|v| as_text(v, self.coercion))
                .filter(|t| !t.trim().is_empty())
                .ok_or_else(|| Problem::Required.violation(self.style, &type_path))?;
            let Some(k) = kinds.iter().position(|kind| kind.tag == tag) else {
                if self.style == Style::Standard && KNOWN_ITEM_TYPES.contains(&tag.as_ref()) {
                    continue;
                }
                let shown = tag_value.unwrap_or(&Value::Null);
                return Err(Problem::NotAllowed(KNOWN_ITEM_TYPES, shown).violation(self.style, &type_path));
            };
            counts[k] += 1;
            let kind = &kinds[k];
            for field in kind.fields {
                let field_path = format!("{item_path}.{}", field.name);
                match object.get(field.name).filter(|v| !v.is_null() && !is_blank(v)) {
                    Some(sub) => self.value(&field_path, &field.ty, field.says.as_ref(), sub)?,
                    None if field.required => {
                        // Recorded: "must have non-blank text", "must have a non-blank url".
                        let what = if field.name == "text" {
                            "non-blank text".to_owned()
                        } else {
                            format!("a non-blank {}", field.name)
                        };
                        let message = match (field.says, kind.missing) {
                            (Some(says @ (Says::Any(_) | Says::Range { .. })), _) => {
                                says.message(&field_path, &field.ty, None)
                            }
                            (_, Some(missing)) => missing.to_owned(),
                            _ => format!("content item of type '{}' must have {what}", kind.tag),
                        };
                        return Err(Violation {
                            kind: ErrorKind::InvalidParameter,
                            field: field_path,
                            message,
                            rule: None,
                            hint: None,
                        });
                    }
                    None => {}
                }
            }
        }
        for (kind, count) in kinds.iter().zip(counts) {
            let message = if count > kind.max {
                kind.too_many.map_or_else(
                    || format!("contents can have at most {} items of type '{}'", kind.max, kind.tag),
                    str::to_owned,
                )
            } else if count < kind.min {
                kind.missing.map_or_else(|| format!("contents must have an item of type '{}'", kind.tag), str::to_owned)
            } else {
                continue;
            };
            return Err(Violation {
                kind: ErrorKind::InvalidParameter,
                field: path.to_owned(),
                message,
                rule: None,
                hint: None,
            });
        }
        Ok(())
    }
}

const OBJECT: Ty = Ty::Object(&[]);

/// Whether a value is blank text (the new-standard checks treat it as missing).
fn is_blank(value: &Value) -> bool {
    value.as_str().is_some_and(|s| s.trim().is_empty())
}

/// The JSON type a [`Ty`] expects, as the new-standard messages name it.
fn json_type(ty: &Ty) -> &'static str {
    match ty {
        Ty::Text { .. } | Ty::Str | Ty::Enum(_) | Ty::Model | Ty::Image | Ty::ImageWithin(_) | Ty::HttpUrl => "string",
        Ty::Float { .. } => "number",
        Ty::Int { .. } | Ty::OneOf(_) => "integer",
        Ty::Bool => "boolean",
        Ty::Object(_) => "object",
        Ty::Items(_) | Ty::Array { .. } => "array",
    }
}

fn check_range(number: f64, min: f64, max: f64, value: &Value) -> Result<(), Problem<'_>> {
    if number < min {
        return Err(Problem::Below(min, value));
    }
    if number > max {
        return Err(Problem::Above(max, value));
    }
    Ok(())
}

/// One rule's accepting and rejecting example, as merge patches onto the base request.
#[derive(Debug, Clone, PartialEq)]
pub struct RuleCase {
    /// Stable id, `<field path>.<what>` or the cross rule's id.
    pub id: String,
    /// The field whose name the rejection message must contain.
    pub field: String,
    /// Patch that keeps the request valid.
    pub accept: Value,
    /// Patch that breaks exactly this rule.
    pub reject: Value,
    /// The error the rejection must carry.
    pub kind: ErrorKind,
    /// Whether the rule belongs to the model support matrix.
    pub class: RuleClass,
    /// Only meaningful in the seed dialect.
    pub seed_only: bool,
    /// The day the case is judged on: today's, or the last day that offered every dated
    /// value its requests name (a rule about `kling-v1` is checked before its retirement).
    pub day: crate::history::Day,
}

/// The last day offering every dated value that `patches` (merge patches onto `spec`'s
/// base) name: today's, unless one of them was withdrawn.
fn last_day_offering(spec: &EndpointSpec, patches: &[&Value]) -> crate::history::Day {
    fn walk(spec: &EndpointSpec, path: &str, value: &Value, day: &mut crate::history::Day) {
        match value {
            Value::String(text) => {
                if let crate::history::Offered::Retired(change) = day.value(spec.id, path, text) {
                    *day = crate::history::Day::before(change);
                }
            }
            Value::Object(map) => {
                for (key, sub) in map {
                    let sub_path = if path.is_empty() { key.clone() } else { format!("{path}.{key}") };
                    walk(spec, &sub_path, sub, day);
                }
            }
            _ => {}
        }
    }
    let mut day = crate::history::Day::latest();
    for patch in patches {
        walk(spec, "", patch, &mut day);
    }
    day
}

/// Applies an RFC 7396 JSON merge patch.
pub fn merge_patch(target: &mut Value, patch: &Value) {
    let Value::Object(patch_map) = patch else {
        *target = patch.clone();
        return;
    };
    if !target.is_object() {
        *target = Value::Object(Map::new());
    }
    if let Value::Object(target_map) = target {
        for (key, value) in patch_map {
            if value.is_null() {
                target_map.remove(key);
            } else {
                merge_patch(target_map.entry(key.clone()).or_insert(Value::Null), value);
            }
        }
    }
}

fn parse(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("rule table holds invalid JSON {text:?}: {e}"))
}

/// The accept/reject cases of every field and rule of `spec`. Panics if the tables hold
/// invalid JSON, which the crate's own tests rule out.
pub fn cases(spec: &EndpointSpec) -> Vec<RuleCase> {
    let mut out = Vec::new();
    for field in spec.fields {
        let seed_only = field.seed_only;
        let context = parse(field.context);
        let example = parse(field.example);
        // Set the key directly: a merge would drop a `null` instead of keeping it as the
        // patch's instruction to delete the field.
        let with = |value: Value| {
            let mut patch = context.clone();
            if let Some(map) = patch.as_object_mut() {
                map.insert(field.name.to_owned(), value);
            }
            patch
        };
        let accept = with(example.clone());
        if field.required {
            let reject = with(Value::Null);
            out.push(RuleCase {
                id: format!("{}.required", field.name),
                field: field.name.to_owned(),
                day: last_day_offering(spec, &[&accept, &reject]),
                accept: accept.clone(),
                reject,
                kind: ErrorKind::InvalidParameter,
                class: RuleClass::Structural,
                seed_only,
            });
        }
        let mut bad = Vec::new();
        bad_values(&field.ty, field.name, &example, &mut bad);
        for (id, path, value) in bad {
            let reject = with(value);
            out.push(RuleCase {
                id,
                field: path,
                day: last_day_offering(spec, &[&accept, &reject]),
                accept: accept.clone(),
                reject,
                kind: ErrorKind::InvalidParameter,
                class: RuleClass::Structural,
                seed_only,
            });
        }
    }
    for rule in spec.rules {
        let (accept, reject) = (parse(rule.accept), parse(rule.reject));
        // A rule lifted since is checked on its last day in force; one whose rejection is a
        // capability's example, on the day before the capability.
        let day = match crate::history::Day::latest().rule(spec.id, rule.id) {
            crate::history::Offered::Retired(change) => crate::history::Day::before(change),
            _ => match crate::history::Day::capability_example(spec.id, &reject) {
                Some(change) => crate::history::Day::before(change),
                None => last_day_offering(spec, &[&accept, &reject]),
            },
        };
        out.push(RuleCase {
            id: rule.id.to_owned(),
            field: rule.field.to_owned(),
            day,
            accept,
            reject,
            kind: ErrorKind::InvalidParameter,
            class: rule.class,
            seed_only: rule.class == RuleClass::SeedDialect,
        });
    }
    out
}

/// Values for a field (rooted at `path`, whose valid value is `example`) that each break
/// exactly one of its constraints: `(case id, field path in the message, bad value)`.
fn bad_values(ty: &Ty, path: &str, example: &Value, out: &mut Vec<(String, String, Value)>) {
    let mut push = |what: &str, value: Value| out.push((format!("{path}.{what}"), path.to_owned(), value));
    match ty {
        Ty::Text { max_chars } => {
            push("type", json!({}));
            push("max_chars", Value::String("x".repeat(max_chars + 1)));
        }
        Ty::Str => push("type", json!({})),
        Ty::Enum(_) => {
            push("type", json!([]));
            push("enum", json!("__not_an_allowed_value__"));
        }
        Ty::Model => push("enum", json!("kling-v0-unknown")),
        Ty::Float { min, max } => {
            push("type", json!("not a number"));
            push("min", json!(min - 1.0));
            push("max", json!(max + 1.0));
        }
        Ty::Int { min, max } => {
            push("type", json!(1.5));
            if let Some(below) = min.checked_sub(1) {
                push("min", json!(below));
            }
            if let Some(above) = max.checked_add(1) {
                push("max", json!(above));
            }
        }
        Ty::OneOf(allowed) => {
            push("type", json!("not a number"));
            push("enum", json!(allowed.iter().max().map_or(0, |m| m + 1)));
        }
        Ty::Bool => push("type", json!("maybe")),
        Ty::Image => {
            push("type", json!(7));
            push("data_uri", json!("data:image/png;base64,$image:png:640x360"));
            push("not_base64", json!("not an image ###"));
            push("format", json!("$image:gif:640x360"));
            push("min_side", json!("$image:png:640x299"));
            push("aspect", json!("$image:png:1000x300"));
            push("max_bytes", json!("$image:png:640x360:pad=10485761"));
        }
        Ty::ImageWithin(limits) => {
            let min = limits.min_side;
            let wide = (f64::from(min) * limits.max_aspect).ceil() as u32 + 100;
            push("type", json!(7));
            push("data_uri", json!(format!("data:image/png;base64,$image:png:{}x{min}", min * 2)));
            push("not_base64", json!("not an image ###"));
            push("format", json!(format!("$image:gif:{}x{min}", min * 2)));
            push("min_side", json!(format!("$image:png:{}x{}", min * 2, min - 1)));
            push("aspect", json!(format!("$image:png:{wide}x{min}")));
            // A padded image over a large limit would not fit in a request body.
            if limits.max_bytes <= 16 * 1024 * 1024 {
                push("max_bytes", json!(format!("$image:png:{}x{min}:pad={}", min * 2, limits.max_bytes + 1)));
            }
        }
        Ty::HttpUrl => {
            push("type", json!(7));
            push("scheme", json!("ftp://example.com/hook"));
        }
        Ty::Items(kinds) => item_cases(kinds, path, example, out),
        Ty::Object(fields) => {
            push("type", json!("not an object"));
            for sub in *fields {
                let sub_example = example.get(sub.name).cloned().unwrap_or(Value::Null);
                let sub_path = format!("{path}.{}", sub.name);
                if sub.required {
                    // `null` rather than removal: the case is a merge patch, and only a
                    // `null` deletes a key the base request already has.
                    let mut without = example.clone();
                    if let Some(map) = without.as_object_mut() {
                        map.insert(sub.name.to_owned(), Value::Null);
                    }
                    out.push((format!("{sub_path}.required"), sub_path.clone(), without));
                }
                let mut nested = Vec::new();
                bad_values(&sub.ty, &sub_path, &sub_example, &mut nested);
                for (id, field, bad) in nested {
                    let mut replaced = example.clone();
                    replaced[sub.name] = bad;
                    out.push((id, field, replaced));
                }
            }
        }
        Ty::Array { item, min, max } => {
            push("type", json!("not an array"));
            let first = example.get(0).cloned().unwrap_or(Value::Null);
            push("max_items", Value::Array(vec![first.clone(); max + 1]));
            if *min > 0 {
                push("min_items", Value::Array(vec![first.clone(); min - 1]));
            }
            let mut nested = Vec::new();
            bad_values(item, &format!("{path}[0]"), &first, &mut nested);
            for (id, field, bad) in nested {
                let mut replaced = example.clone();
                replaced[0] = bad;
                out.push((id, field, replaced));
            }
        }
    }
}

/// The cases of a `contents[]` field: not an array, empty, an unknown type, and per kind
/// a blank required field, bad field values, one item too many and none where one is
/// needed. `example` is a valid `contents[]` holding an item of every kind it tests.
fn item_cases(kinds: &[ItemKind], path: &str, example: &Value, out: &mut Vec<(String, String, Value)>) {
    let items = example.as_array().cloned().unwrap_or_default();
    let tag_of = |item: &Value| item.get("type").and_then(Value::as_str).unwrap_or("").to_owned();
    out.push((format!("{path}.type"), path.to_owned(), json!("not an array")));
    out.push((format!("{path}.empty"), path.to_owned(), json!([])));
    if let Some(first) = items.first() {
        let mut unknown = items.clone();
        unknown[0]["type"] = json!("__not_a_type__");
        out.push((format!("{path}.unknown_type"), format!("{path}[0].type"), Value::Array(unknown)));
        let mut untyped = items.clone();
        if let Some(map) = untyped[0].as_object_mut() {
            map.remove("type");
        }
        out.push((format!("{path}.type_required"), format!("{path}[0].type"), Value::Array(untyped)));
        debug_assert!(first.is_object());
    }
    for kind in kinds {
        let id = |what: &str| format!("{path}.{}.{what}", kind.tag);
        let Some(at) = items.iter().position(|item| tag_of(item) == kind.tag) else { continue };
        for field in kind.fields {
            if field.required {
                let mut blank = items.clone();
                blank[at][field.name] = json!(" ");
                let message_path = format!("{path}[{at}].{}", field.name);
                out.push((id(&format!("{}.required", field.name)), message_path, Value::Array(blank)));
            }
            let sub_example = items[at].get(field.name).cloned().unwrap_or(Value::Null);
            let mut nested = Vec::new();
            bad_values(&field.ty, &format!("{path}[{at}].{}", field.name), &sub_example, &mut nested);
            for (case, message_path, bad) in nested {
                let mut replaced = items.clone();
                replaced[at][field.name] = bad;
                out.push((
                    case.replacen(&format!("[{at}]"), &format!(".{}", kind.tag), 1),
                    message_path,
                    Value::Array(replaced),
                ));
            }
        }
        let count = items.iter().filter(|item| tag_of(item) == kind.tag).count();
        if kind.max < 16 {
            let mut more = items.clone();
            more.extend(std::iter::repeat_n(items[at].clone(), kind.max + 1 - count.min(kind.max + 1)));
            out.push((id("max_items"), path.to_owned(), Value::Array(more)));
        }
        if kind.min > 0 {
            let fewer: Vec<Value> = items.iter().filter(|item| tag_of(item) != kind.tag).cloned().collect();
            if !fewer.is_empty() {
                out.push((id("min_items"), path.to_owned(), Value::Array(fewer)));
            }
        }
    }
}

/// `watermark_info`, common to every create endpoint.
pub const WATERMARK_INFO: Field = Field::optional(
    "watermark_info",
    Ty::Object(&[Field::optional("enabled", Ty::Bool, "true")]),
    r#"{"enabled": true}"#,
);
/// `callback_url`, common to every create endpoint.
pub const CALLBACK_URL: Field = Field::optional("callback_url", Ty::HttpUrl, r#""https://example.com/hook""#);
/// `external_task_id`, common to every create endpoint.
pub const EXTERNAL_TASK_ID: Field = Field::optional("external_task_id", Ty::Str, r#""order-1""#);

/// `video_id`: a Kling video of the account, the alternative to `video_url`.
pub const VIDEO_ID: Field = Field::optional("video_id", Ty::Str, r#""$video_id""#).within(r#"{"video_url": null}"#);

/// `video.exactly_one`: exactly one of `video_id` and `video_url` (on bases that send
/// `video_url`).
pub const VIDEO_ID_OR_URL: Rule = Rule {
    id: "video.exactly_one",
    field: "video_id",
    summary: "exactly one of video_id and video_url",
    class: RuleClass::Structural,
    check: |r| exactly_one(r, "video_id", "video_url"),
    expressed: Expressed::ExactlyOne("video_id", "video_url"),
    accept: r#"{"video_url": null, "video_id": "$video_id"}"#,
    reject: r#"{"video_url": null}"#,
};

/// Exactly one of two alternative fields (`video_id` or `video_url`, ...) is given.
pub fn exactly_one(r: &Req<'_>, a: &str, b: &str) -> Result<(), String> {
    match (r.present(a), r.present(b)) {
        (true, false) | (false, true) => Ok(()),
        (true, true) => Err(format!("give only one of {a} and {b}")),
        (false, false) => Err(format!("{a} or {b} is required")),
    }
}

/// Checks that every `<<<kind_N>>>` in the prompt names one of `available` entries (from 1).
pub fn check_references(r: &Req<'_>, kind: &str, available: usize, list: &str) -> Result<(), String> {
    let prompt = r.text("prompt").unwrap_or_default();
    match prompt_references(&prompt, kind).into_iter().find(|n| *n == 0 || *n as usize > available) {
        Some(n) => Err(format!("<<<{kind}_{n}>>> does not refer to an entry of {list} ({available} given)")),
        None => Ok(()),
    }
}

/// The numbers `N` of every `<<<kind_N>>>` reference in `prompt`, in order.
pub fn prompt_references(prompt: &str, kind: &str) -> Vec<u32> {
    let opener = format!("<<<{kind}_");
    let mut found = Vec::new();
    let mut rest = prompt;
    while let Some(start) = rest.find(&opener) {
        rest = &rest[start + opener.len()..];
        let digits = rest.find(|c: char| !c.is_ascii_digit()).unwrap_or(rest.len());
        if rest[digits..].starts_with(">>>")
            && let Ok(n) = rest[..digits].parse()
        {
            found.push(n);
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prompt_references_are_found() {
        assert_eq!(prompt_references("<<<voice_1>>> and <<<voice_12>>> <<<voice_x>>>", "voice"), vec![1, 12]);
        assert!(prompt_references("no refs", "image").is_empty());
    }

    #[test]
    fn merge_patch_follows_rfc_7396() {
        let mut target = json!({"a": 1, "b": {"c": 2, "d": 3}});
        merge_patch(&mut target, &json!({"a": null, "b": {"c": 9}, "e": [1]}));
        assert_eq!(target, json!({"b": {"c": 9, "d": 3}, "e": [1]}));
    }

    #[test]
    fn lenient_coercion_reads_scalars_like_a_json_binder() {
        assert_eq!(as_text(&json!(5), Coercion::Lenient).as_deref(), Some("5"));
        assert_eq!(as_text(&json!(5), Coercion::Strict), None);
        assert_eq!(as_f64(&json!("0.5"), Coercion::Lenient), Some(0.5));
        assert_eq!(as_bool(&json!("true"), Coercion::Lenient), Some(true));
        assert_eq!(as_text(&json!([]), Coercion::Lenient), None);
    }
}
