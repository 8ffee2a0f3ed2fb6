//! Connecting to SQLite or PostgreSQL, applying migrations, checking health.

use std::path::{Path, PathBuf};
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
    #[error("another `knooppunt serve` is using {0}: one process serves a SQLite database")]
    Taken(PathBuf),
    #[error("cannot lock {path}: {error}")]
    Lock {
        path: PathBuf,
        error: std::io::Error,
    },
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
        // Ping only connections idle for a second or more: a ping on every
        // checkout is one more round trip (and on SQLite one more hop to its
        // worker thread) for every statement under load, while after a
        // database restart every pooled connection has been idle longer.
        .test_before_acquire_if_idle_for(Duration::from_secs(1))
        .sqlx_logging(false);
    if engine == Engine::Sqlite {
        // The file is created here, once, if the URL asks for it (`mode=rwc`);
        // connections opened later never create it. Otherwise a pool that
        // replaces a connection after the file was removed or moved would
        // silently start an empty database in its place.
        let file = sqlite_file(config);
        if config.database.url.contains("mode=rwc")
            && let Some(path) = &file
        {
            std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(path)
                .map_err(|e| DbError::Connect {
                    url: redact_url(&config.database.url),
                    error: DbErr::Custom(format!("cannot create {}: {e}", path.display())),
                })?;
        }
        let on_file = file.is_some();
        options.map_sqlx_sqlite_opts(move |o| {
            o.create_if_missing(!on_file)
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(5))
                // Reads map the file instead of copying each page from the
                // OS into a 2 MB cache per connection: that copying was
                // half of a timeline's time at a million posts. Only pages
                // touched count in memory, and the OS may drop them.
                .pragma("mmap_size", SQLITE_MMAP_BYTES.to_string())
                .pragma("temp_store", "memory")
        });
    }
    let mut db = Database::connect(options)
        .await
        .map_err(|error| DbError::Connect {
            url: redact_url(&config.database.url),
            error,
        })?;
    if config.debug.count_statements {
        db.set_metric_callback(crate::statements::record);
    }
    Ok(db)
}

/// How much of a SQLite file reads map into memory (address space, not
/// memory in use).
const SQLITE_MMAP_BYTES: u64 = 1 << 30;

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

/// Claims a SQLite database for one serving process, for as long as the
/// returned file stays open. The lock is a file of its own next to the
/// database: closing any other descriptor of the database file would drop
/// SQLite's own locks on it.
pub fn own_sqlite_file(path: &Path) -> Result<std::fs::File, DbError> {
    let mut lock_path = path.as_os_str().to_owned();
    lock_path.push(".serve-lock");
    let lock_path = PathBuf::from(lock_path);
    let lock_error = |error| DbError::Lock {
        path: lock_path.clone(),
        error,
    };
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&lock_path)
        .map_err(lock_error)?;
    match file.try_lock() {
        Ok(()) => Ok(file),
        Err(std::fs::TryLockError::WouldBlock) => Err(DbError::Taken(path.to_path_buf())),
        Err(std::fs::TryLockError::Error(e)) => Err(lock_error(e)),
    }
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
    // A pooled connection that broke while it was in use recently is only
    // found broken by using it (and then closed): try a few, so a database
    // that is back counts as back.
    let attempts = async {
        let mut last = String::new();
        for _ in 0..3 {
            match db.ping().await {
                Ok(()) => return Ok(()),
                Err(e) => last = e.to_string(),
            }
        }
        Err(last)
    };
    match tokio::time::timeout(Duration::from_secs(3), attempts).await {
        Ok(result) => result,
        Err(_) => Err("database did not answer within 3 s".into()),
    }
}

pub use knooppunt_federation::engine::db::{BeginWrite, WriteTxn};

/// A connection or a transaction, for code that only reads and may be
/// called from either: hooks take it as a [`sea_orm::DatabaseExecutor`],
/// which has one type whatever the caller holds.
pub trait Db: sea_orm::ConnectionTrait + Send + Sync {
    fn executor(&self) -> sea_orm::DatabaseExecutor<'_>;
}

impl Db for DatabaseConnection {
    fn executor(&self) -> sea_orm::DatabaseExecutor<'_> {
        self.into()
    }
}

impl Db for sea_orm::DatabaseTransaction {
    fn executor(&self) -> sea_orm::DatabaseExecutor<'_> {
        self.into()
    }
}

impl Db for WriteTxn {
    fn executor(&self) -> sea_orm::DatabaseExecutor<'_> {
        (&**self).into()
    }
}

/// Whether an insert hit a unique constraint: the row is there already (a
/// duplicate delivery, a concurrent twin). Other errors pass through.
pub fn already_there<T>(inserted: Result<T, DbErr>) -> Result<bool, crate::error::AppError> {
    self::inserted(inserted).map(|row| row.is_none())
}

/// The inserted row, or `None` when it was there already (see [`already_there`]).
pub fn inserted<T>(inserted: Result<T, DbErr>) -> Result<Option<T>, crate::error::AppError> {
    match inserted {
        Ok(row) => Ok(Some(row)),
        Err(e)
            if matches!(
                e.sql_err(),
                Some(sea_orm::SqlErr::UniqueConstraintViolation(_))
            ) =>
        {
            Ok(None)
        }
        Err(e) => Err(e.into()),
    }
}

/// Locks the rows a query selects until the transaction ends, so that a
/// count-then-write (a plan's counts, an event's free places) by two
/// requests at once sees the other's write. PostgreSQL: `FOR UPDATE` (READ
/// COMMITTED re-reads after the wait). SQLite: the writer gate already lets
/// one write transaction run at a time.
pub fn locked<E: sea_orm::EntityTrait>(
    query: sea_orm::Select<E>,
    db: &impl sea_orm::ConnectionTrait,
) -> sea_orm::Select<E> {
    use sea_orm::QuerySelect;
    if db.get_database_backend() == sea_orm::DbBackend::Postgres {
        query.lock_exclusive()
    } else {
        query
    }
}

/// Most ids bound in one `IN (…)` list. Lists that grow with user data (a
/// thread's authors, a plan's arguments) are sent in groups of this many:
/// one statement for a page, and never past PostgreSQL's 65,535 or
/// SQLite's 32,766 bound values, however long the list.
pub const IN_GROUP: usize = 1_000;

/// `ids` without duplicates, in groups of at most [`IN_GROUP`].
pub fn id_groups(ids: impl IntoIterator<Item = i64>) -> Vec<Vec<i64>> {
    let unique: std::collections::BTreeSet<i64> = ids.into_iter().collect();
    let unique: Vec<i64> = unique.into_iter().collect();
    unique.chunks(IN_GROUP).map(<[i64]>::to_vec).collect()
}
