//! "Record": the journey recorder started from the app. A Chromium window
//! opens on the start URL; each click, typed value, key press and scroll the
//! person makes is pushed to the UI as it is recorded; closing the window or
//! `record_stop` writes the journey file, through the same recorder as
//! `sightline record` (so a password typed on the way is saved as
//! `{{secret.password}}`, never in clear).
//!
//! One recording at a time: a second request is refused as `busy`. The call
//! answers once the browser is up (or names why it could not start); the
//! recording then runs on its own thread with its own runtime. The file goes
//! under `journeys/` only, and an existing file is replaced only when asked;
//! replacing one keeps its description, tags, timeouts and declared secrets,
//! so re-recording a journey (or a discovered skeleton) gives a new version
//! of the same journey.

use std::path::{Component, Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde::{Deserialize, Serialize};
use sightline_browser::LaunchOptions;
use sightline_browser::recorder::Recorder;
use sightline_core::Journey;
use tokio::sync::Notify;
use ts_rs::TS;

use crate::live::{EventSink, StoreChanged};
use crate::{Ack, ApiContext, ApiError};

/// How long the browser may take to come up before the call gives up.
const START_WITHIN: Duration = Duration::from_secs(45);
/// How often the recording's step count is checked for the UI.
const POLL: Duration = Duration::from_millis(250);

/// The recording under way, if any: how to stop it.
#[derive(Default)]
pub(crate) struct RecordSlot {
    stop: Mutex<Option<Arc<Notify>>>,
}

impl RecordSlot {
    fn claim(&self) -> Option<Arc<Notify>> {
        let mut slot = self.stop.lock().unwrap_or_else(|p| p.into_inner());
        if slot.is_some() {
            return None;
        }
        let stop = Arc::new(Notify::new());
        *slot = Some(stop.clone());
        Some(stop)
    }

    fn release(&self) {
        *self.stop.lock().unwrap_or_else(|p| p.into_inner()) = None;
    }

    fn current(&self) -> Option<Arc<Notify>> {
        self.stop.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }
}

/// Frees the slot when the recording thread ends, however it ends.
struct SlotGuard(Arc<RecordSlot>);

impl Drop for SlotGuard {
    fn drop(&mut self) {
        self.0.release();
    }
}

/// Starts a recording.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct RecordRequest {
    /// Where the browser opens: an http(s) URL.
    pub url: String,
    /// The journey file to write, relative to the project and under
    /// `journeys/`, e.g. `journeys/checkout.yaml`.
    pub file: String,
    /// The journey's name; null for the file's stem.
    pub name: Option<String>,
    /// Replace `file` if it exists (keeping its description, tags, timeouts
    /// and secrets); otherwise an existing file is refused.
    pub replace: bool,
    /// Show the browser window (what a person wants); false records headless,
    /// driven through `devtools_url`.
    pub headed: bool,
}

/// The browser is up and recording.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct RecordStarted {
    /// The start URL.
    pub url: String,
    /// The file that will be written, relative to the project.
    pub file: String,
    /// The journey's name.
    pub name: String,
    /// Whether the file exists and will be replaced.
    pub replaces: bool,
    /// The browser's DevTools WebSocket address.
    pub devtools_url: String,
}

/// What a recording reports as it goes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum RecordEvent {
    /// A step was recorded.
    Step {
        /// Steps recorded so far (the opening viewport and navigation not counted).
        count: u32,
        /// The newest step's type, e.g. `click`.
        kind: String,
    },
    /// The journey file is written.
    Saved {
        /// The file, relative to the project.
        file: String,
        /// The journey's name.
        name: String,
        /// Its steps, the opening viewport and navigation included.
        steps: u32,
        /// The secrets it declares (a typed password becomes `password`).
        secrets: Vec<String>,
        /// What the import noticed, in words.
        warnings: Vec<String>,
    },
    /// The recording could not be saved; nothing was written.
    Failed {
        /// Why, in words.
        message: String,
    },
}

/// Stops the recording under way (as closing its window does).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct RecordStopRequest {}

