//! `sightline runs import`: run results from another synthetics tool, a
//! benchmark or a test, loaded whole or not at all.
//!
//! Every row is parsed and checked before anything is written; then all runs
//! go in through one `insert_runs` call, which is one transaction. A file
//! with a bad row therefore changes nothing, and the error names the line
//! and the field. Run ids make re-imports idempotent: rows whose id is
//! already stored are counted as duplicates and skipped.

use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::path::Path;

use rand::SeedableRng;
use serde::Serialize;
use sha2::Digest;
use sightline_core::{ErrorClass, Outcome, Region, Run, RunId, StepResult};
use sightline_store::Store;

use crate::args::{Cli, RunsCommand, RunsFormat, RunsImportArgs};
use crate::exit::{Code, OK, Refused};
use crate::output;

/// The most bad rows listed in one refusal; the count says how many more.
const MAX_REPORTED: usize = 20;

/// Files smaller than this import without a progress bar.
const PROGRESS_MIN_BYTES: u64 = 1 << 20;

/// What `runs import --json` prints.
#[derive(Serialize)]
struct ImportReport {
    file: String,
    format: &'static str,
    rows: usize,
    steps: usize,
    inserted: usize,
    duplicates: usize,
}

/// Runs one `runs` subcommand.
pub fn run(cli: &Cli, cmd: &RunsCommand) -> anyhow::Result<Code> {
    match cmd {
        RunsCommand::Import(args) => import(cli, args),
        RunsCommand::Show(args) => super::runs_show::run(cli, args),
    }
}

/// Parses an instant given as RFC 3339 or as Unix epoch milliseconds.
pub(crate) fn parse_time(text: &str) -> Result<i64, String> {
    let t = text.trim();
    if let Ok(ms) = t.parse::<i64>() {
        return Ok(ms);
    }
    chrono::DateTime::parse_from_rfc3339(t)
        .map(|d| d.timestamp_millis())
        .map_err(|e| format!("{t:?} is neither RFC 3339 nor epoch milliseconds ({e})"))
}

/// One bad row: where, which field, why.
struct BadRow {
    line: u64,
    field: String,
    message: String,
}

/// A row read from either format before it becomes a [`Run`].
#[derive(Default)]
struct RawRow {
    run_id: Option<String>,
    journey: String,
    region: String,
    started_at: String,
    duration_ms: String,
    outcome: String,
    error_class: Option<String>,
    steps: Vec<RawStep>,
}

#[derive(Default)]
struct RawStep {
    name: String,
    kind: Option<String>,
    duration_ms: String,
    outcome: String,
    error_class: Option<String>,
}

/// Turns text fields into a run, or names the first bad field.
/// Step fields are named `steps[i].FIELD`.
fn build_run(row: RawRow, rng: &mut rand::rngs::StdRng) -> Result<Run, (String, String)> {
    fn nonempty(field: &str, v: &str) -> Result<String, (String, String)> {
        let v = v.trim();
        if v.is_empty() {
            Err((field.to_owned(), "required".to_owned()))
        } else {
            Ok(v.to_owned())
        }
    }
    fn duration(field: &str, v: &str) -> Result<i64, (String, String)> {
        match v.trim().parse::<i64>() {
            Ok(d) if d >= 0 => Ok(d),
            Ok(d) => Err((field.to_owned(), format!("{d} is negative"))),
            Err(_) => Err((
                field.to_owned(),
                format!("{v:?} is not a whole number of milliseconds"),
            )),
        }
    }
    fn parse_outcome(field: &str, v: &str) -> Result<Outcome, (String, String)> {
        v.trim().parse::<Outcome>().map_err(|_| {
            (
                field.to_owned(),
                format!("{v:?} is not one of pass, fail, error"),
            )
        })
    }
    fn class(field: &str, v: Option<&str>) -> Result<Option<ErrorClass>, (String, String)> {
        match v.map(str::trim).filter(|v| !v.is_empty()) {
            None => Ok(None),
            Some(v) => v.parse::<ErrorClass>().map(Some).map_err(|e| {
                let msg = e.to_string();
                // CoreError prefixes the field; keep only the reason.
                let msg = msg.strip_prefix("error_class: ").unwrap_or(&msg).to_owned();
                (field.to_owned(), msg)
            }),
        }
    }
    let journey = nonempty("journey", &row.journey)?;
    let region = nonempty("region", &row.region)?;
    let started_at_ms = parse_time(&row.started_at).map_err(|m| ("started_at".to_owned(), m))?;
    let duration_ms = duration("duration_ms", &row.duration_ms)?;
    let outcome = parse_outcome("outcome", &row.outcome)?;
    let error_class = class("error_class", row.error_class.as_deref())?;
    let id = match row
        .run_id
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        Some(text) => RunId::parse(text).map_err(|e| {
            let msg = e.to_string();
            ("run_id".to_owned(), msg)
        })?,
        None => RunId::new(started_at_ms, rng),
    };
    let mut steps = Vec::with_capacity(row.steps.len());
    let mut step_start = started_at_ms;
    for (i, s) in row.steps.into_iter().enumerate() {
        let p = |f: &str| format!("steps[{i}].{f}");
        let d = duration(&p("duration_ms"), &s.duration_ms)?;
        steps.push(StepResult {
            index: u32::try_from(i).unwrap_or(u32::MAX),
            name: nonempty(&p("name"), &s.name)?,
            kind: s.kind.unwrap_or_else(|| "imported".to_owned()),
            // Steps are taken to run back to back from the run's start.
            started_at_ms: step_start,
            duration_ms: d,
            outcome: parse_outcome(&p("outcome"), &s.outcome)?,
            error_class: class(&p("error_class"), s.error_class.as_deref())?,
            error_message: None,
        });
        step_start += d;
    }
    Ok(Run {
        id,
        journey,
        journey_version: "imported".to_owned(),
        region: Region::new(region),
        runner_id: "import".to_owned(),
        attempt: 1,
        is_final_attempt: true,
        retry_of: None,
        started_at_ms,
        duration_ms,
        outcome,
        error_class,
        error_message: None,
        trace_id: None,
        release_id: None,
        simulated: false,
        steps,
    })
}

