//! The OpenAPI 3.1 document of the API, generated from the tables of this crate so that it
//! can never disagree with what the emulator enforces.
//!
//! - Paths come from the endpoints a [`Day`] offers ([`crate::ENDPOINTS`]): create, query
//!   and list for every task endpoint, one `POST` for each synchronous one, plus the routes
//!   outside the catalogue (`/tasks`, `GET /account/costs`, the preset lists).
//! - Request bodies come from each endpoint's [`Field`] table (types, enums, bounds,
//!   required fields) and its cross-field [`Rule`](crate::rules::Rule)s (listed in the description and in
//!   `x-kling-rules`). Seed-dialect fields and paths are left out: the document describes
//!   the official API.
//! - Response bodies are JSON Schemas derived from the [`crate::wire`] types.
//! - Error responses come from the [`ErrorKind`] catalogue, one per HTTP status, with the
//!   codes that status carries.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use schemars::generate::{SchemaGenerator, SchemaSettings};
use serde_json::{Map, Value, json};

use crate::endpoints::{EndpointSpec, Output, PAGE_NUM, PAGE_SIZE};
use crate::history::{Day, Offered};
use crate::image::COMMON_LIMITS;
use crate::rules::{Expressed, Field, RuleClass, Ty};
use crate::wire::{
    AccountCosts, CreatedTask, ElementDeletion, Envelope, ErrorBody, FaceSession, Recognition, SelectionResult,
    SelectionSession, Task, VoiceDeletion,
};
use crate::{EndpointId, ErrorKind};

/// The OpenAPI version the document follows.
pub const OPENAPI_VERSION: &str = "3.1.0";

/// The name of the security scheme every operation uses.
const BEARER: &str = "bearerAuth";
/// The name of the API-key scheme (the new-standard paths take only this one).
const API_KEY: &str = "apiKey";

/// The preset lists: each preset shown as a succeeded task carrying it in `task_result`.
const PRESET_LISTS: &[(&str, &str)] = &[
    ("/v1/general/presets-voices", "The preset voices every account may use, as succeeded tasks with `voices`."),
    (
        "/v1/general/advanced-presets-elements",
        "The preset elements every account may use, as succeeded tasks with `elements`.",
    ),
];

/// The document of today's API; `server_url` is the base URL clients should call.
pub fn document(server_url: &str) -> Value {
    document_for(Day::latest(), server_url)
}

/// The document of the API as it stood on `day`: the endpoints and routes it offered.
pub fn document_for(day: Day, server_url: &str) -> Value {
    let mut builder = Builder::new(day);
    let mut paths = Map::new();
    for spec in day.offered() {
        builder.endpoint(spec, &mut paths);
    }
    if day.route("/tasks") == Offered::Yes {
        paths.insert("/tasks".to_owned(), builder.tasks());
    }
    if day.route(crate::solutions::QUERY_PATH) == Offered::Yes {
        paths.insert(crate::solutions::QUERY_PATH.to_owned(), builder.solutions());
    }
    if day.route("/account/costs") == Offered::Yes {
        paths.insert("/account/costs".to_owned(), builder.account_costs());
    }
    for export in BILLING_EXPORTS.iter().filter(|e| day.route(e.path) == Offered::Yes) {
        paths.insert(export.path.to_owned(), builder.billing_export(export));
    }
    for (path, what) in PRESET_LISTS.iter().filter(|(path, _)| day.route(path) == Offered::Yes) {
        paths.insert((*path).to_owned(), builder.preset_list(path, what));
    }
    builder.schema::<ErrorBody>();
    let mut schemas = builder.generator.take_definitions(true);
    finish_envelopes(&mut schemas, &builder.envelopes);
    schemas.append(&mut builder.requests);
    json!({
        "openapi": OPENAPI_VERSION,
        "info": {
            "title": "Kling AI API (as emulated by kling-mock)",
            "version": env!("CARGO_PKG_VERSION"),
            "summary": "The Kling AI API: the legacy /v1 task API (JWT or API key), the new-standard API with /tasks and the Solutions API with /solutions; envelope, task objects, error codes.",
            "description": "Generated from the kling-api tables that the kling-mock emulator validates \
                requests with, so it describes exactly what the emulator accepts and answers (official \
                dialect). Every task endpoint has create (`POST <path>`), query (`GET <path>/{id}`, by \
                `task_id` or `external_task_id`) and list (`GET <path>?pageNum=&pageSize=`). Scalars are \
                read leniently by default (`5` for `\"5\"`); the emulator's `--strict-types` requires the \
                types given here.",
            "license": {"name": "MIT OR Apache-2.0", "identifier": "MIT OR Apache-2.0"},
        },
        "servers": [{"url": server_url}],
        "security": [{BEARER: []}, {API_KEY: []}],
        "tags": builder.tags(),
        "paths": paths,
        "components": {
            "securitySchemes": {
                API_KEY: {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "An API key from the console (`Authorization: Bearer <key>`). Works on every \
                        path; the new-standard paths, `/tasks` and the Solutions API take nothing else (an AK/SK token \
                        gets 401 / 1002).",
                },
                BEARER: {
                    "type": "http",
                    "scheme": "bearer",
                    "bearerFormat": "JWT",
                    "description": "An HS256 JWT signed with the secret key, with claims `iss` = access key, \
                        `exp` and `nbf` (Unix seconds; the official sample uses now + 1800 and now - 5). \
                        Missing: 401 / 1001; invalid: 1002; not yet valid: 1003; expired: 1004.",
                },
            },
            "schemas": schemas,
            "responses": error_responses(),
        },
    })
}

