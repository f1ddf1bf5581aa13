//! The command line, declared once with clap.

use std::path::PathBuf;

pub use crate::args_action::*;
pub use crate::args_ask::*;
pub use crate::args_attribution::*;
pub use crate::args_discover::*;
use clap::{Args, Parser, Subcommand};

/// Sightline: reliability measured where users feel it.
#[derive(Debug, Parser)]
#[command(name = "sightline", version, about, long_about = None)]
pub struct Cli {
    /// The database file. Defaults to $SIGHTLINE_DB, then
    /// ~/.local/share/sightline/sightline.db.
    #[arg(long, global = true, value_name = "PATH")]
    pub db: Option<PathBuf>,

    /// Print machine-readable JSON on stdout instead of tables.
    #[arg(long, global = true)]
    pub json: bool,

    /// More log output on stderr (-v info, -vv debug, -vvv trace). RUST_LOG overrides.
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,

    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Top-level commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Inspect and maintain the database file.
    #[command(subcommand)]
    Db(DbCommand),
    /// Check, import and export journey files.
    #[command(subcommand)]
    Journey(JourneyCommand),
    /// Record a journey in a Chromium window: use the site, then close the
    /// window or press Ctrl-C to write the journey file.
    Record(RecordArgs),
    /// Replay a journey in Chromium, print its step table and store the run.
    /// Exit 0 pass, 1 fail, 2 runner error.
    Replay(ReplayArgs),
    /// Load run results from elsewhere (CSV, JSON Lines); show one run.
    #[command(subcommand)]
    Runs(RunsCommand),
    /// SLOs: status, burn rates, alerts, OpenSLO and Prometheus rules.
    Slo(SloArgs),
    /// Run the project's journeys continuously (sightline.toml) into the
    /// database, until stopped (Ctrl-C or SIGTERM drains runs under way).
    Run(RunArgs),
    /// A remote runner: run one region's journeys and push the results to a
    /// workbench (`sightline serve`), spooling them locally while it is away.
    Runner(RunnerArgs),
    /// The workbench server: takes runs pushed by remote runners, OTLP traces,
    /// logs and metrics (HTTP and gRPC) and deploy webhooks.
    Serve(ServeArgs),
    /// The closed-loop demo: the demo shop in three regions, a runner per
    /// region in headless Chromium, live SLOs, and a bad release that burns
    /// them. Opens the desktop app when a display is present.
    Demo(DemoArgs),
    /// Import telemetry from files: Prometheus scrapes, Kubernetes events.
    #[command(subcommand)]
    Ingest(IngestCommand),
    /// Record changes that can explain an SLO moving (deploys).
    #[command(subcommand)]
    Event(EventCommand),
    /// Why an SLO is burning: the causes ranked with evidence, the onset and
    /// the change behind it. Or, with --from/--to, suspects from telemetry.
    Attribute(AttributeArgs),
    /// Load telemetry files (OTLP JSON Lines).
    #[command(subcommand)]
    Telemetry(TelemetryCommand),
    /// Evaluate the engines on labelled data, and record that data.
    #[command(subcommand)]
    Eval(EvalCommand),
    /// May this release go out? Checks the SLOs against the error-budget
    /// policy, optionally after smoke-test journeys. Exit 0 pass, 1 blocked
    /// by policy, 2 journeys failed, 3 cannot decide.
    Gate(GateArgs),
    /// The error-budget policy: approvals, checks, what holds now.
    #[command(subcommand)]
    Policy(PolicyCommand),
    /// Alert notifications: evaluate, deliver the outbox, inspect it.
    #[command(subcommand)]
    Notify(NotifyCommand),
    /// Incidents opened by firing pages: list, show, ack, resolve, note,
    /// postmortem draft. SLO definitions are read from `--slos` (default `slos/`).
    Incident {
        /// Where the SLO definitions are, for the postmortem's impact figures.
        #[arg(long, value_name = "DIR", default_value = "slos", global = true)]
        slos: PathBuf,
        /// What to do.
        #[command(subcommand)]
        command: IncidentCommand,
    },
    /// Candidate journeys (SLIs) from real traffic: access logs, HAR, spans.
    Discover(DiscoverArgs),
    /// Ask a question in your own words ("why is checkout slow?"): answered
    /// from the engines, with numbers, evidence and follow-ups.
    Ask(AskArgs),
}

