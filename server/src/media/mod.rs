//! Uploaded media: images checked by their bytes, stored on disk under
//! `media.directory`, served at `/media/FILE`.

pub mod api;
pub mod cache;
pub mod cache_entity;
pub mod entity;
pub mod service;
pub mod views;
