//! Received activities waiting to be processed in the background.
//!
//! Every verified activity is in the journal before the inbox answers. When
//! the inbox is quiet, the request processes its own activity and the sender
//! learns the outcome (a refusal is a 4xx). Under a burst, for example a
//! large instance delivering a popular post, the request answers 202 as soon
//! as the activity is journalled and leaves it here.
//!
//! The backlog is processed in lanes: each sending instance has its own
//! (sixteen per instance, an actor's activities always in the same one, in
//! arrival order: a note's correction never overtakes the note). A lane
//! exists while it has work. So an instance whose activities are slow to
//! process (they name a server that never answers, say) delays only its own
//! lanes, never another instance's. Lanes share a bounded number of
//! processing slots; an activity that waits on the network longer than
//! [`SLOW_AFTER`] gives its slot back meanwhile. Nothing is lost: what the
//! lanes have not reached at a crash is still unprocessed in the journal
//! and is processed at the next start.

use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::Duration;

use serde_json::Value;
use tokio::sync::{Notify, Semaphore, mpsc};

use super::{App, Failure, Sender};

/// Requests that may process their own activity at once. Enough for the
/// usual trickle of deliveries; more requests at once are a burst.
const INLINE_SLOTS: usize = 4;
/// Lanes of one sending instance, side by side. Many: on SQLite, writers
/// that meet at the write gate share one commit, so more at once is cheaper
/// per activity (a burst usually comes from one large instance).
const LANES_PER_HOST: usize = 16;
/// Activities of the backlog processed at once, over all lanes: two
/// instances' full sets of lanes.
const PROCESSING_SLOTS: usize = 2 * LANES_PER_HOST;
/// An activity still being processed after this is waiting on the network
/// (fetches): it gives back its processing slot and burst turn meanwhile.
pub const SLOW_AFTER: Duration = Duration::from_millis(250);

/// Most activities waiting; beyond it the inbox answers 429.
const MAX_WAITING: usize = 20_000;
/// Most bytes of activity bodies waiting in memory.
const MAX_WAITING_BYTES: usize = 64 * 1024 * 1024;

/// A verified, journalled activity for the background task.
pub struct Deferred<S> {
    pub sender: S,
    pub id: String,
    pub kind: String,
    pub activity: Value,
    pub bytes: usize,
}

/// An inbox request in progress (see [`Backlog::arrival`]).
pub struct Arrival<'a>(&'a AtomicUsize);

impl Drop for Arrival<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}

pub struct Backlog<S> {
    queue: mpsc::UnboundedSender<Deferred<S>>,
    receiver: Mutex<Option<mpsc::UnboundedReceiver<Deferred<S>>>>,
    /// Queued or being processed by the task.
    waiting: AtomicUsize,
    waiting_bytes: AtomicUsize,
    /// Deferred since start, for operators and tests.
    deferred: AtomicU64,
    inline: Semaphore,
    /// Backlog activities being processed, over all lanes.
    processing: Semaphore,
    /// One lane at a time processes while a burst is arriving.
    burst_turn: Semaphore,
    /// Inbox requests being received right now.
    arriving: AtomicUsize,
    idle: Notify,
}

impl<S> Default for Backlog<S> {
    fn default() -> Self {
        let (queue, receiver) = mpsc::unbounded_channel();
        Backlog {
            queue,
            receiver: Mutex::new(Some(receiver)),
            waiting: AtomicUsize::new(0),
            waiting_bytes: AtomicUsize::new(0),
            deferred: AtomicU64::new(0),
            inline: Semaphore::new(INLINE_SLOTS),
            processing: Semaphore::new(PROCESSING_SLOTS),
            burst_turn: Semaphore::new(1),
            arriving: AtomicUsize::new(0),
            idle: Notify::new(),
        }
    }
}

impl<S> Backlog<S> {
    /// Whether there is room for one more activity of `bytes`.
    pub fn has_room(&self, bytes: usize) -> bool {
        self.waiting.load(Ordering::Acquire) < MAX_WAITING
            && self.waiting_bytes.load(Ordering::Acquire) + bytes <= MAX_WAITING_BYTES
    }

    /// Counts an inbox request until the returned guard is dropped.
    pub fn arrival(&self) -> Arrival<'_> {
        self.arriving.fetch_add(1, Ordering::AcqRel);
        Arrival(&self.arriving)
    }

    /// A slot to process an activity within its request: only while nothing
    /// waits, so a later activity does not overtake an earlier one, and only
    /// while requests come one by one. Under a burst every request answers
    /// once journalled: processing some within their requests would only
    /// take the machine from answering the others.
    pub fn inline_slot(&self) -> Option<tokio::sync::SemaphorePermit<'_>> {
        if self.waiting.load(Ordering::Acquire) > 0 || self.burst_arriving() {
            return None;
        }
        self.inline.try_acquire().ok()
    }

    /// Leaves an activity for the background task.
    pub fn defer(&self, d: Deferred<S>) {
        self.deferred.fetch_add(1, Ordering::Relaxed);
        self.waiting.fetch_add(1, Ordering::AcqRel);
        self.waiting_bytes.fetch_add(d.bytes, Ordering::AcqRel);
        if let Err(mpsc::error::SendError(d)) = self.queue.send(d) {
            // The task has stopped (shutdown): the journal keeps the activity.
            self.finished(d.bytes);
        }
    }

    fn finished(&self, bytes: usize) {
        self.waiting_bytes.fetch_sub(bytes, Ordering::AcqRel);
        if self.waiting.fetch_sub(1, Ordering::AcqRel) == 1 {
            self.idle.notify_waiters();
        }
    }

    /// Whether more inbox requests are arriving than may process their own
    /// activities: a burst.
    fn burst_arriving(&self) -> bool {
        self.arriving.load(Ordering::Acquire) > INLINE_SLOTS
    }

    /// How many activities were left for the task since start.
    pub fn deferred_total(&self) -> u64 {
        self.deferred.load(Ordering::Relaxed)
    }

    /// How many activities wait.
    pub fn waiting(&self) -> usize {
        self.waiting.load(Ordering::Acquire)
    }

    /// Returns once nothing waits (or after `limit`; false then).
    pub async fn settled(&self, limit: Duration) -> bool {
        let deadline = tokio::time::Instant::now() + limit;
        loop {
            let notified = self.idle.notified();
            if self.waiting() == 0 {
                return true;
            }
            // A short sleep as well: a notification between the check and
            // the wait would otherwise be missed.
            let step = tokio::time::sleep(Duration::from_millis(20));
            tokio::select! {
                () = notified => {}
                () = step => {}
            }
            if tokio::time::Instant::now() >= deadline {
                return self.waiting() == 0;
            }
        }
    }
}

