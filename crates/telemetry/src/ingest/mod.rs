//! The ingest writer: one thread that owns the store connection and writes
//! everything the receivers accept, in group commits.
//!
//! Why one thread: SQLite takes one writer at a time, so several writers would
//! only queue on its lock. One writer that drains everything waiting into one
//! transaction pays one commit (one fsync, `synchronous = FULL`) for many
//! requests, which is what makes 100k spans/s possible on two cores.
//!
//! Why a bounded queue counted in items: the receivers answer only after the
//! data is committed (so a 200 means stored, never "maybe"), and when more
//! items wait than the queue holds they are refused at once with a
//! retry-after (HTTP 429, gRPC `RESOURCE_EXHAUSTED`) instead of piling up in
//! memory or being dropped. A slow disk therefore slows clients down; it never
//! loses data they were told was stored.
//!
//! Why a second thread for checkpoints: copying the log into the main file
//! (and its fsyncs) would otherwise run inside the writer's commits; see
//! the private `checkpointer` module.

mod checkpointer;

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, mpsc};
use std::thread::JoinHandle;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use serde::Serialize;
use sightline_store::{RetentionPolicy, Store, TelemetryBatch, Written};
use tokio::sync::{OwnedSemaphorePermit, Semaphore, oneshot};

use crate::{Result, TelemetryError};

/// How the writer queues, batches and prunes.
#[derive(Debug, Clone)]
pub struct IngestConfig {
    /// Items (spans, records, points, events) accepted but not yet committed,
    /// at most. Past this, requests are refused with a retry-after.
    pub queue_items: usize,
    /// Items per transaction, at most. Larger groups amortise the commit
    /// further but hold the write lock longer.
    pub max_batch_items: usize,
    /// The delay suggested to throttled clients, in seconds.
    pub retry_after_s: u64,
    /// Telemetry retention, applied by the writer every `prune_every`.
    pub retention: Option<RetentionPolicy>,
    /// How often to prune.
    pub prune_every: Duration,
    /// `true` (the default) keeps the store's `synchronous = FULL`: a 200 means
    /// the data survives a power loss, at one fsync per group commit. `false`
    /// sets `synchronous = NORMAL` on the writer's own connection: commits
    /// survive a crash of Sightline but the last ones may be lost on power
    /// loss, and the writer no longer waits on an fsync per commit.
    pub synchronous_full: bool,
    /// `true` (the default) copies the WAL into the main file on a second
    /// connection in the background (the `checkpointer` module); `false` leaves it to
    /// SQLite, inside the writer's commits.
    pub background_checkpoints: bool,
    /// With background checkpoints: log pages past which the writer
    /// checkpoints itself between two groups so the log starts again from its
    /// beginning (it cannot otherwise, being always written). Bounds the WAL
    /// file near this many pages.
    pub wal_reset_pages: u32,
}

impl Default for IngestConfig {
    fn default() -> Self {
        Self {
            // 512 full OTLP batches of 512 spans: seconds of backlog at the
            // target rate, about 300 MiB in memory in the worst case.
            queue_items: 512 * 512,
            max_batch_items: 16 * 1024,
            retry_after_s: 2,
            retention: Some(RetentionPolicy::default()),
            prune_every: Duration::from_secs(600),
            synchronous_full: true,
            background_checkpoints: true,
            // 32 MiB of 4 KiB pages: about ten group commits at full speed.
            wal_reset_pages: 8192,
        }
    }
}

/// Counters since the writer started.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct IngestStats {
    /// Items newly stored.
    pub stored: u64,
    /// Items skipped as already stored (retries, redeliveries).
    pub duplicates: u64,
    /// Requests refused because the queue was full.
    pub throttled_requests: u64,
    /// Transactions committed.
    pub commits: u64,
    /// Batches that failed to store (their clients were told so).
    pub failed_batches: u64,
    /// Times the writer checkpointed itself to start the log again from its
    /// beginning (background checkpoints only).
    pub wal_resets: u64,
}

#[derive(Default)]
struct Counters {
    stored: AtomicU64,
    duplicates: AtomicU64,
    throttled: AtomicU64,
    commits: AtomicU64,
    failed: AtomicU64,
    wal_resets: AtomicU64,
}

struct Job {
    batch: TelemetryBatch,
    reply: oneshot::Sender<std::result::Result<Written, String>>,
    /// Released when the job is done, freeing its room in the queue.
    _room: OwnedSemaphorePermit,
}

