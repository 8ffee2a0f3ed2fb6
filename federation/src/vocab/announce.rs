//! `Announce`: a boost (Mastodon: the object by id), or a group passing on
//! a member's activity (Lemmy and FEP-1b12: the `Create` embedded).

use activitypub_federation::kinds::activity::AnnounceType;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;

use super::create::Create;
use super::json::type_of;
use super::lenient;
use super::values::{HasId, ObjectRef};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Announce {
    pub id: String,
    #[serde(rename = "type", deserialize_with = "lenient::kind")]
    pub kind: AnnounceType,
    #[serde(deserialize_with = "lenient::id")]
    pub actor: String,
    #[serde(
        default,
        deserialize_with = "lenient::time",
        serialize_with = "lenient::ser_time",
        skip_serializing_if = "Option::is_none"
    )]
    pub published: Option<DateTime<Utc>>,
    #[serde(
        default,
        deserialize_with = "lenient::ids",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub to: Vec<String>,
    #[serde(
        default,
        deserialize_with = "lenient::ids",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub cc: Vec<String>,
    pub object: Announced,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Announced {
    Id(String),
    Create(Box<Create>),
    /// An embedded object, or an activity we do not read (Lemmy announces
    /// likes and deletions too): its id, type, actor and object.
    Other(ObjectRef),
    /// An activity passed on exactly as it was received (never read).
    Raw(Value),
}

impl Announced {
    /// The announced post: the id sent, or the object of an announced `Create`.
    pub fn object_id(&self) -> Option<&str> {
        match self {
            Announced::Id(id) => Some(id),
            Announced::Create(c) => Some(c.object.id()).filter(|id| !id.is_empty()),
            Announced::Other(r) if r.kind.as_deref() == Some("Create") => r.object.as_deref(),
            Announced::Other(r) => r.id.as_deref(),
            Announced::Raw(v) => v
                .get("object")
                .and_then(|o| o.as_str().or_else(|| o.get("id")?.as_str())),
        }
    }
}

impl<'de> Deserialize<'de> for Announced {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let value = Value::deserialize(d)?;
        Ok(match (&value, type_of(&value)) {
            (Value::String(id), _) => Announced::Id(id.clone()),
            (_, Some("Create")) => Create::deserialize(&value)
                .map(|c| Announced::Create(Box::new(c)))
                .unwrap_or_else(|_| Announced::Other(ObjectRef::of(&value))),
            _ => Announced::Other(ObjectRef::of(&value)),
        })
    }
}

impl Announce {
    /// A boost of `object` (by id), public, copied to `cc`.
    pub fn new(id: &str, actor: &str, object: &str, to: Vec<String>, cc: Vec<String>) -> Self {
        Announce {
            id: id.to_string(),
            kind: AnnounceType::Announce,
            actor: actor.to_string(),
            published: None,
            to,
            cc,
            object: Announced::Id(object.to_string()),
        }
    }

    /// A group passing on a member's activity as it was received (FEP-1b12).
    pub fn passing_on(
        id: &str,
        group: &str,
        activity: Value,
        to: Vec<String>,
        cc: Vec<String>,
    ) -> Self {
        Announce {
            object: Announced::Raw(activity),
            ..Announce::new(id, group, "", to, cc)
        }
    }
}

impl HasId for Announce {
    fn id(&self) -> &str {
        &self.id
    }
}
