//! Reading run files into raw rows: CSV (with an optional steps file) and
//! JSON Lines, each row kept with its line number so errors can name it.
//! `runs.rs` turns the rows into runs and stores them.

use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::path::Path;

use rand::SeedableRng;
use sightline_core::{Run, RunId};

use super::runs::build_run;
use crate::exit::Refused;

/// One bad row: where, which field, why.
pub(super) struct BadRow {
    pub(super) line: u64,
    pub(super) field: String,
    pub(super) message: String,
}

/// A row read from either format before it becomes a [`Run`].
#[derive(Default)]
pub(super) struct RawRow {
    pub(super) run_id: Option<String>,
    pub(super) journey: String,
    pub(super) region: String,
    pub(super) started_at: String,
    pub(super) duration_ms: String,
    pub(super) outcome: String,
    pub(super) error_class: Option<String>,
    pub(super) steps: Vec<RawStep>,
}

#[derive(Default)]
pub(super) struct RawStep {
    pub(super) name: String,
    pub(super) kind: Option<String>,
    pub(super) duration_ms: String,
    pub(super) outcome: String,
    pub(super) error_class: Option<String>,
}

pub(super) type Rows = Vec<(u64, RawRow)>;

/// Column positions of a CSV header, by name.
pub(super) struct Header(HashMap<String, usize>);

impl Header {
    fn new(record: &csv::StringRecord) -> Self {
        Header(
            record
                .iter()
                .enumerate()
                .map(|(i, h)| (h.trim().to_ascii_lowercase(), i))
                .collect(),
        )
    }

    fn get<'r>(&self, rec: &'r csv::StringRecord, col: &str) -> Option<&'r str> {
        self.0.get(col).and_then(|&i| rec.get(i))
    }

    fn require(&self, file: &str, cols: &[&str]) -> Result<(), Refused> {
        let missing: Vec<&str> = cols
            .iter()
            .copied()
            .filter(|c| !self.0.contains_key(*c))
            .collect();
        if missing.is_empty() {
            Ok(())
        } else {
            Err(Refused(format!(
                "{file}:1: header: missing column{} {}",
                if missing.len() == 1 { "" } else { "s" },
                missing.join(", ")
            )))
        }
    }
}

pub(super) fn csv_reader(bytes: &[u8]) -> csv::Reader<&[u8]> {
    csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(false)
        .trim(csv::Trim::All)
        .from_reader(bytes)
}

pub(super) fn read_csv(
    file: &str,
    bytes: &[u8],
    bar: &indicatif::ProgressBar,
) -> anyhow::Result<(Rows, Vec<BadRow>)> {
    let mut reader = csv_reader(bytes);
    let header = Header::new(
        reader
            .headers()
            .map_err(|e| Refused(format!("{file}:1: header: {e}")))?,
    );
    header.require(
        file,
        &["journey", "region", "started_at", "duration_ms", "outcome"],
    )?;
    let mut rows = Vec::new();
    let mut bad = Vec::new();
    let mut record = csv::StringRecord::new();
    loop {
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {
                let line = record.position().map_or(0, |p| p.line());
                bar.set_position(record.position().map_or(0, |p| p.byte()));
                let get = |c: &str| header.get(&record, c).unwrap_or("").to_owned();
                rows.push((
                    line,
                    RawRow {
                        run_id: header.get(&record, "run_id").map(str::to_owned),
                        journey: get("journey"),
                        region: get("region"),
                        started_at: get("started_at"),
                        duration_ms: get("duration_ms"),
                        outcome: get("outcome"),
                        error_class: header.get(&record, "error_class").map(str::to_owned),
                        steps: Vec::new(),
                    },
                ));
            }
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line());
                bad.push(BadRow {
                    line,
                    field: "row".into(),
                    message: csv_error_message(&e),
                });
                if !matches!(
                    e.kind(),
                    csv::ErrorKind::UnequalLengths { .. } | csv::ErrorKind::Utf8 { .. }
                ) {
                    break;
                }
            }
        }
    }
    Ok((rows, bad))
}

pub(super) fn csv_error_message(e: &csv::Error) -> String {
    match e.kind() {
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => format!("{len} fields where the header has {expected_len}"),
        csv::ErrorKind::Utf8 { .. } => "not valid UTF-8".into(),
        _ => e.to_string(),
    }
}

