//! `Delete`: of an object (by id or with a `Tombstone`), or of the actor
//! itself (its id as the object).

use activitypub_federation::kinds::activity::DeleteType;
use serde::{Deserialize, Serialize};

use super::lenient;
use super::values::{HasId, IdOrObject, ObjectRef};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Delete {
    pub id: String,
    #[serde(rename = "type", deserialize_with = "lenient::kind")]
    pub kind: DeleteType,
    #[serde(deserialize_with = "lenient::id")]
    pub actor: String,
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
    /// What is deleted; only its id matters.
    pub object: IdOrObject<ObjectRef>,
}

impl Delete {
    /// The deletion of object `object_id`, sent with a `Tombstone`.
    pub fn tombstone(id: &str, actor: &str, object_id: &str) -> Self {
        Delete {
            id: id.to_string(),
            kind: DeleteType::Delete,
            actor: actor.to_string(),
            to: vec![],
            cc: vec![],
            object: IdOrObject::Object(ObjectRef {
                id: Some(object_id.to_string()),
                kind: Some("Tombstone".into()),
                actor: None,
                object: None,
            }),
        }
    }

    /// The deletion of the actor itself.
    pub fn account(id: &str, actor: &str) -> Self {
        Delete {
            object: IdOrObject::Id(actor.to_string()),
            ..Delete::tombstone(id, actor, actor)
        }
    }

    /// The deleted object's id (empty if an embedded object had none).
    pub fn object_id(&self) -> &str {
        self.object.id()
    }

    /// Whether the actor deletes itself.
    pub fn of_actor(&self) -> bool {
        self.object_id() == self.actor
    }
}

impl HasId for Delete {
    fn id(&self) -> &str {
        &self.id
    }
}
