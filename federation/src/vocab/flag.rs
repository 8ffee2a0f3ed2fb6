//! `Flag`: a report, as Mastodon sends it from its instance actor: `object`
//! lists the reported account and statuses, `content` is the comment.

use activitypub_federation::kinds::activity::FlagType;
use serde::{Deserialize, Serialize};

use super::lenient;
use super::values::HasId;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Flag {
    pub id: String,
    #[serde(rename = "type", deserialize_with = "lenient::kind")]
    pub kind: FlagType,
    #[serde(deserialize_with = "lenient::id")]
    pub actor: String,
    /// The reported actor and objects.
    #[serde(default, deserialize_with = "lenient::ids")]
    pub object: Vec<String>,
    #[serde(
        default,
        deserialize_with = "lenient::text",
        skip_serializing_if = "Option::is_none"
    )]
    pub content: Option<String>,
    #[serde(
        default,
        deserialize_with = "lenient::ids",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub to: Vec<String>,
}

impl Flag {
    pub fn new(id: &str, actor: &str, objects: Vec<String>, comment: &str) -> Self {
        Flag {
            id: id.to_string(),
            kind: FlagType::Flag,
            actor: actor.to_string(),
            object: objects,
            content: Some(comment.to_string()),
            to: vec![],
        }
    }
}

impl HasId for Flag {
    fn id(&self) -> &str {
        &self.id
    }
}
