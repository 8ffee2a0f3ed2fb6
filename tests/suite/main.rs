//! Knooppunt's integration suite: one binary, modules by capability.
//! Run on SQLite (default) or PostgreSQL with `TEST_DATABASE=postgres`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::type_complexity)]

mod abuse;
mod accounts;
mod cli;
mod client_api;
mod config;
mod corpus;
mod counts;
mod database;
mod discovery;
mod durability;
mod events;
mod fanout;
mod federation;
mod governance;
mod home;
mod inbox;
mod instances;
mod lists;
mod mastodon_py;
mod media_posts;
mod moderation;
mod openapi;
mod plans;
mod python_peer;
mod reads;
mod refusals;
mod search;
mod serve;
mod sign_in;
mod undo;
mod web;
mod web_front;
mod web_groups;
mod web_keyboard;
mod web_paging;
mod web_people;
mod web_plan_page;
mod web_plans;
mod web_posts;
mod web_profile_images;
mod web_remote_media;
