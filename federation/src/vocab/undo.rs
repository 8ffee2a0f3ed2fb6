//! `Undo` of a `Follow`, `Like`, `Announce` or `Block`. Some servers name
//! the undone activity by id only; [`Undone`] keeps whatever was sent.

use activitypub_federation::kinds::activity::UndoType;
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;

use super::announce::Announce;
use super::block::Block;
use super::follow::Follow;
use super::json::type_of;
use super::lenient;
use super::like::Like;
use super::values::{HasId, ObjectRef};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Undo {
    pub id: String,
    #[serde(rename = "type", deserialize_with = "lenient::kind")]
    pub kind: UndoType,
    #[serde(deserialize_with = "lenient::id")]
    pub actor: String,
    pub object: Undone,
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
}

impl Undo {
    /// The undoing of `activity`, as we send it: id `{activity id}/undo`,
    /// by the same actor.
    pub fn of(activity: impl Into<Undone>) -> Self {
        let object = activity.into();
        Undo {
            id: format!("{}/undo", object.id().unwrap_or_default()),
            kind: UndoType::Undo,
            actor: object.actor().unwrap_or_default().to_string(),
            to: vec![],
            cc: vec![],
            object,
        }
    }
}

impl HasId for Undo {
    fn id(&self) -> &str {
        &self.id
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Undone {
    Id(String),
    Follow(Follow),
    Like(Like),
    Announce(Box<Announce>),
    Block(Block),
    /// Another type, or an embedded activity too broken to read in full.
    Other(ObjectRef),
}

impl Undone {
    pub fn id(&self) -> Option<&str> {
        match self {
            Undone::Id(id) => Some(id),
            Undone::Follow(f) => Some(&f.id),
            Undone::Like(l) => Some(&l.id),
            Undone::Announce(a) => Some(&a.id),
            Undone::Block(b) => Some(&b.id),
            Undone::Other(r) => r.id.as_deref(),
        }
    }

    /// The undone activity's actor, if it was embedded.
    pub fn actor(&self) -> Option<&str> {
        match self {
            Undone::Id(_) => None,
            Undone::Follow(f) => Some(&f.actor),
            Undone::Like(l) => Some(&l.actor),
            Undone::Announce(a) => Some(&a.actor),
            Undone::Block(b) => Some(&b.actor),
            Undone::Other(r) => r.actor.as_deref(),
        }
    }

    /// The undone activity's type, if it was embedded with one.
    pub fn kind(&self) -> Option<&str> {
        match self {
            Undone::Id(_) => None,
            Undone::Follow(_) => Some("Follow"),
            Undone::Like(_) => Some("Like"),
            Undone::Announce(_) => Some("Announce"),
            Undone::Block(_) => Some("Block"),
            Undone::Other(r) => r.kind.as_deref(),
        }
    }

    /// The undone activity's object, if it was embedded.
    pub fn object(&self) -> Option<&str> {
        match self {
            Undone::Id(_) => None,
            Undone::Follow(f) => Some(&f.object),
            Undone::Like(l) => Some(&l.object),
            Undone::Announce(a) => a.object.object_id(),
            Undone::Block(b) => Some(&b.object),
            Undone::Other(r) => r.object.as_deref(),
        }
    }
}

impl<'de> Deserialize<'de> for Undone {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let value = Value::deserialize(d)?;
        Ok(match (&value, type_of(&value)) {
            (Value::String(id), _) => Some(Undone::Id(id.clone())),
            (_, Some("Follow")) => Follow::deserialize(&value).map(Undone::Follow).ok(),
            (_, Some("Like")) => Like::deserialize(&value).map(Undone::Like).ok(),
            (_, Some("Announce")) => Announce::deserialize(&value)
                .map(|a| Undone::Announce(Box::new(a)))
                .ok(),
            (_, Some("Block")) => Block::deserialize(&value).map(Undone::Block).ok(),
            _ => None,
        }
        .unwrap_or_else(|| Undone::Other(ObjectRef::of(&value))))
    }
}

impl From<Follow> for Undone {
    fn from(f: Follow) -> Self {
        Undone::Follow(f)
    }
}

impl From<Like> for Undone {
    fn from(l: Like) -> Self {
        Undone::Like(l)
    }
}

impl From<Announce> for Undone {
    fn from(a: Announce) -> Self {
        Undone::Announce(Box::new(a))
    }
}

impl From<Block> for Undone {
    fn from(b: Block) -> Self {
        Undone::Block(b)
    }
}
