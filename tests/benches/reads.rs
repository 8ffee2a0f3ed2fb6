//! Reads benchmark: prints figures, asserts nothing.
//!
//!   cargo build --release -p knooppunt
//!   cargo bench -p knooppunt-tests --bench reads
//!
//! The server is the real release binary (target/release/knooppunt, built by
//! the first command; `cargo bench` does not build it), reached over HTTP.
//!
//! - Engines: both in one invocation, SQLite first; `TEST_DATABASE=sqlite` or
//!   `TEST_DATABASE=postgres` runs one. PostgreSQL is `TEST_POSTGRES_URL`
//!   (default postgres://postgres@127.0.0.1:5432/test), with a fresh
//!   database per run, dropped at the end.
//! - Data: 1,000,000 posts, 10,000 accounts and 5,000 plans (one with 200
//!   arguments), inserted in bulk after the server's migrations (see
//!   knooppunt_tests::bench::seed), then one start of the server until it
//!   has filled its search index and folded the account counts (what it
//!   does once after an import). `KP_BENCH_SCALE=0.01` seeds a hundredth,
//!   to check the benchmark end to end quickly. Seeding time is printed and
//!   is not part of any figure. The seeded SQLite file is kept under
//!   target/kp-bench/, keyed by the migration list, the scale and the data
//!   set's version, and copied for each run.
//! - Figures: p50 and p99 of home, public and tag timelines, plans by theme,
//!   web pages (front page, plans, plans by theme, local timeline, events,
//!   a plan with 200 arguments: server time and weight with the CSS),
//!   a plan's page and its 200 arguments, and search (a plan search too if
//!   the API has one), one request at a time, signed in with a token. Each
//!   is measured alternately with the bare keyset SQL that fetches the same
//!   page of ids, on the benchmark's own connection; the ratio
//!   endpoint/bare is printed. Then the server's idle memory after start,
//!   its memory after the run, and the time from exec to the first 200 of
//!   `/healthz` on the seeded database.
//! - `KP_BENCH_SAMPLES` (default 500) requests per figure, each figure
//!   stopping after 60 s with at least 50.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::net::Ipv4Addr;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use knooppunt_migrations::{Migrator, MigratorTrait};
use knooppunt_tests::bench::proc::{Memory, load_average};
use knooppunt_tests::bench::seed::{self, Scale};
use knooppunt_tests::bench::server::{
    BenchServer, Setup, describe_binary, free_addr, sign_in, target_dir,
};
use knooppunt_tests::bench::sql::{self, statement};
use knooppunt_tests::bench::stats::{Latencies, median, met, ms};
use knooppunt_tests::{Engine, TestDb};
use sea_orm::{ConnectOptions, ConnectionTrait, Database, DatabaseConnection, Statement, Value};

/// The instance's name in every id: fixed, so a cached database fits any port.
const DOMAIN: &str = "kp-bench.example";
/// Goals of issue 15.
const GOAL_P99_SQLITE: Duration = Duration::from_millis(20);
const GOAL_RATIO: f64 = 3.0;
const GOAL_IDLE_MB: f64 = 25.0;
const GOAL_FIRST_200: Duration = Duration::from_millis(100);
/// Goals of issue 16 for web pages: server time and weight (HTML plus CSS).
const GOAL_P99_PAGE: Duration = Duration::from_millis(50);
const GOAL_PAGE_BYTES: usize = 60 * 1024;

#[tokio::main(flavor = "multi_thread")]
async fn main() {
    let scale = Scale::from_env();
    let engines = match std::env::var_os("TEST_DATABASE") {
        Some(_) => vec![Engine::current()],
        None => vec![Engine::Sqlite, Engine::Postgres],
    };
    println!(
        "Knooppunt reads benchmark: scale {} ({} posts, {} accounts, {} plans), {} cores, load {}",
        scale.factor,
        scale.posts,
        scale.accounts,
        scale.plans,
        std::thread::available_parallelism().map_or(1, |n| n.get()),
        load_average()
    );
    describe_binary();
    for engine in engines {
        run(engine, scale).await;
    }
}

/// A seeded database ready to serve, and what removes it.
struct Prepared {
    dir: tempfile::TempDir,
    url: String,
    postgres: Option<TestDb>,
}

