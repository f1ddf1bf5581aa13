//! One module per top-level command.

pub mod ask;
pub mod attribute;
pub mod db;
pub mod demo;
pub mod desktop;
pub mod discover;
pub mod document;
pub mod eval;
pub mod event_deploy;
pub mod gate;
pub mod incident;
pub mod ingest_k8s_events;
pub mod ingest_prometheus;
pub mod journey;
pub mod notify;
pub mod policy;
pub mod record;
pub mod replay;
pub mod run;
pub mod runs;
mod runs_parquet;
mod runs_read;
pub mod runs_show;
pub mod serve;
pub mod serve_action;
pub mod slo;
pub mod telemetry_import;
