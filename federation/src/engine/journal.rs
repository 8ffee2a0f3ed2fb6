//! The inbound journal, written in groups. Every verified activity is recorded
//! before it is processed; under load many inbox requests arrive at once, so
//! one task collects what is waiting and writes it as one multi-row insert
//! (group commit) instead of one statement per request. Marking activities
//! processed is grouped too, over up to [`MARK_DELAY`], and not waited for:
//! if the mark is lost in a crash, the activity is processed again at start,
//! which is idempotent.

use std::collections::HashSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use chrono::Utc;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, DatabaseConnection, EntityTrait, QueryFilter,
    QuerySelect, TryInsertResult,
};
use tokio::sync::{Notify, mpsc, oneshot};

use super::EngineError;
use super::db::BeginWrite;
use super::entity::{instance, received};

/// Most entries written in one statement: well under SQLite's and
/// PostgreSQL's bound-parameter limits (5 parameters per row).
const MAX_BATCH: usize = 500;

/// What the journal knew of an activity when it was recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Recorded {
    /// First time seen: process it.
    New,
    /// Seen before but not (yet) processed: process it again (idempotent).
    Unprocessed,
    /// Already processed: acknowledge and skip.
    Processed,
}

/// A verified activity to record.
pub struct Entry {
    pub ap_id: String,
    pub actor_ap_id: String,
    /// The sender's host: a host we thought down is revived.
    pub host: String,
    pub body: String,
}

/// Where a recorded entry's answer goes.
type Reply = oneshot::Sender<Result<Recorded, String>>;

enum Message {
    Record(Entry, Reply),
    Processed(String),
    /// Write the waiting processed marks now, then answer.
    Flush(oneshot::Sender<()>),
}

/// Longest a processed mark waits to be written with others. Processing
/// marks one activity at a time; written at once, each would cost its own
/// transaction.
const MARK_DELAY: std::time::Duration = std::time::Duration::from_millis(100);

/// Handle to the journal task; cheap to share.
pub struct Journal {
    sender: mpsc::UnboundedSender<Message>,
}

impl Journal {
    /// Starts the writer task. It ends when the last handle is dropped,
    /// after writing what was still waiting.
    pub fn start(
        db: DatabaseConnection,
        outbox_bell: Arc<Notify>,
        failures: Arc<AtomicU64>,
    ) -> Journal {
        let (sender, receiver) = mpsc::unbounded_channel();
        tokio::spawn(run(db, receiver, outbox_bell, failures));
        Journal { sender }
    }

    /// Records a verified activity; returns once it is written down.
    pub async fn record(&self, entry: Entry) -> Result<Recorded, EngineError> {
        let (reply, answer) = oneshot::channel();
        self.sender
            .send(Message::Record(entry, reply))
            .map_err(|_| EngineError::Internal("the inbound journal has stopped".into()))?;
        answer
            .await
            .map_err(|_| EngineError::Internal("the inbound journal has stopped".into()))?
            .map_err(EngineError::Internal)
    }

    /// Writes the processed marks still waiting (for operators' figures and
    /// tests); returns once they are written or could not be.
    pub async fn flush(&self) {
        let (reply, done) = oneshot::channel();
        if self.sender.send(Message::Flush(reply)).is_ok() {
            done.await.ok();
        }
    }

    /// Marks an activity processed and drops its body, within [`MARK_DELAY`].
    pub fn processed(&self, ap_id: &str) {
        if self
            .sender
            .send(Message::Processed(ap_id.to_string()))
            .is_err()
        {
            tracing::debug!(activity_id = %ap_id, "journal stopped; the activity will be processed again at start");
        }
    }
}

