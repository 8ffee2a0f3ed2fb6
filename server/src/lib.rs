//! Knooppunt: a federated ActivityPub server for neighbourhood cooperatives.
//! `main.rs` only calls [`cli::main`]; tests use the same modules in-process.

// First, so that `msg!` is in scope in every module below.
#[macro_use]
pub mod i18n;
pub mod actors;
pub mod admin;
pub mod app;
pub mod apub;
pub mod audit;
pub mod auth;
pub mod cli;
pub mod config;
pub mod db;
pub mod error;
pub mod events;
pub mod federation;
pub mod follows;
pub mod group_pages;
pub mod groups;
pub mod guard;
pub mod hooks;
pub mod http;
pub mod instance;
pub mod mastodon;
pub mod media;
pub mod moderation;
pub mod names;
pub mod notifications;
pub mod openapi;
pub mod persons;
pub mod plans;
pub mod search;
pub mod search_page;
pub mod secrets;
pub mod settings;
pub mod state;
pub mod statements;
pub mod statuses;
pub mod text;
pub mod web;
