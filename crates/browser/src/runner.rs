//! Replaying a whole journey: the warm browser, the per-run context, step and
//! run deadlines, crash detection, and the [`Run`] that comes out.

use std::time::Duration;

use futures::FutureExt;
use sightline_core::journey::Step;
use sightline_core::{ErrorClass, Outcome, Region, Run, RunId, StepResult};
use sightline_journeys::LoadedJourney;
use tokio::sync::{mpsc, watch};
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

use crate::BrowserError;
use crate::capture::{self, PageVitals};
use crate::context::RunSession;
use crate::launch::{LaunchOptions, WarmBrowser};
use crate::secrets::{Bindings, SecretSource};
use crate::steps::{self, StepCtx, StepFailure};
use crate::trace_context::{OwnOrigins, TraceContext};

/// Extra time the outer step timeout allows, so a step's own wait can report
/// its more precise class (e.g. `selector_not_found`) first.
const GRACE: Duration = Duration::from_millis(300);

/// Settings of one replay.
#[derive(Debug, Clone)]
pub struct ReplayOptions {
    /// Overrides the journey's `baseUrl` (for a region or environment).
    pub base_url: Option<String>,
    /// Where the runner runs.
    pub region: Region,
    /// Which runner this is.
    pub runner_id: String,
    /// Where `{{secret.NAME}}` values come from.
    pub secrets: SecretSource,
    /// Step limit when neither the step nor the journey sets one.
    pub default_step_timeout: Duration,
    /// Run limit when the journey sets none.
    pub default_run_timeout: Duration,
    /// Keep a PNG of the page when a step fails.
    pub screenshot_on_failure: bool,
    /// The clock, in Unix milliseconds (passed in so tests can pin it).
    pub now_ms: fn() -> i64,
    /// Cancelled when the runner shuts down: the step under way ends as a
    /// runner error (`runner_error`, "shutdown"), so the run never counts
    /// against an SLO, and the steps already done are kept.
    pub cancel: Option<CancellationToken>,
    /// Where to report each step as it starts and ends, for a live view of
    /// the replay (the desktop app's "Replay now"). A closed receiver is
    /// ignored: reporting never changes how the run goes.
    pub progress: Option<mpsc::UnboundedSender<ReplayProgress>>,
}

/// A step of a replay under way, as it happens.
#[derive(Debug, Clone, PartialEq)]
pub enum ReplayProgress {
    /// Step `index` is starting.
    StepStarted {
        /// Its position in the journey, from 0.
        index: u32,
        /// Its name, with secrets redacted.
        name: String,
        /// Its type, e.g. `click`.
        kind: String,
    },
    /// Step `index` finished, as it will be stored.
    StepFinished(StepResult),
}

impl Default for ReplayOptions {
    fn default() -> Self {
        Self {
            base_url: None,
            region: Region::new("local"),
            runner_id: "local".to_owned(),
            secrets: SecretSource::Env,
            default_step_timeout: Duration::from_secs(10),
            default_run_timeout: Duration::from_secs(120),
            screenshot_on_failure: true,
            now_ms: system_now_ms,
            cancel: None,
            progress: None,
        }
    }
}

/// The system clock in Unix milliseconds.
pub fn system_now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

/// A file a run produced, not yet stored.
#[derive(Debug, Clone, PartialEq)]
pub struct Artifact {
    /// The step it belongs to, or `None` for the whole run.
    pub step_index: Option<u32>,
    /// `screenshot`, `console` or `vitals`.
    pub role: String,
    /// MIME type.
    pub media_type: String,
    /// The bytes (already free of secrets where they are text).
    pub bytes: Vec<u8>,
}

/// Everything one replay produced.
#[derive(Debug, Clone)]
pub struct ReplayReport {
    /// The run with its steps, ready for [`sightline_store::Store::insert_run`].
    pub run: Run,
    /// Screenshots, console log, page timings.
    pub artifacts: Vec<Artifact>,
    /// Page timings per loaded document.
    pub vitals: Vec<PageVitals>,
    /// Console errors and uncaught exceptions the page reported (redacted).
    pub console_errors: Vec<String>,
}

/// Replays journeys, keeping one browser warm between runs.
pub struct Replayer {
    launch: LaunchOptions,
    warm: Option<WarmBrowser>,
    http: reqwest::Client,
    launches: u64,
}

