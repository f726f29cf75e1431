//! One task's state machine: `submitted -> processing -> succeed | failed`.
//!
//! A task is created with its whole plan (when it starts, when it ends, how it ends), so
//! its state at any simulated instant is known. [`TaskRecord::settle`] applies every
//! transition that is due, in order, stamping each with its planned time; whoever calls
//! it first (a query, a list, the background driver) moves the task, and each transition
//! happens exactly once because callers hold the store's write lock.

use kling_api::EndpointId;
use kling_api::endpoints::{Output, PackType};
use kling_api::pricing::{Basis, Units};
use kling_api::rules::ValidRequest;
use kling_api::solutions::{Product, Spelling};
use kling_api::wire::{
    Audio, BalanceDeduction, Element, Image, Task, TaskInfo, TaskResult, TaskStatus, Video, Voice, WatermarkInfo,
};
use kling_api::wire_solutions::{SolutionItem, SolutionOutput};
use kling_api::wire_standard::{Billing, Status, TaskItem, TaskOutput};

use crate::accounts::{DeductionFacts, Payment};
use crate::audio::{self, AudioFormat};
use crate::auth::AccountId;
use crate::media::{self, Media};

/// How a task ends.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// With a result.
    Succeed,
    /// Without a result, for this reason (`task_status_msg`).
    Fail(String),
}

/// When the task moves and how it ends.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Plan {
    /// Simulated ms at which it leaves `submitted`.
    pub processing_at: i64,
    /// Simulated ms at which it reaches its terminal state; `i64::MAX` while held until
    /// released.
    pub finished_at: i64,
    /// Terminal state.
    pub outcome: Outcome,
    /// Fail straight from `submitted` at `processing_at` (an input check), never running.
    pub fail_before_processing: bool,
}

/// A stored task.
#[derive(Debug, Clone)]
pub struct TaskRecord {
    /// Numeric task id.
    pub id: u64,
    /// Owner.
    pub account: AccountId,
    /// Endpoint family.
    pub endpoint: EndpointId,
    /// Resource pack it draws on.
    pub pack: PackType,
    /// Concurrency slots it holds while running.
    pub slots: u32,
    /// What the task keeps of its request (the rest is used at creation and dropped,
    /// which keeps a million stored tasks within a gigabyte).
    pub request: TaskParams,
    /// Units charged on success.
    pub cost: Units,
    /// How the cost is paid (pack or cash).
    pub payment: Payment,
    /// What the price was computed from (the billing exports describe the task by it).
    pub billing: Basis,
    /// Simulated creation time (ms).
    pub created_at: i64,
    /// Current status.
    pub status: TaskStatus,
    /// Failure reason, empty otherwise.
    pub status_msg: String,
    /// Time of the last transition (ms).
    pub updated_at: i64,
    /// The future of this task.
    pub plan: Plan,
    /// Id of the video (or prefix of the image ids) a success delivers.
    pub video_id: uuid::Uuid,
    /// What a success delivers.
    pub output: Output,
    /// Length of the result video in milliseconds.
    pub video_ms: u64,
    /// The video this task was made from (extension, lip-sync).
    pub parent: Option<ParentVideo>,
}

/// The parts of a validated request a stored task still needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskParams {
    /// Model.
    pub model: &'static str,
    /// Mode.
    pub mode: Option<&'static str>,
    /// The caller's id.
    pub external_task_id: Option<String>,
    /// Whether a watermarked copy was requested.
    pub watermark: bool,
    /// Images delivered.
    pub n: u32,
    /// Omni-image series.
    pub series: bool,
    /// Where callbacks go; kept so a restored task still reports.
    pub callback_url: Option<String>,
    /// What only a few endpoints keep (boxed: most tasks have none).
    pub extra: Option<Box<TaskExtra>>,
}

/// Request details of library and editing tasks.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TaskExtra {
    /// `voice_name` / `element_name`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// `element_description`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// `reference_type`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference_type: Option<String>,
    /// The multi-elements session (shown on the result video).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session_id: Option<String>,
    /// drama_subtitle's `(font_size, margin_v)`, for its ASS file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subtitle_style: Option<(u32, u32)>,
}

impl From<&ValidRequest> for TaskParams {
    fn from(r: &ValidRequest) -> TaskParams {
        let extra = TaskExtra {
            name: r.name.clone(),
            description: r.description.clone(),
            reference_type: r.reference_type.clone(),
            session_id: r.session_id.clone(),
            subtitle_style: r.subtitle_style,
        };
        TaskParams {
            model: r.model,
            mode: r.mode,
            external_task_id: r.external_task_id.clone(),
            watermark: r.watermark,
            n: r.n,
            series: r.series,
            extra: (extra != TaskExtra::default()).then(|| Box::new(extra)),
            callback_url: r.callback_url.clone(),
        }
    }
}

