//! `Follow`: an actor asks to follow another (or to join a group).

use activitypub_federation::kinds::activity::FollowType;
use serde::{Deserialize, Serialize};

use super::lenient;
use super::values::HasId;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Follow {
    pub id: String,
    #[serde(rename = "type", deserialize_with = "lenient::kind")]
    pub kind: FollowType,
    #[serde(deserialize_with = "lenient::id")]
    pub actor: String,
    /// The followed actor.
    #[serde(deserialize_with = "lenient::id")]
    pub object: String,
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

impl Follow {
    pub fn new(id: &str, actor: &str, object: &str) -> Self {
        Follow {
            id: id.to_string(),
            kind: FollowType::Follow,
            actor: actor.to_string(),
            object: object.to_string(),
            to: vec![],
            cc: vec![],
        }
    }
}

impl HasId for Follow {
    fn id(&self) -> &str {
        &self.id
    }
}
