//! How to obtain the ids that some base requests refer to (`$video_id`, `$session_id`,
//! ...): the calls that create them, in order, as data. The end-to-end tests and the
//! contract kit run these steps against a server before sending the requests that need
//! them, so a new stateful endpoint needs a row here, not new test code.

use std::collections::HashMap;

use serde_json::Value;

/// One call that produces placeholder values.
#[derive(Debug, Clone, Copy)]
pub struct Step {
    /// `POST` path.
    pub path: &'static str,
    /// JSON body; may use placeholders of earlier steps.
    pub body: &'static str,
    /// Whether the answer is a task to wait for (queried at `{path}/{task_id}` until
    /// `succeed`); otherwise `data` is read at once.
    pub finish: bool,
    /// `(placeholder, JSON pointer into the finished task or data)`.
    pub picks: &'static [(&'static str, &'static str)],
}

/// Every step, in an order that satisfies their dependencies.
pub const STEPS: &[Step] = &[
    Step {
        path: "/v1/videos/text2video",
        // The served day's default model: kling-v1 (whose videos video-extend takes) until
        // its retirement.
        body: r#"{"prompt": "a source video", "duration": "5"}"#,
        finish: true,
        picks: &[("$video_id", "/task_result/videos/0/id")],
    },
    Step {
        path: "/v1/videos/identify-face",
        body: r#"{"video_id": "$video_id"}"#,
        finish: false,
        picks: &[("$session_id", "/session_id"), ("$face_id", "/face_data/0/face_id")],
    },
    Step {
        path: "/v1/videos/multi-elements/init-selection",
        body: r#"{"video_id": "$video_id"}"#,
        finish: false,
        picks: &[("$selection_id", "/session_id")],
    },
    // A second session for the operations that remove selections (delete, clear), so
    // requests that need a selection never race with them.
    Step {
        path: "/v1/videos/multi-elements/init-selection",
        body: r#"{"video_id": "$video_id"}"#,
        finish: false,
        picks: &[("$spare_selection_id", "/session_id")],
    },
    Step {
        path: "/v1/videos/multi-elements/add-selection",
        body: r#"{"session_id": "$selection_id", "frame_index": 0, "points": [{"x": 0.5, "y": 0.5}]}"#,
        finish: false,
        picks: &[],
    },
    Step {
        path: "/v1/general/custom-voices",
        body: r#"{"voice_name": "Contract", "video_id": "$video_id"}"#,
        finish: true,
        picks: &[("$voice_id", "/task_result/voices/0/voice_id")],
    },
    Step {
        path: "/v1/general/advanced-custom-elements",
        body: r#"{"element_name": "Contract", "element_description": "a test element", "reference_type": "image_refer", "element_image_list": {"frontal_image": "https://example.com/front.png"}}"#,
        finish: true,
        picks: &[("$element_id", "/task_result/elements/0/element_id")],
    },
    Step {
        path: "/v1/audio/tts",
        body: r#"{"text": "hello there, avatar", "voice_id": "$voice_id"}"#,
        finish: false,
        picks: &[("$audio_id", "/task_result/audios/0/id")],
    },
];

/// Placeholder values obtained from a server.
pub type Placeholders = HashMap<String, String>;

/// Whether `text` is an id placeholder (`$video_id`), not an image sample (`$image:...`).
pub fn is_placeholder(text: &str) -> bool {
    text.starts_with('$') && !text.starts_with("$image:") && text.len() > 1
}

/// Replaces every placeholder string in `value` that `known` has; returns the ones it
/// lacks.
pub fn fill(value: &mut Value, known: &Placeholders) -> Vec<String> {
    let mut missing = Vec::new();
    fill_into(value, known, &mut missing);
    missing
}

fn fill_into(value: &mut Value, known: &Placeholders, missing: &mut Vec<String>) {
    match value {
        Value::String(s) if is_placeholder(s) => match known.get(s.as_str()) {
            Some(v) => v.clone_into(s),
            None => missing.push(s.clone()),
        },
        Value::Array(items) => items.iter_mut().for_each(|v| fill_into(v, known, missing)),
        Value::Object(map) => map.values_mut().for_each(|v| fill_into(v, known, missing)),
        _ => {}
    }
}

/// The value at `pointer` as placeholder text (numbers as their decimal form).
pub fn pick(data: &Value, pointer: &str) -> Option<String> {
    match data.pointer(pointer)? {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ENDPOINTS;

    #[test]
    fn every_placeholder_of_the_tables_has_a_step_that_makes_it_first() {
        let mut made: Vec<&str> = Vec::new();
        for step in STEPS {
            let mut body: Value = serde_json::from_str(step.body).expect("step body is JSON");
            let known = made.iter().map(|p| ((*p).to_owned(), String::new())).collect();
            assert!(fill(&mut body, &known).is_empty(), "{} uses a placeholder made later", step.path);
            made.extend(step.picks.iter().map(|(p, _)| *p));
        }
        for spec in ENDPOINTS {
            let known: Placeholders = made.iter().map(|p| ((*p).to_owned(), String::new())).collect();
            let mut texts: Vec<Value> = vec![serde_json::from_str(spec.base).expect("base is JSON")];
            texts.extend(crate::rules::cases(spec).into_iter().flat_map(|c| [c.accept, c.reject]));
            for mut text in texts {
                assert!(fill(&mut text, &known).is_empty(), "{} refers to a placeholder no step makes", spec.name);
            }
        }
    }

    #[test]
    fn fill_reports_what_it_cannot_fill() {
        let mut body = serde_json::json!({"a": "$video_id", "b": ["$nope"], "c": "$image:png:10x10"});
        let known = Placeholders::from([("$video_id".to_owned(), "v1".to_owned())]);
        assert_eq!(fill(&mut body, &known), vec!["$nope".to_owned()]);
        assert_eq!(body["a"], "v1");
        assert_eq!(pick(&serde_json::json!({"x": [{"id": 42}]}), "/x/0/id").as_deref(), Some("42"));
    }
}
