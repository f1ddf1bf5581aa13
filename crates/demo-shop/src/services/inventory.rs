//! inventory: stock levels and reservations at checkout.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::json;

use super::{ServiceCtx, json_error};
use crate::store::{Line, lock};

#[derive(Deserialize)]
struct Reservation {
    items: Vec<Line>,
}

pub(super) fn routes() -> Router<Arc<ServiceCtx>> {
    Router::new()
        .route("/stock/{sku}", get(stock))
        .route("/reservations", post(reserve))
}

async fn stock(State(ctx): State<Arc<ServiceCtx>>, Path(sku): Path<String>) -> Response {
    match lock(&ctx.data.stock).get(&sku) {
        Some(n) => Json(json!({"sku": sku, "available": n})).into_response(),
        None => json_error(StatusCode::NOT_FOUND, format!("no product {sku}")),
    }
}

async fn reserve(State(ctx): State<Arc<ServiceCtx>>, Json(r): Json<Reservation>) -> Response {
    let mut stock = lock(&ctx.data.stock);
    // All or nothing: check every line before taking any.
    for line in &r.items {
        if stock.get(&line.sku).copied().unwrap_or(0) < i64::from(line.quantity) {
            return json_error(
                StatusCode::CONFLICT,
                format!("{} is out of stock", line.sku),
            );
        }
    }
    for line in &r.items {
        if let Some(n) = stock.get_mut(&line.sku) {
            *n -= i64::from(line.quantity);
        }
    }
    (
        StatusCode::CREATED,
        Json(json!({"reserved": r.items.len()})),
    )
        .into_response()
}
