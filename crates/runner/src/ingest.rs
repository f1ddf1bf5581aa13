//! The workbench side of remote runners: `POST /v1/runs`, behind a bearer
//! token, storing each pushed run with its artifacts in one transaction.
//!
//! Status codes: 200 with `{"inserted", "duplicates"}`; 400 naming the field
//! of a malformed body (nothing from that request is stored); 401 for a
//! missing or wrong token, or when the server was started without one; 413
//! over the body limit; 500 when the store fails.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use sightline_core::Run;
use tokio::sync::broadcast;

use crate::sink::RunSink;
use crate::wire::{PushAnswer, PushBatch, RUNS_PATH};

/// Largest push body accepted (a batch with its screenshots).
pub const MAX_BODY_BYTES: usize = 64 * 1024 * 1024;

/// What the ingest routes need.
pub struct IngestState {
    /// Where pushed runs go (the workbench's store).
    pub sink: Arc<dyn RunSink>,
    /// The bearer token; `None` refuses every push.
    pub token: Option<String>,
    /// Told about every newly stored run (the live SLO view listens).
    pub stored: broadcast::Sender<Run>,
}

/// The `/v1/runs` route, to merge into `sightline serve`'s router.
pub fn router(state: Arc<IngestState>) -> Router {
    Router::new()
        .route(RUNS_PATH, post(push))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .with_state(state)
}

fn refuse(status: StatusCode, message: impl Into<String>) -> Response {
    let body = serde_json::json!({ "error": { "message": message.into() } });
    (status, Json(body)).into_response()
}

/// Constant-time comparison, so the token cannot be guessed by timing.
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Whether the request carries `Authorization: Bearer <token>`; the reason
/// to give with a 401 when it does not.
pub fn authorized(headers: &HeaderMap, token: Option<&str>) -> Result<(), &'static str> {
    let Some(token) = token else {
        return Err("this workbench has no push token; start `sightline serve` with --token");
    };
    let given = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim);
    match given {
        Some(g) if same(g.as_bytes(), token.as_bytes()) => Ok(()),
        Some(_) => Err("wrong bearer token"),
        None => Err("missing `Authorization: Bearer <token>`"),
    }
}

async fn push(State(state): State<Arc<IngestState>>, headers: HeaderMap, body: Bytes) -> Response {
    if let Err(why) = authorized(&headers, state.token.as_deref()) {
        return refuse(StatusCode::UNAUTHORIZED, why);
    }
    let mut de = serde_json::Deserializer::from_slice(&body);
    let batch: PushBatch = match serde_path_to_error::deserialize(&mut de) {
        Ok(b) => b,
        Err(e) => {
            let path = e.path().to_string();
            return refuse(
                StatusCode::BAD_REQUEST,
                format!("body: {path}: {}", e.into_inner()),
            );
        }
    };
    // Decode everything first: a bad artifact refuses the whole request
    // before anything is stored.
    let mut reports = Vec::with_capacity(batch.runs.len());
    for (i, r) in batch.runs.into_iter().enumerate() {
        match r.into_report(i) {
            Ok(rep) => reports.push(rep),
            Err(msg) => return refuse(StatusCode::BAD_REQUEST, format!("body: {msg}")),
        }
    }
    let sink = state.sink.clone();
    let stored = tokio::task::spawn_blocking(move || {
        let mut answer = PushAnswer {
            inserted: 0,
            duplicates: 0,
        };
        let mut new_runs = Vec::new();
        for rep in &reports {
            if sink.accept(rep)? {
                answer.inserted += 1;
                new_runs.push(rep.run.clone());
            } else {
                answer.duplicates += 1;
            }
        }
        Ok::<_, crate::RunnerError>((answer, new_runs))
    })
    .await;
    match stored {
        Ok(Ok((answer, new_runs))) => {
            for run in new_runs {
                let _ = state.stored.send(run);
            }
            (StatusCode::OK, Json(answer)).into_response()
        }
        Ok(Err(e)) => {
            tracing::error!(error = %e, code = e.code(), "storing pushed runs");
            refuse(
                StatusCode::INTERNAL_SERVER_ERROR,
                format!("storing runs: {e}"),
            )
        }
        Err(e) => refuse(
            StatusCode::INTERNAL_SERVER_ERROR,
            format!("storing runs: {e}"),
        ),
    }
}
