//! Create, query and list for every endpoint of the catalogue; the endpoint's rules come
//! from `kling-api`, never from here.
//!
//! A create goes: auth -> content type -> body -> JSON -> scenarios (delay, rejection) ->
//! validation -> account limits and store (engine) -> answer, which a scenario may still
//! break (connection or body fault). Scenario rejections come before validation because
//! an outage or a moderation block does not wait for a well-formed request; connection
//! and body faults hit the answer, so the task exists even though the client never
//! learns its id, which is exactly what clients must survive.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, PathRejection, QueryRejection};
use axum::extract::{ConnectInfo, Path, Query};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use kling_api::endpoints::{PAGE_NUM, PAGE_SIZE};
use kling_api::rules;
use kling_api::{EndpointId, EndpointSpec, ErrorKind};

use serde_json::Value;

use super::success;
use crate::auth::{Account, Authenticated};
use crate::error::{ApiError, RequestId};
use crate::journal::NoteSlot;
use crate::net::ConnectionHandle;
use crate::scenario::file::{Operation, Reject};
use crate::scenario::{Decision, Facts};
use crate::state::AppState;

/// What every API handler receives besides its own inputs.
pub(super) struct Ctx {
    pub(super) state: Arc<AppState>,
    pub(super) request_id: RequestId,
    pub(super) note: NoteSlot,
    pub(super) connection: ConnectionHandle,
    pub(super) account: Arc<Account>,
    /// The two headers handlers read (copying the whole map was a measurable share of a
    /// create).
    host: Option<HeaderValue>,
    content_type: Option<HeaderValue>,
}

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for Ctx
where
    Arc<AppState>: axum::extract::FromRef<S>,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut axum::http::request::Parts, state: &S) -> Result<Self, Self::Rejection> {
        let state: Arc<AppState> = axum::extract::FromRef::from_ref(state);
        let Authenticated(account) = Authenticated::from_request_parts(parts, &state).await?;
        let internal = || ApiError::with_message(ErrorKind::InternalError, "request context missing");
        let request_id = parts.extensions.get::<RequestId>().copied().ok_or_else(internal)?;
        let note = parts.extensions.get::<NoteSlot>().cloned().ok_or_else(internal)?;
        let connection =
            parts.extensions.get::<ConnectInfo<ConnectionHandle>>().map(|c| c.0.clone()).ok_or_else(internal)?;
        let host = parts.headers.get(header::HOST).cloned();
        let content_type = parts.headers.get(header::CONTENT_TYPE).cloned();
        Ok(Ctx { state, request_id, note, connection, account, host, content_type })
    }
}

impl Ctx {
    /// The base URL this client reached us by, for result links.
    pub(super) fn base_url(&self) -> String {
        super::base_url_for(self.host.as_ref(), &self.state)
    }

    /// Validates a body against the endpoint's tables; references may name this
    /// account's voices, elements and audios.
    pub(super) fn validate(&self, spec: &EndpointSpec, body: &Value) -> Result<rules::ValidRequest, ApiError> {
        let known = self.state.engine.known(&self.account);
        let options = rules::ValidationOptions { day: self.state.config.api_day, ..self.state.config.validation };
        Ok(rules::validate_with(spec, body, &options, &known)?)
    }

    /// Consults the scenarios, notes which rules fired, waits out any delay and answers
    /// any rejection.
    /// `endpoint` is the endpoint's name, or `""` for a path that serves several (it then
    /// matches only rules without an endpoint filter).
    pub(super) async fn scenarios(
        &self,
        operation: Operation,
        endpoint: &str,
        default_model: &str,
        body: Option<&Value>,
    ) -> Result<Decision, ApiError> {
        let text = |key: &str| {
            body.and_then(|b| b.get(key)).and_then(|v| rules::as_text(v, self.state.config.validation.coercion))
        };
        // The new-standard body has its prompt in `contents` and its mode is the resolution.
        let standard = kling_api::endpoints::by_name(endpoint).filter(|e| e.standard.is_some());
        let view = standard.zip(body.and_then(Value::as_object)).map(|(spec, map)| spec.view(map, Default::default()));
        let model = text("model_name").filter(|m| !m.is_empty());
        let mode = match &view {
            Some(view) => Some(view.mode.clone()),
            None => text("mode").filter(|m| !m.is_empty()),
        };
        let prompt = match &view {
            Some(view) => view.prompt_text(),
            None => text("prompt"),
        };
        let now_ms = self.state.clock.now_ms();
        let facts = Facts {
            operation,
            endpoint,
            account: &self.account.access_key,
            model: model.as_deref().unwrap_or(default_model),
            mode: mode.as_deref().unwrap_or("std"),
            prompt: prompt.as_deref(),
            now_ms,
        };
        let decision = self.state.scenarios.read().decide(&facts);
        if decision.fired.is_empty() {
            return Ok(decision);
        }
        self.note.0.lock().scenario_rules.clone_from(&decision.fired);
        if let Some(ms) = decision.delay_ms {
            self.state.clock.sleep_until(now_ms.saturating_add_unsigned(ms)).await;
        }
        match &decision.action.reject {
            None => Ok(decision),
            Some(Reject::Fault(fault)) => Err(match fault.message {
                Some(message) => ApiError::with_message(fault.kind, message),
                None => ApiError::new(fault.kind),
            }),
            Some(Reject::Explicit(explicit)) => {
                Err(ApiError::explicit(explicit.http, explicit.code, &explicit.message))
            }
        }
    }

