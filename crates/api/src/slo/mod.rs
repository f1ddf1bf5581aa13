//! SLOs for the app and the CLI: definitions read from the project's folder,
//! the engine fed from the store, the status in its stable shape, and the
//! chart series. The numbers are the pure engine's (`sightline-slo`), unchanged.

pub mod feed;
pub mod files;
pub mod live;
pub mod parquet;
pub mod series;
pub mod status;

pub use feed::{engine_at, named_steps, reach_ms, replay_alerts, sli_event, status_lookback};
pub use files::{KEPT_SUFFIX, LoadedSlo, journey_tags, load_slos, parse_slo_file, slo_files};

use std::path::Path;

use sightline_slo::{SloConfig, SloEngine};
use sightline_store::queries::sli::StepSelection;

use crate::ApiError;

/// The engine for `configs` at `at_ms` with every step read (for the per-step
/// breakdown) and the alert states replayed minute by minute, and the status
/// of each SLO in the stable shape: exactly what `sightline slo status`
/// computes.
pub fn evaluate(
    db: &Path,
    journeys_dir: &Path,
    configs: Vec<SloConfig>,
    at_ms: i64,
) -> Result<(SloEngine, Vec<status::StatusJson>), ApiError> {
    let lookback = status_lookback(&configs);
    let mut engine = engine_at(
        db,
        journeys_dir,
        configs.clone(),
        at_ms,
        StepSelection::All,
        lookback,
    )?;
    replay_alerts(&mut engine, at_ms, lookback)?;
    let docs = configs
        .iter()
        .zip(engine.status(at_ms))
        .map(|(c, s)| status::status_json(c, &s, status::nominal_period(c)))
        .collect();
    Ok((engine, docs))
}
