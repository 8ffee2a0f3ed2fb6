//! Migrations on the engine under test, from an empty database.

use knooppunt::config::Config;
use knooppunt_migrations::{Migrator, MigratorTrait};
use knooppunt_tests::{Knooppunt, TestDb};
use sea_orm::{ConnectionTrait, Statement};

async fn table_count(db: &sea_orm::DatabaseConnection, table: &str) -> i64 {
    let row = db
        .query_one_raw(Statement::from_string(
            db.get_database_backend(),
            format!("SELECT COUNT(*) AS n FROM {table}"),
        ))
        .await
        .unwrap_or_else(|e| panic!("{table}: {e}"))
        .unwrap();
    row.try_get::<i64>("", "n").unwrap()
}

#[tokio::test]
async fn migrations_run_up_down_and_up_again_from_empty() {
    let test_db = TestDb::create().await;
    let mut config = Config::default();
    config.database.url = test_db.url.clone();
    let db = knooppunt::db::connect(&config).await.unwrap();

    assert!(
        knooppunt::db::ensure_migrated(&db).await.is_err(),
        "empty database has pending migrations"
    );
    let total = Migrator::migrations().len();
    assert_eq!(
        Migrator::get_pending_migrations(&db).await.unwrap().len(),
        total
    );

    knooppunt::db::migrate(&db).await.unwrap();
    knooppunt::db::ensure_migrated(&db).await.unwrap();
    for table in [
        "instance_settings",
        "actors",
        "accounts",
        "groups",
        "memberships",
    ] {
        assert_eq!(
            table_count(&db, table).await,
            0,
            "{table} exists and is empty"
        );
    }
    // Applying again is a no-op.
    knooppunt::db::migrate(&db).await.unwrap();

    Migrator::down(&db, None).await.unwrap();
    assert_eq!(
        Migrator::get_pending_migrations(&db).await.unwrap().len(),
        total
    );
    assert!(
        db.execute_unprepared("SELECT 1 FROM actors").await.is_err(),
        "down removes the tables"
    );
    Migrator::up(&db, None).await.unwrap();
    assert_eq!(table_count(&db, "actors").await, 0);
    db.close().await.unwrap();
    test_db.drop_now().await;
}

#[tokio::test]
async fn migrate_command_creates_schema_and_the_instance_actors() {
    let dir = tempfile::tempdir().unwrap();
    let test_db = TestDb::create().await;
    let run = |args: &[&str]| {
        Knooppunt::new(dir.path(), args)
            .env("KNOOPPUNT_DATABASE__URL", &test_db.url)
            .env("KNOOPPUNT_INSTANCE__DOMAIN", "schiebroek.example")
            .env("KNOOPPUNT_INSTANCE__NEIGHBOURHOOD", "schiebroek")
            .run()
    };
    let out = run(&["migrate"]);
    assert!(out.success(), "{out:?}");
    assert!(out.stdout.contains("database is up to date"));
    assert!(run(&["migrate"]).success(), "migrate twice is fine");

    let mut config = Config::default();
    config.database.url = test_db.url.clone();
    let db = knooppunt::db::connect(&config).await.unwrap();
    let rows = db
        .query_all_raw(Statement::from_string(
            db.get_database_backend(),
            "SELECT kind, username, ap_id, private_key_pem FROM actors ORDER BY id",
        ))
        .await
        .unwrap();
    let actors: Vec<(String, String, String, String)> = rows
        .iter()
        .map(|r| {
            (
                r.try_get("", "kind").unwrap(),
                r.try_get("", "username").unwrap(),
                r.try_get("", "ap_id").unwrap(),
                r.try_get("", "private_key_pem").unwrap(),
            )
        })
        .collect();
    assert_eq!(actors.len(), 2, "{actors:?}");
    assert_eq!(
        (actors[0].0.as_str(), actors[0].1.as_str()),
        ("group", "schiebroek")
    );
    assert_eq!(actors[0].2, "https://schiebroek.example/groups/schiebroek");
    assert_eq!(actors[1].0, "application");
    assert_eq!(actors[1].2, "https://schiebroek.example/actor");
    for actor in &actors {
        assert!(
            actor.3.starts_with("-----BEGIN PRIVATE KEY-----"),
            "{} has a key",
            actor.1
        );
    }
    db.close().await.unwrap();
    test_db.drop_now().await;
}

