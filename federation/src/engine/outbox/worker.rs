//! The delivery worker of a `serve` process, and draining the queue.

use super::*;

/// How often the worker prunes finished deliveries (and once at start).
pub(super) const PRUNE_EVERY: StdDuration = StdDuration::from_secs(3600);

/// Shortest time between two claims while a claim would find little: each
/// claim is a write, and received activities ring the worker after every
/// commit, mostly with nothing to send.
pub(super) const CLAIM_PAUSE: StdDuration = StdDuration::from_millis(10);

/// Claimed deliveries waiting to be sent, and the sends in progress per
/// host. Shared by the worker loop, which claims, and its delivery tasks: a
/// task that finishes a send starts the next waiting delivery itself, so a
/// fan-out does not wait for the loop (or its database round trips) between
/// one send and the next.
#[derive(Default)]
pub(super) struct Dispatch {
    /// Oldest first. A claim can return several inboxes of one instance;
    /// those beyond its share wait here for a free slot rather than being
    /// handed back to the database one statement each.
    held: std::collections::VecDeque<delivery::Model>,
    sending: std::collections::HashMap<String, usize>,
}

impl Dispatch {
    /// The oldest held delivery whose instance has a free share, counted as
    /// sending. One whose lease would run out during a send is dropped: it is
    /// claimed again once the lease expires, so no other process can be
    /// sending it meanwhile.
    fn next(&mut self) -> Option<delivery::Model> {
        let safe_until = Utc::now()
            + Duration::seconds(i64::try_from(super::super::SEND_TIMEOUT_SECS + 2).unwrap_or(12));
        self.held
            .retain(|d| d.locked_until.is_some_and(|lease| lease >= safe_until));
        let sending = &self.sending;
        let i = self
            .held
            .iter()
            .position(|d| sending.get(&d.host).copied().unwrap_or(0) < PER_HOST)?;
        let d = self.held.remove(i)?;
        *self.sending.entry(d.host.clone()).or_insert(0) += 1;
        Some(d)
    }

    fn done(&mut self, host: &str) {
        if let Some(n) = self.sending.get_mut(host) {
            *n = n.saturating_sub(1);
            if *n == 0 {
                self.sending.remove(host);
            }
        }
    }

    /// Held deliveries that could start now, their instances having room.
    fn ready(&self) -> usize {
        let mut room: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
        self.held
            .iter()
            .filter(|d| {
                let n = room.entry(d.host.as_str()).or_insert_with(|| {
                    PER_HOST.saturating_sub(self.sending.get(&d.host).copied().unwrap_or(0))
                });
                let fits = *n > 0;
                *n = n.saturating_sub(1);
                fits
            })
            .count()
    }

    /// Instances a claim should skip: those at their share, and those with
    /// held deliveries (a later delivery to them would wait behind those).
    fn busy_hosts(&self) -> Vec<String> {
        let mut busy: BTreeSet<&String> = self
            .sending
            .iter()
            .filter(|(_, n)| **n >= PER_HOST)
            .map(|(h, _)| h)
            .collect();
        busy.extend(self.held.iter().map(|d| &d.host));
        busy.into_iter().cloned().collect()
    }
}