/// The rng for generated run ids, seeded from the file's SHA-256 so that
/// importing the same file twice gives the same ids (and stores nothing new).
fn rng_for(bytes: &[u8]) -> rand::rngs::StdRng {
    let digest = sha2::Sha256::digest(bytes);
    let mut seed = [0u8; 32];
    seed.copy_from_slice(&digest);
    rand::rngs::StdRng::from_seed(seed)
}

fn import(cli: &Cli, args: &RunsImportArgs) -> anyhow::Result<Code> {
    let format = match args.format {
        Some(f) => f,
        None => format_from_extension(&args.file)?,
    };
    if args.steps.is_some() && format != RunsFormat::Csv {
        return Err(Refused(
            "--steps is for CSV; in JSON Lines put a `steps` array on each run".into(),
        )
        .into());
    }
    let bytes =
        std::fs::read(&args.file).map_err(|e| Refused(format!("{}: {e}", args.file.display())))?;
    let file = args.file.display().to_string();
    let mut rng = rng_for(&bytes);
    let bar = output::progress(cli, bytes.len() as u64, "reading");
    if (bytes.len() as u64) < PROGRESS_MIN_BYTES {
        bar.set_draw_target(indicatif::ProgressDrawTarget::hidden());
    }
    let (rows, mut bad) = match format {
        RunsFormat::Csv => read_csv(&file, &bytes, &bar)?,
        RunsFormat::Jsonl => read_jsonl(&bytes, &bar),
    };
    bar.finish_and_clear();
    let mut runs = Vec::with_capacity(rows.len());
    for (line, row) in rows {
        match build_run(row, &mut rng) {
            Ok(r) => runs.push((line, r)),
            Err((field, message)) => bad.push(BadRow {
                line,
                field,
                message,
            }),
        }
    }
    // The same id twice in one file is a mistake, not a re-send: the store
    // would silently keep the first.
    let mut first_line: HashMap<RunId, u64> = HashMap::with_capacity(runs.len());
    for (line, run) in &runs {
        if let Some(first) = first_line.insert(run.id, *line) {
            first_line.insert(run.id, first);
            bad.push(BadRow {
                line: *line,
                field: "run_id".into(),
                message: format!("{} repeats the run on line {first}", run.id),
            });
        }
    }
    if let Some(steps_file) = &args.steps {
        attach_csv_steps(steps_file, &mut runs, &mut bad)?;
    }
    if !bad.is_empty() {
        bad.sort_by_key(|b| b.line);
        return Err(refusal(&file, &bad).into());
    }
    let runs: Vec<Run> = runs.into_iter().map(|(_, r)| r).collect();
    let steps: usize = runs.iter().map(|r| r.steps.len()).sum();
    let mut store = Store::open(cli.db_path())?;
    let spinner = output::spinner(cli, "storing");
    if runs.len() < 10_000 {
        spinner.set_draw_target(indicatif::ProgressDrawTarget::hidden());
    }
    // The clock is read here, in the CLI, for the received-at stamp only.
    let summary = store.insert_runs(&runs, now_ms())?;
    spinner.finish_and_clear();
    let report = ImportReport {
        file,
        format: match format {
            RunsFormat::Csv => "csv",
            RunsFormat::Jsonl => "jsonl",
        },
        rows: runs.len(),
        steps,
        inserted: summary.inserted,
        duplicates: summary.duplicates,
    };
    if cli.json {
        output::json(&report)?;
    } else {
        println!(
            "{}: {} runs read ({} steps); {} stored, {} already stored",
            report.file, report.rows, report.steps, report.inserted, report.duplicates
        );
    }
    Ok(Code(OK))
}

