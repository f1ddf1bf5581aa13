//! Arguments of `sightline discover`: candidate journeys from real traffic.
//! Kept apart from `args.rs`, which holds the rest.

use std::path::PathBuf;

use clap::{Args, Subcommand, ValueEnum};

/// `sightline discover ...`
#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct DiscoverArgs {
    /// Access logs, HAR files or OTLP JSON span files (gzip or plain).
    pub files: Vec<PathBuf>,
    /// What the files hold.
    #[command(flatten)]
    pub input: DiscoverInput,
    /// Accept or reject a candidate.
    #[command(subcommand)]
    pub action: Option<DiscoverAction>,
}

/// How the inputs are read and the candidates scored.
#[derive(Debug, Args)]
pub struct DiscoverInput {
    /// The input format (`auto` looks at the first bytes).
    #[arg(long, value_enum, default_value = "auto", global = true)]
    pub format: DiscoverFormat,
    /// A business weight: 'POST /checkout=5' (or '/checkout=5', any method).
    #[arg(long = "weight", value_name = "STEP=W", global = true)]
    pub weights: Vec<String>,
    /// JSON logs: where a field is, `FIELD=KEY[,KEY]` (fields: time, method,
    /// path, request, status, duration_s, client, user_agent, session, user).
    #[arg(long = "field", value_name = "FIELD=KEY", global = true)]
    pub fields: Vec<String>,
    /// Inactivity that ends a session, minutes.
    #[arg(long, default_value_t = 30, global = true)]
    pub gap_minutes: i64,
    /// The project folder (decisions in `.sightline/discovery.json`,
    /// accepted SLOs in `slos/`, skeletons in `journeys/discovered/`).
    #[arg(long, default_value = ".", global = true)]
    pub project: PathBuf,
    /// The `baseUrl` written into journey skeletons.
    #[arg(long, default_value = "http://127.0.0.1:8080", global = true)]
    pub base_url: String,
    /// List rejected candidates too.
    #[arg(long, global = true)]
    pub all: bool,
}

/// Input formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DiscoverFormat {
    /// Look at the first bytes.
    Auto,
    /// Common Log Format.
    Clf,
    /// Combined Log Format (nginx, Apache).
    Combined,
    /// JSON lines (nginx `escape=json`), see --field.
    NginxJson,
    /// AWS ALB access logs.
    Alb,
    /// OTLP JSON traces (server spans).
    Otlp,
    /// HAR 1.2.
    Har,
}

/// `discover accept|reject`
#[derive(Debug, Subcommand)]
pub enum DiscoverAction {
    /// Write the candidate's SLO into `slos/` and its journey skeleton into
    /// `journeys/discovered/`, and remember the decision.
    Accept {
        /// The candidate id (`c...` from the listing).
        candidate: String,
        /// The same inputs the listing was made from.
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Hide the candidate from later listings (remembered in the project).
    Reject {
        /// The candidate id.
        candidate: String,
    },
    /// Write simulated, labelled traffic: `access.log` (Combined) and
    /// `truth.csv` (client,label), deterministic from the seed.
    Simulate {
        /// The folder to write into.
        out: PathBuf,
        /// Human sessions.
        #[arg(long, default_value_t = 2000)]
        sessions: usize,
        /// Share of random-browsing sessions.
        #[arg(long, default_value_t = 0.1)]
        noise: f64,
        /// Seed.
        #[arg(long, default_value_t = 42)]
        seed: u64,
        /// Drive the demo shop instead: start it on loopback with its access
        /// log on, play the sessions against it over HTTP, and keep the log
        /// the shop wrote (its journeys, not the generic site's).
        #[arg(long)]
        shop: bool,
        /// With --shop: sessions played at once.
        #[arg(long, default_value_t = 16, requires = "shop")]
        concurrency: usize,
    },
    /// Score discovery on a simulated folder: adjusted Rand index, purity, bots.
    Eval {
        /// The folder with `access.log` and `truth.csv`.
        dir: PathBuf,
    },
}
