//! The three OTLP signals behind one trait, so the HTTP and gRPC front ends
//! share decoding, validation and the partial-success response.

use opentelemetry_proto::tonic::collector::logs::v1::{
    ExportLogsPartialSuccess, ExportLogsServiceRequest, ExportLogsServiceResponse,
};
use opentelemetry_proto::tonic::collector::metrics::v1::{
    ExportMetricsPartialSuccess, ExportMetricsServiceRequest, ExportMetricsServiceResponse,
};
use opentelemetry_proto::tonic::collector::trace::v1::{
    ExportTracePartialSuccess, ExportTraceServiceRequest, ExportTraceServiceResponse,
};
use sightline_store::TelemetryBatch;

use super::convert::{self, Converted};

/// One OTLP signal: its request and response messages and how its items
/// become a [`TelemetryBatch`].
pub trait Signal: Send + Sync + 'static {
    /// The export request.
    type Request: prost::Message + Default + serde::de::DeserializeOwned + Send + 'static;
    /// The export response.
    type Response: prost::Message + Default + serde::Serialize + Send + 'static;
    /// The domain item.
    type Item: Send + 'static;
    /// `traces`, `logs` or `metrics`.
    const NAME: &'static str;
    /// Validates and converts a request.
    fn convert(req: &Self::Request) -> Converted<Self::Item>;
    /// The items as a store batch.
    fn batch(items: Vec<Self::Item>) -> TelemetryBatch;
    /// The response: empty when nothing was rejected, else a partial success.
    fn response(rejected: i64, message: String) -> Self::Response;
}

/// `/v1/traces`, `TraceService`.
pub struct Traces;
/// `/v1/logs`, `LogsService`.
pub struct Logs;
/// `/v1/metrics`, `MetricsService`.
pub struct Metrics;

impl Signal for Traces {
    type Request = ExportTraceServiceRequest;
    type Response = ExportTraceServiceResponse;
    type Item = sightline_core::Span;
    const NAME: &'static str = "traces";
    fn convert(req: &Self::Request) -> Converted<Self::Item> {
        convert::traces::convert(req)
    }
    fn batch(items: Vec<Self::Item>) -> TelemetryBatch {
        // Encode the attribute JSON here, in the request handler, so the
        // single writer thread only binds and inserts.
        TelemetryBatch::EncodedSpans(sightline_store::queries::spans::EncodedSpans::new(items))
    }
    fn response(rejected: i64, message: String) -> Self::Response {
        ExportTraceServiceResponse {
            partial_success: (rejected > 0 || !message.is_empty()).then_some(
                ExportTracePartialSuccess {
                    rejected_spans: rejected,
                    error_message: message,
                },
            ),
        }
    }
}

impl Signal for Logs {
    type Request = ExportLogsServiceRequest;
    type Response = ExportLogsServiceResponse;
    type Item = sightline_core::LogRecord;
    const NAME: &'static str = "logs";
    fn convert(req: &Self::Request) -> Converted<Self::Item> {
        convert::logs::convert(req)
    }
    fn batch(items: Vec<Self::Item>) -> TelemetryBatch {
        TelemetryBatch::Logs(items)
    }
    fn response(rejected: i64, message: String) -> Self::Response {
        ExportLogsServiceResponse {
            partial_success: (rejected > 0 || !message.is_empty()).then_some(
                ExportLogsPartialSuccess {
                    rejected_log_records: rejected,
                    error_message: message,
                },
            ),
        }
    }
}

impl Signal for Metrics {
    type Request = ExportMetricsServiceRequest;
    type Response = ExportMetricsServiceResponse;
    type Item = sightline_core::MetricPoint;
    const NAME: &'static str = "metrics";
    fn convert(req: &Self::Request) -> Converted<Self::Item> {
        convert::metrics::convert(req)
    }
    fn batch(items: Vec<Self::Item>) -> TelemetryBatch {
        TelemetryBatch::Metrics(items)
    }
    fn response(rejected: i64, message: String) -> Self::Response {
        ExportMetricsServiceResponse {
            partial_success: (rejected > 0 || !message.is_empty()).then_some(
                ExportMetricsPartialSuccess {
                    rejected_data_points: rejected,
                    error_message: message,
                },
            ),
        }
    }
}
