//! The question box's tests: real SQLite stores loaded from the recorded
//! incidents, and a scripted OpenAI-compatible server on loopback for the
//! model path.

mod bindings;
mod builtin;
mod link;
mod model;
mod scripted;

use std::path::{Path, PathBuf};

use sightline_ask::catalog::journey_files;
use sightline_ask::{Context, JourneyInfo};
use sightline_store::Store;

/// The repository's root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The journeys the incidents' SLOs measure, with their tags.
pub fn journeys() -> Vec<JourneyInfo> {
    let mut j = journey_files(&root().join("datasets/incidents/journeys"));
    j.extend(journey_files(&root().join("journeys")));
    j
}

/// A database at `dir` holding the recorded incident `name`, and the
/// context to ask in it at the moment its recording ended.
pub fn incident(name: &str, dir: &Path) -> Context {
    let inc = sightline_demo::incident_files::load(&root().join("datasets/incidents").join(name))
        .unwrap();
    let db = dir.join("incident.db");
    let mut store = Store::open(&db).unwrap();
    let runs = inc.store_telemetry(&mut store).unwrap();
    store.insert_runs(&runs, 0).unwrap();
    let at_ms = runs.last().unwrap().started_at_ms + 1;
    let slos_path = root().join("datasets/incidents/slos.yaml");
    let text = std::fs::read_to_string(&slos_path).unwrap();
    Context {
        db,
        journeys_dir: root().join("journeys"),
        slos: sightline_api::slo::parse_slo_file(&slos_path, &text).unwrap(),
        journeys: journeys(),
        at_ms,
        tz: chrono_tz::Tz::UTC,
    }
}