    /// Applies the decision's connection and body faults to the answer.
    pub(super) fn deliver(&self, decision: &Decision, answer: Result<Response, ApiError>) -> Response {
        let mut response = answer.into_response();
        if let Some(fault) = decision.action.connection {
            self.connection.break_with(fault);
            self.note.0.lock().fault = Some(format!("connection: {fault:?}").to_lowercase());
            self.state.stats.faults.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        }
        if let Some(fault) = decision.action.body {
            response.extensions_mut().insert(fault);
        }
        response
    }
}

/// `POST <path>`.
pub(super) async fn create(spec: &'static EndpointSpec, ctx: Ctx, body: Result<Bytes, BytesRejection>) -> Response {
    let mut decision = Decision::default();
    let answer = create_inner(spec, &ctx, body, &mut decision).await;
    ctx.deliver(&decision, answer)
}

async fn create_inner(
    spec: &'static EndpointSpec,
    ctx: &Ctx,
    body: Result<Bytes, BytesRejection>,
    decision: &mut Decision,
) -> Result<Response, ApiError> {
    let value = json_body(ctx, body)?;
    *decision =
        ctx.scenarios(Operation::Create, spec.name, ctx.state.config.api_day.default_model(spec), Some(&value)).await?;
    let request = ctx.validate(spec, &value)?;
    let created = ctx.state.engine.create(&ctx.account, spec, request, &decision.action)?;
    Ok(with_seed_field_hint(spec, ctx, &value, success(ctx.request_id.0, created)))
}

/// In the official dialect, a seed-only field is ignored like any unknown field; the
/// answer carries a hint naming the official form (the body never changes).
fn with_seed_field_hint(spec: &EndpointSpec, ctx: &Ctx, body: &Value, response: Response) -> Response {
    match spec.seed_fields.iter().find(|f| body.get(f.name).is_some_and(|v| !v.is_null())) {
        Some(field) if ctx.state.config.dialect == kling_api::Dialect::Official => super::hinted(response, field.hint),
        _ => response,
    }
}

/// The endpoints answered at once (identify-face, selections, deletions, image
/// recognition, and TTS with its finished task): validated like a create.
pub(super) async fn synchronous(
    spec: &'static EndpointSpec,
    ctx: Ctx,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let mut decision = Decision::default();
    let answer = async {
        let value = json_body(&ctx, body)?;
        decision = ctx
            .scenarios(Operation::Create, spec.name, ctx.state.config.api_day.default_model(spec), Some(&value))
            .await?;
        let request = ctx.validate(spec, &value)?;
        let base = ctx.base_url();
        let engine = &ctx.state.engine;
        let data = match spec.id {
            EndpointId::IdentifyFace => {
                return Ok(success(ctx.request_id.0, engine.identify_face(&ctx.account, &request, &base)?));
            }
            EndpointId::Tts => {
                let task = engine.create_finished(&ctx.account, spec, request, &decision.action, &base)?;
                return Ok(success(ctx.request_id.0, task));
            }
            EndpointId::InitSelection => engine.init_selection(&ctx.account, &request, &base)?,
            EndpointId::DeleteVoices | EndpointId::DeleteElements | EndpointId::DeleteAdvancedElements => {
                engine.delete_from_library(&ctx.account, spec.id, &value)?
            }
            EndpointId::ImageRecognize => {
                engine.charge(&ctx.account, &request)?;
                recognition(&ctx.state, &base)
            }
            _ => engine.edit_selection(&ctx.account, spec.id, &value, &base)?,
        };
        Ok(success(ctx.request_id.0, data))
    }
    .await;
    ctx.deliver(&decision, answer)
}

/// image-recognize's answer: every region type found, each with a mask image. The
/// emulator does not look at the picture; FIDELITY.md records this.
fn recognition(state: &AppState, base_url: &str) -> Value {
    let id = state.ids.object_id();
    let images: Vec<Value> = kling_api::library::RECOGNITION_TYPES
        .iter()
        .enumerate()
        .map(|(i, kind)| {
            let url = format!("{base_url}{}", crate::media::image_path(&format!("{id}-{i}"), false));
            serde_json::json!({"type": kind, "is_contain": true, "url": url})
        })
        .collect();
    serde_json::json!({"task_result": {"images": images}})
}

