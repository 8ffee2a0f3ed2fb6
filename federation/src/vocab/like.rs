//! `Like`: a favourite, or a Knooppunt plan's support. Misskey sends its
//! emoji reactions as `Like` with the emoji in `content`.

use activitypub_federation::kinds::activity::LikeType;
use serde::{Deserialize, Serialize};

use super::lenient;
use super::tag::Tag;
use super::values::HasId;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Like {
    pub id: String,
    #[serde(rename = "type", deserialize_with = "lenient::kind")]
    pub kind: LikeType,
    #[serde(deserialize_with = "lenient::id")]
    pub actor: String,
    /// The liked object.
    #[serde(deserialize_with = "lenient::id")]
    pub object: String,
    /// Misskey: the reaction emoji.
    #[serde(
        default,
        deserialize_with = "lenient::text",
        skip_serializing_if = "Option::is_none"
    )]
    pub content: Option<String>,
    /// Misskey: a custom emoji reaction's image.
    #[serde(
        default,
        deserialize_with = "lenient::items",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub tag: Vec<Tag>,
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

impl Like {
    pub fn new(id: &str, actor: &str, object: &str) -> Self {
        Like {
            id: id.to_string(),
            kind: LikeType::Like,
            actor: actor.to_string(),
            object: object.to_string(),
            content: None,
            tag: vec![],
            to: vec![],
            cc: vec![],
        }
    }
}

impl HasId for Like {
    fn id(&self) -> &str {
        &self.id
    }
}
