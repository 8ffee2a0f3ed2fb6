//! The Mastodon client API's shared parts: request extractors (JSON or form
//! bodies, `key[]` arrays, bearer tokens with scopes), pagination, and the
//! instance-level endpoints.

pub mod extract;
pub mod instance;
pub mod pagination;
pub mod views;
