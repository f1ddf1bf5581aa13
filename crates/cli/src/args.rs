//! The command line, declared once with clap.

use std::path::PathBuf;

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
