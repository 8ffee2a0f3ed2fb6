//! Events: a time, a place, a capacity and participants, here or elsewhere
//! (Mobilizon-compatible `Event` with `Join`/`Leave`), with iCalendar files
//! and feeds. An event is a public post with its own fields, like a plan.
//!
//! - `service.rs`: organising, changing, cancelling, joining and leaving.
//! - `federation.rs`: the `Event` object, copies, `Join`/`Leave`.
//! - `search.rs`: what of an event is found, and `/events/search`.
//! - `store.rs`: queries and read models; a list costs a fixed number of statements.
//! - `ical.rs`: RFC 5545 output; `api.rs`: `/api/knooppunt/v1/events`.
//! - `web.rs`: the event's page, join and leave; `web_list.rs`: `/events`;
//!   `web_new.rs`: `/events/new`.

pub mod api;
pub mod entity;
pub mod federate;
pub mod ical;
pub mod search;
pub mod service;
pub mod store;
pub mod web;
pub mod web_list;
pub mod web_new;
