//! Sightline's embedded store: one SQLite file in the user's data folder.
//!
//! It exists so that every part of the loop (runners, telemetry ingest, the SLO
//! engine, the app) shares one durable, crash-safe record without a server.
//! The rules it keeps:
//! - migrations are embedded and applied on open, in one transaction;
//! - a run is committed with all of its steps in one transaction, so a crash
//!   loses nothing that finished and never leaves half a run;
//! - a file that is not a SQLite database, is corrupt, or was written by a
//!   newer Sightline is refused and never modified;
//! - WAL mode with `synchronous = FULL`, `busy_timeout` and foreign keys on.
//!
//! One module per table lives under [`queries`]; file maintenance (check,
//! backup, vacuum, info) is in [`maintenance`]; backend telemetry is written
//! in group commits through [`telemetry_write`] (with log checkpoints on the
//! writer's schedule, [`checkpoint`]) and pruned by [`retention`].

pub mod artifacts;
pub mod checkpoint;
pub mod error;
pub mod maintenance;
pub mod migrate;
mod open;
pub mod paths;
pub mod queries;
pub mod retention;
pub mod telemetry_write;

use std::path::{Path, PathBuf};

use rusqlite::Connection;

pub use artifacts::ArtifactStore;
pub use checkpoint::WalStatus;
pub use error::{Result, StoreError};
pub use queries::runs::InsertSummary;
pub use retention::{PruneReport, RetentionPolicy};
/// The SQLite binding, for callers that hold a transaction across tables.
pub use rusqlite;
pub use telemetry_write::{TelemetryBatch, Written};

/// An open store: the SQLite connection plus the artifact folder beside it.
pub struct Store {
    conn: Connection,
    path: PathBuf,
    artifacts: ArtifactStore,
}

impl Store {
    /// Opens the database at `path` for reading and writing, creating it (and its
    /// folder) when missing, and applies pending migrations.
    pub fn open(path: impl AsRef<Path>) -> Result<Self> {
        let path = path.as_ref();
        let conn = open::read_write(path)?;
        Ok(Self::wrap(conn, path))
    }

    /// Opens an existing database without writing to it: no migrations, no
    /// pragma changes. Used by `db info` and `db check`.
    pub fn open_read_only(path: impl AsRef<Path>) -> Result<Self> {
        let path = path.as_ref();
        let conn = open::read_only(path)?;
        Ok(Self::wrap(conn, path))
    }

    fn wrap(conn: Connection, path: &Path) -> Self {
        Self {
            conn,
            path: path.to_owned(),
            artifacts: ArtifactStore::new(paths::artifacts_dir_for(path)),
        }
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The content-addressed artifact folder beside the database.
    pub fn artifacts(&self) -> &ArtifactStore {
        &self.artifacts
    }

    /// The underlying connection, for the query modules.
    pub fn conn(&self) -> &Connection {
        &self.conn
    }

    /// The underlying connection, mutable, for transactions.
    pub fn conn_mut(&mut self) -> &mut Connection {
        &mut self.conn
    }

    /// The newest migration applied to this file, if any.
    pub fn schema_version(&self) -> Result<Option<i64>> {
        migrate::current_version(&self.conn).map_err(|e| StoreError::classify(&self.path, e))
    }
}