/// The SQLite file is created when the server connects, and never by a
/// connection opened later: if the file is removed or moved while the server
/// runs, new connections fail instead of starting an empty database there.
#[tokio::test]
async fn a_removed_sqlite_file_is_not_silently_recreated() {
    use sea_orm::TransactionTrait;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("wijk.db");
    let mut config = Config::default();
    config.database.url = format!("sqlite://{}?mode=rwc", path.display());
    let db = knooppunt::db::connect(&config).await.unwrap();
    assert!(path.exists(), "created at connect");
    std::fs::remove_file(&path).unwrap();
    // Hold more transactions than the pool has connections open, so that it
    // must open new ones.
    let mut held = Vec::new();
    let mut refused = None;
    for _ in 0..config.database.max_connections {
        match db.begin().await {
            Ok(txn) => held.push(txn),
            Err(e) => {
                refused = Some(e);
                break;
            }
        }
    }
    assert!(
        refused.is_some(),
        "a new connection must fail, not start a new file ({} opened)",
        held.len()
    );
    assert!(!path.exists(), "no empty database in the file's place");
}

/// Writers share SQLite transactions under load (see `BeginWrite`): each one
/// that commits is durable when `commit` returns, and one that fails, rolls
/// back or is cancelled mid-turn loses only its own work. On PostgreSQL each
/// writer has its own transaction; the same holds.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn grouped_writers_commit_or_fail_alone() {
    use knooppunt::db::BeginWrite;
    use std::time::Duration;
    let test_db = TestDb::create().await;
    let mut config = Config::default();
    config.database.url = test_db.url.clone();
    let db = knooppunt::db::connect(&config).await.unwrap();
    db.execute_unprepared("CREATE TABLE grouped_writes (writer BIGINT PRIMARY KEY)")
        .await
        .unwrap();
    // Another pool: it sees only what is committed.
    let reader = knooppunt::db::connect(&config).await.unwrap();
    let insert = |w: i64| {
        Statement::from_sql_and_values(
            db.get_database_backend(),
            match db.get_database_backend() {
                sea_orm::DbBackend::Postgres => "INSERT INTO grouped_writes (writer) VALUES ($1)",
                _ => "INSERT INTO grouped_writes (writer) VALUES (?)",
            },
            [w.into()],
        )
    };
    let mut tasks = tokio::task::JoinSet::new();
    for w in 0..300_i64 {
        let (db, reader, row, again) = (db.clone(), reader.clone(), insert(w), insert(w));
        tasks.spawn(async move {
            let work = async {
                let txn = db.begin_write().await.unwrap();
                txn.execute_raw(row).await.unwrap();
                match w % 10 {
                    // Fails: the same writer twice.
                    3 => return txn.execute_raw(again).await.map(|_| false).is_ok(),
                    7 => {
                        txn.rollback().await.unwrap();
                        return false;
                    }
                    // Cancelled while its turn lasts (see the timeout below).
                    5 => tokio::time::sleep(Duration::from_secs(5)).await,
                    _ => {}
                }
                txn.commit().await.unwrap();
                true
            };
            // A commit cancelled while it waits may still land, so only the
            // writers that sleep in their turn are cancelled.
            let committed = if w % 10 == 5 {
                tokio::time::timeout(Duration::from_millis(20), work)
                    .await
                    .unwrap_or(false)
            } else {
                work.await
            };
            if committed {
                let n = table_count_where(&reader, w).await;
                assert_eq!(n, 1, "writer {w} is visible once its commit returned");
            }
            (w, committed)
        });
    }
    let mut expected = Vec::new();
    while let Some(done) = tasks.join_next().await {
        let (w, committed) = done.unwrap();
        if committed {
            expected.push(w);
        }
    }
    expected.sort_unstable();
    let rows = reader
        .query_all_raw(Statement::from_string(
            reader.get_database_backend(),
            "SELECT writer FROM grouped_writes ORDER BY writer",
        ))
        .await
        .unwrap();
    let written: Vec<i64> = rows
        .iter()
        .map(|r| r.try_get::<i64>("", "writer").unwrap())
        .collect();
    assert_eq!(written, expected, "exactly the committed writers' rows");
    assert!(
        expected.iter().all(|w| ![3, 5, 7].contains(&(w % 10))),
        "no failed, rolled back or cancelled writer committed"
    );
    assert!(
        expected.len() >= 200,
        "the others committed: {}",
        expected.len()
    );
    db.close().await.unwrap();
    reader.close().await.unwrap();
    test_db.drop_now().await;
}

