//! `Leave`: an actor no longer takes part in an event.

use activitypub_federation::kinds::activity::LeaveType;
use serde::{Deserialize, Serialize};

use super::lenient;
use super::values::HasId;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Leave {
    pub id: String,
    #[serde(rename = "type", deserialize_with = "lenient::kind")]
    pub kind: LeaveType,
    #[serde(deserialize_with = "lenient::id")]
    pub actor: String,
    /// The event.
    #[serde(deserialize_with = "lenient::id")]
    pub object: String,
    #[serde(
        default,
        deserialize_with = "lenient::ids",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub to: Vec<String>,
}

impl Leave {
    pub fn new(id: &str, actor: &str, event: &str) -> Self {
        Leave {
            id: id.to_string(),
            kind: LeaveType::Leave,
            actor: actor.to_string(),
            object: event.to_string(),
            to: vec![],
        }
    }
}

impl HasId for Leave {
    fn id(&self) -> &str {
        &self.id
    }
}
