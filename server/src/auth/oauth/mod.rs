//! OAuth 2 for Mastodon clients: apps, authorization codes (with optional
//! PKCE), tokens (hashed at rest), scopes.

pub mod api;
pub mod entity;
pub mod scopes;
pub mod service;
pub mod web;

/// Out-of-band redirect: the code is shown to the person instead of redirected.
pub const OOB: &str = "urn:ietf:wg:oauth:2.0:oob";
