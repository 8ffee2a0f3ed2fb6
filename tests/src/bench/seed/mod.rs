//! The reads benchmark's data set, written straight into a migrated
//! database in multi-row INSERTs: people and follows, a million posts with
//! hashtags, mentions, replies and boosts, and plans with themes, supports
//! and arguments. Deterministic: the same scale gives the same rows.

mod people;
mod plans;
mod posts;
mod rows;
mod text;

use std::time::Instant;

use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, TransactionTrait};

use super::rng::Rng;
use super::sql::{reset_sequences, statement};

pub use posts::THEMES;

/// Every local person signs in with this password.
pub const PASSWORD: &str = "lange wandeling 42";
/// The person the template account is made from (by `knooppunt user create`).
pub const TEMPLATE_USER: &str = "sjabloon";
/// How many people's home timelines are read (see [`Scale::viewers`]).
pub const VIEWERS: usize = 8;
/// The hashtag whose timeline is read.
pub const TAG: &str = "moestuin";
/// The theme plans are listed by.
pub const THEME: &str = "verkeer";
/// The word searched for (some posts say "zebrapaden").
pub const SEARCH_WORD: &str = "zebrapad";
/// The plan with [`BIG_PLAN_ARGUMENTS`] arguments.
pub const BIG_PLAN_TITLE: &str = "Autovrije Grote Markt";
pub const BIG_PLAN_ARGUMENTS: usize = 200;
/// Bump when the data set (or what the first start leaves in it) changes:
/// cached databases of older versions are not used.
pub const VERSION: u32 = 2;

/// How much to seed: 1,000,000 posts, 10,000 accounts and 5,000 plans at
/// scale 1.
#[derive(Debug, Clone, Copy)]
pub struct Scale {
    pub factor: f64,
    pub posts: usize,
    pub accounts: usize,
    pub plans: usize,
}

impl Scale {
    pub fn new(factor: f64) -> Scale {
        let of = |n: f64, least: usize| ((n * factor) as usize).max(least);
        Scale {
            factor,
            posts: of(1_000_000.0, 1_000),
            accounts: of(10_000.0, 50),
            plans: of(5_000.0, 20),
        }
    }

    /// Local people (who can sign in): a fifth of the accounts.
    pub fn locals(&self) -> usize {
        (self.accounts / 5).max(10)
    }

    /// The people whose home timelines are read, spread over the local
    /// people: those first post and are followed more than those last.
    pub fn viewers(&self) -> Vec<String> {
        (0..VIEWERS)
            .map(|k| format!("p{}", k * self.locals() / VIEWERS))
            .collect()
    }

    /// `KP_BENCH_SCALE`, 1 by default.
    pub fn from_env() -> Scale {
        let factor = std::env::var("KP_BENCH_SCALE")
            .ok()
            .and_then(|s| s.parse::<f64>().ok())
            .filter(|f| *f > 0.0)
            .unwrap_or(1.0);
        Scale::new(factor)
    }
}

/// What seeded local people copy from one person the server made: keys,
/// password hash, role, and the instance's address.
pub struct Template {
    pub base_url: String,
    pub host: String,
    pub role: String,
    pub public_key_pem: String,
    pub private_key_pem: String,
    pub password_hash: String,
}

impl Template {
    /// Reads [`TEMPLATE_USER`], made by `knooppunt user create`.
    pub async fn read(db: &impl ConnectionTrait) -> Template {
        let sql = "SELECT a.ap_id, a.host, a.role, a.public_key_pem, a.private_key_pem, c.password_hash \
                   FROM actors a JOIN accounts c ON c.actor_id = a.id WHERE a.username_key = ? AND a.local = TRUE";
        let row = db
            .query_one_raw(statement(
                db.get_database_backend(),
                sql,
                vec![TEMPLATE_USER.into()],
            ))
            .await
            .expect("template query")
            .expect("the template person exists");
        let get = |c: &str| row.try_get::<String>("", c).expect(c);
        let ap_id = get("ap_id");
        Template {
            base_url: ap_id
                .strip_suffix(&format!("/users/{TEMPLATE_USER}"))
                .expect("a local person's id")
                .to_string(),
            host: get("host"),
            role: get("role"),
            public_key_pem: get("public_key_pem"),
            private_key_pem: get("private_key_pem"),
            password_hash: get("password_hash"),
        }
    }
}

/// Fills a migrated database with the data set; prints each step's time.
pub async fn seed(db: &DatabaseConnection, scale: Scale) {
    let t = Template::read(db).await;
    let mut rng = Rng::new(0x6b6e_6f6f_7070_756e);
    // Fixed times: a cached database equals a fresh one.
    let start: DateTime<Utc> = "2026-01-01T00:00:00Z".parse().expect("time");
    let step = Instant::now();
    let txn = db.begin().await.expect("begin");
    let people = people::insert(&txn, &t, scale.accounts, scale.locals(), start).await;
    let follows = people::follow(&txn, &people, &mut rng, start).await;
    let tags = posts::insert_tags(&txn).await;
    txn.commit().await.expect("commit");
    println!(
        "  seeded {} accounts ({} local), {follows} follows, {} hashtags in {:.1} s",
        people.count,
        people.locals,
        tags.names.len(),
        step.elapsed().as_secs_f64()
    );
    let step = Instant::now();
    let txn = db.begin().await.expect("begin");
    let p = posts::insert(&txn, &t, &people, &tags, scale.posts, &mut rng, start).await;
    txn.commit().await.expect("commit");
    println!(
        "  seeded {} posts in {:.1} s",
        p.count,
        step.elapsed().as_secs_f64()
    );
    let step = Instant::now();
    let after = start + chrono::Duration::seconds(scale.posts as i64 * 20);
    let txn = db.begin().await.expect("begin");
    let arguments = plans::insert(&txn, &t, &people, &tags, scale.plans, &mut rng, after).await;
    txn.commit().await.expect("commit");
    println!(
        "  seeded {} plans with {arguments} arguments in {:.1} s",
        scale.plans,
        step.elapsed().as_secs_f64()
    );
    reset_sequences(db, &["actors", "statuses", "tags", "plans"]).await;
    if db.get_database_backend() == DbBackend::Postgres {
        // Statistics, as autovacuum would gather them on a live server.
        db.execute_unprepared("ANALYZE").await.expect("analyze");
    }
}