struct Shared {
    tx: Mutex<Option<mpsc::Sender<Job>>>,
    thread: Mutex<Option<JoinHandle<()>>>,
    room: Arc<Semaphore>,
    capacity: usize,
    retry_after_s: u64,
    counters: Arc<Counters>,
}

/// A handle to the ingest writer; cheap to clone, shared by every receiver.
#[derive(Clone)]
pub struct Ingest {
    shared: Arc<Shared>,
}

impl std::fmt::Debug for Ingest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Ingest")
            .field("capacity", &self.shared.capacity)
            .finish()
    }
}

/// Wall-clock time for the `received_at_ms` bookkeeping column and for the
/// retention schedule; nothing computed from telemetry uses it.
fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

impl Ingest {
    /// Starts the writer thread over `store` (a connection of its own: readers
    /// elsewhere keep working, thanks to WAL).
    pub fn start(store: Store, config: IngestConfig) -> Ingest {
        let capacity = config.queue_items.clamp(1, Semaphore::MAX_PERMITS);
        let (tx, rx) = mpsc::channel::<Job>();
        let counters = Arc::new(Counters::default());
        let c = counters.clone();
        let cfg = config.clone();
        if !config.synchronous_full
            && let Err(e) = store.conn().pragma_update(None, "synchronous", "NORMAL")
        {
            tracing::warn!(error = %e, "could not relax synchronous for the ingest writer");
        }
        let thread = std::thread::Builder::new()
            .name("sightline-ingest".into())
            .spawn(move || writer_loop(store, rx, &cfg, &c))
            .ok();
        if thread.is_none() {
            tracing::error!(
                "could not start the ingest writer thread; every request will be refused as unavailable"
            );
        }
        Ingest {
            shared: Arc::new(Shared {
                tx: Mutex::new(thread.as_ref().map(|_| tx)),
                thread: Mutex::new(thread),
                room: Arc::new(Semaphore::new(capacity)),
                capacity,
                retry_after_s: config.retry_after_s,
                counters,
            }),
        }
    }

    /// Queues `batch` and waits until it is committed. Refuses at once with
    /// [`TelemetryError::Overloaded`] when the queue has no room for it.
    pub async fn submit(&self, batch: TelemetryBatch) -> Result<Written> {
        if batch.is_empty() {
            return Ok(Written::default());
        }
        // A batch larger than the whole queue waits for an empty queue rather
        // than being refused forever.
        let need = u32::try_from(batch.len().min(self.shared.capacity)).unwrap_or(u32::MAX);
        let room = match self.shared.room.clone().try_acquire_many_owned(need) {
            Ok(p) => p,
            Err(tokio::sync::TryAcquireError::NoPermits) => {
                self.shared
                    .counters
                    .throttled
                    .fetch_add(1, Ordering::Relaxed);
                return Err(TelemetryError::Overloaded {
                    retry_after_s: self.shared.retry_after_s,
                });
            }
            Err(tokio::sync::TryAcquireError::Closed) => {
                return Err(unavailable("the ingest writer has stopped"));
            }
        };
        let (reply, answer) = oneshot::channel();
        {
            let tx = self
                .shared
                .tx
                .lock()
                .map_err(|_| unavailable("ingest lock poisoned"))?;
            let Some(tx) = tx.as_ref() else {
                return Err(unavailable("the ingest writer has stopped"));
            };
            tx.send(Job {
                batch,
                reply,
                _room: room,
            })
            .map_err(|_| unavailable("the ingest writer has stopped"))?;
        }
        match answer.await {
            Ok(Ok(w)) => Ok(w),
            Ok(Err(reason)) => Err(TelemetryError::Unavailable { reason }),
            Err(_) => Err(unavailable("the ingest writer stopped before committing")),
        }
    }

    /// The delay suggested to throttled clients, in seconds.
    pub fn retry_after_s(&self) -> u64 {
        self.shared.retry_after_s
    }

    /// Counters since start.
    pub fn stats(&self) -> IngestStats {
        let c = &self.shared.counters;
        IngestStats {
            stored: c.stored.load(Ordering::Relaxed),
            duplicates: c.duplicates.load(Ordering::Relaxed),
            throttled_requests: c.throttled.load(Ordering::Relaxed),
            commits: c.commits.load(Ordering::Relaxed),
            failed_batches: c.failed.load(Ordering::Relaxed),
            wal_resets: c.wal_resets.load(Ordering::Relaxed),
        }
    }

