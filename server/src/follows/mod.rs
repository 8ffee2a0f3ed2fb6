//! Who follows, blocks and mutes whom.

pub mod api;
pub mod federate;
pub mod service;
pub mod web;
