//! How instances answer: failing, dead and revived hosts, and the figures
//! operators read.

use super::*;

/// Records that `host` did not answer: one that fails for
/// `dead_after_hours` is marked dead and skipped until it is heard from again.
pub(super) async fn mark_failing<A: App>(state: &A, host: &str) -> Result<(), EngineError> {
    let now = Utc::now();
    let row = instance::Entity::find_by_id(host.to_string())
        .one(state.db())
        .await?;
    let dead_after =
        Duration::hours(i64::try_from(state.federation().config.dead_after_hours).unwrap_or(72));
    let Some(r) = row else {
        // A concurrent failure to the same host may insert it first; an
        // insert that then errors would only fill the database's log.
        instance::Entity::insert(instance::ActiveModel {
            host: Set(host.to_string()),
            failing_since: Set(Some(now)),
            last_success_at: Set(None),
            dead: Set(false),
        })
        .on_conflict(
            sea_orm::sea_query::OnConflict::column(instance::Column::Host)
                .do_nothing()
                .to_owned(),
        )
        .exec_without_returning(state.db())
        .await?;
        return Ok(());
    };
    let since = r.failing_since.unwrap_or(now);
    let dead = now - since >= dead_after;
    if dead && !r.dead {
        tracing::warn!(host, "instance failed for too long; marked dead");
    }
    let mut active: instance::ActiveModel = r.into();
    active.failing_since = Set(Some(since));
    active.dead = Set(dead);
    active.update(state.db()).await?;
    Ok(())
}

/// Records that these hosts answered: not failing, not dead, seen now. One
/// upsert for the whole group.
pub(super) async fn mark_answering<A: App>(state: &A, hosts: &[String]) -> Result<(), EngineError> {
    let was_down: Vec<String> = instance::Entity::find()
        .select_only()
        .column(instance::Column::Host)
        .filter(instance::Column::Host.is_in(hosts.to_vec()))
        .filter(
            Condition::any()
                .add(instance::Column::FailingSince.is_not_null())
                .add(instance::Column::Dead.eq(true)),
        )
        .into_tuple()
        .all(state.db())
        .await?;
    for host in was_down {
        tracing::info!(host, "instance answers again");
    }
    let now = Utc::now();
    let rows = hosts.iter().map(|host| instance::ActiveModel {
        host: Set(host.clone()),
        failing_since: Set(None),
        last_success_at: Set(Some(now)),
        dead: Set(false),
    });
    instance::Entity::insert_many(rows)
        .on_conflict(
            sea_orm::sea_query::OnConflict::column(instance::Column::Host)
                .update_columns([
                    instance::Column::FailingSince,
                    instance::Column::LastSuccessAt,
                    instance::Column::Dead,
                ])
                .to_owned(),
        )
        .exec(state.db())
        .await?;
    Ok(())
}

/// Brings an instance back: not dead, and its waiting deliveries due now.
/// Called when it sends us anything and by `knooppunt federation retry`.
pub async fn revive(db: &impl ConnectionTrait, host: &str) -> Result<u64, EngineError> {
    let was_down = instance::Entity::find_by_id(host.to_string())
        .one(db)
        .await?
        .is_some_and(|r| r.dead || r.failing_since.is_some());
    if !was_down {
        return Ok(0);
    }
    instance::Entity::update_many()
        .col_expr(instance::Column::Dead, Expr::value(false))
        .col_expr(
            instance::Column::FailingSince,
            Expr::value(Option::<chrono::DateTime<Utc>>::None),
        )
        .filter(instance::Column::Host.eq(host))
        .exec(db)
        .await?;
    let result = delivery::Entity::update_many()
        .col_expr(delivery::Column::NextAttemptAt, Expr::value(Utc::now()))
        .filter(delivery::Column::Host.eq(host))
        .filter(delivery::Column::State.eq("pending"))
        .exec(db)
        .await?;
    Ok(result.rows_affected)
}

/// Figures for operators: the queue and the instances that fail.
#[derive(Debug, serde::Serialize)]
pub struct QueueStatus {
    pub pending: u64,
    pub failing: u64,
    pub failed: u64,
    pub delivered: u64,
    pub oldest_pending_secs: Option<i64>,
    pub dead_instances: Vec<String>,
    pub failing_instances: Vec<String>,
    /// Received activities in the journal not yet processed (a burst's
    /// backlog, or what waits for the next start).
    pub unprocessed_received: u64,
}

pub async fn status(db: &impl ConnectionTrait) -> Result<QueueStatus, EngineError> {
    let count = |state: &'static str| {
        delivery::Entity::find()
            .filter(delivery::Column::State.eq(state))
            .count(db)
    };
    let pending = count("pending").await?;
    let failed = count("failed").await?;
    let delivered = count("delivered").await?;
    let failing = delivery::Entity::find()
        .filter(delivery::Column::State.eq("pending"))
        .filter(delivery::Column::Attempts.gt(0))
        .count(db)
        .await?;
    let oldest = delivery::Entity::find()
        .filter(delivery::Column::State.eq("pending"))
        .order_by_asc(delivery::Column::Id)
        .one(db)
        .await?
        .map(|d| (Utc::now() - d.created_at).num_seconds());
    let instances = instance::Entity::find()
        .filter(instance::Column::FailingSince.is_not_null())
        .order_by_asc(instance::Column::Host)
        .all(db)
        .await?;
    let unprocessed_received = super::super::entity::received::Entity::find()
        .filter(super::super::entity::received::Column::ProcessedAt.is_null())
        .count(db)
        .await?;
    Ok(QueueStatus {
        unprocessed_received,
        pending,
        failing,
        failed,
        delivered,
        oldest_pending_secs: oldest,
        dead_instances: instances
            .iter()
            .filter(|i| i.dead)
            .map(|i| i.host.clone())
            .collect(),
        failing_instances: instances
            .iter()
            .filter(|i| !i.dead)
            .map(|i| i.host.clone())
            .collect(),
    })
}

/// Whether any delivery was ever made to `host` (it has a health row).
pub async fn known_instance(db: &impl ConnectionTrait, host: &str) -> Result<bool, EngineError> {
    Ok(instance::Entity::find_by_id(host.to_string())
        .one(db)
        .await?
        .is_some())
}
