//! Where a finished attempt goes: committed to the local store, or put in the
//! push spool for a remote workbench. Either way it is durable before the
//! runner starts the slot's next attempt, so a crash loses nothing that
//! finished.

use std::sync::Mutex;

use sightline_browser::ReplayReport;
use sightline_browser::persist;
use sightline_store::Store;

use crate::RunnerError;

/// Takes finished attempts. Called on a blocking thread; returns once the
/// attempt is durable.
pub trait RunSink: Send + Sync + 'static {
    /// Stores one attempt (the run, its steps and its artifacts) for good.
    /// Returns false when the run id was already there (a re-send).
    fn accept(&self, report: &ReplayReport) -> Result<bool, RunnerError>;
}

/// Commits each attempt, with its artifacts, to a local Sightline database.
pub struct StoreSink {
    store: Mutex<Store>,
    now_ms: fn() -> i64,
}

impl StoreSink {
    /// A sink over an open store; `now_ms` stamps `received_at_ms`.
    pub fn new(store: Store, now_ms: fn() -> i64) -> Self {
        Self {
            store: Mutex::new(store),
            now_ms,
        }
    }
}

impl RunSink for StoreSink {
    fn accept(&self, report: &ReplayReport) -> Result<bool, RunnerError> {
        // A panic while holding the lock elsewhere must not stop the runner:
        // the store itself is still consistent (SQLite rolled back).
        let mut store = self
            .store
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        Ok(persist::save(&mut store, report, (self.now_ms)())?.inserted)
    }
}
