//! Followers, following and statuses counts of actors, kept by database
//! triggers (see the `actor_stats` migration): a read sums the folded total
//! and the deltas not yet folded, so a count costs one index lookup per
//! actor however many rows it counts.

use std::collections::HashMap;

use sea_orm::{ConnectionTrait, DbBackend, DbErr, Statement, Value};

use crate::db::BeginWrite;

/// Deltas folded per transaction: short write locks on a busy SQLite file.
const FOLD_BATCH: i64 = 50_000;

/// An actor's counts, in this order.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub followers: i64,
    pub following: i64,
    pub statuses: i64,
}

/// The counts of `ids` (actors without any have none in the map), one
/// statement per [`crate::db::IN_GROUP`] actors.
pub async fn counts(
    db: &impl ConnectionTrait,
    ids: impl IntoIterator<Item = i64>,
) -> Result<HashMap<i64, Counts>, DbErr> {
    let backend = db.get_database_backend();
    let mut out = HashMap::new();
    for group in crate::db::id_groups(ids) {
        let marks = placeholders(backend, group.len());
        let sql = format!(
            "SELECT actor_id, CAST(SUM(fr) AS BIGINT) AS fr, CAST(SUM(fg) AS BIGINT) AS fg, \
               CAST(SUM(st) AS BIGINT) AS st FROM ( \
               SELECT actor_id, followers_count AS fr, following_count AS fg, \
                 statuses_count AS st FROM actor_stats WHERE actor_id IN ({marks}) \
               UNION ALL SELECT actor_id, followers, following, statuses \
                 FROM actor_stat_deltas WHERE actor_id IN ({marks})) counted \
             GROUP BY actor_id"
        );
        let values: Vec<Value> = group.iter().map(|id| (*id).into()).collect();
        let rows = db
            .query_all_raw(Statement::from_sql_and_values(backend, sql, values))
            .await?;
        for row in rows {
            let counts = Counts {
                followers: row.try_get("", "fr")?,
                following: row.try_get("", "fg")?,
                statuses: row.try_get("", "st")?,
            };
            out.insert(row.try_get("", "actor_id")?, counts);
        }
    }
    Ok(out)
}

/// Numbered placeholders (`$1, $2` or `?1, ?2`), so that [`counts`]'s two
/// lists bind the same values once.
fn placeholders(backend: DbBackend, n: usize) -> String {
    let mark = if backend == DbBackend::Postgres {
        '$'
    } else {
        '?'
    };
    (1..=n)
        .map(|i| format!("{mark}{i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Folds up to [`FOLD_BATCH`] deltas into the totals; returns whether there
/// were any (then more may remain).
/// Each delta is taken exactly once, also with several processes folding
/// at the same time: on PostgreSQL the deltas a fold deletes are those it
/// adds, and on SQLite a write transaction has the file to itself.
pub async fn fold(db: &sea_orm::DatabaseConnection) -> Result<bool, DbErr> {
    let backend = db.get_database_backend();
    // Read first: an idle instance takes no write lock every few seconds.
    // The bound only limits the batch; each delta up to it is taken once.
    let first: Option<i64> = db
        .query_one_raw(Statement::from_string(
            backend,
            "SELECT MIN(id) AS id FROM actor_stat_deltas",
        ))
        .await?
        .and_then(|row| row.try_get::<Option<i64>>("", "id").ok().flatten());
    let Some(first) = first else {
        return Ok(false);
    };
    let last = first + FOLD_BATCH - 1;
    let txn = db.begin_write().await?;
    let add = "ON CONFLICT (actor_id) DO UPDATE SET \
         followers_count = actor_stats.followers_count + excluded.followers_count, \
         following_count = actor_stats.following_count + excluded.following_count, \
         statuses_count = actor_stats.statuses_count + excluded.statuses_count";
    let folded = if backend == DbBackend::Postgres {
        let sql = format!(
            "WITH gone AS (DELETE FROM actor_stat_deltas WHERE id <= $1 \
               RETURNING actor_id, followers, following, statuses) \
             INSERT INTO actor_stats (actor_id, followers_count, following_count, statuses_count) \
             SELECT actor_id, SUM(followers), SUM(following), SUM(statuses) FROM gone \
             GROUP BY actor_id ORDER BY actor_id {add}"
        );
        txn.execute_raw(Statement::from_sql_and_values(backend, sql, [last.into()]))
            .await?
            .rows_affected()
    } else {
        let sql = format!(
            "INSERT INTO actor_stats (actor_id, followers_count, following_count, statuses_count) \
             SELECT actor_id, SUM(followers), SUM(following), SUM(statuses) \
             FROM actor_stat_deltas WHERE id <= ? GROUP BY actor_id {add}"
        );
        txn.execute_raw(Statement::from_sql_and_values(backend, sql, [last.into()]))
            .await?;
        txn.execute_raw(Statement::from_sql_and_values(
            backend,
            "DELETE FROM actor_stat_deltas WHERE id <= ?",
            [last.into()],
        ))
        .await?
        .rows_affected()
    };
    txn.commit().await?;
    Ok(folded > 0)
}
