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