/// A writer cancelled in its turn while another waits, and then the waiting
/// one cancelled too, leave no transaction open: the pool closes (it waits
/// for every connection) and another process can write.
#[tokio::test]
async fn writers_cancelled_in_turn_and_waiting_leave_no_transaction_open() {
    use knooppunt::db::BeginWrite;
    use std::time::Duration;
    let test_db = TestDb::create().await;
    let mut config = Config::default();
    config.database.url = test_db.url.clone();
    let db = knooppunt::db::connect(&config).await.unwrap();
    db.execute_unprepared("CREATE TABLE grouped_writes (writer BIGINT PRIMARY KEY)")
        .await
        .unwrap();
    let other_process = knooppunt::db::connect(&config).await.unwrap();
    for round in 0..5_i64 {
        let (in_turn, turn) = tokio::sync::oneshot::channel();
        let holder = tokio::spawn({
            let db = db.clone();
            async move {
                let txn = db.begin_write().await.unwrap();
                txn.execute_unprepared(&format!(
                    "INSERT INTO grouped_writes (writer) VALUES ({})",
                    round * 2
                ))
                .await
                .unwrap();
                let _ = in_turn.send(());
                tokio::time::sleep(Duration::from_secs(600)).await;
                txn.commit().await.unwrap();
            }
        });
        turn.await.unwrap();
        let waiter = tokio::spawn({
            let db = db.clone();
            async move {
                let txn = db.begin_write().await.unwrap();
                txn.commit().await.unwrap();
            }
        });
        // Let the second writer reach the gate, well within a group's age
        // (after which the group would not be handed on anyway).
        for _ in 0..10 {
            tokio::task::yield_now().await;
        }
        // Both at once, as a server's shutdown aborts its tasks: on this
        // one-thread runtime the waiter is dropped before it could take its turn.
        holder.abort();
        waiter.abort();
        assert!(holder.await.unwrap_err().is_cancelled());
        // On PostgreSQL (no gate) the second writer may have finished already.
        let _ = waiter.await;
        let row = round * 2 + 1;
        tokio::time::timeout(
            Duration::from_secs(20),
            other_process.execute_unprepared(&format!(
                "INSERT INTO grouped_writes (writer) VALUES ({row})"
            )),
        )
        .await
        .expect("another process may write: no write lock is left held")
        .unwrap();
    }
    tokio::time::timeout(Duration::from_secs(20), db.close())
        .await
        .expect("every connection came back to the pool")
        .unwrap();
    let written = table_count(&other_process, "grouped_writes").await;
    assert_eq!(written, 5, "only the other process's rows: {written}");
    other_process.close().await.unwrap();
    test_db.drop_now().await;
}

async fn table_count_where(db: &sea_orm::DatabaseConnection, writer: i64) -> i64 {
    let sql = match db.get_database_backend() {
        sea_orm::DbBackend::Postgres => {
            "SELECT COUNT(*) AS n FROM grouped_writes WHERE writer = $1"
        }
        _ => "SELECT COUNT(*) AS n FROM grouped_writes WHERE writer = ?",
    };
    let row = db
        .query_one_raw(Statement::from_sql_and_values(
            db.get_database_backend(),
            sql,
            [writer.into()],
        ))
        .await
        .unwrap()
        .unwrap();
    row.try_get::<i64>("", "n").unwrap()
}
