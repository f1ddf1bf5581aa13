//! `POST /v1/events/deploy`, `/v1/events/github`, `/v1/events/argocd`.
//!
//! 200 `{"stored", "duplicates", "ids"}` when a deploy was recorded, 202
//! `{"ignored": reason}` for a valid delivery that is not a finished deploy,
//! 400 `{"error": {"code", "message"}}` naming the field, 401 without the
//! token, 413 over the body limit, 429/503 with `Retry-After` like OTLP.

use axum::Router;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use sightline_store::TelemetryBatch;

use super::{Adapted, DeployRequest, argocd, github};
use crate::otlp::http::{OtlpState, classify, read_body};
use crate::{Result, TelemetryError};

/// The routes, to merge into the OTLP router (they share its state).
pub(crate) fn routes() -> Router<OtlpState> {
    Router::new()
        .route("/v1/events/deploy", post(deploy))
        .route("/v1/events/github", post(github_hook))
        .route("/v1/events/argocd", post(argocd_hook))
}

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

async fn deploy(State(s): State<OtlpState>, headers: HeaderMap, body: Body) -> Response {
    respond(
        run(&s, &headers, body, |bytes| {
            let req: DeployRequest = serde_json::from_slice(bytes).map_err(|e| {
                TelemetryError::parse("request body", e.line(), "body", e.to_string())
            })?;
            Ok(Adapted::Deploy(Box::new(req.into_event(
                "http",
                "request body",
                now_ms(),
            )?)))
        })
        .await,
    )
}

async fn github_hook(State(s): State<OtlpState>, headers: HeaderMap, body: Body) -> Response {
    let event = headers
        .get("x-github-event")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    respond(
        run(&s, &headers, body, |bytes| {
            github::adapt(event.as_deref(), bytes)
        })
        .await,
    )
}

async fn argocd_hook(State(s): State<OtlpState>, headers: HeaderMap, body: Body) -> Response {
    respond(run(&s, &headers, body, |bytes| argocd::adapt(bytes, now_ms())).await)
}

async fn run(
    s: &OtlpState,
    headers: &HeaderMap,
    body: Body,
    adapt: impl FnOnce(&[u8]) -> Result<Adapted>,
) -> Result<Response> {
    s.authorize(headers)?;
    let bytes = read_body(headers, body, s.config.max_body_bytes).await?;
    match adapt(&bytes)? {
        Adapted::Ignored(reason) => Ok((
            StatusCode::ACCEPTED,
            axum::Json(serde_json::json!({ "ignored": reason })),
        )
            .into_response()),
        Adapted::Deploy(event) => {
            let id = event.id.to_string();
            let w = s
                .ingest
                .submit(TelemetryBatch::Events(vec![*event]))
                .await?;
            Ok(axum::Json(serde_json::json!({
                "stored": w.stored, "duplicates": w.duplicates, "ids": [id],
            }))
            .into_response())
        }
    }
}

fn respond(r: Result<Response>) -> Response {
    match r {
        Ok(resp) => resp,
        Err(e) => {
            let (status, _) = classify(&e);
            let mut resp = (
                status,
                axum::Json(serde_json::json!({
                    "error": { "code": e.code(), "message": e.to_string() }
                })),
            )
                .into_response();
            let retry = match &e {
                TelemetryError::Overloaded { retry_after_s } => Some(*retry_after_s),
                TelemetryError::Unavailable { .. } | TelemetryError::Store(_) => Some(2),
                _ => None,
            };
            if let Some(s) = retry {
                resp.headers_mut()
                    .insert(header::RETRY_AFTER, HeaderValue::from(s));
            }
            resp
        }
    }
}
