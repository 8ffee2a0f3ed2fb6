//! The application's side of the inbox, in the shape of
//! `activitypub_federation`'s `ActivityHandler`: for each activity type one
//! `verify` (checks, no writes) and one `receive` (the effect), and
//! [`dispatch`], which reads an activity, runs the [`checks::activity`]
//! every server makes, then verify, then receive.

use std::future::Future;

use serde_json::Value;

use super::accept::Accept;
use super::announce::Announce;
use super::block::Block;
use super::checks::{self, CheckError};
use super::create::Create;
use super::delete::Delete;
use super::error::VocabError;
use super::flag::Flag;
use super::follow::Follow;
use super::inbox::InboxActivity;
use super::invite::Invite;
use super::join::Join;
use super::leave::Leave;
use super::like::Like;
use super::reject::Reject;
use super::undo::Undo;
use super::update::Update;

/// Declares, for each activity type, a `verify_*` that accepts by default
/// and a `receive_*` the application must write.
macro_rules! inbox_trait {
    ($( $kind:ident: $verify:ident, $receive:ident; )*) => {
        /// Implemented by the application for the state its handlers need.
        /// Futures are `Send` so that inboxes can run on any runtime thread.
        pub trait Inbox: Sync {
            /// The sender, as the application has stored it.
            type Actor: Sync;
            /// What a handled activity amounts to (an HTTP status, say).
            type Outcome;
            type Error: From<VocabError> + From<CheckError>;

            /// The sender's ActivityPub id.
            fn actor_id(actor: &Self::Actor) -> &str;

            $(
                #[doc = concat!("Checks a `", stringify!($kind), "` before it has any effect; accepts by default.")]
                fn $verify(
                    &self,
                    _sender: &Self::Actor,
                    _activity: &$kind,
                ) -> impl Future<Output = Result<(), Self::Error>> + Send {
                    async { Ok(()) }
                }
            )*

            $(
                #[doc = concat!("The effect of a verified `", stringify!($kind), "`.")]
                fn $receive(
                    &self,
                    sender: &Self::Actor,
                    activity: $kind,
                ) -> impl Future<Output = Result<Self::Outcome, Self::Error>> + Send;
            )*

            /// A `Create`'s effect; `raw` is the activity as it was sent, for
            /// a group that passes it on unchanged (FEP-1b12).
            fn receive_create(
                &self,
                sender: &Self::Actor,
                activity: Create,
                raw: &Value,
            ) -> impl Future<Output = Result<Self::Outcome, Self::Error>> + Send;

            /// Checks a `Create` before it has any effect; accepts by default.
            fn verify_create(
                &self,
                _sender: &Self::Actor,
                _activity: &Create,
            ) -> impl Future<Output = Result<(), Self::Error>> + Send {
                async { Ok(()) }
            }

            /// An activity of a type we do not handle.
            fn receive_other(
                &self,
                sender: &Self::Actor,
                kind: &str,
            ) -> impl Future<Output = Result<Self::Outcome, Self::Error>> + Send;
        }

        /// Verifies, then receives, an activity already read and checked.
        async fn run<I: Inbox>(
            inbox: &I,
            sender: &I::Actor,
            activity: InboxActivity,
            raw: &Value,
        ) -> Result<I::Outcome, I::Error> {
            match activity {
                $(
                    InboxActivity::$kind(a) => {
                        inbox.$verify(sender, &a).await?;
                        inbox.$receive(sender, a).await
                    }
                )*
                InboxActivity::Create(a) => {
                    inbox.verify_create(sender, &a).await?;
                    inbox.receive_create(sender, a, raw).await
                }
                InboxActivity::Other { kind, .. } => inbox.receive_other(sender, &kind).await,
            }
        }
    };
}

inbox_trait! {
    Follow: verify_follow, receive_follow;
    Accept: verify_accept, receive_accept;
    Reject: verify_reject, receive_reject;
    Undo: verify_undo, receive_undo;
    Update: verify_update, receive_update;
    Delete: verify_delete, receive_delete;
    Like: verify_like, receive_like;
    Announce: verify_announce, receive_announce;
    Block: verify_block, receive_block;
    Flag: verify_flag, receive_flag;
    Invite: verify_invite, receive_invite;
    Join: verify_join, receive_join;
    Leave: verify_leave, receive_leave;
}

/// Reads `raw`, checks what holds for every server, then verifies and
/// receives it through `inbox`. `sender` is the actor whose signature was
/// verified.
pub async fn dispatch<I: Inbox>(
    inbox: &I,
    sender: &I::Actor,
    raw: &Value,
) -> Result<I::Outcome, I::Error> {
    let activity = InboxActivity::parse(raw)?;
    dispatch_parsed(inbox, sender, activity, raw).await
}

/// As [`dispatch`], for an activity already read.
pub async fn dispatch_parsed<I: Inbox>(
    inbox: &I,
    sender: &I::Actor,
    activity: InboxActivity,
    raw: &Value,
) -> Result<I::Outcome, I::Error> {
    checks::activity(&activity, I::actor_id(sender))?;
    run(inbox, sender, activity, raw).await
}
