//! Moderation, what an operator needs on day one: reports (Mastodon's
//! `POST /api/v1/reports`, and `Flag`s between instances), suspending and
//! silencing accounts, instance-level domain blocks with Mastodon's CSV
//! lists, and an audit log of every action.
//!
//! - `service.rs`: reports and actions on accounts, and their transactions.
//! - `blocks.rs`: domain blocks and Mastodon's CSV blocklists.
//! - What moderation hides from timelines: `actors::hidden`.
//! - `federate.rs`: `Flag` out and in.
//! - `api.rs`: `/api/v1/reports` and `/api/knooppunt/v1/admin/…`.

pub mod api;
pub mod blocks;
pub mod entity;
pub mod federate;
pub mod service;