async fn run(
    db: DatabaseConnection,
    mut receiver: mpsc::UnboundedReceiver<Message>,
    outbox_bell: Arc<Notify>,
    failures: Arc<AtomicU64>,
) {
    let mut buffer = Vec::with_capacity(MAX_BATCH);
    let mut seen_up = SeenUp {
        failures,
        hosts: Default::default(),
    };
    let mut processed: Vec<String> = Vec::new();
    let mut mark_at: Option<tokio::time::Instant> = None;
    loop {
        let received = match mark_at {
            Some(at) => tokio::select! {
                n = receiver.recv_many(&mut buffer, MAX_BATCH) => Some(n),
                () = tokio::time::sleep_until(at) => None,
            },
            None => Some(receiver.recv_many(&mut buffer, MAX_BATCH).await),
        };
        let mut records = Vec::new();
        let mut flushed = Vec::new();
        for message in buffer.drain(..) {
            match message {
                Message::Record(entry, reply) => records.push((entry, reply)),
                Message::Processed(id) => processed.push(id),
                Message::Flush(reply) => flushed.push(reply),
            }
        }
        let stopping = received == Some(0);
        let due = received.is_none() || stopping || !flushed.is_empty();
        if !processed.is_empty() && (due || processed.len() >= MAX_BATCH) {
            write_marks(&db, std::mem::take(&mut processed)).await;
            mark_at = None;
        } else if !processed.is_empty() && mark_at.is_none() {
            mark_at = Some(tokio::time::Instant::now() + MARK_DELAY);
        }
        for reply in flushed {
            reply.send(()).ok();
        }
        if stopping {
            return;
        }
        if !records.is_empty() {
            write_records(&db, records, &mut seen_up, &outbox_bell).await;
        }
    }
}

/// The processed marks waiting, in one statement.
async fn write_marks(db: &DatabaseConnection, processed: Vec<String>) {
    let started = std::time::Instant::now();
    let count = processed.len();
    let marked = mark_processed(db, processed).await;
    tracing::debug!(
        count,
        micros = started.elapsed().as_micros(),
        "processed marks written"
    );
    if let Err(e) = marked {
        tracing::warn!(error = %e, "could not mark journalled activities processed; they will be processed again at start");
    }
}

/// One group of received activities written, and each sender answered.
async fn write_records(
    db: &DatabaseConnection,
    records: Vec<(Entry, Reply)>,
    seen_up: &mut SeenUp,
    outbox_bell: &Notify,
) {
    let entries: Vec<&Entry> = records.iter().map(|(e, _)| e).collect();
    let started = std::time::Instant::now();
    let written = write(db, &entries, seen_up).await;
    tracing::debug!(
        entries = entries.len(),
        micros = started.elapsed().as_micros(),
        "journal group written"
    );
    match written {
        Ok((answers, revived)) => {
            if revived > 0 {
                outbox_bell.notify_one();
            }
            for ((_, reply), answer) in records.into_iter().zip(answers) {
                reply.send(Ok(answer)).ok();
            }
        }
        Err(e) => {
            tracing::warn!(error = %e, "could not write the inbound journal");
            for (_, reply) in records {
                reply.send(Err(e.to_string())).ok();
            }
        }
    }
}

/// Writes one group: a multi-row insert that skips known ids, a lookup of
/// the ones that were known, and one health check for the senders' hosts.
/// Returns one answer per entry and how many deliveries were revived.
async fn write(
    db: &DatabaseConnection,
    entries: &[&Entry],
    seen_up: &mut SeenUp,
) -> Result<(Vec<Recorded>, u64), EngineError> {
    let now = Utc::now();
    let mut seen = HashSet::new();
    let rows: Vec<received::ActiveModel> = entries
        .iter()
        .filter(|e| seen.insert(e.ap_id.as_str()))
        .map(|e| received::ActiveModel {
            ap_id: Set(e.ap_id.clone()),
            actor_ap_id: Set(e.actor_ap_id.clone()),
            received_at: Set(now),
            body: Set(Some(e.body.clone())),
            processed_at: Set(None),
        })
        .collect();
    let txn = db.begin_write().await?;
    let inserted: HashSet<String> = match received::Entity::insert_many(rows)
        .on_conflict_do_nothing()
        .exec_with_returning_keys(&txn)
        .await?
    {
        TryInsertResult::Inserted(keys) => keys.into_iter().collect(),
        TryInsertResult::Empty | TryInsertResult::Conflicted => HashSet::new(),
    };
    txn.commit().await?;
    let known: Vec<String> = entries
        .iter()
        .filter(|e| !inserted.contains(&e.ap_id))
        .map(|e| e.ap_id.clone())
        .collect();
    let done: HashSet<String> = if known.is_empty() {
        HashSet::new()
    } else {
        received::Entity::find()
            .select_only()
            .column(received::Column::ApId)
            .filter(received::Column::ApId.is_in(known))
            .filter(received::Column::ProcessedAt.is_not_null())
            .into_tuple::<String>()
            .all(db)
            .await?
            .into_iter()
            .collect()
    };
    // The first of several copies in one group is new; the others wait for
    // nothing and are processed again, which is idempotent.
    let mut first = HashSet::new();
    let answers = entries
        .iter()
        .map(|e| {
            if done.contains(&e.ap_id) {
                Recorded::Processed
            } else if inserted.contains(&e.ap_id) && first.insert(e.ap_id.as_str()) {
                Recorded::New
            } else {
                Recorded::Unprocessed
            }
        })
        .collect();

    let revived = revive_senders(db, entries, seen_up).await?;
    Ok((answers, revived))
}

