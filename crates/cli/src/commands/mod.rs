//! One module per top-level command.

pub mod db;
pub mod event_deploy;
pub mod ingest_k8s_events;
pub mod ingest_prometheus;
pub mod journey;
pub mod replay;
pub mod runs;
pub mod runs_show;
pub mod slo;
