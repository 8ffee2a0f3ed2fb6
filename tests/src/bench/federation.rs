//! The federation benchmark's server under test: the release binary on a
//! database of its own, with rows written straight into it (followers,
//! known peers, people to follow), and what its inbox left there.

use std::net::Ipv4Addr;
use std::time::Duration;

use chrono::Utc;
use sea_orm::{ConnectionTrait, Database, DatabaseConnection, Value};

use super::proc::Memory;
use super::server::{BenchServer, Setup, free_addr};
use super::sql::{count, insert_rows, next_id, reset_sequences, statement};
use super::stats::ms;
use crate::{TestDb, TestInstance};

/// alice's password, and every other person's here.
pub const PASSWORD: &str = "lange wandeling 42";

/// The server under test: the release binary on a database of its own,
/// migrated, with one person (alice) made by `knooppunt user create`.
pub struct Subject {
    pub setup: Setup,
    pub db: TestDb,
    pub conn: DatabaseConnection,
    _dir: tempfile::TempDir,
}

impl Subject {
    pub async fn new(ip: Ipv4Addr, settings: &[(&str, &str)]) -> Subject {
        let db = TestDb::create().await;
        let dir = tempfile::tempdir().unwrap();
        let addr = free_addr(ip);
        let mut setup = Setup::new(dir.path(), addr, &db.url, &addr.to_string());
        for (key, value) in settings {
            setup = setup.env(key, value);
        }
        setup.cli(&["migrate"], None);
        let password = format!("{PASSWORD}\n");
        setup.cli(
            &["user", "create", "alice", "--email", "alice@bench.example"],
            Some(&password),
        );
        let conn = Database::connect(&db.url).await.unwrap();
        Subject {
            setup,
            db,
            conn,
            _dir: dir,
        }
    }

    /// alice's id, actor id (URL), keys and password hash.
    pub async fn alice(&self) -> Vec<String> {
        let sql = "SELECT CAST(a.id AS TEXT), a.ap_id, a.public_key_pem, a.private_key_pem, c.password_hash \
                   FROM actors a JOIN accounts c ON c.actor_id = a.id WHERE a.username_key = 'alice'";
        let stmt = statement(self.conn.get_database_backend(), sql, vec![]);
        let row = self.conn.query_one_raw(stmt).await.unwrap().unwrap();
        (0..5).map(|i| row.try_get_by_index(i).unwrap()).collect()
    }

    pub async fn finish(self) {
        self.conn.close().await.ok();
        self.db.drop_now().await;
    }
}

/// What the server process showed: exec to first 200, memory idle and after.
#[derive(Clone, Copy)]
pub struct ServerFigures {
    pub first_200: Duration,
    pub idle: Memory,
    pub after: Memory,
}

impl ServerFigures {
    pub fn print(&self) {
        println!(
            "  server: exec to first 200 {}; RSS idle after start {}, after the run {} (peak {:.1} MB)",
            ms(self.first_200),
            self.idle.describe(),
            self.after.describe(),
            self.after.peak_mb()
        );
    }
}

/// Starts the server and reads its memory once it has settled.
pub async fn start(subject: &Subject) -> (BenchServer, Duration, Memory) {
    let server = subject.setup.start(Duration::from_secs(30)).await;
    tokio::time::sleep(Duration::from_secs(1)).await;
    let idle = server.memory();
    let first = server.to_first_200;
    (server, first, idle)
}

/// `count` remote people following `alice`, on the hosts `host(f)` names.
pub async fn insert_followers(
    conn: &DatabaseConnection,
    alice: i64,
    count: usize,
    host: impl Fn(usize) -> String,
) {
    let now = Utc::now();
    let first = next_id(conn, "actors").await;
    let (mut actors, mut follows) = (Vec::new(), Vec::new());
    for f in 0..count {
        let host = host(f);
        let ap_id = format!("http://{host}/users/f{f}");
        let id = first + f as i64;
        actors.push(vec![
            id.into(),
            "person".into(),
            ap_id.clone().into(),
            format!("f{f}").into(),
            format!("f{f}").into(),
            host.into(),
            false.into(),
            format!("{ap_id}/inbox").into(),
            "-----BEGIN PUBLIC KEY-----\n-----END PUBLIC KEY-----\n".into(),
            now.into(),
            now.into(),
            Some(now).into(),
        ]);
        follows.push(vec![id.into(), alice.into(), true.into(), now.into()]);
    }
    let columns = [
        "id",
        "kind",
        "ap_id",
        "username",
        "username_key",
        "host",
        "local",
        "inbox_url",
        "public_key_pem",
        "created_at",
        "updated_at",
        "fetched_at",
    ];
    insert_rows(conn, "actors", &columns, actors).await;
    reset_sequences(conn, &["actors"]).await;
    let columns = ["follower_id", "target_id", "accepted", "created_at"];
    insert_rows(conn, "follows", &columns, follows).await;
}

