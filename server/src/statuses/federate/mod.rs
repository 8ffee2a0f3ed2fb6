//! Statuses over ActivityPub, in and out:
//! - [`note`]: a local status as its `Note` or `Question`, extended by the
//!   domains above through [`note::RENDER`] (a plan's `Page`, an event's
//!   `Event`);
//! - [`inbound`]: remote posts stored as statuses, handed to the domains
//!   above through [`inbound::STORED`];
//! - [`publish`]: the activities a status change sends (Create, Update,
//!   Delete, Like, Announce, poll votes), put in the outbox inside the
//!   change's transaction.

pub mod inbound;
pub mod note;
pub mod publish;

pub use inbound::{fetch_note, store_fetched, store_remote};
pub use note::{addressing, note, object_or_home};
