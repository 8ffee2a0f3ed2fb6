//! The persistent outbox under stress, with the real `knooppunt serve` binary:
//! a crash in the middle of a fan-out, a peer that is down for a while, two
//! processes sharing one PostgreSQL database, and peers that never answer.
//! Remote instances are played by a [`Sink`] on 127.0.1.1 … 127.0.1.N.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::net::{Ipv4Addr, SocketAddr};
use std::time::{Duration, Instant};

use knooppunt::federation::outbox::{self, QueueStatus};
use knooppunt_tests::database::Engine;
use knooppunt_tests::sink::{self, Arrival, Behaviour, Follower, Sink};
use knooppunt_tests::wait::wait_until;
use knooppunt_tests::{Knooppunt, ServeProcess, TestDb};
use sea_orm::DatabaseConnection;
use serde_json::{Value, json};

const PW: &str = "lange wandeling 42";
/// `federation.delivery_concurrency` (the default; not overridden here).
const DELIVERY_CONCURRENCY: usize = 16;
/// A lease is at least the send timeout plus 5 s, whatever is configured.
const SHORTEST_LEASE: Duration = Duration::from_secs(knooppunt::federation::SEND_TIMEOUT_SECS + 5);

/// An address on 127.0.0.`last` with a port that is free right now.
fn free_addr(last: u8) -> SocketAddr {
    std::net::TcpListener::bind((Ipv4Addr::new(127, 0, 0, last), 0))
        .expect("bind")
        .local_addr()
        .expect("addr")
}

/// The `application_name` of the child processes' PostgreSQL sessions.
const CHILD_SESSIONS: &str = "knooppunt-child";

/// `db`'s URL as the child processes get it: on PostgreSQL their sessions
/// carry [`CHILD_SESSIONS`], so a test can tell when a killed one's are gone.
fn child_url(db: &TestDb) -> String {
    if db.engine != Engine::Postgres {
        return db.url.clone();
    }
    let mut url = url::Url::parse(&db.url).expect("database url");
    url.query_pairs_mut()
        .append_pair("application_name", CHILD_SESSIONS);
    url.to_string()
}

/// `knooppunt ARGS` in `dir` on `db` for the instance `domain`, listening on
/// `listen`, with the settings every test here uses.
fn command(
    dir: &tempfile::TempDir,
    db: &TestDb,
    domain: &str,
    listen: SocketAddr,
    args: &[&str],
) -> Knooppunt {
    Knooppunt::new(dir.path(), args)
        .env("KNOOPPUNT_DATABASE__URL", &child_url(db))
        .env("KNOOPPUNT_HTTP__LISTEN", &listen.to_string())
        .env("KNOOPPUNT_INSTANCE__DOMAIN", domain)
        .env("KNOOPPUNT_FEDERATION__ALLOW_HTTP", "true")
        .env("KNOOPPUNT_FEDERATION__ALLOW_PRIVATE_ADDRESSES", "true")
        .env("KNOOPPUNT_FEDERATION__RETRY_BASE_SECS", "1")
        .env("KNOOPPUNT_FEDERATION__DELIVERY_LEASE_SECS", "2")
        .env("RUST_LOG", "info")
}

/// One instance (one database, one domain) with a poster, alice, followed by
/// many remote people who live on the sink.
struct Bench {
    dir: tempfile::TempDir,
    db: TestDb,
    /// The instance domain: the first process's listen address.
    domain: String,
    conn: DatabaseConnection,
    sink: Sink,
    followers: Vec<Follower>,
    http: reqwest::Client,
}

impl Bench {
    /// Migrates, creates alice with the CLI, starts a sink with `addresses`
    /// addresses and inserts `followers` followers of alice spread over them.
    async fn new(domain: SocketAddr, addresses: u8, followers: usize) -> Bench {
        let dir = tempfile::tempdir().expect("temp dir");
        let db = TestDb::create().await;
        let out = command(&dir, &db, &domain.to_string(), domain, &["migrate"]).run();
        assert!(out.success(), "migrate: {out:?}");
        let out = command(
            &dir,
            &db,
            &domain.to_string(),
            domain,
            &["user", "create", "alice", "--email", "alice@x.example"],
        )
        .stdin(&format!("{PW}\n"))
        .run();
        assert!(out.success(), "user create: {out:?}");
        let mut config = knooppunt::config::Config::default();
        config.database.url = db.url.clone();
        let conn = knooppunt::db::connect(&config)
            .await
            .expect("connect to the instance database");
        let alice = sink::local_person(&conn, "alice").await;
        let sink = Sink::start(addresses).await;
        sink.trust(&format!("{}#main-key", alice.ap_id), &alice.public_key_pem);
        let started = Instant::now();
        let followers = sink::add_followers(&conn, &sink, alice.id, followers).await;
        println!(
            "  {} followers on {addresses} sink addresses (port {}) inserted in {:?}",
            followers.len(),
            sink.port,
            started.elapsed()
        );
        Bench {
            dir,
            db,
            domain: domain.to_string(),
            conn,
            sink,
            followers,
            http: reqwest::Client::builder()
                .no_proxy()
                .build()
                .expect("client"),
        }
    }

