//! What happens to statuses, told to the domains above through hooks:
//! notifications tell people, plans recount their supports and arguments.
//! The client API and the inbox raise the same changes, so each rule that
//! follows from them lives in one place.

use sea_orm::DatabaseTransaction;

use crate::config::Config;
use crate::error::AppError;
use crate::hooks::{Hook, Hooks};

/// One change to a status, raised inside the change's transaction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StatusChange {
    /// A status was written; a reply changes its parent's counts.
    Posted {
        status_id: i64,
        in_reply_to: Option<i64>,
    },
    /// A status was deleted; a reply changes its parent's counts.
    Deleted { in_reply_to: Option<i64> },
    /// `actor_id` was mentioned in a status by `by`.
    Mentioned {
        status_id: i64,
        actor_id: i64,
        by: i64,
    },
    /// `by` favourited (supported) a status of `author_id`.
    Favourited {
        status_id: i64,
        author_id: i64,
        by: i64,
    },
    /// `by` took back a favourite.
    Unfavourited {
        status_id: i64,
        author_id: i64,
        by: i64,
    },
    /// `by` boosted a status of `author_id`.
    Reblogged {
        status_id: i64,
        author_id: i64,
        by: i64,
    },
    /// `by` took back a boost.
    Unreblogged {
        status_id: i64,
        author_id: i64,
        by: i64,
    },
    /// A poll of `author_id` ended; its author and voters hear of it.
    PollEnded {
        status_id: i64,
        author_id: i64,
        voters: Vec<i64>,
    },
}

/// The hooks registered for status changes.
pub static HOOKS: Hooks<Hook<StatusChange>> = Hooks::new();

/// Tells every registered domain about `change`, inside `txn`.
pub async fn raise(
    txn: &DatabaseTransaction,
    config: &Config,
    change: StatusChange,
) -> Result<(), AppError> {
    HOOKS.emit(txn, config, &change).await
}

impl StatusChange {
    /// The status whose supports or replies changed, if any.
    pub fn counts_of(&self) -> Option<i64> {
        match self {
            StatusChange::Posted { in_reply_to, .. } | StatusChange::Deleted { in_reply_to } => {
                *in_reply_to
            }
            StatusChange::Favourited { status_id, .. }
            | StatusChange::Unfavourited { status_id, .. } => Some(*status_id),
            _ => None,
        }
    }
}
