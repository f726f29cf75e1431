//! The body `POST /tasks` and the billing exports share: a JSON object whose `null` or
//! empty-string fields count as absent, `filters[{key, values}]` on documented keys, and
//! the recorded `<field> value '<x>' is invalid` answer (400 / 1201) for a bad value.

use serde_json::{Map, Value};

use super::standard::invalid;
use crate::error::ApiError;

/// A query body, checked to be an object.
pub(super) struct QueryBody<'a> {
    object: &'a Map<String, Value>,
}

impl<'a> QueryBody<'a> {
    /// `body`, or 400 / 1201 when it is not an object.
    pub(super) fn new(body: &'a Value) -> Result<QueryBody<'a>, ApiError> {
        let object = body.as_object().ok_or_else(|| invalid("request body value type is invalid, expected object"))?;
        Ok(QueryBody { object })
    }

    /// A field that is present, not `null` and not `""`.
    pub(super) fn field(&self, key: &str) -> Option<&'a Value> {
        self.object.get(key).filter(|v| !v.is_null() && v.as_str() != Some(""))
    }

    /// `filters`, in order, each `(key, values)` as sent (empty value lists included:
    /// what they mean is the caller's). `allowed` gives a key's name and the values it
    /// takes (`None`: any string), or `None` for a key the endpoint does not filter on.
    pub(super) fn filters(
        &self,
        allowed: impl Fn(&str) -> Option<(&'static str, Option<&'static [&'static str]>)>,
    ) -> Result<Vec<(&'static str, Vec<&'a str>)>, ApiError> {
        let Some(list) = self.field("filters") else { return Ok(Vec::new()) };
        let list = list.as_array().ok_or_else(|| invalid("filters value type is invalid, expected array"))?;
        let mut filters = Vec::with_capacity(list.len());
        for (i, filter) in list.iter().enumerate() {
            let key_value = filter.get("key").unwrap_or(&Value::Null);
            let (key, values_allowed) =
                key_value.as_str().and_then(&allowed).ok_or_else(|| bad(&format!("filters[{i}].key"), key_value))?;
            let values = filter
                .get("values")
                .and_then(Value::as_array)
                .ok_or_else(|| invalid(format!("filters[{i}].values value type is invalid, expected array")))?;
            let mut chosen = Vec::with_capacity(values.len());
            for (j, v) in values.iter().enumerate() {
                let text = v
                    .as_str()
                    .filter(|t| values_allowed.is_none_or(|allowed| allowed.contains(t)))
                    .ok_or_else(|| bad(&format!("filters[{i}].values[{j}]"), v))?;
                chosen.push(text);
            }
            filters.push((key, chosen));
        }
        Ok(filters)
    }
}

/// 400 / 1201 `<key> value '<v>' is invalid`, strings shown without their quotes.
pub(super) fn bad(key: &str, v: &Value) -> ApiError {
    let shown = v.as_str().map_or_else(|| v.to_string(), str::to_owned);
    invalid(format!("{key} value '{shown}' is invalid"))
}
