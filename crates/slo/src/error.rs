//! The SLO engine's errors, each with a stable code.

use thiserror::Error;

/// Everything that can go wrong in the SLO engine. Each variant names the
/// offending field so a person can fix the definition.
#[derive(Debug, Error, Clone, PartialEq)]
pub enum SloError {
    /// A definition is invalid (range, unknown zone, unknown journey).
    #[error("{slo}: {field}: {message}")]
    InvalidDefinition {
        /// The SLO's name.
        slo: String,
        /// The field, e.g. `target` or `filter.journey`.
        field: String,
        /// What is wrong, in words.
        message: String,
    },
    /// Two SLOs share a name.
    #[error("{slo}: name: duplicate SLO name")]
    DuplicateName {
        /// The repeated name.
        slo: String,
    },
    /// An OpenSLO document could not be read or is invalid.
    #[error("openslo document {document}: {path}: {message}")]
    OpenSlo {
        /// Zero-based index of the document in the YAML stream.
        document: usize,
        /// The field path, e.g. `spec.objectives[0].target`.
        path: String,
        /// What is wrong.
        message: String,
    },
    /// The definition cannot be expressed in the requested output.
    #[error("{slo}: {field}: cannot export: {message}")]
    Unsupported {
        /// The SLO's name.
        slo: String,
        /// The field that cannot be exported.
        field: String,
        /// Why.
        message: String,
    },
    /// An SLO name was not found in the engine.
    #[error("unknown SLO {0:?}")]
    UnknownSlo(String),
    /// A column of a run frame (the bulk path's input) is missing, of the
    /// wrong type, or holds a bad value.
    #[error("{}", frame_message(column, *row, message))]
    Frame {
        /// The column, e.g. `outcome`.
        column: String,
        /// The zero-based row, when one row is at fault.
        row: Option<usize>,
        /// What is wrong.
        message: String,
    },
    /// Alerts were evaluated at a time earlier than the previous evaluation.
    #[error("at: alert evaluation went back in time ({at_ms} < {last_ms})")]
    TimeWentBack {
        /// The requested time.
        at_ms: i64,
        /// The previous evaluation time.
        last_ms: i64,
    },
}

impl SloError {
    /// A stable, machine-readable code; callers never match on message text.
    pub fn code(&self) -> &'static str {
        match self {
            SloError::InvalidDefinition { .. } => "slo.invalid_definition",
            SloError::DuplicateName { .. } => "slo.duplicate_name",
            SloError::OpenSlo { .. } => "slo.openslo",
            SloError::Unsupported { .. } => "slo.unsupported",
            SloError::UnknownSlo(_) => "slo.unknown_slo",
            SloError::TimeWentBack { .. } => "slo.time_went_back",
            SloError::Frame { .. } => "slo.frame",
        }
    }

    pub(crate) fn frame(column: &str, row: Option<usize>, message: impl Into<String>) -> Self {
        SloError::Frame {
            column: column.to_owned(),
            row,
            message: message.into(),
        }
    }

    pub(crate) fn invalid(slo: &str, field: &str, message: impl Into<String>) -> Self {
        SloError::InvalidDefinition {
            slo: slo.to_owned(),
            field: field.to_owned(),
            message: message.into(),
        }
    }
}

fn frame_message(column: &str, row: Option<usize>, message: &str) -> String {
    match row {
        Some(r) => format!("row {} (counting from 1): {column}: {message}", r + 1),
        None => format!("column {column}: {message}"),
    }
}
