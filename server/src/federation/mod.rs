//! Federation with other servers: our actors and objects as ActivityPub JSON,
//! WebFinger, the inbox, the persistent outbox and its delivery worker, and
//! fetching remote actors and notes.

pub mod backlog;
pub mod blocks;
pub mod entity;
pub mod fanout;
pub mod inbox;
pub mod journal;
pub mod outbox;
pub mod remote;

use std::sync::Arc;
use std::time::Duration;

use knooppunt_federation::fetch::{FetchPolicy, SafeClient, Signer};
use tokio::sync::Notify;

use crate::config::Config;
use crate::error::AppError;

/// What the engine needs from the application that runs it: its database,
/// configuration and engine state, and what to do with an activity that
/// passed the inbox's checks. The server implements it for its `AppState`
/// (in `apub`), so the engine never names a domain: arrows point one way.
pub trait App: Clone + Send + Sync + 'static {
    fn db(&self) -> &sea_orm::DatabaseConnection;
    fn config(&self) -> &Config;
    fn federation(&self) -> &Federation;
    /// Applies one verified, journalled activity: the domains' rules.
    fn receive(
        &self,
        sender: &crate::actors::entity::Model,
        kind: &str,
        activity: &serde_json::Value,
    ) -> impl std::future::Future<Output = Result<axum::http::StatusCode, AppError>> + Send;
}

/// What federation needs at run time: the safe HTTP client, the instance
/// actor's key for signed fetches, and a bell that wakes the delivery worker.
pub struct Federation {
    pub client: SafeClient,
    /// The instance actor's key, for signed fetches.
    instance_signer: Signer,
    pub outbox_bell: Arc<Notify>,
    /// The inbound journal, written in groups.
    pub journal: journal::Journal,
    /// Journalled activities left for the background task under a burst.
    pub backlog: backlog::Backlog,
    pub inbox_limiter: InboxLimiter,
    /// Deliveries this process is sending right now: never claimed twice here.
    pub in_flight: std::sync::Mutex<std::collections::HashSet<i64>>,
    /// Activities being fanned out, ready to send (body and parsed key), so a
    /// fan-out to many inboxes reads and parses them once.
    pub prepared:
        std::sync::Mutex<std::collections::HashMap<i64, Arc<tokio::sync::OnceCell<Arc<Prepared>>>>>,
    /// Hosts whose last delivery succeeded: their health row needs no update.
    pub healthy_hosts: std::sync::Mutex<std::collections::HashSet<String>>,
    /// Hosts that answered and are not yet in `healthy_hosts`: their health
    /// rows are written with the next group of delivered deliveries.
    pub answered: std::sync::Mutex<std::collections::BTreeSet<String>>,
    /// Deliveries sent successfully and not yet marked so: written in one
    /// statement per group rather than one per delivery.
    pub delivered: outbox::Unmarked,
    /// What this process's claims record (PostgreSQL).
    pub claimant: outbox::Claimant,
    /// Remote actors whose keys signed recent requests, by actor id: a burst
    /// from one server is checked without a query per request. Dropped when
    /// the actor is updated or deleted here; other processes' copies live at
    /// most [`SIGNER_CACHE_SECS`], and a key that no longer verifies is
    /// fetched again anyway.
    pub signers: moka::future::Cache<String, crate::actors::entity::Model>,
    /// Signing keys fetched again after a signature failed to verify, for
    /// [`KEY_REFETCH_SECS`]: a forger naming another server's actor must not
    /// make us fetch that actor on every request.
    pub refetched_keys: moka::future::Cache<String, ()>,
    /// Deliveries that failed since start: the journal's memory of hosts
    /// found up is valid only while this stays the same.
    pub failures: Arc<std::sync::atomic::AtomicU64>,
    /// Signing keys (by actor URL) whose fetch failed lately: not fetched
    /// again until they expire, whoever names them.
    pub failed_keys: moka::future::Cache<String, ()>,
    /// Signing-key fetches per claimed instance and minute, for requests
    /// not yet verified.
    pub key_fetches: InboxLimiter,
    /// Signing-key fetches running at once, for requests not yet verified.
    pub key_fetch_slots: tokio::sync::Semaphore,
    /// Signing-key fetches per client address and minute, for requests not
    /// yet verified: one sender naming endless hosts is held back too.
    pub key_fetch_clients: governor::DefaultKeyedRateLimiter<String>,
    /// Signing keys being fetched: concurrent requests naming one unknown
    /// key wait for one fetch.
    pub signer_fetches: moka::future::Cache<String, crate::actors::entity::Model>,
    /// Longest the processing of one received activity may take.
    pub activity_budget: Duration,
}

