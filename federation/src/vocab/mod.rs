//! The ActivityStreams vocabulary as Knooppunt reads and writes it: one file
//! per activity or object type, in the spirit of the `activitypub_federation`
//! examples, read leniently (a single value or a list, an object or its id,
//! numbers as strings, unknown fields and types) and never panicking.
//!
//! - Activities: [`Follow`], [`Accept`], [`Reject`], [`Undo`], [`Create`],
//!   [`Update`], [`Delete`], [`Like`], [`Announce`], [`Block`], [`Flag`],
//!   [`Invite`], [`Join`], [`Leave`]; [`InboxActivity`] reads any of them.
//! - Objects: [`Note`], [`Question`], [`Page`] (also `Article`, and a
//!   Knooppunt plan), [`Event`], [`Media`] (`Image`, `Audio`, `Video`),
//!   [`Actor`], [`Tombstone`], [`Collection`], [`Tag`], [`Place`],
//!   [`Attachment`]; [`Object`] reads any of them. Every post-like object
//!   becomes a status through [`Post`].
//! - [`Inbox`] and [`dispatch`]: the application's verify and receive per
//!   activity type; [`checks`]: what every server checks.
//!
//! # What we take from `activitypub_federation`
//!
//! Its kinds (`FollowType`, `NoteType`, ...: one-value enums that make a
//! struct read only its own `type`) and the shape of its `ActivityHandler`:
//! `verify` apart from `receive`, one enum to dispatch. We leave the rest:
//! - `ObjectId`, `Object`, `Actor`: they tie fetching and storing to the
//!   library's data model (an object fetches and upserts itself); ours
//!   fetches through the safe client (`crate::fetch`: address checks,
//!   budgets, per-host limits) and the application decides what to store.
//! - `FederationConfig`, its middleware and `receive_activity`: they verify
//!   signatures with the `rsa` crate and own the inbox request; we verify
//!   with aws-lc-rs (`crate::signatures`, about four times faster, constant
//!   time) and keep the inbox's limits, journal and backlog in the server.
//! - Its activity queue: in memory, so deliveries are lost on a restart;
//!   ours is a table, claimed with `SKIP LOCKED`, retried with backoff.
//! - Its `deserialize_one_or_many` and URL types: they fail a whole activity
//!   on one odd addressee and normalise URLs (a trailing `/` added), which
//!   breaks comparing ids with those we stored; [`lenient`] reads strings.

mod accept;
mod actor;
mod announce;
mod block;
pub mod checks;
mod collection;
mod context;
mod create;
mod delete;
mod document;
mod error;
mod event;
mod flag;
mod follow;
mod inbox;
mod invite;
mod join;
mod json;
mod leave;
pub mod lenient;
mod like;
mod media;
mod note;
mod object;
mod page;
mod place;
mod post;
mod question;
mod receive;
mod reject;
mod tag;
mod tombstone;
mod undo;
mod update;
mod values;

pub use accept::{Accept, Answered};
pub use actor::{Actor, ActorDocument, ActorKind, Endpoints, PublicKey};
pub use announce::{Announce, Announced};
pub use block::Block;
pub use checks::CheckError;
pub use collection::{Collection, CollectionKind};
pub use context::{
    AS_CONTEXT, PUBLIC, SECURITY_CONTEXT, context, extension_context, with_as_context, with_context,
};
pub use create::Create;
pub use delete::Delete;
pub use document::{Attachment, AttachmentKind, MediaFile};
pub use error::{MAX_DEPTH, VocabError};
pub use event::Event;
pub use flag::Flag;
pub use follow::Follow;
pub use inbox::InboxActivity;
pub use invite::Invite;
pub use join::Join;
pub use json::{host_of, id_of, ids, is_public, type_of};
pub use leave::Leave;
pub use like::Like;
pub use media::{Media, MediaKind};
pub use note::Note;
pub use object::Object;
pub use page::{AdviceEntry, ArgumentsCount, MonetaryAmount, Page, PageKind, PlanChange};
pub use place::{Address, Place, PostalAddress};
pub use post::{MAX_ATTACHMENTS, Poll, Post, PostFields, PostKind, Visibility, escape};
pub use question::{PollOption, Question};
pub use receive::{Inbox, dispatch, dispatch_parsed};
pub use reject::Reject;
pub use tag::{Emoji, Hashtag, Mention, Tag};
pub use tombstone::Tombstone;
pub use undo::{Undo, Undone};
pub use update::Update;
pub use values::{HasId, IdOrObject, LanguageMap, Link, Links, ObjectRef, OneOrMany};
