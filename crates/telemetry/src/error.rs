//! The telemetry crate's errors, each with a stable code for scripts and the UI.

use std::path::PathBuf;

use sightline_store::StoreError;
use thiserror::Error;

/// Everything that can go wrong receiving, parsing or storing telemetry.
#[derive(Debug, Error)]
pub enum TelemetryError {
    /// A request body is not valid protobuf or JSON for its signal.
    #[error("cannot decode {signal} request as {format}: {message}")]
    Decode {
        /// `traces`, `logs` or `metrics`.
        signal: &'static str,
        /// `protobuf` or `JSON`.
        format: &'static str,
        /// The decoder's own words (JSON: with line and column).
        message: String,
    },
    /// Every item in a request failed validation; the first problem is named.
    #[error("every item was rejected ({rejected}); first: {first}")]
    AllRejected {
        /// How many items were rejected.
        rejected: i64,
        /// The first problem, with its path (`resourceSpans[0]...traceId: ...`).
        first: String,
    },
    /// The body (or its decompressed form) is over the configured limit.
    #[error("request body is larger than the limit of {limit} bytes")]
    TooLarge {
        /// The limit in bytes.
        limit: usize,
    },
    /// The `Content-Type` is neither protobuf nor JSON.
    #[error(
        "unsupported content type {content_type:?}; send application/x-protobuf or application/json"
    )]
    UnsupportedMediaType {
        /// What the client sent.
        content_type: String,
    },
    /// The `Content-Encoding` is not gzip or identity.
    #[error("unsupported content encoding {encoding:?}; send gzip or no encoding")]
    UnsupportedEncoding {
        /// What the client sent.
        encoding: String,
    },
    /// The gzip stream is broken.
    #[error("cannot gunzip the request body: {0}")]
    Gzip(String),
    /// A bearer token is required and was missing or wrong.
    #[error("missing or wrong bearer token")]
    Unauthorized,
    /// The ingest queue is full; the client should retry after the delay.
    #[error("ingest queue is full; retry after {retry_after_s} s")]
    Overloaded {
        /// Seconds to wait before retrying.
        retry_after_s: u64,
    },
    /// The writer cannot store right now (stopped, or the store failed).
    #[error("telemetry cannot be stored right now: {reason}")]
    Unavailable {
        /// Why.
        reason: String,
    },
    /// A file or webhook body could not be parsed; names where and which field.
    #[error("{source_name}{}: {field}: {message}", at_line(*line))]
    Parse {
        /// The file (or `request body`).
        source_name: String,
        /// 1-based line (0 when the whole document is at fault).
        line: usize,
        /// The field or construct at fault.
        field: String,
        /// Why.
        message: String,
    },
    /// A kubeconfig could not be used.
    #[error("{}: kubeconfig: {message}", path.display())]
    Kubeconfig {
        /// The kubeconfig file.
        path: PathBuf,
        /// Why.
        message: String,
    },
    /// An HTTP request to a scrape target or the Kubernetes API failed.
    #[error("{url}: {message}")]
    Http {
        /// The URL requested.
        url: String,
        /// Why.
        message: String,
    },
    /// A listener could not bind its address.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// The address.
        addr: String,
        /// The OS error.
        #[source]
        source: std::io::Error,
    },
    /// A file could not be read.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The OS error.
        #[source]
        source: std::io::Error,
    },
    /// The store refused or failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl TelemetryError {
    /// A stable, machine-readable code.
    pub fn code(&self) -> &'static str {
        match self {
            TelemetryError::Decode { .. } => "telemetry.decode",
            TelemetryError::AllRejected { .. } => "telemetry.all_rejected",
            TelemetryError::TooLarge { .. } => "telemetry.too_large",
            TelemetryError::UnsupportedMediaType { .. } => "telemetry.unsupported_media_type",
            TelemetryError::UnsupportedEncoding { .. } => "telemetry.unsupported_encoding",
            TelemetryError::Gzip(_) => "telemetry.gzip",
            TelemetryError::Unauthorized => "telemetry.unauthorized",
            TelemetryError::Overloaded { .. } => "telemetry.overloaded",
            TelemetryError::Unavailable { .. } => "telemetry.unavailable",
            TelemetryError::Parse { .. } => "telemetry.parse",
            TelemetryError::Kubeconfig { .. } => "telemetry.kubeconfig",
            TelemetryError::Http { .. } => "telemetry.http",
            TelemetryError::Bind { .. } => "telemetry.bind",
            TelemetryError::Io { .. } => "telemetry.io",
            TelemetryError::Store(_) => "telemetry.store",
        }
    }

    /// Whether the input itself was refused (bad file, bad body), as opposed
    /// to an operation failing. The CLI exits 3 for these.
    pub fn is_refusal(&self) -> bool {
        matches!(
            self,
            TelemetryError::Decode { .. }
                | TelemetryError::AllRejected { .. }
                | TelemetryError::TooLarge { .. }
                | TelemetryError::UnsupportedMediaType { .. }
                | TelemetryError::UnsupportedEncoding { .. }
                | TelemetryError::Gzip(_)
                | TelemetryError::Parse { .. }
                | TelemetryError::Kubeconfig { .. }
        ) || matches!(self, TelemetryError::Store(e) if e.is_refusal())
    }

    pub(crate) fn parse(
        source_name: impl Into<String>,
        line: usize,
        field: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        TelemetryError::Parse {
            source_name: source_name.into(),
            line,
            field: field.into(),
            message: message.into(),
        }
    }
}

/// `:LINE`, or nothing when the line is unknown (0).
fn at_line(line: usize) -> String {
    if line == 0 {
        String::new()
    } else {
        format!(":{line}")
    }
}

/// Results of telemetry operations.
pub type Result<T, E = TelemetryError> = std::result::Result<T, E>;
