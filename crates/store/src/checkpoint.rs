//! WAL checkpoints on the caller's schedule, for a writer that must not wait
//! on them.
//!
//! By default SQLite checkpoints inside the commit that takes the log past
//! 1,000 pages: the committing thread copies the log into the main file and,
//! with `synchronous = FULL`, waits for two fsyncs before it returns. Under
//! sustained ingest that is nearly every group commit. The ingest writer turns
//! that off on its own connection ([`Store::set_auto_checkpoint`]) and lets a
//! second connection copy the log in the background
//! ([`Store::checkpoint_passive`]); see `sightline_telemetry::ingest`.

use serde::Serialize;

use crate::{Result, Store, StoreError};

/// What one `PRAGMA wal_checkpoint(PASSIVE)` reported.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct WalStatus {
    /// The checkpoint could not copy everything: a reader or another
    /// checkpoint was in the way. Nothing is wrong; the next one goes on.
    pub busy: bool,
    /// Frames in the log (0 when the file is not in WAL mode).
    pub wal_frames: i64,
    /// Frames already copied into the main file.
    pub checkpointed_frames: i64,
}

impl WalStatus {
    /// Whether every frame in the log is in the main file, so the next write
    /// transaction can start the log again from its beginning.
    pub fn complete(&self) -> bool {
        !self.busy && self.checkpointed_frames >= self.wal_frames
    }
}

impl Store {
    /// Sets how many log pages make a commit on *this connection* run a
    /// checkpoint itself; 0 turns that off. Other connections keep their own
    /// setting.
    pub fn set_auto_checkpoint(&self, pages: u32) -> Result<()> {
        self.conn()
            .pragma_update(None, "wal_autocheckpoint", pages)
            .map_err(|e| StoreError::classify(self.path(), e))
    }

    /// Copies as much of the log into the main file as can be done without
    /// waiting for readers or the writer. Never blocks on another connection;
    /// safe to call while a write transaction runs on another connection.
    pub fn checkpoint_passive(&self) -> Result<WalStatus> {
        self.conn()
            .query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |r| {
                Ok(WalStatus {
                    busy: r.get::<_, i64>(0)? != 0,
                    wal_frames: r.get::<_, i64>(1)?.max(0),
                    checkpointed_frames: r.get::<_, i64>(2)?.max(0),
                })
            })
            .map_err(|e| StoreError::classify(self.path(), e))
    }
}
