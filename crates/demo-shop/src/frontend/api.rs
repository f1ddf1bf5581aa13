//! The REST API (`/api/…`): sign in for a bearer token, place an order, read
//! its status. API journeys assert on these JSON bodies.

use axum::extract::{Extension, Path, State};
use axum::http::header::AUTHORIZATION;
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::json;
use std::sync::Arc;

use super::checkout::place_order;
use super::{Ctx, Trace};
use crate::services::{CallError, ServiceCtx, json_error};
use crate::store::{Line, Product, User, lock};
use crate::trace::TraceContext;

pub(super) fn routes() -> Router<Arc<ServiceCtx>> {
    Router::new()
        .route("/api/login", post(login))
        .route("/api/orders", post(create))
        .route("/api/orders/{id}", get(status))
}

fn api_error(e: &CallError) -> Response {
    json_error(e.gateway_status(), e.to_string())
}

async fn bearer_user(
    ctx: &ServiceCtx,
    trace: &TraceContext,
    headers: &HeaderMap,
) -> Result<User, Response> {
    let token = headers
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .ok_or_else(|| json_error(StatusCode::UNAUTHORIZED, "missing bearer token"))?;
    match ctx
        .call::<User>(
            trace,
            "auth",
            Method::GET,
            &format!("/sessions/{token}"),
            None,
        )
        .await
    {
        Ok(u) => Ok(u),
        Err(CallError::Status { status: 404, .. }) => {
            Err(json_error(StatusCode::UNAUTHORIZED, "invalid token"))
        }
        Err(e) => Err(api_error(&e)),
    }
}

async fn login(
    State(ctx): Ctx,
    Extension(trace): Trace,
    Json(body): Json<serde_json::Value>,
) -> Response {
    match ctx
        .call::<serde_json::Value>(&trace, "auth", Method::POST, "/login", Some(body))
        .await
    {
        Ok(v) => Json(v).into_response(),
        Err(CallError::Status {
            status: 401,
            message,
            ..
        }) => json_error(StatusCode::UNAUTHORIZED, message),
        Err(e) => api_error(&e),
    }
}

#[derive(Deserialize)]
struct OrderRequest {
    #[serde(default)]
    items: Vec<Line>,
    #[serde(default)]
    sku: Option<String>,
    #[serde(default)]
    quantity: Option<u32>,
}

async fn create(
    State(ctx): Ctx,
    Extension(trace): Trace,
    headers: HeaderMap,
    Json(req): Json<OrderRequest>,
) -> Response {
    let user = match bearer_user(&ctx, &trace, &headers).await {
        Ok(u) => u,
        Err(r) => return r,
    };
    let mut lines = req.items;
    if let Some(sku) = req.sku {
        lines.push(Line {
            sku,
            quantity: req.quantity.unwrap_or(1),
        });
    }
    if lines.is_empty() || lines.iter().any(|l| l.quantity == 0) {
        return json_error(
            StatusCode::BAD_REQUEST,
            "an order needs items with a quantity",
        );
    }
    let mut total = 0;
    for line in &lines {
        let path = format!("/products/{}", line.sku);
        match ctx
            .call::<Product>(&trace, "catalog", Method::GET, &path, None)
            .await
        {
            Ok(p) => total += p.price_cents * u64::from(line.quantity),
            Err(CallError::Status { status: 404, .. }) => {
                return json_error(StatusCode::BAD_REQUEST, format!("no product {}", line.sku));
            }
            Err(e) => return api_error(&e),
        }
    }
    match place_order(&ctx, &trace, &user, lines, total).await {
        Ok(order) => (StatusCode::CREATED, Json(order)).into_response(),
        Err(e) => api_error(&e),
    }
}

async fn status(
    State(ctx): Ctx,
    Extension(trace): Trace,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    let user = match bearer_user(&ctx, &trace, &headers).await {
        Ok(u) => u,
        Err(r) => return r,
    };
    match lock(&ctx.data.orders)
        .get(&id)
        .filter(|o| o.user == user.email)
    {
        Some(o) => Json(o.clone()).into_response(),
        None => (
            StatusCode::NOT_FOUND,
            Json(json!({"error": "no such order", "id": id})),
        )
            .into_response(),
    }
}