impl TaskParams {
    fn extra(&self) -> &TaskExtra {
        static NONE: TaskExtra =
            TaskExtra { name: None, description: None, reference_type: None, session_id: None, subtitle_style: None };
        self.extra.as_deref().unwrap_or(&NONE)
    }
}

/// A source video, shown as `task_info.parent_video`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ParentVideo {
    /// Its video id.
    pub id: String,
    /// Its length in milliseconds.
    pub ms: u64,
}

impl ParentVideo {
    /// The wire form, with its link under `base_url`.
    pub fn render(&self, base_url: &str, media: &Media) -> Video {
        Video {
            id: self.id.clone(),
            url: format!("{base_url}{}", media::video_path(self.ms, &self.id, false)),
            watermark_url: None,
            duration: media.duration_text(self.ms),
            session_id: None,
        }
    }
}

impl TaskRecord {
    /// When the next transition is due, if any.
    pub fn next_due(&self) -> Option<i64> {
        match self.status {
            TaskStatus::Submitted => Some(self.plan.processing_at),
            TaskStatus::Processing => Some(self.plan.finished_at),
            TaskStatus::Succeed | TaskStatus::Failed => None,
        }
    }

    /// Applies the next transition if it is due at `now_ms`; returns the status entered.
    pub fn step(&mut self, now_ms: i64) -> Option<TaskStatus> {
        let due = self.next_due().filter(|due| *due <= now_ms)?;
        let next = match (self.status, &self.plan.outcome) {
            (TaskStatus::Submitted, Outcome::Fail(reason)) if self.plan.fail_before_processing => {
                self.status_msg.clone_from(reason);
                TaskStatus::Failed
            }
            (TaskStatus::Submitted, _) => TaskStatus::Processing,
            (_, Outcome::Succeed) => TaskStatus::Succeed,
            (_, Outcome::Fail(reason)) => {
                self.status_msg.clone_from(reason);
                TaskStatus::Failed
            }
        };
        debug_assert!(self.status.can_become(next));
        self.status = next;
        self.updated_at = due.max(self.updated_at);
        Some(next)
    }

    /// Applies every transition due at `now_ms`; returns the statuses entered, in order.
    pub fn settle(&mut self, now_ms: i64) -> Vec<TaskStatus> {
        std::iter::from_fn(|| self.step(now_ms)).collect()
    }

    /// The task as the API shows it, with result links under `base_url`.
    pub fn render(&self, base_url: &str, media: &Media) -> Task {
        let task_result = (self.status == TaskStatus::Succeed).then(|| self.result(base_url, media));
        let succeeded = self.status == TaskStatus::Succeed;
        let final_unit_deduction = match (self.status, self.payment) {
            (TaskStatus::Succeed, Payment::Unit) => Some(self.cost.to_string()),
            (TaskStatus::Succeed | TaskStatus::Failed, _) => Some("0".to_owned()),
            (TaskStatus::Submitted | TaskStatus::Processing, _) => None,
        };
        let final_balance_deduction = match self.payment {
            Payment::Cash { quota, list_price, .. } if succeeded => {
                Some(BalanceDeduction { quota: quota.to_string(), list_price: list_price.to_string() })
            }
            _ => None,
        };
        Task {
            task_id: self.id.to_string(),
            task_status: self.status,
            task_status_msg: self.status_msg.clone(),
            task_info: TaskInfo {
                parent_video: self.parent.as_ref().map(|p| p.render(base_url, media)),
                external_task_id: self.request.external_task_id.clone(),
            },
            task_result,
            watermark_info: Some(WatermarkInfo { enabled: self.request.watermark }),
            final_unit_deduction,
            final_balance_deduction,
            created_at: self.created_at,
            updated_at: self.updated_at,
        }
    }
}

impl TaskRecord {
    /// What the billing exports say of this task, owned by the account named `api_key_name`.
    pub fn deduction_facts(&self, api_key_name: std::sync::Arc<str>, media: &Media) -> DeductionFacts {
        let video = self.pack == PackType::Video && matches!(self.output, Output::Videos | Output::VideoWithAudio);
        let basis = &self.billing;
        DeductionFacts {
            task_id: self.id,
            created_at: self.created_at,
            deduction_time: self.updated_at,
            api_key_name,
            product_function: kling_api::pricing::product_function(self.endpoint).into(),
            model_name: self.request.model.into(),
            resolution: video.then(|| basis.tier.resolution().into()),
            duration: video.then(|| media.duration_text(self.video_ms)),
            refer_video_input: video.then_some(basis.video_input),
            video_sound: video.then(|| basis.sound.as_str().into()),
            voice_control: video.then_some(basis.voice_control),
        }
    }