/// Checks `file` and returns it joined to the project.
fn target(ctx: &ApiContext, file: &str) -> Result<PathBuf, ApiError> {
    let rel = Path::new(file);
    let bad = |why: &str| ApiError::InvalidRequest(format!("file: {file:?} {why}"));
    if rel.is_absolute()
        || rel
            .components()
            .any(|c| !matches!(c, Component::Normal(_) | Component::CurDir))
    {
        return Err(bad("must be a path inside the project, without `..`"));
    }
    if !rel.starts_with("journeys") || rel.components().count() < 2 {
        return Err(bad("must be under journeys/"));
    }
    if !matches!(
        rel.extension().and_then(|e| e.to_str()),
        Some("yaml" | "yml")
    ) {
        return Err(bad("must end in .yaml or .yml"));
    }
    Ok(ctx.project_dir().join(rel))
}

/// Starts recording; events go to `sink` until the journey is written.
pub fn record(
    ctx: &ApiContext,
    req: RecordRequest,
    sink: EventSink<RecordEvent>,
) -> Result<RecordStarted, ApiError> {
    let path = target(ctx, &req.file)?;
    let replaces = path.exists();
    if replaces && !req.replace {
        return Err(ApiError::InvalidRequest(format!(
            "file: {} exists; ask to replace it",
            req.file
        )));
    }
    let name = match &req.name {
        Some(n) if !n.trim().is_empty() => n.trim().to_owned(),
        _ => path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or("recorded")
            .to_owned(),
    };
    if let Some((other, _)) = crate::project::find_journey(ctx, &name)
        && ctx.project_dir().join(&other) != path
    {
        return Err(ApiError::InvalidRequest(format!(
            "name: {other} already defines a journey named {name:?}; pick another name or record into that file"
        )));
    }
    let url = req.url.trim().to_owned();
    let launch = LaunchOptions {
        executable: crate::project::chromium(ctx),
        headed: req.headed,
        ..LaunchOptions::default()
    };
    let stop = ctx.recordings.claim().ok_or_else(|| {
        ApiError::Busy("a recording is already under way; close its window first".into())
    })?;
    let guard = SlotGuard(ctx.recordings.clone());
    let (up_tx, up_rx) = std::sync::mpsc::channel();
    let job = Job {
        ctx: ctx.clone(),
        path,
        file: req.file.clone(),
        name: name.clone(),
        url: url.clone(),
    };
    let thread = std::thread::Builder::new()
        .name("sightline-record".into())
        .spawn(move || {
            let last = job.run(&launch, &stop, &up_tx, &sink);
            // Free the slot before saying so: whoever hears "saved" may
            // start the next recording at once.
            drop(guard);
            if let Some(event) = last {
                sink(event);
            }
        })
        .map_err(|e| ApiError::Busy(format!("could not start the recording thread: {e}")))?;
    let devtools_url = match up_rx.recv_timeout(START_WITHIN) {
        Ok(Ok(devtools)) => devtools,
        Ok(Err(e)) => {
            // The thread ends at once; wait for it, so the slot is free
            // when the caller hears why.
            let _ = thread.join();
            return Err(e);
        }
        Err(_) => {
            return Err(ApiError::Busy(format!(
                "the browser did not come up within {} s",
                START_WITHIN.as_secs()
            )));
        }
    };
    Ok(RecordStarted {
        url,
        file: req.file,
        name,
        replaces,
        devtools_url,
    })
}

/// Stops the recording under way; it then writes its file and says so on its
/// own stream. Refused as `not_found` when nothing is recording.
pub fn record_stop(ctx: &ApiContext, _req: RecordStopRequest) -> Result<Ack, ApiError> {
    let stop = ctx
        .recordings
        .current()
        .ok_or_else(|| ApiError::NotFound("recording: nothing is being recorded".into()))?;
    stop.notify_one();
    Ok(Ack {})
}

/// One recording, on its thread.
struct Job {
    ctx: ApiContext,
    path: PathBuf,
    file: String,
    name: String,
    url: String,
}

type Up = std::sync::mpsc::Sender<Result<String, ApiError>>;

