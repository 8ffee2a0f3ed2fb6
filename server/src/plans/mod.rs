//! Plans, the heart of Knooppunt: an idea that grows into a proposal, is
//! decided on, carried out and finished, worked on in the open. A plan is a
//! public post (a `Page`) with its own fields, owners and history.
//!
//! - `state.rs`: the states and who may take each step.
//! - `service.rs`: starting, editing, moving and reporting on plans.
//! - `fields.rs`: the fields owners write, and their checks.
//! - `federation.rs`: the `Page` a plan federates as, and remote plans.
//! - `updates.rs`: Updates for changed counts, at most one per plan per interval.
//! - `advice/`: expert advice asked of any actor, and its answer.
//! - `coowners.rs`: co-owners here and elsewhere (invitations, edits sent home).
//! - `editors.rs`: members a group's moderators name to edit its plans.
//! - `search.rs`: what of a plan is found, and `/plans/search`.
//! - `store.rs`: queries and read models; a list costs a fixed number of statements.
//! - `views.rs`: the API's JSON shapes, assembled from the read models.
//! - `api.rs`: `/api/knooppunt/v1/plans`; `web.rs`: the page at `/plans/:id`;
//!   `web_forms.rs`: its forms (support, arguments, steps);
//!   `web_sections.rs` and `web_work.rs`: its working sections (comments,
//!   polls, advice, owners, events, progress) and their forms;
//!   `web_new.rs`: `/plans/new`; `web_list.rs`: `/plans`.

pub mod advice;
pub mod api;
pub mod coowners;
pub mod editors;
pub mod entity;
pub mod federate;
pub mod fields;
pub mod search;
pub mod service;
pub mod state;
pub mod store;
pub mod updates;
pub mod views;
pub mod web;
pub mod web_forms;
pub mod web_list;
pub mod web_new;
pub mod web_sections;
pub mod web_work;