/// Signing-key fetches for unverified requests running at once.
pub const KEY_FETCH_SLOTS: usize = 8;
/// Signing-key fetches per minute that unverified requests from one client
/// address may cause.
pub const KEY_FETCHES_PER_CLIENT: u32 = 120;

/// How long a sender's actor is reused from memory for signature checks.
pub const SIGNER_CACHE_SECS: u64 = 60;

/// A key whose signature failed is fetched again at most this often.
pub const KEY_REFETCH_SECS: u64 = 60;

/// An outgoing activity ready to be signed and sent.
pub struct Prepared {
    pub ap_id: String,
    pub body: bytes::Bytes,
    pub signer: Signer,
}

/// Per-instance inbox rate limit: a fixed one-minute window per remote host.
/// Kept in memory (a cache: a restart only forgets the counts).
pub struct InboxLimiter {
    per_minute: u32,
    windows: std::sync::Mutex<std::collections::HashMap<String, (std::time::Instant, u32)>>,
}

const WINDOW: Duration = Duration::from_secs(60);

impl InboxLimiter {
    pub fn new(per_minute: u32) -> InboxLimiter {
        InboxLimiter {
            per_minute,
            windows: std::sync::Mutex::new(std::collections::HashMap::new()),
        }
    }

    /// Whether `host` has used up its share this minute: `Err(seconds)` to
    /// wait. Counts nothing; see [`InboxLimiter::count`].
    pub fn check(&self, host: &str) -> Result<(), u64> {
        let now = std::time::Instant::now();
        let Ok(windows) = self.windows.lock() else {
            return Ok(());
        };
        match windows.get(host) {
            Some((start, n)) if *n >= self.per_minute && now.duration_since(*start) < WINDOW => {
                Err(WINDOW
                    .as_secs()
                    .saturating_sub(now.duration_since(*start).as_secs())
                    .max(1))
            }
            _ => Ok(()),
        }
    }

    /// Counts one activity from `host`. Only activities whose signature
    /// verified are counted, so forged requests naming a server cannot use
    /// up its share.
    pub fn count(&self, host: &str) {
        let now = std::time::Instant::now();
        let Ok(mut windows) = self.windows.lock() else {
            return;
        };
        if windows.len() > 10_000 {
            windows.retain(|_, (start, _)| now.duration_since(*start) < WINDOW);
        }
        let entry = windows.entry(host.to_string()).or_insert((now, 0));
        if now.duration_since(entry.0) >= WINDOW {
            *entry = (now, 0);
        }
        entry.1 = entry.1.saturating_add(1);
    }
}