impl Job {
    /// Records until stopped or closed; the last event is the caller's to send.
    fn run(
        self,
        launch: &LaunchOptions,
        stop: &Notify,
        up: &Up,
        sink: &EventSink<RecordEvent>,
    ) -> Option<RecordEvent> {
        let runtime = match tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
        {
            Ok(r) => r,
            Err(e) => {
                let _ = up.send(Err(ApiError::Busy(format!(
                    "could not start the recording runtime: {e}"
                ))));
                return None;
            }
        };
        runtime.block_on(async {
            let rec = match Recorder::start(launch, &self.url).await {
                Ok(r) => r,
                Err(e) => {
                    let _ = up.send(Err(e.into()));
                    return None;
                }
            };
            if up.send(Ok(rec.devtools_url())).is_err() {
                // The caller gave up waiting: nobody will stop this recording.
                drop(rec.stop(&self.name).await);
                return None;
            }
            let mut reported = 0;
            loop {
                tokio::select! {
                    () = stop.notified() => break,
                    () = rec.closed() => break,
                    () = tokio::time::sleep(POLL) => {
                        let kinds = rec.kinds();
                        if kinds.len() > reported {
                            reported = kinds.len();
                            sink(RecordEvent::Step {
                                count: u32::try_from(reported).unwrap_or(u32::MAX),
                                kind: kinds.last().cloned().unwrap_or_default(),
                            });
                        }
                    }
                }
            }
            Some(match rec.stop(&self.name).await {
                Ok(recording) => self.save(recording),
                Err(e) => RecordEvent::Failed {
                    message: e.to_string(),
                },
            })
        })
    }

    /// Writes the journey, keeping what a replaced file said about itself.
    fn save(&self, recording: sightline_browser::recorder::Recording) -> RecordEvent {
        let mut journey = recording.journey;
        if let Ok(old) = sightline_journeys::load(&self.path) {
            keep_metadata(&mut journey, &old.journey);
        }
        let written = self
            .path
            .parent()
            .map_or(Ok(()), std::fs::create_dir_all)
            .map_err(|e| format!("{}: cannot create its folder: {e}", self.file))
            .and_then(|()| {
                sightline_journeys::save(&self.path, &journey)
                    .map_err(|e| format!("{}: {e}", self.file))
            });
        if let Err(message) = written {
            return RecordEvent::Failed { message };
        }
        crate::live::publish(
            &self.ctx,
            StoreChanged {
                project: true,
                at_ms: self.ctx.now_ms(),
                ..StoreChanged::default()
            },
        );
        RecordEvent::Saved {
            file: self.file.clone(),
            name: journey.name.clone(),
            steps: u32::try_from(journey.steps.len()).unwrap_or(u32::MAX),
            secrets: journey.secrets.clone(),
            warnings: recording.warnings.iter().map(ToString::to_string).collect(),
        }
    }
}

/// A new recording of an existing journey keeps what the person wrote about
/// it: description, tags, timeouts, and the secrets it declared.
fn keep_metadata(new: &mut Journey, old: &Journey) {
    if new.description.is_empty() {
        new.description.clone_from(&old.description);
    }
    if new.tags.is_empty() {
        new.tags.clone_from(&old.tags);
    }
    new.timeouts = old.timeouts;
    for s in &old.secrets {
        if !new.secrets.contains(s) {
            new.secrets.push(s.clone());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_file_must_be_a_yaml_file_under_journeys() {
        let ctx = ApiContext::new("/nonexistent/db").with_project("/p");
        assert_eq!(
            target(&ctx, "journeys/a/b.yaml").unwrap(),
            Path::new("/p/journeys/a/b.yaml")
        );
        for bad in [
            "/etc/x.yaml",
            "journeys/../slos/x.yaml",
            "slos/x.yaml",
            "journeys",
            "journeys/x.json",
        ] {
            let e = target(&ctx, bad).unwrap_err().to_string();
            assert!(e.contains(&format!("{bad:?}")), "{bad}: {e}");
        }
    }

    #[test]
    fn a_second_recording_is_refused_until_the_first_ends() {
        let slot = Arc::new(RecordSlot::default());
        let first = slot.claim().expect("free");
        assert!(slot.claim().is_none());
        assert!(Arc::ptr_eq(&slot.current().unwrap(), &first));
        drop(SlotGuard(slot.clone()));
        assert!(slot.current().is_none());
        assert!(slot.claim().is_some());
    }
}
