//! The Mastodon client API's renderings (views) and its instance-level
//! endpoints. Request extractors and pagination live in [`crate::http`].

pub mod instance;
pub mod views;