    /// Whether the task was created on the new-standard surface.
    pub fn is_standard(&self) -> bool {
        kling_api::endpoints::spec(self.endpoint).standard.is_some()
    }

    /// Whether the task was created on the Solutions surface.
    pub fn is_solution(&self) -> bool {
        kling_api::endpoints::spec(self.endpoint).solution.is_some()
    }

    /// What the task was charged, as `billing[]` of both new surfaces: once it has
    /// ended (PROBE: none while running; `"0"` for a failed one).
    fn billing_entries(&self) -> Vec<Billing> {
        let package_type = kling_api::standard::billing_package(self.pack);
        let succeeded = self.status == TaskStatus::Succeed;
        match (self.status, self.payment) {
            (TaskStatus::Submitted | TaskStatus::Processing, _) => Vec::new(),
            (_, Payment::Unit) => vec![Billing {
                charge_type: "unit".to_owned(),
                amount: if succeeded { self.cost.to_string() } else { "0".to_owned() },
                package_type: Some(package_type.to_owned()),
                ..Billing::default()
            }],
            (_, Payment::Cash { cash_type, quota, list_price, currency }) => vec![Billing {
                charge_type: "cash".to_owned(),
                amount: if succeeded { quota.to_string() } else { "0".to_owned() },
                cash_type: Some(cash_type.as_str().to_owned()),
                currency: Some(currency.as_str().to_owned()),
                list_price: Some(if succeeded { list_price.to_string() } else { "0".to_owned() }),
                ..Billing::default()
            }],
        }
    }

    /// The task as `/solutions` and its callbacks show it: the outputs its solution
    /// lists, each a real file under `base_url`, once succeeded.
    pub fn solution_item(&self, base_url: &str, media: &Media, spelling: Spelling) -> SolutionItem {
        let id = self.video_id.to_string();
        let watermark = self.request.watermark;
        let mut outputs = Vec::new();
        let products = kling_api::endpoints::spec(self.endpoint).solution.map_or(&[][..], |s| s.products);
        if self.status == TaskStatus::Succeed {
            let mut images = 0;
            for product in products {
                let output = match *product {
                    Product::Video(kind) => {
                        let link = |wm| format!("{base_url}{}", media::video_path(self.video_ms, &id, wm));
                        SolutionOutput {
                            kind: kind.to_owned(),
                            url: link(false),
                            watermark_url: watermark.then(|| link(true)),
                            duration: Some(media.duration_text(self.video_ms)),
                        }
                    }
                    Product::Image(kind) => {
                        let name = format!("{id}-{images}");
                        images += 1;
                        let link = |wm| format!("{base_url}{}", media::image_path(&name, wm));
                        SolutionOutput {
                            kind: kind.to_owned(),
                            url: link(false),
                            watermark_url: watermark.then(|| link(true)),
                            duration: None,
                        }
                    }
                    Product::Subtitles(format) => {
                        let style = self.request.extra().subtitle_style.unwrap_or(crate::subtitles::DEFAULT_STYLE);
                        let path = crate::subtitles::path(self.video_ms, style, &id, format);
                        SolutionOutput {
                            kind: format.extension().to_owned(),
                            url: format!("{base_url}{path}"),
                            watermark_url: None,
                            duration: None,
                        }
                    }
                };
                outputs.push(output);
            }
        }
        SolutionItem {
            id: self.id.to_string(),
            status: spelling.status(self.endpoint, Status::of(self.status)).to_owned(),
            message: self.status_msg.clone(),
            create_time: self.created_at,
            update_time: self.updated_at,
            external_id: self.request.external_task_id.clone(),
            outputs,
            billing: self.billing_entries(),
        }
    }