impl Replayer {
    /// A replayer that launches Chromium on first need.
    pub fn new(launch: LaunchOptions) -> Result<Self, BrowserError> {
        let http = reqwest::Client::builder()
            .user_agent(concat!("sightline/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| BrowserError::Launch(format!("http client: {e}")))?;
        Ok(Self {
            launch,
            warm: None,
            http,
            launches: 0,
        })
    }

    /// Starts the browser now (otherwise the first run that needs it does),
    /// replacing one that died.
    pub async fn warm_up(&mut self) -> Result<(), BrowserError> {
        let alive = self.warm.as_mut().is_some_and(WarmBrowser::is_alive);
        if !alive {
            // Dropping a dead browser reaps it; then start a fresh one.
            self.warm = None;
            self.warm = Some(WarmBrowser::launch(&self.launch).await?);
            self.launches += 1;
        }
        Ok(())
    }

    /// How many times this replayer has started Chromium: 1 after the first
    /// browser run, +1 for every browser that crashed and was replaced.
    pub fn launches(&self) -> u64 {
        self.launches
    }

    /// The browser's process id, while one runs.
    pub fn browser_pid(&mut self) -> Option<u32> {
        self.warm.as_mut().and_then(WarmBrowser::pid)
    }

    /// Closes the browser.
    pub async fn shutdown(mut self) {
        if let Some(w) = self.warm.take() {
            w.shutdown().await;
        }
    }

    /// Replays `loaded` once. Never fails: every problem ends up in the
    /// report's run as an outcome and error class.
    pub async fn replay(&mut self, loaded: &LoadedJourney, opts: &ReplayOptions) -> ReplayReport {
        let journey = &loaded.journey;
        let started_at_ms = (opts.now_ms)();
        let t0 = Instant::now();
        // ThreadRng is not Send: use it and drop it before the first await,
        // so a replay can run on any worker thread of a pool.
        let (trace, run_id) = {
            let mut rng = rand::rng();
            (
                TraceContext::new(&mut rng),
                RunId::new(started_at_ms, &mut rng),
            )
        };
        let mut run = Run {
            id: run_id,
            journey: journey.name.clone(),
            journey_version: loaded.version.clone(),
            region: opts.region.clone(),
            runner_id: opts.runner_id.clone(),
            attempt: 1,
            is_final_attempt: true,
            retry_of: None,
            started_at_ms,
            duration_ms: 0,
            outcome: Outcome::Pass,
            error_class: None,
            error_message: None,
            trace_id: Some(trace.trace_id().to_owned()),
            release_id: None,
            simulated: false,
            steps: Vec::new(),
        };
        let mut report = ReplayReport {
            run: run.clone(),
            artifacts: Vec::new(),
            vitals: Vec::new(),
            console_errors: Vec::new(),
        };
        let base_url = opts.base_url.clone().or_else(|| journey.base_url.clone());
        let mut origins = OwnOrigins::default();
        if let Some(b) = &base_url {
            origins.add_url(b);
        }
        for step in &journey.steps {
            if let Step::Navigate(n) = step {
                origins.add_url(&n.url);
            }
        }
        let mut bindings = Bindings::new(opts.secrets.clone(), journey.variables.clone());
        let run_timeout = journey
            .timeouts
            .run_ms
            .map_or(opts.default_run_timeout, Duration::from_millis);
        let run_deadline = t0 + run_timeout;

        // Declared secrets are looked up before anything runs, so a missing
        // one is a runner error rather than a half-run journey.
        let mut setup_failure = None;
        for name in &journey.secrets {
            if let Err(e) = bindings.secret(name) {
                setup_failure = Some(StepFailure::runner(e.to_string()));
                break;
            }
        }
        let mut session = None;
        if setup_failure.is_none() && journey.steps.iter().any(steps::needs_browser) {
            match self
                .open_session(&origins, &trace, journey.viewport.as_ref())
                .await
            {
                Ok(s) => session = Some(s),
                Err(f) => setup_failure = Some(f),
            }
        }
        if let Some(f) = setup_failure {
            run.outcome = f.class.outcome();
            run.error_class = Some(f.class);
            run.error_message = Some(bindings.redactor().redact(&f.message));
            run.duration_ms = elapsed_ms(t0);
            report.run = run;
            return report;
        }

        let alive = self.warm.as_ref().map(WarmBrowser::alive_signal);
        let mut seen_exceptions = 0;
        let mut failure: Option<StepFailure> = None;
        for (i, step) in journey.steps.iter().enumerate() {
            let index = u32::try_from(i).unwrap_or(u32::MAX);
            let step_started = (opts.now_ms)();
            let s0 = Instant::now();
            let step_timeout = step
                .meta()
                .timeout
                .or(journey.timeouts.step_ms)
                .map_or(opts.default_step_timeout, Duration::from_millis);
            let deadline = (s0 + step_timeout).min(run_deadline);
            let run_limited = run_deadline <= s0 + step_timeout;
            report_progress(opts, || ReplayProgress::StepStarted {
                index,
                name: bindings.redactor().redact(&steps::name(step)),
                kind: step.type_name().to_owned(),
            });
            let mut result = {
                let mut cx = StepCtx {
                    session: session.as_mut(),
                    bindings: &mut bindings,
                    base_url: base_url.as_deref(),
                    deadline,
                    step_index: index,
                    http: &self.http,
                    trace: &trace,
                    origins: &origins,
                    vitals: &mut report.vitals,
                    now_ms: opts.now_ms,
                };
                let work = tokio::time::timeout_at(deadline + GRACE, steps::run(step, &mut cx));
                let lost = browser_lost(alive.clone());
                let cancelled = cancelled(opts.cancel.as_ref());
                tokio::select! {
                    r = work => r.unwrap_or_else(|_| Err(timeout_failure(step, step_timeout, run_limited, run_timeout))),
                    () = lost => Err(StepFailure::new(
                        ErrorClass::BrowserCrashed,
                        "the browser process went away during the step",
                    )),
                    () = cancelled => Err(StepFailure::new(
                        ErrorClass::RunnerError,
                        "shutdown: the runner stopped during the step",
                    )),
                }
            };
            // The step's own time; the exception check below is the runner's.
            let duration_ms = elapsed_ms(s0);
            if result.is_ok()
                && let Some(s) = session.as_ref().filter(|s| !s.closed)
            {
                result = new_exception(s, &mut seen_exceptions).await;
            }
            if let Err(f) = &mut result
                && f.class != ErrorClass::BrowserCrashed
                && self.warm.as_mut().is_some_and(|w| !w.is_alive())
            {
                f.class = ErrorClass::BrowserCrashed;
                f.message = format!("the browser process went away ({})", f.message);
            }
            let (outcome, error_class, error_message) = match &result {
                Ok(()) => (Outcome::Pass, None, None),
                Err(f) => (
                    f.class.outcome(),
                    Some(f.class),
                    Some(bindings.redactor().redact(&f.message)),
                ),
            };
            run.steps.push(StepResult {
                index,
                name: bindings.redactor().redact(&steps::name(step)),
                kind: step.type_name().to_owned(),
                started_at_ms: step_started,
                duration_ms,
                outcome,
                error_class,
                error_message,
            });
            if let Some(done) = run.steps.last() {
                report_progress(opts, || ReplayProgress::StepFinished(done.clone()));
            }
            if let Err(f) = result {
                if opts.screenshot_on_failure
                    && f.class != ErrorClass::BrowserCrashed
                    && let Some(s) = session.as_ref().filter(|s| !s.closed)
                {
                    let shot =
                        tokio::time::timeout(Duration::from_secs(5), capture::screenshot(&s.page));
                    if let Ok(Ok(png)) = shot.await {
                        report.artifacts.push(Artifact {
                            step_index: Some(index),
                            role: "screenshot".to_owned(),
                            media_type: "image/png".to_owned(),
                            bytes: png,
                        });
                    }
                }
                failure = Some(f);
                break;
            }
        }

        if let Some(s) = &session
            && let Ok(log) = s.console.lock()
        {
            report.console_errors = log
                .errors
                .iter()
                .chain(log.exceptions.iter())
                .map(|m| bindings.redactor().redact(m))
                .collect();
        }
        for v in &mut report.vitals {
            v.url = bindings.redactor().redact(&v.url);
        }
        if let Some(s) = &session
            && let Ok(net) = s.network.lock()
            && !net.is_empty()
            && let Ok(bytes) = serde_json::to_vec_pretty(&net.to_har(bindings.redactor()))
        {
            report.artifacts.push(Artifact {
                step_index: None,
                role: "har".to_owned(),
                media_type: "application/json".to_owned(),
                bytes,
            });
        }
        push_json(&mut report.artifacts, "console", &report.console_errors);
        push_json(&mut report.artifacts, "vitals", &report.vitals);

        let crashed = failure
            .as_ref()
            .is_some_and(|f| f.class == ErrorClass::BrowserCrashed);
        if let Some(s) = session.take() {
            match self.warm.as_ref() {
                Some(w) if !crashed => s.close(w).await,
                _ => drop(s),
            }
        }
        if crashed {
            // Reap the dead browser now; the next run launches a fresh one.
            self.warm = None;
        }
        if let Some(f) = failure {
            run.outcome = f.class.outcome();
            run.error_class = Some(f.class);
            run.error_message = Some(bindings.redactor().redact(&f.message));
        }
        run.duration_ms = elapsed_ms(t0);
        report.run = run;
        report
    }

    async fn open_session(
        &mut self,
        origins: &OwnOrigins,
        trace: &TraceContext,
        viewport: Option<&sightline_core::journey::Viewport>,
    ) -> Result<RunSession, StepFailure> {
        self.warm_up()
            .await
            .map_err(|e| StepFailure::runner(format!("{} ({})", e, e.code())))?;
        let Some(warm) = self.warm.as_mut() else {
            return Err(StepFailure::runner("no browser"));
        };
        match RunSession::open(warm, origins, trace, viewport).await {
            Ok(s) => Ok(s),
            Err(e) => {
                let mut f = StepFailure::from_cdp(e);
                if !warm.is_alive() {
                    f.class = ErrorClass::BrowserCrashed;
                } else if f.class != ErrorClass::BrowserCrashed {
                    f.class = ErrorClass::RunnerError;
                }
                f.message = format!("could not open a browser context: {}", f.message);
                Err(f)
            }
        }
    }
}

/// Sends one progress report when someone listens; `make` runs only then.
fn report_progress(opts: &ReplayOptions, make: impl FnOnce() -> ReplayProgress) {
    if let Some(tx) = &opts.progress {
        // A listener that went away (a closed window) must not stop the run.
        let _ = tx.send(make());
    }
}

fn elapsed_ms(since: Instant) -> i64 {
    i64::try_from(since.elapsed().as_millis()).unwrap_or(i64::MAX)
}

fn timeout_failure(
    step: &Step,
    step_timeout: Duration,
    run_limited: bool,
    run_timeout: Duration,
) -> StepFailure {
    let class = if steps::waits_for_navigation(step) {
        ErrorClass::NavigationTimeout
    } else {
        ErrorClass::StepTimeout
    };
    let message = if run_limited {
        format!(
            "the run's time limit ({} ms) ran out during the step",
            run_timeout.as_millis()
        )
    } else {
        format!(
            "the step did not finish within {} ms",
            step_timeout.as_millis()
        )
    };
    StepFailure::new(class, message)
}

/// Resolves when `token` is cancelled; never without one.
async fn cancelled(token: Option<&CancellationToken>) {
    match token {
        Some(t) => t.cancelled().await,
        None => futures::future::pending().await,
    }
}

/// Resolves when the browser connection is lost; never without a browser.
async fn browser_lost(alive: Option<watch::Receiver<bool>>) {
    let Some(mut rx) = alive else {
        return futures::future::pending().await;
    };
    loop {
        if !*rx.borrow_and_update() {
            return;
        }
        if rx.changed().await.is_err() {
            return;
        }
    }
}

/// A step that made the page throw an uncaught exception fails with
/// `js_exception`, even if its own action worked: the user saw a broken page.
async fn new_exception(session: &RunSession, seen: &mut usize) -> Result<(), StepFailure> {
    // One round trip flushes the renderer's pending events to us; then give
    // the listener task a moment to file them.
    let ping = session.page.evaluate_expression("0");
    let _ = tokio::time::timeout(Duration::from_millis(500), ping.map(|_| ())).await;
    tokio::time::sleep(Duration::from_millis(5)).await;
    let Ok(log) = session.console.lock() else {
        return Ok(());
    };
    let first_new = log.exceptions.get(*seen).cloned();
    *seen = log.exceptions.len();
    match first_new {
        Some(text) => Err(StepFailure::new(
            ErrorClass::JsException,
            format!("uncaught exception: {text}"),
        )),
        None => Ok(()),
    }
}

fn push_json<T: serde::Serialize>(out: &mut Vec<Artifact>, role: &str, value: &[T]) {
    if value.is_empty() {
        return;
    }
    if let Ok(bytes) = serde_json::to_vec_pretty(value) {
        out.push(Artifact {
            step_index: None,
            role: role.to_owned(),
            media_type: "application/json".to_owned(),
            bytes,
        });
    }
}
