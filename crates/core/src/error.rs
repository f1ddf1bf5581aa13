//! Errors raised while building or parsing domain values.

use thiserror::Error;

/// A domain value was malformed. Each variant names the offending field.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum CoreError {
    /// A text value is not one of the allowed words.
    #[error("{field}: unknown value {value:?}, expected one of {expected}")]
    UnknownValue {
        /// The field being parsed, e.g. `outcome`.
        field: &'static str,
        /// What was given.
        value: String,
        /// The allowed values, comma separated.
        expected: &'static str,
    },
    /// An id could not be parsed.
    #[error("{field}: invalid id {value:?}: {reason}")]
    InvalidId {
        /// The field being parsed, e.g. `run_id`.
        field: &'static str,
        /// What was given.
        value: String,
        /// Why it was rejected.
        reason: String,
    },
    /// A numeric value is outside its allowed range.
    #[error("{field}: {value} is out of range: {reason}")]
    OutOfRange {
        /// The field being checked, e.g. `target`.
        field: &'static str,
        /// The value, rendered.
        value: String,
        /// The allowed range.
        reason: &'static str,
    },
    /// A duration such as `5m` could not be read.
    #[error("{field}: {value:?} is not a duration: {reason}")]
    BadDuration {
        /// The setting being parsed, e.g. `every`.
        field: &'static str,
        /// What was given.
        value: String,
        /// Why it was rejected.
        reason: String,
    },
}

impl CoreError {
    /// A stable, machine-readable code, so callers never match on message text.
    pub fn code(&self) -> &'static str {
        match self {
            CoreError::UnknownValue { .. } => "core.unknown_value",
            CoreError::InvalidId { .. } => "core.invalid_id",
            CoreError::OutOfRange { .. } => "core.out_of_range",
            CoreError::BadDuration { .. } => "core.bad_duration",
        }
    }
}
