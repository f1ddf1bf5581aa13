//! auth: passwords, the optional TOTP second factor, and session tokens.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::json;

use super::{ServiceCtx, json_error};
use crate::store::{DEMO_PASSWORD, USERS, User, lock};
use crate::trace::new_trace_id;

#[derive(Deserialize)]
struct LoginRequest {
    email: String,
    password: String,
    #[serde(default)]
    otp: Option<String>,
}

pub(super) fn routes() -> Router<Arc<ServiceCtx>> {
    Router::new()
        .route("/login", post(login))
        .route("/sessions/{token}", get(session).delete(logout))
}

async fn login(State(ctx): State<Arc<ServiceCtx>>, Json(req): Json<LoginRequest>) -> Response {
    let email = req.email.trim().to_ascii_lowercase();
    let Some((email, name, seed)) = USERS.iter().find(|(e, _, _)| *e == email) else {
        return json_error(StatusCode::UNAUTHORIZED, "unknown email or wrong password");
    };
    if req.password != DEMO_PASSWORD {
        return json_error(StatusCode::UNAUTHORIZED, "unknown email or wrong password");
    }
    if let Some(seed) = seed {
        let now_s = (crate::now_ms() / 1000) as u64;
        match req.otp.as_deref().filter(|o| !o.trim().is_empty()) {
            None => {
                return (
                    StatusCode::UNAUTHORIZED,
                    Json(json!({"error": "one-time code required", "otp_required": true})),
                )
                    .into_response();
            }
            Some(otp) if !sightline_core::totp::verify(seed, otp, now_s) => {
                return (
                    StatusCode::UNAUTHORIZED,
                    Json(json!({"error": "wrong one-time code", "otp_required": true})),
                )
                    .into_response();
            }
            Some(_) => {}
        }
    }
    let token = new_trace_id();
    let user = User {
        email: (*email).to_owned(),
        name: (*name).to_owned(),
    };
    lock(&ctx.data.sessions).insert(token.clone(), user.clone());
    Json(json!({"token": token, "email": user.email, "name": user.name})).into_response()
}

async fn session(State(ctx): State<Arc<ServiceCtx>>, Path(token): Path<String>) -> Response {
    match lock(&ctx.data.sessions).get(&token) {
        Some(user) => Json(user.clone()).into_response(),
        None => json_error(StatusCode::NOT_FOUND, "no such session"),
    }
}

async fn logout(State(ctx): State<Arc<ServiceCtx>>, Path(token): Path<String>) -> StatusCode {
    lock(&ctx.data.sessions).remove(&token);
    StatusCode::NO_CONTENT
}
