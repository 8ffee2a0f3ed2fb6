//! Indexes for reads at size (found with the reads bench, a million posts):
//! - `actors_moderated`: the few moderated actors (suspended, silenced or
//!   under a domain limit). Timelines and search leave them out with a
//!   subquery that otherwise read every actor row (actors carry their keys:
//!   about 5 ms for 10,000 actors, several times per request). Partial: the
//!   queries repeat its condition, so both engines use it.
//! - `actors_kind`: groups are found by kind (boosts by groups are relays,
//!   not counted as boosts).
//! - `statuses_by_actor` replaces `statuses_actor_id` (actor_id, id) with
//!   `visibility` and `reblog_of_id` added: the home timeline's bound reads
//!   the newest statuses of each followed account and checks both, now from
//!   the index alone.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The condition of `actors_moderated`; `actors::hidden` repeats it.
const MODERATED: &str =
    "suspended_at IS NOT NULL OR silenced_at IS NOT NULL OR domain_limit IS NOT NULL";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let db = m.get_connection();
        for sql in [
            format!("CREATE INDEX actors_moderated ON actors (id) WHERE {MODERATED}"),
            "CREATE INDEX actors_kind ON actors (kind)".to_string(),
            "CREATE INDEX statuses_by_actor ON statuses (actor_id, id, visibility, reblog_of_id)"
                .to_string(),
            "DROP INDEX statuses_actor_id".to_string(),
        ] {
            db.execute_unprepared(&sql).await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let db = m.get_connection();
        for sql in [
            "DROP INDEX actors_moderated",
            "DROP INDEX actors_kind",
            "CREATE INDEX statuses_actor_id ON statuses (actor_id, id)",
            "DROP INDEX statuses_by_actor",
        ] {
            db.execute_unprepared(sql).await?;
        }
        Ok(())
    }
}