/// Now, Unix ms. Only the CLI reads the clock.
pub(crate) fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

fn format_from_extension(path: &Path) -> anyhow::Result<RunsFormat> {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    match ext.as_deref() {
        Some("csv") => Ok(RunsFormat::Csv),
        Some("jsonl" | "ndjson") => Ok(RunsFormat::Jsonl),
        Some("parquet") => Err(Refused(format!(
            "{}: Parquet is not supported yet; convert to CSV or JSON Lines",
            path.display()
        ))
        .into()),
        _ => Err(Refused(format!(
            "{}: cannot tell the format from the extension; pass --format csv|jsonl",
            path.display()
        ))
        .into()),
    }
}

fn refusal(file: &str, bad: &[BadRow]) -> Refused {
    let mut lines: Vec<String> = bad
        .iter()
        .take(MAX_REPORTED)
        .map(|b| format!("{file}:{}: {}: {}", b.line, b.field, b.message))
        .collect();
    if bad.len() > MAX_REPORTED {
        lines.push(format!(
            "... and {} more bad rows",
            bad.len() - MAX_REPORTED
        ));
    }
    lines.push(format!(
        "{} bad row{}; nothing was imported",
        bad.len(),
        if bad.len() == 1 { "" } else { "s" }
    ));
    Refused(lines.join("\n"))
}

type Rows = Vec<(u64, RawRow)>;

/// Column positions of a CSV header, by name.
struct Header(HashMap<String, usize>);

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

fn csv_reader(bytes: &[u8]) -> csv::Reader<&[u8]> {
    csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(false)
        .trim(csv::Trim::All)
        .from_reader(bytes)
}

fn read_csv(
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

fn csv_error_message(e: &csv::Error) -> String {
    match e.kind() {
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => format!("{len} fields where the header has {expected_len}"),
        csv::ErrorKind::Utf8 { .. } => "not valid UTF-8".into(),
        _ => e.to_string(),
    }
}

/// Joins a CSV of step rows onto the runs by `run_id`, keeping file order.
fn attach_csv_steps(
    path: &Path,
    runs: &mut [(u64, Run)],
    bad: &mut Vec<BadRow>,
) -> anyhow::Result<()> {
    let file = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|e| Refused(format!("{file}: {e}")))?;
    let mut reader = csv_reader(&bytes);
    let header = Header::new(
        reader
            .headers()
            .map_err(|e| Refused(format!("{file}:1: header: {e}")))?,
    );
    header.require(&file, &["run_id", "name", "duration_ms", "outcome"])?;
    let by_id: HashMap<RunId, usize> = runs
        .iter()
        .enumerate()
        .map(|(i, (_, r))| (r.id, i))
        .collect();
    let mut pending: Vec<Vec<(u64, RawStep)>> = (0..runs.len()).map(|_| Vec::new()).collect();
    let mut step_bad = Vec::new();
    for result in reader.records() {
        let record = match result {
            Ok(r) => r,
            Err(e) => {
                step_bad.push(BadRow {
                    line: e.position().map_or(0, |p| p.line()),
                    field: "row".into(),
                    message: csv_error_message(&e),
                });
                continue;
            }
        };
        let line = record.position().map_or(0, |p| p.line());
        let get = |c: &str| header.get(&record, c).unwrap_or("").to_owned();
        let id_text = get("run_id");
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
        pending[i].push((
            line,
            RawStep {
                name: get("name"),
                kind: header
                    .get(&record, "kind")
                    .map(str::to_owned)
                    .filter(|k| !k.is_empty()),
                duration_ms: get("duration_ms"),
                outcome: get("outcome"),
                error_class: header.get(&record, "error_class").map(str::to_owned),
            },
        ));
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
fn read_jsonl(bytes: &[u8], bar: &indicatif::ProgressBar) -> (Rows, Vec<BadRow>) {
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
fn json_row<T: serde::de::DeserializeOwned>(line: &str) -> Result<T, (String, String)> {
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
