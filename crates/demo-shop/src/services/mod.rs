//! The backend services and what every service (the frontend included) shares:
//! trace continuation, fault injection, span recording (in memory, and over
//! OTLP through the SDK when configured: [`crate::otel`]), and calls to other
//! services with real timeouts.

mod auth;
pub mod cart;
mod catalog;
mod inventory;
mod payment;

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::shop::ShopState;
use crate::store::RegionData;
use crate::trace::{SpanRecord, TRACEPARENT, TraceContext, parse_traceparent};

/// One service of one region: who it is and what it can reach.
pub struct ServiceCtx {
    /// Service name (`frontend`, `payment`, …).
    pub name: &'static str,
    /// Region of its stack.
    pub region: String,
    /// The shop it belongs to.
    pub shop: Arc<ShopState>,
    /// The region's data.
    pub data: Arc<RegionData>,
    http: reqwest::Client,
}

/// Why a call to another service failed.
#[derive(Debug, thiserror::Error)]
pub enum CallError {
    /// No answer within the caller's timeout.
    #[error("{service} did not answer within {timeout_ms} ms")]
    Timeout {
        /// Service called.
        service: String,
        /// The timeout.
        timeout_ms: u64,
    },
    /// The service answered with an error status.
    #[error("{service} answered {status}: {message}")]
    Status {
        /// Service called.
        service: String,
        /// Its status.
        status: u16,
        /// Its error message.
        message: String,
    },
    /// The connection failed or the body was not what was expected.
    #[error("{service} is unavailable: {message}")]
    Unavailable {
        /// Service called.
        service: String,
        /// What happened.
        message: String,
    },
}

impl CallError {
    /// The status a gateway answers with: 504 for timeouts, 502 otherwise.
    pub fn gateway_status(&self) -> StatusCode {
        match self {
            CallError::Timeout { .. } => StatusCode::GATEWAY_TIMEOUT,
            _ => StatusCode::BAD_GATEWAY,
        }
    }
}

impl ServiceCtx {
    /// A service of `region` in `shop`.
    pub fn new(
        name: &'static str,
        region: &str,
        shop: Arc<ShopState>,
        data: Arc<RegionData>,
    ) -> Self {
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(1))
            .build()
            .unwrap_or_default();
        Self {
            name,
            region: region.to_owned(),
            shop,
            data,
            http,
        }
    }

    /// The version this service runs right now.
    pub fn version(&self) -> String {
        self.shop.releases.version(self.name, &self.region)
    }

    /// Calls `target` in the same region with the shop's timeout, continuing `trace`.
    pub async fn call<T: DeserializeOwned>(
        &self,
        trace: &TraceContext,
        target: &str,
        method: Method,
        path: &str,
        body: Option<serde_json::Value>,
    ) -> Result<T, CallError> {
        let timeout = self.shop.config.call_timeout;
        let timeout_ms = timeout.as_millis() as u64;
        let service = target.to_owned();
        if self
            .shop
            .faults
            .dependency_times_out(self.name, &self.region, target)
        {
            // The dependency "hangs": the caller waits out its whole timeout, as it would for real.
            tokio::time::sleep(timeout).await;
            return Err(CallError::Timeout {
                service,
                timeout_ms,
            });
        }
        let base = self
            .shop
            .regions
            .get(&self.region)
            .and_then(|r| r.url(target))
            .ok_or_else(|| CallError::Unavailable {
                service: service.clone(),
                message: "no such service".into(),
            })?;
        let mut req = self
            .http
            .request(method, format!("{base}{path}"))
            .timeout(timeout)
            .header(TRACEPARENT, trace.traceparent());
        if let Some(body) = body {
            req = req.json(&body);
        }
        let resp = req
            .send()
            .await
            .map_err(|e| classify(&service, timeout_ms, &e))?;
        let status = resp.status();
        if !status.is_success() {
            let text = resp.text().await.unwrap_or_default();
            let message = serde_json::from_str::<serde_json::Value>(&text)
                .ok()
                .and_then(|v| v.get("error").and_then(|e| e.as_str()).map(str::to_owned))
                .unwrap_or(text);
            return Err(CallError::Status {
                service,
                status: status.as_u16(),
                message,
            });
        }
        resp.json::<T>()
            .await
            .map_err(|e| classify(&service, timeout_ms, &e))
    }
}

fn classify(service: &str, timeout_ms: u64, e: &reqwest::Error) -> CallError {
    if e.is_timeout() {
        CallError::Timeout {
            service: service.to_owned(),
            timeout_ms,
        }
    } else {
        CallError::Unavailable {
            service: service.to_owned(),
            message: e.to_string(),
        }
    }
}

