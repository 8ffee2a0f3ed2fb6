//! Persons with a local account: residents, entrepreneurs, professionals,
//! municipality staff and cooperative members, all with the same rights.

pub mod api;
pub mod federate;
pub mod service;
pub mod web;
pub mod web_profile;

use serde::{Deserialize, Serialize};

/// A person's role label. Roles label, they do not rank.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    #[default]
    Resident,
    Entrepreneur,
    Professional,
    Municipality,
    Cooperative,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Resident => "resident",
            Role::Entrepreneur => "entrepreneur",
            Role::Professional => "professional",
            Role::Municipality => "municipality",
            Role::Cooperative => "cooperative",
        }
    }
}

/// Where people see an actor: a person here at `/@name` (as on Mastodon;
/// the actor's `url`, its account's `url` and its WebFinger profile page),
/// anyone else at the `url` they gave, or their id.
pub fn page_url(config: &crate::config::Config, a: &crate::actors::entity::Model) -> String {
    if a.local && a.kind == "person" {
        return format!("{}/@{}", config.base_url(), a.username);
    }
    a.url.clone().unwrap_or_else(|| a.ap_id.clone())
}
