//! Statuses (posts): writing, editing, deleting, favouriting, boosting, polls,
//! and who may see what.

pub mod api;
pub mod cached_media;
pub mod changes;
pub mod entity;
pub mod federate;
pub mod form;
pub mod search;
pub mod service;
pub mod store;
pub mod views;
pub mod web;

/// Text rules (escaping, sanitising, mentions and hashtags) live below every
/// domain; kept reachable here for the callers that name them so.
pub use crate::text;

use serde::{Deserialize, Serialize};

/// Who can see a status, as Mastodon defines it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Visibility {
    #[default]
    Public,
    Unlisted,
    Private,
    Direct,
}

impl Visibility {
    pub fn as_str(self) -> &'static str {
        match self {
            Visibility::Public => "public",
            Visibility::Unlisted => "unlisted",
            Visibility::Private => "private",
            Visibility::Direct => "direct",
        }
    }
}
