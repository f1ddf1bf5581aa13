//! Reading one recorded incident (`sightline eval record`'s output) into
//! memory: run results, OTLP telemetry and deploy events. The labels file is
//! read separately, by the scorer only.

use std::io::BufRead;
use std::path::Path;

use sightline_core::{Event, LogRecord, MetricPoint, Run, Span};
use sightline_telemetry::deploy::DeployRequest;
use sightline_telemetry::otlp::jsonl::{BadLine, Decoded, for_each_line, open};

use crate::DemoError;
use crate::incident::files;

fn refuse(msg: String) -> DemoError {
    DemoError::Setup(msg)
}

/// What a recorded incident holds.
#[derive(Debug, Default)]
pub struct Incident {
    /// Run results.
    pub runs: Vec<Run>,
    /// Spans.
    pub spans: Vec<Span>,
    /// Log records.
    pub logs: Vec<LogRecord>,
    /// Metric points.
    pub metrics: Vec<MetricPoint>,
    /// Deploy events.
    pub events: Vec<Event>,
}

impl Incident {
    /// Stores the spans, logs, metrics and deploy events in `store`, and
    /// returns the runs, oldest first, for the caller to store or replay.
    pub fn store_telemetry(
        self,
        store: &mut sightline_store::Store,
    ) -> Result<Vec<Run>, DemoError> {
        use sightline_store::TelemetryBatch;
        let batches = [
            TelemetryBatch::Spans(self.spans),
            TelemetryBatch::Logs(self.logs),
            TelemetryBatch::Metrics(self.metrics),
            TelemetryBatch::Events(self.events),
        ];
        store.insert_telemetry(&batches.iter().collect::<Vec<_>>(), 0)?;
        let mut runs = self.runs;
        runs.sort_by_key(|r| r.started_at_ms);
        Ok(runs)
    }
}

impl Incident {
    /// Plays the recording through the live SLO loop as `sightline serve`
    /// would have watched it: the telemetry is stored, then the runs one at
    /// a time in time order, ticking the SLOs of `project` every `tick_ms`
    /// (alerts fire and resolve, their attribution is stored, pages open
    /// incidents). Returns the changes, and the moment after the last run.
    pub fn replay_live(
        self,
        db: &Path,
        project: &Path,
        tick_ms: i64,
    ) -> Result<(Vec<sightline_api::slo::live::AlertChange>, i64), DemoError> {
        let mut store = sightline_store::Store::open(db)?;
        let runs = self.store_telemetry(&mut store)?;
        let (Some(first), Some(last)) = (runs.first(), runs.last()) else {
            return Err(refuse("the recording has no runs".into()));
        };
        let end = last.started_at_ms + 1;
        let mut live = sightline_api::slo::live::LiveSlos::start(db, project, first.started_at_ms)?;
        let mut changes = Vec::new();
        let mut next_tick = first.started_at_ms + tick_ms.max(1_000);
        for run in &runs {
            while run.started_at_ms >= next_tick {
                changes.extend(live.tick(&store, next_tick)?);
                next_tick += tick_ms.max(1_000);
            }
            store.insert_run(run, run.started_at_ms + run.duration_ms)?;
            live.apply(run);
        }
        changes.extend(live.tick(&store, end)?);
        Ok((changes, end))
    }
}

/// Whether `dir` looks like a recorded incident.
pub fn is_incident(dir: &Path) -> bool {
    dir.join(files::RUNS).is_file()
}

fn bad_lines(path: &Path, bad: &[BadLine]) -> Result<(), DemoError> {
    if let Some(b) = bad.first() {
        return Err(refuse(format!(
            "{}: line {}: {} ({} bad line(s) in all)",
            path.display(),
            b.line,
            b.message,
            bad.len()
        )));
    }
    Ok(())
}

/// Loads the incident in `dir`; any bad line is an error naming the file and line.
pub fn load(dir: &Path) -> Result<Incident, DemoError> {
    let mut inc = Incident::default();
    let runs_path = dir.join(files::RUNS);
    let reader = open(&runs_path).map_err(|e| refuse(format!("{}: {e}", runs_path.display())))?;
    for (i, line) in reader.lines().enumerate() {
        let line =
            line.map_err(|e| refuse(format!("{}: line {}: {e}", runs_path.display(), i + 1)))?;
        if line.trim().is_empty() {
            continue;
        }
        let run: Run = serde_json::from_str(&line)
            .map_err(|e| refuse(format!("{}: line {}: {e}", runs_path.display(), i + 1)))?;
        inc.runs.push(run);
    }
    for name in [files::TRACES, files::LOGS, files::METRICS] {
        let path = dir.join(name);
        if !path.exists() {
            continue;
        }
        let bad = for_each_line(&path, |_, d| {
            match d {
                Decoded::Spans(v) => inc.spans.extend(v),
                Decoded::Logs(v) => inc.logs.extend(v),
                Decoded::Metrics(v) => inc.metrics.extend(v),
            }
            Ok(())
        })
        .map_err(|e| refuse(format!("{}: {e}", path.display())))?;
        bad_lines(&path, &bad)?;
    }
    let deploys = dir.join(files::DEPLOYS);
    if deploys.exists() {
        let text = std::fs::read_to_string(&deploys)
            .map_err(|e| refuse(format!("{}: {e}", deploys.display())))?;
        let origin = deploys.display().to_string();
        for (i, line) in text
            .lines()
            .enumerate()
            .filter(|(_, l)| !l.trim().is_empty())
        {
            let req: DeployRequest = serde_json::from_str(line)
                .map_err(|e| refuse(format!("{origin}: line {}: {e}", i + 1)))?;
            let event = req
                .into_event(&origin, "demo-shop", 0)
                .map_err(|e| refuse(format!("{origin}: line {}: {e}", i + 1)))?;
            inc.events.push(event);
        }
    }
    Ok(inc)
}