    /// Stops taking new batches, stores what is queued, and waits for the
    /// writer thread to finish. Blocks; idempotent.
    pub fn shutdown(&self) {
        if let Ok(mut tx) = self.shared.tx.lock() {
            tx.take();
        }
        let thread = self.shared.thread.lock().ok().and_then(|mut t| t.take());
        if let Some(t) = thread
            && t.join().is_err()
        {
            tracing::error!("the ingest writer thread panicked");
        }
    }
}

fn unavailable(reason: &str) -> TelemetryError {
    TelemetryError::Unavailable {
        reason: reason.to_owned(),
    }
}

fn writer_loop(mut store: Store, rx: mpsc::Receiver<Job>, cfg: &IngestConfig, c: &Counters) {
    let mut checkpointer = if cfg.background_checkpoints {
        checkpointer::Checkpointer::start(store.path(), cfg.wal_reset_pages)
    } else {
        None
    };
    if checkpointer.is_some()
        && let Err(e) = store.set_auto_checkpoint(0)
    {
        tracing::warn!(error = %e, "could not hand checkpoints to the background thread");
        checkpointer = None;
    }
    let mut last_prune = Instant::now();
    prune(&mut store, cfg);
    loop {
        let first = match rx.recv_timeout(cfg.prune_every) {
            Ok(job) => job,
            Err(mpsc::RecvTimeoutError::Timeout) => {
                prune(&mut store, cfg);
                last_prune = Instant::now();
                continue;
            }
            Err(mpsc::RecvTimeoutError::Disconnected) => break,
        };
        // Everything already waiting joins this transaction, up to the cap.
        let mut items = first.batch.len();
        let mut jobs = vec![first];
        while items < cfg.max_batch_items {
            match rx.try_recv() {
                Ok(job) => {
                    items += job.batch.len();
                    jobs.push(job);
                }
                Err(_) => break,
            }
        }
        commit_group(&mut store, jobs, c);
        if let Some(ck) = &checkpointer
            && ck.committed(&store)
        {
            c.wal_resets.fetch_add(1, Ordering::Relaxed);
        }
        if last_prune.elapsed() >= cfg.prune_every {
            prune(&mut store, cfg);
            last_prune = Instant::now();
        }
    }
    if let Some(mut ck) = checkpointer {
        ck.stop();
    }
    tracing::debug!("ingest writer stopped");
}

fn commit_group(store: &mut Store, jobs: Vec<Job>, c: &Counters) {
    let received = now_ms();
    let batches: Vec<&TelemetryBatch> = jobs.iter().map(|j| &j.batch).collect();
    match store.insert_telemetry(&batches, received) {
        Ok(written) => {
            c.commits.fetch_add(1, Ordering::Relaxed);
            for (job, w) in jobs.into_iter().zip(written) {
                c.stored.fetch_add(w.stored as u64, Ordering::Relaxed);
                c.duplicates
                    .fetch_add(w.duplicates as u64, Ordering::Relaxed);
                // The client may have gone away; the data is stored either way.
                let _ = job.reply.send(Ok(w));
            }
        }
        Err(group_err) if jobs.len() > 1 => {
            // One bad batch must not fail the others: retry each on its own.
            tracing::warn!(error = %group_err, jobs = jobs.len(), "group commit failed; retrying batches one by one");
            for job in jobs {
                commit_group(store, vec![job], c);
            }
        }
        Err(e) => {
            c.failed.fetch_add(1, Ordering::Relaxed);
            tracing::error!(error = %e, code = e.code(), "storing a telemetry batch failed");
            for job in jobs {
                let _ = job.reply.send(Err(e.to_string()));
            }
        }
    }
}

fn prune(store: &mut Store, cfg: &IngestConfig) {
    let Some(policy) = cfg.retention else { return };
    match store.prune_telemetry(&policy, now_ms()) {
        Ok(r) if r.spans + r.logs + r.metric_points > 0 => tracing::info!(
            spans = r.spans,
            logs = r.logs,
            metric_points = r.metric_points,
            "telemetry pruned by retention"
        ),
        Ok(_) => {}
        Err(e) => tracing::warn!(error = %e, "telemetry pruning failed"),
    }
}

/// Stores one batch directly, without the writer: for the CLI's file imports.
/// One transaction: the whole batch or nothing.
pub fn store_now(store: &mut Store, batch: &TelemetryBatch) -> Result<Written> {
    let mut w = store.insert_telemetry(&[batch], now_ms())?;
    Ok(w.pop().unwrap_or_default())
}
