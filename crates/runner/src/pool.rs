//! The browser pool: a fixed number of workers, each owning one warm
//! Chromium ([`Replayer`]) and replaying one slot at a time in a fresh,
//! isolated browser context.
//!
//! A worker runs a slot's attempts back to back (retrying failures as the
//! schedule allows), stores each attempt before the next one starts, and
//! keeps its browser healthy: a crashed browser is relaunched by the
//! replayer on the next run; a hung one (no answer past the run's time
//! limit plus a margin) is killed here and replaced.

use std::sync::Arc;
use std::time::Duration;

use sightline_browser::{LaunchOptions, ReplayOptions, ReplayReport, Replayer};
use sightline_core::{ErrorClass, Outcome, Region, Run};
use sightline_journeys::LoadedJourney;
use tokio::sync::{broadcast, mpsc};
use tokio_util::sync::CancellationToken;

use crate::faults;
use crate::metrics::RunnerMetrics;
use crate::project::{Project, RegionTarget};
use crate::schedule::StreamId;
use crate::sink::RunSink;

/// Past the run's own time limit, how long a replay may go on before the
/// browser is declared hung.
const HANG_MARGIN: Duration = Duration::from_secs(20);
/// The run limit when a journey sets none (as in the replayer).
const DEFAULT_RUN_LIMIT: Duration = Duration::from_secs(120);

/// Something the runner did, for live views.
#[derive(Debug, Clone)]
pub enum RunnerEvent {
    /// An attempt was stored.
    Stored(Arc<Run>),
    /// A slot was not run because the previous one was still going.
    Missed {
        /// The journey.
        journey: String,
        /// The region.
        region: String,
        /// Slots missed at once.
        count: u64,
    },
    /// A browser was replaced.
    BrowserReplaced {
        /// Which worker.
        worker: usize,
        /// Why.
        reason: String,
    },
}

/// How the runner identifies itself and reaches secrets.
#[derive(Debug, Clone)]
pub struct RunnerOptions {
    /// Stored with every run, e.g. `laptop-4711` or a pod name.
    pub runner_id: String,
    /// Where `{{secret.NAME}}` values come from.
    pub secrets: sightline_browser::SecretSource,
    /// Show browser windows.
    pub headed: bool,
    /// Seeds the jitter.
    pub seed: u64,
    /// Stop each stream after this many slots (`None`: run until stopped).
    pub max_slots_per_stream: Option<u64>,
    /// The wall clock, Unix milliseconds.
    pub now_ms: fn() -> i64,
}

impl Default for RunnerOptions {
    fn default() -> Self {
        Self {
            runner_id: format!("runner-{}", std::process::id()),
            secrets: sightline_browser::SecretSource::Env,
            headed: false,
            seed: rand::random(),
            max_slots_per_stream: None,
            now_ms: sightline_browser::system_now_ms,
        }
    }
}

/// What every worker shares.
pub(crate) struct Shared {
    pub project: Arc<Project>,
    pub sink: Arc<dyn RunSink>,
    pub metrics: Arc<RunnerMetrics>,
    pub events: broadcast::Sender<RunnerEvent>,
    /// No new slots start once cancelled.
    pub stop: CancellationToken,
    /// Runs under way end (as `shutdown` runner errors) once cancelled.
    pub abort: CancellationToken,
    /// Cancelled when the run loop has ended.
    pub finished: CancellationToken,
    pub opts: RunnerOptions,
    pub http: reqwest::Client,
}

/// A slot waiting for a browser.
#[derive(Debug)]
pub(crate) struct Job {
    pub stream: StreamId,
    pub schedule: usize,
    pub region: RegionTarget,
    pub queued: tokio::time::Instant,
}

/// One worker: takes slots until told to stop.
pub(crate) async fn worker(
    idx: usize,
    shared: Arc<Shared>,
    jobs: Arc<tokio::sync::Mutex<mpsc::Receiver<Job>>>,
    done: mpsc::UnboundedSender<StreamId>,
) {
    let launch = LaunchOptions {
        executable: shared.project.runner.chromium.clone(),
        headed: shared.opts.headed,
        ..LaunchOptions::default()
    };
    let mut browser = Browser::new(launch);
    loop {
        let job = tokio::select! {
            biased;
            () = shared.stop.cancelled() => None,
            j = async { jobs.lock().await.recv().await } => j,
        };
        let Some(job) = job else { break };
        shared.metrics.queue_delta(-1);
        shared.metrics.in_flight_delta(1);
        run_slot(idx, &shared, &mut browser, &job).await;
        shared.metrics.in_flight_delta(-1);
        let _ = done.send(job.stream);
    }
    if let Some(r) = browser.replayer.take() {
        r.shutdown().await;
    }
}