async fn run(engine: Engine, scale: Scale) {
    println!("\n== {engine:?}");
    let prepared = prepare(engine, scale).await;
    let setup = setup(prepared.dir.path(), &prepared.url);
    let mut starts = Vec::new();
    let mut server = None;
    for _ in 0..3 {
        if let Some(s) = server.take() {
            BenchServer::stop(s);
        }
        let s = setup.start(Duration::from_secs(60)).await;
        starts.push(s.to_first_200);
        server = Some(s);
    }
    let server = server.expect("started");
    tokio::time::sleep(Duration::from_secs(1)).await;
    let idle = server.memory();
    let db = connect(&prepared.url).await;
    let client = reqwest::Client::builder().no_proxy().build().unwrap();
    let viewers = scale.viewers();
    let tokens = sign_in(&client, &server.url(""), &viewers, seed::PASSWORD).await;
    let probes = probes(&db, &viewers, &tokens).await;
    println!(
        "{:<30} {:>19} {:>21} {:>15}  goals",
        "", "endpoint p50/p99", "bare SQL p50/p99", "ratio p50/p99"
    );
    let css_bytes = style_sheet_bytes(&client, &server).await;
    println!("the style sheet: {:.1} KB", css_bytes as f64 / 1024.0);
    for probe in &probes {
        let m = measure(&client, &server, &db, probe).await;
        report(engine, probe, &m, css_bytes);
    }
    let after = server.memory();
    print_server(&starts, idle, after);
    server.stop();
    db.close().await.ok();
    if let Some(pg) = prepared.postgres {
        pg.drop_now().await;
    }
}

fn setup(dir: &Path, url: &str) -> Setup {
    Setup::new(dir, free_addr(Ipv4Addr::LOCALHOST), url, DOMAIN)
}

/// The benchmark's own connection, for the bare SQL: one, as one request
/// uses one at a time.
async fn connect(url: &str) -> DatabaseConnection {
    let mut options = ConnectOptions::new(url.to_string());
    options.max_connections(1).sqlx_logging(false);
    Database::connect(options).await.expect("connect")
}

/// A fresh seeded database: on SQLite a copy of the cached file (seeded
/// first if there is none for this schema and scale), on PostgreSQL a new
/// database seeded now.
async fn prepare(engine: Engine, scale: Scale) -> Prepared {
    let dir = tempfile::tempdir().expect("temp dir");
    match engine {
        Engine::Sqlite => {
            let file = dir.path().join("knooppunt.db");
            let url = format!("sqlite://{}?mode=rwc", file.display());
            let (cached, key) = cache_paths(scale);
            let wanted = cache_key(scale);
            if std::fs::read_to_string(&key).ok().as_deref() != Some(wanted.as_str()) {
                seed_fresh(dir.path(), &url, scale).await;
                checkpoint(&url).await;
                std::fs::create_dir_all(cached.parent().expect("dir")).expect("cache dir");
                let partial = cached.with_extension("partial");
                std::fs::copy(&file, &partial).expect("cache the seeded file");
                std::fs::rename(&partial, &cached).expect("cache");
                std::fs::write(&key, &wanted).expect("cache key");
            } else {
                println!("seeded SQLite file from the cache: {}", cached.display());
                std::fs::copy(&cached, &file).expect("copy the cached file");
            }
            Prepared {
                dir,
                url,
                postgres: None,
            }
        }
        Engine::Postgres => {
            let db = TestDb::create_for(Engine::Postgres).await;
            let url = db.url.clone();
            seed_fresh(dir.path(), &url, scale).await;
            Prepared {
                dir,
                url,
                postgres: Some(db),
            }
        }
    }
}

fn cache_paths(scale: Scale) -> (PathBuf, PathBuf) {
    let base = target_dir()
        .join("kp-bench")
        .join(format!("reads-scale-{}", scale.factor));
    (base.with_extension("db"), base.with_extension("key"))
}

/// What a cached file must match: the data set's version, the scale and
/// every migration.
fn cache_key(scale: Scale) -> String {
    let migrations: Vec<String> = Migrator::migrations()
        .iter()
        .map(|m| m.name().to_string())
        .collect();
    format!(
        "data set v{}, scale {}\n{}\n",
        seed::VERSION,
        scale.factor,
        migrations.join("\n")
    )
}