impl Federation {
    pub fn new(
        db: sea_orm::DatabaseConnection,
        config: &Config,
        instance_actor_id: &str,
        private_key_pem: &str,
    ) -> Result<Arc<Federation>, AppError> {
        let client = SafeClient::new(FetchPolicy {
            allow_http: config.federation.allow_http,
            allow_private_addresses: config.federation.allow_private_addresses,
            timeout: Duration::from_secs(SEND_TIMEOUT_SECS),
            fetch_timeout: Duration::from_secs(config.federation.fetch_timeout_secs),
            failing_host_memory: Duration::from_secs(config.federation.failing_host_secs),
            max_body_bytes: 1024 * 1024,
            user_agent: format!(
                "Knooppunt/{} (+{})",
                env!("CARGO_PKG_VERSION"),
                config.base_url()
            ),
        })
        .map_err(|e| AppError::Internal(e.to_string()))?;
        let instance_key = knooppunt_federation::keys::private_key_from_pem(private_key_pem)
            .map_err(|e| AppError::Internal(format!("instance actor key: {e}")))?;
        let outbox_bell = Arc::new(Notify::new());
        let failures = Arc::new(std::sync::atomic::AtomicU64::new(0));
        Ok(Arc::new(Federation {
            client,
            instance_signer: Signer {
                key_id: format!("{instance_actor_id}#main-key").into(),
                key: Arc::new(instance_key),
            },
            journal: journal::Journal::start(db, outbox_bell.clone(), failures.clone()),
            failures,
            outbox_bell,
            backlog: backlog::Backlog::default(),
            inbox_limiter: InboxLimiter::new(config.federation.inbox_per_minute),
            in_flight: std::sync::Mutex::new(std::collections::HashSet::new()),
            prepared: std::sync::Mutex::new(std::collections::HashMap::new()),
            healthy_hosts: std::sync::Mutex::new(std::collections::HashSet::new()),
            answered: std::sync::Mutex::new(std::collections::BTreeSet::new()),
            delivered: outbox::Unmarked::default(),
            claimant: outbox::Claimant::default(),
            signers: moka::future::Cache::builder()
                .max_capacity(10_000)
                .time_to_live(Duration::from_secs(SIGNER_CACHE_SECS))
                .build(),
            refetched_keys: moka::future::Cache::builder()
                .max_capacity(10_000)
                .time_to_live(Duration::from_secs(KEY_REFETCH_SECS))
                .build(),
            failed_keys: moka::future::Cache::builder()
                .max_capacity(10_000)
                .time_to_live(Duration::from_secs(
                    config.federation.failing_host_secs.max(KEY_REFETCH_SECS),
                ))
                .build(),
            key_fetches: InboxLimiter::new(config.federation.key_fetches_per_minute),
            key_fetch_slots: tokio::sync::Semaphore::new(KEY_FETCH_SLOTS),
            key_fetch_clients: governor::RateLimiter::hashmap(governor::Quota::per_minute(
                std::num::NonZeroU32::new(KEY_FETCHES_PER_CLIENT)
                    .unwrap_or(std::num::NonZeroU32::MIN),
            )),
            signer_fetches: moka::future::Cache::builder()
                .max_capacity(1_000)
                .time_to_live(Duration::from_secs(1))
                .build(),
            activity_budget: Duration::from_secs(config.federation.activity_budget_secs),
        }))
    }

    /// Signs fetches with the instance actor, as servers in secure mode require.
    pub fn instance_signer(&self) -> Signer {
        self.instance_signer.clone()
    }
}

/// Where our JSON-LD term map is served (`/ns/knooppunt`).
pub fn context_url(config: &Config) -> String {
    format!("{}/ns/knooppunt", config.base_url())
}

/// Longest a request to another server may take.
pub const SEND_TIMEOUT_SECS: u64 = 10;

/// ActivityPub JSON content types.
pub const AP_CONTENT_TYPE: &str = "application/activity+json";

/// Whether a request prefers ActivityPub JSON over HTML.
pub fn wants_activity_json(headers: &axum::http::HeaderMap) -> bool {
    headers
        .get(axum::http::header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|accept| {
            accept.contains("application/activity+json")
                || (accept.contains("application/ld+json") && !accept.contains("text/html"))
                || accept.contains("application/json") && !accept.contains("text/html")
        })
}

/// An ActivityPub JSON response.
pub fn ap_json(value: serde_json::Value) -> axum::response::Response {
    use axum::response::IntoResponse;
    (
        [(axum::http::header::CONTENT_TYPE, AP_CONTENT_TYPE)],
        axum::Json(value),
    )
        .into_response()
}
