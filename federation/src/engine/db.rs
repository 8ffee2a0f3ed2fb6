//! Write transactions through one gate per SQLite file, shared by the
//! engine and the application that gives it its connection.

use std::path::PathBuf;

use sea_orm::{DatabaseConnection, DbErr};

/// Write transactions. On SQLite they start as `BEGIN IMMEDIATE`: a deferred
/// transaction that reads first and then writes fails at once with "database
/// is locked" when another writer got in between; an immediate one waits.
///
/// SQLite has one writer at a time, and its busy handler waits by sleeping
/// (1, 2, 5, 10 ms, ...), so under load writers mostly sleep. Writers in this
/// process therefore queue on an async gate per database file first, and are
/// woken the moment the previous one is done; the busy timeout remains for
/// other processes. PostgreSQL has no gate and ignores the mode.
///
/// Commits on SQLite are grouped: a writer that finishes while others wait
/// at the gate hands its open transaction on, and each writer works in its
/// own savepoint within it. Once nobody waits (or the group is large or old),
/// the last one commits for all. Every `commit` still returns only after its
/// work is durable, and a writer that fails rolls back only its savepoint.
/// A commit is SQLite's costly step (the WAL frames, the full-text index's
/// flush), so a burst of small writes (an inbox under load) pays it once.
pub trait BeginWrite {
    fn begin_write(&self) -> impl std::future::Future<Output = Result<WriteTxn, DbErr>> + Send;
}

impl BeginWrite for DatabaseConnection {
    async fn begin_write(&self) -> Result<WriteTxn, DbErr> {
        let Some(gate) = write_gate(self) else {
            return Ok(WriteTxn {
                txn: begin_immediate(self).await?,
                held: None,
            });
        };
        let mut guard = {
            let _waiting = Waiting::count(&gate);
            gate.group.clone().lock_owned().await
        };
        if guard.is_none() {
            *guard = Some(Group {
                txn: begin_immediate(self).await?,
                members: Vec::new(),
                started: std::time::Instant::now(),
            });
        }
        // The group's transaction was opened just above or by an earlier writer.
        let txn = match guard.as_ref() {
            Some(group) => sea_orm::TransactionTrait::begin(&group.txn).await,
            None => Err(DbErr::Custom("no write transaction is open".into())),
        };
        let held = Held {
            guard: Some(guard),
            gate,
        };
        Ok(WriteTxn {
            txn: txn?,
            held: Some(held),
        })
    }
}

async fn begin_immediate(db: &DatabaseConnection) -> Result<sea_orm::DatabaseTransaction, DbErr> {
    use sea_orm::{SqliteTransactionMode, TransactionOptions, TransactionTrait};
    db.begin_with_options(TransactionOptions {
        sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
        ..Default::default()
    })
    .await
}

/// Most writers whose work one commit makes durable.
const MAX_GROUP: usize = 32;
/// Longest a group stays open: its first writer waits that long at most
/// (beside the others' work) for its commit.
const MAX_GROUP_AGE: std::time::Duration = std::time::Duration::from_millis(20);

/// The gate of one SQLite file: the open group, and how many writers wait.
#[derive(Default)]
struct Gate {
    group: std::sync::Arc<tokio::sync::Mutex<Option<Group>>>,
    waiting: std::sync::atomic::AtomicUsize,
}

/// A transaction shared by writers in turn, and those who finished in it and
/// wait for its commit.
struct Group {
    txn: sea_orm::DatabaseTransaction,
    members: Vec<tokio::sync::oneshot::Sender<Result<(), String>>>,
    started: std::time::Instant,
}

impl Group {
    /// Commits the group for its members and tells them the outcome.
    async fn commit(self) -> Result<(), DbErr> {
        let outcome = self.txn.commit().await;
        let told = outcome.as_ref().map(|_| ()).map_err(|e| e.to_string());
        for member in self.members {
            // A member that stopped waiting (cancelled) needs no answer.
            let _ = member.send(told.clone());
        }
        outcome
    }
}

/// Counts a writer waiting at the gate while it lives.
struct Waiting<'a>(&'a Gate);

impl<'a> Waiting<'a> {
    fn count(gate: &'a Gate) -> Self {
        gate.waiting
            .fetch_add(1, std::sync::atomic::Ordering::AcqRel);
        Waiting(gate)
    }
}

impl Drop for Waiting<'_> {
    fn drop(&mut self) {
        self.0
            .waiting
            .fetch_sub(1, std::sync::atomic::Ordering::AcqRel);
    }
}

/// The gate, held by the writer whose turn it is. When the turn ends
/// without the writer's own commit (it failed, or was cancelled), the group
/// goes on with the next writer, or is committed for its members (in the
/// background: this is a destructor), or rolled back when nobody is in it.
struct Held {
    guard: Option<tokio::sync::OwnedMutexGuard<Option<Group>>>,
    gate: std::sync::Arc<Gate>,
}

impl Held {
    fn group(&mut self) -> Option<&mut Group> {
        self.guard.as_mut().and_then(|g| g.as_mut())
    }

    fn take_group(&mut self) -> Option<Group> {
        self.guard.as_mut().and_then(|g| g.take())
    }

    /// Whether the group should go on with the next writer rather than
    /// commit now.
    fn hand_on(&mut self) -> bool {
        let waiting = self.gate.waiting.load(std::sync::atomic::Ordering::Acquire) > 0;
        waiting
            && self
                .group()
                .is_some_and(|g| g.members.len() < MAX_GROUP && g.started.elapsed() < MAX_GROUP_AGE)
    }
}

