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
/// woken the moment the previous one commits; the busy timeout remains for
/// other processes. PostgreSQL has no gate and ignores the mode.
pub trait BeginWrite {
    fn begin_write(&self) -> impl std::future::Future<Output = Result<WriteTxn, DbErr>> + Send;
}

impl BeginWrite for DatabaseConnection {
    async fn begin_write(&self) -> Result<WriteTxn, DbErr> {
        use sea_orm::{SqliteTransactionMode, TransactionOptions, TransactionTrait};
        let gate = match write_gate(self) {
            Some(gate) => Some(gate.lock_owned().await),
            None => None,
        };
        let txn = self
            .begin_with_options(TransactionOptions {
                sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
                ..Default::default()
            })
            .await?;
        Ok(WriteTxn { txn, _gate: gate })
    }
}

/// The in-process write gate of a SQLite database, by file.
fn write_gate(db: &DatabaseConnection) -> Option<std::sync::Arc<tokio::sync::Mutex<()>>> {
    use std::collections::HashMap;
    use std::sync::{Arc, LazyLock, Mutex};
    static GATES: LazyLock<Mutex<HashMap<PathBuf, Arc<tokio::sync::Mutex<()>>>>> =
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

/// A write transaction that holds the write gate until it ends.
pub struct WriteTxn {
    txn: sea_orm::DatabaseTransaction,
    _gate: Option<tokio::sync::OwnedMutexGuard<()>>,
}

impl WriteTxn {
    pub async fn commit(self) -> Result<(), DbErr> {
        self.txn.commit().await
    }

    pub async fn rollback(self) -> Result<(), DbErr> {
        self.txn.rollback().await
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