/// One step row of a steps file, before it is joined to its run.
pub(super) struct StepRow {
    pub(super) line: u64,
    pub(super) run_id: String,
    pub(super) step: RawStep,
}

/// Reads a CSV of step rows, in file order; unreadable records are bad rows.
fn read_csv_steps(file: &str, bytes: &[u8]) -> anyhow::Result<(Vec<StepRow>, Vec<BadRow>)> {
    let mut reader = csv_reader(bytes);
    let header = Header::new(
        reader
            .headers()
            .map_err(|e| Refused(format!("{file}:1: header: {e}")))?,
    );
    header.require(file, &["run_id", "name", "duration_ms", "outcome"])?;
    let mut rows = Vec::new();
    let mut bad = Vec::new();
    for result in reader.records() {
        let record = match result {
            Ok(r) => r,
            Err(e) => {
                bad.push(BadRow {
                    line: e.position().map_or(0, |p| p.line()),
                    field: "row".into(),
                    message: csv_error_message(&e),
                });
                continue;
            }
        };
        let get = |c: &str| header.get(&record, c).unwrap_or("").to_owned();
        rows.push(StepRow {
            line: record.position().map_or(0, |p| p.line()),
            run_id: get("run_id"),
            step: RawStep {
                name: get("name"),
                kind: header
                    .get(&record, "kind")
                    .map(str::to_owned)
                    .filter(|k| !k.is_empty()),
                duration_ms: get("duration_ms"),
                outcome: get("outcome"),
                error_class: header.get(&record, "error_class").map(str::to_owned),
            },
        });
    }
    Ok((rows, bad))
}

/// Joins a steps file (CSV, or Parquet by its extension) onto the runs by
/// `run_id`, keeping file order.
pub(super) fn attach_steps(
    path: &Path,
    runs: &mut [(u64, Run)],
    bad: &mut Vec<BadRow>,
) -> anyhow::Result<()> {
    let file = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|e| Refused(format!("{file}: {e}")))?;
    let parquet = path
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("parquet"));
    let (rows, mut step_bad) = if parquet {
        (
            super::runs_parquet::read_parquet_steps(&file, &bytes)?,
            Vec::new(),
        )
    } else {
        read_csv_steps(&file, &bytes)?
    };
    let by_id: HashMap<RunId, usize> = runs
        .iter()
        .enumerate()
        .map(|(i, (_, r))| (r.id, i))
        .collect();
    let mut pending: Vec<Vec<(u64, RawStep)>> = (0..runs.len()).map(|_| Vec::new()).collect();
    for row in rows {
        let line = row.line;
        let id_text = row.run_id;
        let Ok(id) = RunId::parse(&id_text) else {
            step_bad.push(BadRow {
                line,
                field: "run_id".into(),
                message: format!("{id_text:?} is not a run id"),
            });
            continue;
        };
        let Some(&i) = by_id.get(&id) else {
            step_bad.push(BadRow {
                line,
                field: "run_id".into(),
                message: format!("{id} is not a run in the runs file"),
            });
            continue;
        };
        pending[i].push((line, row.step));
    }
    // Build steps through the same checks as JSONL steps, one run at a time.
    let mut rng = rand::rngs::StdRng::seed_from_u64(0);
    for (i, steps) in pending.into_iter().enumerate() {
        if steps.is_empty() {
            continue;
        }
        let lines: Vec<u64> = steps.iter().map(|(l, _)| *l).collect();
        let run = &runs[i].1;
        let raw = RawRow {
            run_id: Some(run.id.to_string()),
            journey: run.journey.clone(),
            region: run.region.as_str().to_owned(),
            started_at: run.started_at_ms.to_string(),
            duration_ms: run.duration_ms.to_string(),
            outcome: run.outcome.as_str().to_owned(),
            error_class: run.error_class.map(|c| c.as_str().to_owned()),
            steps: steps.into_iter().map(|(_, s)| s).collect(),
        };
        match build_run(raw, &mut rng) {
            Ok(built) => runs[i].1.steps = built.steps,
            Err((field, message)) => {
                // "steps[k].field" -> the k-th step row's own line and field.
                let (k, f) = field
                    .strip_prefix("steps[")
                    .and_then(|r| r.split_once("]."))
                    .and_then(|(k, f)| Some((k.parse::<usize>().ok()?, f.to_owned())))
                    .unwrap_or((0, field.clone()));
                step_bad.push(BadRow {
                    line: lines.get(k).copied().unwrap_or(0),
                    field: f,
                    message,
                });
            }
        }
    }
    for b in step_bad {
        bad.push(BadRow {
            field: format!("{file}: {}", b.field),
            ..b
        });
    }
    Ok(())
}

