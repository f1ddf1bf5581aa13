//! The store's errors, each with a stable code for the UI and scripts.

use std::path::PathBuf;

use thiserror::Error;

/// Everything that can go wrong opening, reading or writing the store.
#[derive(Debug, Error)]
pub enum StoreError {
    /// The file exists but does not start with the SQLite header.
    #[error("{}: not a SQLite database (its first bytes are not the SQLite header); left unchanged", path.display())]
    NotADatabase {
        /// The file refused.
        path: PathBuf,
    },
    /// SQLite reported corruption while reading the file.
    #[error("{}: database is corrupt ({detail}); left unchanged, run `sightline db check` or restore a backup", path.display())]
    Corrupt {
        /// The file refused.
        path: PathBuf,
        /// SQLite's own words.
        detail: String,
    },
    /// The file was written by a newer Sightline.
    #[error("{}: database schema version {found} is newer than this sightline supports ({supported}); upgrade sightline", path.display())]
    NewerSchema {
        /// The file refused.
        path: PathBuf,
        /// The newest migration recorded in the file.
        found: i64,
        /// The newest migration this build knows.
        supported: i64,
    },
    /// A database that must already exist does not.
    #[error("{}: no database here", path.display())]
    Missing {
        /// The path looked at.
        path: PathBuf,
    },
    /// A file-system operation failed.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file or folder involved.
        path: PathBuf,
        /// The OS error.
        #[source]
        source: std::io::Error,
    },
    /// The backup target exists and overwriting was not asked for.
    #[error("{}: already exists; pass --force to replace it", path.display())]
    TargetExists {
        /// The existing file.
        path: PathBuf,
    },
    /// A stored value could not be decoded into a domain value.
    #[error("stored {table}.{column}: {reason}")]
    Decode {
        /// Table read.
        table: &'static str,
        /// Column read.
        column: &'static str,
        /// Why it was rejected.
        reason: String,
    },
    /// Any other SQLite error.
    #[error("SQL error: {0}")]
    Sql(#[from] rusqlite::Error),
}

impl StoreError {
    /// A stable, machine-readable code.
    pub fn code(&self) -> &'static str {
        match self {
            StoreError::NotADatabase { .. } => "store.not_a_database",
            StoreError::Corrupt { .. } => "store.corrupt",
            StoreError::NewerSchema { .. } => "store.newer_schema",
            StoreError::Missing { .. } => "store.missing",
            StoreError::Io { .. } => "store.io",
            StoreError::TargetExists { .. } => "store.target_exists",
            StoreError::Decode { .. } => "store.decode",
            StoreError::Sql(_) => "store.sql",
        }
    }

    /// Whether the database file itself was refused (as opposed to a failed operation).
    pub fn is_refusal(&self) -> bool {
        matches!(
            self,
            StoreError::NotADatabase { .. }
                | StoreError::Corrupt { .. }
                | StoreError::NewerSchema { .. }
                | StoreError::Missing { .. }
        )
    }

    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        StoreError::Io {
            path: path.into(),
            source,
        }
    }

    /// Turns SQLite's corruption codes into [`StoreError::Corrupt`] or
    /// [`StoreError::NotADatabase`] for `path`; other errors pass through.
    pub(crate) fn classify(path: &std::path::Path, err: rusqlite::Error) -> Self {
        use rusqlite::ErrorCode;
        match err.sqlite_error_code() {
            Some(ErrorCode::DatabaseCorrupt) => StoreError::Corrupt {
                path: path.to_owned(),
                detail: err.to_string(),
            },
            Some(ErrorCode::NotADatabase) => StoreError::NotADatabase {
                path: path.to_owned(),
            },
            _ => StoreError::Sql(err),
        }
    }
}

/// Results of store operations.
pub type Result<T, E = StoreError> = std::result::Result<T, E>;
