//! An account's followers, following and statuses counts, kept by the
//! database instead of counted on every read (a popular account's statuses
//! were counted row by row each time it appeared in a timeline).
//!
//! - Triggers on `statuses` and `follows` append a change of each count to
//!   `actor_stat_deltas`: an insert, never an update of a shared row, so
//!   concurrent writers on PostgreSQL neither wait for nor deadlock on one
//!   popular account's counter.
//! - `actor_stats` holds the folded totals; the server folds the deltas in
//!   batches while it runs. A read sums the total and the deltas not yet
//!   folded, so counts are exact at once, whatever path wrote the rows
//!   (client API, inbox, cascades, the CLI).
//! - Only accepted follows count, as before.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const TABLES: [&str; 2] = [
    "CREATE TABLE actor_stats (actor_id BIGINT NOT NULL PRIMARY KEY, \
       followers_count BIGINT NOT NULL DEFAULT 0, following_count BIGINT NOT NULL DEFAULT 0, \
       statuses_count BIGINT NOT NULL DEFAULT 0)",
    "CREATE INDEX actor_stat_deltas_actor ON actor_stat_deltas (actor_id)",
];

/// The counts of what exists now, as deltas (folded by the server).
const BACKFILL: &str = "INSERT INTO actor_stat_deltas (actor_id, followers, following, statuses) \
     SELECT actor_id, SUM(fr), SUM(fg), SUM(st) FROM ( \
       SELECT target_id AS actor_id, 1 AS fr, 0 AS fg, 0 AS st FROM follows WHERE accepted \
       UNION ALL SELECT follower_id, 0, 1, 0 FROM follows WHERE accepted \
       UNION ALL SELECT actor_id, 0, 0, 1 FROM statuses) counted \
     GROUP BY actor_id";

const SQLITE: [&str; 7] = [
    "CREATE TABLE actor_stat_deltas (id INTEGER PRIMARY KEY AUTOINCREMENT, \
       actor_id BIGINT NOT NULL, followers BIGINT NOT NULL, following BIGINT NOT NULL, \
       statuses BIGINT NOT NULL)",
    "CREATE TRIGGER actor_stats_status_added AFTER INSERT ON statuses BEGIN \
       INSERT INTO actor_stat_deltas (actor_id, followers, following, statuses) \
       VALUES (new.actor_id, 0, 0, 1); END",
    "CREATE TRIGGER actor_stats_status_gone AFTER DELETE ON statuses BEGIN \
       INSERT INTO actor_stat_deltas (actor_id, followers, following, statuses) \
       VALUES (old.actor_id, 0, 0, -1); END",
    "CREATE TRIGGER actor_stats_status_moved AFTER UPDATE OF actor_id ON statuses \
       WHEN old.actor_id <> new.actor_id BEGIN \
       INSERT INTO actor_stat_deltas (actor_id, followers, following, statuses) \
       VALUES (old.actor_id, 0, 0, -1), (new.actor_id, 0, 0, 1); END",
    "CREATE TRIGGER actor_stats_follow_added AFTER INSERT ON follows WHEN new.accepted BEGIN \
       INSERT INTO actor_stat_deltas (actor_id, followers, following, statuses) \
       VALUES (new.target_id, 1, 0, 0), (new.follower_id, 0, 1, 0); END",
    "CREATE TRIGGER actor_stats_follow_gone AFTER DELETE ON follows WHEN old.accepted BEGIN \
       INSERT INTO actor_stat_deltas (actor_id, followers, following, statuses) \
       VALUES (old.target_id, -1, 0, 0), (old.follower_id, 0, -1, 0); END",
    "CREATE TRIGGER actor_stats_follow_changed \
       AFTER UPDATE OF accepted, target_id, follower_id ON follows BEGIN \
       INSERT INTO actor_stat_deltas (actor_id, followers, following, statuses) \
       SELECT old.target_id, -1, 0, 0 WHERE old.accepted \
       UNION ALL SELECT old.follower_id, 0, -1, 0 WHERE old.accepted \
       UNION ALL SELECT new.target_id, 1, 0, 0 WHERE new.accepted \
       UNION ALL SELECT new.follower_id, 0, 1, 0 WHERE new.accepted; END",
];

