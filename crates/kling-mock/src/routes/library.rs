//! `GET /v1/general/presets-voices` and `GET /v1/general/advanced-presets-elements`: the
//! presets every account may use, paged like the task lists. Each preset is shown as a
//! succeeded task carrying it in `task_result`, the shape of the custom voice and element
//! lists, so one parser reads both (FIDELITY.md: the docs give no preset list example).

use axum::extract::Query;
use axum::extract::rejection::QueryRejection;
use axum::response::Response;
use kling_api::references::PRESET_ELEMENTS;
use kling_api::voices::LIP_SYNC_VOICES;
use kling_api::wire::{Element, Task, TaskInfo, TaskResult, TaskStatus, Voice};

use super::success;
use super::tasks::{Ctx, ListParams, page_of};
use crate::audio::{AudioFormat, audio_path};
use crate::error::ApiError;

/// When the presets were published (a fixed instant, 2025-01-01T00:00:00Z).
const PUBLISHED_MS: i64 = 1_735_689_600_000;
/// Length of a preset's trial audio.
const TRIAL_MS: u64 = 5_000;

fn preset_task(key: String, task_result: TaskResult) -> Task {
    Task {
        task_id: key,
        task_status: TaskStatus::Succeed,
        task_status_msg: String::new(),
        task_info: TaskInfo::default(),
        task_result: Some(task_result),
        watermark_info: None,
        final_unit_deduction: None,
        final_balance_deduction: None,
        created_at: PUBLISHED_MS,
        updated_at: PUBLISHED_MS,
    }
}

fn page<T>(
    items: impl Iterator<Item = T>,
    params: Result<Query<ListParams>, QueryRejection>,
) -> Result<Vec<T>, ApiError> {
    let (number, size) = page_of(params)?;
    Ok(items.skip((number - 1) * size).take(size).collect())
}

/// The preset voices.
pub(super) async fn preset_voices(ctx: Ctx, params: Result<Query<ListParams>, QueryRejection>) -> Response {
    let base = ctx.base_url();
    let voices = LIP_SYNC_VOICES.iter().enumerate().map(|(i, voice_id)| {
        let trial = uuid::Uuid::from_u128(0x7072_6573_6574_0000_0000_0000_0000_0000 | i as u128).to_string();
        let voice = Voice {
            voice_id: (*voice_id).to_owned(),
            voice_name: (*voice_id).to_owned(),
            trial_url: format!("{base}{}", audio_path(TRIAL_MS, &trial, AudioFormat::Mp3)),
            owned_by: "kling".to_owned(),
        };
        preset_task(format!("preset-voice-{voice_id}"), TaskResult { voices: vec![voice], ..TaskResult::default() })
    });
    match page(voices, params) {
        Ok(tasks) => success(ctx.request_id.0, tasks),
        Err(e) => axum::response::IntoResponse::into_response(e),
    }
}

/// The preset elements.
pub(super) async fn preset_elements(ctx: Ctx, params: Result<Query<ListParams>, QueryRejection>) -> Response {
    let elements = PRESET_ELEMENTS.iter().map(|preset| {
        let element = Element {
            element_id: preset.id,
            element_name: preset.name.to_owned(),
            element_description: preset.description.to_owned(),
            reference_type: "image_refer".to_owned(),
            owned_by: "kling".to_owned(),
            status: "succeed".to_owned(),
        };
        preset_task(
            format!("preset-element-{}", preset.id),
            TaskResult { elements: vec![element], ..TaskResult::default() },
        )
    });
    match page(elements, params) {
        Ok(tasks) => success(ctx.request_id.0, tasks),
        Err(e) => axum::response::IntoResponse::into_response(e),
    }
}
