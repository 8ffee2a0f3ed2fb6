//! Actors: `Person`, `Group`, `Application`, `Service`, `Organization`,
//! with their key, inboxes and collections; and the checks a fetched actor
//! document must pass before we deliver to it or trust its key.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::document::Attachment;
use super::json::host_of;
use super::lenient;
use super::values::{HasId, Links};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ActorKind {
    Person,
    Group,
    Application,
    Service,
    Organization,
}

impl ActorKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ActorKind::Person => "Person",
            ActorKind::Group => "Group",
            ActorKind::Application => "Application",
            ActorKind::Service => "Service",
            ActorKind::Organization => "Organization",
        }
    }
}

/// An actor's public key as published under `publicKey`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PublicKey {
    pub id: String,
    #[serde(deserialize_with = "lenient::id")]
    pub owner: String,
    pub public_key_pem: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Endpoints {
    #[serde(
        default,
        deserialize_with = "lenient::text",
        skip_serializing_if = "Option::is_none"
    )]
    pub shared_inbox: Option<String>,
}

/// An actor document, ours or another server's.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Actor {
    pub id: String,
    #[serde(rename = "type", deserialize_with = "lenient::kind")]
    pub kind: ActorKind,
    #[serde(
        default,
        deserialize_with = "lenient::text",
        skip_serializing_if = "Option::is_none"
    )]
    pub preferred_username: Option<String>,
    #[serde(
        default,
        deserialize_with = "lenient::text",
        skip_serializing_if = "Option::is_none"
    )]
    pub name: Option<String>,
    #[serde(
        default,
        deserialize_with = "lenient::text",
        skip_serializing_if = "Option::is_none"
    )]
    pub summary: Option<String>,
    #[serde(default, skip_serializing_if = "Links::is_empty")]
    pub url: Links,
    #[serde(deserialize_with = "lenient::id")]
    pub inbox: String,
    #[serde(
        default,
        deserialize_with = "lenient::opt_id",
        skip_serializing_if = "Option::is_none"
    )]
    pub outbox: Option<String>,
    #[serde(
        default,
        deserialize_with = "lenient::opt_id",
        skip_serializing_if = "Option::is_none"
    )]
    pub followers: Option<String>,
    #[serde(
        default,
        deserialize_with = "lenient::opt_id",
        skip_serializing_if = "Option::is_none"
    )]
    pub following: Option<String>,
    #[serde(
        default,
        deserialize_with = "lenient::opt_id",
        skip_serializing_if = "Option::is_none"
    )]
    pub featured: Option<String>,
    #[serde(
        default,
        deserialize_with = "lenient::skip_error",
        skip_serializing_if = "Option::is_none"
    )]
    pub endpoints: Option<Endpoints>,
    #[serde(
        default,
        deserialize_with = "lenient::boolean",
        skip_serializing_if = "Option::is_none"
    )]
    pub manually_approves_followers: Option<bool>,
    #[serde(
        default,
        deserialize_with = "lenient::boolean",
        skip_serializing_if = "Option::is_none"
    )]
    pub discoverable: Option<bool>,
    #[serde(
        default,
        deserialize_with = "lenient::boolean",
        skip_serializing_if = "Option::is_none"
    )]
    pub indexable: Option<bool>,
    /// Mastodon keeps a suspended actor's key published and says so.
    #[serde(
        default,
        deserialize_with = "lenient::boolean",
        skip_serializing_if = "Option::is_none"
    )]
    pub suspended: Option<bool>,
    #[serde(
        default,
        deserialize_with = "lenient::time",
        serialize_with = "lenient::ser_time",
        skip_serializing_if = "Option::is_none"
    )]
    pub published: Option<DateTime<Utc>>,
    pub public_key: PublicKey,
    /// Avatar; PeerTube sends a list of sizes, we keep the first.
    #[serde(
        default,
        deserialize_with = "first_image",
        skip_serializing_if = "Option::is_none"
    )]
    pub icon: Option<Attachment>,
    /// Header image.
    #[serde(
        default,
        deserialize_with = "first_image",
        skip_serializing_if = "Option::is_none"
    )]
    pub image: Option<Attachment>,
    /// A Lemmy community's moderators, a PeerTube channel's owner.
    #[serde(
        default,
        deserialize_with = "lenient::ids",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub attributed_to: Vec<String>,
    #[serde(
        default,
        deserialize_with = "lenient::ids",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub also_known_as: Vec<String>,
    #[serde(
        default,
        deserialize_with = "lenient::opt_id",
        skip_serializing_if = "Option::is_none"
    )]
    pub moved_to: Option<String>,
    /// Knooppunt: a person's role in the neighbourhood.
    #[serde(
        rename = "knooppunt:role",
        alias = "role",
        default,
        deserialize_with = "lenient::text",
        skip_serializing_if = "Option::is_none"
    )]
    pub role: Option<String>,
}

