//! Integration tests of the API surface, one module per source module, each
//! against real temp project folders and SQLite files (`fixture`).

mod app_info;
mod bindings;
mod discovery;
mod error;
mod fixture;
mod investigate;
mod journeys;
mod live;
mod live_slos;
mod overview;
mod record;
mod replay;
mod runs;
mod settings;
mod slo_editor;
mod slo_feed;
mod slo_parquet;