    /// The task as `/tasks` and new-standard callbacks show it: the same state and
    /// results as [`TaskRecord::render`], spoken in the new form. `billing` appears once
    /// the task has ended (PROBE: none while running; `"0"` for a failed one).
    pub fn item(&self, base_url: &str, media: &Media) -> TaskItem {
        let task = self.render(base_url, media);
        let mut outputs = Vec::new();
        if let Some(result) = task.task_result {
            outputs.extend(result.videos.into_iter().map(|v| TaskOutput::Video {
                id: v.id,
                url: v.url,
                watermark_url: v.watermark_url,
                duration: v.duration,
            }));
            outputs.extend(
                result
                    .images
                    .into_iter()
                    .chain(result.series_images)
                    .map(|i| TaskOutput::Image { url: i.url, watermark_url: i.watermark_url }),
            );
            outputs.extend(result.audios.into_iter().filter_map(|a| {
                Some(TaskOutput::Audio {
                    id: a.id,
                    mp3_url: a.url_mp3.or(a.url)?,
                    wav_url: a.url_wav.unwrap_or_default(),
                    mp3_duration: a.duration_mp3.or(a.duration).unwrap_or_default(),
                    wav_duration: a.duration_wav.unwrap_or_default(),
                })
            }));
        }
        let billing = self.billing_entries();
        TaskItem {
            id: task.task_id,
            status: Status::of(self.status),
            outputs,
            message: task.task_status_msg,
            create_time: self.created_at,
            update_time: self.updated_at,
            external_id: self.request.external_task_id.clone(),
            billing,
        }
    }

    /// The body of a callback for the task's current state, in the form of the surface
    /// it was created on.
    pub fn callback_body(&self, base_url: &str, media: &Media, spelling: Spelling) -> Vec<u8> {
        let body = if self.is_standard() {
            serde_json::to_vec(&self.item(base_url, media))
        } else if self.is_solution() {
            serde_json::to_vec(&self.solution_item(base_url, media, spelling))
        } else {
            serde_json::to_vec(&self.render(base_url, media))
        };
        body.unwrap_or_default()
    }

    /// The id of the audio a succeeded audio task delivers.
    pub fn audio_id(&self) -> String {
        match self.output {
            // The video keeps the plain id; its sound track is item 0.
            Output::VideoWithAudio => format!("{}-0", self.video_id),
            _ => self.video_id.to_string(),
        }
    }

    /// The id of the custom voice a succeeded custom-voices task made.
    pub fn voice_id(&self) -> String {
        self.id.to_string()
    }

    /// The id of the custom element a succeeded custom-elements task made.
    pub fn element_id(&self) -> u64 {
        self.id
    }

    fn audio(&self, base_url: &str, both_formats: bool) -> Audio {
        let id = self.audio_id();
        let link = |format| format!("{base_url}{}", audio::audio_path(self.video_ms, &id, format));
        let seconds = |format| format!("{:.3}", audio::file_ms(self.video_ms, format) as f64 / 1000.0);
        if both_formats {
            Audio {
                id: id.clone(),
                url: None,
                duration: None,
                url_mp3: Some(link(AudioFormat::Mp3)),
                url_wav: Some(link(AudioFormat::Wav)),
                duration_mp3: Some(seconds(AudioFormat::Mp3)),
                duration_wav: Some(seconds(AudioFormat::Wav)),
            }
        } else {
            Audio {
                id: id.clone(),
                url: Some(link(AudioFormat::Mp3)),
                duration: Some(seconds(AudioFormat::Mp3)),
                url_mp3: None,
                url_wav: None,
                duration_mp3: None,
                duration_wav: None,
            }
        }
    }

