//! Placing an order: reserve stock, charge the card, empty the cart. Shared by
//! the checkout page and the REST API, so both fail the same way when payment does.

use axum::extract::{Extension, State};
use axum::http::{HeaderMap, Method};
use axum::response::{IntoResponse, Redirect, Response};
use serde_json::json;

use super::{Ctx, Trace, cart_of, gateway_error, require_user};
use crate::services::{CallError, ServiceCtx};
use crate::store::{Line, Order, User, lock, money};
use crate::trace::TraceContext;

/// Reserves, charges and records an order for `lines` worth `total_cents`.
pub(super) async fn place_order(
    ctx: &ServiceCtx,
    trace: &TraceContext,
    user: &User,
    lines: Vec<Line>,
    total_cents: u64,
) -> Result<Order, CallError> {
    let reservation = json!({"items": lines});
    ctx.call::<serde_json::Value>(
        trace,
        "inventory",
        Method::POST,
        "/reservations",
        Some(reservation),
    )
    .await?;
    let charge = json!({"user": user.email, "amount_cents": total_cents});
    let receipt = ctx
        .call::<serde_json::Value>(trace, "payment", Method::POST, "/charges", Some(charge))
        .await?;
    let charge_id = receipt
        .get("charge_id")
        .and_then(|c| c.as_str())
        .unwrap_or_default()
        .to_owned();
    let mut orders = lock(&ctx.data.orders);
    let order = Order {
        id: format!("ord-{}-{:05}", ctx.region, orders.len() + 1),
        user: user.email.clone(),
        status: "confirmed".to_owned(),
        items: lines,
        total: money(total_cents),
        charge_id,
        region: ctx.region.clone(),
        trace_id: trace.trace_id.clone(),
        placed_seq: orders.len() as u64 + 1,
    };
    orders.insert(order.id.clone(), order.clone());
    Ok(order)
}

/// `POST /checkout`: places the order for the user's cart, then shows the confirmation.
pub(super) async fn place(
    State(ctx): Ctx,
    Extension(trace): Trace,
    headers: HeaderMap,
) -> Response {
    let user = match require_user(&ctx, &trace, &headers, "/checkout").await {
        Ok(u) => u,
        Err(r) => return r,
    };
    let view = match cart_of(&ctx, &trace, &user).await {
        Ok(v) if v.lines.is_empty() => return Redirect::to("/cart").into_response(),
        Ok(v) => v,
        Err(e) => return gateway_error(&ctx, &e),
    };
    let lines = view
        .lines
        .iter()
        .map(|l| Line {
            sku: l.product.sku.clone(),
            quantity: l.quantity,
        })
        .collect();
    match place_order(&ctx, &trace, &user, lines, view.total_cents).await {
        Ok(_) => {
            // The order stands even if emptying the cart fails; the user paid.
            let path = format!("/carts/{}", user.email);
            let _ = ctx
                .call::<serde_json::Value>(&trace, "cart", Method::DELETE, &path, None)
                .await;
            // A fixed URL (not /orders/{id}) so a journey can assert where the navigation lands.
            Redirect::to("/checkout/confirmation").into_response()
        }
        Err(e) => gateway_error(&ctx, &e),
    }
}
