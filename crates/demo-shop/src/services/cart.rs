//! cart: each user's cart. Prices come from catalog, so a cart read is a
//! two-hop trace (frontend → cart → catalog).

use std::sync::Arc;

use axum::extract::{Extension, Path, State};
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};

use super::{ServiceCtx, json_error};
use crate::store::{Line, Product, lock};
use crate::trace::TraceContext;

/// A cart as the cart service returns it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CartView {
    /// Priced lines.
    pub lines: Vec<PricedLine>,
    /// Sum of the lines, in cents.
    pub total_cents: u64,
}

/// A cart line with its product.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PricedLine {
    /// The product.
    pub product: Product,
    /// How many.
    pub quantity: u32,
}

pub(super) fn routes() -> Router<Arc<ServiceCtx>> {
    Router::new()
        .route("/carts/{user}", get(view).delete(clear))
        .route("/carts/{user}/items", post(add))
}

async fn view(
    State(ctx): State<Arc<ServiceCtx>>,
    Extension(trace): Extension<TraceContext>,
    Path(user): Path<String>,
) -> Response {
    let lines = lock(&ctx.data.carts)
        .get(&user)
        .cloned()
        .unwrap_or_default();
    let mut priced = Vec::new();
    for line in lines {
        let path = format!("/products/{}", line.sku);
        match ctx
            .call::<Product>(&trace, "catalog", Method::GET, &path, None)
            .await
        {
            Ok(product) => priced.push(PricedLine {
                product,
                quantity: line.quantity,
            }),
            Err(e) => return json_error(e.gateway_status(), e.to_string()),
        }
    }
    let total_cents = priced
        .iter()
        .map(|l| l.product.price_cents * u64::from(l.quantity))
        .sum();
    Json(CartView {
        lines: priced,
        total_cents,
    })
    .into_response()
}

async fn add(
    State(ctx): State<Arc<ServiceCtx>>,
    Path(user): Path<String>,
    Json(line): Json<Line>,
) -> Response {
    if line.quantity == 0 || line.quantity > 99 {
        return json_error(StatusCode::BAD_REQUEST, "quantity must be 1 to 99");
    }
    let mut carts = lock(&ctx.data.carts);
    let cart = carts.entry(user).or_default();
    match cart.iter_mut().find(|l| l.sku == line.sku) {
        Some(existing) => existing.quantity = (existing.quantity + line.quantity).min(99),
        None => cart.push(line),
    }
    (StatusCode::CREATED, Json(cart.clone())).into_response()
}

async fn clear(State(ctx): State<Arc<ServiceCtx>>, Path(user): Path<String>) -> StatusCode {
    lock(&ctx.data.carts).remove(&user);
    StatusCode::NO_CONTENT
}