/// Collects schemas while the paths are built.
struct Builder {
    generator: SchemaGenerator,
    /// Request body schemas by component name.
    requests: Map<String, Value>,
    /// Component names of the success envelopes (their `data` is required).
    envelopes: Vec<String>,
    /// Tag names in order of first use.
    tags: Vec<String>,
    /// The day described: its models, values and defaults.
    day: Day,
}

impl Builder {
    fn new(day: Day) -> Builder {
        let settings = SchemaSettings::draft2020_12().for_serialize().with(|s| {
            s.definitions_path = "/components/schemas".into();
            s.meta_schema = None;
        });
        Builder {
            generator: settings.into_generator(),
            requests: Map::new(),
            envelopes: Vec::new(),
            tags: Vec::new(),
            day,
        }
    }

    /// A `$ref` to `T`'s schema, generated on first use.
    fn schema<T: JsonSchema>(&mut self) -> Value {
        self.generator.subschema_for::<T>().to_value()
    }

    /// A `$ref` to the success envelope around `T`.
    fn envelope<T: JsonSchema>(&mut self) -> Value {
        let reference = self.schema::<Envelope<T>>();
        if let Some(name) = component_name(&reference)
            && !self.envelopes.contains(&name)
        {
            self.envelopes.push(name);
        }
        reference
    }

    fn tag(&mut self, path: &str) -> String {
        let tag = tag_of(path);
        if !self.tags.contains(&tag) {
            self.tags.push(tag.clone());
        }
        tag
    }

    fn tags(&self) -> Value {
        Value::Array(self.tags.iter().map(|t| json!({"name": t})).collect())
    }

    fn endpoint(&mut self, spec: &EndpointSpec, paths: &mut Map<String, Value>) {
        let tag = self.tag(spec.path);
        let request = request_name(spec.id);
        self.requests.insert(request.clone(), request_schema(spec, self.day));
        let body = json!({
            "required": true,
            "content": {"application/json": {"schema": {"$ref": format!("#/components/schemas/{request}")}, "example": example(spec.base)}},
        });
        let id = spec.name.replace(['-', '/', '.'], "_");
        if spec.standard.is_some() {
            let created = self.envelope::<crate::wire_standard::Created>();
            let item = self.schema::<crate::wire_standard::TaskItem>();
            let create = operation(
                &tag,
                &format!("create_{id}"),
                &format!(
                    "Submit a {} task (new-standard API, API key only); query it with `GET /tasks` or give \
                     `options.callback_url`.",
                    spec.name
                ),
                created,
            )
            .with("requestBody", body)
            .with("security", json!([{API_KEY: []}]))
            .with_errors(true)
            .with("callbacks", callbacks("options/callback_url", "body like an item of `GET /tasks`", item));
            paths.insert(spec.path.to_owned(), json!({"post": create}));
            return;
        }
        if let Some(solution) = spec.solution {
            let created = self.envelope::<crate::wire_solutions::SolutionCreated>();
            let item = self.schema::<crate::wire_solutions::SolutionItem>();
            let outputs: Vec<&str> = solution.products.iter().map(|p| p.kind()).collect();
            let when = match solution.callbacks {
                crate::solutions::Callbacks::EveryChange => "on every status change",
                crate::solutions::Callbacks::TerminalOnly => "on `succeeded` and `failed` only",
            };
            let create = operation(
                &tag,
                &format!("create_{id}"),
                &format!(
                    "Submit a {} task (Solutions API, API key only; outputs {}); query it with `GET /solutions` \
                     or give `options.callback_url` (called {when}). Official page: {}",
                    spec.name,
                    outputs.join(", "),
                    solution.page
                ),
                created,
            )
            .with("requestBody", body)
            .with("security", json!([{API_KEY: []}]))
            .with_errors(true)
            .with("callbacks", callbacks("options/callback_url", "body like an item of `GET /solutions`", item));
            paths.insert(spec.path.to_owned(), json!({"post": create}));
            return;
        }
        if !spec.output.is_queryable() {
            let data = self.immediate_answer(spec.id).unwrap_or_else(|| self.envelope::<Value>());
            let summary = if spec.output == Output::Speech {
                "Answered at once with the finished task; it has no query or list route."
            } else {
                "Answered at once; no task is created."
            };
            let post = operation(&tag, &format!("{}_{id}", spec.name), summary, data)
                .with("requestBody", body)
                .with_errors(true);
            paths.insert(spec.path.to_owned(), json!({"post": post}));
            return;
        }
        let created = self.envelope::<CreatedTask>();
        let task = self.envelope::<Task>();
        let list = self.envelope::<Vec<Task>>();
        let task_ref = self.schema::<Task>();
        let mut create = operation(
            &tag,
            &format!("create_{id}"),
            &format!("Submit a {} task ({} pack); poll it or give `callback_url`.", spec.name, pack_name(spec)),
            created,
        )
        .with("requestBody", body)
        .with_errors(true);
        if spec.fields.iter().any(|f| f.name == "callback_url") {
            create = create.with("callbacks", callbacks("callback_url", "body like the query's `data`", task_ref));
        }
        let list_op =
            operation(&tag, &format!("list_{id}"), "The account's tasks of this endpoint, newest first.", list)
                .with("parameters", page_parameters("Tasks per page"))
                .with_errors(false);
        let query =
            operation(&tag, &format!("get_{id}"), "One task of the account; another account's task is unknown.", task)
                .with(
                    "parameters",
                    json!([{
                        "name": "id",
                        "in": "path",
                        "required": true,
                        "description": "The `task_id`, or the `external_task_id` given at create",
                        "schema": {"type": "string", "minLength": 1},
                    }]),
                )
                .with_errors(false);
        paths.insert(spec.path.to_owned(), json!({"post": create, "get": list_op}));
        paths.insert(format!("{}/{{id}}", spec.path), json!({"get": query}));
    }