/// The server's migrations and one person made by the server, then the
/// data set in bulk, then one start and stop of the server (whatever it
/// does once on a new database is not measured).
async fn seed_fresh(dir: &Path, url: &str, scale: Scale) {
    let began = Instant::now();
    let setup = setup(dir, url);
    setup.cli(&["migrate"], None);
    let email = format!("{}@bench.example", seed::TEMPLATE_USER);
    let password = format!("{}\n", seed::PASSWORD);
    setup.cli(
        &["user", "create", seed::TEMPLATE_USER, "--email", &email],
        Some(&password),
    );
    let db = connect(url).await;
    seed::seed(&db, scale).await;
    if db.get_database_backend() == sea_orm::DbBackend::Postgres {
        // Statistics, as autovacuum gathers them within minutes of a bulk
        // load on a running instance; without them the planner guesses.
        db.execute_unprepared("ANALYZE").await.expect("analyze");
    }
    db.close().await.ok();
    let first = setup.start(Duration::from_secs(3600)).await;
    println!(
        "  first start after seeding: {:.1} s",
        first.to_first_200.as_secs_f64()
    );
    let settling = Instant::now();
    settle(url).await;
    println!(
        "  search index filled and account counts folded by the server in {:.1} s",
        settling.elapsed().as_secs_f64()
    );
    first.stop();
    println!(
        "seeding took {:.1} s (not part of the figures)",
        began.elapsed().as_secs_f64()
    );
}