/// Runs `work` holding `permits` while it is quick; once it has taken
/// [`SLOW_AFTER`] it waits on the network, and the permits go to others.
pub async fn holding_while_quick<T>(
    permits: Vec<tokio::sync::SemaphorePermit<'_>>,
    work: impl std::future::Future<Output = T>,
) -> T {
    tokio::pin!(work);
    tokio::select! {
        out = &mut work => return out,
        () = tokio::time::sleep(SLOW_AFTER) => {}
    }
    drop(permits);
    work.await
}

/// The background task: first what the journal holds from before the last
/// stop, then the backlog, each activity in the lane of its sender's
/// instance and actor. Runs beside the delivery worker.
pub async fn run<A: App>(state: A) {
    match super::inbox::resume_unprocessed(&state).await {
        Ok(0) => {}
        Ok(n) => tracing::info!(
            activities = n,
            "processed activities received before the last stop"
        ),
        Err(e) => tracing::error!(error = %e, "resuming received activities"),
    }
    let backlog = &state.federation().backlog;
    let receiver = backlog.receiver.lock().ok().and_then(|mut r| r.take());
    let Some(mut receiver) = receiver else {
        tracing::error!("the inbox backlog already has a task");
        return;
    };
    let mut lanes: std::collections::HashMap<(String, usize), Lane<A::Sender>> =
        std::collections::HashMap::new();
    while let Some(d) = receiver.recv().await {
        let key = (d.sender.host().to_string(), lane_of(d.sender.ap_id()));
        if !lanes.contains_key(&key) && lanes.len() >= MAX_IDLE_LANES {
            // Lanes with nothing left end (their queue is dropped); those
            // with work go on, so an actor's order is kept.
            lanes.retain(|_, lane| lane.pending.load(Ordering::Acquire) > 0);
        }
        let lane = lanes
            .entry(key)
            .or_insert_with(|| start_lane(state.clone()));
        lane.pending.fetch_add(1, Ordering::AcqRel);
        if let Err(mpsc::error::SendError(d)) = lane.queue.send(d) {
            // The lane has stopped (shutdown): the journal keeps the activity.
            backlog.finished(d.bytes);
        }
    }
}

/// Lanes kept while idle; beyond it idle lanes end.
const MAX_IDLE_LANES: usize = 64;

/// A lane's queue and how many of its activities are not finished.
struct Lane<S> {
    queue: mpsc::UnboundedSender<Deferred<S>>,
    pending: std::sync::Arc<AtomicUsize>,
}

/// A lane: processes what it is given in order, until its queue is dropped.
fn start_lane<A: App>(state: A) -> Lane<A::Sender> {
    let (queue, mut receiver) = mpsc::unbounded_channel::<Deferred<A::Sender>>();
    let pending = std::sync::Arc::new(AtomicUsize::new(0));
    let left = pending.clone();
    tokio::spawn(async move {
        while let Some(d) = receiver.recv().await {
            let backlog = &state.federation().backlog;
            let mut permits = Vec::with_capacity(2);
            if let Ok(p) = backlog.processing.acquire().await {
                permits.push(p);
            }
            // While a burst is arriving, the lanes take turns, one activity
            // at a time: answering the senders comes first (on SQLite every
            // lane's writes queue with the journal's), yet no lane's actors
            // wait for the burst's end.
            if backlog.burst_arriving()
                && let Ok(p) = backlog.burst_turn.acquire().await
            {
                permits.push(p);
            }
            let processed = holding_while_quick(
                permits,
                super::inbox::process(&state, &d.sender, &d.id, &d.kind, &d.activity),
            )
            .await;
            if let Err(e) = processed {
                tracing::info!(activity_id = %d.id, actor = %d.sender.ap_id(), error = %e, status = Failure::status(&e).as_u16(), "deferred activity refused");
            }
            backlog.finished(d.bytes);
            left.fetch_sub(1, Ordering::AcqRel);
        }
    });
    Lane { queue, pending }
}

/// The lane of an actor's activities within its instance's lanes: always
/// the same one, so they are processed in the order they arrived.
fn lane_of(actor: &str) -> usize {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    actor.hash(&mut h);
    usize::try_from(h.finish() % LANES_PER_HOST as u64).unwrap_or(0)
}
