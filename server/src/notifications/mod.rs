//! Notifications for local people: follows, favourites, boosts, mentions, polls.

pub mod api;
pub mod entity;

use chrono::Utc;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ConnectionTrait, EntityTrait};

use crate::error::AppError;

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
