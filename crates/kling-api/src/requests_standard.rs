//! Request bodies of the new-standard API (REFERENCE-2026.md §a.3-§a.5): a top-level
//! `prompt` (text-to-video) or `contents[]` items (the other operations), `settings` and
//! `options`. One type serves every endpoint, since the endpoints differ in which items
//! and settings they take, not in the body's shape; the tables of [`crate::standard`]
//! say what each accepts.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::wire::WatermarkInfo;

/// A create body for any new-standard endpoint.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct StandardRequest {
    /// The prompt of text-to-video (the other operations carry it as a `prompt` item).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prompt: Option<String>,
    /// The inputs, told apart by `type`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub contents: Vec<Content>,
    /// Resolution, duration, aspect ratio, audio and the other per-endpoint settings.
    #[serde(default, skip_serializing_if = "Settings::is_empty")]
    pub settings: Settings,
    /// Callback, the caller's own id, watermark.
    #[serde(default, skip_serializing_if = "Options::is_empty")]
    pub options: Options,
}

/// One `contents[]` item.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Content {
    /// `prompt`, `image`, `video`, `first_frame`, `last_frame`, `refer_image`,
    /// `feature_video`, `base_video`, `element` or `voice`.
    #[serde(rename = "type")]
    pub kind: String,
    /// The text of a `prompt` item.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// An image or video: a URL, or an image as raw Base64.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// The name a prompt refers to as `@id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The library element of an `element` item.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub element_id: Option<String>,
    /// The voice of a `voice` item.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub voice_id: Option<String>,
}

impl Content {
    fn of(kind: &str) -> Content {
        Content { kind: kind.to_owned(), ..Content::default() }
    }

    fn at(kind: &str, url: impl Into<String>) -> Content {
        Content { url: Some(url.into()), ..Content::of(kind) }
    }

    /// A `prompt` item.
    pub fn prompt(text: impl Into<String>) -> Content {
        Content { text: Some(text.into()), ..Content::of("prompt") }
    }

    /// A `first_frame` item (a URL or raw Base64).
    pub fn first_frame(url: impl Into<String>) -> Content {
        Content::at("first_frame", url)
    }

    /// A `last_frame` item.
    pub fn last_frame(url: impl Into<String>) -> Content {
        Content::at("last_frame", url)
    }

    /// An `image` item (motion control's character).
    pub fn image(url: impl Into<String>) -> Content {
        Content::at("image", url)
    }

    /// A `video` item (motion control's movement).
    pub fn video(url: impl Into<String>) -> Content {
        Content::at("video", url)
    }

    /// A `refer_image` item (omni video).
    pub fn refer_image(url: impl Into<String>) -> Content {
        Content::at("refer_image", url)
    }

    /// A `feature_video` item (omni video: a video to take features from).
    pub fn feature_video(url: impl Into<String>) -> Content {
        Content::at("feature_video", url)
    }

    /// A `base_video` item (omni video: a video to edit).
    pub fn base_video(url: impl Into<String>) -> Content {
        Content::at("base_video", url)
    }

    /// An `element` item: a library element, named `id` in the prompt.
    pub fn element(element_id: impl Into<String>, id: impl Into<String>) -> Content {
        Content { element_id: Some(element_id.into()), id: Some(id.into()), ..Content::of("element") }
    }

    /// A `voice` item: a voice, named `id` in the prompt.
    pub fn voice(voice_id: impl Into<String>, id: impl Into<String>) -> Content {
        Content { voice_id: Some(voice_id.into()), id: Some(id.into()), ..Content::of("voice") }
    }

    /// The same item, named `id` for `@id` references in the prompt.
    pub fn named(mut self, id: impl Into<String>) -> Content {
        self.id = Some(id.into());
        self
    }
}

/// `settings`: the fields most endpoints share, typed, and any other in `extra`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Settings {
    /// `720p`, `1080p` or `4k`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resolution: Option<String>,
    /// `16:9`, `9:16` or `1:1`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub aspect_ratio: Option<String>,
    /// Seconds of output.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration: Option<u32>,
    /// `native`, `original` or `off`, per endpoint.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audio: Option<String>,
    /// Whether the prompt is split into shots (`shot n, m, words;`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub multi_shot: Option<bool>,
    /// Sampling seed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seed: Option<i64>,
    /// Any other setting (`character_orientation`, ...), sent as given.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl Settings {
    fn is_empty(&self) -> bool {
        *self == Settings::default()
    }
}

/// `options`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Options {
    /// Where status changes are POSTed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub callback_url: Option<String>,
    /// The caller's own id, unique per account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_task_id: Option<String>,
    /// Whether a watermarked copy is made as well.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub watermark_info: Option<WatermarkInfo>,
}

impl Options {
    fn is_empty(&self) -> bool {
        *self == Options::default()
    }
}

impl StandardRequest {
    /// A text-to-video body.
    pub fn text(prompt: impl Into<String>) -> StandardRequest {
        StandardRequest { prompt: Some(prompt.into()), ..StandardRequest::default() }
    }

