//! `Accept`: a `Follow`, `Invite` or `Join` is accepted. The answered
//! activity comes embedded or by id; [`Answered`] is shared with `Reject`.

use activitypub_federation::kinds::activity::AcceptType;
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;

use super::follow::Follow;
use super::invite::Invite;
use super::join::Join;
use super::json::type_of;
use super::lenient;
use super::values::{HasId, ObjectRef};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Accept {
    pub id: String,
    #[serde(rename = "type", deserialize_with = "lenient::kind")]
    pub kind: AcceptType,
    #[serde(deserialize_with = "lenient::id")]
    pub actor: String,
    pub object: Answered,
    #[serde(
        default,
        deserialize_with = "lenient::ids",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub to: Vec<String>,
}

impl Accept {
    pub fn new(id: &str, actor: &str, object: impl Into<Answered>) -> Self {
        Accept {
            id: id.to_string(),
            kind: AcceptType::Accept,
            actor: actor.to_string(),
            object: object.into(),
            to: vec![],
        }
    }
}

impl HasId for Accept {
    fn id(&self) -> &str {
        &self.id
    }
}

/// What an `Accept` or `Reject` answers. An embedded activity that cannot be
/// read in full is kept as a reference (its id, type, actor and object).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Answered {
    Id(String),
    Follow(Follow),
    Invite(Invite),
    Join(Join),
    Other(ObjectRef),
}

impl Answered {
    /// The answered activity's id, if it was given.
    pub fn id(&self) -> Option<&str> {
        match self {
            Answered::Id(id) => Some(id),
            Answered::Follow(f) => Some(&f.id),
            Answered::Invite(i) => Some(&i.id),
            Answered::Join(j) => Some(&j.id),
            Answered::Other(r) => r.id.as_deref(),
        }
    }

    /// Who sent the answered activity, if it was embedded.
    pub fn actor(&self) -> Option<&str> {
        match self {
            Answered::Id(_) => None,
            Answered::Follow(f) => Some(&f.actor),
            Answered::Invite(i) => Some(&i.actor),
            Answered::Join(j) => Some(&j.actor),
            Answered::Other(r) => r.actor.as_deref(),
        }
    }
}

impl<'de> Deserialize<'de> for Answered {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let value = Value::deserialize(d)?;
        Ok(match (&value, type_of(&value)) {
            (Value::String(id), _) => Some(Answered::Id(id.clone())),
            (_, Some("Follow")) => Follow::deserialize(&value).map(Answered::Follow).ok(),
            (_, Some("Invite")) => Invite::deserialize(&value).map(Answered::Invite).ok(),
            (_, Some("Join")) => Join::deserialize(&value).map(Answered::Join).ok(),
            _ => None,
        }
        .unwrap_or_else(|| Answered::Other(ObjectRef::of(&value))))
    }
}

impl From<Follow> for Answered {
    fn from(f: Follow) -> Self {
        Answered::Follow(f)
    }
}

impl From<Invite> for Answered {
    fn from(i: Invite) -> Self {
        Answered::Invite(i)
    }
}

impl From<Join> for Answered {
    fn from(j: Join) -> Self {
        Answered::Join(j)
    }
}