/// The error a response shows, kept as a response extension so the span and
/// the log record of the request can say what went wrong.
#[derive(Debug, Clone)]
pub struct ErrorMessage(pub String);

/// A JSON error body `{"error": …}` with a status.
pub fn json_error(status: StatusCode, message: impl Into<String>) -> Response {
    #[derive(Serialize)]
    struct Body {
        error: String,
    }
    let error = message.into();
    let mut response = (
        status,
        axum::Json(Body {
            error: error.clone(),
        }),
    )
        .into_response();
    response.extensions_mut().insert(ErrorMessage(error));
    response
}

/// Wraps every request of a service: continue the trace, apply faults, record the span.
pub async fn instrument(
    State(ctx): State<Arc<ServiceCtx>>,
    mut req: Request,
    next: Next,
) -> Response {
    let started = Instant::now();
    let start_ms = crate::now_ms();
    let incoming = req.headers().get(TRACEPARENT).and_then(|v| v.to_str().ok());
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| req.uri().path().to_owned(), |m| m.as_str().to_owned());
    let method = req.method().to_string();
    let version = ctx.version();
    // Admin and health routes are never faulted (so a broken shop can still be
    // repaired) nor traced.
    let exempt = route.starts_with("/admin") || route == "/healthz";
    let parent = incoming.and_then(parse_traceparent);
    // With an OTLP endpoint the SDK span is the request's span and names its ids.
    let live = match &ctx.shop.otel {
        Some(otel) if !exempt => otel.start(
            &ctx.shop,
            (ctx.name, &ctx.region, &version),
            parent.as_ref(),
            &method,
            &route,
        ),
        _ => None,
    };
    let trace = match &live {
        Some(span) => TraceContext {
            trace_id: span.trace_id(),
            span_id: span.span_id(),
            parent_span_id: parent.map(|(_, p, _)| p),
            sampled: span.sampled(),
        },
        None => TraceContext::continue_or_start(incoming),
    };
    req.extensions_mut().insert(trace.clone());

    let mut response = if exempt {
        next.run(req).await
    } else {
        run_with_faults(&ctx, &version, req, next).await
    };
    if let Ok(v) = HeaderValue::from_str(&trace.traceparent()) {
        response.headers_mut().insert("traceresponse", v);
    }
    let elapsed = started.elapsed();
    if let Some(span) = live {
        let error = response
            .extensions()
            .get::<ErrorMessage>()
            .map(|e| e.0.as_str());
        span.finish(response.status().as_u16(), elapsed, error);
    }
    if !exempt {
        let span = SpanRecord {
            trace_id: trace.trace_id,
            span_id: trace.span_id,
            parent_span_id: trace.parent_span_id,
            service: ctx.name.to_owned(),
            version,
            region: ctx.region.clone(),
            route,
            method,
            status: response.status().as_u16(),
            start_ms,
            duration_ms: elapsed.as_secs_f64() * 1000.0,
        };
        for sink in &ctx.shop.telemetry {
            sink.record(&span);
        }
    }
    response
}

async fn run_with_faults(ctx: &ServiceCtx, version: &str, req: Request, next: Next) -> Response {
    let plan = ctx.shop.faults.plan(ctx.name, &ctx.region, version);
    let _permit = match &plan.pool {
        Some(gate) => {
            match tokio::time::timeout(gate.queue_timeout, gate.semaphore.clone().acquire_owned())
                .await
            {
                Ok(Ok(permit)) => Some(permit),
                _ => {
                    gate.hits.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    return json_error(
                        StatusCode::SERVICE_UNAVAILABLE,
                        format!("{}: connection pool exhausted", ctx.name),
                    );
                }
            }
        }
        None => None,
    };
    if let Some(gate) = &plan.pool {
        tokio::time::sleep(gate.hold).await;
    }
    if !plan.delay.is_zero() {
        tokio::time::sleep(plan.delay).await;
    }
    if let Some((status, message)) = plan.fail {
        let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        if ctx.name == "frontend" {
            return crate::frontend::error_page(status, &message);
        }
        return json_error(status, message);
    }
    next.run(req).await
}

/// The router of backend service `ctx.name`, instrumented.
pub fn router(ctx: Arc<ServiceCtx>) -> Router {
    let routes = match ctx.name {
        "auth" => auth::routes(),
        "catalog" => catalog::routes(),
        "cart" => cart::routes(),
        "payment" => payment::routes(),
        _ => inventory::routes(),
    };
    routes
        .route("/healthz", axum::routing::get(|| async { "ok" }))
        .layer(axum::middleware::from_fn_with_state(
            ctx.clone(),
            instrument,
        ))
        .with_state(ctx)
}