/// JSON Lines: one object per line, blank lines skipped.
pub(super) fn read_jsonl(bytes: &[u8], bar: &indicatif::ProgressBar) -> (Rows, Vec<BadRow>) {
    #[derive(serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    struct JsonStep {
        name: String,
        #[serde(default)]
        kind: Option<String>,
        duration_ms: serde_json::Value,
        outcome: String,
        #[serde(default)]
        error_class: Option<String>,
    }
    #[derive(serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    struct JsonRun {
        #[serde(default)]
        run_id: Option<String>,
        journey: String,
        region: String,
        started_at: serde_json::Value,
        duration_ms: serde_json::Value,
        outcome: String,
        #[serde(default)]
        error_class: Option<String>,
        #[serde(default)]
        steps: Vec<JsonStep>,
    }
    /// Numbers and strings both arrive as text for the shared checks.
    fn text(v: serde_json::Value) -> String {
        match v {
            serde_json::Value::String(s) => s,
            other => other.to_string(),
        }
    }
    let mut rows = Vec::new();
    let mut bad = Vec::new();
    let mut offset = 0u64;
    for (i, line) in BufReader::new(bytes).split(b'\n').enumerate() {
        let line_no = i as u64 + 1;
        let Ok(raw) = line else { break };
        offset += raw.len() as u64 + 1;
        if line_no.is_multiple_of(1024) {
            bar.set_position(offset);
        }
        let Ok(text_line) = std::str::from_utf8(&raw) else {
            bad.push(BadRow {
                line: line_no,
                field: "row".into(),
                message: "not valid UTF-8".into(),
            });
            continue;
        };
        if text_line.trim().is_empty() {
            continue;
        }
        match json_row::<JsonRun>(text_line) {
            Ok(r) => {
                rows.push((
                    line_no,
                    RawRow {
                        run_id: r.run_id,
                        journey: r.journey,
                        region: r.region,
                        started_at: text(r.started_at),
                        duration_ms: text(r.duration_ms),
                        outcome: r.outcome,
                        error_class: r.error_class,
                        steps: r
                            .steps
                            .into_iter()
                            .map(|s| RawStep {
                                name: s.name,
                                kind: s.kind,
                                duration_ms: text(s.duration_ms),
                                outcome: s.outcome,
                                error_class: s.error_class,
                            })
                            .collect(),
                    },
                ));
            }
            Err((field, message)) => bad.push(BadRow {
                line: line_no,
                field,
                message,
            }),
        }
    }
    (rows, bad)
}

/// Deserialises one JSON line, naming the field on error (`row` for a
/// line that is not a JSON object).
pub(super) fn json_row<T: serde::de::DeserializeOwned>(line: &str) -> Result<T, (String, String)> {
    let value: serde_json::Value = serde_json::from_str(line)
        .map_err(|e| ("row".to_owned(), format!("not valid JSON: {e}")))?;
    if !value.is_object() {
        return Err(("row".to_owned(), "not a JSON object".to_owned()));
    }
    serde_path_to_error::deserialize(value).map_err(|e| {
        let path = e.path().to_string();
        let message = e.into_inner().to_string();
        // serde reports missing and unknown fields at the enclosing object;
        // lift the field's name into the path so the user sees it first.
        let prefix = if path == "." {
            String::new()
        } else {
            format!("{path}.")
        };
        for (kind, reason) in [
            ("missing field `", "required"),
            ("unknown field `", "unknown field"),
        ] {
            if let Some(rest) = message.strip_prefix(kind)
                && let Some((name, _)) = rest.split_once('`')
            {
                return (format!("{prefix}{name}"), reason.to_owned());
            }
        }
        (if path == "." { "row".to_owned() } else { path }, message)
    })
}
