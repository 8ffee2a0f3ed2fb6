//! What arrives in an inbox, read by its `type` into one enum: the typed
//! activity, or [`InboxActivity::Other`] for a type we do not handle.

use serde::{Serialize, Serializer};
use serde_json::Value;

use super::accept::Accept;
use super::announce::Announce;
use super::block::Block;
use super::create::Create;
use super::delete::Delete;
use super::error::{VocabError, check_shape, parse};
use super::flag::Flag;
use super::follow::Follow;
use super::invite::Invite;
use super::join::Join;
use super::json::{id_of, type_of};
use super::leave::Leave;
use super::like::Like;
use super::reject::Reject;
use super::undo::Undo;
use super::update::Update;

#[derive(Debug, Clone, PartialEq)]
pub enum InboxActivity {
    Follow(Follow),
    Accept(Accept),
    Reject(Reject),
    Undo(Undo),
    Create(Create),
    Update(Update),
    Delete(Delete),
    Like(Like),
    Announce(Announce),
    Block(Block),
    Flag(Flag),
    Invite(Invite),
    Join(Join),
    Leave(Leave),
    /// A type we do not handle (`EmojiReact`, `Move`, `Add`, ...).
    Other {
        kind: String,
        id: Option<String>,
        actor: Option<String>,
    },
}

impl InboxActivity {
    /// Reads an activity. A known type that is malformed is an error that
    /// names the field; an unknown type is [`InboxActivity::Other`].
    pub fn parse(value: &Value) -> Result<InboxActivity, VocabError> {
        check_shape(value)?;
        let kind = type_of(value).ok_or(VocabError::MissingType)?;
        Ok(match kind {
            "Follow" => InboxActivity::Follow(parse(kind, value)?),
            "Accept" => InboxActivity::Accept(parse(kind, value)?),
            "Reject" => InboxActivity::Reject(parse(kind, value)?),
            "Undo" => InboxActivity::Undo(parse(kind, value)?),
            "Create" => InboxActivity::Create(parse(kind, value)?),
            "Update" => InboxActivity::Update(parse(kind, value)?),
            "Delete" => InboxActivity::Delete(parse(kind, value)?),
            "Like" => InboxActivity::Like(parse(kind, value)?),
            "Announce" => InboxActivity::Announce(parse(kind, value)?),
            "Block" => InboxActivity::Block(parse(kind, value)?),
            "Flag" => InboxActivity::Flag(parse(kind, value)?),
            "Invite" => InboxActivity::Invite(parse(kind, value)?),
            "Join" => InboxActivity::Join(parse(kind, value)?),
            "Leave" => InboxActivity::Leave(parse(kind, value)?),
            other => InboxActivity::Other {
                kind: other.to_string(),
                id: id_of(value.get("id")),
                actor: id_of(value.get("actor")),
            },
        })
    }

    /// The activity's type as sent.
    pub fn kind(&self) -> &str {
        match self {
            InboxActivity::Follow(_) => "Follow",
            InboxActivity::Accept(_) => "Accept",
            InboxActivity::Reject(_) => "Reject",
            InboxActivity::Undo(_) => "Undo",
            InboxActivity::Create(_) => "Create",
            InboxActivity::Update(_) => "Update",
            InboxActivity::Delete(_) => "Delete",
            InboxActivity::Like(_) => "Like",
            InboxActivity::Announce(_) => "Announce",
            InboxActivity::Block(_) => "Block",
            InboxActivity::Flag(_) => "Flag",
            InboxActivity::Invite(_) => "Invite",
            InboxActivity::Join(_) => "Join",
            InboxActivity::Leave(_) => "Leave",
            InboxActivity::Other { kind, .. } => kind,
        }
    }

    /// The id and the actor, which every activity we read has.
    pub fn id_and_actor(&self) -> (Option<&str>, Option<&str>) {
        let (id, actor): (&String, &String) = match self {
            InboxActivity::Follow(a) => (&a.id, &a.actor),
            InboxActivity::Accept(a) => (&a.id, &a.actor),
            InboxActivity::Reject(a) => (&a.id, &a.actor),
            InboxActivity::Undo(a) => (&a.id, &a.actor),
            InboxActivity::Create(a) => (&a.id, &a.actor),
            InboxActivity::Update(a) => (&a.id, &a.actor),
            InboxActivity::Delete(a) => (&a.id, &a.actor),
            InboxActivity::Like(a) => (&a.id, &a.actor),
            InboxActivity::Announce(a) => (&a.id, &a.actor),
            InboxActivity::Block(a) => (&a.id, &a.actor),
            InboxActivity::Flag(a) => (&a.id, &a.actor),
            InboxActivity::Invite(a) => (&a.id, &a.actor),
            InboxActivity::Join(a) => (&a.id, &a.actor),
            InboxActivity::Leave(a) => (&a.id, &a.actor),
            InboxActivity::Other { id, actor, .. } => return (id.as_deref(), actor.as_deref()),
        };
        (Some(id), Some(actor))
    }
}

/// As the activity would be sent; an unsupported one as its type, id and actor.
impl Serialize for InboxActivity {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            InboxActivity::Follow(a) => a.serialize(s),
            InboxActivity::Accept(a) => a.serialize(s),
            InboxActivity::Reject(a) => a.serialize(s),
            InboxActivity::Undo(a) => a.serialize(s),
            InboxActivity::Create(a) => a.serialize(s),
            InboxActivity::Update(a) => a.serialize(s),
            InboxActivity::Delete(a) => a.serialize(s),
            InboxActivity::Like(a) => a.serialize(s),
            InboxActivity::Announce(a) => a.serialize(s),
            InboxActivity::Block(a) => a.serialize(s),
            InboxActivity::Flag(a) => a.serialize(s),
            InboxActivity::Invite(a) => a.serialize(s),
            InboxActivity::Join(a) => a.serialize(s),
            InboxActivity::Leave(a) => a.serialize(s),
            InboxActivity::Other { kind, id, actor } => super::values::ObjectRef {
                id: id.clone(),
                kind: Some(kind.clone()),
                actor: actor.clone(),
                object: None,
            }
            .serialize(s),
        }
    }
}
