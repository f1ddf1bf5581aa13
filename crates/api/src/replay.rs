//! "Replay now": one journey replayed in real Chromium from the app, headless
//! or headed, with each step pushed to the UI as it starts and ends, and the
//! run stored like any other (so the Overview and lists move with it).
//!
//! One replay at a time: a second request while one runs is refused as
//! `busy` rather than queued, so the person sees at once why nothing started.
//! The replay runs on its own thread with its own runtime; the call answers
//! as soon as it has started.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use serde::{Deserialize, Serialize};
use sightline_browser::{LaunchOptions, ReplayOptions, ReplayProgress, Replayer};
use sightline_core::Region;
use sightline_store::Store;
use ts_rs::TS;

use crate::journeys::StepInfo;
use crate::live::{EventSink, StoreChanged};
use crate::runs::{RunRow, StepRow};
use crate::{ApiContext, ApiError};

/// The region label of a replay that targets the journey's own base URL.
pub const LOCAL_REGION: &str = "local";

/// Whether a replay is under way.
#[derive(Default)]
pub(crate) struct ReplaySlot {
    busy: AtomicBool,
}

/// Holds the slot until dropped.
struct SlotGuard(Arc<ReplaySlot>);

impl Drop for SlotGuard {
    fn drop(&mut self) {
        self.0.busy.store(false, Ordering::SeqCst);
    }
}

fn claim(slot: &Arc<ReplaySlot>) -> Option<SlotGuard> {
    slot.busy
        .compare_exchange(false, true, Ordering::SeqCst, Ordering::SeqCst)
        .ok()
        .map(|_| SlotGuard(slot.clone()))
}

/// Starts a replay.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ReplayRequest {
    /// The journey's name.
    pub journey: String,
    /// A region of `sightline.toml` to replay from (its base URL replaces the
    /// journey's); null for the journey's own base URL, as region `local`.
    pub region: Option<String>,
    /// Show the browser window instead of running headless.
    pub headed: bool,
}

/// The replay has started.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct ReplayStarted {
    /// The journey.
    pub journey: String,
    /// The region label the run is stored with.
    pub region: String,
    /// The base URL it targets, if it overrides the journey's.
    pub base_url: Option<String>,
    /// Whether the browser window is shown.
    pub headed: bool,
    /// The steps that will run, in order.
    pub steps: Vec<StepInfo>,
}

/// What a replay reports as it goes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ReplayEvent {
    /// A step is starting.
    StepStarted {
        /// Its position, from 0.
        index: u32,
        /// Its name.
        name: String,
        /// Its type.
        kind: String,
    },
    /// A step finished.
    StepFinished {
        /// The step as stored.
        step: StepRow,
    },
    /// The run finished and is stored.
    Finished {
        /// The run.
        run: RunRow,
    },
    /// The replay could not run or could not be stored.
    Failed {
        /// Why, in words.
        message: String,
    },
}