    /// The success envelope of an endpoint answered at once, `None` for one this table
    /// does not know yet (a test keeps that from happening).
    fn immediate_answer(&mut self, id: EndpointId) -> Option<Value> {
        Some(match id {
            EndpointId::IdentifyFace => self.envelope::<FaceSession>(),
            EndpointId::InitSelection => self.envelope::<SelectionSession>(),
            EndpointId::AddSelection
            | EndpointId::DeleteSelection
            | EndpointId::ClearSelection
            | EndpointId::PreviewSelection => self.envelope::<SelectionResult>(),
            EndpointId::DeleteVoices => self.envelope::<VoiceDeletion>(),
            EndpointId::DeleteElements | EndpointId::DeleteAdvancedElements => self.envelope::<ElementDeletion>(),
            EndpointId::ImageRecognize => self.envelope::<Recognition>(),
            EndpointId::Tts => self.envelope::<Task>(),
            _ => return None,
        })
    }

    /// `GET` of a preset list: every account's presets, paged like a task list.
    fn preset_list(&mut self, path: &str, what: &str) -> Value {
        let tag = self.tag(path);
        let list = self.envelope::<Vec<Task>>();
        let name = path.rsplit('/').next().unwrap_or(path).replace('-', "_");
        let get = operation(&tag, &format!("list_{name}"), what, list)
            .with("parameters", page_parameters("Presets per page"))
            .with_errors(false);
        json!({"get": get})
    }

    /// `GET /tasks` (by ids) and `POST /tasks` (by cursor), from the tables of
    /// [`crate::standard`].
    fn tasks(&mut self) -> Value {
        use crate::standard::{TASK_FILTERS, TASK_IDS_MAX, TASKS_LIMIT};
        let tag = self.tag("/tasks");
        let items = self.envelope::<Vec<crate::wire_standard::TaskItem>>();
        let page = self.envelope::<crate::wire_standard::TaskPage>();
        let get = operation(
            &tag,
            "get_tasks",
            "The account's tasks with these ids, in the order asked; unknown ids are left out (an unknown id alone \
             answers `data: []`).",
            items,
        )
        .with("parameters", id_parameters(TASK_IDS_MAX))
        .with("security", json!([{API_KEY: []}]))
        .with_errors(false);
        let millis = json!({"oneOf": [{"type": "integer", "format": "int64", "minimum": 0}, {"type": "string", "pattern": "^[0-9]{1,19}$"}]});
        let filters = TASK_FILTERS.iter().map(|(key, values)| filter_schema(key, Some(values))).collect();
        let body = cursor_body(
            false,
            millis,
            filters,
            TASKS_LIMIT,
            "Times are Unix ms (numbers or digit strings); the window defaults to the 30 days before \
                `end_time` (default now) and `end_time` must not be before `start_time`. A non-empty `cursor` (the \
                `next_cursor` of the previous page) overrides the window.",
        );
        let post = operation(&tag, "list_tasks", "The account's tasks by cursor, newest first.", page)
            .with("requestBody", body)
            .with("security", json!([{API_KEY: []}]))
            .with_errors(true);
        json!({"get": get, "post": post})
    }

    /// `GET /solutions` (by ids) and `POST /solutions` (by cursor), from the tables of
    /// [`crate::solutions`].
    fn solutions(&mut self) -> Value {
        use crate::solutions::{FILTERS, IDS_MAX, LIMIT, QUERY_PATH};
        let tag = self.tag(QUERY_PATH);
        let items = self.envelope::<Vec<crate::wire_solutions::SolutionItem>>();
        let page = self.envelope::<crate::wire_solutions::SolutionPage>();
        let get = operation(
            &tag,
            "get_solutions",
            "The account's Solutions tasks with these ids, in the order asked; unknown ids and tasks of the other \
             surfaces are left out.",
            items,
        )
        .with("parameters", id_parameters(IDS_MAX))
        .with("security", json!([{API_KEY: []}]))
        .with_errors(false);
        let millis = json!({"oneOf": [{"type": "integer", "format": "int64", "minimum": 0}, {"type": "string", "pattern": "^[0-9]{1,19}$"}]});
        let filters = FILTERS.iter().map(|(key, values)| filter_schema(key, Some(values))).collect();
        let mut body = cursor_body(
            false,
            millis,
            filters,
            (1, LIMIT.0, LIMIT.1),
            "Times are Unix ms; the window defaults to the 30 days before `end_time` (default now). A non-empty \
                `cursor` overrides the window. `limit` 0 or less counts as 1, more than 500 as 500.",
        );
        if let Some(limit) = body.pointer_mut("/content/application~1json/schema/properties/limit") {
            *limit = json!({"type": "integer", "default": LIMIT.1});
        }
        let post = operation(&tag, "list_solutions", "The account's Solutions tasks by cursor, newest first.", page)
            .with("requestBody", body)
            .with("security", json!([{API_KEY: []}]))
            .with_errors(true);
        json!({"get": get, "post": post})
    }

