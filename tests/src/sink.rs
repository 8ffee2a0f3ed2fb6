//! A sink standing in for many remote instances: one small HTTP server in the
//! test process listening on 127.0.1.1 … 127.0.1.N (one port), taking
//! `POST /inbox/{n}`, checking each request's HTTP signature and recording what
//! arrived where. Each address can be told to answer slowly, fail or hang.
//! Also: remote followers inserted straight into an instance's database.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Bytes;
use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::routing::post;
use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter,
    TransactionTrait,
};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

use knooppunt::actors::entity as actor;
use knooppunt::actors::graph::follow;

/// How one address of the sink answers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Behaviour {
    /// Takes the activity and answers 202 after this long.
    Answer(Duration),
    /// Answers this status at once and takes nothing (a peer in trouble).
    Fail(u16),
    /// Reads the request and never answers (the connection stays open).
    Hang,
}

/// One accepted activity.
#[derive(Clone, Debug)]
pub struct Arrival {
    /// The activity's `id`.
    pub activity_id: String,
    /// The activity's `type`.
    pub kind: String,
    /// The id of its `object` (embedded or by reference).
    pub object_id: Option<String>,
    /// `host:port/path` the request was addressed to (the inbox without scheme).
    pub target: String,
    /// The sender's end of the connection.
    pub peer: SocketAddr,
    /// The sink's end of the connection.
    pub local: SocketAddr,
    pub at: Instant,
}

#[derive(Default)]
struct Log {
    arrivals: Vec<Arrival>,
    answered: usize,
    refused: usize,
    hanging: usize,
    bad_signatures: Vec<String>,
}

struct Inner {
    log: Mutex<Log>,
    default: Mutex<Behaviour>,
    per_address: Mutex<HashMap<Ipv4Addr, Behaviour>>,
    /// Public keys by key id (`ACTOR#main-key`).
    keys: Mutex<HashMap<String, String>>,
    /// Connections accepted and not yet closed, over all addresses.
    open: Arc<AtomicUsize>,
}

#[derive(Clone)]
struct Listener {
    inner: Arc<Inner>,
    local: SocketAddr,
}

/// The running sink; stops listening on drop.
pub struct Sink {
    pub port: u16,
    count: u8,
    inner: Arc<Inner>,
    tasks: Vec<JoinHandle<()>>,
}

/// The `k`-th sink address, `127.0.1.k` (k from 1).
pub fn sink_ip(k: u8) -> Ipv4Addr {
    Ipv4Addr::new(127, 0, 1, k)
}

/// Binds 127.0.1.1 … 127.0.1.`count` on one port that is free on all of them.
async fn bind_sink_set(count: u8) -> Vec<TcpListener> {
    'attempt: for _ in 0..50 {
        let first = TcpListener::bind((sink_ip(1), 0))
            .await
            .expect("bind 127.0.1.1");
        let port = first.local_addr().expect("local addr").port();
        let mut listeners = vec![first];
        for k in 2..=count {
            match TcpListener::bind((sink_ip(k), port)).await {
                Ok(l) => listeners.push(l),
                Err(_) => continue 'attempt,
            }
        }
        return listeners;
    }
    panic!("could not find a port free on {count} sink addresses");
}

impl Sink {
    /// Listens on 127.0.1.1 … 127.0.1.`count`; every address answers 202 at once.
    pub async fn start(count: u8) -> Sink {
        assert!(count >= 1, "at least one address");
        let inner = Arc::new(Inner {
            log: Mutex::new(Log::default()),
            default: Mutex::new(Behaviour::Answer(Duration::ZERO)),
            per_address: Mutex::new(HashMap::new()),
            keys: Mutex::new(HashMap::new()),
            open: Arc::new(AtomicUsize::new(0)),
        });
        let listeners = bind_sink_set(count).await;
        let port = listeners[0].local_addr().expect("addr").port();
        let tasks = listeners
            .into_iter()
            .map(|listener| {
                let state = Listener {
                    inner: inner.clone(),
                    local: listener.local_addr().expect("addr"),
                };
                let app = Router::new()
                    .route("/inbox/{n}", post(inbox))
                    .with_state(state);
                let listener = Counted {
                    listener,
                    open: inner.open.clone(),
                };
                tokio::spawn(async move {
                    let _ = axum::serve(
                        listener,
                        app.into_make_service_with_connect_info::<Sender>(),
                    )
                    .await;
                })
            })
            .collect();
        Sink {
            port,
            count,
            inner,
            tasks,
        }
    }

