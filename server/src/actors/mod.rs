//! Actors: every ActivityPub actor we know, local or remote, person, group or
//! the instance itself. They share one namespace (WebFinger `acct:NAME@DOMAIN`).

pub mod entity;
pub mod graph;
pub mod hidden;
pub mod search;
pub mod stats;
pub mod store;

pub use crate::names::{Username, UsernameError};

use serde::{Deserialize, Serialize};

/// What kind of actor a row is; stored as text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ActorKind {
    Person,
    Group,
    Application,
}

impl ActorKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ActorKind::Person => "person",
            ActorKind::Group => "group",
            ActorKind::Application => "application",
        }
    }
}