/// Every holder of the dispatch lock only moves entries and counts, so one
/// that panicked left it consistent: go on with it.
pub(super) fn lock_dispatch(
    dispatch: &std::sync::Mutex<Dispatch>,
) -> std::sync::MutexGuard<'_, Dispatch> {
    dispatch
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// The background worker of a `serve` process: keeps up to three times
/// `delivery_concurrency` deliveries claimed (a third sending, the rest
/// waiting their turn in memory), claims again once fewer than a third could
/// start, and otherwise sleeps until rung or for a second.
///
/// Once `stop` turns true (or its sender is gone) it hands back what it holds
/// but has not started, lets the sends in progress finish and marks them, so
/// a restart sends the rest at once. Claimed but not yet sent deliveries are
/// not lost in a crash either: their leases run out (on SQLite, the next
/// start releases them) and they are claimed again.
pub async fn run_worker<A: App>(state: A, mut stop: tokio::sync::watch::Receiver<bool>) {
    let worker = Worker::new(state);
    let mut tidy = Tidying::new();
    let stopping =
        |stop: &tokio::sync::watch::Receiver<bool>| *stop.borrow() || stop.has_changed().is_err();
    while !stopping(&stop) {
        worker.start_held();
        tidy.when_due(&worker.state).await;
        // Held deliveries for instances at their share (one that hangs)
        // do not count: they must not stop the worker from claiming others.
        let (ready, busy) = {
            let q = lock_dispatch(&worker.dispatch);
            let ready = q.ready();
            (ready, (ready < worker.low_water).then(|| q.busy_hosts()))
        };
        let Some(busy) = busy else {
            tokio::select! {
                () = worker.finished.notified() => {},
                () = tokio::time::sleep(StdDuration::from_secs(1)) => {},
                _ = stop.changed() => {},
            }
            continue;
        };
        let claimed_at = tokio::time::Instant::now();
        let Some(found) = worker.claim_more(ready, &busy).await else {
            tokio::time::sleep(StdDuration::from_secs(5)).await;
            continue;
        };
        if found < worker.low_water {
            // Little to do: wait to be rung, or for a send to finish (the
            // next delivery to its inbox may now be due), then for the pause.
            tokio::select! {
                () = worker.state.federation().outbox_bell.notified() => {},
                () = worker.finished.notified() => {},
                () = tokio::time::sleep(StdDuration::from_secs(1)) => {},
                _ = stop.changed() => continue,
            }
            tokio::time::sleep_until(claimed_at + CLAIM_PAUSE).await;
        }
    }
    worker.stop().await;
}

/// The worker's shared parts: the slots for sends, the held deliveries, and
/// the bell a finished send rings.
struct Worker<A: App> {
    state: A,
    concurrency: usize,
    /// Claim again when fewer than a worker's worth could start: a claim then
    /// takes at least that many at once, early enough that the sends in
    /// progress have not run out of work by the time it returns.
    low_water: usize,
    slots: std::sync::Arc<tokio::sync::Semaphore>,
    dispatch: std::sync::Arc<std::sync::Mutex<Dispatch>>,
    finished: std::sync::Arc<tokio::sync::Notify>,
}

impl<A: App> Worker<A> {
    fn new(state: A) -> Self {
        let concurrency = state.federation().config.delivery_concurrency.max(1);
        Worker {
            state,
            concurrency,
            low_water: concurrency,
            slots: std::sync::Arc::new(tokio::sync::Semaphore::new(concurrency)),
            dispatch: std::sync::Arc::default(),
            finished: std::sync::Arc::default(),
        }
    }

    /// Sends `d` on a slot, then whatever held delivery may go next, until
    /// none may.
    fn start(&self, d: delivery::Model, permit: tokio::sync::OwnedSemaphorePermit) {
        let (state, dispatch) = (self.state.clone(), self.dispatch.clone());
        let (finished, low_water) = (self.finished.clone(), self.low_water);
        tokio::spawn(async move {
            let mut next = Some(d);
            while let Some(d) = next {
                let host = d.host.clone();
                if let Err(e) = deliver_one(&state, d).await {
                    tracing::error!(error = %e, "recording a delivery");
                }
                let mut q = lock_dispatch(&dispatch);
                q.done(&host);
                next = q.next();
                let running_low = q.held.len() < low_water;
                drop(q);
                if running_low && next.is_some() {
                    finished.notify_one();
                }
            }
            drop(permit);
            finished.notify_one();
        });
    }

    /// Held deliveries whose instances have room, on free slots.
    fn start_held(&self) {
        while let Ok(permit) = self.slots.clone().try_acquire_owned() {
            let Some(d) = lock_dispatch(&self.dispatch).next() else {
                break;
            };
            self.start(d, permit);
        }
    }

    /// Claims up to three workers' worth beyond what is sending and ready,
    /// and starts what may go. Returns how many were claimed (`None` when
    /// the claim failed).
    async fn claim_more(&self, ready: usize, busy: &[String]) -> Option<usize> {
        let sending = self.concurrency - self.slots.available_permits();
        let want = (3 * self.concurrency).saturating_sub(sending + ready);
        // Marking what was sent meanwhile (so the next delivery to those
        // inboxes becomes due) and claiming go to the database together; a
        // delivery freed by the mark is claimed by the next round.
        let (flushed, claimed) = tokio::join!(
            flush_delivered(&self.state),
            claim(&self.state, want as u64, busy)
        );
        if let Err(e) = flushed {
            tracing::error!(error = %e, "marking deliveries delivered");
        }
        let batch = match claimed {
            Ok(b) => b,
            Err(e) => {
                tracing::error!(error = %e, "delivery worker");
                return None;
            }
        };
        let found = batch.len();
        lock_dispatch(&self.dispatch).held.extend(batch);
        self.start_held();
        Some(found)
    }