/// `count` people of the peer (`bob0…`), known to the server already (as after earlier
/// contact): inserted as remote people with their public keys. Returns
/// their ids and private keys (PEM).
pub async fn senders(
    peer: &TestInstance,
    conn: &DatabaseConnection,
    count: usize,
) -> Vec<(String, String)> {
    let now = Utc::now();
    let (mut rows, mut out) = (Vec::new(), Vec::new());
    for s in 0..count {
        let name = format!("bob{s}");
        peer.create_person(&name, PASSWORD).await;
        let local = knooppunt::actors::store::find_local(&peer.state.db, &peer.state.config, &name)
            .await
            .unwrap()
            .unwrap();
        let row: Vec<Value> = vec![
            "person".into(),
            local.ap_id.clone().into(),
            name.clone().into(),
            name.clone().into(),
            peer.domain.clone().into(),
            false.into(),
            local.inbox_url.clone().into(),
            local.shared_inbox_url.clone().into(),
            local.followers_url.clone().into(),
            local.public_key_pem.clone().into(),
            now.into(),
            now.into(),
            Some(now).into(),
        ];
        rows.push(row);
        out.push((local.ap_id, local.private_key_pem.unwrap()));
    }
    let columns = [
        "kind",
        "ap_id",
        "username",
        "username_key",
        "host",
        "local",
        "inbox_url",
        "shared_inbox_url",
        "followers_url",
        "public_key_pem",
        "created_at",
        "updated_at",
        "fetched_at",
    ];
    insert_rows(conn, "actors", &columns, rows).await;
    out
}

/// `count` local people `t0…` to be followed, with alice's keys and password;
/// returns their actor ids (URLs).
pub async fn followed_people(subject: &Subject, count: usize) -> Vec<String> {
    let alice = subject.alice().await;
    let base = alice[1].strip_suffix("/users/alice").unwrap().to_string();
    let host = base.trim_start_matches("http://").to_string();
    let now = Utc::now();
    let first = next_id(&subject.conn, "actors").await;
    let (mut actors, mut accounts, mut ids) = (Vec::new(), Vec::new(), Vec::new());
    for n in 0..count {
        let (id, name) = (first + n as i64, format!("t{n}"));
        let ap_id = format!("{base}/users/{name}");
        actors.push(vec![
            id.into(),
            "person".into(),
            ap_id.clone().into(),
            name.clone().into(),
            name.clone().into(),
            host.clone().into(),
            true.into(),
            format!("{ap_id}/inbox").into(),
            Some(format!("{base}/inbox")).into(),
            Some(format!("{ap_id}/followers")).into(),
            alice[2].clone().into(),
            Some(alice[3].clone()).into(),
            Some("resident".to_string()).into(),
            now.into(),
            now.into(),
        ]);
        let email = format!("{name}@bench.example");
        accounts.push(vec![
            id.into(),
            email.clone().into(),
            email.into(),
            alice[4].clone().into(),
            now.into(),
        ]);
        ids.push(ap_id);
    }
    let columns = [
        "id",
        "kind",
        "ap_id",
        "username",
        "username_key",
        "host",
        "local",
        "inbox_url",
        "shared_inbox_url",
        "followers_url",
        "public_key_pem",
        "private_key_pem",
        "role",
        "created_at",
        "updated_at",
    ];
    insert_rows(&subject.conn, "actors", &columns, actors).await;
    reset_sequences(&subject.conn, &["actors"]).await;
    let columns = [
        "actor_id",
        "email",
        "email_key",
        "password_hash",
        "created_at",
    ];
    insert_rows(&subject.conn, "accounts", &columns, accounts).await;
    ids
}

/// Activities whose effect is in the database: statuses stored, or follows
/// recorded (accepted) from the peer's senders.
pub async fn effects(conn: &DatabaseConnection, kind: &str, peer: &TestInstance) -> i64 {
    match kind {
        "Follow" => {
            let sql = "SELECT COUNT(*) FROM follows f JOIN actors a ON a.id = f.follower_id \
                       WHERE a.host = ? AND f.accepted = TRUE";
            count(conn, sql, vec![peer.domain.clone().into()]).await
        }
        _ => {
            let sql = "SELECT COUNT(*) FROM statuses WHERE ap_id LIKE ?";
            let pattern = format!("{}/users/%/statuses/bench-%", peer.base_url);
            count(conn, sql, vec![pattern.into()]).await
        }
    }
}