    /// Number of addresses.
    pub fn count(&self) -> u8 {
        self.count
    }

    /// `127.0.1.k:PORT`, the authority of the `k`-th address (k from 1).
    pub fn host(&self, k: u8) -> String {
        format!("{}:{}", sink_ip(k), self.port)
    }

    /// `http://127.0.1.k:PORT/inbox/n`.
    pub fn inbox_url(&self, k: u8, n: usize) -> String {
        format!("http://{}/inbox/{n}", self.host(k))
    }

    /// How every address without its own behaviour answers.
    pub fn set_default(&self, behaviour: Behaviour) {
        *self.inner.default.lock().unwrap() = behaviour;
    }

    /// How the `k`-th address answers from now on.
    pub fn set(&self, k: u8, behaviour: Behaviour) {
        self.inner
            .per_address
            .lock()
            .unwrap()
            .insert(sink_ip(k), behaviour);
    }

    /// Accepts signatures made with `key_id` and verified by `public_key_pem`.
    pub fn trust(&self, key_id: &str, public_key_pem: &str) {
        self.inner
            .keys
            .lock()
            .unwrap()
            .insert(key_id.to_string(), public_key_pem.to_string());
    }

    /// Every accepted activity, in arrival order.
    pub fn arrivals(&self) -> Vec<Arrival> {
        self.inner.log.lock().unwrap().arrivals.clone()
    }

    /// Accepted requests, duplicates included.
    pub fn raw_count(&self) -> usize {
        self.inner.log.lock().unwrap().arrivals.len()
    }

    /// Distinct (activity id, target) pairs accepted.
    pub fn distinct(&self) -> HashSet<(String, String)> {
        self.inner
            .log
            .lock()
            .unwrap()
            .arrivals
            .iter()
            .map(|a| (a.activity_id.clone(), a.target.clone()))
            .collect()
    }

    /// Accepted requests not answered yet (waiting in [`Behaviour::Answer`]).
    pub fn in_flight(&self) -> usize {
        let log = self.inner.log.lock().unwrap();
        log.arrivals.len() - log.answered
    }

    /// Requests answered with an error status ([`Behaviour::Fail`]).
    pub fn refused(&self) -> usize {
        self.inner.log.lock().unwrap().refused
    }

    /// Requests held open forever ([`Behaviour::Hang`]).
    pub fn hanging(&self) -> usize {
        self.inner.log.lock().unwrap().hanging
    }

    /// Connections open now: accepted and not yet closed after their
    /// sender closed its end (or the sink answered with an error).
    pub fn open_connections(&self) -> usize {
        self.inner.open.load(Ordering::SeqCst)
    }

    /// Why each request with a bad or unknown signature was refused.
    pub fn bad_signatures(&self) -> Vec<String> {
        self.inner.log.lock().unwrap().bad_signatures.clone()
    }
}

impl Drop for Sink {
    fn drop(&mut self) {
        for task in &self.tasks {
            task.abort();
        }
    }
}

/// A sink listener that counts its open connections: a connection counts
/// from its accept until the server drops it.
struct Counted {
    listener: TcpListener,
    open: Arc<AtomicUsize>,
}

/// An accepted connection; uncounted when dropped.
struct CountedStream {
    stream: TcpStream,
    open: Arc<AtomicUsize>,
}

impl Drop for CountedStream {
    fn drop(&mut self) {
        self.open.fetch_sub(1, Ordering::SeqCst);
    }
}

impl axum::serve::Listener for Counted {
    type Io = CountedStream;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (CountedStream, SocketAddr) {
        let (stream, from) = axum::serve::Listener::accept(&mut self.listener).await;
        self.open.fetch_add(1, Ordering::SeqCst);
        let open = self.open.clone();
        (CountedStream { stream, open }, from)
    }

    fn local_addr(&self) -> std::io::Result<SocketAddr> {
        self.listener.local_addr()
    }
}

impl AsyncRead for CountedStream {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.get_mut().stream).poll_read(cx, buf)
    }
}

impl AsyncWrite for CountedStream {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        Pin::new(&mut self.get_mut().stream).poll_write(cx, buf)
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.get_mut().stream).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.get_mut().stream).poll_shutdown(cx)
    }
}