/// A worker's replayer, with the restart bookkeeping.
struct Browser {
    launch: LaunchOptions,
    replayer: Option<Replayer>,
    /// Launches by replayers already replaced.
    launches_before: u64,
    /// Restarts already reported.
    restarts_reported: u64,
}

impl Browser {
    fn new(launch: LaunchOptions) -> Self {
        Self {
            launch,
            replayer: None,
            launches_before: 0,
            restarts_reported: 0,
        }
    }

    fn get(&mut self) -> Result<&mut Replayer, String> {
        if self.replayer.is_none() {
            self.replayer = Some(Replayer::new(self.launch.clone()).map_err(|e| e.to_string())?);
        }
        self.replayer
            .as_mut()
            .ok_or_else(|| "no replayer".to_owned())
    }

    /// Kills the browser (by dropping it) so the next run starts a new one.
    fn replace(&mut self) {
        if let Some(r) = self.replayer.take() {
            // A hung browser counts as a launch that will be followed by a
            // new one, even if it never finished launching.
            self.launches_before += r.launches().max(1);
        }
    }

    /// Browser restarts since the worker began: every launch after the first.
    fn restarts(&self) -> u64 {
        let now = self.launches_before + self.replayer.as_ref().map_or(0, Replayer::launches);
        now.saturating_sub(1)
    }
}

fn report_restarts(idx: usize, shared: &Shared, browser: &mut Browser, reason: &str) {
    let total = browser.restarts();
    while browser.restarts_reported < total {
        browser.restarts_reported += 1;
        shared.metrics.browser_restarted();
        let _ = shared.events.send(RunnerEvent::BrowserReplaced {
            worker: idx,
            reason: reason.to_owned(),
        });
    }
}

/// Runs one slot: its first attempt and any retries, each stored before the
/// next begins.
async fn run_slot(idx: usize, shared: &Shared, browser: &mut Browser, job: &Job) {
    let schedule = &shared.project.schedules[job.schedule];
    let journey = schedule.journey.as_ref();
    let max_attempts = schedule.retries + 1;
    let mut first_id = None;
    for attempt in 1..=max_attempts {
        let mut report = match pre_check(shared, job, schedule.every, attempt) {
            Some(message) => fault(shared, journey, &job.region, message),
            None => replay_guarded(idx, shared, browser, journey, &job.region).await,
        };
        check_own_network(shared, &mut report).await;
        let retry = report.run.outcome == Outcome::Fail
            && attempt < max_attempts
            && !shared.abort.is_cancelled();
        report.run.attempt = attempt;
        report.run.is_final_attempt = !retry;
        report.run.retry_of = first_id;
        first_id.get_or_insert(report.run.id);
        store(shared, report).await;
        if !retry {
            return;
        }
        tokio::select! {
            () = tokio::time::sleep(shared.project.runner.retry_delay) => {}
            () = shared.abort.cancelled() => {
                let mut last = fault(shared, journey, &job.region,
                    "shutdown: the runner stopped before the retry could run".to_owned());
                last.run.attempt = attempt + 1;
                last.run.retry_of = first_id;
                store(shared, last).await;
                return;
            }
        }
    }
}

/// Why an attempt must not start, if it must not: the runner is failing,
/// not the site.
fn pre_check(shared: &Shared, job: &Job, every: Duration, attempt: u32) -> Option<String> {
    if shared.abort.is_cancelled() {
        return Some("shutdown: the runner stopped before the run started".to_owned());
    }
    let waited = job.queued.elapsed();
    if attempt == 1 && waited > every {
        return Some(format!(
            "overloaded: the slot waited {} ms for a free browser, longer than its interval \
             ({} ms); add browsers (runner.pool_size) or run less often",
            waited.as_millis(),
            every.as_millis()
        ));
    }
    let min = shared.project.runner.min_free_memory_mib;
    match crate::memory::available_mib() {
        Some(avail) if avail < min => Some(format!(
            "out of memory: {avail} MiB available, below runner.min_free_memory_mib ({min} MiB)"
        )),
        _ => None,
    }
}