impl Drop for Held {
    fn drop(&mut self) {
        // A group without members is never handed on: the writer waiting
        // now may give up too, and no member's sweep would then end it. Left
        // open, it would keep SQLite's write lock and a pooled connection.
        let empty = self.group().is_some_and(|g| g.members.is_empty());
        if !empty && self.hand_on() {
            return;
        }
        let Some(group) = self.take_group() else {
            return;
        };
        match tokio::runtime::Handle::try_current() {
            Ok(runtime) => {
                // The gate stays held until the group has ended.
                let guard = self.guard.take();
                runtime.spawn(async move {
                    let ended = if group.members.is_empty() {
                        group.txn.rollback().await
                    } else {
                        group.commit().await
                    };
                    if let Err(e) = ended {
                        tracing::error!(error = %e, "ending a group of writes");
                    }
                    drop(guard);
                });
            }
            // Shutting down: the members learn their work was not committed.
            Err(_) => drop(group),
        }
    }
}

/// A writer counted as waiting may give up before its turn (a cancelled
/// request); then nobody would commit the group it was handed. This takes a
/// turn after the writers queued now and commits what is still open: by then
/// every member of that group is done.
fn sweep_after_turns(gate: std::sync::Arc<Gate>) {
    let Ok(runtime) = tokio::runtime::Handle::try_current() else {
        return;
    };
    runtime.spawn(async move {
        let mut guard = gate.group.clone().lock_owned().await;
        if let Some(group) = guard.take()
            && let Err(e) = group.commit().await
        {
            tracing::error!(error = %e, "committing a group of writes");
        }
    });
}

/// The in-process write gate of a SQLite database, by file.
fn write_gate(db: &DatabaseConnection) -> Option<std::sync::Arc<Gate>> {
    use std::collections::HashMap;
    use std::sync::{Arc, LazyLock, Mutex};
    static GATES: LazyLock<Mutex<HashMap<PathBuf, Arc<Gate>>>> =
        LazyLock::new(|| Mutex::new(HashMap::new()));
    if db.get_database_backend() != sea_orm::DbBackend::Sqlite {
        return None;
    }
    let file = db
        .get_sqlite_connection_pool()
        .connect_options()
        .get_filename()
        .to_path_buf();
    let mut gates = GATES.lock().ok()?;
    Some(gates.entry(file).or_default().clone())
}

/// A write transaction: on SQLite a savepoint in a group, holding the write
/// gate until it ends.
pub struct WriteTxn {
    // Dropped first: a savepoint not committed rolls back before the turn ends.
    txn: sea_orm::DatabaseTransaction,
    held: Option<Held>,
}

impl WriteTxn {
    /// Makes the work durable; returns once it is (on SQLite, once its group
    /// has committed).
    pub async fn commit(self) -> Result<(), DbErr> {
        let WriteTxn { txn, held } = self;
        let Some(mut held) = held else {
            return txn.commit().await;
        };
        if let Err(e) = txn.commit().await {
            // The savepoint could not be released: the connection's state is
            // unknown, so nothing of the group is kept.
            if let Some(group) = held.take_group() {
                for member in group.members {
                    let _ = member.send(Err(format!("a grouped write failed: {e}")));
                }
            }
            return Err(e);
        }
        let (member, outcome) = tokio::sync::oneshot::channel();
        let first = held.group().is_some_and(|group| {
            group.members.push(member);
            group.members.len() == 1
        });
        if held.hand_on() {
            if first {
                sweep_after_turns(held.gate.clone());
            }
            drop(held);
            return match outcome.await {
                Ok(told) => told.map_err(DbErr::Custom),
                Err(_) => Err(DbErr::Custom(
                    "the group of writes was abandoned before its commit".into(),
                )),
            };
        }
        match held.take_group() {
            Some(group) => group.commit().await,
            None => Ok(()),
        }
    }

    /// Undoes the work (on SQLite, its savepoint only).
    pub async fn rollback(self) -> Result<(), DbErr> {
        let WriteTxn { txn, held } = self;
        let rolled = txn.rollback().await;
        drop(held);
        rolled
    }
}

impl std::ops::Deref for WriteTxn {
    type Target = sea_orm::DatabaseTransaction;
    fn deref(&self) -> &Self::Target {
        &self.txn
    }
}

#[async_trait::async_trait]
impl sea_orm::ConnectionTrait for WriteTxn {
    fn get_database_backend(&self) -> sea_orm::DbBackend {
        self.txn.get_database_backend()
    }

    async fn execute_raw(&self, stmt: sea_orm::Statement) -> Result<sea_orm::ExecResult, DbErr> {
        self.txn.execute_raw(stmt).await
    }

    async fn execute_unprepared(&self, sql: &str) -> Result<sea_orm::ExecResult, DbErr> {
        self.txn.execute_unprepared(sql).await
    }

    async fn query_one_raw(
        &self,
        stmt: sea_orm::Statement,
    ) -> Result<Option<sea_orm::QueryResult>, DbErr> {
        self.txn.query_one_raw(stmt).await
    }

    async fn query_all_raw(
        &self,
        stmt: sea_orm::Statement,
    ) -> Result<Vec<sea_orm::QueryResult>, DbErr> {
        self.txn.query_all_raw(stmt).await
    }

    fn support_returning(&self) -> bool {
        self.txn.support_returning()
    }
}
