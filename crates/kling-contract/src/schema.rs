//! The documented schema (the OpenAPI document kling-api derives from its tables) as the
//! judge of what a difference between two samples means.
//!
//! Two answers to the same request differ for reasons that are no drift at all: a list
//! whose first task is in another status, a task that has a result the other has not yet,
//! a target that already holds tasks. A difference counts as drift only where the
//! observed answer leaves what the document allows: an enum value the schema does not
//! list, a field it does not declare, a required field that is missing.

use serde_json::Value;

use crate::shape::{Difference, DriftKind};

/// The OpenAPI document, queried by operation and JSON path.
#[derive(Debug, Clone)]
pub struct Documented {
    document: Value,
}

impl Default for Documented {
    fn default() -> Documented {
        Documented::new(kling_api::openapi::document("http://127.0.0.1"))
    }
}

impl Documented {
    /// A judge over `document` (an OpenAPI 3.1 document).
    pub fn new(document: Value) -> Documented {
        Documented { document }
    }

    /// Whether `difference`, seen on an answer with `status` to `method path`, is allowed
    /// by the documented answer schema (and so no drift).
    pub fn allows(&self, method: &str, path: &str, status: u16, difference: &Difference) -> bool {
        let Some(schema) = self.answer_schema(method, path, status) else { return false };
        let (parent, key) = match difference.path.rsplit_once('.') {
            Some((parent, key)) => (parent, key),
            None => ("", difference.path.as_str()),
        };
        match difference.kind {
            DriftKind::NewEnumValue => self
                .at(schema, &difference.path)
                .iter()
                .any(|s| self.enumerates(s, &Value::String(difference.observed.clone()))),
            DriftKind::NewField => {
                // Declared, and what arrived fits the declaration all the way down.
                let shape = serde_json::from_str(&difference.observed)
                    .unwrap_or_else(|_| Value::String(difference.observed.clone()));
                self.at(schema, parent).iter().any(|s| self.property(s, key).is_some_and(|p| self.fits(p, &shape)))
            }
            DriftKind::MissingField => {
                // Declared somewhere, required nowhere (an `allOf` branch requiring it counts).
                let parents = self.at(schema, parent);
                parents.iter().any(|s| self.property(s, key).is_some())
                    && !parents.iter().any(|s| self.requires(s, key))
            }
            _ => false,
        }
    }

    /// The schema of the JSON answer with `status` to `method path` (query ignored; a
    /// `{template}` segment matches any segment).
    fn answer_schema(&self, method: &str, path: &str, status: u16) -> Option<&Value> {
        let path = path.split('?').next().unwrap_or(path);
        let wanted: Vec<&str> = path.trim_matches('/').split('/').collect();
        let paths = self.document.get("paths")?.as_object()?;
        let operation = paths.iter().find_map(|(template, item)| {
            let segments: Vec<&str> = template.trim_matches('/').split('/').collect();
            let matches = segments.len() == wanted.len()
                && segments.iter().zip(&wanted).all(|(t, w)| t == w || t.starts_with('{') && t.ends_with('}'));
            matches.then(|| item.get(method.to_ascii_lowercase()))?
        })?;
        let responses = operation.get("responses")?;
        let response = responses.get(status.to_string()).or_else(|| responses.get("default"))?;
        self.resolve(response).get("content")?.get("application/json")?.get("schema")
    }

    /// Follows a local `$ref`.
    fn resolve<'a>(&'a self, schema: &'a Value) -> &'a Value {
        let mut schema = schema;
        for _ in 0..16 {
            let Some(reference) = schema.get("$ref").and_then(Value::as_str) else { break };
            let Some(target) = reference.strip_prefix('#').and_then(|p| self.document.pointer(p)) else { break };
            schema = target;
        }
        schema
    }

