//! The effects both faces share: the client API and the inbox check who may
//! act, each in its own way, then call these inside their transaction, so a
//! favourite, a boost or a deletion is written, and told, in one place.

use chrono::Utc;
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};

use crate::actors::entity as actor;
use crate::config::Config;
use crate::error::AppError;
use crate::statuses::Visibility;
use crate::statuses::changes::{self, StatusChange};
use crate::statuses::entity::{favourite, status};

/// Whether an insert that does nothing on a conflict wrote its row.
fn inserted_one(result: sea_orm::TryInsertResult<u64>) -> bool {
    matches!(result, sea_orm::TryInsertResult::Inserted(n) if n > 0)
}

/// `by` favourites `target`: one row and one change. Returns false when the
/// favourite was there already (a repeat, a concurrent twin).
pub async fn add_favourite(
    txn: &sea_orm::DatabaseTransaction,
    config: &Config,
    by: i64,
    target: &status::Model,
    like_id: &str,
) -> Result<bool, AppError> {
    let inserted = favourite::Entity::insert(favourite::ActiveModel {
        actor_id: Set(by),
        status_id: Set(target.id),
        created_at: Set(Utc::now()),
        ap_id: Set(Some(like_id.to_string())),
        ..Default::default()
    })
    .on_conflict_do_nothing_on([favourite::Column::ActorId, favourite::Column::StatusId])
    .exec_without_returning(txn)
    .await?;
    if !inserted_one(inserted) {
        return Ok(false);
    }
    let change = StatusChange::Favourited {
        status_id: target.id,
        author_id: target.actor_id,
        by,
    };
    changes::raise(txn, config, change).await?;
    Ok(true)
}

/// A favourite taken back: the row goes, and the change is told.
pub async fn remove_favourite(
    txn: &sea_orm::DatabaseTransaction,
    config: &Config,
    fav: &favourite::Model,
    target: &status::Model,
) -> Result<(), AppError> {
    favourite::Entity::delete_by_id(fav.id).exec(txn).await?;
    let change = StatusChange::Unfavourited {
        status_id: target.id,
        author_id: target.actor_id,
        by: fav.actor_id,
    };
    changes::raise(txn, config, change).await
}

/// `by` boosts `original` with the boost's ActivityPub id (a local boost
/// gets its own once it has a row id: see `service::reblog`). `None` when `by` had
/// boosted it already.
pub async fn add_boost(
    txn: &sea_orm::DatabaseTransaction,
    config: &Config,
    by: &actor::Model,
    original: &status::Model,
    ap_id: &str,
    visibility: Visibility,
) -> Result<Option<status::Model>, AppError> {
    let boosted = status::Entity::find()
        .filter(status::Column::ActorId.eq(by.id))
        .filter(status::Column::ReblogOfId.eq(original.id))
        .one(txn)
        .await?;
    if boosted.is_some() {
        return Ok(None);
    }
    let inserted = status::Entity::insert(status::ActiveModel {
        ap_id: Set(ap_id.to_string()),
        actor_id: Set(by.id),
        reblog_of_id: Set(Some(original.id)),
        content: Set(String::new()),
        spoiler_text: Set(String::new()),
        sensitive: Set(false),
        visibility: Set(visibility.as_str().to_string()),
        local: Set(by.local),
        created_at: Set(Utc::now()),
        ..Default::default()
    })
    .on_conflict_do_nothing_on([status::Column::ApId])
    .exec_without_returning(txn)
    .await?;
    if !inserted_one(inserted) {
        return Ok(None);
    }
    let boost = status::Entity::find()
        .filter(status::Column::ApId.eq(ap_id))
        .one(txn)
        .await?
        .ok_or_else(|| AppError::Internal("a boost vanished in its transaction".into()))?;
    let change = StatusChange::Reblogged {
        status_id: original.id,
        author_id: original.actor_id,
        by: by.id,
    };
    changes::raise(txn, config, change).await?;
    Ok(Some(boost))
}

/// A boost taken back: the boost's row goes, and the change is told.
pub async fn remove_boost(
    txn: &sea_orm::DatabaseTransaction,
    config: &Config,
    boost: &status::Model,
    original: &status::Model,
) -> Result<(), AppError> {
    status::Entity::delete_by_id(boost.id).exec(txn).await?;
    let change = StatusChange::Unreblogged {
        status_id: original.id,
        author_id: original.actor_id,
        by: boost.actor_id,
    };
    changes::raise(txn, config, change).await
}

/// A status goes (with its boosts, favourites and replies' links), and the
/// change is told.
pub async fn remove_status(
    txn: &sea_orm::DatabaseTransaction,
    config: &Config,
    s: &status::Model,
) -> Result<(), AppError> {
    status::Entity::delete_by_id(s.id).exec(txn).await?;
    let deleted = StatusChange::Deleted {
        in_reply_to: s.in_reply_to_id,
    };
    changes::raise(txn, config, deleted).await
}
