//! The instance itself: its settings, its system actors (the neighbourhood
//! group and the instance actor), its home page and health check.

pub mod service;
pub mod settings;
pub mod web;
