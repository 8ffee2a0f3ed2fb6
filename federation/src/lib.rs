//! The ActivityPub protocol side of Knooppunt: the vocabulary, keys and
//! signatures, the safe fetcher and WebFinger, and the engine that receives
//! and delivers on its own tables. It never names the application's tables,
//! routes or domains: the application hands it work and answers its
//! questions through [`engine::App`].

pub mod engine;
pub mod fetch;
pub mod keys;
pub mod signatures;
pub mod vocab;
pub mod webfinger;
