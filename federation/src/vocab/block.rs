//! `Block`: an actor blocks another; the blocked one's server stops
//! showing it the blocker's posts.

use activitypub_federation::kinds::activity::BlockType;
use serde::{Deserialize, Serialize};

use super::lenient;
use super::values::HasId;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Block {
    pub id: String,
    #[serde(rename = "type", deserialize_with = "lenient::kind")]
    pub kind: BlockType,
    #[serde(deserialize_with = "lenient::id")]
    pub actor: String,
    /// The blocked actor.
    #[serde(deserialize_with = "lenient::id")]
    pub object: String,
    #[serde(
        default,
        deserialize_with = "lenient::ids",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub to: Vec<String>,
}

impl Block {
    pub fn new(id: &str, actor: &str, object: &str) -> Self {
        Block {
            id: id.to_string(),
            kind: BlockType::Block,
            actor: actor.to_string(),
            object: object.to_string(),
            to: vec![],
        }
    }
}

impl HasId for Block {
    fn id(&self) -> &str {
        &self.id
    }
}
