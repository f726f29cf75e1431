//! The endpoint catalogue: every create path the emulator serves, with its resource pack,
//! its output and its rule tables.

use std::borrow::Cow;

use serde_json::{Map, Value};

use crate::models;
use crate::rules::{Coercion, Field, Req, Rule};
use crate::video;

/// Stable identity of an endpoint family (create, query and list share it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum EndpointId {
    /// `POST /v1/videos/text2video`.
    Text2Video,
    /// `POST /v1/videos/image2video`.
    Image2Video,
}

/// Which resource pack a task draws on (REFERENCE.md §f): concurrency and balance are
/// counted per pack type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PackType {
    /// Video generation.
    Video,
    /// Image generation.
    Image,
    /// Virtual try-on.
    VirtualTryOn,
}

/// What a succeeded task delivers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Output {
    /// `task_result.videos[]`.
    Videos,
}

/// Everything known about one endpoint family.
#[derive(Debug)]
pub struct EndpointSpec {
    /// Identity.
    pub id: EndpointId,
    /// Short name, as used in logs and scenario files (`text2video`).
    pub name: &'static str,
    /// Create path; query is `{path}/{id}`, list is `{path}?pageNum=&pageSize=`.
    pub path: &'static str,
    /// Resource pack type.
    pub pack: PackType,
    /// Result kind.
    pub output: Output,
    /// Model used when `model_name` is absent or empty.
    pub default_model: &'static str,
    /// Field specifications, checked in order.
    pub fields: &'static [Field],
    /// Cross-field and model-support rules, checked in order after the fields.
    pub rules: &'static [Rule],
    /// A minimal valid request body (JSON).
    pub base: &'static str,
}

impl EndpointSpec {
    /// Whether `model` is offered by this endpoint.
    pub fn offers_model(&self, model: &str) -> bool {
        self.model_names().any(|m| m == model)
    }

    /// The models this endpoint offers.
    pub fn model_names(&self) -> impl Iterator<Item = &'static str> + '_ {
        models::VIDEO_MODELS
            .iter()
            .filter(move |m| match self.id {
                EndpointId::Text2Video => m.text2video,
                EndpointId::Image2Video => m.image2video,
            })
            .map(|m| m.name)
    }

    /// A rule view of `body` with the model, mode and duration resolved.
    pub fn view<'a>(&self, body: &'a Map<String, Value>, coercion: Coercion) -> Req<'a> {
        let requested = body.get("model_name").and_then(|v| crate::rules::as_text(v, coercion));
        let model = requested
            .as_deref()
            .filter(|m| !m.is_empty())
            .and_then(|m| self.model_names().find(|known| *known == m))
            .unwrap_or(self.default_model);
        let mode = body
            .get("mode")
            .and_then(|v| crate::rules::as_text(v, coercion))
            .filter(|m| !m.is_empty())
            .unwrap_or(Cow::Borrowed("std"));
        let duration = body
            .get("duration")
            .and_then(|v| crate::rules::as_text(v, coercion))
            .and_then(|d| d.parse().ok())
            .unwrap_or(5);
        Req::new(body, coercion, model, models::video_model(model), mode, duration)
    }
}

/// Every endpoint the emulator serves.
pub const ENDPOINTS: &[EndpointSpec] = &[video::TEXT2VIDEO, video::IMAGE2VIDEO];

/// The endpoint with this id.
pub fn spec(id: EndpointId) -> &'static EndpointSpec {
    match id {
        EndpointId::Text2Video => &video::TEXT2VIDEO,
        EndpointId::Image2Video => &video::IMAGE2VIDEO,
    }
}

/// The endpoint whose create path is `path`.
pub fn by_path(path: &str) -> Option<&'static EndpointSpec> {
    ENDPOINTS.iter().find(|e| e.path == path)
}

/// The endpoint with this short name.
pub fn by_name(name: &str) -> Option<&'static EndpointSpec> {
    ENDPOINTS.iter().find(|e| e.name == name)
}