fn fault(
    shared: &Shared,
    journey: &LoadedJourney,
    region: &RegionTarget,
    message: String,
) -> ReplayReport {
    faults::fault_report(
        journey,
        &region.name,
        &shared.opts.runner_id,
        (shared.opts.now_ms)(),
        ErrorClass::RunnerError,
        message,
    )
}

/// One replay, bounded: past its time limit plus a margin the browser is
/// killed and replaced, and the run is a runner error.
async fn replay_guarded(
    idx: usize,
    shared: &Shared,
    browser: &mut Browser,
    journey: &LoadedJourney,
    region: &RegionTarget,
) -> ReplayReport {
    let opts = ReplayOptions {
        base_url: region.base_url.clone(),
        region: Region::new(region.name.clone()),
        runner_id: shared.opts.runner_id.clone(),
        secrets: shared.opts.secrets.clone(),
        screenshot_on_failure: shared.project.runner.screenshot_on_failure,
        now_ms: shared.opts.now_ms,
        cancel: Some(shared.abort.clone()),
        ..ReplayOptions::default()
    };
    let limit = journey
        .journey
        .timeouts
        .run_ms
        .map_or(DEFAULT_RUN_LIMIT, Duration::from_millis)
        + HANG_MARGIN;
    let started = (shared.opts.now_ms)();
    let replayer = match browser.get() {
        Ok(r) => r,
        Err(e) => {
            return faults::fault_report(
                journey,
                &region.name,
                &shared.opts.runner_id,
                started,
                ErrorClass::RunnerError,
                format!("cannot start a replayer: {e}"),
            );
        }
    };
    let outcome = tokio::time::timeout(limit, replayer.replay(journey, &opts)).await;
    match outcome {
        Ok(report) => {
            let crashed = report.run.error_class == Some(ErrorClass::BrowserCrashed);
            if crashed {
                // The replayer relaunches on its next run; warm it now so the
                // restart is counted and the next slot does not pay for it.
                if let Ok(r) = browser.get()
                    && let Err(e) = r.warm_up().await
                {
                    tracing::warn!(worker = idx, error = %e, "relaunching the browser");
                }
                report_restarts(idx, shared, browser, "browser crashed");
            }
            report
        }
        Err(_) => {
            browser.replace();
            report_restarts(idx, shared, browser, "browser hung");
            let mut report = faults::fault_report(
                journey,
                &region.name,
                &shared.opts.runner_id,
                started,
                ErrorClass::BrowserCrashed,
                format!(
                    "the browser stopped answering for {} s; it was killed and replaced",
                    limit.as_secs()
                ),
            );
            report.run.duration_ms = i64::try_from(limit.as_millis()).unwrap_or(i64::MAX);
            report
        }
    }
}

/// A network error may be the runner's own network: check, and blame the
/// runner when the check URL is unreachable too.
async fn check_own_network(shared: &Shared, report: &mut ReplayReport) {
    let Some(url) = shared.project.runner.network_check_url.as_deref() else {
        return;
    };
    if report.run.outcome != Outcome::Fail
        || report.run.error_class != Some(ErrorClass::NetworkError)
    {
        return;
    }
    if let Err(why) = faults::reachable(&shared.http, url).await {
        faults::blame_runner_network(report, url, &why);
    }
}

/// Makes the attempt durable, then tells metrics and listeners. A store
/// failure is retried a few times; if it persists the run is logged whole so
/// it can be recovered by hand.
async fn store(shared: &Shared, report: ReplayReport) {
    let report = Arc::new(report);
    for try_no in 1..=3 {
        let sink = shared.sink.clone();
        let r = report.clone();
        let saved = tokio::task::spawn_blocking(move || sink.accept(&r)).await;
        match saved {
            Ok(Ok(_)) => {
                shared.metrics.observe_run(&report.run);
                let _ = shared
                    .events
                    .send(RunnerEvent::Stored(Arc::new(report.run.clone())));
                return;
            }
            Ok(Err(e)) => {
                tracing::error!(try_no, error = %e, code = e.code(), "storing a run");
            }
            Err(e) => tracing::error!(try_no, error = %e, "storing a run"),
        }
        tokio::time::sleep(Duration::from_millis(500 * try_no)).await;
    }
    let json = serde_json::to_string(&report.run).unwrap_or_default();
    tracing::error!(run = %json, "a run could not be stored after 3 tries");
}
