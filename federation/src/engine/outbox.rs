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

/// Records that `host` did not answer: one that fails for
/// `dead_after_hours` is marked dead and skipped until it is heard from again.
async fn mark_failing<A: App>(state: &A, host: &str) -> Result<(), EngineError> {
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
async fn mark_answering<A: App>(state: &A, hosts: &[String]) -> Result<(), EngineError> {
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
    let unprocessed_received = super::entity::received::Entity::find()
        .filter(super::entity::received::Column::ProcessedAt.is_null())
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

/// Successful deliveries not yet marked so in the database.
#[derive(Default)]
pub struct Unmarked {
    ids: std::sync::Mutex<UnmarkedIds>,
    /// One write at a time: tasks waiting for a full group queue here
    /// instead of each starting a write of its own.
    turn: tokio::sync::Mutex<()>,
}

#[derive(Default)]
struct UnmarkedIds {
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
    fn push(&self, id: i64) -> usize {
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
async fn write_delivered<A: App>(state: &A, at_least: usize) -> Result<(), EngineError> {
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
    let received = super::entity::received::Entity::delete_many()
        .filter(super::entity::received::Column::ProcessedAt.lt(before))
        .exec(state.db())
        .await?
        .rows_affected;
    if deliveries + received > 0 {
        tracing::info!(deliveries, received, days, "finished work pruned");
    }
    Ok(deliveries + received)
}

/// How often the worker prunes finished deliveries (and once at start).
const PRUNE_EVERY: StdDuration = StdDuration::from_secs(3600);

/// Shortest time between two claims while a claim would find little: each
/// claim is a write, and received activities ring the worker after every
/// commit, mostly with nothing to send.
const CLAIM_PAUSE: StdDuration = StdDuration::from_millis(10);

/// Claimed deliveries waiting to be sent, and the sends in progress per
/// host. Shared by the worker loop, which claims, and its delivery tasks: a
/// task that finishes a send starts the next waiting delivery itself, so a
/// fan-out does not wait for the loop (or its database round trips) between
/// one send and the next.
#[derive(Default)]
struct Dispatch {
    /// Oldest first. A claim can return several inboxes of one instance;
    /// those beyond its share wait here for a free slot rather than being
    /// handed back to the database one statement each.
    held: std::collections::VecDeque<delivery::Model>,
    sending: std::collections::HashMap<String, usize>,
}

impl Dispatch {
    /// The oldest held delivery whose instance has a free share, counted as
    /// sending. One whose lease would run out during a send is dropped: it is
    /// claimed again once the lease expires, so no other process can be
    /// sending it meanwhile.
    fn next(&mut self) -> Option<delivery::Model> {
        let safe_until = Utc::now()
            + Duration::seconds(i64::try_from(super::SEND_TIMEOUT_SECS + 2).unwrap_or(12));
        self.held
            .retain(|d| d.locked_until.is_some_and(|lease| lease >= safe_until));
        let sending = &self.sending;
        let i = self
            .held
            .iter()
            .position(|d| sending.get(&d.host).copied().unwrap_or(0) < PER_HOST)?;
        let d = self.held.remove(i)?;
        *self.sending.entry(d.host.clone()).or_insert(0) += 1;
        Some(d)
    }

    fn done(&mut self, host: &str) {
        if let Some(n) = self.sending.get_mut(host) {
            *n = n.saturating_sub(1);
            if *n == 0 {
                self.sending.remove(host);
            }
        }
    }

    /// Held deliveries that could start now, their instances having room.
    fn ready(&self) -> usize {
        let mut room: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
        self.held
            .iter()
            .filter(|d| {
                let n = room.entry(d.host.as_str()).or_insert_with(|| {
                    PER_HOST.saturating_sub(self.sending.get(&d.host).copied().unwrap_or(0))
                });
                let fits = *n > 0;
                *n = n.saturating_sub(1);
                fits
            })
            .count()
    }

    /// Instances a claim should skip: those at their share, and those with
    /// held deliveries (a later delivery to them would wait behind those).
    fn busy_hosts(&self) -> Vec<String> {
        let mut busy: BTreeSet<&String> = self
            .sending
            .iter()
            .filter(|(_, n)| **n >= PER_HOST)
            .map(|(h, _)| h)
            .collect();
        busy.extend(self.held.iter().map(|d| &d.host));
        busy.into_iter().cloned().collect()
    }
}

/// Every holder of the dispatch lock only moves entries and counts, so one
/// that panicked left it consistent: go on with it.
fn lock_dispatch(dispatch: &std::sync::Mutex<Dispatch>) -> std::sync::MutexGuard<'_, Dispatch> {
    dispatch
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// The background worker of a `serve` process: keeps up to three times
/// `delivery_concurrency` deliveries claimed (a third sending, the rest
/// waiting their turn in memory), claims again once fewer than a third could
/// start, and otherwise sleeps until rung or for a second.
///
/// Once `stop` turns true (or its sender is gone) it hands back what it holds
/// but has not started, lets the sends in progress finish and marks them, so
/// a restart sends the rest at once. Claimed but not yet sent deliveries are
/// not lost in a crash either: their leases run out (on SQLite, the next
/// start releases them) and they are claimed again.
pub async fn run_worker<A: App>(state: A, mut stop: tokio::sync::watch::Receiver<bool>) {
    use std::sync::{Arc, Mutex};
    use tokio::sync::{Notify, Semaphore};

    let concurrency = state.federation().config.delivery_concurrency.max(1);
    let slots = Arc::new(Semaphore::new(concurrency));
    let dispatch = Arc::new(Mutex::new(Dispatch::default()));
    let finished = Arc::new(Notify::new());
    // Claim again when fewer than a worker's worth could start: a claim then
    // takes at least that many at once, early enough that the sends in
    // progress have not run out of work by the time it returns.
    let low_water = concurrency;
    let mut next_prune = tokio::time::Instant::now();
    // Done by the application at start too; once more soon after, for a crashed
    // process whose connection PostgreSQL had not yet seen close.
    let mut next_orphan_sweep = tokio::time::Instant::now() + StdDuration::from_secs(5);
    let start = |d: delivery::Model, permit: tokio::sync::OwnedSemaphorePermit| {
        let (state, dispatch, finished) = (state.clone(), dispatch.clone(), finished.clone());
        tokio::spawn(async move {
            let mut next = Some(d);
            while let Some(d) = next {
                let host = d.host.clone();
                if let Err(e) = deliver_one(&state, d).await {
                    tracing::error!(error = %e, "recording a delivery");
                }
                let mut q = lock_dispatch(&dispatch);
                q.done(&host);
                next = q.next();
                let running_low = q.held.len() < low_water;
                drop(q);
                if running_low && next.is_some() {
                    finished.notify_one();
                }
            }
            drop(permit);
            finished.notify_one();
        });
    };
    // Held deliveries whose instances have room, on free slots.
    let start_held = || {
        while let Ok(permit) = slots.clone().try_acquire_owned() {
            let Some(d) = lock_dispatch(&dispatch).next() else {
                break;
            };
            start(d, permit);
        }
    };
    let stopping =
        |stop: &tokio::sync::watch::Receiver<bool>| *stop.borrow() || stop.has_changed().is_err();
    while !stopping(&stop) {
        start_held();
        if tokio::time::Instant::now() >= next_orphan_sweep {
            let claimant = &state.federation().claimant;
            if let Err(e) = claimant.ensure(state.db()).await {
                tracing::error!(error = %e, "keeping the connection that marks our claims");
            } else if let Err(e) = release_orphaned(state.db()).await {
                tracing::error!(error = %e, "releasing the claims of crashed processes");
            }
            next_orphan_sweep = tokio::time::Instant::now() + ORPHAN_SWEEP;
        }
        if tokio::time::Instant::now() >= next_prune {
            if let Err(e) = prune_finished(&state).await {
                tracing::error!(error = %e, "pruning finished deliveries");
            }
            next_prune = tokio::time::Instant::now() + PRUNE_EVERY;
        }
        // Held deliveries for instances at their share (one that hangs)
        // do not count: they must not stop the worker from claiming others.
        let (ready, busy) = {
            let q = lock_dispatch(&dispatch);
            let ready = q.ready();
            (ready, (ready < low_water).then(|| q.busy_hosts()))
        };
        let Some(busy) = busy else {
            tokio::select! {
                () = finished.notified() => {},
                () = tokio::time::sleep(StdDuration::from_secs(1)) => {},
                _ = stop.changed() => {},
            }
            continue;
        };
        let sending = concurrency - slots.available_permits();
        let want = (3 * concurrency).saturating_sub(sending + ready);
        let claimed_at = tokio::time::Instant::now();
        // Marking what was sent meanwhile (so the next delivery to those
        // inboxes becomes due) and claiming go to the database together; a
        // delivery freed by the mark is claimed by the next round.
        let (flushed, claimed) =
            tokio::join!(flush_delivered(&state), claim(&state, want as u64, &busy));
        if let Err(e) = flushed {
            tracing::error!(error = %e, "marking deliveries delivered");
        }
        let batch = match claimed {
            Ok(b) => b,
            Err(e) => {
                tracing::error!(error = %e, "delivery worker");
                tokio::time::sleep(StdDuration::from_secs(5)).await;
                continue;
            }
        };
        let found = batch.len();
        lock_dispatch(&dispatch).held.extend(batch);
        start_held();
        if found < low_water {
            // Little to do: wait to be rung, or for a send to finish (the
            // next delivery to its inbox may now be due), then for the pause.
            tokio::select! {
                () = state.federation().outbox_bell.notified() => {},
                () = finished.notified() => {},
                () = tokio::time::sleep(StdDuration::from_secs(1)) => {},
                _ = stop.changed() => continue,
            }
            tokio::time::sleep_until(claimed_at + CLAIM_PAUSE).await;
        }
    }
    // Stopping. Tasks find nothing more to start once `held` is empty.
    let held: Vec<i64> = std::mem::take(&mut lock_dispatch(&dispatch).held)
        .into_iter()
        .map(|d| d.id)
        .collect();
    match release_leases(state.db(), Some(held)).await {
        Ok(n) if n > 0 => tracing::info!(deliveries = n, "handed back unsent deliveries"),
        Ok(_) => {}
        Err(e) => tracing::error!(error = %e, "handing back unsent deliveries"),
    }
    let all = u32::try_from(concurrency).unwrap_or(u32::MAX);
    let wait = StdDuration::from_secs(super::SEND_TIMEOUT_SECS + 2);
    if tokio::time::timeout(wait, slots.acquire_many(all))
        .await
        .is_err()
    {
        tracing::warn!("sends still in progress at shutdown; their leases will run out");
    }
    if let Err(e) = flush_delivered(&state).await {
        tracing::error!(error = %e, "marking deliveries delivered");
    }
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
fn releasing() -> sea_orm::UpdateMany<delivery::Entity> {
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

/// Processes what the inbox left for later and sends until nothing can be
/// sent now and nothing is in flight elsewhere (tests drain explicitly
/// instead of sleeping).
pub async fn drain<A: App>(state: &A) -> Result<(), EngineError> {
    let deadline = tokio::time::Instant::now() + StdDuration::from_secs(30);
    // Quiet twice in a row: when another worker's delivery is marked done,
    // the next one to that inbox becomes due only then, after our last look.
    let mut quiet = 0;
    loop {
        // Received activities may cause deliveries (an Accept of a Follow).
        if !state
            .federation()
            .backlog
            .settled(StdDuration::from_secs(30))
            .await
        {
            return Err(EngineError::Internal(
                "the inbox backlog was not processed within 30 s".into(),
            ));
        }
        let sent = deliver_due(state).await?;
        if sent == 0 && state.federation().backlog.waiting() == 0 {
            // Figures read after a drain count processed activities as such.
            state.federation().journal.flush().await;
            let in_flight = delivery::Entity::find()
                .filter(delivery::Column::State.eq("pending"))
                .filter(delivery::Column::LockedUntil.gt(Utc::now()))
                .count(state.db())
                .await?;
            if in_flight == 0 {
                quiet += 1;
                if quiet == 2 {
                    return Ok(());
                }
                continue;
            }
            quiet = 0;
            // Another worker is sending; wait for it briefly.
            tokio::time::sleep(StdDuration::from_millis(20)).await;
        } else {
            quiet = 0;
        }
        if tokio::time::Instant::now() > deadline {
            return Err(EngineError::Internal(
                "outbox did not drain within 30 s".into(),
            ));
        }
    }
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

/// Whether any delivery was ever made to `host` (it has a health row).
pub async fn known_instance(db: &impl ConnectionTrait, host: &str) -> Result<bool, EngineError> {
    Ok(instance::Entity::find_by_id(host.to_string())
        .one(db)
        .await?
        .is_some())
}

/// How many public activities the local actor `actor_id` has sent: its
/// outbox collection's size.
pub async fn public_count(db: &impl ConnectionTrait, actor_id: i64) -> Result<u64, EngineError> {
    Ok(public_of(actor_id).count(db).await?)
}

/// A page of the public activities of `actor_id`, newest first, older than
/// `max_id` when given.
pub async fn public_page(
    db: &impl ConnectionTrait,
    actor_id: i64,
    max_id: Option<i64>,
    limit: u64,
) -> Result<Vec<activity::Model>, EngineError> {
    let mut query = public_of(actor_id)
        .order_by_desc(activity::Column::Id)
        .limit(limit);
    if let Some(max) = max_id {
        query = query.filter(activity::Column::Id.lt(max));
    }
    Ok(query.all(db).await?)
}

fn public_of(actor_id: i64) -> sea_orm::Select<activity::Entity> {
    activity::Entity::find()
        .filter(activity::Column::ActorId.eq(actor_id))
        .filter(activity::Column::Public.eq(true))
}
