//! What of an actor the search index holds: persons as accounts and groups
//! as groups, local and remote, by name, display name and summary. The
//! instance's own actor and deleted accounts are not found.

use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};

use super::entity::{self as actor, Model as Actor};
use crate::search::Kind;
use crate::search::service::{self as search, Document};

/// Indexes an actor after it was written (a remote one's kind may change).
pub async fn index(db: &impl ConnectionTrait, a: &Actor) -> Result<(), DbErr> {
    let kind = match (a.kind.as_str(), a.deleted_at) {
        ("person", None) => Some(Kind::Account),
        ("group", None) => Some(Kind::Group),
        _ => None,
    };
    for other in [Kind::Account, Kind::Group] {
        if Some(other) != kind {
            search::remove(db, other, a.id).await?;
        }
    }
    let Some(kind) = kind else {
        return Ok(());
    };
    let title = format!("{} {}", a.username, a.display_name);
    let body = search::plain_text(&a.summary);
    search::index(
        db,
        Document {
            kind,
            id: a.id,
            owner_id: a.id,
            post_id: None,
            title: &title,
            body: &body,
        },
    )
    .await
}

/// Actors known before the index existed.
pub struct Backfill;

#[async_trait::async_trait]
impl search::Source for Backfill {
    fn name(&self) -> &'static str {
        "actors"
    }

    async fn index_after(
        &self,
        txn: &sea_orm::DatabaseTransaction,
        after: i64,
        limit: u64,
    ) -> Result<Option<i64>, DbErr> {
        let batch = actor::Entity::find()
            .filter(actor::Column::Id.gt(after))
            .order_by_asc(actor::Column::Id)
            .limit(limit)
            .all(txn)
            .await?;
        for a in &batch {
            index(txn, a).await?;
        }
        Ok(batch.last().map(|a| a.id))
    }
}
