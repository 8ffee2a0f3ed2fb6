//! `Invite`: an actor invites `target` to `object` (Knooppunt: a plan's
//! owner invites a co-owner; answered by `Accept` or `Reject`).

use activitypub_federation::kinds::activity::InviteType;
use serde::{Deserialize, Serialize};

use super::lenient;
use super::values::HasId;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Invite {
    pub id: String,
    #[serde(rename = "type", deserialize_with = "lenient::kind")]
    pub kind: InviteType,
    #[serde(deserialize_with = "lenient::id")]
    pub actor: String,
    /// What the invitation is to.
    #[serde(deserialize_with = "lenient::id")]
    pub object: String,
    /// Who is invited.
    #[serde(deserialize_with = "lenient::id")]
    pub target: String,
    #[serde(
        default,
        deserialize_with = "lenient::ids",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub to: Vec<String>,
}

impl Invite {
    pub fn new(id: &str, actor: &str, object: &str, target: &str) -> Self {
        Invite {
            id: id.to_string(),
            kind: InviteType::Invite,
            actor: actor.to_string(),
            object: object.to_string(),
            target: target.to_string(),
            to: vec![target.to_string()],
        }
    }
}

impl HasId for Invite {
    fn id(&self) -> &str {
        &self.id
    }
}
