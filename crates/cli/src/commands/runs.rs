//! `sightline runs import`: run results from another synthetics tool, a
//! benchmark or a test, loaded whole or not at all.
//!
//! Every row is parsed and checked before anything is written; then all runs
//! go in through one `insert_runs` call, which is one transaction. A file
//! with a bad row therefore changes nothing, and the error names the line
//! and the field. Run ids make re-imports idempotent: rows whose id is
//! already stored are counted as duplicates and skipped.

use std::collections::HashMap;
use std::path::Path;

use rand::SeedableRng;
use serde::Serialize;
use sha2::Digest;
use sightline_core::{ErrorClass, Outcome, Region, Run, RunId, StepResult};
use sightline_store::Store;

use crate::args::{Cli, RunsCommand, RunsFormat, RunsImportArgs};
use crate::exit::{Code, OK, Refused};
use crate::output;

use super::runs_parquet::read_parquet;
use super::runs_read::{BadRow, RawRow, attach_steps, read_csv, read_jsonl};

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

/// Turns text fields into a run, or names the first bad field.
/// Step fields are named `steps[i].FIELD`.
pub(super) fn build_run(
    row: RawRow,
    rng: &mut rand::rngs::StdRng,
) -> Result<Run, (String, String)> {
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
    if args.steps.is_some() && format == RunsFormat::Jsonl {
        return Err(Refused(
            "--steps is for CSV and Parquet; in JSON Lines put a `steps` array on each run".into(),
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
        RunsFormat::Parquet => read_parquet(&file, &bytes)?,
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
        attach_steps(steps_file, &mut runs, &mut bad)?;
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
            RunsFormat::Parquet => "parquet",
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
        Some("parquet") => Ok(RunsFormat::Parquet),
        _ => Err(Refused(format!(
            "{}: cannot tell the format from the extension; pass --format csv|jsonl|parquet",
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
