//! Live updates: what changed in the store and the project folder, pushed to
//! the UI as it happens, so no view polls.
//!
//! One watcher thread per app ([`spawn_watcher`]) asks a [`ChangeProbe`] at
//! most once a second whether anything moved: SQLite's `data_version` (which
//! changes when another connection commits, at no I/O cost), then the runs
//! watermark and event count, and the modification times of `slos/`,
//! `journeys/` and `sightline.toml`. When something moved it pushes one
//! [`StoreChanged`] to the subscriber, which refetches what it shows. The UI
//! subscribes once ([`subscribe`]); a new subscription replaces the old one,
//! because the app has one window and a reloaded page must not leave a dead
//! subscriber behind.

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, mpsc};
use std::time::{Duration, SystemTime};

use serde::{Deserialize, Serialize};
use sightline_store::Store;
use sightline_store::queries::{events, run_list};
use ts_rs::TS;

use crate::{Ack, ApiContext, ApiError};

/// Where a stream pushes its events. Returns `false` once the receiver is
/// gone (a closed window), and the stream then stops sending.
pub type EventSink<E> = Box<dyn Fn(E) -> bool + Send + Sync>;

/// The shortest interval the watcher checks at. The rule: nothing
/// polls faster than once a second.
pub const MIN_INTERVAL: Duration = Duration::from_secs(1);

/// Asks for live store changes. Carries nothing yet.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct SubscribeRequest {}

/// What changed since the last push. A view refetches when a flag it
/// depends on is set.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct StoreChanged {
    /// Runs were stored.
    pub runs: bool,
    /// Deploy, Kubernetes or incident events were stored.
    pub events: bool,
    /// A file under `slos/` was added, changed or removed.
    pub slos: bool,
    /// A journey file or `sightline.toml` was added, changed or removed.
    pub project: bool,
    /// When the probe saw it, Unix ms.
    pub at_ms: i64,
    /// The newest run's receive time, Unix ms.
    pub newest_run_received_at_ms: Option<i64>,
}

impl StoreChanged {
    /// Whether anything changed at all.
    pub fn any(&self) -> bool {
        self.runs || self.events || self.slos || self.project
    }
}

/// The one live subscriber of an app.
#[derive(Default)]
pub(crate) struct LiveHub {
    sink: Mutex<Option<EventSink<StoreChanged>>>,
}

impl LiveHub {
    /// Sends `change` to the subscriber; drops it when it is gone.
    pub(crate) fn publish(&self, change: StoreChanged) {
        let mut sink = self
            .sink
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(send) = sink.as_ref()
            && !send(change)
        {
            *sink = None;
        }
    }

    fn replace(&self, new: EventSink<StoreChanged>) {
        *self
            .sink
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = Some(new);
    }

    pub(crate) fn has_subscriber(&self) -> bool {
        self.sink
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .is_some()
    }
}

/// Subscribes `sink` to live changes, replacing any earlier subscriber.
pub fn subscribe(
    ctx: &ApiContext,
    _req: SubscribeRequest,
    sink: EventSink<StoreChanged>,
) -> Result<Ack, ApiError> {
    ctx.live.replace(sink);
    Ok(Ack {})
}

/// Pushes `change` to the subscriber, if any. The replay uses it to announce
/// its stored run at once instead of waiting for the watcher's next check.
pub(crate) fn publish(ctx: &ApiContext, change: StoreChanged) {
    ctx.live.publish(change);
}

/// What the probe compares between checks.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Fingerprint {
    runs: run_list::RunsWatermark,
    events: i64,
    slos: Vec<(PathBuf, Option<SystemTime>, u64)>,
    project: Vec<(PathBuf, Option<SystemTime>, u64)>,
}

/// Tells what changed in the store and project since it last looked.
pub struct ChangeProbe {
    ctx: ApiContext,
    store: Option<Store>,
    data_version: Option<i64>,
    last: Option<Fingerprint>,
}

impl ChangeProbe {
    /// A probe over `ctx`'s database and project. The first [`Self::check`]
    /// records the state and reports nothing.
    pub fn new(ctx: ApiContext) -> Self {
        Self {
            ctx,
            store: None,
            data_version: None,
            last: None,
        }
    }