    /// `POST /account/billing/balance` or `/package`, from [`crate::wire_billing`].
    fn billing_export(&mut self, export: &BillingExport) -> Value {
        use crate::wire_billing::EXPORT_LIMIT;
        let tag = self.tag(export.path);
        let page = (export.page)(self);
        let filters = export.filters.iter().map(|(key, values)| filter_schema(key, *values)).collect();
        let millis = json!({"type": "integer", "format": "int64", "minimum": 0});
        let body = cursor_body(
            true,
            millis,
            filters,
            EXPORT_LIMIT,
            "Unix ms; the window (on the tasks' creation times) is required without a cursor and \
                `start_time` must be before `end_time`. A non-empty `cursor` (the `next_cursor` of the previous \
                page) carries the first request's window, filters and limit. Values of one key are OR-ed, keys \
                AND-ed, empty values are no filter.",
        );
        let post = operation(&tag, export.operation, export.summary, page).with("requestBody", body).with_errors(true);
        json!({"post": post})
    }

    fn account_costs(&mut self) -> Value {
        let tag = self.tag("/account/costs");
        let data = self.envelope::<AccountCosts>();
        let millis = |name: &str, required: bool, what: &str| {
            json!({"name": name, "in": "query", "required": required, "description": what,
                   "schema": {"type": "integer", "format": "int64"}})
        };
        let get = operation(
            &tag,
            "account_costs",
            "The account's resource packs and their remaining units (free; QPS <= 1).",
            data,
        )
        .with(
            "parameters",
            json!([
                millis("start_time", true, "Start of the window, Unix milliseconds"),
                millis("end_time", true, "End of the window, Unix milliseconds; not before `start_time` (else 400 / 1201)"),
                {"name": "resource_pack_name", "in": "query", "required": false,
                 "description": "Only the pack with exactly this name", "schema": {"type": "string"}},
            ]),
        )
        .with_errors(false);
        json!({"get": get})
    }
}

/// One `filters[]` entry of a cursor query: the key, and its values (`None`: any string).
/// The query parameters of a lookup by ids (`GET /tasks`, `GET /solutions`): task ids or
/// external ids, at most `max`.
fn id_parameters(max: usize) -> Value {
    use crate::standard::TASK_IDS_REQUIRED;
    let ids = |name: &str, what: &str| {
        json!({"name": name, "in": "query", "required": false, "description": format!(
            "{what}, comma-separated, at most {max}; give this or the other, not both (neither: 400 / 1201 \
             `{TASK_IDS_REQUIRED}`)"),
            "schema": {"type": "string", "minLength": 1}})
    };
    json!([ids("task_ids", "Task ids"), ids("external_task_ids", "External task ids given at create")])
}

fn filter_schema(key: &str, values: Option<&[&str]>) -> Value {
    let items = match values {
        Some(values) => json!({"type": "string", "enum": values}),
        None => json!({"type": "string"}),
    };
    json!({
        "type": "object",
        "properties": {"key": {"const": key}, "values": {"type": "array", "items": items}},
        "required": ["key", "values"],
    })
}

/// The body of `POST /tasks` and the billing exports: a window in ms, a cursor, a page
/// size and filters.
fn cursor_body(
    required: bool,
    millis: Value,
    filters: Vec<Value>,
    (min, max, default): (usize, usize, usize),
    description: &str,
) -> Value {
    json!({"required": required, "content": {"application/json": {"schema": {
        "type": "object",
        "properties": {
            "start_time": millis.clone(),
            "end_time": millis,
            "cursor": {"type": "string"},
            "limit": {"type": "integer", "minimum": min, "maximum": max, "default": default},
            "filters": {"type": "array", "items": {"oneOf": filters}},
        },
        "description": description,
    }}}})
}

/// One billing export of the document.
struct BillingExport {
    path: &'static str,
    operation: &'static str,
    summary: &'static str,
    filters: &'static [crate::wire_billing::FilterKey],
    page: fn(&mut Builder) -> Value,
}

const BILLING_EXPORTS: &[BillingExport] = &[
    BillingExport {
        path: "/account/billing/balance",
        operation: "export_balance_deductions",
        summary: "Every cash deduction (balance and test balance) of the account, newest first, by cursor.",
        filters: crate::wire_billing::BALANCE_FILTERS,
        page: |b| b.envelope::<crate::wire_billing::ExportPage<crate::wire_billing::BalanceDetail>>(),
    },
    BillingExport {
        path: "/account/billing/package",
        operation: "export_package_deductions",
        summary: "Every resource-pack (unit) deduction of the account, newest first, by cursor.",
        filters: crate::wire_billing::PACKAGE_FILTERS,
        page: |b| b.envelope::<crate::wire_billing::ExportPage<crate::wire_billing::PackageDetail>>(),
    },
];

/// An operation under construction.
struct Operation(Map<String, Value>);

fn operation(tag: &str, id: &str, summary: &str, success: Value) -> Operation {
    let mut map = Map::new();
    map.insert("tags".to_owned(), json!([tag]));
    map.insert("operationId".to_owned(), json!(id));
    map.insert("summary".to_owned(), json!(summary));
    map.insert(
        "responses".to_owned(),
        json!({"200": {"description": "Success: `code` 0, `message` \"SUCCEED\"", "content": {"application/json": {"schema": success}}}}),
    );
    Operation(map)
}

impl Operation {
    fn with(mut self, key: &str, value: Value) -> Operation {
        self.0.insert(key.to_owned(), value);
        self
    }

