//! Claims and their leases: who holds a delivery, and handing back what a
//! stopping or crashed process held.

use super::*;

/// Who claims deliveries, on PostgreSQL: the backend process id of a
/// connection this process keeps open for its life. While the process runs,
/// that backend is in `pg_stat_activity`; once it has crashed, its claims are
/// released by the next process to start or by any live one within
/// [`ORPHAN_SWEEP`], instead of waiting out their leases. A reused pid only
/// makes a dead process's claims wait for their leases after all. On SQLite
/// the one serving process releases every lease at start instead.
#[derive(Default)]
pub struct Claimant {
    conn: tokio::sync::Mutex<Option<sea_orm::sqlx::PgConnection>>,
    /// 0 until connected (and on SQLite).
    pid: std::sync::atomic::AtomicI32,
}

/// How often a live process releases the claims of crashed ones.
pub const ORPHAN_SWEEP: StdDuration = StdDuration::from_secs(30);

impl Claimant {
    /// What claims record: `None` on SQLite.
    pub fn id(&self) -> Option<i32> {
        Some(self.pid.load(Ordering::Relaxed)).filter(|pid| *pid != 0)
    }

    /// On PostgreSQL, makes sure the identifying connection is open: opens it
    /// the first time, and again after it broke (the database restarted),
    /// moving this process's claims to the new id so they are not taken for
    /// a crashed process's.
    pub async fn ensure(&self, db: &DatabaseConnection) -> Result<(), sea_orm::DbErr> {
        use sea_orm::sqlx::Connection;
        if db.get_database_backend() != DbBackend::Postgres {
            return Ok(());
        }
        let mut conn = self.conn.lock().await;
        if let Some(c) = conn.as_mut() {
            if c.ping().await.is_ok() {
                return Ok(());
            }
            tracing::warn!("the connection that marks our claims broke; opening another");
        }
        *conn = None;
        let sqlx_err = |e: sea_orm::sqlx::Error| sea_orm::DbErr::Custom(e.to_string());
        // Taken out of the pool for good; the pool opens a replacement.
        let mut fresh = db
            .get_postgres_connection_pool()
            .acquire()
            .await
            .map_err(sqlx_err)?
            .detach();
        let pid: i32 = sea_orm::sqlx::query_scalar("SELECT pg_backend_pid()")
            .fetch_one(&mut fresh)
            .await
            .map_err(sqlx_err)?;
        let old = self.pid.swap(pid, Ordering::Relaxed);
        if old != 0 {
            delivery::Entity::update_many()
                .col_expr(delivery::Column::ClaimedBy, Expr::value(pid))
                .filter(delivery::Column::ClaimedBy.eq(old))
                .filter(delivery::Column::State.eq("pending"))
                .exec(db)
                .await?;
        }
        *conn = Some(fresh);
        Ok(())
    }
}

/// On PostgreSQL, releases the claims of processes whose identifying
/// connection is gone (see [`Claimant`]). Returns how many.
pub async fn release_orphaned(db: &DatabaseConnection) -> Result<u64, sea_orm::DbErr> {
    if db.get_database_backend() != DbBackend::Postgres {
        return Ok(0);
    }
    let released = releasing()
        .filter(delivery::Column::ClaimedBy.is_not_null())
        .filter(Expr::cust(
            "claimed_by NOT IN \
             (SELECT pid FROM pg_stat_activity WHERE datname = current_database())",
        ))
        .exec(db)
        .await?
        .rows_affected;
    if released > 0 {
        tracing::info!(
            deliveries = released,
            "released the claims of a crashed process"
        );
    }
    Ok(released)
}

/// Makes claimed deliveries due again without waiting for their leases:
/// those given (held but not sent by a stopping worker), or all of them
/// (at the start of the one process that serves a SQLite database, when any
/// lease left is a crashed process's). Returns how many.
pub async fn release_leases(
    db: &impl ConnectionTrait,
    ids: Option<Vec<i64>>,
) -> Result<u64, sea_orm::DbErr> {
    let mut update = releasing();
    if let Some(ids) = ids {
        if ids.is_empty() {
            return Ok(0);
        }
        update = update.filter(delivery::Column::Id.is_in(ids));
    }
    Ok(update.exec(db).await?.rows_affected)
}

/// Claimed pending deliveries made free, for the caller to narrow down.
pub(super) fn releasing() -> sea_orm::UpdateMany<delivery::Entity> {
    delivery::Entity::update_many()
        .col_expr(
            delivery::Column::LockedUntil,
            Expr::value(Option::<chrono::DateTime<Utc>>::None),
        )
        .col_expr(
            delivery::Column::ClaimedBy,
            Expr::value(Option::<i32>::None),
        )
        .filter(delivery::Column::State.eq("pending"))
        .filter(delivery::Column::LockedUntil.is_not_null())
}
