//! `sightline ingest k8s-events FILE`: `kubectl get events -o json` output,
//! stored whole or not at all. Re-importing the same file stores nothing new
//! (event ids come from the object's uid, reason, count and time).

use serde::Serialize;
use sightline_store::{Store, TelemetryBatch};
use sightline_telemetry::ingest::store_now;
use sightline_telemetry::k8s::events::parse_event_list;

use crate::args::{Cli, IngestK8sEventsArgs};
use crate::exit::{Code, OK, Refused};
use crate::output;

#[derive(Serialize)]
struct Report {
    file: String,
    events: usize,
    warnings: usize,
    stored: usize,
    duplicates: usize,
}

/// Runs `ingest k8s-events`.
pub fn run(cli: &Cli, args: &IngestK8sEventsArgs) -> anyhow::Result<Code> {
    let file = args.file.display().to_string();
    let bytes = std::fs::read(&args.file).map_err(|e| Refused(format!("{file}: {e}")))?;
    let events = parse_event_list(&bytes, &file)?;
    let warnings = events
        .iter()
        .filter(|e| matches!(&e.kind, sightline_core::EventKind::Kubernetes(k) if k.event_type == "Warning"))
        .count();
    let n = events.len();
    let mut store = Store::open(cli.db_path())?;
    let w = store_now(&mut store, &TelemetryBatch::Events(events))?;
    let report = Report {
        file,
        events: n,
        warnings,
        stored: w.stored,
        duplicates: w.duplicates,
    };
    if cli.json {
        output::json(&report)?;
    } else {
        println!(
            "{}: {} events read ({} warnings); {} stored, {} already stored",
            report.file, report.events, report.warnings, report.stored, report.duplicates
        );
    }
    Ok(Code(OK))
}
