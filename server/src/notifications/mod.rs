//! Notifications for local people: follows, favourites, boosts, mentions, polls.

pub mod api;
pub mod entity;
pub mod web;

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ConnectionTrait, DatabaseTransaction, EntityTrait,
};

use crate::config::Config;
use crate::error::AppError;
use crate::hooks::HookFuture;
use crate::statuses::changes::StatusChange;

/// Registered for status changes: who hears of what, from the client API and
/// from other servers alike.
pub fn on_status_change<'a>(
    txn: &'a DatabaseTransaction,
    _config: &'a Config,
    change: &'a StatusChange,
) -> HookFuture<'a> {
    Box::pin(async move {
        match *change {
            StatusChange::Mentioned {
                status_id,
                actor_id,
                by,
            } => notify(txn, actor_id, "mention", by, Some(status_id)).await,
            StatusChange::Favourited {
                status_id,
                author_id,
                by,
            } => notify(txn, author_id, "favourite", by, Some(status_id)).await,
            StatusChange::Unfavourited {
                status_id,
                author_id,
                by,
            } => withdraw(txn, author_id, "favourite", by, Some(status_id)).await,
            StatusChange::Reblogged {
                status_id,
                author_id,
                by,
            } => notify(txn, author_id, "reblog", by, Some(status_id)).await,
            StatusChange::Unreblogged {
                status_id,
                author_id,
                by,
            } => withdraw(txn, author_id, "reblog", by, Some(status_id)).await,
            StatusChange::PollEnded {
                status_id,
                author_id,
                ref voters,
            } => {
                // The author hears of their own poll too, so `record`, not `notify`.
                let mut told: Vec<i64> = Vec::new();
                for &recipient in std::iter::once(&author_id).chain(voters) {
                    if !told.contains(&recipient) {
                        told.push(recipient);
                        record(txn, recipient, "poll", author_id, Some(status_id)).await?;
                    }
                }
                Ok(())
            }
            StatusChange::Posted { .. } | StatusChange::Deleted { .. } => Ok(()),
        }
    })
}

/// Records a notification inside the caller's transaction. Nobody is notified
/// of their own actions, and only local people get notifications.
pub async fn notify(
    db: &impl ConnectionTrait,
    recipient: i64,
    kind: &str,
    from: i64,
    status_id: Option<i64>,
) -> Result<(), AppError> {
    if recipient == from {
        return Ok(());
    }
    record(db, recipient, kind, from, status_id).await
}

/// Records a notification for a local person, even of their own doing (a poll
/// of theirs that ended).
pub async fn record(
    db: &impl ConnectionTrait,
    recipient: i64,
    kind: &str,
    from: i64,
    status_id: Option<i64>,
) -> Result<(), AppError> {
    let local = crate::actors::entity::Entity::find_by_id(recipient)
        .one(db)
        .await?
        .is_some_and(|a| a.local && a.kind == "person");
    if !local {
        return Ok(());
    }
    entity::ActiveModel {
        recipient_id: Set(recipient),
        kind: Set(kind.to_string()),
        from_actor_id: Set(from),
        status_id: Set(status_id),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

/// Removes a notification whose cause was undone (an unfavourite, an unboost).
pub async fn withdraw(
    db: &impl ConnectionTrait,
    recipient: i64,
    kind: &str,
    from: i64,
    status_id: Option<i64>,
) -> Result<(), AppError> {
    use sea_orm::{ColumnTrait, QueryFilter};
    let mut query = entity::Entity::delete_many()
        .filter(entity::Column::RecipientId.eq(recipient))
        .filter(entity::Column::Kind.eq(kind))
        .filter(entity::Column::FromActorId.eq(from));
    if let Some(id) = status_id {
        query = query.filter(entity::Column::StatusId.eq(id));
    }
    query.exec(db).await?;
    Ok(())
}
