//! The crate's errors, each with a stable `code()` so callers never match on
//! message text. Bad lines are not errors: they are counted in
//! [`crate::ParseReport`].

use thiserror::Error;

/// What stops discovery from reading an input at all.
#[derive(Debug, Error)]
pub enum PathsError {
    /// Reading failed (a truncated gzip stream, a vanished file).
    #[error("{file}: read failed: {source}")]
    Io {
        /// The input as the caller named it.
        file: String,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// `--format auto` could not tell what the input is.
    #[error("{file}: line {line}: cannot tell the format ({reason}); give --format")]
    UnknownFormat {
        /// The input.
        file: String,
        /// The first non-blank line.
        line: usize,
        /// What was seen.
        reason: String,
    },
    /// A whole-document input (HAR) that is not valid.
    #[error("{file}: {message}")]
    Document {
        /// The input.
        file: String,
        /// What is wrong, with the line and column when known.
        message: String,
    },
    /// A bad option value (a weight, a field map entry).
    #[error("{0}")]
    Option(String),
}

impl PathsError {
    /// A stable code for scripts and the UI.
    pub fn code(&self) -> &'static str {
        match self {
            PathsError::Io { .. } => "paths.io",
            PathsError::UnknownFormat { .. } => "paths.unknown_format",
            PathsError::Document { .. } => "paths.invalid_document",
            PathsError::Option(_) => "paths.invalid_option",
        }
    }

    /// Whether the input (not the machine) is at fault.
    pub fn is_refusal(&self) -> bool {
        !matches!(self, PathsError::Io { .. })
    }
}
