//! `sightline runs show RUN_ID [--trace]`: one run, its steps, and with
//! `--trace` the backend spans its `traceparent` produced, as a waterfall.
//!
//! The run's trace id is what joins the synthetic journey to the backend:
//! the browser sent it on every request, the services' OTLP exporters sent
//! their spans under it, and the store keeps both.

use serde::Serialize;
use sightline_core::{Run, RunId, Span};
use sightline_store::{Store, queries};
use sightline_telemetry::waterfall::{self, Row};

use crate::args::{Cli, RunsShowArgs};
use crate::exit::{Code, OK, Refused};
use crate::output;

/// Width of the waterfall's time line.
const BAR_WIDTH: usize = 40;

#[derive(Serialize)]
struct ShowReport<'a> {
    run: &'a Run,
    /// Present with `--trace`: the spans in waterfall order, with depth.
    #[serde(skip_serializing_if = "Option::is_none")]
    trace: Option<TraceReport<'a>>,
}

#[derive(Serialize)]
struct TraceReport<'a> {
    trace_id: Option<&'a str>,
    spans: Vec<SpanRow<'a>>,
}

#[derive(Serialize)]
struct SpanRow<'a> {
    depth: usize,
    offset_nano: i64,
    #[serde(flatten)]
    span: &'a Span,
}

fn rfc3339(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .map(|d| d.to_rfc3339_opts(chrono::SecondsFormat::Millis, true))
        .unwrap_or_else(|| ms.to_string())
}

/// Runs `runs show`.
pub fn run(cli: &Cli, args: &RunsShowArgs) -> anyhow::Result<Code> {
    let id = RunId::parse(&args.run_id).map_err(|e| Refused(e.to_string()))?;
    let store = Store::open_read_only(cli.db_path())?;
    let run = store
        .run(id)?
        .ok_or_else(|| Refused(format!("run_id: no run {id} in {}", store.path().display())))?;
    let spans = match (&run.trace_id, args.trace) {
        (Some(t), true) => queries::spans::spans_for_trace(store.conn(), t)?,
        _ => Vec::new(),
    };
    let rows: Vec<Row> = waterfall::layout(&spans);
    if cli.json {
        let trace = args.trace.then(|| TraceReport {
            trace_id: run.trace_id.as_deref(),
            spans: rows
                .iter()
                .map(|r| SpanRow {
                    depth: r.depth,
                    offset_nano: r.offset_nano,
                    span: &spans[r.index],
                })
                .collect(),
        });
        output::json(&ShowReport { run: &run, trace })?;
        return Ok(Code(OK));
    }
    let mut fields = vec![
        ("run", run.id.to_string()),
        (
            "journey",
            format!("{} ({})", run.journey, run.journey_version),
        ),
        ("region", run.region.as_str().to_owned()),
        ("started", rfc3339(run.started_at_ms)),
        ("duration", format!("{} ms", run.duration_ms)),
        ("outcome", run.outcome.as_str().to_owned()),
    ];
    if let Some(c) = run.error_class {
        fields.push((
            "error",
            format!(
                "{}: {}",
                c.as_str(),
                run.error_message.as_deref().unwrap_or("")
            ),
        ));
    }
    fields.push((
        "trace",
        run.trace_id.clone().unwrap_or_else(|| "none".into()),
    ));
    if let Some(r) = &run.release_id {
        fields.push(("release", r.clone()));
    }
    output::fields(&fields);
    println!();
    let name_w = run
        .steps
        .iter()
        .map(|s| s.name.len())
        .max()
        .unwrap_or(4)
        .max(4);
    println!(
        "{:>3}  {:<name_w$}  {:>10}  outcome",
        "#", "step", "duration"
    );
    for s in &run.steps {
        let class = s
            .error_class
            .map(|c| format!(" ({})", c.as_str()))
            .unwrap_or_default();
        println!(
            "{:>3}  {:<name_w$}  {:>7} ms  {}{class}",
            s.index,
            s.name,
            s.duration_ms,
            s.outcome.as_str()
        );
    }
    if args.trace {
        println!();
        match &run.trace_id {
            None => println!("this run has no trace id"),
            Some(_) => print!("{}", waterfall::render(&spans, BAR_WIDTH)),
        }
    }
    Ok(Code(OK))
}
