//! `Update`: a changed post or actor, embedded or by id. A Knooppunt
//! co-owner sends a partial `Page` (only the fields that change).

use activitypub_federation::kinds::activity::UpdateType;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::lenient;
use super::object::Object;
use super::values::{HasId, IdOrObject};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Update {
    pub id: String,
    #[serde(rename = "type", deserialize_with = "lenient::kind")]
    pub kind: UpdateType,
    #[serde(deserialize_with = "lenient::id")]
    pub actor: String,
    #[serde(
        default,
        deserialize_with = "lenient::time",
        serialize_with = "lenient::ser_time",
        skip_serializing_if = "Option::is_none"
    )]
    pub published: Option<DateTime<Utc>>,
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
    pub object: IdOrObject<Object>,
}

impl Update {
    /// The `Update` of `object` by `actor`, addressed as the object is.
    pub fn new(id: &str, actor: &str, object: impl Into<Object>) -> Self {
        let object = object.into();
        let (to, cc) = object
            .fields()
            .map(|f| (f.to.clone(), f.cc.clone()))
            .unwrap_or_default();
        Update {
            id: id.to_string(),
            kind: UpdateType::Update,
            actor: actor.to_string(),
            published: None,
            to,
            cc,
            object: IdOrObject::Object(object),
        }
    }

    /// The embedded object, if there is one.
    pub fn embedded(&self) -> Option<&Object> {
        self.object.object()
    }
}

impl HasId for Update {
    fn id(&self) -> &str {
        &self.id
    }
}
