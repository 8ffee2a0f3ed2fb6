//! The protocol engine: the inbox's checks, the journal of received
//! activities and the backlog that processes them under a burst, the
//! persistent outbox with its delivery worker, and the fan-out of deliveries.
//! It owns its tables ([`entity`]) and knows nothing of the application's:
//! the application hands it work through this API and answers its questions
//! (who signed this, what does this activity do) through [`App`].

pub mod backlog;
pub mod config;
pub mod db;
pub mod entity;
pub mod error;
pub mod fanout;
pub mod inbox;
pub mod journal;
pub mod limiter;
pub mod outbox;

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use http::StatusCode;
use serde_json::Value;
use tokio::sync::Notify;

use crate::fetch::{FetchPolicy, SafeClient, Signer};

pub use config::EngineConfig;
pub use error::EngineError;
pub use limiter::InboxLimiter;

/// An actor as the engine sees it: who signed a request, and whether it may
/// send us anything. The application's own actor type implements it.
pub trait Sender: Clone + Send + Sync + 'static {
    fn ap_id(&self) -> &str;
    /// As `vocab::host_of` gives it for the actor's id.
    fn host(&self) -> &str;
    fn is_local(&self) -> bool;
    /// Suspended here (itself or its domain): nothing it sends is taken.
    fn is_hidden(&self) -> bool;
    fn public_key_pem(&self) -> &str;
}

/// The application's error. The engine's refusals convert into it; the
/// application's own (from [`App::receive`] and the lookups) pass through
/// unchanged.
pub trait Failure:
    From<EngineError> + From<sea_orm::DbErr> + std::fmt::Display + Send + Sync + 'static
{
    /// Whether the activity was refused (the journal forgets it, so a
    /// corrected retry is not taken for a duplicate), rather than our
    /// database or code failing (it stays, to be processed again).
    fn is_refusal(&self) -> bool;
    /// The HTTP status it answers with, for the log.
    fn status(&self) -> StatusCode;
}

/// A local actor's signing key, for deliveries of its activities.
pub struct LocalKey {
    pub ap_id: String,
    /// PEM; `None` when the actor has none (the delivery is given up).
    pub private_key_pem: Option<String>,
}

/// What the engine needs from the application that runs it: its database,
/// the engine's state, the actors it knows, and what to do with an activity
/// that passed the inbox's checks. Arrows point one way: the application
/// implements this, the engine never names the application.
pub trait App: Clone + Send + Sync + 'static {
    type Sender: Sender;
    type Error: Failure;

    fn db(&self) -> &sea_orm::DatabaseConnection;
    fn federation(&self) -> &Federation<Self::Sender>;

    /// The actor owning a signature's `keyId` when it is known and fresh,
    /// without any fetch.
    fn known_signer(
        &self,
        key_id: &str,
    ) -> impl Future<Output = Result<Option<Self::Sender>, Self::Error>> + Send;
    /// Fetches (and keeps) the actor owning a signature's `keyId`. The engine
    /// limits how often this may happen.
    fn fetch_signer(
        &self,
        key_id: &str,
    ) -> impl Future<Output = Result<Self::Sender, Self::Error>> + Send;
    /// A known actor by its id, without any fetch.
    fn find_actor(
        &self,
        ap_id: &str,
    ) -> impl Future<Output = Result<Option<Self::Sender>, Self::Error>> + Send;
    /// The key that signs the activities of the local actor `actor_id`;
    /// `None` if there is no such actor any more.
    fn signing_key(
        &self,
        actor_id: i64,
    ) -> impl Future<Output = Result<Option<LocalKey>, Self::Error>> + Send;
    /// Applies one verified, journalled activity: the application's rules.
    fn receive(
        &self,
        sender: &Self::Sender,
        kind: &str,
        activity: &Value,
    ) -> impl Future<Output = Result<StatusCode, Self::Error>> + Send;
}

/// What the engine needs at run time: its configuration, the safe HTTP
/// client, the instance actor's key for signed fetches, a bell that wakes the
/// delivery worker, and what the inbox and the worker keep in memory.
pub struct Federation<S> {
    pub config: EngineConfig,
    pub client: SafeClient,
    /// The instance actor's key, for signed fetches.
    instance_signer: Signer,
    pub outbox_bell: Arc<Notify>,
    /// The inbound journal, written in groups.
    pub journal: journal::Journal,
    /// Journalled activities left for the background task under a burst.
    pub backlog: backlog::Backlog<S>,
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
    /// from one server is checked without a query per request. The
    /// application fills it (in [`App::known_signer`]) and drops an actor
    /// when it is updated or deleted; other processes' copies live at most
    /// [`SIGNER_CACHE_SECS`], and a key that no longer verifies is fetched
    /// again anyway.
    pub signers: moka::future::Cache<String, S>,
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
    pub signer_fetches: moka::future::Cache<String, S>,
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

/// Longest a request to another server may take.
pub const SEND_TIMEOUT_SECS: u64 = 10;

/// An outgoing activity ready to be signed and sent.
pub struct Prepared {
    pub ap_id: String,
    pub body: bytes::Bytes,
    pub signer: Signer,
}

impl<S: Sender> Federation<S> {
    /// Starts the engine's state (and the journal's writer task) for the
    /// instance actor `instance_actor_id`, whose key signs fetches.
    pub fn new(
        db: sea_orm::DatabaseConnection,
        config: EngineConfig,
        instance_actor_id: &str,
        private_key_pem: &str,
    ) -> Result<Arc<Federation<S>>, EngineError> {
        let client = SafeClient::new(FetchPolicy {
            allow_http: config.allow_http,
            allow_private_addresses: config.allow_private_addresses,
            timeout: Duration::from_secs(SEND_TIMEOUT_SECS),
            fetch_timeout: Duration::from_secs(config.fetch_timeout_secs),
            failing_host_memory: Duration::from_secs(config.failing_host_secs),
            max_body_bytes: 1024 * 1024,
            user_agent: config.user_agent.clone(),
        })
        .map_err(|e| EngineError::Internal(e.to_string()))?;
        let instance_key = crate::keys::private_key_from_pem(private_key_pem)
            .map_err(|e| EngineError::Internal(format!("instance actor key: {e}")))?;
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
            inbox_limiter: InboxLimiter::new(config.inbox_per_minute),
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
                    config.failing_host_secs.max(KEY_REFETCH_SECS),
                ))
                .build(),
            key_fetches: InboxLimiter::new(config.key_fetches_per_minute),
            key_fetch_slots: tokio::sync::Semaphore::new(KEY_FETCH_SLOTS),
            key_fetch_clients: governor::RateLimiter::hashmap(governor::Quota::per_minute(
                std::num::NonZeroU32::new(KEY_FETCHES_PER_CLIENT)
                    .unwrap_or(std::num::NonZeroU32::MIN),
            )),
            signer_fetches: moka::future::Cache::builder()
                .max_capacity(1_000)
                .time_to_live(Duration::from_secs(1))
                .build(),
            activity_budget: Duration::from_secs(config.activity_budget_secs),
            config,
        }))
    }

    /// Signs fetches with the instance actor, as servers in secure mode require.
    pub fn instance_signer(&self) -> Signer {
        self.instance_signer.clone()
    }
}
