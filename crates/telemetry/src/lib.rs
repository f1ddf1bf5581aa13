//! Sightline's telemetry ingest: the backend signals that explain why a
//! journey's SLO moved.
//!
//! A failed or slow journey is the reliability signal; this crate brings in
//! what explains it, so attribution can point at a span, a log line, a metric
//! or a change. It receives and stores, locally:
//! - **OTLP** traces, logs and metrics over HTTP (protobuf and JSON, gzip or
//!   not) and gRPC, exactly as the OpenTelemetry SDKs and the Collector send
//!   them ([`otlp`]), with the spec's status codes, partial success and
//!   throttling;
//! - **Prometheus** text exposition, from files or scraped ([`prometheus`]);
//! - **Kubernetes events**, from `kubectl get events -o json` or watched
//!   through the API ([`k8s`]);
//! - **deploy events** from the CLI, any CD system, GitHub and Argo CD ([`deploy`]).
//!
//! Everything goes through one [`Ingest`] writer that owns batching into the
//! store, and answers only once data is committed.
//!
//! # Wiring it into `sightline serve`
//!
//! ```no_run
//! # async fn wire(store: sightline_store::Store) -> Result<(), sightline_telemetry::TelemetryError> {
//! use sightline_telemetry::{Ingest, IngestConfig, OtlpConfig, OtlpState};
//!
//! let config = OtlpConfig::default(); // 127.0.0.1:4318 (HTTP), 127.0.0.1:4317 (gRPC)
//! let ingest = Ingest::start(store, IngestConfig::default());
//! let state = OtlpState::new(ingest.clone(), config.clone());
//!
//! // HTTP: merge the OTLP and deploy-webhook routes with the app's own.
//! let app = axum::Router::new().merge(sightline_telemetry::http_router(state.clone()));
//! let http = tokio::net::TcpListener::bind(config.http_addr).await
//!     .map_err(|source| sightline_telemetry::TelemetryError::Bind { addr: config.http_addr.to_string(), source })?;
//! let grpc = tokio::net::TcpListener::bind(config.grpc_addr).await
//!     .map_err(|source| sightline_telemetry::TelemetryError::Bind { addr: config.grpc_addr.to_string(), source })?;
//! let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
//! let mut rx1 = stop_rx.clone();
//! let grpc_task = tokio::spawn(sightline_telemetry::serve_grpc(grpc, state, async move {
//!     let _ = rx1.wait_for(|s| *s).await;
//! }));
//! let mut rx2 = stop_rx;
//! axum::serve(http, app).with_graceful_shutdown(async move { let _ = rx2.wait_for(|s| *s).await; }).await
//!     .map_err(|source| sightline_telemetry::TelemetryError::Bind { addr: config.http_addr.to_string(), source })?;
//! let _ = stop_tx.send(true);
//! let _ = grpc_task.await;
//! ingest.shutdown(); // stores what is queued, then returns
//! # Ok(()) }
//! ```
//!
//! The main entry points:
//! - [`OtlpConfig`] (addresses, body limit, optional [`BearerToken`]) and
//!   [`IngestConfig`] (queue size, batch size, retry-after, retention);
//! - [`Ingest::start`]`(store, config) -> Ingest` and
//!   [`Ingest::submit`]`(batch).await -> Result<Written>`;
//! - [`http_router`]`(OtlpState) -> axum::Router` and [`serve_http`];
//! - [`serve_grpc`]`(listener, OtlpState, shutdown).await`;
//! - [`prometheus::scrape::scrape_once`] and [`prometheus::scrape::scrape_loop`];
//! - [`k8s::watch::watch`] over a [`k8s::kubeconfig::Kubeconfig`];
//! - [`waterfall::render`] for a trace's spans as text.

pub mod config;
pub mod deploy;
pub mod error;
pub mod ingest;
pub mod k8s;
pub mod otlp;
pub mod prometheus;
pub mod waterfall;

pub use config::{BearerToken, OtlpConfig};
pub use error::{Result, TelemetryError};
pub use ingest::{Ingest, IngestConfig, IngestStats};
pub use otlp::grpc::serve_grpc;
pub use otlp::http::{OtlpState, http_router, serve_http};
