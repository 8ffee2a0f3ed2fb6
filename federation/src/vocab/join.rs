//! `Join`: an actor takes part in an event (Mobilizon's participation).

use activitypub_federation::kinds::activity::JoinType;
use serde::{Deserialize, Serialize};

use super::lenient;
use super::values::HasId;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Join {
    pub id: String,
    #[serde(rename = "type", deserialize_with = "lenient::kind")]
    pub kind: JoinType,
    #[serde(deserialize_with = "lenient::id")]
    pub actor: String,
    /// The event.
    #[serde(deserialize_with = "lenient::id")]
    pub object: String,
    /// Mobilizon: a message to the organiser.
    #[serde(
        default,
        deserialize_with = "lenient::text",
        skip_serializing_if = "Option::is_none"
    )]
    pub participation_message: Option<String>,
    #[serde(
        default,
        deserialize_with = "lenient::ids",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub to: Vec<String>,
}

impl Join {
    pub fn new(id: &str, actor: &str, event: &str) -> Self {
        Join {
            id: id.to_string(),
            kind: JoinType::Join,
            actor: actor.to_string(),
            object: event.to_string(),
            participation_message: None,
            to: vec![],
        }
    }
}

impl HasId for Join {
    fn id(&self) -> &str {
        &self.id
    }
}
