//! `Reject`: a `Follow`, `Invite` or `Join` is refused (or a follow ended).

use activitypub_federation::kinds::activity::RejectType;
use serde::{Deserialize, Serialize};

use super::accept::Answered;
use super::lenient;
use super::values::HasId;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Reject {
    pub id: String,
    #[serde(rename = "type", deserialize_with = "lenient::kind")]
    pub kind: RejectType,
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

impl Reject {
    pub fn new(id: &str, actor: &str, object: impl Into<Answered>) -> Self {
        Reject {
            id: id.to_string(),
            kind: RejectType::Reject,
            actor: actor.to_string(),
            object: object.into(),
            to: vec![],
        }
    }
}

impl HasId for Reject {
    fn id(&self) -> &str {
        &self.id
    }
}
