//! OTLP/gRPC: `TraceService`, `LogsService` and `MetricsService` over tonic.
//!
//! Same validation and partial success as OTLP/HTTP. Errors map to the codes
//! the OTLP specification names: `INVALID_ARGUMENT` (bad data, not
//! retryable), `UNAUTHENTICATED`, `RESOURCE_EXHAUSTED` with a `RetryInfo`
//! when the queue is full, `UNAVAILABLE` with a `RetryInfo` when the store
//! cannot write. Messages over the body limit are refused by tonic with
//! `OUT_OF_RANGE` before they are decoded; gzip is accepted.

use prost::Message;
use tokio_stream::wrappers::TcpListenerStream;
use tonic::codec::CompressionEncoding;
use tonic::{Request, Response, Status};

use opentelemetry_proto::tonic::collector::logs::v1::logs_service_server::{
    LogsService, LogsServiceServer,
};
use opentelemetry_proto::tonic::collector::metrics::v1::metrics_service_server::{
    MetricsService, MetricsServiceServer,
};
use opentelemetry_proto::tonic::collector::trace::v1::trace_service_server::{
    TraceService, TraceServiceServer,
};

use super::http::{OtlpState, classify};
use super::signal::{Logs, Metrics, Signal, Traces};
use super::status;
use crate::TelemetryError;

/// The three gRPC services over one state.
#[derive(Clone, Debug)]
pub struct GrpcReceiver {
    state: OtlpState,
}

fn to_status(e: &TelemetryError) -> Status {
    let (_, code) = classify(e);
    let retry = match e {
        TelemetryError::Overloaded { retry_after_s } => Some(*retry_after_s),
        TelemetryError::Unavailable { .. } | TelemetryError::Store(_) => Some(2),
        _ => None,
    };
    let message = e.to_string();
    let tonic_code = tonic::Code::from_i32(code);
    match retry {
        // gRPC clients read RetryInfo from the `grpc-status-details-bin`
        // trailer, which carries an encoded google.rpc.Status.
        Some(s) => Status::with_details(
            tonic_code,
            message.clone(),
            status::with_retry(code, message, s).encode_to_vec().into(),
        ),
        None => Status::new(tonic_code, message),
    }
}

impl GrpcReceiver {
    /// Services over `state`.
    pub fn new(state: OtlpState) -> Self {
        Self { state }
    }

    async fn export<S: Signal>(
        &self,
        req: Request<S::Request>,
    ) -> Result<Response<S::Response>, Status> {
        let auth = req
            .metadata()
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        if let Some(t) = &self.state.config.bearer_token
            && !t.accepts(auth.as_deref())
        {
            return Err(to_status(&TelemetryError::Unauthorized));
        }
        let converted = S::convert(req.get_ref());
        drop(req);
        if converted.items.is_empty() && converted.rejected > 0 {
            return Err(to_status(&TelemetryError::AllRejected {
                rejected: converted.rejected,
                first: converted.message(),
            }));
        }
        let message = converted.message();
        let rejected = converted.rejected;
        self.state
            .ingest
            .submit(S::batch(converted.items))
            .await
            .map_err(|e| {
                tracing::debug!(error = %e, code = e.code(), "OTLP/gRPC export refused");
                to_status(&e)
            })?;
        Ok(Response::new(S::response(rejected, message)))
    }
}

#[tonic::async_trait]
impl TraceService for GrpcReceiver {
    async fn export(
        &self,
        request: Request<<Traces as Signal>::Request>,
    ) -> Result<Response<<Traces as Signal>::Response>, Status> {
        GrpcReceiver::export::<Traces>(self, request).await
    }
}

#[tonic::async_trait]
impl LogsService for GrpcReceiver {
    async fn export(
        &self,
        request: Request<<Logs as Signal>::Request>,
    ) -> Result<Response<<Logs as Signal>::Response>, Status> {
        GrpcReceiver::export::<Logs>(self, request).await
    }
}

#[tonic::async_trait]
impl MetricsService for GrpcReceiver {
    async fn export(
        &self,
        request: Request<<Metrics as Signal>::Request>,
    ) -> Result<Response<<Metrics as Signal>::Response>, Status> {
        GrpcReceiver::export::<Metrics>(self, request).await
    }
}

/// Serves OTLP/gRPC on `listener` until `shutdown` resolves.
pub async fn serve_grpc(
    listener: tokio::net::TcpListener,
    state: OtlpState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> Result<(), TelemetryError> {
    let addr = listener
        .local_addr()
        .map_or_else(|_| "?".into(), |a| a.to_string());
    let limit = state.config.max_body_bytes;
    let rx = GrpcReceiver::new(state);
    let traces = TraceServiceServer::new(rx.clone())
        .accept_compressed(CompressionEncoding::Gzip)
        .max_decoding_message_size(limit);
    let logs = LogsServiceServer::new(rx.clone())
        .accept_compressed(CompressionEncoding::Gzip)
        .max_decoding_message_size(limit);
    let metrics = MetricsServiceServer::new(rx)
        .accept_compressed(CompressionEncoding::Gzip)
        .max_decoding_message_size(limit);
    tonic::transport::Server::builder()
        .add_service(traces)
        .add_service(logs)
        .add_service(metrics)
        .serve_with_incoming_shutdown(TcpListenerStream::new(listener), shutdown)
        .await
        .map_err(|e| TelemetryError::Bind {
            addr,
            source: std::io::Error::other(e.to_string()),
        })
}
