//! Who follows, blocks and mutes whom.

pub mod api;
pub mod entity;
pub mod service;
