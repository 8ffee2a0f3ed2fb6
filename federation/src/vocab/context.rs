//! JSON-LD contexts: ActivityStreams, security, and the term map of the
//! Knooppunt extension (plans, stances, advice), and `@context` on what we send.

use serde::Serialize;
use serde_json::{Value, json};

use super::error::VocabError;

pub const AS_CONTEXT: &str = "https://www.w3.org/ns/activitystreams";
pub const SECURITY_CONTEXT: &str = "https://w3id.org/security/v1";
pub const PUBLIC: &str = "https://www.w3.org/ns/activitystreams#Public";

/// The `@context` of every document we serve: ActivityStreams, security, and
/// our own term map (served at `context_url`).
pub fn context(context_url: &str) -> Value {
    json!([
        AS_CONTEXT,
        SECURITY_CONTEXT,
        context_url,
        {
            "manuallyApprovesFollowers": "as:manuallyApprovesFollowers",
            "sensitive": "as:sensitive",
            "Hashtag": "as:Hashtag",
            "toot": "http://joinmastodon.org/ns#",
            "discoverable": "toot:discoverable",
            "indexable": "toot:indexable",
            "featured": { "@id": "toot:featured", "@type": "@id" },
        }
    ])
}

/// The term map served at `context_url`: every extension field our types
/// read and write, under the namespace `{context_url}#`.
pub fn extension_context(context_url: &str) -> Value {
    let ns = format!("{context_url}#");
    let mut terms = serde_json::Map::new();
    terms.insert("knooppunt".into(), json!(ns));
    for term in KNOOPPUNT_TERMS {
        terms.insert((*term).into(), json!(format!("knooppunt:{term}")));
    }
    for (term, iri) in [
        (
            "maximumAttendeeCapacity",
            "https://schema.org/maximumAttendeeCapacity",
        ),
        ("ical", "http://www.w3.org/2002/12/cal/ical#"),
        ("MonetaryAmount", "https://schema.org/MonetaryAmount"),
        ("amount", "https://schema.org/value"),
        ("currency", "https://schema.org/currency"),
    ] {
        terms.insert(term.into(), json!(iri));
    }
    json!({ "@context": terms })
}

/// Terms in the `knooppunt:` namespace, as the server's term map names them.
const KNOOPPUNT_TERMS: &[&str] = &[
    "role",
    "stance",
    "Plan",
    "state",
    "requestedBudget",
    "costEstimate",
    "history",
    "PlanChange",
    "action",
    "fromState",
    "toState",
    "note",
    "fields",
    "geometry",
    "argumentsCount",
    "advice",
    "adviceReasons",
    "adviceRequest",
    "adviceQuestion",
    "Advice",
    "plan",
    "stateNote",
    "timezone",
    "participantCount",
    "joinMode",
    "pro",
    "contra",
    "comments",
];

/// `value` as JSON with `@context` first, as a document or activity is sent.
pub fn with_context<T: Serialize>(value: &T, context: Value) -> Result<Value, VocabError> {
    let body = serde_json::to_value(value).map_err(|e| VocabError::Serialize(e.to_string()))?;
    let Value::Object(fields) = body else {
        return Err(VocabError::NotAnObject);
    };
    let mut out = serde_json::Map::with_capacity(fields.len() + 1);
    out.insert("@context".into(), context);
    out.extend(fields);
    Ok(Value::Object(out))
}

/// `value` with the plain ActivityStreams context, as activities are sent.
pub fn with_as_context<T: Serialize>(value: &T) -> Result<Value, VocabError> {
    with_context(value, json!(AS_CONTEXT))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn the_term_map_names_every_extension_field() {
        let map = extension_context("https://k.example/ns/knooppunt");
        let terms = &map["@context"];
        assert_eq!(terms["knooppunt"], "https://k.example/ns/knooppunt#");
        assert_eq!(terms["stance"], "knooppunt:stance");
        assert_eq!(terms["amount"], "https://schema.org/value");
        assert_eq!(
            terms.as_object().unwrap().len(),
            1 + KNOOPPUNT_TERMS.len() + 5
        );
    }

    #[test]
    fn context_comes_first() {
        let v = with_as_context(&json!({"id": "x", "type": "Like"})).unwrap();
        let keys: Vec<&String> = v.as_object().unwrap().keys().collect();
        assert_eq!(keys, ["@context", "id", "type"]);
        assert!(with_as_context(&json!("x")).is_err());
    }
}
