//! Arguments of the attribution commands: `attribute`, `telemetry import` and
//! `eval`. Kept apart from `args.rs`, which holds the rest.

use std::path::PathBuf;

use clap::{Args, Subcommand, ValueEnum};

/// `sightline attribute ...`: why an SLO is burning, or which service is
/// behind a bad window.
#[derive(Debug, Args)]
pub struct AttributeArgs {
    /// The SLO to explain (its `name`). Without it, give `--from` and `--to`
    /// for telemetry-only mode.
    pub slo: Option<String>,
    /// The moment to explain: RFC 3339 or Unix ms (default: now).
    #[arg(long, value_name = "TIME")]
    pub at: Option<String>,
    /// Telemetry-only mode: start of the bad window.
    #[arg(long, value_name = "TIME", requires = "to", conflicts_with = "slo")]
    pub from: Option<String>,
    /// Telemetry-only mode: end of the bad window.
    #[arg(long, value_name = "TIME", requires = "from")]
    pub to: Option<String>,
    /// Telemetry-only mode: start of the baseline (default: the window's
    /// length before `--from`).
    #[arg(long, value_name = "TIME", requires = "baseline_to")]
    pub baseline_from: Option<String>,
    /// Telemetry-only mode: end of the baseline.
    #[arg(long, value_name = "TIME", requires = "baseline_from")]
    pub baseline_to: Option<String>,
    /// Where the SLO definitions are (default: `slos/`).
    #[arg(long, value_name = "DIR", default_value = "slos")]
    pub slos: PathBuf,
    /// The report as Markdown: printed, or with `--out` written with its
    /// charts as SVG files beside it.
    #[arg(long, conflicts_with = "html")]
    pub markdown: bool,
    /// The report as one self-contained HTML page with its charts inline:
    /// printed, or written to `--out`.
    #[arg(long)]
    pub html: bool,
    /// With `--markdown` or `--html`: write to this file (or into this
    /// folder, as `attribution-SLO.md|html`) instead of standard output.
    #[arg(long, value_name = "PATH")]
    pub out: Option<PathBuf>,
    /// Also open the desktop app on this SLO's Attribution view, at the
    /// moment explained (needs a display and `sightline-app` beside this
    /// binary).
    #[arg(long, requires = "slo")]
    pub open: bool,
}

/// The format of a document written to a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DocFormat {
    /// Markdown; with `--out`, its charts are SVG files beside it.
    Md,
    /// One self-contained HTML page with inline SVG charts.
    Html,
}

/// `sightline telemetry ...`
#[derive(Debug, Subcommand)]
pub enum TelemetryCommand {
    /// Load OTLP JSON Lines files (the OpenTelemetry Collector's file
    /// exporter output; traces, logs and metrics; gzip or plain), streaming.
    Import(TelemetryImportArgs),
}

/// Arguments of `telemetry import`.
#[derive(Debug, Args)]
pub struct TelemetryImportArgs {
    /// The files, one OTLP export request per line.
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// Import the good lines of a file with bad lines (reported by number);
    /// without it such a file is imported not at all.
    #[arg(long)]
    pub skip_bad: bool,
}

/// `sightline eval ...`
#[derive(Debug, Subcommand)]
pub enum EvalCommand {
    /// Score the attribution engine on recorded, labelled incidents.
    Attribution(EvalAttributionArgs),
    /// Score the question box on a labelled question set over the recorded incidents.
    Ask(crate::args_ask::EvalAskArgs),
    /// Record labelled incidents from the demo shop (real time: each takes
    /// its scenario's duration).
    Record(EvalRecordArgs),
}

/// Arguments of `eval attribution`.
#[derive(Debug, Args)]
pub struct EvalAttributionArgs {
    /// The dataset folder: one subfolder per incident, and `slos.yaml`.
    #[arg(default_value = "datasets/incidents")]
    pub dir: PathBuf,
    /// Print each incident's report as well as the score table.
    #[arg(long)]
    pub reports: bool,
    /// Ignore the runs and SLOs: rank suspects from the telemetry alone (the
    /// recording's first 80 s as the baseline, its last 3 minutes as the window).
    #[arg(long)]
    pub telemetry_only: bool,
}

/// Arguments of `eval record`.
#[derive(Debug, Args)]
pub struct EvalRecordArgs {
    /// Scenario files to record.
    #[arg(required = true)]
    pub scenarios: Vec<PathBuf>,
    /// The dataset folder to write into.
    #[arg(long, default_value = "datasets/incidents")]
    pub out: PathBuf,
    /// How many recordings run at once.
    #[arg(long, default_value_t = 3)]
    pub parallel: usize,
}

/// `sightline incident ...`
#[derive(Debug, Subcommand)]
pub enum IncidentCommand {
    /// Open and acknowledged incidents, newest first (`--all` adds resolved ones).
    List {
        /// Include resolved incidents.
        #[arg(long)]
        all: bool,
    },
    /// One incident and its timeline.
    Show(IncidentRef),
    /// Acknowledge an open incident.
    Ack(IncidentWho),
    /// Resolve an incident.
    Resolve(IncidentWho),
    /// Add a note to an incident's timeline.
    Note {
        /// The incident's number.
        id: i64,
        /// The note.
        text: String,
        /// Who writes it (default: $USER).
        #[arg(long)]
        by: Option<String>,
    },
    /// Write a postmortem draft from what the database measured, with its
    /// charts (the SLI with the onset and changes, the burn by cause).
    Postmortem {
        /// The incident's number.
        id: i64,
        /// `md` (charts as SVG files beside the draft) or `html` (one
        /// self-contained page).
        #[arg(long, value_enum, default_value_t = DocFormat::Md)]
        format: DocFormat,
        /// Write to this file (or into this folder, as `postmortem-ID.md|html`)
        /// instead of standard output. Markdown on standard output has no charts.
        #[arg(long, value_name = "PATH")]
        out: Option<PathBuf>,
    },
}

/// An incident, and where its SLO is defined.
#[derive(Debug, Args)]
pub struct IncidentRef {
    /// The incident's number.
    pub id: i64,
}

/// An incident and who acts on it.
#[derive(Debug, Args)]
pub struct IncidentWho {
    /// The incident's number.
    pub id: i64,
    /// Who (default: $USER).
    #[arg(long)]
    pub by: Option<String>,
}