    /// What changed since the previous check (all flags false when nothing).
    pub fn check(&mut self) -> StoreChanged {
        let (runs, events) = self.store_state();
        let now = Fingerprint {
            runs,
            events,
            slos: files_state(&self.ctx.slos_dir()),
            project: {
                let mut v = files_state(&self.ctx.journeys_dir());
                v.extend(files_state_one(&self.ctx.project_file()));
                v
            },
        };
        let change = match &self.last {
            None => StoreChanged::default(),
            Some(last) => StoreChanged {
                runs: last.runs != now.runs,
                events: last.events != now.events,
                slos: last.slos != now.slos,
                project: last.project != now.project,
                at_ms: 0,
                newest_run_received_at_ms: now.runs.received_at_ms,
            },
        };
        self.last = Some(now);
        StoreChanged {
            at_ms: self.ctx.now_ms(),
            ..change
        }
    }

    /// The runs watermark and event count, read only when SQLite says another
    /// connection committed since the last look.
    fn store_state(&mut self) -> (run_list::RunsWatermark, i64) {
        if self.store.is_none() {
            // The database may not exist yet; a later check opens it.
            self.store = Store::open_read_only(self.ctx.db_path()).ok();
            self.data_version = None;
        }
        let last = self
            .last
            .as_ref()
            .map(|l| (l.runs, l.events))
            .unwrap_or_default();
        let Some(store) = &self.store else {
            return last;
        };
        let version: Option<i64> = store
            .conn()
            .query_row("PRAGMA data_version", [], |r| r.get(0))
            .ok();
        if version.is_some() && version == self.data_version && self.last.is_some() {
            return last;
        }
        self.data_version = version;
        let runs = run_list::watermark(store.conn());
        let events = events::count(store.conn());
        match (runs, events) {
            (Ok(r), Ok(e)) => (r, e),
            _ => {
                // A file replaced under us (restored backup): reopen next time.
                self.store = None;
                last
            }
        }
    }
}

/// Name, modification time and size of every file under `dir`, sorted.
fn files_state(dir: &Path) -> Vec<(PathBuf, Option<SystemTime>, u64)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_owned()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                out.extend(files_state_one(&path));
            }
        }
    }
    out.sort();
    out
}

fn files_state_one(path: &Path) -> Option<(PathBuf, Option<SystemTime>, u64)> {
    let meta = std::fs::metadata(path).ok()?;
    Some((path.to_owned(), meta.modified().ok(), meta.len()))
}

/// The running watcher; dropping it (or [`Self::stop`]) ends the thread
/// within one interval.
pub struct Watcher {
    stop: Arc<AtomicBool>,
    wake: mpsc::Sender<()>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Watcher {
    /// Stops the thread and waits for it.
    pub fn stop(mut self) {
        self.shutdown();
    }

    fn shutdown(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = self.wake.send(());
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

impl Drop for Watcher {
    fn drop(&mut self) {
        self.shutdown();
    }
}

/// Starts the watcher thread: every `every` (at least [`MIN_INTERVAL`]) it
/// checks for changes and pushes them to `ctx`'s subscriber. Checks happen
/// only while someone subscribes.
pub fn spawn_watcher(ctx: ApiContext, every: Duration) -> std::io::Result<Watcher> {
    let every = every.max(MIN_INTERVAL);
    let stop = Arc::new(AtomicBool::new(false));
    let (wake, woken) = mpsc::channel::<()>();
    let thread = std::thread::Builder::new()
        .name("sightline-live".into())
        .spawn({
            let stop = stop.clone();
            move || {
                let mut probe = ChangeProbe::new(ctx.clone());
                probe.check();
                while !stop.load(Ordering::SeqCst) {
                    // Sleeps the interval, or less when asked to stop.
                    let _ = woken.recv_timeout(every);
                    if stop.load(Ordering::SeqCst) || !ctx.live.has_subscriber() {
                        continue;
                    }
                    let change = probe.check();
                    if change.any() {
                        ctx.live.publish(change);
                    }
                }
            }
        })?;
    Ok(Watcher {
        stop,
        wake,
        thread: Some(thread),
    })
}
