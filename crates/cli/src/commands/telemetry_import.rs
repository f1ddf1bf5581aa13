//! `sightline telemetry import`: OTLP JSON Lines files (the Collector's file
//! exporter output) into the database, streamed line by line.
//!
//! Each file is one transaction. A bad line is reported by number; the file
//! is then imported not at all, unless `--skip-bad` keeps its good lines.
//! Nothing already stored is touched either way.

use serde::Serialize;
use sightline_store::telemetry_write::write_batch;
use sightline_store::{Store, TelemetryBatch};
use sightline_telemetry::otlp::jsonl::{BadLine, Decoded, for_each_line};

use crate::args::{Cli, TelemetryImportArgs};
use crate::exit::{Code, OK, PROBLEM, Refused};
use crate::output;

/// What one file gave.
#[derive(Debug, Serialize)]
struct FileReport {
    file: String,
    imported: bool,
    lines: usize,
    spans: usize,
    logs: usize,
    metric_points: usize,
    stored: usize,
    duplicates: usize,
    bad_lines: Vec<BadLine>,
}

/// Bad lines listed in full, at most.
const SHOWN_BAD: usize = 10;

fn import_one(
    store: &mut Store,
    path: &std::path::Path,
    skip_bad: bool,
    now_ms: i64,
) -> anyhow::Result<FileReport> {
    let file = path.display().to_string();
    if !path.is_file() {
        return Err(Refused(format!("{file}: no such file")).into());
    }
    let db = store.path().to_owned();
    let tx = store.conn_mut().transaction()?;
    let mut r = FileReport {
        file: file.clone(),
        imported: false,
        lines: 0,
        spans: 0,
        logs: 0,
        metric_points: 0,
        stored: 0,
        duplicates: 0,
        bad_lines: Vec::new(),
    };
    let bad = for_each_line(path, |line, d| {
        r.lines = line;
        let batch = match d {
            Decoded::Spans(v) => {
                r.spans += v.len();
                TelemetryBatch::Spans(v)
            }
            Decoded::Logs(v) => {
                r.logs += v.len();
                TelemetryBatch::Logs(v)
            }
            Decoded::Metrics(v) => {
                r.metric_points += v.len();
                TelemetryBatch::Metrics(v)
            }
        };
        let w = write_batch(&tx, &batch, now_ms).map_err(|e| format!("{}: {e}", db.display()))?;
        r.stored += w.stored;
        r.duplicates += w.duplicates;
        Ok(())
    })
    .map_err(|e| Refused(format!("{file}: {e}")))?;
    r.lines = r.lines.max(bad.iter().map(|b| b.line).max().unwrap_or(0));
    r.bad_lines = bad;
    if r.bad_lines.is_empty() || skip_bad {
        tx.commit()?;
        r.imported = true;
    } else {
        // Dropping the transaction rolls back everything from this file.
        drop(tx);
        r.stored = 0;
        r.duplicates = 0;
    }
    Ok(r)
}

/// Runs `sightline telemetry import`.
pub fn run(cli: &Cli, args: &TelemetryImportArgs) -> anyhow::Result<Code> {
    let mut store = Store::open(cli.db_path())?;
    let now = super::runs::now_ms();
    let mut reports = Vec::new();
    for f in &args.files {
        let r = import_one(&mut store, f, args.skip_bad, now)?;
        if !cli.json {
            if r.imported {
                println!(
                    "{}: {} spans, {} log records, {} metric points read; {} stored, {} already there{}",
                    r.file,
                    r.spans,
                    r.logs,
                    r.metric_points,
                    r.stored,
                    r.duplicates,
                    if r.bad_lines.is_empty() {
                        String::new()
                    } else {
                        format!("; {} bad line(s) skipped", r.bad_lines.len())
                    }
                );
            } else {
                println!(
                    "{}: not imported: {} bad line(s) (give --skip-bad to import the good ones)",
                    r.file,
                    r.bad_lines.len()
                );
            }
            for b in r.bad_lines.iter().take(SHOWN_BAD) {
                eprintln!("{}: line {}: {}", r.file, b.line, b.message);
            }
            if r.bad_lines.len() > SHOWN_BAD {
                eprintln!("{}: ... and {} more", r.file, r.bad_lines.len() - SHOWN_BAD);
            }
        }
        reports.push(r);
    }
    let any_bad = reports.iter().any(|r| !r.bad_lines.is_empty());
    if cli.json {
        output::json(&serde_json::json!({ "files": reports }))?;
    }
    Ok(Code(if any_bad { PROBLEM } else { OK }))
}