    /// Adds every error status; creates may also answer 413 for an oversized body.
    fn with_errors(mut self, create: bool) -> Operation {
        if let Some(Value::Object(responses)) = self.0.get_mut("responses") {
            for status in error_statuses() {
                responses.insert(status.to_string(), json!({"$ref": format!("#/components/responses/{status}")}));
            }
            if create {
                responses.insert("413".to_owned(), json!({"$ref": "#/components/responses/413"}));
            }
        }
        self
    }
}

impl serde::Serialize for Operation {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(serializer)
    }
}

/// HTTP statuses of the official error table, ascending.
fn error_statuses() -> Vec<u16> {
    let mut statuses: Vec<u16> = ErrorKind::ALL.iter().map(|k| k.official().http).collect();
    statuses.sort_unstable();
    statuses.dedup();
    statuses
}

/// One shared response per error status, naming its codes.
fn error_responses() -> Value {
    let mut by_status: BTreeMap<u16, Vec<ErrorKind>> = BTreeMap::new();
    for kind in ErrorKind::ALL {
        by_status.entry(kind.official().http).or_default().push(kind);
    }
    let mut out = Map::new();
    let body = |codes: Vec<u32>, examples: Vec<Value>| {
        json!({"application/json": {
            "schema": {"$ref": "#/components/schemas/ErrorBody", "properties": {"code": {"enum": codes}}},
            "examples": examples.into_iter().enumerate().map(|(i, e)| (format!("e{i}"), json!({"value": e}))).collect::<Map<_, _>>(),
        }})
    };
    let sample = |code: u32, message: &str| json!({"code": code, "message": message, "request_id": "8e3a2f0c-4a4b-4b8e-9d55-0f6d2c1b7a10"});
    for (status, kinds) in by_status {
        let description = kinds
            .iter()
            .map(|k| {
                let wire = k.official();
                let retry = if k.is_retryable() { " (retryable)" } else { "" };
                format!("{} {}{retry}", wire.code, wire.message)
            })
            .collect::<Vec<_>>()
            .join("; ");
        let codes = kinds.iter().map(|k| k.official().code).collect();
        let examples = kinds.iter().map(|k| sample(k.official().code, k.official().message)).collect();
        out.insert(status.to_string(), json!({"description": description, "content": body(codes, examples)}));
    }
    let too_large = ErrorKind::InvalidRequest.official();
    out.insert(
        "413".to_owned(),
        json!({
            "description": format!("{} request body larger than the body limit", too_large.code),
            "content": body(vec![too_large.code], vec![sample(too_large.code, "request body is larger than 33554432 bytes")]),
        }),
    );
    Value::Object(out)
}

/// Success envelopes always carry `data` and code 0. Optional fields of the wire types are
/// left out rather than sent as `null`, so they are not nullable.
fn finish_envelopes(schemas: &mut Map<String, Value>, names: &[String]) {
    for schema in schemas.values_mut() {
        let required = schema.get("required").cloned().unwrap_or_else(|| json!([]));
        if let Some(Value::Object(properties)) = schema.get_mut("properties") {
            for (name, property) in properties.iter_mut() {
                if !required.as_array().is_some_and(|r| r.contains(&json!(name))) {
                    strip_null(property);
                }
            }
        }
    }
    for name in names {
        let Some(Value::Object(schema)) = schemas.get_mut(name) else { continue };
        if let Some(Value::Array(required)) = schema.get_mut("required")
            && !required.contains(&json!("data"))
        {
            required.push(json!("data"));
        }
        if let Some(Value::Object(properties)) = schema.get_mut("properties") {
            if let Some(data) = properties.get_mut("data") {
                strip_null(data);
            }
            if let Some(Value::Object(code)) = properties.get_mut("code") {
                code.insert("const".to_owned(), json!(0));
            }
            if let Some(Value::Object(message)) = properties.get_mut("message") {
                message.insert("const".to_owned(), json!(crate::wire::SUCCEED));
            }
        }
    }
    // Error bodies: the request id is a UUID in every answer.
    if let Some(Value::Object(id)) = schemas.get_mut("ErrorBody").and_then(|s| s.pointer_mut("/properties/request_id"))
    {
        id.insert("format".to_owned(), json!("uuid"));
    }
}

/// `{"anyOf": [X, {"type": "null"}]}` becomes X, `{"type": [T, "null"]}` becomes T.
fn strip_null(schema: &mut Value) {
    let Value::Object(map) = schema else { return };
    if let Some(Value::Array(types)) = map.get_mut("type") {
        types.retain(|t| t != "null");
        if types.len() == 1 {
            let only = types.remove(0);
            map.insert("type".to_owned(), only);
        }
    }
    let alternatives = match map.get("anyOf") {
        Some(Value::Array(options)) => options.clone(),
        _ => return,
    };
    let kept: Vec<Value> = alternatives.into_iter().filter(|o| o != &json!({"type": "null"})).collect();
    if let [only] = kept.as_slice()
        && let Value::Object(inner) = only
    {
        map.remove("anyOf");
        for (key, value) in inner {
            map.insert(key.clone(), value.clone());
        }
    }
}

/// The last segment of a `#/components/schemas/...` reference.
fn component_name(reference: &Value) -> Option<String> {
    reference.get("$ref")?.as_str()?.rsplit('/').next().map(str::to_owned)
}

/// The API area of a path: `/v1/videos/...` is `videos`, `/account/costs` is `account`.
fn tag_of(path: &str) -> String {
    let mut segments = path.split('/').filter(|s| !s.is_empty());
    match segments.next() {
        Some("v1") => segments.next().unwrap_or("v1").to_owned(),
        Some(first) => first.to_owned(),
        None => "api".to_owned(),
    }
}

