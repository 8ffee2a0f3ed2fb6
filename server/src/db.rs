//! Connecting to SQLite or PostgreSQL, applying migrations, checking health.

use std::path::PathBuf;
use std::time::Duration;

use knooppunt_migrations::{Migrator, MigratorTrait};
use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
use sea_orm::{ConnectOptions, Database, DatabaseConnection, DbErr};

use crate::config::{Config, Engine, redact_url};

/// Why the database could not be used.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("cannot connect to the database at {url}: {error}")]
    Connect { url: String, error: DbErr },
    #[error("cannot apply database migrations: {0}")]
    Migrate(DbErr),
    #[error(
        "the database schema is not up to date ({0} pending migrations): run `knooppunt migrate` first"
    )]
    Pending(usize),
    #[error("cannot read the database's migration status: {0}")]
    Status(DbErr),
    #[error(transparent)]
    Config(#[from] crate::config::ConfigError),
}

/// Opens a connection pool. SQLite runs in WAL mode with foreign keys on and a
/// busy timeout, so concurrent writers wait instead of failing with "locked".
pub async fn connect(config: &Config) -> Result<DatabaseConnection, DbError> {
    let engine = config.engine()?;
    let mut options = ConnectOptions::new(config.database.url.clone());
    options
        .max_connections(config.database.max_connections)
        .connect_timeout(Duration::from_secs(config.database.connect_timeout_secs))
        .acquire_timeout(Duration::from_secs(config.database.connect_timeout_secs))
        .sqlx_logging(false);
    if engine == Engine::Sqlite {
        options.map_sqlx_sqlite_opts(|o| {
            o.journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(5))
        });
    }
    Database::connect(options)
        .await
        .map_err(|error| DbError::Connect {
            url: redact_url(&config.database.url),
            error,
        })
}

/// Applies all pending migrations.
pub async fn migrate(db: &DatabaseConnection) -> Result<(), DbError> {
    Migrator::up(db, None).await.map_err(DbError::Migrate)
}

/// Refuses to work on a schema that is behind the code.
pub async fn ensure_migrated(db: &DatabaseConnection) -> Result<(), DbError> {
    let pending = Migrator::get_pending_migrations(db)
        .await
        .map_err(DbError::Status)?
        .len();
    if pending > 0 {
        return Err(DbError::Pending(pending));
    }
    Ok(())
}

/// The SQLite file behind the URL, if the database is a file.
pub fn sqlite_file(config: &Config) -> Option<PathBuf> {
    let rest = config
        .database
        .url
        .strip_prefix("sqlite://")
        .or_else(|| config.database.url.strip_prefix("sqlite:"))?;
    let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
    if path.is_empty() || path == ":memory:" || query.contains("mode=memory") {
        return None;
    }
    Some(PathBuf::from(path))
}

/// Whether the database answers. A removed SQLite file counts as down: open
/// connections would keep writing to an unlinked file and lose everything.
pub async fn check_health(
    db: &DatabaseConnection,
    sqlite_file: Option<&PathBuf>,
) -> Result<(), String> {
    if let Some(path) = sqlite_file
        && !path.exists()
    {
        return Err(format!("database file {} is missing", path.display()));
    }
    match tokio::time::timeout(Duration::from_secs(3), db.ping()).await {
        Ok(Ok(())) => Ok(()),
        Ok(Err(e)) => Err(e.to_string()),
        Err(_) => Err("database did not answer within 3 s".into()),
    }
}

/// Write transactions. On SQLite they start as `BEGIN IMMEDIATE`: a deferred
/// transaction that reads first and then writes fails at once with "database
/// is locked" when another writer got in between; an immediate one waits for
/// the busy timeout instead. PostgreSQL ignores the option.
pub trait BeginWrite {
    fn begin_write(
        &self,
    ) -> impl std::future::Future<Output = Result<sea_orm::DatabaseTransaction, DbErr>> + Send;
}

impl BeginWrite for DatabaseConnection {
    fn begin_write(
        &self,
    ) -> impl std::future::Future<Output = Result<sea_orm::DatabaseTransaction, DbErr>> + Send {
        use sea_orm::{SqliteTransactionMode, TransactionOptions, TransactionTrait};
        self.begin_with_options(TransactionOptions {
            sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
            ..Default::default()
        })
    }
}
