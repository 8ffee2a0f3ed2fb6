//! ActivityStreams vocabulary as it arrives from real servers: `to`/`cc` as a
//! string or a list, `Public` in three spellings, objects inline or by id.

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

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

/// The host (with port) of a URL string.
pub fn host_of(url: &str) -> Option<String> {
    let parsed = url::Url::parse(url).ok()?;
    let host = parsed.host_str()?.to_ascii_lowercase();
    Some(match parsed.port() {
        Some(p) => format!("{host}:{p}"),
        None => host,
    })
}

/// An actor's public key as published under `publicKey`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PublicKey {
    pub id: String,
    pub owner: String,
    pub public_key_pem: String,
}

/// The parts of a remote actor document we keep.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ActorDocument {
    pub id: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub preferred_username: Option<String>,
    pub name: Option<String>,
    pub summary: Option<String>,
    pub url: Option<Value>,
    pub inbox: String,
    pub outbox: Option<String>,
    pub followers: Option<String>,
    pub following: Option<String>,
    pub endpoints: Option<Endpoints>,
    pub public_key: PublicKey,
    #[serde(default)]
    pub manually_approves_followers: Option<bool>,
    pub icon: Option<Value>,
    pub image: Option<Value>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Endpoints {
    pub shared_inbox: Option<String>,
}

impl ActorDocument {
    /// Parses and checks an actor: a known actor type, its key owned by itself,
    /// and inbox and key on the actor's host.
    pub fn parse(value: &Value) -> Result<ActorDocument, String> {
        let doc: ActorDocument =
            serde_json::from_value(value.clone()).map_err(|e| format!("not an actor: {e}"))?;
        if !matches!(
            doc.kind.as_str(),
            "Person" | "Group" | "Application" | "Service" | "Organization"
        ) {
            return Err(format!("{} is not an actor type", doc.kind));
        }
        let host = host_of(&doc.id).ok_or("actor id is not a URL")?;
        if doc.public_key.owner != doc.id {
            return Err("the actor's key belongs to someone else".into());
        }
        // Where we deliver and whose key we trust must be the actor's own
        // server: an actor document cannot send our deliveries elsewhere.
        for url in [
            Some(doc.inbox.as_str()),
            Some(doc.public_key.id.as_str()),
            doc.shared_inbox(),
        ]
        .into_iter()
        .flatten()
        {
            if host_of(url).as_deref() != Some(host.as_str()) {
                return Err(format!("{url} is not on the actor's host {host}"));
            }
        }
        Ok(doc)
    }

    pub fn shared_inbox(&self) -> Option<&str> {
        self.endpoints
            .as_ref()
            .and_then(|e| e.shared_inbox.as_deref())
    }

    /// The profile page: `url` as a string or the first link's `href`.
    pub fn profile_url(&self) -> Option<String> {
        match &self.url {
            Some(Value::String(s)) => Some(s.clone()),
            Some(Value::Array(items)) => items.iter().find_map(|i| {
                i.as_str()
                    .map(str::to_string)
                    .or_else(|| i.get("href").and_then(Value::as_str).map(str::to_string))
            }),
            Some(Value::Object(o)) => o.get("href").and_then(Value::as_str).map(str::to_string),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

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
    fn actor_checks() {
        let ok = json!({"id": "https://a.example/u/x", "type": "Person", "inbox": "https://a.example/u/x/inbox",
            "publicKey": {"id": "https://a.example/u/x#main-key", "owner": "https://a.example/u/x", "publicKeyPem": "k"}});
        assert!(ActorDocument::parse(&ok).is_ok());
        let mut bad = ok.clone();
        bad["inbox"] = json!("https://evil.example/inbox");
        assert!(ActorDocument::parse(&bad).is_err());
        let mut shared = ok.clone();
        shared["endpoints"] = json!({"sharedInbox": "https://a.example/inbox"});
        assert!(ActorDocument::parse(&shared).is_ok());
        shared["endpoints"] = json!({"sharedInbox": "https://victim.example/inbox"});
        assert!(ActorDocument::parse(&shared).is_err());
        let mut bad = ok.clone();
        bad["publicKey"]["owner"] = json!("https://a.example/u/y");
        assert!(ActorDocument::parse(&bad).is_err());
        let mut bad = ok;
        bad["type"] = json!("Note");
        assert!(ActorDocument::parse(&bad).is_err());
    }
}
