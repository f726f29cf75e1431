//! Comparing answers by shape: what matters for a contract (status, code, keys, types,
//! enum values, messages of errors) with the values that always differ (ids, times,
//! URLs) left out, so one expectation holds for the emulator and the real API.

use serde_json::{Map, Value};

/// Fields whose values are compared as enum values, not just types.
const ENUM_FIELDS: &[&str] = &["task_status", "result_type", "status", "resource_pack_type"];
/// Fields whose values always differ between runs and targets.
const VOLATILE: &[&str] = &[
    "request_id",
    "task_id",
    "created_at",
    "updated_at",
    "url",
    "watermark_url",
    "id",
    "session_id",
    "face_id",
    "face_image",
    "external_task_id",
];

/// The shape of a JSON value: types for leaves, values for enum fields and `code`.
pub fn shape(value: &Value) -> Value {
    shape_in(value, None)
}

fn shape_in(value: &Value, key: Option<&str>) -> Value {
    match value {
        Value::Object(map) => {
            Value::Object(map.iter().map(|(k, v)| (k.clone(), shape_in(v, Some(k)))).collect::<Map<String, Value>>())
        }
        Value::Array(items) => Value::Array(items.first().map(|v| shape_in(v, None)).into_iter().collect()),
        Value::String(s) if key.is_some_and(|k| ENUM_FIELDS.contains(&k)) => Value::String(format!("enum:{s}")),
        Value::Number(n) if key == Some("code") => Value::String(format!("code:{n}")),
        Value::String(_) => Value::String("string".into()),
        Value::Number(_) => Value::String("number".into()),
        Value::Bool(_) => Value::String("bool".into()),
        Value::Null => Value::String("null".into()),
    }
}

/// How an observed answer differs from the expected one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DriftKind {
    /// The HTTP status differs.
    StatusChange,
    /// The envelope `code` differs.
    CodeChange,
    /// The error `message` differs.
    MessageChange,
    /// A field appeared.
    NewField,
    /// A field disappeared.
    MissingField,
    /// A field's type changed.
    TypeChange,
    /// An enum field took a value not seen before.
    NewEnumValue,
    /// The path answers as if it did not exist (404 where something else was expected).
    PathGone,
}

/// One difference.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
pub struct Difference {
    /// What changed.
    pub kind: DriftKind,
    /// Where (`data.task_info.external_task_id`, or `status`).
    pub path: String,
    /// What was expected.
    pub expected: String,
    /// What was seen.
    pub observed: String,
}

fn text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// The differences between an expected and an observed answer.
pub fn compare(expected_status: u16, expected: &Value, observed_status: u16, observed: &Value) -> Vec<Difference> {
    let mut out = Vec::new();
    if expected_status != observed_status {
        let kind = if observed_status == 404 && expected_status != 404 {
            DriftKind::PathGone
        } else {
            DriftKind::StatusChange
        };
        out.push(Difference {
            kind,
            path: "status".into(),
            expected: expected_status.to_string(),
            observed: observed_status.to_string(),
        });
    }
    let is_error = expected.get("code").and_then(Value::as_i64).is_some_and(|c| c != 0);
    if is_error {
        let (e, o) = (expected.get("message"), observed.get("message"));
        if e != o {
            out.push(Difference {
                kind: DriftKind::MessageChange,
                path: "message".into(),
                expected: e.map(text).unwrap_or_default(),
                observed: o.map(text).unwrap_or_default(),
            });
        }
    }
    diff(&shape(expected), &shape(observed), "", &mut out);
    out
}

fn diff(expected: &Value, observed: &Value, path: &str, out: &mut Vec<Difference>) {
    let at = |key: &str| if path.is_empty() { key.to_owned() } else { format!("{path}.{key}") };
    match (expected, observed) {
        (Value::Object(e), Value::Object(o)) => {
            for (key, ev) in e {
                match o.get(key) {
                    Some(ov) => diff(ev, ov, &at(key), out),
                    None => out.push(Difference {
                        kind: DriftKind::MissingField,
                        path: at(key),
                        expected: text(ev),
                        observed: String::new(),
                    }),
                }
            }
            for (key, ov) in o.iter().filter(|(k, _)| !e.contains_key(*k)) {
                out.push(Difference {
                    kind: DriftKind::NewField,
                    path: at(key),
                    expected: String::new(),
                    observed: text(ov),
                });
            }
        }
        (Value::Array(e), Value::Array(o)) => {
            if let (Some(ev), Some(ov)) = (e.first(), o.first()) {
                diff(ev, ov, &format!("{path}[]"), out);
            }
        }
        (Value::String(e), Value::String(o)) if e == o => {}
        (Value::String(e), Value::String(o)) if e.starts_with("code:") && o.starts_with("code:") => {
            out.push(Difference {
                kind: DriftKind::CodeChange,
                path: path.to_owned(),
                expected: e[5..].to_owned(),
                observed: o[5..].to_owned(),
            });
        }
        (Value::String(e), Value::String(o)) if e.starts_with("enum:") && o.starts_with("enum:") => {
            out.push(Difference {
                kind: DriftKind::NewEnumValue,
                path: path.to_owned(),
                expected: e[5..].to_owned(),
                observed: o[5..].to_owned(),
            });
        }
        (e, o) => out.push(Difference {
            kind: DriftKind::TypeChange,
            path: path.to_owned(),
            expected: text(e),
            observed: text(o),
        }),
    }
}

/// `value` with volatile fields replaced by placeholders and keys sorted, for snapshots
/// (sorted so a snapshot reads the same whatever order the map type keeps).
pub fn redact(value: &Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.iter()
                .collect::<std::collections::BTreeMap<_, _>>()
                .into_iter()
                .map(|(k, v)| {
                    let redacted = if VOLATILE.contains(&k.as_str()) && !v.is_object() && !v.is_array() {
                        Value::String(format!("[{k}]"))
                    } else {
                        redact(v)
                    };
                    (k.clone(), redacted)
                })
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(redact).collect()),
        other => other.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn differences_are_classified() {
        let expected =
            json!({"code": 1201, "message": "prompt: too long", "data": {"a": 1, "task_status": "submitted"}});
        let observed =
            json!({"code": 1003, "message": "parameter error", "data": {"a": "x", "b": true, "task_status": "queued"}});
        let mut kinds: Vec<DriftKind> = compare(400, &expected, 400, &observed).into_iter().map(|d| d.kind).collect();
        kinds.sort();
        assert_eq!(
            kinds,
            [
                DriftKind::CodeChange,
                DriftKind::MessageChange,
                DriftKind::NewField,
                DriftKind::TypeChange,
                DriftKind::NewEnumValue
            ]
        );
        assert!(compare(200, &json!({"code": 0, "data": []}), 200, &json!({"code": 0, "data": [{"x": 1}]})).is_empty());
        assert_eq!(compare(200, &json!({}), 404, &json!({}))[0].kind, DriftKind::PathGone);
    }
}
