//! What a request may refer to besides its own fields: voices, elements and audios that
//! exist for the caller. Presets exist for everyone; custom voices and elements, and the
//! audios of finished audio tasks, exist only for the account that made them, which only
//! the emulator knows. Rules ask through [`Known`], so the same tables check references
//! in the emulator (account state) and in pure validation ([`Presets`]).

use serde_json::Value;

use crate::rules::{Expressed, Req, Rule, RuleClass};
use crate::voices::LIP_SYNC_VOICES;

/// Lookups of referable things for one account.
pub trait Known: Sync {
    /// Whether `voice_id` is a preset or a live custom voice of the account.
    fn voice(&self, voice_id: &str) -> bool;
    /// Whether `element_id` is a preset or a live custom element of the account.
    fn element(&self, element_id: u64) -> bool;
    /// The length in ms of an audio the account's tasks produced.
    fn audio_ms(&self, audio_id: &str) -> Option<u64>;
}

/// Only the presets: what exists for every account.
#[derive(Debug, Clone, Copy, Default)]
pub struct Presets;

impl Known for Presets {
    fn voice(&self, voice_id: &str) -> bool {
        is_preset_voice(voice_id)
    }

    fn element(&self, element_id: u64) -> bool {
        is_preset_element(element_id)
    }

    fn audio_ms(&self, _audio_id: &str) -> Option<u64> {
        None
    }
}

/// A preset element (`GET /v1/general/advanced-presets-elements`).
#[derive(Debug, Clone, Copy)]
pub struct PresetElement {
    /// Numeric id, as `element_list[].element_id` sends it.
    pub id: u64,
    /// Display name.
    pub name: &'static str,
    /// Description.
    pub description: &'static str,
}

/// The emulator's preset elements. The real catalogue is not published in the sources the
/// emulator follows; these ids are the emulator's own (FIDELITY.md).
pub const PRESET_ELEMENTS: &[PresetElement] = &[
    PresetElement { id: 1, name: "Red fox", description: "a red fox with a bushy tail" },
    PresetElement { id: 2, name: "Astronaut", description: "an astronaut in a white suit" },
    PresetElement { id: 3, name: "Robot", description: "a small round service robot" },
    PresetElement { id: 4, name: "Vintage car", description: "a blue 1960s convertible" },
    PresetElement { id: 5, name: "Ballerina", description: "a dancer in a pink tutu" },
    PresetElement { id: 6, name: "Golden retriever", description: "a friendly golden retriever" },
    PresetElement { id: 7, name: "Samurai", description: "a samurai in dark armour" },
    PresetElement { id: 8, name: "Teapot", description: "a white porcelain teapot" },
    PresetElement { id: 9, name: "Dragon", description: "a green dragon with small wings" },
    PresetElement { id: 10, name: "Chef", description: "a chef in a tall white hat" },
    PresetElement { id: 11, name: "Lighthouse", description: "a striped lighthouse on a cliff" },
    PresetElement { id: 12, name: "Skateboarder", description: "a teenager on a skateboard" },
    // The ids the official new-standard request examples use, so those examples run as
    // published.
    PresetElement { id: 161, name: "Parrot", description: "a parrot with bright feathers" },
    PresetElement { id: 162, name: "Girl", description: "a girl in a denim jacket" },
    PresetElement { id: 163, name: "Zhang", description: "a young man in a grey coat" },
];

/// Whether `voice_id` is a preset voice.
pub fn is_preset_voice(voice_id: &str) -> bool {
    LIP_SYNC_VOICES.contains(&voice_id)
}

/// Whether `element_id` is a preset element.
pub fn is_preset_element(element_id: u64) -> bool {
    PRESET_ELEMENTS.iter().any(|e| e.id == element_id)
}

/// An element id as sent: a JSON integer or numeric text. Read without going through
/// `f64`, which would round the 19-digit ids custom elements get.
pub fn element_id(value: &Value) -> Option<u64> {
    match value {
        Value::Number(n) => n.as_u64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// Every `element_list[].element_id` exists for the caller.
pub fn elements_exist(r: &Req<'_>) -> Result<(), String> {
    for (i, item) in r.array("element_list").iter().enumerate() {
        let id = item.get("element_id").and_then(element_id);
        if !id.is_some_and(|id| r.known.element(id)) {
            let shown = item.get("element_id").map(ToString::to_string).unwrap_or_default();
            return Err(format!("element_list[{i}].element_id {shown} does not exist"));
        }
    }
    Ok(())
}

/// Every `voice_list[].voice_id` exists for the caller.
pub fn voices_exist(r: &Req<'_>) -> Result<(), String> {
    for (i, item) in r.array("voice_list").iter().enumerate() {
        let id = r.text_in(item, "voice_id").unwrap_or_default();
        if !r.known.voice(&id) {
            return Err(format!("voice_list[{i}].voice_id {id} does not exist"));
        }
    }
    Ok(())
}

/// `element_list.exists`; endpoints set `accept`/`reject` for their own context.
pub const ELEMENTS_EXIST: Rule = Rule {
    id: "element_list.exists",
    field: "element_list",
    summary: "every element_id names a preset element or an element of the account",
    class: RuleClass::Structural,
    check: elements_exist,
    expressed: Expressed::Unstated,
    accept: r#"{"element_list": [{"element_id": 12}]}"#,
    reject: r#"{"element_list": [{"element_id": 987654321}]}"#,
};

/// `voice_list.exists`; endpoints set `accept`/`reject` for their own context.
pub const VOICES_EXIST: Rule = Rule {
    id: "voice_list.exists",
    field: "voice_list",
    summary: "every voice_id names a preset voice or a voice of the account",
    class: RuleClass::Structural,
    check: voices_exist,
    expressed: Expressed::Unstated,
    accept: r#"{"voice_list": [{"voice_id": "uk_man2"}]}"#,
    reject: r#"{"voice_list": [{"voice_id": "no-such-voice"}]}"#,
};