/// Waits until the server has done what it does once after seeding, while
/// serving: filling the search index and folding the account counts.
async fn settle(url: &str) {
    let db = connect(url).await;
    loop {
        let backfill = sql::count(&db, "SELECT COUNT(*) FROM search_backfill", vec![]).await;
        let deltas = sql::count(&db, "SELECT COUNT(*) FROM actor_stat_deltas", vec![]).await;
        if backfill == 0 && deltas == 0 {
            break;
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
    db.close().await.ok();
}

/// Moves SQLite's write-ahead log into the file, so that one file is the copy.
async fn checkpoint(url: &str) {
    let db = connect(url).await;
    db.execute_unprepared("PRAGMA wal_checkpoint(TRUNCATE)")
        .await
        .expect("checkpoint");
    db.close().await.ok();
}

/// One figure: a request (or a few, taken in turn) and its bare SQL.
struct Probe {
    name: &'static str,
    variants: Vec<Variant>,
    /// The ids a response shows, to compare with the bare SQL's; None for HTML.
    ids: Option<IdsOf>,
    /// Compare ids as sets (a response grouped by stance).
    unordered: bool,
}

struct Variant {
    path: String,
    token: Option<String>,
    html: bool,
    bare: Statement,
}

/// Ids of a JSON array of objects with `id`.
fn array_ids(v: &serde_json::Value) -> Vec<i64> {
    v.as_array()
        .map(|items| {
            items
                .iter()
                .filter_map(|i| i["id"].as_str().and_then(|s| s.parse().ok()))
                .collect()
        })
        .unwrap_or_default()
}

fn search_ids(v: &serde_json::Value) -> Vec<i64> {
    array_ids(&v["statuses"])
}

fn argument_ids(v: &serde_json::Value) -> Vec<i64> {
    ["pro", "contra", "comments"]
        .iter()
        .flat_map(|k| array_ids(&v[*k]))
        .collect()
}

const HOME: &str = "SELECT id FROM statuses \
    WHERE (actor_id = ? OR actor_id IN (SELECT target_id FROM follows WHERE follower_id = ? AND accepted = TRUE)) \
    AND (visibility <> 'direct' OR actor_id = ? OR id IN (SELECT status_id FROM mentions WHERE actor_id = ?)) \
    ORDER BY id DESC LIMIT 20";
const PUBLIC: &str = "SELECT id FROM statuses WHERE visibility = 'public' AND reblog_of_id IS NULL \
    ORDER BY id DESC LIMIT 20";
const TAGGED: &str = "SELECT s.id FROM statuses s JOIN status_tags st ON st.status_id = s.id \
    JOIN tags t ON t.id = st.tag_id WHERE t.name = ? AND s.visibility = 'public' \
    ORDER BY s.id DESC LIMIT 20";
const BY_THEME: &str = "SELECT p.id FROM plans p JOIN status_tags st ON st.status_id = p.status_id \
    JOIN tags t ON t.id = st.tag_id WHERE t.name = ? ORDER BY p.id DESC LIMIT 20";
const ARGUMENTS: &str = "SELECT id FROM statuses WHERE in_reply_to_id = ? \
    AND visibility IN ('public', 'unlisted') ORDER BY id LIMIT 200";
const SEARCH: &str = "SELECT id FROM statuses WHERE visibility = 'public' AND reblog_of_id IS NULL \
    AND lower(content) LIKE ? ORDER BY id DESC LIMIT 20";
const PROPOSALS: &str = "SELECT id FROM plans WHERE state = 'proposal' ORDER BY id DESC LIMIT 3";
const PLANS: &str = "SELECT id FROM plans ORDER BY id DESC LIMIT 20";
const LOCAL: &str = "SELECT id FROM statuses WHERE visibility = 'public' AND local = TRUE \
    AND reblog_of_id IS NULL ORDER BY id DESC LIMIT 20";
const EVENTS: &str = "SELECT id FROM events ORDER BY starts_at, id LIMIT 20";
const PLAN_SEARCH: &str = "SELECT id FROM plans WHERE lower(title) LIKE ? OR lower(summary) LIKE ? \
    ORDER BY id DESC LIMIT 20";

/// How the ids a JSON response shows are read.
type IdsOf = fn(&serde_json::Value) -> Vec<i64>;

/// Home timelines of every viewer, taken in turn.
async fn home(db: &DatabaseConnection, viewers: &[String], tokens: &[String]) -> Probe {
    let mut variants = Vec::new();
    for (name, token) in viewers.iter().zip(tokens) {
        let id = viewer_id(db, name).await;
        variants.push(Variant {
            path: "/api/v1/timelines/home".into(),
            token: Some(token.clone()),
            html: false,
            bare: statement(db.get_database_backend(), HOME, vec![id.into(); 4]),
        });
    }
    Probe {
        name: "home timeline",
        variants,
        ids: Some(array_ids),
        unordered: false,
    }
}

/// A figure of one request: JSON with `ids`, or HTML (asked for without a token).
fn single(
    name: &'static str,
    path: String,
    token: &str,
    bare: Statement,
    ids: Option<IdsOf>,
) -> Probe {
    let html = ids.is_none();
    Probe {
        name,
        variants: vec![Variant {
            path,
            token: (!html).then(|| token.to_string()),
            html,
            bare,
        }],
        ids,
        unordered: false,
    }
}

async fn probes(db: &DatabaseConnection, viewers: &[String], tokens: &[String]) -> Vec<Probe> {
    let backend = db.get_database_backend();
    let stmt = |sql: &str, values: Vec<Value>| statement(backend, sql, values);
    let token = tokens[0].as_str();
    let (plan, plan_status) = big_plan(db).await;
    let arguments = || stmt(ARGUMENTS, vec![plan_status.into()]);
    let pattern = format!("%{}%", seed::SEARCH_WORD);
    let word = seed::SEARCH_WORD;
    vec![
        home(db, viewers, tokens).await,
        single(
            "public timeline",
            "/api/v1/timelines/public".into(),
            token,
            stmt(PUBLIC, vec![]),
            Some(array_ids),
        ),
        single(
            "tag timeline",
            format!("/api/v1/timelines/tag/{}", seed::TAG),
            token,
            stmt(TAGGED, vec![seed::TAG.into()]),
            Some(array_ids),
        ),
        single(
            "plans by theme",
            format!("/api/knooppunt/v1/plans?theme={}", seed::THEME),
            token,
            stmt(BY_THEME, vec![seed::THEME.into()]),
            Some(array_ids),
        ),
        single(
            "plan page (web, 200 arguments)",
            format!("/plans/{plan}"),
            token,
            arguments(),
            None,
        ),
        single(
            "front page (web)",
            "/".into(),
            token,
            stmt(PROPOSALS, vec![]),
            None,
        ),
        single(
            "plans (web)",
            "/plans".into(),
            token,
            stmt(PLANS, vec![]),
            None,
        ),
        single(
            "plans by theme (web)",
            format!("/plans?theme={}", seed::THEME),
            token,
            stmt(BY_THEME, vec![seed::THEME.into()]),
            None,
        ),
        single(
            "local timeline (web)",
            "/local".into(),
            token,
            stmt(LOCAL, vec![]),
            None,
        ),
        single(
            "events (web)",
            "/events".into(),
            token,
            stmt(EVENTS, vec![]),
            None,
        ),
        Probe {
            unordered: true,
            ..single(
                "plan's 200 arguments (API)",
                format!("/api/knooppunt/v1/plans/{plan}/arguments?limit=200"),
                token,
                arguments(),
                Some(argument_ids),
            )
        },
        single(
            "search (statuses)",
            format!("/api/v2/search?q={word}&type=statuses"),
            token,
            stmt(SEARCH, vec![pattern.clone().into()]),
            Some(search_ids),
        ),
        single(
            "plan search",
            format!("/api/knooppunt/v1/plans/search?q={word}"),
            token,
            stmt(PLAN_SEARCH, vec![pattern.clone().into(), pattern.into()]),
            Some(array_ids),
        ),
    ]
}

async fn viewer_id(db: &DatabaseConnection, name: &str) -> i64 {
    let stmt = statement(
        db.get_database_backend(),
        "SELECT id FROM actors WHERE username_key = ? AND local = TRUE",
        vec![name.into()],
    );
    sql::ids(db, stmt).await[0]
}

/// The plan with 200 arguments: its id and its post's.
async fn big_plan(db: &DatabaseConnection) -> (i64, i64) {
    let stmt = statement(
        db.get_database_backend(),
        "SELECT id, status_id FROM plans WHERE title = ?",
        vec![seed::BIG_PLAN_TITLE.into()],
    );
    let row = db.query_one_raw(stmt).await.unwrap().expect("the big plan");
    (
        row.try_get_by_index(0).unwrap(),
        row.try_get_by_index(1).unwrap(),
    )
}

/// What one figure came to.
struct Measured {
    endpoint: Latencies,
    bare: Latencies,
    /// Why there is no figure (the endpoint's answer), if there is none.
    missing: Option<String>,
    /// Whether the response showed the bare SQL's ids.
    check: String,
    /// The largest first answer of its variants, in bytes.
    bytes: usize,
}

async fn request(
    client: &reqwest::Client,
    server: &BenchServer,
    v: &Variant,
) -> (u16, bytes::Bytes) {
    let mut r = client.get(server.url(&v.path));
    if let Some(token) = &v.token {
        r = r.bearer_auth(token);
    }
    if v.html {
        r = r.header("accept", "text/html");
    }
    let response = r.send().await.expect("request");
    let status = response.status().as_u16();
    (status, response.bytes().await.unwrap_or_default())
}

/// Requests and bare queries taken in turn, after a warm-up; the first
/// answer of each variant is compared with its bare SQL's ids.
async fn measure(
    client: &reqwest::Client,
    server: &BenchServer,
    db: &DatabaseConnection,
    probe: &Probe,
) -> Measured {
    let mut m = Measured {
        endpoint: Latencies::default(),
        bare: Latencies::default(),
        missing: None,
        check: String::new(),
        bytes: 0,
    };
    let mut checks = Vec::new();
    for v in &probe.variants {
        let (status, body) = request(client, server, v).await;
        if status != 200 {
            let text = String::from_utf8_lossy(&body);
            m.missing = Some(format!("{} answers {status} {}", v.path, text.trim()));
            return m;
        }
        m.bytes = m.bytes.max(body.len());
        let bare = sql::ids(db, v.bare.clone()).await;
        checks.push(compare(probe, &body, bare));
        for _ in 0..5 {
            request(client, server, v).await;
            sql::ids(db, v.bare.clone()).await;
        }
    }
    checks.dedup();
    m.check = checks.join("; ");
    let samples: usize = std::env::var("KP_BENCH_SAMPLES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(500);
    let began = Instant::now();
    for i in 0..samples {
        if i >= 50 && began.elapsed() > Duration::from_secs(60) {
            break;
        }
        let v = &probe.variants[i % probe.variants.len()];
        let t = Instant::now();
        request(client, server, v).await;
        m.endpoint.push(t.elapsed());
        let t = Instant::now();
        db.query_all_raw(v.bare.clone()).await.expect("bare SQL");
        m.bare.push(t.elapsed());
    }
    m
}

/// The size of the one style sheet the front page links to.
async fn style_sheet_bytes(client: &reqwest::Client, server: &BenchServer) -> usize {
    let html = client
        .get(server.url("/"))
        .send()
        .await
        .expect("front page")
        .text()
        .await
        .unwrap_or_default();
    let Some(href) = html
        .split("href=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .find(|href| href.starts_with("/static/site.") && href.ends_with(".css"))
    else {
        return 0;
    };
    client
        .get(server.url(href))
        .send()
        .await
        .expect("style sheet")
        .bytes()
        .await
        .map_or(0, |b| b.len())
}

/// "same N ids", or how the response differs from the bare SQL's page.
fn compare(probe: &Probe, body: &[u8], mut bare: Vec<i64>) -> String {
    let Some(ids) = probe.ids else {
        return format!("HTML; bare SQL {} ids", bare.len());
    };
    let json: serde_json::Value = serde_json::from_slice(body).unwrap_or_default();
    let mut shown = ids(&json);
    if probe.unordered {
        shown.sort_unstable();
        bare.sort_unstable();
    }
    if shown == bare {
        format!("same {} ids", shown.len())
    } else {
        format!(
            "ids DIFFER: endpoint {} ({:?}…), bare SQL {} ({:?}…)",
            shown.len(),
            &shown[..shown.len().min(3)],
            bare.len(),
            &bare[..bare.len().min(3)]
        )
    }
}

fn ratio(a: Duration, b: Duration) -> f64 {
    a.as_secs_f64() / b.as_secs_f64().max(1e-9)
}

fn report(engine: Engine, probe: &Probe, m: &Measured, css_bytes: usize) {
    if let Some(why) = &m.missing {
        println!("{:<30} not measured: {why}", probe.name);
        return;
    }
    let (e50, e99, b50, b99) = (
        m.endpoint.p50(),
        m.endpoint.p99(),
        m.bare.p50(),
        m.bare.p99(),
    );
    let mut goals = format!(
        "p99 <= {GOAL_RATIO}x bare: {}",
        met(ratio(e99, b99) <= GOAL_RATIO)
    );
    if engine == Engine::Sqlite {
        goals = format!("p99 <= 20 ms: {}; {goals}", met(e99 <= GOAL_P99_SQLITE));
    }
    if probe.ids.is_none() {
        let weight = m.bytes + css_bytes;
        goals = format!(
            "{goals}; page p99 <= 50 ms: {}; {:.1} KB with CSS <= 60: {}",
            met(e99 <= GOAL_P99_PAGE),
            weight as f64 / 1024.0,
            met(weight <= GOAL_PAGE_BYTES)
        );
    }
    println!(
        "{:<30} {:>9} {:>9}   {:>9} {:>9}   {:>6.1}x {:>6.1}x  {goals}",
        probe.name,
        ms(e50),
        ms(e99),
        ms(b50),
        ms(b99),
        ratio(e50, b50),
        ratio(e99, b99),
    );
    println!("{:<30} {} samples each; {}", "", m.endpoint.len(), m.check);
}

fn print_server(starts: &[Duration], idle: Memory, after: Memory) {
    let all: Vec<String> = starts.iter().map(|d| ms(*d)).collect();
    let mid = Duration::from_secs_f64(median(
        &starts.iter().map(Duration::as_secs_f64).collect::<Vec<_>>(),
    ));
    println!(
        "server: exec to first 200 of /healthz on the seeded database: {} (median {}; goal <= 100 ms: {})",
        all.join(", "),
        ms(mid),
        met(mid <= GOAL_FIRST_200)
    );
    println!(
        "server: RSS idle after start {} (goal <= 25 MB: {}); after the run {} (peak {:.1} MB)",
        idle.describe(),
        met(idle.rss_mb() <= GOAL_IDLE_MB),
        after.describe(),
        after.peak_mb()
    );
    println!("load average now: {}", load_average());
}
