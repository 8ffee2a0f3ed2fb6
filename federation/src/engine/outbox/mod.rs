//! The persistent outbox. Services write each outgoing activity and one
//! delivery per inbox in the same transaction as the change that caused it;
//! workers claim due deliveries, sign and send them, and retry with capped
//! exponential backoff. Nothing lives only in memory.

use std::collections::BTreeSet;
use std::sync::atomic::Ordering;
use std::time::Duration as StdDuration;

use chrono::{Duration, Utc};
use futures_util::StreamExt;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait,
    DatabaseConnection, DbBackend, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use serde_json::Value;

use super::entity::{activity, delivery, instance};
use super::{App, EngineConfig, EngineError};
use crate::fetch::Signer;
use crate::vocab;

mod health;
mod leases;
mod marks;
mod public;
mod worker;

pub use health::*;
pub use leases::*;
pub use marks::*;
pub use public::*;
pub use worker::*;

/// Records `activity_json`, sent by the local actor `sender_id`, in the
/// outbox; returns its row id, for the deliveries of [`super::fanout`] to
/// name. Written in the caller's transaction, with the change that caused it.
pub async fn record_activity(
    db: &impl ConnectionTrait,
    sender_id: i64,
    activity_json: &Value,
    public: bool,
) -> Result<i64, EngineError> {
    let ap_id = activity_json
        .get("id")
        .and_then(Value::as_str)
        .ok_or_else(|| EngineError::Internal("outgoing activity without id".into()))?;
    let row = activity::ActiveModel {
        ap_id: Set(ap_id.to_string()),
        actor_id: Set(sender_id),
        kind: Set(vocab::type_of(activity_json)
            .unwrap_or("Activity")
            .to_string()),
        object_ap_id: Set(vocab::id_of(activity_json.get("object"))),
        body: Set(activity_json.to_string()),
        public: Set(public),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(row.id)
}

/// How one delivery attempt ended.
enum Outcome {
    Delivered,
    Retry(String, Option<u64>),
    GiveUp(String),
}

/// Claims up to `limit` due deliveries, oldest first, in one statement. Per
/// inbox only the oldest pending delivery may go: activities arrive in the
/// order they were made, and a failing one holds back the later ones. The
/// claim is a conditional update, so several processes on one database never
/// send the same delivery twice: a row another one took in the meantime no
/// longer matches and is not returned.
async fn claim<A: App>(
    state: &A,
    limit: u64,
    busy_hosts: &[String],
) -> Result<Vec<delivery::Model>, EngineError> {
    use delivery::Column as D;
    use sea_orm::sea_query::{Alias, ExprTrait, Order, Query};

    let now = Utc::now();
    // A lease shorter than a send would let another worker send it again while
    // the first is still waiting for an answer.
    let lease_secs = Ord::max(
        state.federation().config.delivery_lease_secs,
        super::SEND_TIMEOUT_SECS + 5,
    );
    let lease = now + Duration::seconds(i64::try_from(lease_secs).unwrap_or(120));
    // Ours in flight past an expired lease: still ours, not sent again.
    let mine: Vec<i64> = state
        .federation()
        .in_flight
        .lock()
        .map(|set| set.iter().copied().collect())
        .unwrap_or_default();
    let free = |table: Option<&Alias>| {
        let col = |c: D| match table {
            Some(t) => Expr::col((t.clone(), c)),
            None => Expr::col(c),
        };
        Condition::all().add(col(D::State).eq("pending")).add(
            Condition::any()
                .add(col(D::LockedUntil).is_null())
                .add(col(D::LockedUntil).lt(now)),
        )
    };
    let (d, e) = (Alias::new("d"), Alias::new("e"));
    // The inbox's oldest pending delivery, as a scalar subquery: the planner
    // must look it up per row through the (inbox_url, state, id) index. As an
    // anti-join, PostgreSQL chose a quadratic plan on a table it had not yet
    // analysed (a new instance's first large fan-out: 140 ms per claim).
    let head_of_inbox = Query::select()
        .expr(Expr::col((e.clone(), D::Id)).min())
        .from_as(delivery::Entity, e.clone())
        .and_where(Expr::col((e.clone(), D::InboxUrl)).equals((d.clone(), D::InboxUrl)))
        .and_where(Expr::col((e.clone(), D::State)).eq("pending"))
        .to_owned();
    let dead = Query::select()
        .column(instance::Column::Host)
        .from(instance::Entity)
        .and_where(instance::Column::Dead.eq(true))
        .to_owned();
    let due = Query::select()
        .column((d.clone(), D::Id))
        .from_as(delivery::Entity, d.clone())
        .cond_where(free(Some(&d)))
        .and_where(Expr::col((d.clone(), D::NextAttemptAt)).lte(now))
        .and_where(Expr::col((d.clone(), D::Host)).not_in_subquery(dead))
        .and_where(Expr::col((d.clone(), D::Host)).is_not_in(busy_hosts.to_vec()))
        .and_where(Expr::col((d.clone(), D::Id)).is_not_in(mine))
        .and_where(Expr::col((d.clone(), D::Id)).eq(Expr::from(head_of_inbox)))
        .order_by((d, D::Id), Order::Asc)
        .limit(limit)
        .to_owned();
    let chosen = if state.db().get_database_backend() == DbBackend::Postgres {
        // As `IN (subquery)`, PostgreSQL planned a semi-join that scanned
        // the subquery's result once per pending row whenever the table's
        // statistics lagged (a fan-out just inserted): 20-50 ms per claim.
        // An array is computed once; rows are then fetched by primary key.
        Expr::cust_with_exprs("$1 = ANY(ARRAY($2))", [Expr::col(D::Id), Expr::from(due)])
    } else {
        Expr::col(D::Id).in_subquery(due)
    };
    let mut claimed = delivery::Entity::update_many()
        .col_expr(D::LockedUntil, Expr::value(Some(lease)))
        .col_expr(D::ClaimedBy, Expr::value(state.federation().claimant.id()))
        .filter(chosen)
        .filter(free(None))
        .exec_with_returning(state.db())
        .await?;
    claimed.sort_by_key(|d| d.id);
    Ok(claimed)
}

/// Sends one batch of due deliveries and waits for all of them; returns how
/// many were attempted. Used by tests and operators to drain the queue.
pub async fn deliver_due<A: App>(state: &A) -> Result<usize, EngineError> {
    let batch = claim(state, 64, &[]).await?;
    let count = batch.len();
    let concurrency = state.federation().config.delivery_concurrency.max(1);
    let results: Vec<Result<(), EngineError>> = futures_util::stream::iter(batch)
        .map(|d| deliver_one(state, d))
        .buffer_unordered(concurrency)
        .collect()
        .await;
    for r in results {
        r?;
    }
    flush_delivered(state).await?;
    Ok(count)
}

/// Sends one claimed delivery and records how it went.
async fn deliver_one<A: App>(state: &A, d: delivery::Model) -> Result<(), EngineError> {
    let id = d.id;
    if let Ok(mut set) = state.federation().in_flight.lock() {
        set.insert(id);
    }
    let result = send_and_record(state, d).await;
    if let Ok(mut set) = state.federation().in_flight.lock() {
        set.remove(&id);
    }
    result
}

async fn send_and_record<A: App>(state: &A, d: delivery::Model) -> Result<(), EngineError> {
    let outcome = match prepared(state, d.activity_id).await {
        Ok(Some(p)) => send(state, &d, &p).await,
        Ok(None) => Outcome::GiveUp("activity or sender no longer exists".into()),
        Err(e) => Outcome::GiveUp(e.to_string()),
    };
    let host = d.host.clone();
    let reached = match &outcome {
        Outcome::Delivered => Some(true),
        Outcome::Retry(..) => Some(false),
        Outcome::GiveUp(_) => None,
    };
    // Health first: once `record` releases the lease, anyone reading the
    // queue (drain, `federation status`) must also see the instance's state.
    match reached {
        Some(true) => {
            // Most deliveries go to healthy hosts: skip the health row then.
            // Others are marked answering with the next flush, before the
            // delivery itself is marked delivered.
            let known = state
                .federation()
                .healthy_hosts
                .lock()
                .map(|h| h.contains(&host))
                .unwrap_or(false);
            if !known && let Ok(mut r) = state.federation().answered.lock() {
                r.insert(host);
            }
        }
        Some(false) => {
            if let Ok(mut h) = state.federation().healthy_hosts.lock() {
                h.remove(&host);
            }
            // An earlier success not yet written must not clear this failure.
            if let Ok(mut r) = state.federation().answered.lock() {
                r.remove(&host);
            }
            mark_failing(state, &host).await?;
            // After the write: the journal then checks this host again.
            state
                .federation()
                .failures
                .fetch_add(1, std::sync::atomic::Ordering::AcqRel);
        }
        None => {}
    }
    record(state, d, outcome).await
}

/// The activity's body and its sender's parsed key, read once per fan-out:
/// the first delivery of a burst loads it, the others wait for that one.
/// An error is the reason the delivery is given up.
async fn prepared<A: App>(
    state: &A,
    activity_id: i64,
) -> Result<Option<std::sync::Arc<super::Prepared>>, String> {
    let cell = match state.federation().prepared.lock() {
        Ok(mut m) => {
            // A small cache: fan-outs are bursts of one activity to many inboxes.
            if m.len() >= 256 && !m.contains_key(&activity_id) {
                m.clear();
            }
            m.entry(activity_id).or_default().clone()
        }
        Err(_) => std::sync::Arc::default(),
    };
    let loaded = cell
        .get_or_try_init(|| async {
            let found = |e: sea_orm::DbErr| Some(EngineError::from(e).to_string());
            let Some(a) = activity::Entity::find_by_id(activity_id)
                .one(state.db())
                .await
                .map_err(found)?
            else {
                return Err(None);
            };
            let Some(sender) = state
                .signing_key(a.actor_id)
                .await
                .map_err(|e| Some(e.to_string()))?
            else {
                return Err(None);
            };
            let internal = |e: String| Some(EngineError::Internal(e).to_string());
            let pem = sender
                .private_key_pem
                .as_deref()
                .ok_or_else(|| internal("sender has no private key".into()))?;
            let key =
                crate::keys::private_key_from_pem(pem).map_err(|e| internal(e.to_string()))?;
            Ok(std::sync::Arc::new(super::Prepared {
                ap_id: a.ap_id,
                body: a.body.into(),
                signer: Signer {
                    key_id: format!("{}#main-key", sender.ap_id).into(),
                    key: std::sync::Arc::new(key),
                },
            }))
        })
        .await;
    match loaded {
        Ok(p) => Ok(Some(p.clone())),
        Err(None) => Ok(None),
        Err(Some(e)) => Err(e),
    }
}

/// Deliveries at once to one instance: a slow or hanging server holds up at
/// most this many slots, never the whole worker.
const PER_HOST: usize = 2;

async fn send<A: App>(state: &A, d: &delivery::Model, p: &super::Prepared) -> Outcome {
    let Ok(inbox) = url::Url::parse(&d.inbox_url) else {
        return Outcome::GiveUp("inbox is not a URL".into());
    };
    let span = tracing::info_span!("delivery", activity_id = %p.ap_id, inbox_host = %d.host, attempt = d.attempts + 1);
    let posted = tracing::Instrument::instrument(
        state
            .federation()
            .client
            .post_activity(&inbox, p.body.clone(), &p.signer),
        span,
    )
    .await;
    match posted {
        Ok(outcome) if outcome.status.is_success() => Outcome::Delivered,
        Ok(outcome) => {
            let code = outcome.status.as_u16();
            let reason = format!("answered {code}");
            // 4xx means the peer will not take it, except 408 and 429 which ask us to come back.
            if (400..500).contains(&code) && code != 408 && code != 429 {
                Outcome::GiveUp(reason)
            } else {
                Outcome::Retry(reason, outcome.retry_after)
            }
        }
        Err(crate::fetch::FetchError::PrivateAddress(u)) => {
            Outcome::GiveUp(format!("{u} is a private address"))
        }
        Err(crate::fetch::FetchError::PlainHttp(u)) => {
            Outcome::GiveUp(format!("{u} uses plain http"))
        }
        Err(crate::fetch::FetchError::Blocked(host)) => {
            Outcome::GiveUp(format!("{host} is blocked"))
        }
        Err(e) => Outcome::Retry(e.to_string(), None),
    }
}

/// The wait before attempt `n + 1`: base · 2^(n-1), at most six hours.
pub fn backoff(config: &EngineConfig, attempts: i32) -> Duration {
    let base = i64::try_from(config.retry_base_secs).unwrap_or(60).max(1);
    let exp = u32::try_from(attempts.clamp(1, 20) - 1).unwrap_or(0);
    Duration::seconds(base.saturating_mul(1i64 << exp).min(6 * 3600))
}

async fn record<A: App>(
    state: &A,
    d: delivery::Model,
    outcome: Outcome,
) -> Result<(), EngineError> {
    if let Outcome::Delivered = outcome {
        // Successes are marked in groups; until then the lease keeps the
        // delivery from being sent again, and later ones to the same inbox
        // wait. A group is half a worker's worth. A task whose success makes
        // a full group waits for it to be written before sending again, so a
        // crash sends again at most the sends in progress plus one group.
        let group = (state.federation().config.delivery_concurrency / 2).clamp(1, 64);
        if state.federation().delivered.push(d.id) >= group {
            write_delivered(state, group).await?;
        }
        return Ok(());
    }
    let now = Utc::now();
    let attempts = d.attempts + 1;
    let give_up_at = d.created_at
        + Duration::hours(
            i64::try_from(state.federation().config.give_up_after_hours).unwrap_or(96),
        );
    let mut active: delivery::ActiveModel = d.into();
    active.attempts = Set(attempts);
    active.locked_until = Set(None);
    active.updated_at = Set(now);
    match outcome {
        Outcome::Delivered => {
            active.state = Set("delivered".into());
            active.last_error = Set(None);
        }
        Outcome::GiveUp(reason) => {
            tracing::warn!(%reason, "delivery refused; not retrying");
            active.state = Set("failed".into());
            active.last_error = Set(Some(reason));
        }
        Outcome::Retry(reason, retry_after) => {
            let wait = match retry_after {
                Some(secs) => Duration::seconds(i64::try_from(secs.min(86_400)).unwrap_or(3600)),
                None => backoff(&state.federation().config, attempts),
            };
            let next = now + wait;
            if next > give_up_at {
                tracing::warn!(%reason, "delivery failed for too long; giving up");
                active.state = Set("failed".into());
            } else {
                tracing::info!(%reason, retry_in_secs = wait.num_seconds(), "delivery failed; will retry");
                active.next_attempt_at = Set(next);
            }
            active.last_error = Set(Some(reason));
        }
    }
    active.update(state.db()).await?;
    Ok(())
}