    /// Hands back what was held but not started, lets the sends in progress
    /// finish, and marks them.
    async fn stop(self) {
        // Tasks find nothing more to start once `held` is empty.
        let held: Vec<i64> = std::mem::take(&mut lock_dispatch(&self.dispatch).held)
            .into_iter()
            .map(|d| d.id)
            .collect();
        match release_leases(self.state.db(), Some(held)).await {
            Ok(n) if n > 0 => tracing::info!(deliveries = n, "handed back unsent deliveries"),
            Ok(_) => {}
            Err(e) => tracing::error!(error = %e, "handing back unsent deliveries"),
        }
        let all = u32::try_from(self.concurrency).unwrap_or(u32::MAX);
        let wait = StdDuration::from_secs(super::super::SEND_TIMEOUT_SECS + 2);
        if tokio::time::timeout(wait, self.slots.acquire_many(all))
            .await
            .is_err()
        {
            tracing::warn!("sends still in progress at shutdown; their leases will run out");
        }
        if let Err(e) = flush_delivered(&self.state).await {
            tracing::error!(error = %e, "marking deliveries delivered");
        }
    }
}

/// The worker's periodic chores: releasing crashed processes' claims and
/// pruning finished deliveries.
struct Tidying {
    next_prune: tokio::time::Instant,
    next_orphan_sweep: tokio::time::Instant,
}

impl Tidying {
    fn new() -> Self {
        let now = tokio::time::Instant::now();
        Tidying {
            next_prune: now,
            // Done by the application at start too; once more soon after, for
            // a crashed process whose connection PostgreSQL had not yet seen
            // close.
            next_orphan_sweep: now + StdDuration::from_secs(5),
        }
    }

    async fn when_due<A: App>(&mut self, state: &A) {
        if tokio::time::Instant::now() >= self.next_orphan_sweep {
            let claimant = &state.federation().claimant;
            if let Err(e) = claimant.ensure(state.db()).await {
                tracing::error!(error = %e, "keeping the connection that marks our claims");
            } else if let Err(e) = release_orphaned(state.db()).await {
                tracing::error!(error = %e, "releasing the claims of crashed processes");
            }
            self.next_orphan_sweep = tokio::time::Instant::now() + ORPHAN_SWEEP;
        }
        if tokio::time::Instant::now() >= self.next_prune {
            if let Err(e) = prune_finished(state).await {
                tracing::error!(error = %e, "pruning finished deliveries");
            }
            self.next_prune = tokio::time::Instant::now() + PRUNE_EVERY;
        }
    }
}

/// Processes what the inbox left for later and sends until nothing can be
/// sent now and nothing is in flight elsewhere (tests drain explicitly
/// instead of sleeping).
pub async fn drain<A: App>(state: &A) -> Result<(), EngineError> {
    let deadline = tokio::time::Instant::now() + StdDuration::from_secs(30);
    // Quiet twice in a row: when another worker's delivery is marked done,
    // the next one to that inbox becomes due only then, after our last look.
    let mut quiet = 0;
    loop {
        // Received activities may cause deliveries (an Accept of a Follow).
        if !state
            .federation()
            .backlog
            .settled(StdDuration::from_secs(30))
            .await
        {
            return Err(EngineError::Internal(
                "the inbox backlog was not processed within 30 s".into(),
            ));
        }
        let sent = deliver_due(state).await?;
        if sent == 0 && state.federation().backlog.waiting() == 0 {
            // Figures read after a drain count processed activities as such.
            state.federation().journal.flush().await;
            let in_flight = delivery::Entity::find()
                .filter(delivery::Column::State.eq("pending"))
                .filter(delivery::Column::LockedUntil.gt(Utc::now()))
                .count(state.db())
                .await?;
            if in_flight == 0 {
                quiet += 1;
                if quiet == 2 {
                    return Ok(());
                }
                continue;
            }
            quiet = 0;
            // Another worker is sending; wait for it briefly.
            tokio::time::sleep(StdDuration::from_millis(20)).await;
        } else {
            quiet = 0;
        }
        if tokio::time::Instant::now() > deadline {
            return Err(EngineError::Internal(
                "outbox did not drain within 30 s".into(),
            ));
        }
    }
}