/// The name the server has always used for a fetched actor.
pub type ActorDocument = Actor;

fn first_image<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Attachment>, D::Error> {
    let list: Vec<Attachment> = lenient::items(d)?;
    Ok(list.into_iter().next())
}

impl Actor {
    /// Our own actor: id, inbox and key; the rest is filled in by the caller.
    pub fn new(kind: ActorKind, id: &str, inbox: &str, public_key_pem: &str) -> Self {
        Actor {
            id: id.to_string(),
            kind,
            preferred_username: None,
            name: None,
            summary: None,
            url: Links::default(),
            inbox: inbox.to_string(),
            outbox: None,
            followers: None,
            following: None,
            featured: None,
            endpoints: None,
            manually_approves_followers: None,
            discoverable: None,
            indexable: None,
            suspended: None,
            published: None,
            public_key: PublicKey {
                id: format!("{id}#main-key"),
                owner: id.to_string(),
                public_key_pem: public_key_pem.to_string(),
            },
            icon: None,
            image: None,
            attributed_to: vec![],
            also_known_as: vec![],
            moved_to: None,
            role: None,
        }
    }

    /// Parses and checks an actor: a known actor type, its key owned by itself,
    /// and inbox and key on the actor's host.
    pub fn parse(value: &Value) -> Result<Actor, String> {
        let doc: Actor = Actor::deserialize(value).map_err(|e| format!("not an actor: {e}"))?;
        doc.check()?;
        Ok(doc)
    }

    /// The checks of [`Actor::parse`], for an actor read as part of another
    /// document (an `Update` of the actor).
    pub fn check(&self) -> Result<(), String> {
        let doc = self;
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
        Ok(())
    }

    pub fn shared_inbox(&self) -> Option<&str> {
        self.endpoints
            .as_ref()
            .and_then(|e| e.shared_inbox.as_deref())
    }

    /// The profile page: `url` as a string or the first link's `href`.
    pub fn profile_url(&self) -> Option<String> {
        self.url.first().map(str::to_string)
    }
}

impl HasId for Actor {
    fn id(&self) -> &str {
        &self.id
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use serde_json::json;

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
        let mut bad = ok.clone();
        bad["type"] = json!("Note");
        assert!(ActorDocument::parse(&bad).is_err());
        // Read leniently as part of an Update, then checked.
        let mut elsewhere: Actor = serde_json::from_value(ok).unwrap();
        assert!(elsewhere.check().is_ok());
        elsewhere.inbox = "https://evil.example/inbox".into();
        assert!(elsewhere.check().is_err());
    }

    #[test]
    fn our_actor_document() {
        let mut a = Actor::new(
            ActorKind::Group,
            "https://k.example/groups/buurt",
            "https://k.example/groups/buurt/inbox",
            "PEM",
        );
        a.endpoints = Some(Endpoints {
            shared_inbox: Some("https://k.example/inbox".into()),
        });
        a.icon = Some(Attachment::image(
            "https://k.example/media/1.png",
            "image/png",
        ));
        a.role = Some("moderator".into());
        let v = serde_json::to_value(&a).unwrap();
        assert_eq!(v["type"], "Group");
        assert_eq!(
            v["publicKey"]["id"],
            "https://k.example/groups/buurt#main-key"
        );
        assert_eq!(
            v["icon"],
            json!({"type": "Image", "mediaType": "image/png", "url": "https://k.example/media/1.png"})
        );
        assert_eq!(v["knooppunt:role"], "moderator");
        let back = Actor::parse(&v).unwrap();
        assert_eq!(back, a);
    }
}
