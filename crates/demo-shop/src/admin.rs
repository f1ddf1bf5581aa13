//! The admin API: deploy releases, switch faults, read spans. Mounted on its own
//! listener and under every frontend; never faulted, so a broken shop can be fixed.

use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::json;

use crate::deploy::{self, DeployEvent, DeployRequest};
use crate::error::ShopError;
use crate::faults::FaultSpec;
use crate::shop::ShopState;
use crate::store::lock;

type Shop = State<Arc<ShopState>>;

/// The admin routes over `state`.
pub fn router(state: Arc<ShopState>) -> Router {
    Router::new()
        .route("/admin/regions", get(regions))
        .route("/admin/versions", get(versions))
        .route("/admin/deploy", post(deploy_release))
        .route("/admin/deploys", get(deploys))
        .route("/admin/deploy-webhook", post(set_webhook))
        .route(
            "/admin/faults",
            get(faults).post(set_fault).delete(clear_faults),
        )
        .route("/admin/faults/{id}", delete(clear_fault))
        .route("/admin/spans", get(spans))
        .with_state(state)
}

fn bad_request(e: &ShopError) -> Response {
    (
        StatusCode::BAD_REQUEST,
        Json(json!({"error": e.to_string(), "code": e.code()})),
    )
        .into_response()
}

async fn regions(State(s): Shop) -> Response {
    Json(s.regions.values().cloned().collect::<Vec<_>>()).into_response()
}

async fn versions(State(s): Shop) -> Response {
    let rows: Vec<_> = s
        .releases
        .all()
        .into_iter()
        .map(|(service, region, version)| json!({"service": service, "region": region, "version": version}))
        .collect();
    Json(rows).into_response()
}

/// Rolls a release out and tells the webhook, if any.
pub async fn rollout(
    s: &ShopState,
    req: &DeployRequest,
) -> Result<(Vec<DeployEvent>, Option<bool>), ShopError> {
    let events = s.releases.deploy(req, crate::now_ms())?;
    let url = lock(&s.deploy_webhook).clone();
    let delivered = match url {
        Some(url) => Some(deploy::emit(&s.http, &url, &events).await),
        None => None,
    };
    Ok((events, delivered))
}

async fn deploy_release(State(s): Shop, Json(req): Json<DeployRequest>) -> Response {
    match rollout(&s, &req).await {
        Ok((events, delivered)) => (
            StatusCode::CREATED,
            Json(json!({"events": events, "delivered": delivered})),
        )
            .into_response(),
        Err(e) => bad_request(&e),
    }
}

async fn deploys(State(s): Shop) -> Response {
    Json(s.releases.events()).into_response()
}

#[derive(Deserialize)]
struct Webhook {
    url: Option<String>,
}

async fn set_webhook(State(s): Shop, Json(w): Json<Webhook>) -> StatusCode {
    *lock(&s.deploy_webhook) = w.url;
    StatusCode::NO_CONTENT
}

async fn faults(State(s): Shop) -> Response {
    Json(s.faults.list()).into_response()
}

/// Checks that a fault names a real service and region, then switches it on.
pub fn apply_fault(s: &ShopState, spec: FaultSpec) -> Result<String, ShopError> {
    let known = s
        .regions
        .get(&spec.region)
        .and_then(|r| r.url(&spec.service))
        .is_some();
    if !known {
        return Err(ShopError::UnknownTarget {
            service: spec.service,
            region: spec.region,
        });
    }
    Ok(s.faults.set(spec))
}

async fn set_fault(State(s): Shop, Json(spec): Json<FaultSpec>) -> Response {
    match apply_fault(&s, spec) {
        Ok(id) => (StatusCode::CREATED, Json(json!({"id": id}))).into_response(),
        Err(e) => bad_request(&e),
    }
}

async fn clear_fault(State(s): Shop, Path(id): Path<String>) -> StatusCode {
    if s.faults.clear(&id) {
        StatusCode::NO_CONTENT
    } else {
        StatusCode::NOT_FOUND
    }
}

async fn clear_faults(State(s): Shop) -> StatusCode {
    s.faults.clear_all();
    StatusCode::NO_CONTENT
}

#[derive(Deserialize)]
struct SpanQuery {
    #[serde(default)]
    trace_id: Option<String>,
}

async fn spans(State(s): Shop, Query(q): Query<SpanQuery>) -> Response {
    Json(s.spans.query(q.trace_id.as_deref())).into_response()
}
