//! Arguments of the action-loop commands: `gate`, `policy`, `notify`. Kept
//! apart from `args.rs`, which holds the rest.

use std::path::PathBuf;

use clap::{Args, Subcommand};

/// `sightline gate ...`: may this release go out?
#[derive(Debug, Args)]
pub struct GateArgs {
    /// The project folder (its `slos/`, `journeys/`, `policy.yaml`).
    #[arg(long, value_name = "DIR", default_value = ".")]
    pub project: PathBuf,
    /// SLOs to check (repeat); every SLO of the project when absent.
    #[arg(long = "slo", value_name = "NAME")]
    pub slos: Vec<String>,
    /// Journey files to replay first against `--base-url` (repeat): the
    /// pre-release smoke test. Their runs are stored with the release id.
    #[arg(long = "journey", value_name = "FILE")]
    pub journeys: Vec<PathBuf>,
    /// Where the smoke-test journeys go (the release candidate's URL).
    #[arg(long, value_name = "URL")]
    pub base_url: Option<String>,
    /// Chromium to use for the journeys.
    #[arg(long, value_name = "PATH", default_value = sightline_browser::DEFAULT_CHROMIUM)]
    pub chromium: PathBuf,
    /// The policy file (default: the project's policy.yaml, else the
    /// built-in default).
    #[arg(long, value_name = "FILE")]
    pub policy: Option<PathBuf>,
    /// The release id (approvals name it).
    #[arg(long, value_name = "ID")]
    pub release: Option<String>,
    /// The service being released.
    #[arg(long, value_name = "S")]
    pub service: Option<String>,
    /// The release is a fix: rules with `except_fixes` let it pass.
    #[arg(long)]
    pub fix: bool,
    /// The version being released (for --record-deploy).
    #[arg(long, value_name = "V")]
    pub version: Option<String>,
    /// The region being released to (for --record-deploy).
    #[arg(long, value_name = "R")]
    pub region: Option<String>,
    /// Store the deploy event once the gate passes (needs --service and --version).
    #[arg(long)]
    pub record_deploy: bool,
    /// Decide at this time: RFC 3339 or Unix ms (default: now).
    #[arg(long, value_name = "TIME")]
    pub at: Option<String>,
    /// Also write a JUnit XML report here.
    #[arg(long, value_name = "FILE")]
    pub junit: Option<PathBuf>,
    /// Ask a remote `sightline serve` instead of a local database.
    #[arg(long, value_name = "URL")]
    pub server: Option<String>,
    /// The environment variable holding the server's token.
    #[arg(long, value_name = "VAR", default_value = "SIGHTLINE_TOKEN")]
    pub token_env: String,
}

/// `sightline policy ...`
#[derive(Debug, Subcommand)]
pub enum PolicyCommand {
    /// Approve a release that the policy holds back.
    Approve {
        /// The release id.
        #[arg(long, value_name = "ID")]
        release: String,
        /// Who approves.
        #[arg(long, value_name = "NAME")]
        by: String,
        /// Why.
        #[arg(long, value_name = "TEXT")]
        reason: String,
    },
    /// Check a policy file and print its rules.
    Check {
        /// The policy file.
        file: PathBuf,
    },
    /// Which rules hold for each SLO now, and since when.
    Status {
        /// The project folder.
        #[arg(long, value_name = "DIR", default_value = ".")]
        project: PathBuf,
        /// Evaluate at this time (default: now).
        #[arg(long, value_name = "TIME")]
        at: Option<String>,
    },
}

/// `sightline notify ...`
#[derive(Debug, Subcommand)]
pub enum NotifyCommand {
    /// Evaluate the alert rules and the policy at a time, store what fired
    /// or resolved, and queue the notifications (then deliver them unless
    /// --no-send).
    Evaluate {
        /// The project folder (`slos/`, `journeys/`, `notify.yaml`).
        #[arg(long, value_name = "DIR", default_value = ".")]
        project: PathBuf,
        /// The time: RFC 3339 or Unix ms (default: now).
        #[arg(long, value_name = "TIME")]
        at: Option<String>,
        /// Queue only; `notify deliver` sends later.
        #[arg(long)]
        no_send: bool,
    },
    /// Send what the outbox holds and is due.
    Deliver {
        /// The project folder (`notify.yaml`).
        #[arg(long, value_name = "DIR", default_value = ".")]
        project: PathBuf,
        /// Keep delivering until stopped or the outbox is empty for this
        /// long (e.g. `30s`); once otherwise.
        #[arg(long, value_name = "DURATION")]
        watch: Option<String>,
    },
    /// The outbox: pending, delivered and given-up notifications.
    Outbox {
        /// How many rows, newest first.
        #[arg(long, default_value_t = 50)]
        limit: usize,
    },
    /// Check `notify.yaml` and say where each route sends.
    Check {
        /// The project folder.
        #[arg(long, value_name = "DIR", default_value = ".")]
        project: PathBuf,
    },
}
