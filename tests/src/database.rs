//! A fresh, empty database per instance: a SQLite file in a temp dir, or a
//! PostgreSQL database created for the test and dropped after it.

use std::path::PathBuf;
use std::sync::atomic::{AtomicU32, Ordering};

use sea_orm::{ConnectionTrait, Database};

/// Where PostgreSQL runs for tests; `TEST_POSTGRES_URL` overrides. Without
/// TLS, as for any database on the same machine (docs/operating.md).
pub const DEFAULT_POSTGRES_URL: &str = "postgres://postgres@127.0.0.1:5432/test?sslmode=disable";
/// Test databases are named with this prefix so a run can clean up leftovers.
pub const PREFIX: &str = "kp_test_";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    Postgres,
}

impl Engine {
    /// The engine this test run uses, from `TEST_DATABASE`.
    pub fn current() -> Engine {
        match std::env::var("TEST_DATABASE").as_deref() {
            Ok("postgres") | Ok("postgresql") | Ok("pg") => Engine::Postgres,
            Ok("sqlite") | Err(_) => Engine::Sqlite,
            Ok(other) => panic!("TEST_DATABASE={other:?}: use sqlite or postgres"),
        }
    }
}

pub fn postgres_admin_url() -> String {
    std::env::var("TEST_POSTGRES_URL").unwrap_or_else(|_| DEFAULT_POSTGRES_URL.to_string())
}

/// One test database; [`TestDb::drop_now`] removes it.
pub struct TestDb {
    pub engine: Engine,
    pub url: String,
    /// The temp dir holding a SQLite file (removed on drop).
    pub dir: Option<tempfile::TempDir>,
    /// The PostgreSQL database's name.
    pub pg_name: Option<String>,
}

impl TestDb {
    pub async fn create() -> TestDb {
        Self::create_for(Engine::current()).await
    }

    pub async fn create_for(engine: Engine) -> TestDb {
        match engine {
            Engine::Sqlite => {
                let dir = tempfile::tempdir().expect("temp dir");
                let url = format!(
                    "sqlite://{}?mode=rwc",
                    dir.path().join("knooppunt.db").display()
                );
                TestDb {
                    engine,
                    url,
                    dir: Some(dir),
                    pg_name: None,
                }
            }
            Engine::Postgres => {
                static COUNTER: AtomicU32 = AtomicU32::new(0);
                let name = format!(
                    "{PREFIX}{}_{}",
                    std::process::id(),
                    COUNTER.fetch_add(1, Ordering::Relaxed)
                );
                let admin_url = postgres_admin_url();
                let admin = Database::connect(&admin_url)
                    .await
                    .unwrap_or_else(|e| panic!("cannot reach PostgreSQL at {admin_url}: {e}"));
                admin
                    .execute_unprepared(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
                    .await
                    .expect("drop old test database");
                admin
                    .execute_unprepared(&format!("CREATE DATABASE \"{name}\""))
                    .await
                    .expect("create test database");
                admin.close().await.ok();
                let mut url = url::Url::parse(&admin_url).expect("postgres url");
                url.set_path(&name);
                TestDb {
                    engine,
                    url: url.to_string(),
                    dir: None,
                    pg_name: Some(name),
                }
            }
        }
    }

    /// The SQLite file, if this is a SQLite database.
    pub fn sqlite_file(&self) -> Option<PathBuf> {
        self.dir.as_ref().map(|d| d.path().join("knooppunt.db"))
    }

    /// Removes the database (PostgreSQL: drops it, closing leftover connections).
    pub async fn drop_now(self) {
        if let Some(name) = &self.pg_name {
            let admin_url = postgres_admin_url();
            if let Ok(admin) = Database::connect(&admin_url).await {
                let _ = admin
                    .execute_unprepared(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
                    .await;
                admin.close().await.ok();
            }
        }
    }
}
