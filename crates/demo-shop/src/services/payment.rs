//! payment: charges a card. The service the default demo scenario breaks.

use std::sync::Arc;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::json;

use super::{ServiceCtx, json_error};
use crate::store::lock;

#[derive(Deserialize)]
struct ChargeRequest {
    user: String,
    amount_cents: u64,
}

pub(super) fn routes() -> Router<Arc<ServiceCtx>> {
    Router::new().route("/charges", post(charge))
}

async fn charge(State(ctx): State<Arc<ServiceCtx>>, Json(req): Json<ChargeRequest>) -> Response {
    if req.amount_cents == 0 {
        return json_error(StatusCode::BAD_REQUEST, "nothing to charge");
    }
    let mut charges = lock(&ctx.data.charges);
    let id = format!(
        "ch_{}_{:05}",
        ctx.region.replace('-', ""),
        charges.len() + 1
    );
    charges.push(id.clone());
    let body = json!({"charge_id": id, "status": "captured", "user": req.user, "amount_cents": req.amount_cents});
    (StatusCode::CREATED, Json(body)).into_response()
}
