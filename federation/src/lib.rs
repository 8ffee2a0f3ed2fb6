//! The ActivityPub protocol side of Knooppunt. This crate never names a table,
//! entity or route: the application hands it what it needs through traits.

pub mod keys;
