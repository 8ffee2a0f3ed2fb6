//! The ActivityPub protocol side of Knooppunt. This crate never names a table,
//! entity or route: the application hands it what it needs.

pub mod fetch;
pub mod keys;
pub mod signatures;
pub mod vocab;
pub mod webfinger;
