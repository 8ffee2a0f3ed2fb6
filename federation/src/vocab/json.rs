//! Untyped helpers over `serde_json::Value`, for code that still reads raw
//! documents: `to`/`cc` as a string or a list, `Public` in three spellings,
//! objects inline or by id.

use serde_json::Value;

use super::context::PUBLIC;

/// Whether an addressee is the public collection, in any spelling servers use.
pub fn is_public(addressee: &str) -> bool {
    matches!(addressee, PUBLIC | "as:Public" | "Public")
}

/// Strings (ids) from a value that is a string, an object with an `id`, or a list of those.
pub fn ids(value: Option<&Value>) -> Vec<String> {
    match value {
        Some(Value::String(s)) => vec![s.clone()],
        Some(Value::Array(items)) => items.iter().flat_map(|v| ids(Some(v))).collect(),
        Some(Value::Object(map)) => map
            .get("id")
            .and_then(Value::as_str)
            .map(|s| vec![s.to_string()])
            .unwrap_or_default(),
        _ => vec![],
    }
}

/// The id of a value that is a string or an object with an `id`.
pub fn id_of(value: Option<&Value>) -> Option<String> {
    match value {
        Some(Value::String(s)) => Some(s.clone()),
        Some(Value::Object(map)) => map.get("id").and_then(Value::as_str).map(str::to_string),
        _ => None,
    }
}

/// The `type` of an object (the first one if it is a list).
pub fn type_of(value: &Value) -> Option<&str> {
    match value.get("type") {
        Some(Value::String(s)) => Some(s),
        Some(Value::Array(items)) => items.first().and_then(Value::as_str),
        _ => None,
    }
}

/// How deeply lists and objects nest in `value`, counted without recursion.
pub fn depth(value: &Value) -> usize {
    let mut deepest = 0;
    let mut stack = vec![(value, 0usize)];
    while let Some((v, d)) = stack.pop() {
        deepest = deepest.max(d);
        match v {
            Value::Array(items) => stack.extend(items.iter().map(|i| (i, d + 1))),
            Value::Object(map) => stack.extend(map.values().map(|i| (i, d + 1))),
            _ => {}
        }
    }
    deepest
}

/// The host (with port) of a URL string.
pub fn host_of(url: &str) -> Option<String> {
    let parsed = url::Url::parse(url).ok()?;
    let host = parsed.host_str()?.to_ascii_lowercase();
    Some(match parsed.port() {
        Some(p) => format!("{host}:{p}"),
        None => host,
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use serde_json::json;

    #[test]
    fn addressing_variants() {
        assert!(is_public("as:Public") && is_public("Public") && is_public(PUBLIC));
        assert_eq!(ids(Some(&json!("a"))), vec!["a"]);
        assert_eq!(ids(Some(&json!(["a", {"id": "b"}]))), vec!["a", "b"]);
        assert_eq!(
            host_of("http://127.0.0.2:8080/users/x").unwrap(),
            "127.0.0.2:8080"
        );
    }

    #[test]
    fn depth_counts_nesting() {
        assert_eq!(depth(&json!("x")), 0);
        assert_eq!(depth(&json!({"a": [1, {"b": []}]})), 3);
    }
}
