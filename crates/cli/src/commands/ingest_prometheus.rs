//! `sightline ingest prometheus FILE`: a scraped exposition, stored whole or
//! not at all. A bad line is named (`FILE:LINE: field: why`) and nothing is
//! written.

use std::path::Path;

use serde::Serialize;
use sightline_store::{Store, TelemetryBatch};
use sightline_telemetry::deploy::parse_time;
use sightline_telemetry::ingest::store_now;
use sightline_telemetry::prometheus::{ParseOptions, parse};

use crate::args::{Cli, IngestPrometheusArgs};
use crate::exit::{Code, OK, Refused};
use crate::output;

#[derive(Serialize)]
struct Report {
    file: String,
    service: String,
    points: usize,
    stored: usize,
    duplicates: usize,
}

fn file_time_ms(path: &Path) -> Option<i64> {
    let modified = std::fs::metadata(path).ok()?.modified().ok()?;
    let d = modified.duration_since(std::time::UNIX_EPOCH).ok()?;
    i64::try_from(d.as_millis()).ok()
}

/// Runs `ingest prometheus`.
pub fn run(cli: &Cli, args: &IngestPrometheusArgs) -> anyhow::Result<Code> {
    let file = args.file.display().to_string();
    let text = std::fs::read_to_string(&args.file).map_err(|e| Refused(format!("{file}: {e}")))?;
    let service = args.service.clone().unwrap_or_else(|| {
        args.file
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or("prometheus")
            .to_owned()
    });
    let at_ms = match &args.at {
        Some(t) => parse_time(t).map_err(|m| Refused(format!("--at: {m}")))?,
        None => file_time_ms(&args.file).unwrap_or_else(super::runs::now_ms),
    };
    let points = parse(
        &text,
        &ParseOptions {
            source_name: &file,
            service: &service,
            default_time_unix_nano: at_ms.saturating_mul(1_000_000),
        },
    )?;
    let n = points.len();
    let mut store = Store::open(cli.db_path())?;
    let w = store_now(&mut store, &TelemetryBatch::Metrics(points))?;
    let report = Report {
        file,
        service,
        points: n,
        stored: w.stored,
        duplicates: w.duplicates,
    };
    if cli.json {
        output::json(&report)?;
    } else {
        println!(
            "{}: {} points read, {} stored (service {})",
            report.file, report.points, report.stored, report.service
        );
    }
    Ok(Code(OK))
}
