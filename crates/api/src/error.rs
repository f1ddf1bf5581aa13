//! Errors of the API, and the shape they take on the wire.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Why an API call failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ApiError {
    /// The request was well-formed JSON but asked for something impossible.
    #[error("invalid request: {0}")]
    InvalidRequest(String),
    /// The database was refused or a store operation failed.
    #[error(transparent)]
    Store(#[from] sightline_store::StoreError),
    /// A file the project holds (an SLO definition, say) is malformed; the
    /// message names the file and the field.
    #[error("{0}")]
    BadInput(String),
    /// An SLO definition or evaluation was refused by the engine.
    #[error(transparent)]
    Slo(#[from] sightline_slo::SloError),
    /// The thing asked for (a run, a journey, an SLO) does not exist.
    #[error("{0}")]
    NotFound(String),
    /// The work cannot start now because the same kind of work is under way
    /// (one replay at a time).
    #[error("{0}")]
    Busy(String),
    /// The OS keyring could not be reached or refused the operation. The
    /// message never holds a secret value.
    #[error("{0}")]
    Keyring(String),
    /// A project file could not be written.
    #[error("{path}: cannot write: {source}")]
    Write {
        /// The file.
        path: String,
        /// Why.
        source: std::io::Error,
    },
    /// The browser could not be started for a replay.
    #[error(transparent)]
    Browser(#[from] sightline_browser::BrowserError),
}

impl ApiError {
    /// The stable code for this error, which callers match on instead of the
    /// message text.
    pub fn code(&self) -> ErrorCode {
        match self {
            Self::InvalidRequest(_) => ErrorCode::InvalidRequest,
            Self::Store(e) if e.is_refusal() => ErrorCode::DatabaseRefused,
            Self::Store(_) => ErrorCode::DatabaseFailed,
            Self::BadInput(_) | Self::Slo(_) => ErrorCode::BadInput,
            Self::NotFound(_) => ErrorCode::NotFound,
            Self::Busy(_) => ErrorCode::Busy,
            Self::Keyring(_) => ErrorCode::KeyringUnavailable,
            Self::Write { .. } => ErrorCode::WriteFailed,
            Self::Browser(_) => ErrorCode::BrowserFailed,
        }
    }
}

/// Stable error codes. The UI branches on these, never on messages, so a
/// message can be reworded freely while a code never changes meaning.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// See [`ApiError::InvalidRequest`].
    InvalidRequest,
    /// The database file was refused: not SQLite, corrupt, or from a newer Sightline.
    DatabaseRefused,
    /// A database operation failed.
    DatabaseFailed,
    /// A project file (SLO definitions, journeys) or a form field is
    /// malformed; the message names the file or the field.
    BadInput,
    /// See [`ApiError::NotFound`].
    NotFound,
    /// See [`ApiError::Busy`].
    Busy,
    /// The OS keyring (Secret Service on Linux) is not available or refused.
    KeyringUnavailable,
    /// A project file could not be written.
    WriteFailed,
    /// Chromium could not be started for a replay.
    BrowserFailed,
}

/// An [`ApiError`] as it crosses the IPC boundary: a code to branch on and a
/// message to show a person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, thiserror::Error)]
#[error("{message}")]
pub struct IpcError {
    /// What went wrong, as a stable code.
    pub code: ErrorCode,
    /// What went wrong, in words for a person.
    pub message: String,
}

impl From<ApiError> for IpcError {
    fn from(err: ApiError) -> Self {
        Self {
            code: err.code(),
            message: err.to_string(),
        }
    }
}
