//! Groups: collective actors with members, moderators and a join policy.

pub mod api;
pub mod entity;
pub mod service;
pub mod store;

use serde::{Deserialize, Serialize};

/// How people join a group.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum JoinPolicy {
    /// Anyone may join.
    #[default]
    Open,
    /// A moderator approves each request.
    Approval,
    /// Only people invited by a moderator.
    Invite,
}

impl JoinPolicy {
    pub fn as_str(self) -> &'static str {
        match self {
            JoinPolicy::Open => "open",
            JoinPolicy::Approval => "approval",
            JoinPolicy::Invite => "invite",
        }
    }
}

/// A member's standing in a group.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MemberRole {
    Owner,
    Moderator,
    Member,
}

impl MemberRole {
    pub fn as_str(self) -> &'static str {
        match self {
            MemberRole::Owner => "owner",
            MemberRole::Moderator => "moderator",
            MemberRole::Member => "member",
        }
    }
}
