//! Continuous journey runs: the steady stream of honest results SLOs need.
//!
//! A replay tells you how one journey went once. An SLO needs the same
//! journeys replayed every minute from every region, without losing results
//! and without inventing failures. This crate turns single replays into that
//! stream:
//! - a project file (`sightline.toml`, [`project`]) says which journeys run,
//!   how often, and from which regions;
//! - a slot clock ([`schedule`]) spreads the starts with jitter and counts a
//!   slot as *missed* rather than piling runs up when a journey outlasts its
//!   interval;
//! - a bounded pool of workers ([`pool`]), each with one warm Chromium and a
//!   fresh browser context per run, replaces crashed or hung browsers;
//! - failed runs are retried as configured; every attempt is stored and only
//!   the final one feeds SLIs;
//! - the runner's own faults (browser crash, out of memory, overload, its own
//!   network, shutdown) are stored as `error`, never as `fail` ([`faults`]);
//! - results go to the local store ([`sink`]) or, on a remote runner, to a
//!   SQLite spool that pushes them to `sightline serve` with idempotent run
//!   ids ([`spool`], [`ingest`], [`wire`]);
//! - the runner exposes its own metrics for Prometheus ([`metrics`]).
//!
//! Time comes from [`RunnerOptions::now_ms`]; the engine-like parts
//! ([`schedule`]) take it as an argument.

mod error;
pub mod faults;
pub mod ingest;
pub mod memory;
pub mod metrics;
pub mod pool;
pub mod project;
pub mod schedule;
pub mod sink;
pub mod spool;
pub mod wire;

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{broadcast, mpsc};
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

pub use error::RunnerError;
pub use metrics::RunnerMetrics;
pub use pool::{RunnerEvent, RunnerOptions};
pub use project::{Project, RegionTarget, RunnerSettings, Schedule};
pub use sink::{RunSink, StoreSink};

use crate::pool::{Job, Shared};
use crate::schedule::{Fire, SlotClock, StreamId};

/// A running runner. Dropping it leaves the runner going in the background;
/// call [`RunnerHandle::shutdown`] to drain it.
pub struct RunnerHandle {
    shared: Arc<Shared>,
    task: Option<JoinHandle<()>>,
}

/// How a shutdown went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ShutdownReport {
    /// Whether runs under way had to be cut short (they are stored as
    /// `error` / shutdown).
    pub aborted: bool,
}

impl RunnerHandle {
    /// The runner's metrics.
    pub fn metrics(&self) -> Arc<RunnerMetrics> {
        self.shared.metrics.clone()
    }

    /// Every stored attempt, missed slot and replaced browser, as it happens.
    pub fn subscribe(&self) -> broadcast::Receiver<RunnerEvent> {
        self.shared.events.subscribe()
    }

    /// Cancelling it cuts runs under way short at once (a second Ctrl-C).
    pub fn abort_token(&self) -> CancellationToken {
        self.shared.abort.clone()
    }

    /// Resolves when the runner has stopped, by itself (every stream reached
    /// `max_slots_per_stream`) or after a shutdown.
    pub async fn finished(&self) {
        self.shared.finished.cancelled().await;
    }

    /// Stops starting slots, gives runs under way the project's grace period,
    /// then cuts the rest short (they end as runner errors, `shutdown`).
    pub async fn shutdown(&mut self) -> ShutdownReport {
        self.shared.stop.cancel();
        let Some(mut task) = self.task.take() else {
            return ShutdownReport { aborted: false };
        };
        let grace = self.shared.project.runner.grace;
        let aborted = tokio::select! {
            _ = &mut task => false,
            () = tokio::time::sleep(grace) => true,
            () = self.shared.abort.cancelled() => true,
        };
        if aborted {
            self.shared.abort.cancel();
            // Cut-short steps end at once; the margin covers storing them.
            if tokio::time::timeout(Duration::from_secs(30), &mut task)
                .await
                .is_err()
            {
                tracing::error!("runner did not stop 30 s after abort");
                task.abort();
            }
        }
        ShutdownReport { aborted }
    }
}

