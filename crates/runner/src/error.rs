//! The runner's errors, each with a stable code.

use std::path::PathBuf;

use thiserror::Error;

/// Why the runner could not start or keep going.
#[derive(Debug, Error)]
pub enum RunnerError {
    /// The project file could not be read or parsed.
    #[error("{file}: {message}")]
    Project {
        /// The project file.
        file: PathBuf,
        /// What is wrong, naming the line or field.
        message: String,
    },
    /// A journey named by the project file is not valid.
    #[error(transparent)]
    Journey(#[from] sightline_journeys::JourneyError),
    /// The local store refused or failed.
    #[error(transparent)]
    Store(#[from] sightline_store::StoreError),
    /// The browser layer failed outside a run.
    #[error(transparent)]
    Browser(#[from] sightline_browser::BrowserError),
    /// The push spool (a local SQLite file) failed.
    #[error("spool {file}: {source}")]
    Spool {
        /// The spool file.
        file: PathBuf,
        /// The SQLite error.
        source: rusqlite::Error,
    },
    /// A listener (metrics, ingest) could not bind or serve.
    #[error("{what} on {addr}: {source}")]
    Listen {
        /// What was being served.
        what: &'static str,
        /// The address.
        addr: String,
        /// The I/O error.
        source: std::io::Error,
    },
    /// Pushing results to the workbench failed in a way retrying cannot fix.
    #[error("push to {url}: {message}")]
    Push {
        /// The workbench URL.
        url: String,
        /// What went wrong.
        message: String,
    },
}

impl RunnerError {
    /// A stable, machine-readable code.
    pub fn code(&self) -> &'static str {
        match self {
            RunnerError::Project { .. } => "runner.project",
            RunnerError::Journey(e) => e.code(),
            RunnerError::Store(e) => e.code(),
            RunnerError::Browser(e) => e.code(),
            RunnerError::Spool { .. } => "runner.spool",
            RunnerError::Listen { .. } => "runner.listen",
            RunnerError::Push { .. } => "runner.push",
        }
    }

    pub(crate) fn project(file: &std::path::Path, message: impl Into<String>) -> Self {
        RunnerError::Project {
            file: file.to_owned(),
            message: message.into(),
        }
    }
}