fn request_name(id: EndpointId) -> String {
    format!("{id:?}Request")
}

fn pack_name(spec: &EndpointSpec) -> &'static str {
    match spec.pack {
        crate::endpoints::PackType::Video => "video",
        crate::endpoints::PackType::Image => "image",
        crate::endpoints::PackType::VirtualTryOn => "virtual try-on",
    }
}

/// `pageNum` and `pageSize` of a list; `per_page` describes `pageSize`.
fn page_parameters(per_page: &str) -> Value {
    json!([page_parameter("pageNum", PAGE_NUM, "Page, from 1"), page_parameter("pageSize", PAGE_SIZE, per_page)])
}

fn page_parameter(name: &str, (min, max, default): (usize, usize, usize), what: &str) -> Value {
    json!({
        "name": name,
        "in": "query",
        "required": false,
        "description": what,
        "schema": {"type": "integer", "minimum": min, "maximum": max, "default": default},
    })
}

/// The request body schema of one endpoint: its official fields and rules.
fn request_schema(spec: &EndpointSpec, day: Day) -> Value {
    let fields: Vec<&Field> = spec.fields.iter().filter(|f| !f.seed_only).collect();
    let mut schema = object_schema(Dated { spec, day }, "", &fields, true);
    let rules: Vec<Value> = spec
        .rules
        .iter()
        .filter(|r| r.class != RuleClass::SeedDialect)
        .map(|r| {
            let class = match r.class {
                RuleClass::ModelSupport => "model_support",
                _ => "structural",
            };
            json!({"id": r.id, "field": r.field, "summary": r.summary, "class": class})
        })
        .collect();
    let mut description = format!(
        "Body of `POST {}`. Unknown keys are ignored. A broken field or rule is answered with HTTP 400, code 1201, and a message that names the field.",
        spec.path
    );
    if !rules.is_empty() {
        description
            .push_str("\n\nRules across fields (model-support rules can be relaxed with `--lenient-model-support`):");
        for rule in spec.rules.iter().filter(|r| r.class != RuleClass::SeedDialect) {
            description.push_str(&format!("\n- `{}`: {}", rule.field, rule.summary));
        }
    }
    let expressed: Vec<Value> = spec
        .rules
        .iter()
        .filter(|r| r.class != RuleClass::SeedDialect && r.expressed != Expressed::Unstated)
        .map(|r| expressed_schema(&r.expressed))
        .collect();
    // The camelCase aliases a Solutions page accepts for its settings, with the same schema.
    let aliases = spec.solution.map_or(&[][..], |s| s.aliases);
    if let Some(settings) = schema.pointer_mut("/properties/settings/properties").and_then(Value::as_object_mut) {
        for (alias, name) in aliases {
            if let Some(field) = settings.get(*name).cloned() {
                settings.insert((*alias).to_owned(), field);
            }
        }
    }
    if let Value::Object(map) = &mut schema {
        if !expressed.is_empty() {
            map.insert("allOf".to_owned(), Value::Array(expressed));
        }
        map.insert("title".to_owned(), json!(request_name(spec.id)));
        map.insert("description".to_owned(), json!(description));
        map.insert("x-kling-rules".to_owned(), Value::Array(rules));
    }
    schema
}

/// An endpoint as it stood on one day.
#[derive(Clone, Copy)]
struct Dated<'a> {
    spec: &'a EndpointSpec,
    day: Day,
}

/// `prefix` is the dotted path of the object (empty at the top level).
fn object_schema(dated: Dated<'_>, prefix: &str, fields: &[&Field], top_level: bool) -> Value {
    let mut properties = Map::new();
    let mut required = Vec::new();
    for field in fields {
        let path = if prefix.is_empty() { field.name.to_owned() } else { format!("{prefix}.{}", field.name) };
        let mut schema = field_schema(dated, &path, field, &field.ty);
        if let Value::Object(map) = &mut schema {
            // Top-level required text must not be empty (the validator treats "" as absent).
            if top_level
                && field.required
                && map.get("type") == Some(&json!("string"))
                && !map.contains_key("minLength")
            {
                map.insert("minLength".to_owned(), json!(1));
            }
            if let Some(flag) = field.ignored_unless {
                map.insert("description".to_owned(), json!(format!("Read only when `{flag}` is true.")));
            }
            let dated_out = |example: &Value| {
                example.as_str().is_some_and(|v| dated.day.value(dated.spec.id, &path, v) != Offered::Yes)
            };
            if let Ok(example) = serde_json::from_str::<Value>(field.example)
                && !has_placeholder(&example)
                && !dated_out(&example)
            {
                map.insert("examples".to_owned(), json!([example]));
            }
        }
        if field.required {
            required.push(json!(field.name));
        }
        properties.insert(field.name.to_owned(), schema);
    }
    let mut object = json!({"type": "object", "properties": properties});
    if !required.is_empty() {
        object["required"] = Value::Array(required);
    }
    object
}

