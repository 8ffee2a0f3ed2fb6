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

/// Where people see an actor: a person here at `/@name` (as on Mastodon;
/// the actor's `url`, its account's `url` and its WebFinger profile page),
/// anyone else at the `url` they gave, or their id.
pub fn page_url(config: &crate::config::Config, a: &entity::Model) -> String {
    if a.local && a.kind == "person" {
        return format!("{}/@{}", config.base_url(), a.username);
    }
    a.url.clone().unwrap_or_else(|| a.ap_id.clone())
}

/// Where a page shows `a`: `/@name` here, `/@name@domain` elsewhere, a
/// local group's own page.
pub fn profile_path(a: &entity::Model) -> String {
    match (a.local, a.kind.as_str()) {
        (true, "group") => format!("/groups/{}", a.username),
        (true, _) => format!("/@{}", a.username),
        (false, _) => format!("/@{}@{}", a.username, a.host),
    }
}
