//! What of a status the search index holds: public, original statuses (no
//! boosts; plans' and events' posts too), by content warning and text.
//! Followers-only and direct ones are never indexed, so never found.

use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};

use super::entity::status;
use crate::search::Kind;
use crate::search::service::{self as search, Document};

/// Indexes a status after it was written, or takes it out of the index
/// when it may not be found.
pub async fn index(db: &impl ConnectionTrait, s: &status::Model) -> Result<(), DbErr> {
    if s.visibility != "public" || s.reblog_of_id.is_some() {
        return search::remove(db, Kind::Status, s.id).await;
    }
    let body = search::plain_text(&s.content);
    search::index(
        db,
        Document {
            kind: Kind::Status,
            id: s.id,
            owner_id: s.actor_id,
            post_id: Some(s.id),
            title: &s.spoiler_text,
            body: &body,
        },
    )
    .await
}

/// Statuses written before the index existed.
pub struct Backfill;

#[async_trait::async_trait]
impl search::Source for Backfill {
    fn name(&self) -> &'static str {
        "statuses"
    }

    async fn index_after(
        &self,
        txn: &sea_orm::DatabaseTransaction,
        after: i64,
        limit: u64,
    ) -> Result<Option<i64>, DbErr> {
        let batch = status::Entity::find()
            .filter(status::Column::Id.gt(after))
            .filter(status::Column::Visibility.eq("public"))
            .filter(status::Column::ReblogOfId.is_null())
            .order_by_asc(status::Column::Id)
            .limit(limit)
            .all(txn)
            .await?;
        for s in &batch {
            index(txn, s).await?;
        }
        Ok(batch.last().map(|s| s.id))
    }
}
