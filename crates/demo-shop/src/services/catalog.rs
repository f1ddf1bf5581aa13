//! catalog: products, product pages and search.

use std::sync::Arc;

use axum::extract::{Path, Query};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde::Deserialize;

use super::{ServiceCtx, json_error};
use crate::store::catalogue;

#[derive(Deserialize)]
struct SearchQuery {
    #[serde(default)]
    q: String,
}

pub(super) fn routes() -> Router<Arc<ServiceCtx>> {
    Router::new()
        .route("/products", get(|| async { Json(catalogue()) }))
        .route("/products/{sku}", get(product))
        .route("/search", get(search))
}

async fn product(Path(sku): Path<String>) -> Response {
    match catalogue()
        .into_iter()
        .find(|p| p.sku.eq_ignore_ascii_case(&sku))
    {
        Some(p) => Json(p).into_response(),
        None => json_error(StatusCode::NOT_FOUND, format!("no product {sku}")),
    }
}

async fn search(Query(q): Query<SearchQuery>) -> Response {
    let needle = q.q.trim().to_lowercase();
    let hits: Vec<_> = catalogue()
        .into_iter()
        .filter(|p| {
            needle.is_empty()
                || p.name.to_lowercase().contains(&needle)
                || p.description.to_lowercase().contains(&needle)
                || p.sku.to_lowercase().contains(&needle)
        })
        .collect();
    Json(hits).into_response()
}