/// `path` is the field's dotted path, by which the day dates its values.
fn field_schema(dated: Dated<'_>, path: &str, field: &Field, ty: &Ty) -> Value {
    let Dated { spec, day } = dated;
    match ty {
        Ty::Text { max_chars } => json!({"type": "string", "maxLength": max_chars}),
        Ty::Str => json!({"type": "string"}),
        Ty::Enum(values) => {
            let offered: Vec<&str> =
                values.iter().copied().filter(|v| day.value(spec.id, path, v) == Offered::Yes).collect();
            let mut schema = json!({"type": "string", "enum": offered});
            if field.name == "mode" && offered.contains(&spec.default_mode) {
                schema["default"] = json!(spec.default_mode);
            }
            schema
        }
        Ty::Model => {
            let models: Vec<&str> = day.models(spec).collect();
            if models.is_empty() {
                // Every model it named is retired; an omitted one still works.
                json!({
                    "type": "string",
                    "const": "",
                    "description": "No model is offered by name on this day; absent or empty still works.",
                })
            } else {
                json!({
                    "type": "string",
                    "enum": models,
                    "default": day.default_model(spec),
                    "description": "Absent or empty means the default model.",
                })
            }
        }
        Ty::Float { min, max } => json!({"type": "number", "minimum": min, "maximum": max}),
        Ty::Int { min, max } => json!({"type": "integer", "minimum": min, "maximum": max}),
        Ty::Bool => json!({"type": "boolean"}),
        Ty::Image => image_schema(&COMMON_LIMITS),
        Ty::ImageWithin(limits) => image_schema(limits),
        Ty::OneOf(values) => json!({"type": "integer", "enum": values}),
        Ty::Items(kinds) => {
            let variants: Vec<Value> = kinds
                .iter()
                .map(|kind| {
                    let fields: Vec<&Field> = kind.fields.iter().collect();
                    let mut object = object_schema(dated, path, &fields, false);
                    object["properties"]["type"] = json!({"const": kind.tag});
                    let mut required = vec![json!("type")];
                    if let Some(Value::Array(listed)) = object.get("required") {
                        required.extend(listed.iter().cloned());
                    }
                    // A required field of an item must not be blank.
                    for field in kind.fields.iter().filter(|f| f.required) {
                        let property = &object["properties"][field.name];
                        if property["type"] == "string" && property.get("pattern").is_none() {
                            object["properties"][field.name]["pattern"] = json!("\\S");
                        }
                    }
                    object["required"] = Value::Array(required);
                    object["title"] = json!(kind.tag);
                    object["description"] =
                        json!(format!("At least {} and at most {} per request.", kind.min, kind.max));
                    object
                })
                .collect();
            let counts: Vec<Value> = kinds
                .iter()
                .map(|kind| {
                    json!({
                        "contains": {"type": "object", "properties": {"type": {"const": kind.tag}}, "required": ["type"]},
                        "minContains": kind.min,
                        "maxContains": kind.max,
                    })
                })
                .collect();
            json!({
                "type": "array",
                "minItems": 1,
                "items": {"oneOf": variants},
                "allOf": counts,
                "description": format!(
                    "Items told apart by `type`. Types the service knows but this endpoint does not take ({}) \
                     are accepted and ignored.",
                    crate::rules::KNOWN_ITEM_TYPES.join(", ")
                ),
            })
        }
        Ty::HttpUrl => json!({"type": "string", "format": "uri", "pattern": "^https?://"}),
        Ty::Object(fields) => {
            let fields: Vec<&Field> = fields.iter().filter(|f| !f.seed_only).collect();
            object_schema(dated, path, &fields, false)
        }
        Ty::Array { item, min, max } => json!({
            "type": "array",
            "items": field_schema(dated, path, field, item),
            "minItems": min,
            "maxItems": max,
        }),
    }
}

/// The callbacks object of a create whose body names its URL at `pointer`.
fn callbacks(pointer: &str, body: &str, schema: Value) -> Value {
    json!({"taskStatus": {format!("{{$request.body#/{pointer}}}"): {"post": {
        "summary": format!("POSTed on every status change, {body}"),
        "security": [],
        "requestBody": {"required": true, "content": {"application/json": {"schema": schema}}},
        "responses": {"200": {"description": "Any 2xx acknowledges the callback"}},
    }}}})
}

/// A cross-field rule in JSON Schema terms (see [`Expressed::holds`] for its meaning).
fn expressed_schema(expressed: &Expressed) -> Value {
    let present = |key: &str| json!({"required": [key], "properties": {key: {"not": {"enum": ["", [], null]}}}});
    match expressed {
        Expressed::Unstated => json!({}),
        Expressed::ExactlyOne(a, b) => json!({"oneOf": [
            {"allOf": [present(a), {"not": present(b)}]},
            {"allOf": [present(b), {"not": present(a)}]},
        ]}),
        Expressed::AtLeastOne(a, b) => json!({"anyOf": [present(a), present(b)]}),
        Expressed::When { field, value, then } => json!({
            "if": {"required": [field], "properties": {*field: {"const": value}}},
            "then": expressed_schema(then),
        }),
        Expressed::Present(key) => present(key),
        Expressed::Within(key, inner) => json!({"properties": {*key: expressed_schema(inner)}}),
        Expressed::EachOf(key, inner) => json!({"properties": {*key: {"items": expressed_schema(inner)}}}),
    }
}

