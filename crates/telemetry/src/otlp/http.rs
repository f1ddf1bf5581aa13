//! OTLP/HTTP: `POST /v1/traces`, `/v1/logs`, `/v1/metrics`, protobuf or JSON,
//! gzip or not, answered per the OTLP specification.
//!
//! | outcome | status | body |
//! |---|---|---|
//! | stored (maybe partly) | 200 | `Export*ServiceResponse`, with `partialSuccess` when items were rejected |
//! | undecodable, or every item invalid | 400 | `google.rpc.Status` |
//! | token missing or wrong | 401 | `google.rpc.Status` |
//! | body over the limit | 413 | `google.rpc.Status` |
//! | not protobuf/JSON, not gzip | 415 | `google.rpc.Status` |
//! | queue full | 429 + `Retry-After` | `google.rpc.Status` with `RetryInfo` |
//! | store cannot write | 503 + `Retry-After` | `google.rpc.Status` with `RetryInfo` |
//!
//! Responses use the request's format; errors before the format is known are JSON.

use std::sync::Arc;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use prost::Message;

use super::decode::{self, Format};
use super::signal::{Logs, Metrics, Signal, Traces};
use super::status::{self, RpcStatus};
use crate::{Ingest, OtlpConfig, TelemetryError};

/// What every handler shares: the writer and the settings.
#[derive(Clone, Debug)]
pub struct OtlpState {
    /// The ingest writer.
    pub ingest: Ingest,
    /// Limits and the optional token.
    pub config: Arc<OtlpConfig>,
}

impl OtlpState {
    /// State over a running writer.
    pub fn new(ingest: Ingest, config: OtlpConfig) -> Self {
        Self {
            ingest,
            config: Arc::new(config),
        }
    }

    /// Refuses a request without the configured token.
    pub(crate) fn authorize(&self, headers: &HeaderMap) -> Result<(), TelemetryError> {
        match &self.config.bearer_token {
            None => Ok(()),
            Some(t) => {
                let given = headers
                    .get(header::AUTHORIZATION)
                    .and_then(|v| v.to_str().ok());
                if t.accepts(given) {
                    Ok(())
                } else {
                    Err(TelemetryError::Unauthorized)
                }
            }
        }
    }
}

/// The OTLP/HTTP routes, plus the deploy-event webhooks, with their state
/// applied: merge it into a bigger router with `Router::merge`.
pub fn http_router(state: OtlpState) -> Router {
    Router::new()
        .route("/v1/traces", post(export::<Traces>))
        .route("/v1/logs", post(export::<Logs>))
        .route("/v1/metrics", post(export::<Metrics>))
        .merge(crate::deploy::http::routes())
        .with_state(state)
}

/// Serves [`http_router`] on `listener` until `shutdown` resolves.
pub async fn serve_http(
    listener: tokio::net::TcpListener,
    state: OtlpState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> Result<(), TelemetryError> {
    let addr = listener
        .local_addr()
        .map_or_else(|_| "?".into(), |a| a.to_string());
    axum::serve(listener, http_router(state))
        .with_graceful_shutdown(shutdown)
        .await
        .map_err(|source| TelemetryError::Bind { addr, source })
}

/// Reads a body of at most `limit` bytes; more is 413, checked against
/// `Content-Length` first so an honest oversize client is refused unread.
pub(crate) async fn read_body(
    headers: &HeaderMap,
    body: Body,
    limit: usize,
) -> Result<Bytes, TelemetryError> {
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit as u64) {
        return Err(TelemetryError::TooLarge { limit });
    }
    let limited = http_body_util::Limited::new(body, limit);
    match http_body_util::BodyExt::collect(limited).await {
        Ok(c) => Ok(c.to_bytes()),
        Err(e)
            if e.downcast_ref::<http_body_util::LengthLimitError>()
                .is_some() =>
        {
            Err(TelemetryError::TooLarge { limit })
        }
        Err(e) => Err(TelemetryError::Decode {
            signal: "request",
            format: "HTTP body",
            message: e.to_string(),
        }),
    }
}

async fn export<S: Signal>(
    State(state): State<OtlpState>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let mut format = None;
    match handle::<S>(&state, &headers, body, &mut format).await {
        Ok(resp) => resp,
        Err(e) => error_response(&e, format),
    }
}

