//! What the engine is told at start. The application reads it from its own
//! configuration (keys `federation.*`), so operators see one set of keys.

/// The engine's settings; see the application's `federation` configuration
/// for what each means to an operator.
#[derive(Debug, Clone)]
pub struct EngineConfig {
    /// This instance's domain (`host[:port]`): signed requests must name it,
    /// and deliveries are never made to it.
    pub domain: String,
    /// Sent with every request to another server.
    pub user_agent: String,
    /// Ids use `http://` and plain-http peers are accepted. Local testing only.
    pub allow_http: bool,
    /// Fetching from and delivering to loopback/private addresses.
    pub allow_private_addresses: bool,
    /// Deliveries sent at once by one process.
    pub delivery_concurrency: usize,
    /// First retry delay in seconds; it doubles per attempt, up to six hours.
    pub retry_base_secs: u64,
    /// A delivery that still fails this long after it was queued is given up.
    pub give_up_after_hours: u64,
    /// An instance failing this long is marked dead.
    pub dead_after_hours: u64,
    /// How long a worker holds a delivery it is sending.
    pub delivery_lease_secs: u64,
    /// Activities accepted per minute from one remote instance.
    pub inbox_per_minute: u32,
    /// Finished deliveries and processed received activities are kept this
    /// many days; 0 keeps them.
    pub keep_finished_days: u64,
    /// Longest one fetch may take.
    pub fetch_timeout_secs: u64,
    /// A host that did not answer a fetch is skipped this long.
    pub failing_host_secs: u64,
    /// Longest the processing of one received activity may take.
    pub activity_budget_secs: u64,
    /// Signing keys fetched per minute for requests naming one instance.
    pub key_fetches_per_minute: u32,
}
