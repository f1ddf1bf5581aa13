//! The action loop inside `sightline serve --project DIR`: the project's
//! SLOs evaluated live as runs arrive (alerts, policy rules and their
//! notifications stored together), the outbox delivered every second, and
//! `POST /v1/gate` for pipelines without a local database.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use axum::{Json, Router};
use sha2::{Digest, Sha256};
use sightline_api::action::gate::{GateRequest, gate};
use sightline_api::action::sender::{deliver_due, http_client};
use sightline_api::secrets::OsKeyring;
use sightline_api::slo::live::LiveSlos;
use sightline_core::Run;
use sightline_store::Store;
use tokio::sync::{broadcast, watch};

/// What the gate route needs.
pub struct GateState {
    /// The database.
    pub db: PathBuf,
    /// The project folder.
    pub project: PathBuf,
    /// SHA-256 of the token; `None` refuses every request.
    pub token_sha: Option<[u8; 32]>,
}

/// `POST /v1/gate`.
pub fn gate_router(state: Arc<GateState>) -> Router {
    Router::new()
        .route("/v1/gate", post(gate_route))
        .with_state(state)
}

async fn gate_route(
    State(s): State<Arc<GateState>>,
    headers: HeaderMap,
    Json(req): Json<GateRequest>,
) -> (StatusCode, Json<serde_json::Value>) {
    let given = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(|t| <[u8; 32]>::from(Sha256::digest(t.trim().as_bytes())));
    // Comparing digests: equal length, no early exit on the clear token.
    if s.token_sha.is_none() || given != s.token_sha {
        return (
            StatusCode::UNAUTHORIZED,
            Json(serde_json::json!({"error": "a valid bearer token is required (serve --token)"})),
        );
    }
    let (db, project) = (s.db.clone(), s.project.clone());
    match tokio::task::spawn_blocking(move || gate(&db, &project, &req)).await {
        Ok(Ok(answer)) => (
            StatusCode::OK,
            Json(serde_json::to_value(answer).unwrap_or_default()),
        ),
        Ok(Err(e)) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            Json(serde_json::json!({"error": e.to_string()})),
        ),
        Err(e) => (
            StatusCode::INTERNAL_SERVER_ERROR,
            Json(serde_json::json!({"error": e.to_string()})),
        ),
    }
}

/// Runs the live loop on its own thread until `stop`: applies each stored
/// run, ticks every second, delivers the outbox. Returns `None` (and says
/// why in the log) when the project has no SLOs to evaluate.
pub fn spawn_live(
    db: PathBuf,
    project: PathBuf,
    mut runs: broadcast::Receiver<Run>,
    mut stop: watch::Receiver<bool>,
) -> Option<std::thread::JoinHandle<()>> {
    if !project.join("slos").is_dir() {
        tracing::warn!(project = %project.display(), "no slos/ folder: live SLOs and notifications are off");
        return None;
    }
    Some(std::thread::spawn(move || {
        let rt = match tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
        {
            Ok(rt) => rt,
            Err(e) => return tracing::warn!(error = %e, "the live loop's runtime"),
        };
        rt.block_on(async move {
            let now = sightline_browser::system_now_ms;
            let (mut live, store) = match (LiveSlos::start(&db, &project, now()), Store::open(&db)) {
                (Ok(l), Ok(s)) => (l, s),
                (Err(e), _) => return tracing::warn!(error = %e, "live SLOs did not start"),
                (_, Err(e)) => return tracing::warn!(error = %e, "live SLOs: the database"),
            };
            // Read once, like the SLOs: a changed notify.yaml takes effect at the next start.
            let notify = match sightline_api::action::load_notify(&project) {
                Ok(n) => n,
                Err(e) => return tracing::warn!(error = %e, "notify.yaml"),
            };
            let client = http_client().ok();
            let mut tick = tokio::time::interval(Duration::from_secs(1));
            loop {
                tokio::select! {
                    _ = stop.changed() => break,
                    r = runs.recv() => match r {
                        Ok(run) => { live.apply(&run); }
                        Err(broadcast::error::RecvError::Lagged(n)) => tracing::warn!(n, "live SLOs missed runs; they count at the next start"),
                        Err(broadcast::error::RecvError::Closed) => break,
                    },
                    _ = tick.tick() => {
                        if let Err(e) = live.tick(&store, now()) {
                            tracing::warn!(error = %e, "evaluating the alerts failed");
                        }
                        if let (Some(cfg), Some(client)) = (notify.as_ref(), client.as_ref()) {
                            match deliver_due(&db, cfg, &OsKeyring::default(), client, now()).await {
                                Ok(p) if !p.errors.is_empty() => tracing::warn!(errors = ?p.errors, "notification delivery"),
                                Ok(_) => {}
                                Err(e) => tracing::warn!(error = %e, "the outbox sender failed"),
                            }
                        }
                    }
                }
            }
        });
    }))
}
