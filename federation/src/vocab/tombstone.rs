//! `Tombstone`: what stands where a deleted object or actor was.

use activitypub_federation::kinds::object::TombstoneType;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::lenient;
use super::values::HasId;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Tombstone {
    pub id: String,
    #[serde(rename = "type", deserialize_with = "lenient::kind")]
    pub kind: TombstoneType,
    #[serde(
        default,
        deserialize_with = "lenient::text",
        skip_serializing_if = "Option::is_none"
    )]
    pub former_type: Option<String>,
    #[serde(
        default,
        deserialize_with = "lenient::time",
        serialize_with = "lenient::ser_time",
        skip_serializing_if = "Option::is_none"
    )]
    pub deleted: Option<DateTime<Utc>>,
}

impl Tombstone {
    pub fn new(id: &str) -> Self {
        Tombstone {
            id: id.to_string(),
            kind: TombstoneType::Tombstone,
            former_type: None,
            deleted: None,
        }
    }
}

impl HasId for Tombstone {
    fn id(&self) -> &str {
        &self.id
    }
}