const POSTGRES: [&str; 5] = [
    "CREATE TABLE actor_stat_deltas (id BIGSERIAL PRIMARY KEY, actor_id BIGINT NOT NULL, \
       followers BIGINT NOT NULL, following BIGINT NOT NULL, statuses BIGINT NOT NULL)",
    "CREATE FUNCTION actor_stats_statuses() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN \
       IF TG_OP = 'UPDATE' AND OLD.actor_id = NEW.actor_id THEN RETURN NULL; END IF; \
       IF TG_OP IN ('DELETE', 'UPDATE') THEN \
         INSERT INTO actor_stat_deltas (actor_id, followers, following, statuses) \
         VALUES (OLD.actor_id, 0, 0, -1); END IF; \
       IF TG_OP IN ('INSERT', 'UPDATE') THEN \
         INSERT INTO actor_stat_deltas (actor_id, followers, following, statuses) \
         VALUES (NEW.actor_id, 0, 0, 1); END IF; \
       RETURN NULL; END $$",
    "CREATE TRIGGER actor_stats_statuses AFTER INSERT OR DELETE OR UPDATE OF actor_id \
       ON statuses FOR EACH ROW EXECUTE FUNCTION actor_stats_statuses()",
    "CREATE FUNCTION actor_stats_follows() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN \
       IF TG_OP IN ('DELETE', 'UPDATE') AND OLD.accepted THEN \
         INSERT INTO actor_stat_deltas (actor_id, followers, following, statuses) \
         VALUES (OLD.target_id, -1, 0, 0), (OLD.follower_id, 0, -1, 0); END IF; \
       IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.accepted THEN \
         INSERT INTO actor_stat_deltas (actor_id, followers, following, statuses) \
         VALUES (NEW.target_id, 1, 0, 0), (NEW.follower_id, 0, 1, 0); END IF; \
       RETURN NULL; END $$",
    "CREATE TRIGGER actor_stats_follows AFTER INSERT OR DELETE \
       OR UPDATE OF accepted, target_id, follower_id \
       ON follows FOR EACH ROW EXECUTE FUNCTION actor_stats_follows()",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let db = m.get_connection();
        let engine_specific: &[&str] = match m.get_database_backend() {
            sea_orm::DatabaseBackend::Postgres => &POSTGRES,
            _ => &SQLITE,
        };
        // The deltas table first (engine-specific ids), then the rest.
        db.execute_unprepared(engine_specific[0]).await?;
        for sql in TABLES {
            db.execute_unprepared(sql).await?;
        }
        for sql in &engine_specific[1..] {
            db.execute_unprepared(sql).await?;
        }
        db.execute_unprepared(BACKFILL).await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let db = m.get_connection();
        let drops: &[&str] = match m.get_database_backend() {
            sea_orm::DatabaseBackend::Postgres => &[
                "DROP TRIGGER actor_stats_statuses ON statuses",
                "DROP TRIGGER actor_stats_follows ON follows",
                "DROP FUNCTION actor_stats_statuses()",
                "DROP FUNCTION actor_stats_follows()",
            ],
            _ => &[
                "DROP TRIGGER actor_stats_status_added",
                "DROP TRIGGER actor_stats_status_gone",
                "DROP TRIGGER actor_stats_status_moved",
                "DROP TRIGGER actor_stats_follow_added",
                "DROP TRIGGER actor_stats_follow_gone",
                "DROP TRIGGER actor_stats_follow_changed",
            ],
        };
        for sql in drops {
            db.execute_unprepared(sql).await?;
        }
        db.execute_unprepared("DROP TABLE actor_stat_deltas")
            .await?;
        db.execute_unprepared("DROP TABLE actor_stats").await?;
        Ok(())
    }
}