/// `sightline ingest ...`
#[derive(Debug, Subcommand)]
pub enum IngestCommand {
    /// Import a scraped Prometheus text exposition (0.0.4 or OpenMetrics),
    /// all or nothing. Errors name the line.
    Prometheus(IngestPrometheusArgs),
    /// Import `kubectl get events -o json` output, all or nothing.
    #[command(name = "k8s-events")]
    K8sEvents(IngestK8sEventsArgs),
}

/// Arguments of `ingest prometheus`.
#[derive(Debug, Args)]
pub struct IngestPrometheusArgs {
    /// The scraped text, e.g. from `curl -s host:9100/metrics > node.prom`.
    pub file: PathBuf,
    /// The service (Prometheus job) the metrics describe; default the file's name.
    #[arg(long)]
    pub service: Option<String>,
    /// The scrape time, for samples without their own timestamp: RFC 3339
    /// or Unix epoch ms (default: the file's modification time).
    #[arg(long, value_name = "TIME")]
    pub at: Option<String>,
}

/// Arguments of `ingest k8s-events`.
#[derive(Debug, Args)]
pub struct IngestK8sEventsArgs {
    /// The JSON from `kubectl get events -o json` (an EventList or one Event).
    pub file: PathBuf,
}

/// `sightline event ...`
#[derive(Debug, Subcommand)]
pub enum EventCommand {
    /// Record a deploy: which service, which version, where, when.
    Deploy(EventDeployArgs),
}

/// Arguments of `event deploy`.
#[derive(Debug, Args)]
pub struct EventDeployArgs {
    /// The service deployed.
    #[arg(long)]
    pub service: String,
    /// The version now running.
    #[arg(long)]
    pub version: String,
    /// The region (default: a global rollout).
    #[arg(long)]
    pub region: Option<String>,
    /// The commit deployed.
    #[arg(long, value_name = "SHA")]
    pub commit: Option<String>,
    /// When: RFC 3339 or Unix epoch ms (default: now).
    #[arg(long, value_name = "TIME")]
    pub at: Option<String>,
    /// The release id (default: SERVICE@VERSION).
    #[arg(long, value_name = "ID")]
    pub release: Option<String>,
}

/// Arguments of `demo`.
#[derive(Debug, Args)]
pub struct DemoArgs {
    /// No desktop app: a live view in the terminal, a report on exit. The
    /// demo stops by itself when the scenario ends (or after --for).
    #[arg(long)]
    pub headless: bool,
    /// A bundled scenario (payment-bad-release-us-east-1, healthy, latency,
    /// error-rate, restart-storm, red-herring) or a scenario file.
    #[arg(long, default_value = "payment-bad-release-us-east-1")]
    pub scenario: String,
    /// Scenario clock speed-up (2 plays a 10-minute scenario in 5).
    #[arg(long, default_value_t = 1.0)]
    pub speed: f64,
    /// Stop after this long (e.g. 4m); default: when the scenario ends.
    #[arg(long = "for", value_name = "DURATION")]
    pub run_for: Option<String>,
    /// Where the demo's database, project and report go (replaced at each
    /// start). Default: the demo folder in the user's data folder.
    #[arg(long, value_name = "DIR")]
    pub dir: Option<PathBuf>,
    /// The Chromium executable.
    #[arg(long, value_name = "PATH", default_value = sightline_browser::DEFAULT_CHROMIUM)]
    pub chromium: PathBuf,
    /// Days of simulated history before the live part.
    #[arg(long, default_value_t = 30)]
    pub history_days: i64,
}