/// The sender's end of a connection, as the inbox handler sees it.
#[derive(Clone, Copy)]
struct Sender(SocketAddr);

impl axum::extract::connect_info::Connected<axum::serve::IncomingStream<'_, Counted>> for Sender {
    fn connect_info(stream: axum::serve::IncomingStream<'_, Counted>) -> Self {
        Sender(*stream.remote_addr())
    }
}

fn behaviour_for(inner: &Inner, ip: IpAddr) -> Behaviour {
    let own = match ip {
        IpAddr::V4(v4) => inner.per_address.lock().unwrap().get(&v4).copied(),
        IpAddr::V6(_) => None,
    };
    own.unwrap_or_else(|| *inner.default.lock().unwrap())
}

/// Checks the request's signature against the trusted keys.
fn check_signature(
    inner: &Inner,
    method: &Method,
    uri: &Uri,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<(), String> {
    let mut map: BTreeMap<String, String> = BTreeMap::new();
    for (name, value) in headers {
        let value = value.to_str().map_err(|e| e.to_string())?;
        map.entry(name.as_str().to_ascii_lowercase())
            .and_modify(|v| {
                v.push_str(", ");
                v.push_str(value);
            })
            .or_insert_with(|| value.to_string());
    }
    let pending = knooppunt_federation::signatures::prepare(
        method.as_str(),
        uri.path(),
        uri.query(),
        &map,
        Some(body),
    )
    .map_err(|e| e.to_string())?;
    let pem = inner
        .keys
        .lock()
        .unwrap()
        .get(&pending.key_id)
        .cloned()
        .ok_or_else(|| format!("unknown key id {}", pending.key_id))?;
    pending.verify(&pem).map_err(|e| e.to_string())
}

async fn inbox(
    State(listener): State<Listener>,
    ConnectInfo(Sender(peer)): ConnectInfo<Sender>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> StatusCode {
    let inner = &listener.inner;
    let host = headers
        .get("host")
        .and_then(|h| h.to_str().ok())
        .unwrap_or_default()
        .to_string();
    let target = format!("{host}{}", uri.path());
    if let Err(reason) = check_signature(inner, &method, &uri, &headers, &body) {
        inner
            .log
            .lock()
            .unwrap()
            .bad_signatures
            .push(format!("{target}: {reason}"));
        return StatusCode::UNAUTHORIZED;
    }
    let Ok(activity) = serde_json::from_slice::<serde_json::Value>(&body) else {
        inner
            .log
            .lock()
            .unwrap()
            .bad_signatures
            .push(format!("{target}: body is not JSON"));
        return StatusCode::BAD_REQUEST;
    };
    match behaviour_for(inner, listener.local.ip()) {
        Behaviour::Fail(code) => {
            inner.log.lock().unwrap().refused += 1;
            StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
        }
        Behaviour::Hang => {
            inner.log.lock().unwrap().hanging += 1;
            std::future::pending::<()>().await;
            StatusCode::GATEWAY_TIMEOUT
        }
        Behaviour::Answer(delay) => {
            let object = &activity["object"];
            let arrival = Arrival {
                activity_id: activity["id"].as_str().unwrap_or_default().to_string(),
                kind: activity["type"].as_str().unwrap_or_default().to_string(),
                object_id: object
                    .as_str()
                    .or_else(|| object["id"].as_str())
                    .map(str::to_string),
                target,
                peer,
                local: listener.local,
                at: Instant::now(),
            };
            inner.log.lock().unwrap().arrivals.push(arrival);
            if !delay.is_zero() {
                tokio::time::sleep(delay).await;
            }
            inner.log.lock().unwrap().answered += 1;
            StatusCode::ACCEPTED
        }
    }
}

/// A remote follower living on the sink.
#[derive(Clone, Debug)]
pub struct Follower {
    pub actor_id: i64,
    /// Which sink address (from 1).
    pub address: u8,
    pub inbox_url: String,
}

impl Follower {
    /// The inbox as the sink records it: `host:port/path`.
    pub fn target(&self) -> &str {
        self.inbox_url
            .strip_prefix("http://")
            .unwrap_or(&self.inbox_url)
    }
}

/// Inserts `count` remote people on the sink, follower `n` on address
/// `n % sink.count() + 1` with its own inbox `/inbox/n`, each with an accepted
/// follow of `target_id`. They count as freshly fetched, so nothing fetches them.
pub async fn add_followers(
    db: &DatabaseConnection,
    sink: &Sink,
    target_id: i64,
    count: usize,
) -> Vec<Follower> {
    let txn = db.begin().await.expect("begin");
    let now = Utc::now();
    let mut followers = Vec::with_capacity(count);
    for n in 0..count {
        let address = u8::try_from(n % usize::from(sink.count())).expect("few addresses") + 1;
        let host = sink.host(address);
        let inbox_url = sink.inbox_url(address, n);
        let username = format!("f{n}");
        let row = actor::ActiveModel {
            kind: Set("person".into()),
            ap_id: Set(format!("http://{host}/users/{username}")),
            username: Set(username.clone()),
            username_key: Set(username.clone()),
            host: Set(host),
            local: Set(false),
            display_name: Set(format!("Follower {n}")),
            summary: Set(String::new()),
            role: Set(None),
            inbox_url: Set(inbox_url.clone()),
            shared_inbox_url: Set(None),
            public_key_pem: Set(
                "-----BEGIN PUBLIC KEY-----\nunused\n-----END PUBLIC KEY-----\n".into(),
            ),
            private_key_pem: Set(None),
            created_at: Set(now),
            updated_at: Set(now),
            locked: Set(false),
            avatar_media_id: Set(None),
            header_media_id: Set(None),
            url: Set(None),
            followers_url: Set(None),
            outbox_url: Set(None),
            following_url: Set(None),
            fetched_at: Set(Some(now)),
            ..Default::default()
        }
        .insert(&txn)
        .await
        .expect("insert remote follower");
        follow::ActiveModel {
            follower_id: Set(row.id),
            target_id: Set(target_id),
            accepted: Set(true),
            created_at: Set(now),
            ap_id: Set(None),
            ..Default::default()
        }
        .insert(&txn)
        .await
        .expect("insert follow");
        followers.push(Follower {
            actor_id: row.id,
            address,
            inbox_url,
        });
    }
    txn.commit().await.expect("commit followers");
    followers
}

/// The local person `name` (any instance domain: there is one per database).
pub async fn local_person(db: &DatabaseConnection, name: &str) -> actor::Model {
    actor::Entity::find()
        .filter(actor::Column::Local.eq(true))
        .filter(actor::Column::Kind.eq("person"))
        .filter(actor::Column::UsernameKey.eq(name))
        .one(db)
        .await
        .expect("query actors")
        .unwrap_or_else(|| panic!("no local person {name}"))
}

/// Which of `pids` owns each of its open IPv4 TCP connections, keyed by
/// (the process's local port, the remote address), read from /proc (Linux).
/// Connections already closed are not listed.
pub fn tcp_connection_owners(pids: &[u32]) -> HashMap<(u16, SocketAddr), u32> {
    let mut inode_owner: HashMap<u64, u32> = HashMap::new();
    for &pid in pids {
        let Ok(fds) = std::fs::read_dir(format!("/proc/{pid}/fd")) else {
            continue;
        };
        for fd in fds.flatten() {
            let Ok(link) = std::fs::read_link(fd.path()) else {
                continue;
            };
            let link = link.to_string_lossy();
            if let Some(inode) = link
                .strip_prefix("socket:[")
                .and_then(|s| s.strip_suffix(']'))
                .and_then(|s| s.parse::<u64>().ok())
            {
                inode_owner.insert(inode, pid);
            }
        }
    }
    let parse = |field: &str| -> Option<SocketAddr> {
        let (ip, port) = field.split_once(':')?;
        let ip = u32::from_str_radix(ip, 16).ok()?;
        let port = u16::from_str_radix(port, 16).ok()?;
        Some(SocketAddr::new(
            IpAddr::V4(Ipv4Addr::from(ip.to_le_bytes())),
            port,
        ))
    };
    let mut owners = HashMap::new();
    let table = std::fs::read_to_string("/proc/net/tcp").unwrap_or_default();
    for line in table.lines().skip(1) {
        let fields: Vec<&str> = line.split_whitespace().collect();
        if fields.len() < 10 {
            continue;
        }
        let (Some(local), Some(remote), Ok(inode)) =
            (parse(fields[1]), parse(fields[2]), fields[9].parse::<u64>())
        else {
            continue;
        };
        if let Some(&pid) = inode_owner.get(&inode) {
            owners.insert((local.port(), remote), pid);
        }
    }
    owners
}