/// `GET <path>/{id}`: `id` is a task id or an external task id.
pub(super) async fn query(
    spec: &'static EndpointSpec,
    ctx: Ctx,
    path: Result<Path<String>, PathRejection>,
) -> Response {
    let mut decision = Decision::default();
    let answer = async {
        let Path(key) =
            path.map_err(|e| ApiError::with_message(ErrorKind::InvalidParameter, format!("task id: {e}")))?;
        decision =
            ctx.scenarios(Operation::Query, spec.name, ctx.state.config.api_day.default_model(spec), None).await?;
        let base = ctx.base_url();
        let task = ctx.state.engine.get(&ctx.account, spec, &key, &base).ok_or_else(|| task_not_found(&key))?;
        Ok(success(ctx.request_id.0, task))
    }
    .await;
    ctx.deliver(&decision, answer)
}

/// The answer for a task that does not exist for this account.
pub(super) fn task_not_found(key: &str) -> ApiError {
    ApiError::with_message(ErrorKind::ResourceNotFound, format!("task {key} does not exist"))
}

/// List parameters as sent; parsed by hand so that errors name the parameter.
#[derive(Debug, serde::Deserialize)]
pub(super) struct ListParams {
    #[serde(rename = "pageNum")]
    pub(super) page_num: Option<String>,
    #[serde(rename = "pageSize")]
    pub(super) page_size: Option<String>,
}

/// `GET <path>?pageNum=&pageSize=`: the account's tasks, newest first.
pub(super) async fn list(
    spec: &'static EndpointSpec,
    ctx: Ctx,
    params: Result<Query<ListParams>, QueryRejection>,
) -> Response {
    let mut decision = Decision::default();
    let answer = async {
        let (page, size) = page_of(params)?;
        decision =
            ctx.scenarios(Operation::List, spec.name, ctx.state.config.api_day.default_model(spec), None).await?;
        let base = ctx.base_url();
        Ok(success(ctx.request_id.0, ctx.state.engine.list(&ctx.account, spec, page, size, &base)))
    }
    .await;
    ctx.deliver(&decision, answer)
}

/// `pageNum` and `pageSize` of a list, within [`PAGE_NUM`] and [`PAGE_SIZE`].
pub(super) fn page_of(params: Result<Query<ListParams>, QueryRejection>) -> Result<(usize, usize), ApiError> {
    let Query(params) = params.map_err(|e| ApiError::with_message(ErrorKind::InvalidParameter, e.body_text()))?;
    let page = page_param("pageNum", params.page_num.as_deref(), PAGE_NUM)?;
    let size = page_param("pageSize", params.page_size.as_deref(), PAGE_SIZE)?;
    Ok((page, size))
}

fn page_param(name: &str, raw: Option<&str>, (min, max, default): (usize, usize, usize)) -> Result<usize, ApiError> {
    match raw.map(str::trim).filter(|r| !r.is_empty()) {
        None => Ok(default),
        Some(text) => text.parse::<usize>().ok().filter(|n| (min..=max).contains(n)).ok_or_else(|| {
            ApiError::with_message(
                ErrorKind::InvalidParameter,
                format!("{name}: must be an integer between {min} and {max}"),
            )
        }),
    }
}

/// The request body as JSON: content type, size and syntax checked, noted for the journal.
pub(super) fn json_body(ctx: &Ctx, body: Result<Bytes, BytesRejection>) -> Result<Value, ApiError> {
    require_json(ctx.content_type.as_ref())?;
    let body = body.map_err(|rejection| body_error(&rejection, ctx.state.config.body_limit))?;
    ctx.note.0.lock().request_body = Some(body.clone());
    serde_json::from_slice(&body)
        .map_err(|e| ApiError::with_message(ErrorKind::InvalidRequest, format!("request body is not valid JSON: {e}")))
}

fn require_json(content_type: Option<&HeaderValue>) -> Result<(), ApiError> {
    let content_type = content_type.and_then(|v| v.to_str().ok()).unwrap_or("");
    let essence = content_type.split(';').next().unwrap_or("").trim();
    if essence.eq_ignore_ascii_case("application/json") {
        Ok(())
    } else {
        Err(ApiError::with_message(
            ErrorKind::InvalidRequest,
            format!("Content-Type must be application/json, got {content_type:?}"),
        ))
    }
}

fn body_error(rejection: &BytesRejection, limit: usize) -> ApiError {
    if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
        ApiError::with_message(ErrorKind::InvalidRequest, format!("request body is larger than {limit} bytes"))
            .with_status(StatusCode::PAYLOAD_TOO_LARGE)
    } else {
        ApiError::with_message(
            ErrorKind::InvalidRequest,
            format!("request body could not be read: {}", rejection.body_text()),
        )
    }
}