/// What `run` and `runner` share.
#[derive(Debug, Args)]
pub struct RunCommon {
    /// The project file.
    #[arg(long, value_name = "FILE", default_value = "sightline.toml")]
    pub project: PathBuf,
    /// Stop after this long (e.g. 10m); default: run until stopped.
    #[arg(long = "for", value_name = "DURATION")]
    pub run_for: Option<String>,
    /// Stop after this many slots of each journey and region.
    #[arg(long, value_name = "N")]
    pub slots: Option<u64>,
    /// Serve the runner's Prometheus metrics on this address (`/metrics`).
    #[arg(long, value_name = "ADDR")]
    pub metrics_addr: Option<String>,
    /// Browsers in the pool (overrides runner.pool_size).
    #[arg(long, value_name = "N")]
    pub pool_size: Option<usize>,
    /// Show the browser windows.
    #[arg(long)]
    pub headed: bool,
    /// This runner's id, stored with each run (default: host and pid).
    #[arg(long, value_name = "ID")]
    pub runner_id: Option<String>,
}

/// Arguments of `run`.
#[derive(Debug, Args)]
pub struct RunArgs {
    /// Shared runner options.
    #[command(flatten)]
    pub common: RunCommon,
    /// Only this region's slots.
    #[arg(long, value_name = "REGION")]
    pub region: Option<String>,
}

/// Arguments of `runner`.
#[derive(Debug, Args)]
pub struct RunnerArgs {
    /// Shared runner options.
    #[command(flatten)]
    pub common: RunCommon,
    /// The region this runner runs from (must be in the project's `[regions]` table).
    #[arg(long, value_name = "REGION")]
    pub region: String,
    /// The workbench to push to, e.g. http://workbench:4000.
    #[arg(long, value_name = "URL")]
    pub push: String,
    /// The workbench's bearer token (better: the SIGHTLINE_TOKEN variable,
    /// which stays out of the process list).
    #[arg(
        long,
        env = "SIGHTLINE_TOKEN",
        hide_env_values = true,
        value_name = "TOKEN"
    )]
    pub token: String,
    /// The local spool that holds results until the workbench has them.
    #[arg(long, value_name = "FILE", default_value = "sightline-spool.db")]
    pub spool: PathBuf,
}

/// Arguments of `serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Where to listen. Loopback unless told otherwise.
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:4000")]
    pub addr: String,
    /// The bearer token remote runners must send (better: SIGHTLINE_TOKEN).
    /// Without one, pushes are refused with 401.
    #[arg(
        long,
        env = "SIGHTLINE_TOKEN",
        hide_env_values = true,
        value_name = "TOKEN"
    )]
    pub token: Option<String>,
    /// Where OTLP/gRPC listens (OTLP/HTTP and the deploy webhooks share
    /// `--addr`); `off` to disable.
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:4317")]
    pub otlp_grpc: String,
    /// The bearer token OTLP exporters and deploy webhooks must send (better:
    /// SIGHTLINE_OTLP_TOKEN). Without one, they are accepted unauthenticated,
    /// as a local Collector would; set one before listening beyond loopback.
    #[arg(
        long,
        env = "SIGHTLINE_OTLP_TOKEN",
        hide_env_values = true,
        value_name = "TOKEN"
    )]
    pub otlp_token: Option<String>,
    /// Stop after this long (e.g. 10m); default: until Ctrl-C or SIGTERM.
    #[arg(long = "for", value_name = "DURATION")]
    pub run_for: Option<String>,
    /// Scrape a Prometheus endpoint into the database, as `URL=JOB` (the job
    /// names the service). Repeat for several targets.
    #[arg(long, value_name = "URL=JOB")]
    pub scrape: Vec<String>,
    /// How often the `--scrape` targets are scraped.
    #[arg(long, value_name = "DURATION", default_value = "15s")]
    pub scrape_interval: String,
    /// Watch the Kubernetes events of the cluster this kubeconfig points at
    /// (restarts, scaling, failed pulls) into the database.
    #[arg(long, value_name = "FILE")]
    pub kubeconfig: Option<PathBuf>,
    /// The kubeconfig context (default: its current-context).
    #[arg(long, value_name = "NAME", requires = "kubeconfig")]
    pub kube_context: Option<String>,
    /// Only this namespace's events (default: the context's namespace, else
    /// the whole cluster).
    #[arg(long, value_name = "NS", requires = "kubeconfig")]
    pub kube_namespace: Option<String>,
    /// The project folder: with `slos/`, its SLOs are evaluated live as runs
    /// arrive, alerts and policy rules are stored, `notify.yaml` notifications
    /// are delivered, and `POST /v1/gate` answers release gates (same token
    /// as `--token`).
    #[arg(long, value_name = "DIR")]
    pub project: Option<PathBuf>,
}