    /// `knooppunt ARGS` for this instance, listening on `listen`.
    fn command(&self, listen: SocketAddr, args: &[&str]) -> Knooppunt {
        command(&self.dir, &self.db, &self.domain, listen, args)
    }

    async fn serve(&self, listen: SocketAddr) -> ServeProcess {
        let started = Instant::now();
        let process = self.command(listen, &["serve"]).serve(listen).await;
        println!("  serve on {listen} healthy after {:?}", started.elapsed());
        process
    }

    async fn queue(&self) -> QueueStatus {
        outbox::status(&self.conn).await.expect("outbox status")
    }

    /// Waits until no delivery is pending; returns the figures and the wait.
    async fn wait_drained(&self, timeout: Duration) -> (QueueStatus, Duration) {
        let started = Instant::now();
        loop {
            let queue = self.queue().await;
            if queue.pending == 0 {
                return (queue, started.elapsed());
            }
            assert!(
                started.elapsed() < timeout,
                "outbox not drained within {timeout:?}: {queue:?}; sink accepted {} ({} distinct), refused {}, hanging {}",
                self.sink.raw_count(),
                self.sink.distinct().len(),
                self.sink.refused(),
                self.sink.hanging()
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Waits until the sink has had `n` requests, at most 30 s after
    /// `started` (finely: a fan-out is quick).
    async fn wait_requests(&self, n: usize, started: Instant) {
        while self.sink.raw_count() < n {
            assert!(
                started.elapsed() < Duration::from_secs(30),
                "only {} of {n} deliveries within 30 s",
                self.sink.raw_count()
            );
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    }

    /// Waits until every follower `wanted` accepts has an activity about `uri`.
    async fn wait_received(
        &self,
        uri: &str,
        wanted: impl Fn(&Follower) -> bool,
        timeout: Duration,
    ) -> Duration {
        let targets: HashSet<&str> = self
            .followers
            .iter()
            .filter(|f| wanted(f))
            .map(Follower::target)
            .collect();
        let started = Instant::now();
        loop {
            let got: HashSet<String> = self
                .sink
                .arrivals()
                .into_iter()
                .filter(|a| a.object_id.as_deref() == Some(uri))
                .map(|a| a.target)
                .collect();
            let missing = targets.iter().filter(|t| !got.contains(**t)).count();
            if missing == 0 {
                return started.elapsed();
            }
            assert!(
                started.elapsed() < timeout,
                "{missing} of {} inboxes still without {uri} after {timeout:?}; queue: {:?}",
                targets.len(),
                self.queue().await
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// After a kill: waits until the killed process's PostgreSQL sessions
    /// have ended (a COMMIT it had sent is applied by then, or never) and the
    /// sink has read every connection it had open to its end.
    async fn wait_killed_gone(&self) {
        use sea_orm::{ConnectionTrait, DbBackend, Statement};
        wait_until(
            Duration::from_secs(10),
            "the killed process's connections closed",
            async || {
                let open = self.sink.open_connections();
                let sessions = if self.db.engine == Engine::Postgres {
                    let row = self
                        .conn
                        .query_one_raw(Statement::from_sql_and_values(
                            DbBackend::Postgres,
                            "SELECT count(*) AS n FROM pg_stat_activity \
                         WHERE datname = current_database() AND application_name = $1",
                            [CHILD_SESSIONS.into()],
                        ))
                        .await
                        .expect("pg_stat_activity")
                        .expect("a row");
                    row.try_get::<i64>("", "n").expect("n")
                } else {
                    0
                };
                if open == 0 && sessions == 0 {
                    Ok(())
                } else {
                    Err(format!(
                        "{open} connections open at the sink, {sessions} database sessions"
                    ))
                }
            },
        )
        .await;
    }

    async fn finish(self) {
        self.conn.close().await.ok();
        self.db.drop_now().await;
    }
}

/// Logs alice in through the client API (app, then password grant); returns the token.
async fn login(http: &reqwest::Client, base: &str) -> String {
    let app: Value = http
        .post(format!("{base}/api/v1/apps"))
        .json(&json!({ "client_name": "durability", "redirect_uris": "urn:ietf:wg:oauth:2.0:oob", "scopes": "read write" }))
        .send()
        .await
        .expect("register app")
        .json()
        .await
        .expect("app json");
    let token: Value = http
        .post(format!("{base}/oauth/token"))
        .form(&[
            ("grant_type", "password"),
            ("client_id", app["client_id"].as_str().expect("client_id")),
            (
                "client_secret",
                app["client_secret"].as_str().expect("client_secret"),
            ),
            ("username", "alice"),
            ("password", PW),
            ("scope", "read write"),
        ])
        .send()
        .await
        .expect("token")
        .json()
        .await
        .expect("token json");
    token["access_token"]
        .as_str()
        .unwrap_or_else(|| panic!("login failed: {token}"))
        .to_string()
}

/// Posts a public status; returns its ActivityPub id.
async fn post_status(http: &reqwest::Client, base: &str, token: &str, text: &str) -> String {
    let response = http
        .post(format!("{base}/api/v1/statuses"))
        .bearer_auth(token)
        .json(&json!({ "status": text, "visibility": "public" }))
        .send()
        .await
        .expect("post status");
    let code = response.status();
    let body: Value = response.json().await.expect("status json");
    assert_eq!(code, 200, "posting failed: {body}");
    body["uri"].as_str().expect("uri").to_string()
}

/// Every arrival is a Create of `uri`; returns its activity id.
fn the_create_of(arrivals: &[Arrival], uri: &str) -> String {
    let ids: HashSet<&str> = arrivals
        .iter()
        .filter(|a| a.object_id.as_deref() == Some(uri))
        .map(|a| a.activity_id.as_str())
        .collect();
    assert_eq!(ids.len(), 1, "one activity carries {uri}: {ids:?}");
    for a in arrivals
        .iter()
        .filter(|a| a.object_id.as_deref() == Some(uri))
    {
        assert_eq!(a.kind, "Create", "{a:?}");
    }
    ids.into_iter().next().unwrap().to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killing_the_sender_mid_fanout_loses_nothing() {
    const FOLLOWERS: usize = 200;
    let listen = free_addr(6);
    let bench = Bench::new(listen, 20, FOLLOWERS).await;
    bench
        .sink
        .set_default(Behaviour::Answer(Duration::from_millis(20)));
    let server = bench.serve(listen).await;
    let base = format!("http://{listen}");
    let token = login(&bench.http, &base).await;

    let started = Instant::now();
    let uri = post_status(&bench.http, &base, &token, "Straatfeest zaterdag!").await;
    // Kill once part of the fan-out has arrived.
    bench.wait_requests(FOLLOWERS / 2, started).await;
    let in_flight_at_kill = bench.sink.in_flight();
    let killed = server.kill();
    let kill_at = started.elapsed();
    let raw_at_kill = bench.sink.raw_count();
    let distinct_at_kill = bench.sink.distinct().len();
    assert!(
        distinct_at_kill < FOLLOWERS,
        "the fan-out had finished before the kill; nothing was tested"
    );
    assert_eq!(killed.code, None, "killed by a signal: {killed:?}");
    // What was still in the pipes lands meanwhile.
    bench.wait_killed_gone().await;
    let after_kill = bench.queue().await;
    let received_after_kill = bench.sink.distinct().len();
    println!(
        "  killed at {kill_at:?}: sink had {raw_at_kill} requests ({distinct_at_kill} distinct, {in_flight_at_kill} unanswered); \
         once its connections closed {received_after_kill} distinct; the database recorded {} delivered, {} pending \
         => {} received but not recorded as delivered",
        after_kill.delivered,
        after_kill.pending,
        received_after_kill.saturating_sub(usize::try_from(after_kill.delivered).unwrap()),
    );

    let restarted_at = Instant::now();
    let server = bench.serve(listen).await;
    let (queue, took) = bench.wait_drained(Duration::from_secs(60)).await;
    println!(
        "  restarted; drained {took:?} after the restart ({:?} in all): {queue:?}",
        restarted_at.elapsed() + kill_at
    );
    // The restarted process releases the crashed one's claims at start
    // (SQLite: it serves the file alone; PostgreSQL: the crashed process's
    // connection is gone) instead of waiting out their leases.
    assert!(
        took < SHORTEST_LEASE,
        "the restart waited out the crashed process's leases: {took:?}"
    );

    let arrivals = bench.sink.arrivals();
    let activity = the_create_of(&arrivals, &uri);
    let distinct = bench.sink.distinct();
    let missing: Vec<&str> = bench
        .followers
        .iter()
        .map(Follower::target)
        .filter(|t| !distinct.contains(&(activity.clone(), (*t).to_string())))
        .collect();
    let duplicates = arrivals.len() - distinct.len();
    println!(
        "  sink: {} requests, {} distinct (activity, inbox) pairs, {duplicates} duplicates \
         (receivers dedupe by activity id); {} bad signatures",
        arrivals.len(),
        distinct.len(),
        bench.sink.bad_signatures().len()
    );
    assert!(
        missing.is_empty(),
        "{} inboxes never got the Create: {missing:?}",
        missing.len()
    );
    assert_eq!(distinct.len(), FOLLOWERS, "nothing but the Create arrived");
    assert!(
        bench.sink.bad_signatures().is_empty(),
        "{:?}",
        bench.sink.bad_signatures()
    );
    assert_eq!(queue.failed, 0, "{queue:?}");
    assert_eq!(
        queue.delivered,
        u64::try_from(FOLLOWERS).unwrap(),
        "every delivery recorded as delivered: {queue:?}"
    );
    // Sent again after a crash: what was in flight, and successes not yet
    // marked. Those are marked in groups of half a worker's worth, and a
    // task waits for its group to be written before it sends again.
    let may_repeat = DELIVERY_CONCURRENCY + DELIVERY_CONCURRENCY / 2;
    assert!(
        duplicates <= may_repeat,
        "{duplicates} deliveries were sent twice after the crash, more than the {DELIVERY_CONCURRENCY} \
         a worker has in flight at once plus one group of successes not yet marked \
         ({in_flight_at_kill} were unanswered at the kill; \
         {received_after_kill} had arrived but the database recorded only {} as delivered)",
        after_kill.delivered
    );
    let stopped = server.terminate();
    assert_eq!(stopped.code, Some(0), "{}", stopped.stderr);
    bench.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stopped_sender_finishes_its_sends_and_hands_back_the_rest() {
    const FOLLOWERS: usize = 200;
    let listen = free_addr(6);
    let bench = Bench::new(listen, 20, FOLLOWERS).await;
    // Slow answers: the stop comes with sends in progress and more held.
    bench
        .sink
        .set_default(Behaviour::Answer(Duration::from_millis(100)));
    let server = bench.serve(listen).await;
    let base = format!("http://{listen}");
    let token = login(&bench.http, &base).await;
    let started = Instant::now();
    let uri = post_status(&bench.http, &base, &token, "Buurtvergadering dinsdag").await;
    bench.wait_requests(FOLLOWERS / 4, started).await;
    let stopped = server.terminate();
    assert_eq!(stopped.code, Some(0), "{}", stopped.stderr);
    let received = bench.sink.distinct().len();
    assert!(
        received < FOLLOWERS,
        "the fan-out had finished; nothing was tested"
    );
    let after_stop = bench.queue().await;
    println!("  stopped after {received} deliveries: {after_stop:?}");
    // Every send that started was answered and recorded, and nothing else
    // is still claimed.
    assert_eq!(
        after_stop.delivered,
        u64::try_from(received).unwrap(),
        "{after_stop:?}"
    );
    use knooppunt_federation::engine::entity::delivery;
    use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
    let leased = delivery::Entity::find()
        .filter(delivery::Column::State.eq("pending"))
        .filter(delivery::Column::LockedUntil.is_not_null())
        .count(&bench.conn)
        .await
        .expect("count");
    assert_eq!(leased, 0, "deliveries left claimed by a stopped process");

    let server = bench.serve(listen).await;
    let (queue, took) = bench.wait_drained(Duration::from_secs(60)).await;
    println!("  restarted; drained {took:?} after the restart: {queue:?}");
    let arrivals = bench.sink.arrivals();
    the_create_of(&arrivals, &uri);
    assert_eq!(bench.sink.distinct().len(), FOLLOWERS);
    assert_eq!(
        arrivals.len(),
        FOLLOWERS,
        "a graceful stop sends nothing twice"
    );
    let stopped = server.terminate();
    assert_eq!(stopped.code, Some(0), "{}", stopped.stderr);
    bench.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_peer_that_is_down_gets_everything_later_in_order() {
    const FOLLOWERS: usize = 20;
    const DOWN: u8 = 3;
    let listen = free_addr(6);
    let bench = Bench::new(listen, 5, FOLLOWERS).await;
    let down_host = bench.sink.host(DOWN);
    bench.sink.set(DOWN, Behaviour::Fail(500));
    let server = bench.serve(listen).await;
    let base = format!("http://{listen}");
    let token = login(&bench.http, &base).await;

    // Three posts while the peer is down, spread over its outage as people post.
    let started = Instant::now();
    let mut uris = Vec::new();
    for (i, text) in ["Eerste bericht", "Tweede bericht", "Derde bericht"]
        .into_iter()
        .enumerate()
    {
        if i > 0 {
            tokio::time::sleep(Duration::from_millis(2500)).await;
        }
        let uri = post_status(&bench.http, &base, &token, text).await;
        let posted_at = started.elapsed();
        let took = bench
            .wait_received(&uri, |f| f.address != DOWN, Duration::from_secs(15))
            .await;
        println!(
            "  post {} at {posted_at:?}: the {} other inboxes had it {took:?} later",
            i + 1,
            FOLLOWERS - FOLLOWERS / 5
        );
        uris.push(uri);
    }
    // Deliveries to the down address back off, and it is known to fail.
    let what = format!("deliveries to {down_host} failing");
    let queue = wait_until(Duration::from_secs(15), &what, async || {
        let queue = bench.queue().await;
        if queue.failing > 0 && queue.failing_instances.contains(&down_host) {
            Ok(queue)
        } else {
            Err(format!("{queue:?}"))
        }
    })
    .await;
    println!(
        "  while {down_host} is down ({:?}): {queue:?}; {} requests refused",
        started.elapsed(),
        bench.sink.refused()
    );
    assert!(
        bench
            .sink
            .arrivals()
            .iter()
            .all(|a| !a.target.starts_with(&down_host)),
        "nothing accepted at the down address"
    );

    // The peer comes back eight seconds after the first post.
    if let Some(rest) = Duration::from_secs(8).checked_sub(started.elapsed()) {
        tokio::time::sleep(rest).await;
    }
    bench.sink.set(DOWN, Behaviour::Answer(Duration::ZERO));
    let recovered_at = started.elapsed();
    let (queue, took) = bench.wait_drained(Duration::from_secs(60)).await;
    println!("  {down_host} back at {recovered_at:?}; drained {took:?} later: {queue:?}");

    let arrivals = bench.sink.arrivals();
    let activities: Vec<String> = uris.iter().map(|u| the_create_of(&arrivals, u)).collect();
    let mut problems = Vec::new();
    for follower in &bench.followers {
        let here: Vec<&Arrival> = arrivals
            .iter()
            .filter(|a| a.target == follower.target())
            .collect();
        let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
        let mut first_order: Vec<&str> = Vec::new();
        for a in &here {
            let n = counts.entry(a.activity_id.as_str()).or_default();
            if *n == 0 {
                first_order.push(a.activity_id.as_str());
            }
            *n += 1;
        }
        let expected: Vec<&str> = activities.iter().map(String::as_str).collect();
        if follower.address == DOWN {
            let timeline: Vec<String> = here
                .iter()
                .map(|a| {
                    let n = activities.iter().position(|x| *x == a.activity_id).unwrap() + 1;
                    format!("post {n} at {:?}", a.at.duration_since(started))
                })
                .collect();
            println!("  {}: {}", follower.target(), timeline.join(", "));
            if first_order != expected {
                problems.push(format!(
                    "{} got the Creates in the order {:?} (post numbers), not 1, 2, 3",
                    follower.target(),
                    first_order
                        .iter()
                        .map(|id| activities.iter().position(|x| x == id).unwrap() + 1)
                        .collect::<Vec<_>>()
                ));
            }
        }
        for id in &expected {
            let n = counts.get(id).copied().unwrap_or(0);
            if n != 1 {
                problems.push(format!("{} got {id} {n} times", follower.target()));
            }
        }
    }
    assert!(
        bench.sink.bad_signatures().is_empty(),
        "{:?}",
        bench.sink.bad_signatures()
    );
    assert_eq!(queue.failed, 0, "{queue:?}");
    assert_eq!(queue.delivered, 3 * u64::try_from(FOLLOWERS).unwrap());
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    drop(server);
    bench.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_processes_on_one_postgres_deliver_each_once() {
    if Engine::current() != Engine::Postgres {
        println!("  two_processes_on_one_postgres_deliver_each_once: PostgreSQL only; skipped");
        return;
    }
    const FOLLOWERS: usize = 300;
    let first_addr = free_addr(6);
    let second_addr = free_addr(7);
    let bench = Bench::new(first_addr, 30, FOLLOWERS).await;
    // Answers take 100 ms, so the fan-out lasts longer than the second
    // process's idle poll (1 s) and both compete for the same rows.
    bench
        .sink
        .set_default(Behaviour::Answer(Duration::from_millis(100)));
    let first = bench.serve(first_addr).await;
    let second = bench.serve(second_addr).await;
    let base = format!("http://{first_addr}");
    let token = login(&bench.http, &base).await;

    let started = Instant::now();
    let uri = post_status(&bench.http, &base, &token, "Buurtvergadering dinsdag").await;
    let (queue, took) = bench.wait_drained(Duration::from_secs(60)).await;
    println!(
        "  drained {took:?} after posting ({:?}): {queue:?}",
        started.elapsed()
    );

    // Who sent what: the connections the sink saw, matched to the processes' sockets.
    let owners = sink::tcp_connection_owners(&[first.pid(), second.pid()]);
    let arrivals = bench.sink.arrivals();
    let mut by_process: HashMap<&str, usize> = HashMap::new();
    for a in &arrivals {
        let who = match owners.get(&(a.peer.port(), a.local)) {
            Some(pid) if *pid == first.pid() => "first",
            Some(_) => "second",
            None => "unknown (connection closed)",
        };
        *by_process.entry(who).or_default() += 1;
    }
    println!("  deliveries by process: {by_process:?}");
    assert!(
        by_process.get("first").is_some_and(|n| *n > 0)
            && by_process.get("second").is_some_and(|n| *n > 0),
        "both processes took part (else this test proves nothing): {by_process:?}"
    );

    let activity = the_create_of(&arrivals, &uri);
    let distinct = bench.sink.distinct();
    let expected: HashSet<(String, String)> = bench
        .followers
        .iter()
        .map(|f| (activity.clone(), f.target().to_string()))
        .collect();
    println!(
        "  sink: {} requests, {} distinct, {} expected",
        arrivals.len(),
        distinct.len(),
        expected.len()
    );
    assert_eq!(distinct, expected, "every inbox got the Create");
    assert_eq!(
        arrivals.len(),
        expected.len(),
        "each (activity, inbox) exactly once: {} sent twice",
        arrivals.len() - distinct.len()
    );
    assert!(
        bench.sink.bad_signatures().is_empty(),
        "{:?}",
        bench.sink.bad_signatures()
    );
    assert_eq!(queue.failed, 0, "{queue:?}");
    assert_eq!(queue.delivered, u64::try_from(FOLLOWERS).unwrap());
    for (name, process) in [("first", first), ("second", second)] {
        let stopped = process.terminate();
        assert_eq!(stopped.code, Some(0), "{name}: {}", stopped.stderr);
    }
    bench.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hanging_peer_does_not_hold_up_the_others() {
    const FOLLOWERS: usize = 100;
    const HANGING: [u8; 2] = [2, 13];
    let listen = free_addr(6);
    let bench = Bench::new(listen, 20, FOLLOWERS).await;
    for k in HANGING {
        bench.sink.set(k, Behaviour::Hang);
    }
    let server = bench.serve(listen).await;
    let base = format!("http://{listen}");
    let token = login(&bench.http, &base).await;

    let started = Instant::now();
    let uri = post_status(&bench.http, &base, &token, "Wie heeft er een ladder?").await;
    let took = bench
        .wait_received(
            &uri,
            |f| !HANGING.contains(&f.address),
            Duration::from_secs(15),
        )
        .await;
    let hanging_inboxes = bench
        .followers
        .iter()
        .filter(|f| HANGING.contains(&f.address))
        .count();
    println!(
        "  the {} answering inboxes all had it {took:?} after posting ({:?} since the post began); \
         {} requests hang at the {hanging_inboxes} silent inboxes; queue: {:?}",
        FOLLOWERS - hanging_inboxes,
        started.elapsed(),
        bench.sink.hanging(),
        bench.queue().await
    );
    assert!(bench.sink.hanging() > 0, "the silent peers were tried");
    assert!(
        bench.sink.arrivals().iter().all(|a| !HANGING
            .iter()
            .any(|k| a.target.starts_with(&bench.sink.host(*k)))),
        "nothing accepted by the silent peers"
    );
    assert_eq!(
        bench.sink.raw_count(),
        FOLLOWERS - hanging_inboxes,
        "each answering inbox exactly once"
    );
    assert!(
        bench.sink.bad_signatures().is_empty(),
        "{:?}",
        bench.sink.bad_signatures()
    );
    drop(server);
    bench.finish().await;
}

/// Beyond the four above: a live process (no crash) must not send a delivery
/// again while its first attempt still waits for a slow peer. The peer answers
/// after 5 s: within the 10 s send timeout, past the 2 s lease.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slow_peer_gets_each_activity_once() {
    const SLOW: u8 = 2;
    let listen = free_addr(6);
    let bench = Bench::new(listen, 2, 2).await;
    bench
        .sink
        .set(SLOW, Behaviour::Answer(Duration::from_secs(5)));
    let server = bench.serve(listen).await;
    let base = format!("http://{listen}");
    let token = login(&bench.http, &base).await;

    let started = Instant::now();
    let uri = post_status(&bench.http, &base, &token, "Even geduld").await;
    let (queue, took) = bench.wait_drained(Duration::from_secs(30)).await;
    // A stopped process sends nothing more: every copy it sent is counted.
    let stopped = server.terminate();
    assert_eq!(stopped.code, Some(0), "{}", stopped.stderr);
    let slow = bench
        .followers
        .iter()
        .find(|f| f.address == SLOW)
        .expect("a follower on the slow address");
    let copies: Vec<Duration> = bench
        .sink
        .arrivals()
        .iter()
        .filter(|a| a.target == slow.target() && a.object_id.as_deref() == Some(&uri))
        .map(|a| a.at.duration_since(started))
        .collect();
    println!(
        "  drained {took:?} after posting: {queue:?}; the slow inbox got the Create at {copies:?}"
    );
    assert_eq!(queue.delivered, 2, "{queue:?}");
    assert_eq!(
        copies.len(),
        1,
        "one live process sent the same delivery {} times to a peer that was still answering the first (at {copies:?} after posting)",
        copies.len()
    );
    bench.finish().await;
}

/// A burst the inbox answered before processing it, then a SIGKILL: what the
/// backlog had not reached is processed when the process starts again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killing_the_receiver_with_a_backlog_loses_nothing() {
    use knooppunt::statuses::entity::status;
    use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
    const BURST: usize = 300;
    let listen = free_addr(6);
    let bench = Bench::new(listen, 1, 0).await;
    let server = bench.serve(listen).await;
    let sender = knooppunt_tests::TestInstance::start().await;
    sender.create_person("bob", PW).await;
    let bob_id = format!("{}/users/bob", sender.base_url);
    let prefix = format!("{bob_id}/statuses/burst-");
    let inbox = server.url("/inbox");
    let creates: Vec<Value> = (0..BURST)
        .map(|n| {
            knooppunt_tests::api::public_note_create(
                &bob_id,
                &format!("burst-{n}"),
                &format!("Bericht {n}"),
            )
        })
        .collect();
    let codes = futures_util::future::join_all(creates.iter().map(|c| async {
        knooppunt_tests::api::signed_post(&sender, "bob", &inbox, c)
            .await
            .status()
            .as_u16()
    }))
    .await;
    let killed = server.kill();
    assert_eq!(killed.code, None, "killed by a signal: {killed:?}");
    bench.wait_killed_gone().await;
    assert!(codes.iter().all(|c| *c == 202), "{codes:?}");
    let stored = || {
        status::Entity::find()
            .filter(status::Column::ApId.starts_with(&prefix))
            .count(&bench.conn)
    };
    let at_kill = stored().await.unwrap();
    let waiting = bench.queue().await.unprocessed_received;
    println!("  at the kill: {at_kill} of {BURST} stored, {waiting} journalled but unprocessed");
    assert!(
        waiting > 0,
        "the backlog was processed before the kill; nothing was tested"
    );

    let server = bench.serve(listen).await;
    let started = Instant::now();
    while stored().await.unwrap() < BURST as u64 || bench.queue().await.unprocessed_received > 0 {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "after the restart: {} of {BURST} stored; {:?}",
            stored().await.unwrap(),
            bench.queue().await
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    println!(
        "  all {BURST} stored {:?} after the restart",
        started.elapsed()
    );
    drop(server);
    sender.stop().await;
    bench.finish().await;
}

/// The backend pid of a PostgreSQL connection, and a wait for it to be gone.
async fn backend_pid(conn: &mut sea_orm::sqlx::PgConnection) -> i32 {
    sea_orm::sqlx::query_scalar("SELECT pg_backend_pid()")
        .fetch_one(conn)
        .await
        .expect("pid")
}

async fn wait_backend_gone(db: &DatabaseConnection, pid: i32) {
    use sea_orm::{ConnectionTrait, DbBackend, Statement};
    let started = Instant::now();
    loop {
        let row = db
            .query_one_raw(Statement::from_sql_and_values(
                DbBackend::Postgres,
                "SELECT count(*) AS n FROM pg_stat_activity WHERE pid = $1",
                [pid.into()],
            ))
            .await
            .expect("pg_stat_activity")
            .expect("a row");
        if row.try_get::<i64>("", "n").expect("n") == 0 {
            return;
        }
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "backend {pid} still there"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn claims_of_a_gone_process_are_released_and_a_broken_claim_connection_is_replaced() {
    use knooppunt_federation::engine::entity::{activity, delivery};
    use sea_orm::sqlx::Connection;
    use sea_orm::{ActiveModelTrait, ActiveValue::Set, EntityTrait};
    if Engine::current() != Engine::Postgres {
        println!("  claims_of_a_gone_process…: PostgreSQL only; skipped");
        return;
    }
    let instance = knooppunt_tests::TestInstance::start().await;
    let db = &instance.state.db;
    let actor = knooppunt::actors::entity::Entity::find()
        .one(db)
        .await
        .expect("actors")
        .expect("the instance actor");
    let now = chrono::Utc::now();
    let activity = activity::ActiveModel {
        ap_id: Set(format!("{}/activities/claims-test", instance.base_url)),
        actor_id: Set(actor.id),
        kind: Set("Create".into()),
        object_ap_id: Set(None),
        body: Set("{}".into()),
        public: Set(true),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await
    .expect("activity");
    // Claimed, not due again for an hour: the worker leaves them alone.
    let later = now + chrono::Duration::hours(1);
    let claimed = |inbox: &str, by: i32| delivery::ActiveModel {
        activity_id: Set(activity.id),
        inbox_url: Set(format!("http://{inbox}/inbox")),
        host: Set(inbox.to_string()),
        state: Set("pending".into()),
        attempts: Set(0),
        next_attempt_at: Set(later),
        locked_until: Set(Some(later)),
        claimed_by: Set(Some(by)),
        last_error: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    };

    // Another process: its own connection, then gone.
    let mut other = sea_orm::sqlx::PgConnection::connect(&instance.db.url)
        .await
        .expect("connect");
    let other_pid = backend_pid(&mut other).await;
    let ours = instance
        .state
        .federation
        .claimant
        .id()
        .expect("a serving process on PostgreSQL has a claim id");
    let theirs = claimed("gone.example", other_pid)
        .insert(db)
        .await
        .expect("delivery");
    let mine = claimed("live.example", ours)
        .insert(db)
        .await
        .expect("delivery");
    other.close().await.expect("close");
    wait_backend_gone(db, other_pid).await;
    let released = outbox::release_orphaned(db).await.expect("release");
    assert_eq!(released, 1, "only the gone process's claim");
    let get = |id: i64| async move {
        delivery::Entity::find_by_id(id)
            .one(db)
            .await
            .expect("delivery")
            .expect("still there")
    };
    assert_eq!(get(theirs.id).await.locked_until, None);
    assert!(get(mine.id).await.locked_until.is_some(), "ours kept");

    // Our own connection breaks (as when PostgreSQL restarts): the claims
    // move to the new one and stay ours.
    let mut admin = sea_orm::sqlx::PgConnection::connect(&instance.db.url)
        .await
        .expect("connect");
    sea_orm::sqlx::query("SELECT pg_terminate_backend($1)")
        .bind(ours)
        .execute(&mut admin)
        .await
        .expect("terminate");
    wait_backend_gone(db, ours).await;
    instance
        .state
        .federation
        .claimant
        .ensure(db)
        .await
        .expect("a new connection");
    let renewed = instance.state.federation.claimant.id().expect("an id");
    assert_ne!(renewed, ours);
    let again = get(mine.id).await;
    assert_eq!(again.claimed_by, Some(renewed));
    assert_eq!(outbox::release_orphaned(db).await.expect("release"), 0);
    assert!(get(mine.id).await.locked_until.is_some(), "ours kept");
    admin.close().await.ok();
}
