//! Deliveries marked done in groups, finished ones pruned, and pending ones
//! cancelled for a blocked domain.

use super::*;

/// Successful deliveries not yet marked so in the database.
#[derive(Default)]
pub struct Unmarked {
    ids: std::sync::Mutex<UnmarkedIds>,
    /// One write at a time: tasks waiting for a full group queue here
    /// instead of each starting a write of its own.
    turn: tokio::sync::Mutex<()>,
}

#[derive(Default)]
pub(super) struct UnmarkedIds {
    /// Waiting for the next write.
    waiting: Vec<i64>,
    /// How many the write under way holds.
    writing: usize,
}

impl Unmarked {
    /// Holders only push and take ids, so one that panicked left them
    /// consistent: go on with them.
    fn ids(&self) -> std::sync::MutexGuard<'_, UnmarkedIds> {
        self.ids
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Adds a success; returns how many are unmarked now.
    pub(super) fn push(&self, id: i64) -> usize {
        let mut ids = self.ids();
        ids.waiting.push(id);
        ids.waiting.len() + ids.writing
    }

    fn waiting(&self) -> usize {
        self.ids().waiting.len()
    }

    fn take(&self) -> Vec<i64> {
        let mut ids = self.ids();
        ids.writing = ids.waiting.len();
        std::mem::take(&mut ids.waiting)
    }

    /// Ends a write; ids not written wait for the next one, rather than
    /// their deliveries being sent again.
    fn written(&self, failed: Vec<i64>) {
        let mut ids = self.ids();
        ids.waiting.extend(failed);
        ids.writing = 0;
    }
}

/// Marks the deliveries sent since the last write as delivered, in one
/// statement, after the hosts that answered for the first time are marked so.
pub async fn flush_delivered<A: App>(state: &A) -> Result<(), EngineError> {
    write_delivered(state, 0).await
}

/// [`flush_delivered`], if at least `at_least` successes are still unmarked
/// once it is this caller's turn (a write before it may have taken them).
pub(super) async fn write_delivered<A: App>(state: &A, at_least: usize) -> Result<(), EngineError> {
    let unmarked = &state.federation().delivered;
    let _turn = unmarked.turn.lock().await;
    if at_least > 0 && unmarked.waiting() < at_least {
        return Ok(());
    }
    let answered: Vec<String> = match state.federation().answered.lock() {
        Ok(mut hosts) => std::mem::take(&mut *hosts).into_iter().collect(),
        Err(_) => vec![],
    };
    let ids = unmarked.take();
    if !answered.is_empty() {
        if let Err(e) = mark_answering(state, &answered).await {
            if let Ok(mut hosts) = state.federation().answered.lock() {
                hosts.extend(answered);
            }
            unmarked.written(ids);
            return Err(e);
        }
        if let Ok(mut healthy) = state.federation().healthy_hosts.lock() {
            healthy.extend(answered);
        }
    }
    if ids.is_empty() {
        unmarked.written(vec![]);
        return Ok(());
    }
    let result = delivery::Entity::update_many()
        .col_expr(delivery::Column::State, Expr::value("delivered"))
        .col_expr(
            delivery::Column::Attempts,
            sea_orm::sea_query::ExprTrait::add(Expr::col(delivery::Column::Attempts), 1),
        )
        .col_expr(
            delivery::Column::LockedUntil,
            Expr::value(Option::<chrono::DateTime<Utc>>::None),
        )
        .col_expr(
            delivery::Column::LastError,
            Expr::value(Option::<String>::None),
        )
        .col_expr(delivery::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(delivery::Column::Id.is_in(ids.clone()))
        .exec(state.db())
        .await;
    match result {
        Ok(_) => {
            unmarked.written(vec![]);
            Ok(())
        }
        Err(e) => {
            unmarked.written(ids);
            Err(e.into())
        }
    }
}

/// Deletes deliveries that were delivered or given up, and received
/// activities that were processed, more than `federation.keep_finished_days`
/// ago: a busy instance makes a row per follower's inbox for every post and
/// one per activity it receives, and a small machine should not keep them
/// all. Our activities themselves stay (they are the outboxes). A received
/// activity is kept that long to answer a sender's retries as already done;
/// one arriving again after that is processed again, which is idempotent.
pub async fn prune_finished<A: App>(state: &A) -> Result<u64, EngineError> {
    let days = state.federation().config.keep_finished_days;
    if days == 0 {
        return Ok(0);
    }
    // The application's configuration check keeps `days` within ten years.
    let before = Utc::now() - Duration::days(i64::try_from(days.min(3_650)).unwrap_or(3_650));
    let deliveries = delivery::Entity::delete_many()
        .filter(delivery::Column::State.is_in(["delivered", "failed"]))
        .filter(delivery::Column::UpdatedAt.lt(before))
        .exec(state.db())
        .await?
        .rows_affected;
    let received = super::super::entity::received::Entity::delete_many()
        .filter(super::super::entity::received::Column::ProcessedAt.lt(before))
        .exec(state.db())
        .await?
        .rows_affected;
    if deliveries + received > 0 {
        tracing::info!(deliveries, received, days, "finished work pruned");
    }
    Ok(deliveries + received)
}

/// Drops what waits to be delivered to the hosts `hosts` selects (a
/// suspended domain: the application knows which hosts its blocks cover).
pub async fn cancel_pending(
    db: &impl ConnectionTrait,
    hosts: impl FnOnce(delivery::Column) -> Condition,
) -> Result<u64, EngineError> {
    Ok(delivery::Entity::delete_many()
        .filter(delivery::Column::State.eq("pending"))
        .filter(hosts(delivery::Column::Host))
        .exec(db)
        .await?
        .rows_affected)
}