async fn handle<S: Signal>(
    state: &OtlpState,
    headers: &HeaderMap,
    body: Body,
    format_out: &mut Option<Format>,
) -> Result<Response, TelemetryError> {
    state.authorize(headers)?;
    let format = Format::from_content_type(
        headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok()),
    )?;
    *format_out = Some(format);
    let limit = state.config.max_body_bytes;
    let raw = read_body(headers, body, limit).await?;
    let encoding = headers
        .get(header::CONTENT_ENCODING)
        .and_then(|v| v.to_str().ok());
    let plain = decode::decompress(&raw, encoding, limit)?;
    let req: S::Request = decode::decode(&plain, format, S::NAME)?;
    let converted = S::convert(&req);
    drop(req);
    if converted.items.is_empty() && converted.rejected > 0 {
        return Err(TelemetryError::AllRejected {
            rejected: converted.rejected,
            first: converted.message(),
        });
    }
    let message = converted.message();
    let rejected = converted.rejected;
    state.ingest.submit(S::batch(converted.items)).await?;
    Ok(success(&S::response(rejected, message), format))
}

fn success<M: Message + serde::Serialize>(msg: &M, format: Format) -> Response {
    let body = match format {
        Format::Protobuf => msg.encode_to_vec(),
        // An unset partialSuccess is left out (`{}`), not sent as `null`.
        Format::Json => match serde_json::to_value(msg) {
            Ok(serde_json::Value::Object(mut m)) => {
                m.retain(|_, v| !v.is_null());
                serde_json::to_vec(&m).unwrap_or_else(|_| b"{}".to_vec())
            }
            _ => b"{}".to_vec(),
        },
    };
    (
        StatusCode::OK,
        [(header::CONTENT_TYPE, format.content_type())],
        body,
    )
        .into_response()
}

/// The HTTP status for an error, and the gRPC code for its `Status` body.
pub(crate) fn classify(e: &TelemetryError) -> (StatusCode, i32) {
    use status::code;
    match e {
        TelemetryError::Unauthorized => (StatusCode::UNAUTHORIZED, code::UNAUTHENTICATED),
        TelemetryError::UnsupportedMediaType { .. }
        | TelemetryError::UnsupportedEncoding { .. } => {
            (StatusCode::UNSUPPORTED_MEDIA_TYPE, code::UNIMPLEMENTED)
        }
        TelemetryError::TooLarge { .. } => (StatusCode::PAYLOAD_TOO_LARGE, code::OUT_OF_RANGE),
        TelemetryError::Overloaded { .. } => {
            (StatusCode::TOO_MANY_REQUESTS, code::RESOURCE_EXHAUSTED)
        }
        TelemetryError::Unavailable { .. }
        | TelemetryError::Store(_)
        | TelemetryError::Io { .. } => (StatusCode::SERVICE_UNAVAILABLE, code::UNAVAILABLE),
        _ => (StatusCode::BAD_REQUEST, code::INVALID_ARGUMENT),
    }
}

/// An OTLP error response: `google.rpc.Status` in the request's format, with
/// `Retry-After` and `RetryInfo` on the retryable ones.
pub(crate) fn error_response(e: &TelemetryError, format: Option<Format>) -> Response {
    let (http, grpc) = classify(e);
    let retry = match e {
        TelemetryError::Overloaded { retry_after_s } => Some(*retry_after_s),
        TelemetryError::Unavailable { .. } | TelemetryError::Store(_) => Some(2),
        _ => None,
    };
    if http.is_server_error() {
        tracing::warn!(error = %e, code = e.code(), "OTLP request failed");
    } else {
        tracing::debug!(error = %e, code = e.code(), "OTLP request refused");
    }
    let message = e.to_string();
    let (content_type, body) = match format {
        Some(Format::Protobuf) => {
            let st = match retry {
                Some(s) => status::with_retry(grpc, message, s),
                None => RpcStatus {
                    code: grpc,
                    message,
                    details: vec![],
                },
            };
            (Format::Protobuf.content_type(), st.encode_to_vec())
        }
        _ => {
            let mut doc = serde_json::json!({ "code": grpc, "message": message });
            if let Some(s) = retry {
                doc["details"] = serde_json::json!([{
                    "@type": "type.googleapis.com/google.rpc.RetryInfo",
                    "retryDelay": format!("{s}s"),
                }]);
            }
            (Format::Json.content_type(), doc.to_string().into_bytes())
        }
    };
    let mut resp = (http, [(header::CONTENT_TYPE, content_type)], body).into_response();
    if let Some(s) = retry {
        resp.headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(s));
    }
    if http == StatusCode::UNAUTHORIZED {
        resp.headers_mut()
            .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
    }
    resp
}
