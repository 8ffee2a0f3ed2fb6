//! Updates of a local plan's `Page` when its counts change. A support or a
//! reply does not send the whole `Page` to every follower at once: it marks
//! the plan in `plan_updates_due`, in the transaction of the change, and
//! [`run`] sends one Update per plan once `federation.plan_update_interval_secs`
//! has passed, with the counts of that moment. The mark is a row, so a crash
//! or restart does not lose it. Changes by owners (edits, states) and advice
//! send their Update at once, which clears the mark.

use std::time::Duration as StdDuration;

use chrono::{Duration, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use super::entity::{plan, update_due};
use crate::config::Config;
use crate::db::BeginWrite;
use crate::error::AppError;
use crate::federation::fanout::Recipients;
use crate::state::AppState;
use crate::statuses::entity::status;

/// The neighbourhood's followers: they saw local plans through its announce,
/// so they get the plans' Updates too.
pub async fn hood_followers(
    db: &impl ConnectionTrait,
    config: &Config,
) -> Result<Recipients, AppError> {
    let hood = crate::actors::store::find_local(db, config, &config.instance.neighbourhood).await?;
    Ok(match hood {
        Some(hood) => Recipients::new().followers_of(hood.id),
        None => Recipients::new(),
    })
}

/// The local plan of post `status_id`, its row locked until the transaction
/// ends: a change of counts and the sending of an Update never miss each
/// other (see [`crate::db::locked`]).
async fn local_plan_locked(
    db: &impl ConnectionTrait,
    status_id: i64,
) -> Result<Option<plan::Model>, AppError> {
    let query = plan::Entity::find()
        .filter(plan::Column::StatusId.eq(status_id))
        .filter(plan::Column::Local.eq(true));
    Ok(crate::db::locked(query, db).one(db).await?)
}

/// Sends the plan's Update now, to everyone who has it, and clears its mark.
async fn send_update(
    db: &impl crate::db::Db,
    config: &Config,
    p: &plan::Model,
) -> Result<(), AppError> {
    clear_pending_update(db, p.id).await?;
    let Some(s) = status::Entity::find_by_id(p.status_id).one(db).await? else {
        return Ok(());
    };
    let extra = hood_followers(db, config).await?;
    crate::statuses::federate::publish::status_updated_with(db, config, &s, extra).await
}

/// After a support or a reply on post `status_id` changed: if it is one of
/// our plans, an Update with the new counts is due within the interval (at
/// once when it is 0). Call inside the change's transaction.
pub async fn counts_changed(
    db: &impl crate::db::Db,
    config: &Config,
    status_id: i64,
) -> Result<(), AppError> {
    let Some(p) = local_plan_locked(db, status_id).await? else {
        return Ok(());
    };
    let interval = config.federation.plan_update_interval_secs;
    if interval == 0 {
        return send_update(db, config, &p).await;
    }
    // Config validation keeps the interval within a day.
    let due_at = Utc::now() + Duration::seconds(i64::try_from(interval).unwrap_or(30));
    // A plan already marked keeps its earlier time: one Update per interval
    // however many changes come in.
    update_due::Entity::insert(update_due::ActiveModel {
        plan_id: sea_orm::ActiveValue::Set(p.id),
        due_at: sea_orm::ActiveValue::Set(due_at),
    })
    .on_conflict_do_nothing_on([update_due::Column::PlanId])
    .exec_without_returning(db)
    .await?;
    Ok(())
}

/// After a change of post `status_id` that is more than counts (advice asked
/// or answered): if it is one of our plans, its Update goes at once.
pub async fn changed_now(
    db: &impl crate::db::Db,
    config: &Config,
    status_id: i64,
) -> Result<(), AppError> {
    match local_plan_locked(db, status_id).await? {
        Some(p) => send_update(db, config, &p).await,
        None => Ok(()),
    }
}

/// Forgets a plan's due Update: an Update with its current counts is being
/// sent anyway.
pub async fn clear_pending_update(db: &impl ConnectionTrait, plan_id: i64) -> Result<(), AppError> {
    update_due::Entity::delete_many()
        .filter(update_due::Column::PlanId.eq(plan_id))
        .exec(db)
        .await?;
    Ok(())
}

/// Plans sent per round of [`send_due`].
const BATCH: u64 = 100;

/// Sends the Updates that are due, each in its own transaction; returns how
/// many were sent. One that fails is logged and tried again next round,
/// without holding up the others.
pub async fn send_due(state: &AppState) -> Result<usize, AppError> {
    let now = Utc::now();
    let due: Vec<i64> = update_due::Entity::find()
        .select_only()
        .column(update_due::Column::PlanId)
        .filter(update_due::Column::DueAt.lte(now))
        .order_by_asc(update_due::Column::DueAt)
        .limit(BATCH)
        .into_tuple()
        .all(&state.db)
        .await?;
    let mut sent = 0;
    for plan_id in due {
        match send_if_due(state, plan_id, now).await {
            Ok(true) => sent += 1,
            Ok(false) => {}
            Err(e) => tracing::error!(plan_id, error = %e, "sending a due plan Update"),
        }
    }
    if sent > 0 {
        state.federation.outbox_bell.notify_one();
    }
    Ok(sent)
}

/// Sends the plan's Update if it is still due at `now`. Several processes
/// on one database send it once: only the one that removes the mark does.
async fn send_if_due(
    state: &AppState,
    plan_id: i64,
    now: chrono::DateTime<Utc>,
) -> Result<bool, AppError> {
    let txn = state.db.begin_write().await?;
    // The plan first, as a change of counts takes it: a change waiting for
    // it is counted here or marks the plan again afterwards.
    let query = plan::Entity::find_by_id(plan_id);
    let Some(p) = crate::db::locked(query, &txn).one(&txn).await? else {
        return Ok(false);
    };
    let taken = update_due::Entity::delete_many()
        .filter(update_due::Column::PlanId.eq(plan_id))
        .filter(update_due::Column::DueAt.lte(now))
        .exec(&txn)
        .await?
        .rows_affected;
    if taken == 1 {
        send_update(&txn, &state.config, &p).await?;
    }
    txn.commit().await?;
    Ok(taken == 1)
}

/// How often [`run`] looks for due Updates.
const SWEEP: StdDuration = StdDuration::from_secs(1);

/// Sends due Updates until `stop` turns true (or its sender is gone).
pub async fn run(state: AppState, mut stop: tokio::sync::watch::Receiver<bool>) {
    loop {
        if *stop.borrow() {
            return;
        }
        if let Err(e) = send_due(&state).await {
            tracing::error!(error = %e, "sending due plan Updates");
        }
        tokio::select! {
            () = tokio::time::sleep(SWEEP) => {},
            changed = stop.changed() => if changed.is_err() { return },
        }
    }
}
