//! The Mastodon client API's instance-level endpoints (instance, search,
//! markers, …). Renderings of statuses and accounts live in
//! `statuses::views`; extractors and pagination in [`crate::http`].

pub mod instance;
pub mod search;