    /// A body of `contents[]` items (image-to-video, motion control, omni video).
    pub fn items(contents: impl IntoIterator<Item = Content>) -> StandardRequest {
        StandardRequest { contents: contents.into_iter().collect(), ..StandardRequest::default() }
    }

    /// With one more item.
    pub fn content(mut self, item: Content) -> StandardRequest {
        self.contents.push(item);
        self
    }

    /// With `settings.duration`.
    pub fn duration(mut self, seconds: u32) -> StandardRequest {
        self.settings.duration = Some(seconds);
        self
    }

    /// With `settings.resolution`.
    pub fn resolution(mut self, resolution: impl Into<String>) -> StandardRequest {
        self.settings.resolution = Some(resolution.into());
        self
    }

    /// With `settings.aspect_ratio`.
    pub fn aspect_ratio(mut self, ratio: impl Into<String>) -> StandardRequest {
        self.settings.aspect_ratio = Some(ratio.into());
        self
    }

    /// With `settings.audio`.
    pub fn audio(mut self, audio: impl Into<String>) -> StandardRequest {
        self.settings.audio = Some(audio.into());
        self
    }

    /// With `settings.multi_shot`.
    pub fn multi_shot(mut self, on: bool) -> StandardRequest {
        self.settings.multi_shot = Some(on);
        self
    }

    /// With any other setting.
    pub fn setting(mut self, name: impl Into<String>, value: impl Into<Value>) -> StandardRequest {
        self.settings.extra.insert(name.into(), value.into());
        self
    }

    /// With `options.callback_url`.
    pub fn callback_url(mut self, url: impl Into<String>) -> StandardRequest {
        self.options.callback_url = Some(url.into());
        self
    }

    /// With `options.external_task_id`.
    pub fn external_task_id(mut self, id: impl Into<String>) -> StandardRequest {
        self.options.external_task_id = Some(id.into());
        self
    }

    /// The caller's own id, when set and not empty.
    pub fn external_id(&self) -> Option<&str> {
        self.options.external_task_id.as_deref().filter(|id| !id.is_empty())
    }
}

/// The body of `POST /tasks`: a window of creation times, filters, a page size, or the
/// cursor of the previous page (which carries the window and overrides it).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TaskQuery {
    /// Unix milliseconds; by default 30 days before `end_time`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_time: Option<i64>,
    /// Unix milliseconds; by default now.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_time: Option<i64>,
    /// Tasks per page, 1 to 500 (100 by default).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<usize>,
    /// Only tasks matching every filter.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub filters: Vec<TaskFilter>,
    /// The previous page's `next_cursor`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cursor: Option<String>,
}

/// One `filters[]` entry: a key (`status`, `product_type`) and the values it may take.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaskFilter {
    /// `status` or `product_type`.
    pub key: String,
    /// Any of these.
    pub values: Vec<String>,
}

impl TaskQuery {
    /// With a window of creation times, in Unix milliseconds.
    pub fn window(mut self, start_ms: i64, end_ms: i64) -> TaskQuery {
        self.start_time = Some(start_ms);
        self.end_time = Some(end_ms);
        self
    }

    /// With this page size.
    pub fn limit(mut self, limit: usize) -> TaskQuery {
        self.limit = Some(limit);
        self
    }

    /// With a filter on `key` (`status`, `product_type`).
    pub fn filter(mut self, key: &str, values: impl IntoIterator<Item = impl Into<String>>) -> TaskQuery {
        self.filters.push(TaskFilter { key: key.to_owned(), values: values.into_iter().map(Into::into).collect() });
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::standard::{DOCUMENTED_EXAMPLES, by_segments};

    /// Every documented body reads into the type and is written back to the same JSON,
    /// so nothing a page shows is lost by the typed form.
    #[test]
    fn documented_examples_round_trip() {
        for (name, body) in DOCUMENTED_EXAMPLES {
            let json: Value = serde_json::from_str(body).expect("example is JSON");
            let typed: StandardRequest = serde_json::from_value(json.clone()).expect(name);
            assert_eq!(serde_json::to_value(&typed).expect("serialises"), json, "{name}");
        }
    }

    /// Bodies built with the helpers pass the endpoint's own rules.
    #[test]
    fn built_bodies_are_valid() {
        let cases = [
            ("text-to-video", "kling-3.0", StandardRequest::text("a cat").duration(5).resolution("1080p")),
            (
                "image-to-video",
                "kling-3.0",
                StandardRequest::items([Content::prompt("a cat walks"), Content::first_frame("https://e.com/a.png")])
                    .external_task_id("order-1"),
            ),
            (
                "motion-control",
                "kling-3.0",
                StandardRequest::items([Content::image("https://e.com/p.png"), Content::video("https://e.com/d.mp4")])
                    .setting("character_orientation", "video"),
            ),
        ];
        for (operation, model, request) in cases {
            let spec = by_segments(operation, model).expect("endpoint");
            let body = serde_json::to_value(&request).expect("serialises");
            let outcome = crate::rules::validate(spec, &body, &crate::rules::ValidationOptions::default());
            assert!(outcome.is_ok(), "{operation}/{model}: {outcome:?}");
        }
    }
}