    /// Every alternative a schema stands for (`anyOf`, `oneOf`, `allOf` flattened).
    fn alternatives<'a>(&'a self, schema: &'a Value, out: &mut Vec<&'a Value>) {
        let schema = self.resolve(schema);
        let mut branched = false;
        for key in ["anyOf", "oneOf", "allOf"] {
            if let Some(branches) = schema.get(key).and_then(Value::as_array) {
                branched = true;
                for branch in branches {
                    self.alternatives(branch, out);
                }
            }
        }
        if !branched || schema.get("properties").is_some() || schema.get("enum").is_some() {
            out.push(schema);
        }
    }

    /// The schemas found at a difference path (`data.task_info`, `data[].task_status`).
    fn at<'a>(&'a self, root: &'a Value, path: &str) -> Vec<&'a Value> {
        let mut current = Vec::new();
        self.alternatives(root, &mut current);
        for segment in path.split('.').filter(|s| !s.is_empty()) {
            let (key, depth) = match segment.find("[]") {
                Some(at) => (&segment[..at], segment[at..].matches("[]").count()),
                None => (segment, 0),
            };
            let mut next = Vec::new();
            for schema in current {
                let Some(mut found) = self.property(schema, key) else { continue };
                for _ in 0..depth {
                    match self.resolve(found).get("items") {
                        Some(items) => found = items,
                        None => break,
                    }
                }
                self.alternatives(found, &mut next);
            }
            current = next;
        }
        current
    }

    /// Whether a shape (see [`crate::shape::shape`]) fits `schema`: every key declared,
    /// every leaf of a declared type, every enum value listed.
    fn fits(&self, schema: &Value, shape: &Value) -> bool {
        let mut alternatives = Vec::new();
        self.alternatives(schema, &mut alternatives);
        let typed = |s: &Value, wanted: &[&str]| match s.get("type") {
            None => true,
            Some(Value::String(t)) => wanted.contains(&t.as_str()),
            Some(Value::Array(ts)) => ts.iter().any(|t| t.as_str().is_some_and(|t| wanted.contains(&t))),
            Some(_) => false,
        };
        alternatives.iter().any(|s| match shape {
            Value::Object(fields) => {
                typed(s, &["object"])
                    && fields.iter().all(|(k, v)| self.property(s, k).is_some_and(|p| self.fits(p, v)))
            }
            Value::Array(items) => {
                typed(s, &["array"])
                    && items.first().is_none_or(|first| s.get("items").is_some_and(|i| self.fits(i, first)))
            }
            Value::String(leaf) => match leaf.as_str() {
                "string" => typed(s, &["string"]),
                "number" => typed(s, &["number", "integer"]),
                "bool" => typed(s, &["boolean"]),
                "null" => true,
                other => match other.split_once(':') {
                    Some(("enum", value)) => {
                        typed(s, &["string"])
                            && (s.get("enum").is_none() && s.get("const").is_none()
                                || self.enumerates(s, &Value::String(value.to_owned())))
                    }
                    Some(("code", _)) => typed(s, &["integer", "number"]),
                    _ => false,
                },
            },
            _ => false,
        })
    }

    fn property<'a>(&'a self, schema: &'a Value, key: &str) -> Option<&'a Value> {
        self.resolve(schema).get("properties")?.get(key)
    }

    fn requires(&self, schema: &Value, key: &str) -> bool {
        let required = self.resolve(schema).get("required").and_then(Value::as_array);
        required.is_some_and(|r| r.iter().any(|k| k.as_str() == Some(key)))
    }

    fn enumerates(&self, schema: &Value, value: &Value) -> bool {
        let mut alternatives = Vec::new();
        self.alternatives(schema, &mut alternatives);
        alternatives.iter().any(|s| {
            s.get("enum").and_then(Value::as_array).is_some_and(|e| e.contains(value)) || s.get("const") == Some(value)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn difference(kind: DriftKind, path: &str, observed: &str) -> Difference {
        Difference { kind, path: path.into(), expected: String::new(), observed: observed.into() }
    }

    #[test]
    fn documented_values_and_optional_fields_are_no_drift() {
        let documented = Documented::default();
        let list = "/v1/videos/text2video?pageNum=1&pageSize=30";
        let allowed = |d: &Difference| documented.allows("GET", list, 200, d);
        assert!(allowed(&difference(DriftKind::NewEnumValue, "data[].task_status", "succeed")));
        assert!(!allowed(&difference(DriftKind::NewEnumValue, "data[].task_status", "queued")));
        assert!(allowed(&difference(DriftKind::NewField, "data[].final_unit_deduction", "string")));
        assert!(!allowed(&difference(DriftKind::NewField, "data[].final_unit_deduction", "number")), "wrong type");
        assert!(!allowed(&difference(DriftKind::NewField, "data[].surprise", "string")));
        let result = r#"{"videos":[{"id":"string","url":"string","duration":"string"}]}"#;
        assert!(allowed(&difference(DriftKind::NewField, "data[].task_result", result)));
        let odd = r#"{"videos":[{"id":"string","url":"string","surprise":"string"}]}"#;
        assert!(!allowed(&difference(DriftKind::NewField, "data[].task_result", odd)), "undeclared inside");
        assert!(allowed(&difference(DriftKind::MissingField, "data[].task_result", "")), "optional");
        assert!(!allowed(&difference(DriftKind::MissingField, "data[].task_id", "")), "task_id is required");
        assert!(!allowed(&difference(DriftKind::TypeChange, "data[].task_id", "number")));

        let tasks = "/tasks?task_ids=1";
        let allowed = |d: &Difference| documented.allows("GET", tasks, 200, d);
        assert!(allowed(&difference(DriftKind::NewEnumValue, "data[].status", "succeeded")));
        assert!(!allowed(&difference(DriftKind::NewEnumValue, "data[].status", "succeed")));
        let page = |d: &Difference| documented.allows("POST", "/tasks", 200, d);
        assert!(page(&difference(DriftKind::NewEnumValue, "data.result[].status", "failed")));
        assert!(!page(&difference(DriftKind::NewEnumValue, "data.result[].status", "queued")));
        let one = "/v1/videos/text2video/abc";
        assert!(documented.allows("GET", one, 200, &difference(DriftKind::NewEnumValue, "data.task_status", "failed")));
        assert!(!documented.allows("GET", "/v1/nowhere", 200, &difference(DriftKind::NewField, "data.x", "")));
    }
}