/// A server that talks to us is alive: deliveries to it resume. Returns how
/// many were made due.
async fn revive_senders(
    db: &DatabaseConnection,
    entries: &[&Entry],
    seen_up: &mut SeenUp,
) -> Result<u64, EngineError> {
    let hosts: HashSet<&str> = entries
        .iter()
        .map(|e| e.host.as_str())
        .filter(|h| !seen_up.recently(h))
        .collect();
    if hosts.is_empty() {
        return Ok(0);
    }
    let down: Vec<String> = instance::Entity::find()
        .select_only()
        .column(instance::Column::Host)
        .filter(instance::Column::Host.is_in(hosts.iter().copied()))
        .filter(
            Condition::any()
                .add(instance::Column::Dead.eq(true))
                .add(instance::Column::FailingSince.is_not_null()),
        )
        .into_tuple::<String>()
        .all(db)
        .await?;
    seen_up.checked(hosts.iter().filter(|h| !down.iter().any(|d| d == *h)));
    let mut revived = 0;
    if !down.is_empty() {
        let txn = db.begin_write().await?;
        for host in down {
            revived += super::outbox::revive(&txn, &host).await?;
        }
        txn.commit().await?;
    }
    Ok(revived)
}

/// Senders' hosts found up lately: a burst from one server checks its
/// health once per [`RECHECK_UP`] rather than once per group. Any delivery
/// failure in this process forgets them all (`failures` counts those); a
/// host another process marks down is revived at most [`RECHECK_UP`] later.
struct SeenUp {
    failures: Arc<AtomicU64>,
    hosts: std::collections::HashMap<String, (std::time::Instant, u64)>,
}

const RECHECK_UP: std::time::Duration = std::time::Duration::from_secs(10);

impl SeenUp {
    fn recently(&self, host: &str) -> bool {
        let failures = self.failures.load(Ordering::Acquire);
        self.hosts
            .get(host)
            .is_some_and(|(at, seen)| at.elapsed() < RECHECK_UP && *seen == failures)
    }

    fn checked<'a>(&mut self, hosts: impl Iterator<Item = &'a &'a str>) {
        let now = std::time::Instant::now();
        let failures = self.failures.load(Ordering::Acquire);
        if self.hosts.len() > 10_000 {
            self.hosts
                .retain(|_, (at, _)| now.duration_since(*at) < RECHECK_UP);
        }
        for h in hosts {
            self.hosts.insert((*h).to_string(), (now, failures));
        }
    }
}

async fn mark_processed(db: &DatabaseConnection, ids: Vec<String>) -> Result<(), EngineError> {
    let txn = db.begin_write().await?;
    for chunk in ids.chunks(MAX_BATCH) {
        received::Entity::update_many()
            .col_expr(received::Column::ProcessedAt, Expr::value(Some(Utc::now())))
            .col_expr(received::Column::Body, Expr::value(Option::<String>::None))
            .filter(received::Column::ApId.is_in(chunk.iter().cloned()))
            .exec(&txn)
            .await?;
    }
    txn.commit().await?;
    Ok(())
}
