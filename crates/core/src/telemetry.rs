//! Backend telemetry as Sightline keeps it: spans, logs and metric points,
//! flattened from OTLP with the fields attribution needs as plain columns.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// OTLP span kinds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SpanKind {
    /// Not specified by the producer.
    Unspecified,
    /// Internal operation.
    Internal,
    /// Server side of a request.
    Server,
    /// Client side of a request.
    Client,
    /// Message producer.
    Producer,
    /// Message consumer.
    Consumer,
}

/// OTLP span status codes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SpanStatus {
    /// Not set.
    Unset,
    /// Explicitly OK.
    Ok,
    /// An error.
    Error,
}

/// One span with its commonly queried attributes lifted into fields.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Span {
    /// 32 lowercase hex digits.
    pub trace_id: String,
    /// 16 lowercase hex digits.
    pub span_id: String,
    /// The parent span, absent for a root.
    pub parent_span_id: Option<String>,
    /// `service.name` of the resource.
    pub service: String,
    /// The span name.
    pub name: String,
    /// The span kind.
    pub kind: SpanKind,
    /// Start, Unix nanoseconds.
    pub start_time_unix_nano: i64,
    /// Duration in nanoseconds.
    pub duration_nano: i64,
    /// Status code.
    pub status: SpanStatus,
    /// Status message, when any.
    pub status_message: Option<String>,
    /// `http.route`.
    pub http_route: Option<String>,
    /// `http.response.status_code` (or the older `http.status_code`).
    pub http_status_code: Option<i64>,
    /// `db.system` (`postgresql`, `redis`, ...), for database client spans.
    pub db_system: Option<String>,
    /// `rpc.system` (`grpc`, ...), for RPC spans.
    pub rpc_system: Option<String>,
    /// `rpc.service`.
    pub rpc_service: Option<String>,
    /// `rpc.method`.
    pub rpc_method: Option<String>,
    /// `cloud.region`.
    pub region: Option<String>,
    /// `service.version`.
    pub service_version: Option<String>,
    /// `k8s.pod.name`.
    pub pod: Option<String>,
    /// Every attribute, resource and span merged (the span's win on a clash),
    /// including the ones lifted into fields above, as JSON values.
    pub attributes: BTreeMap<String, serde_json::Value>,
}

/// One log record.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LogRecord {
    /// When it happened, Unix nanoseconds.
    pub time_unix_nano: i64,
    /// `service.name` of the resource.
    pub service: String,
    /// OTLP severity number (1..=24), 0 when unset.
    pub severity_number: i32,
    /// Severity text as sent.
    pub severity_text: Option<String>,
    /// The body, rendered as text.
    pub body: String,
    /// The trace this record belongs to, if any.
    pub trace_id: Option<String>,
    /// The span this record belongs to, if any.
    pub span_id: Option<String>,
    /// Every attribute, as JSON values.
    pub attributes: BTreeMap<String, serde_json::Value>,
}

/// The shape of a metric point.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum MetricKind {
    /// An instantaneous value.
    Gauge {
        /// The value.
        value: f64,
    },
    /// A sum, cumulative or delta.
    Sum {
        /// The value.
        value: f64,
        /// Whether the sum only goes up.
        monotonic: bool,
    },
    /// A histogram with explicit bounds.
    Histogram {
        /// Number of observations.
        count: u64,
        /// Sum of observations.
        sum: f64,
        /// Upper bounds of the buckets (the last bucket is +Inf, implicit).
        bounds: Vec<f64>,
        /// Per-bucket counts, `bounds.len() + 1` of them.
        bucket_counts: Vec<u64>,
    },
    /// An OTLP exponential histogram, kept in its own encoding: bucket `i`
    /// (counted from `offset`) holds values in `(base^i, base^(i+1)]` with
    /// `base = 2^(2^-scale)`.
    ExponentialHistogram {
        /// Number of observations.
        count: u64,
        /// Sum of observations.
        sum: f64,
        /// Resolution of the buckets.
        scale: i32,
        /// Observations equal to zero (within the zero threshold).
        zero_count: u64,
        /// Index of the first positive bucket.
        positive_offset: i32,
        /// Counts of the positive buckets.
        positive_bucket_counts: Vec<u64>,
        /// Index of the first negative bucket.
        negative_offset: i32,
        /// Counts of the negative buckets (by absolute value).
        negative_bucket_counts: Vec<u64>,
    },
    /// A summary: count, sum and precomputed quantiles (Prometheus summaries,
    /// OTLP's legacy summary points).
    Summary {
        /// Number of observations.
        count: u64,
        /// Sum of observations.
        sum: f64,
        /// `(quantile, value)` pairs, quantile in `[0, 1]`.
        quantiles: Vec<(f64, f64)>,
    },
}

impl MetricKind {
    /// The stored word for the kind.
    pub fn as_str(&self) -> &'static str {
        match self {
            MetricKind::Gauge { .. } => "gauge",
            MetricKind::Sum { .. } => "sum",
            MetricKind::Histogram { .. } => "histogram",
            MetricKind::ExponentialHistogram { .. } => "exponential_histogram",
            MetricKind::Summary { .. } => "summary",
        }
    }
}

impl SpanKind {
    /// The stored word for the kind.
    pub fn as_str(self) -> &'static str {
        match self {
            SpanKind::Unspecified => "unspecified",
            SpanKind::Internal => "internal",
            SpanKind::Server => "server",
            SpanKind::Client => "client",
            SpanKind::Producer => "producer",
            SpanKind::Consumer => "consumer",
        }
    }
}

impl std::str::FromStr for SpanKind {
    type Err = crate::CoreError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(match s {
            "unspecified" => SpanKind::Unspecified,
            "internal" => SpanKind::Internal,
            "server" => SpanKind::Server,
            "client" => SpanKind::Client,
            "producer" => SpanKind::Producer,
            "consumer" => SpanKind::Consumer,
            _ => {
                return Err(crate::CoreError::UnknownValue {
                    field: "span.kind",
                    value: s.to_owned(),
                    expected: "unspecified, internal, server, client, producer, consumer",
                });
            }
        })
    }
}

impl SpanStatus {
    /// The stored word for the status.
    pub fn as_str(self) -> &'static str {
        match self {
            SpanStatus::Unset => "unset",
            SpanStatus::Ok => "ok",
            SpanStatus::Error => "error",
        }
    }
}

impl std::str::FromStr for SpanStatus {
    type Err = crate::CoreError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(match s {
            "unset" => SpanStatus::Unset,
            "ok" => SpanStatus::Ok,
            "error" => SpanStatus::Error,
            _ => {
                return Err(crate::CoreError::UnknownValue {
                    field: "span.status",
                    value: s.to_owned(),
                    expected: "unset, ok, error",
                });
            }
        })
    }
}

/// One metric data point.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MetricPoint {
    /// Metric name, e.g. `http.server.request.duration`.
    pub name: String,
    /// `service.name` of the resource.
    pub service: String,
    /// When the point was taken, Unix nanoseconds.
    pub time_unix_nano: i64,
    /// Label set (resource and point attributes).
    pub attributes: BTreeMap<String, serde_json::Value>,
    /// The value.
    pub value: MetricKind,
}