/// Starts replaying `req.journey`; events go to `sink` until it finishes.
pub fn replay(
    ctx: &ApiContext,
    req: ReplayRequest,
    sink: EventSink<ReplayEvent>,
) -> Result<ReplayStarted, ApiError> {
    let (_, loaded) = crate::project::find_journey(ctx, &req.journey).ok_or_else(|| {
        ApiError::NotFound(format!(
            "journey: no journey file defines a journey named {:?}",
            req.journey
        ))
    })?;
    let project = crate::project::runner_project(ctx).transpose()?;
    let (region, base_url) = match &req.region {
        None => (LOCAL_REGION.to_owned(), None),
        Some(name) => {
            let target = project
                .as_ref()
                .and_then(|p| p.regions.iter().find(|r| &r.name == name))
                .ok_or_else(|| {
                    ApiError::BadInput(format!(
                        "region: {name:?} is not a region of {}",
                        ctx.project_file().display()
                    ))
                })?;
            (target.name.clone(), target.base_url.clone())
        }
    };
    let chromium = project.as_ref().map_or_else(
        || LaunchOptions::default().executable,
        |p| p.runner.chromium.clone(),
    );
    let guard = claim(&ctx.replays).ok_or_else(|| {
        ApiError::Busy("a replay is already running; wait for it to finish".into())
    })?;
    let started = ReplayStarted {
        journey: loaded.journey.name.clone(),
        region: region.clone(),
        base_url: base_url.clone(),
        headed: req.headed,
        steps: loaded
            .journey
            .steps
            .iter()
            .enumerate()
            .map(|(i, s)| StepInfo {
                index: u32::try_from(i).unwrap_or(u32::MAX),
                name: sightline_browser::step_name(s),
                kind: s.type_name().to_owned(),
            })
            .collect(),
    };
    let launch = LaunchOptions {
        executable: chromium,
        headed: req.headed,
        ..LaunchOptions::default()
    };
    let secrets = crate::secrets::replay_source(ctx, &loaded.journey.secrets);
    let ctx = ctx.clone();
    std::thread::Builder::new()
        .name("sightline-replay".into())
        .spawn(move || {
            let opts = ReplayOptions {
                base_url,
                region: Region::new(region),
                runner_id: format!("app-{}", std::process::id()),
                secrets,
                now_ms: ctx.clock(),
                ..ReplayOptions::default()
            };
            let event = match run(&ctx, &loaded, launch, opts, &sink) {
                Ok(run) => ReplayEvent::Finished { run },
                Err(e) => ReplayEvent::Failed {
                    message: e.to_string(),
                },
            };
            // Free the slot before saying so: whoever hears "finished" may
            // start the next replay at once.
            drop(guard);
            sink(event);
        })
        .map_err(|e| ApiError::Busy(format!("could not start the replay thread: {e}")))?;
    Ok(started)
}

/// Replays and stores; step events go to `sink` as they happen.
fn run(
    ctx: &ApiContext,
    loaded: &sightline_journeys::LoadedJourney,
    launch: LaunchOptions,
    mut opts: ReplayOptions,
    sink: &EventSink<ReplayEvent>,
) -> Result<RunRow, ApiError> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| ApiError::Busy(format!("could not start the replay runtime: {e}")))?;
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    opts.progress = Some(tx);
    // The run's start as the replayer will stamp it (it reads the same clock
    // first thing), for the live steps' offsets; the stored run is exact.
    let run_start_ms = (opts.now_ms)();
    let report = runtime.block_on(async move {
        let replaying = async move {
            let mut replayer = Replayer::new(launch)?;
            let report = replayer.replay(loaded, &opts).await;
            replayer.shutdown().await;
            // Dropping the options closes the progress channel, which ends
            // the forwarding below.
            drop(opts);
            Ok::<_, ApiError>(report)
        };
        let forwarding = async {
            let mut listening = true;
            while let Some(p) = rx.recv().await {
                // Keep draining after the listener left, so the replay never
                // waits on a full channel (it is unbounded, but the memory is not).
                if listening {
                    listening = sink(progress_event(p, run_start_ms));
                }
            }
        };
        let (report, ()) = tokio::join!(replaying, forwarding);
        report
    })?;
    let mut store = Store::open(ctx.db_path())?;
    sightline_browser::persist::save(&mut store, &report, ctx.now_ms())?;
    crate::live::publish(
        ctx,
        StoreChanged {
            runs: true,
            at_ms: ctx.now_ms(),
            newest_run_received_at_ms: Some(ctx.now_ms()),
            ..StoreChanged::default()
        },
    );
    Ok(RunRow::of(&report.run))
}

fn progress_event(p: ReplayProgress, run_start_ms: i64) -> ReplayEvent {
    match p {
        ReplayProgress::StepStarted { index, name, kind } => {
            ReplayEvent::StepStarted { index, name, kind }
        }
        ReplayProgress::StepFinished(s) => ReplayEvent::StepFinished {
            step: StepRow::of(run_start_ms, &s),
        },
    }
}