/// Starts the runner on the current tokio runtime.
pub fn start(project: Project, sink: Arc<dyn RunSink>, opts: RunnerOptions) -> RunnerHandle {
    let (events, _) = broadcast::channel(1024);
    let http = reqwest::Client::builder()
        .user_agent(concat!("sightline-runner/", env!("CARGO_PKG_VERSION")))
        .build()
        .unwrap_or_default();
    let shared = Arc::new(Shared {
        project: Arc::new(project),
        sink,
        metrics: Arc::new(RunnerMetrics::default()),
        events,
        stop: CancellationToken::new(),
        abort: CancellationToken::new(),
        finished: CancellationToken::new(),
        opts,
        http,
    });
    let task = tokio::spawn(run_loop(shared.clone()));
    RunnerHandle {
        shared,
        task: Some(task),
    }
}

/// The scheduler: fires slots into the job queue and waits for workers.
async fn run_loop(shared: Arc<Shared>) {
    // Tells `finished()` even if this task panics.
    let _finished = shared.finished.clone().drop_guard();
    let project = shared.project.clone();
    let now_ms = shared.opts.now_ms;
    let pool_size = project.runner.pool_size;
    shared.metrics.set_pool_size(pool_size);

    let mut clock = SlotClock::new(shared.opts.seed);
    let mut streams = Vec::new();
    let start = now_ms();
    let n_streams: usize = project.schedules.iter().map(|s| s.regions.len()).sum();
    let mut stream_no = 0;
    for (si, s) in project.schedules.iter().enumerate() {
        for region in &s.regions {
            let every = i64::try_from(s.every.as_millis()).unwrap_or(i64::MAX);
            let jitter = i64::try_from(s.jitter.as_millis()).unwrap_or(0);
            // Stagger: stream i of n starts i/n of its interval in, so a pool
            // is not asked for every browser at once when the runner starts.
            let phase = every.saturating_mul(stream_no as i64) / n_streams.max(1) as i64;
            stream_no += 1;
            clock.add(every, jitter, start + phase);
            shared
                .metrics
                .register_stream(&s.journey.journey.name, &region.name);
            streams.push((si, region.clone()));
        }
    }
    // At most one job per stream is ever queued (a busy stream misses its
    // slots), so the queue never fills.
    let (job_tx, job_rx) = mpsc::channel::<Job>(streams.len().max(1));
    let job_rx = Arc::new(tokio::sync::Mutex::new(job_rx));
    let (done_tx, mut done_rx) = mpsc::unbounded_channel::<StreamId>();
    let workers: Vec<_> = (0..pool_size)
        .map(|i| {
            tokio::spawn(pool::worker(
                i,
                shared.clone(),
                job_rx.clone(),
                done_tx.clone(),
            ))
        })
        .collect();
    drop(done_tx);

    let max = shared.opts.max_slots_per_stream;
    let mut retired = vec![false; streams.len()];
    let mut missed_reported = vec![0u64; streams.len()];
    let mut in_flight = 0usize;
    loop {
        let all_retired = retired.iter().all(|r| *r);
        if all_retired && in_flight == 0 {
            break;
        }
        let wait = clock
            .next_due()
            .filter(|_| !all_retired)
            .map_or(Duration::from_secs(3600), |(due, _)| {
                Duration::from_millis(u64::try_from(due - now_ms()).unwrap_or(0))
            });
        tokio::select! {
            () = shared.stop.cancelled() => break,
            done = done_rx.recv() => {
                if let Some(id) = done {
                    clock.done(id);
                    in_flight = in_flight.saturating_sub(1);
                }
                continue;
            }
            () = tokio::time::sleep(wait) => {}
        }
        let now = now_ms();
        while let Some((id, fire)) = clock.fire(now) {
            if retired[id.0] {
                continue;
            }
            let (si, region) = &streams[id.0];
            let journey = &project.schedules[*si].journey.journey.name;
            if let Fire::Start { .. } = fire {
                shared.metrics.queue_delta(1);
                in_flight += 1;
                let job = Job {
                    stream: id,
                    schedule: *si,
                    region: region.clone(),
                    queued: tokio::time::Instant::now(),
                };
                if job_tx.send(job).await.is_err() {
                    break;
                }
                if max.is_some_and(|m| clock.started(id) >= m) {
                    retired[id.0] = true;
                }
            }
            // The clock also counts slots that went by while the process was
            // paused; report whatever it counted since last time.
            let total = clock.missed(id);
            let new = total - missed_reported[id.0];
            if new > 0 {
                missed_reported[id.0] = total;
                shared.metrics.missed_slot(journey, &region.name, new);
                let _ = shared.events.send(RunnerEvent::Missed {
                    journey: journey.clone(),
                    region: region.name.clone(),
                    count: new,
                });
            }
        }
    }
    drop(job_tx);
    for w in workers {
        let _ = w.await;
    }
}