/// `sightline runs ...`
#[derive(Debug, Subcommand)]
pub enum RunsCommand {
    /// Import run results in one transaction: the whole file or nothing.
    /// Bad rows are reported by line and field (exit 3).
    Import(RunsImportArgs),
    /// One run with its steps; with --trace, the backend spans of its trace
    /// as a waterfall under the steps.
    Show(RunsShowArgs),
}

/// Arguments of `runs show`.
#[derive(Debug, Args)]
pub struct RunsShowArgs {
    /// The run's id (a UUID).
    pub run_id: String,
    /// Also show the spans received for the run's trace id.
    #[arg(long)]
    pub trace: bool,
}

/// Arguments of `runs import`.
#[derive(Debug, Args)]
pub struct RunsImportArgs {
    /// The file of runs (`.csv`, `.jsonl`, `.ndjson`).
    pub file: PathBuf,
    /// The file format; by default from the extension.
    #[arg(long, value_enum)]
    pub format: Option<RunsFormat>,
    /// CSV and Parquet: a second file of step rows (run_id, name,
    /// duration_ms, outcome, optional error_class and kind), joined on
    /// run_id; a `.parquet` steps file is read as Parquet, any other as CSV.
    #[arg(long, value_name = "FILE")]
    pub steps: Option<PathBuf>,
}

/// Formats `runs import` reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum RunsFormat {
    /// Comma-separated values with a header row.
    Csv,
    /// One JSON object per line.
    Jsonl,
    /// Apache Parquet, columns by name (bad rows are named by row number).
    Parquet,
}

/// `sightline slo [--slos DIR] ...`
#[derive(Debug, Args)]
pub struct SloArgs {
    /// The folder of SLO definitions (`*.yaml`).
    #[arg(long, value_name = "DIR", default_value = "slos", global = true)]
    pub slos: PathBuf,
    /// What to do.
    #[command(subcommand)]
    pub command: SloCommand,
}

/// `sightline slo ...`
#[derive(Debug, Subcommand)]
pub enum SloCommand {
    /// The SLOs defined in the folder.
    List,
    /// SLI, compliance, error budget, burn rates and alert state of each SLO.
    Status {
        /// Evaluation time: RFC 3339 or Unix epoch ms (default: now).
        #[arg(long, value_name = "TIME")]
        at: Option<String>,
    },
    /// Burn rates of one SLO over chosen windows.
    Burn {
        /// The SLO's name.
        slo: String,
        /// Comma-separated windows from 1m to 30d, e.g. 5m,1h,6h,3d.
        #[arg(long, value_name = "LIST", default_value = "5m,30m,1h,6h,1d,3d,30d")]
        windows: String,
        /// Evaluation time: RFC 3339 or Unix epoch ms (default: now).
        #[arg(long, value_name = "TIME")]
        at: Option<String>,
    },
    /// Alert states and episodes (firing and resolved times) of every SLO.
    Alerts {
        /// Evaluation time: RFC 3339 or Unix epoch ms (default: now).
        #[arg(long, value_name = "TIME")]
        at: Option<String>,
    },
    /// Import an OpenSLO v1 file; writes `DIR/NAME.yaml` per Sightline SLO.
    Import {
        /// The OpenSLO YAML (one or many documents).
        file: PathBuf,
        /// Replace existing SLO files.
        #[arg(long)]
        force: bool,
    },
    /// Export every SLO as OpenSLO v1 or Prometheus rules.
    Export {
        /// Output format.
        #[arg(long, value_enum)]
        format: SloExportFormat,
        /// Where to write it (default: stdout).
        #[arg(long, value_name = "PATH")]
        out: Option<PathBuf>,
    },
}