    fn result(&self, base_url: &str, media: &Media) -> TaskResult {
        let id = self.video_id.to_string();
        let watermark = self.request.watermark;
        let images = || -> Vec<Image> {
            (0..self.request.n)
                .map(|index| {
                    let name = format!("{id}-{index}");
                    let link = |wm| format!("{base_url}{}", media::image_path(&name, wm));
                    Image {
                        index,
                        url: link(false),
                        watermark_url: watermark.then(|| link(true)),
                        url_1: None,
                        url_2: None,
                        url_3: None,
                    }
                })
                .collect()
        };
        match self.output {
            Output::Videos => {
                let link = |wm| format!("{base_url}{}", media::video_path(self.video_ms, &id, wm));
                let video = Video {
                    id: id.clone(),
                    url: link(false),
                    watermark_url: watermark.then(|| link(true)),
                    duration: media.duration_text(self.video_ms),
                    session_id: (self.endpoint == EndpointId::MultiElements)
                        .then(|| self.request.extra().session_id.clone())
                        .flatten(),
                };
                TaskResult { videos: vec![video], ..TaskResult::default() }
            }
            Output::VideoWithAudio => {
                let link = |wm| format!("{base_url}{}", media::video_path(self.video_ms, &id, wm));
                let video = Video {
                    id: id.clone(),
                    url: link(false),
                    watermark_url: watermark.then(|| link(true)),
                    duration: media.duration_text(self.video_ms),
                    session_id: None,
                };
                TaskResult { videos: vec![video], audios: vec![self.audio(base_url, true)], ..TaskResult::default() }
            }
            Output::Audios => TaskResult { audios: vec![self.audio(base_url, true)], ..TaskResult::default() },
            Output::Speech => TaskResult { audios: vec![self.audio(base_url, false)], ..TaskResult::default() },
            Output::Voices => {
                let trial = audio::audio_path(self.video_ms, &self.video_id.to_string(), AudioFormat::Mp3);
                TaskResult {
                    voices: vec![Voice {
                        voice_id: self.voice_id(),
                        voice_name: self.request.extra().name.clone().unwrap_or_default(),
                        trial_url: format!("{base_url}{trial}"),
                        owned_by: "creator".to_owned(),
                    }],
                    ..TaskResult::default()
                }
            }
            Output::Elements => {
                let extra = self.request.extra();
                TaskResult {
                    elements: vec![Element {
                        element_id: self.element_id(),
                        element_name: extra.name.clone().unwrap_or_default(),
                        element_description: extra.description.clone().unwrap_or_default(),
                        reference_type: extra.reference_type.clone().unwrap_or_default(),
                        owned_by: "creator".to_owned(),
                        status: "succeed".to_owned(),
                    }],
                    ..TaskResult::default()
                }
            }
            Output::Images => TaskResult { images: images(), ..TaskResult::default() },
            Output::AngleSets => {
                let (sets, angles) = kling_api::image_edit::ANGLE_SETS;
                // File `{id}-{k}` for the k-th angle overall, as for the images of any task.
                let angle = |set: u32, n: u32| {
                    (n < angles).then(|| {
                        format!("{base_url}{}", media::image_path(&format!("{id}-{}", set * angles + n), false))
                    })
                };
                let images = (0..sets)
                    .map(|index| Image {
                        index,
                        url: String::new(),
                        watermark_url: None,
                        url_1: angle(index, 0),
                        url_2: angle(index, 1),
                        url_3: angle(index, 2),
                    })
                    .collect();
                TaskResult { images, ..TaskResult::default() }
            }
            Output::OmniImages if self.request.series => {
                TaskResult { result_type: Some("series".to_owned()), series_images: images(), ..TaskResult::default() }
            }
            Output::OmniImages => {
                TaskResult { result_type: Some("single".to_owned()), images: images(), ..TaskResult::default() }
            }
            // A solution's outputs are its `/solutions` item's (`solution_item`).
            Output::Synchronous | Output::Products => TaskResult::default(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(outcome: Outcome) -> TaskRecord {
        TaskRecord {
            id: 1,
            account: AccountId(0),
            endpoint: EndpointId::Text2Video,
            pack: PackType::Video,
            slots: 1,
            request: TaskParams {
                model: "kling-v1",
                mode: Some("std"),
                external_task_id: None,
                watermark: false,
                n: 1,
                series: false,
                extra: None,
                callback_url: None,
            },

            cost: Units::whole(150),
            payment: Payment::Unit,
            billing: Basis::new(EndpointId::Text2Video, "kling-v1"),
            created_at: 1_000,
            status: TaskStatus::Submitted,
            status_msg: String::new(),
            updated_at: 1_000,
            plan: Plan { processing_at: 2_000, finished_at: 5_000, outcome, fail_before_processing: false },
            video_id: uuid::Uuid::nil(),
            output: Output::Videos,
            video_ms: 5_000,
            parent: None,
        }
    }

    #[test]
    fn transitions_follow_the_plan_and_stop_at_terminal() {
        let mut task = record(Outcome::Succeed);
        assert!(task.settle(1_999).is_empty());
        assert_eq!(task.settle(2_000), vec![TaskStatus::Processing]);
        assert_eq!(task.updated_at, 2_000);
        assert_eq!(task.settle(9_000), vec![TaskStatus::Succeed]);
        assert_eq!(task.updated_at, 5_000);
        assert!(task.settle(99_000).is_empty());
    }

    #[test]
    fn an_input_check_fails_a_task_before_it_runs() {
        let mut task = record(Outcome::Fail("bad input".into()));
        task.plan.fail_before_processing = true;
        assert_eq!(task.settle(10_000), vec![TaskStatus::Failed]);
        assert_eq!(task.updated_at, 2_000);
    }

    #[test]
    fn a_late_look_applies_every_transition_in_order() {
        let mut task = record(Outcome::Fail("content risk".into()));
        assert_eq!(task.settle(10_000), vec![TaskStatus::Processing, TaskStatus::Failed]);
        assert_eq!(task.status_msg, "content risk");
    }
}