fn image_schema(limits: &crate::image::ImageLimits) -> Value {
    json!({
        "type": "string",
        "anyOf": [
            {"title": "URL", "format": "uri",
             "pattern": "^https?://([^\\s/?#@]*@)?([A-Za-z0-9._~%!$&'()*+,;=-]+|\\[[0-9A-Fa-f:.]+\\])(:[0-9]{1,5})?([/?#]\\S*)?$"},
            {"title": "Base64 of a PNG or JPEG (padding optional)",
             "pattern": "^(/9j/|iVBORw0KGgo[A-Za-z0-9+/])([A-Za-z0-9+/]{4})*([A-Za-z0-9+/]{2}(==)?|[A-Za-z0-9+/]{3}=?)?$",
             "contentEncoding": "base64", "contentMediaType": "image/*"},
        ],
        "description": format!(
            "An image: an http(s) URL, or raw Base64 without a `data:` prefix. JPG or PNG, at most {} MB, \
             sides at least {} px, aspect ratio between 1:{} and {}:1.",
            limits.max_bytes / (1024 * 1024),
            limits.min_side,
            limits.max_aspect,
            limits.max_aspect,
        ),
    })
}

/// Whether an example still holds a `$name` placeholder of the rule tables.
fn has_placeholder(value: &Value) -> bool {
    match value {
        Value::String(s) => s.starts_with('$'),
        Value::Array(items) => items.iter().any(has_placeholder),
        Value::Object(map) => map.values().any(has_placeholder),
        _ => false,
    }
}

/// The endpoint's minimal valid body, with `$video_id`-style placeholders spelled out.
fn example(base: &str) -> Value {
    fn spell(value: &mut Value) {
        match value {
            Value::String(s) if s.starts_with('$') => *s = format!("<{}>", &s[1..]),
            Value::Array(items) => items.iter_mut().for_each(spell),
            Value::Object(map) => map.values_mut().for_each(spell),
            _ => {}
        }
    }
    let mut value = serde_json::from_str(base).unwrap_or(Value::Null);
    spell(&mut value);
    value
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ENDPOINTS;

    fn doc() -> Value {
        document("http://127.0.0.1:8088")
    }

    #[test]
    fn every_endpoint_has_its_paths_and_request_schema() {
        let doc = doc();
        for spec in Day::latest().offered() {
            let path = &doc["paths"][spec.path];
            assert!(path["post"].is_object(), "{}", spec.path);
            let name = request_name(spec.id);
            assert_eq!(doc["components"]["schemas"][&name]["type"], "object", "{name}");
            if spec.has_legacy_routes() {
                assert!(path["get"].is_object(), "list of {}", spec.path);
                assert!(doc["paths"][format!("{}/{{id}}", spec.path)]["get"].is_object(), "query of {}", spec.path);
            }
        }
        assert!(doc["paths"]["/tasks"]["get"].is_object() && doc["paths"]["/tasks"]["post"].is_object());
        for export in BILLING_EXPORTS {
            assert!(doc["paths"][export.path]["post"]["requestBody"].is_object(), "{}", export.path);
        }
        let older = document_for(Day::on(crate::history::EARLIEST).unwrap_or_else(|_| Day::latest()), "http://x");
        assert!(older["paths"]["/tasks"].is_null() && older["paths"]["/v1/videos/avatar/image2video"].is_null());
        assert!(older["paths"]["/v1/videos/text2video"]["post"].is_object());
    }

    #[test]
    fn every_endpoint_answered_at_once_has_its_own_answer_schema() {
        let mut builder = Builder::new(Day::latest());
        for spec in ENDPOINTS.iter().filter(|e| !e.output.is_queryable()) {
            assert!(builder.immediate_answer(spec.id).is_some(), "{} has no answer schema", spec.name);
        }
        let doc = doc();
        for (path, _) in PRESET_LISTS {
            assert!(doc["paths"][path]["get"].is_object(), "{path}");
        }
    }

    #[test]
    fn field_tables_become_schemas() {
        let doc = doc();
        let t2v = &doc["components"]["schemas"]["Text2VideoRequest"];
        assert_eq!(t2v["properties"]["model_name"]["default"], "kling-v2-5-turbo");
        let old = document_for(Day::before(&crate::history::CHANGES[crate::history::CHANGES.len() - 1]), "http://x");
        assert_eq!(
            old["components"]["schemas"]["Text2VideoRequest"]["properties"]["model_name"]["default"],
            "kling-v1"
        );
        let models = &t2v["properties"]["model_name"]["enum"];
        assert!(models.as_array().is_some_and(|m| !m.contains(&json!("kling-v1")) && m.contains(&json!("kling-v3"))));
        assert_eq!(t2v["properties"]["cfg_scale"]["type"], "number");
        assert_eq!(t2v["properties"]["duration"]["type"], "string");
        assert!(t2v["properties"]["prompt"]["maxLength"].is_u64());
        let expand = &doc["components"]["schemas"]["ExpandRequest"];
        assert_eq!(expand["properties"]["up_expansion_ratio"]["maximum"], 2.0);
        assert!(expand["required"].as_array().is_some_and(|r| r.contains(&json!("image"))));
    }

    #[test]
    fn envelopes_require_data_and_errors_list_their_codes() {
        let doc = doc();
        let schemas = &doc["components"]["schemas"];
        let created = doc["paths"]["/v1/videos/text2video"]["post"]["responses"]["200"]["content"]["application/json"]
            ["schema"]["$ref"]
            .as_str()
            .and_then(|r| r.rsplit('/').next())
            .unwrap_or_default()
            .to_owned();
        assert!(schemas[&created]["required"].as_array().is_some_and(|r| r.contains(&json!("data"))), "{created}");
        assert_eq!(schemas[&created]["properties"]["code"]["const"], 0);
        let too_many = &doc["components"]["responses"]["429"]["content"]["application/json"]["schema"];
        assert_eq!(too_many["properties"]["code"]["enum"], json!([1100, 1101, 1102, 1302, 1303, 1304]));
    }
}
