//! SLOs for the app and the CLI: definitions read from the project's folder,
//! the engine fed from the store, and the status in its stable shape. The
//! numbers are the pure engine's (`sightline-slo`), unchanged.

pub mod feed;
pub mod files;
pub mod status;

pub use feed::{engine_at, named_steps, reach_ms, replay_alerts, sli_event, status_lookback};
pub use files::{KEPT_SUFFIX, LoadedSlo, journey_tags, load_slos, parse_slo_file, slo_files};