/// Formats `slo export` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum SloExportFormat {
    /// OpenSLO v1 YAML documents.
    Openslo,
    /// Sloth-style Prometheus recording and alerting rules.
    Prometheus,
}

/// Arguments of `record`.
#[derive(Debug, Args)]
pub struct RecordArgs {
    /// Where to start, e.g. http://127.0.0.1:8080/login.
    #[arg(long, value_name = "URL")]
    pub url: String,
    /// The journey file to write.
    #[arg(long, value_name = "PATH")]
    pub out: PathBuf,
    /// The journey's name (default: the file name without extension).
    #[arg(long)]
    pub name: Option<String>,
    /// Replace the output file if it exists.
    #[arg(long)]
    pub force: bool,
    /// The Chromium executable.
    #[arg(long, value_name = "PATH", default_value = sightline_browser::DEFAULT_CHROMIUM)]
    pub chromium: PathBuf,
}

/// Arguments of `replay`.
#[derive(Debug, Args)]
pub struct ReplayArgs {
    /// The journey file, e.g. journeys/checkout.yaml.
    pub journey: PathBuf,
    /// Override the journey's baseUrl (an environment or region's origin).
    #[arg(long, value_name = "URL")]
    pub base_url: Option<String>,
    /// The region label recorded with the run.
    #[arg(long, default_value = "local")]
    pub region: String,
    /// Show the browser window instead of running headless.
    #[arg(long)]
    pub headed: bool,
    /// The Chromium executable.
    #[arg(long, value_name = "PATH", default_value = sightline_browser::DEFAULT_CHROMIUM)]
    pub chromium: PathBuf,
}

/// `sightline journey ...`
#[derive(Debug, Subcommand)]
pub enum JourneyCommand {
    /// Check journey files; print each one's version. Exit 1 when any is invalid.
    Validate {
        /// Journey YAML files.
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Turn a Chrome DevTools Recorder recording (JSON) into a journey file.
    Import {
        /// The recording exported from Chrome's Recorder panel.
        file: PathBuf,
        /// Where to write the journey (default: `journeys/NAME.yaml`).
        #[arg(long, value_name = "PATH")]
        out: Option<PathBuf>,
        /// Replace the output file if it exists.
        #[arg(long)]
        force: bool,
    },
    /// Write a journey as a Chrome DevTools Recorder recording.
    Export {
        /// A journey file, or a name looked up as `journeys/NAME.yaml`.
        journey: String,
        /// Output format.
        #[arg(long, value_enum, default_value_t = ExportFormat::Recorder)]
        format: ExportFormat,
        /// Where to write it (default: stdout).
        #[arg(long, value_name = "PATH")]
        out: Option<PathBuf>,
    },
}

/// Formats `journey export` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ExportFormat {
    /// Chrome DevTools Recorder / @puppeteer/replay JSON.
    Recorder,
}

/// `sightline db ...`
#[derive(Debug, Subcommand)]
pub enum DbCommand {
    /// Where the database is, its schema version, sizes and row counts. Never writes.
    Info,
    /// Full integrity and foreign-key check. Never writes. Exit 1 when a problem is found.
    Check,
    /// Copy the live database to PATH (online; writers may go on).
    Backup(BackupArgs),
    /// Rebuild the file to return free pages to the OS.
    Vacuum,
}

/// Arguments of `db backup`.
#[derive(Debug, Args)]
pub struct BackupArgs {
    /// Where to write the copy.
    pub path: PathBuf,
    /// Replace PATH if it exists.
    #[arg(long)]
    pub force: bool,
}

impl Cli {
    /// The database path after `--db`, `SIGHTLINE_DB` and the default.
    pub fn db_path(&self) -> PathBuf {
        let env = std::env::var(sightline_store::paths::DB_ENV).ok();
        sightline_store::paths::resolve_db_path(self.db.as_deref(), env.as_deref())
    }
}
