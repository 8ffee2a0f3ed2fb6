//! Moderation, what an operator needs on day one: reports (Mastodon's
//! `POST /api/v1/reports`, and `Flag`s between instances), suspending and
//! silencing accounts, instance-level domain blocks with Mastodon's CSV
//! lists, and an audit log of every action.
//!
//! - `service.rs`: the rules and their transactions.
//! - What moderation hides from timelines: `actors::hidden`.
//! - `federate.rs`: `Flag` out and in.
//! - `api.rs`: `/api/v1/reports` and `/api/knooppunt/v1/admin/…`.

pub mod api;
pub mod entity;
pub mod federate;
pub mod service;
