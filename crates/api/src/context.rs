//! What the caller hands every API function.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use crate::live::LiveHub;
use crate::record::RecordSlot;
use crate::replay::ReplaySlot;
use crate::secrets::{OsKeyring, SecretStore};

/// The environment variable that names the project folder (the one holding
/// `slos/`, `journeys/` and `sightline.toml`).
pub const PROJECT_ENV: &str = "SIGHTLINE_PROJECT";

/// The facts an API function may use, chosen by its caller (the desktop shell
/// or the CLI) rather than discovered here, so tests can pass their own.
///
/// Cloning is cheap and clones share the live subscribers, the replay and recording slots and
/// the secret store: the desktop shell hands one context to every command.
#[derive(Clone)]
pub struct ApiContext {
    db_path: PathBuf,
    project_dir: PathBuf,
    clock: fn() -> i64,
    secrets: Arc<dyn SecretStore>,
    pub(crate) live: Arc<LiveHub>,
    pub(crate) replays: Arc<ReplaySlot>,
    pub(crate) recordings: Arc<RecordSlot>,
    start_view: Option<String>,
    ready_report: Option<Instant>,
}

impl std::fmt::Debug for ApiContext {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ApiContext")
            .field("db_path", &self.db_path)
            .field("project_dir", &self.project_dir)
            .field("secrets", &self.secrets.backend())
            .field("start_view", &self.start_view)
            .finish_non_exhaustive()
    }
}

impl ApiContext {
    /// A context over the database at `db_path`, with the current folder as
    /// the project, the system clock and the OS keyring. Nothing is opened
    /// until a function needs it, and a missing file is never created by a read.
    pub fn new(db_path: impl Into<PathBuf>) -> Self {
        Self {
            db_path: db_path.into(),
            project_dir: PathBuf::from("."),
            clock: system_now_ms,
            secrets: Arc::new(OsKeyring::default()),
            live: Arc::new(LiveHub::default()),
            replays: Arc::new(ReplaySlot::default()),
            recordings: Arc::new(RecordSlot::default()),
            start_view: None,
            ready_report: None,
        }
    }

    /// The same context over another project folder.
    pub fn with_project(mut self, dir: impl Into<PathBuf>) -> Self {
        self.project_dir = dir.into();
        self
    }

    /// The same context with another clock (Unix ms), for tests.
    pub fn with_clock(mut self, clock: fn() -> i64) -> Self {
        self.clock = clock;
        self
    }

    /// The same context with another secret store.
    pub fn with_secret_store(mut self, secrets: Arc<dyn SecretStore>) -> Self {
        self.secrets = secrets;
        self
    }

    /// The view the UI opens first (`overview`, `journeys`, …), when the
    /// caller asked for one (`--view`, `SIGHTLINE_VIEW`).
    pub fn with_start_view(mut self, view: Option<String>) -> Self {
        self.start_view = view.filter(|v| !v.is_empty());
        self
    }

    /// Makes [`crate::ui_ready`] print one line to stdout with the time since
    /// `started`, for the cold-start benchmark.
    pub fn with_ready_report(mut self, started: Instant) -> Self {
        self.ready_report = Some(started);
        self
    }

    /// Where the database lives.
    pub fn db_path(&self) -> &Path {
        &self.db_path
    }

    /// The project folder.
    pub fn project_dir(&self) -> &Path {
        &self.project_dir
    }

    /// The project's SLO definitions folder, `slos/`.
    pub fn slos_dir(&self) -> PathBuf {
        self.project_dir.join("slos")
    }

    /// The project's journeys folder, `journeys/`.
    pub fn journeys_dir(&self) -> PathBuf {
        self.project_dir.join("journeys")
    }

    /// The project's runner file, `sightline.toml`.
    pub fn project_file(&self) -> PathBuf {
        self.project_dir.join("sightline.toml")
    }

    /// Now, in Unix ms, from the context's clock.
    pub fn now_ms(&self) -> i64 {
        (self.clock)()
    }

    /// The clock itself, for work that outlives the call (a replay).
    pub fn clock(&self) -> fn() -> i64 {
        self.clock
    }

    /// Where secrets are kept.
    pub fn secrets(&self) -> &dyn SecretStore {
        self.secrets.as_ref()
    }

    /// The view the UI should open first, if the caller chose one.
    pub fn start_view(&self) -> Option<&str> {
        self.start_view.as_deref()
    }

    pub(crate) fn ready_report(&self) -> Option<Instant> {
        self.ready_report
    }
}

/// The system clock in Unix milliseconds: the default of every context and
/// the only place the API reads the time by itself.
pub fn system_now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}
