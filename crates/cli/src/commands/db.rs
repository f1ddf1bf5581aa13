//! `sightline db info | check | backup | vacuum`.

use anyhow::Context;
use sightline_store::{Store, maintenance};

use crate::args::{Cli, DbCommand};
use crate::exit::{Code, OK, PROBLEM};
use crate::output;

/// Runs one `db` subcommand.
pub fn run(cli: &Cli, cmd: &DbCommand) -> anyhow::Result<Code> {
    let path = cli.db_path();
    match cmd {
        DbCommand::Info => {
            let store = Store::open_read_only(&path)?;
            let info = store.info()?;
            if cli.json {
                output::json(&info)?;
            } else {
                let version = |v: Option<i64>| v.map_or("none".into(), |v| v.to_string());
                output::fields(&[
                    ("database", info.path.display().to_string()),
                    (
                        "size",
                        format!(
                            "{} (+{} WAL)",
                            output::bytes(info.size_bytes),
                            output::bytes(info.wal_bytes)
                        ),
                    ),
                    (
                        "schema",
                        format!(
                            "{} (this build: {}, {} pending)",
                            version(info.schema_version),
                            info.supported_schema_version,
                            info.pending_migrations
                        ),
                    ),
                    ("journal", info.journal_mode.clone()),
                    (
                        "pages",
                        format!(
                            "{} x {} B, {} free",
                            info.page_count, info.page_size, info.freelist_count
                        ),
                    ),
                    ("runs", info.runs.to_string()),
                    ("step results", info.step_results.to_string()),
                    ("events", info.events.to_string()),
                    (
                        "artifacts",
                        format!(
                            "{} files, {} in {}",
                            info.artifact_files,
                            output::bytes(info.artifact_bytes),
                            info.artifacts_dir.display()
                        ),
                    ),
                ]);
            }
            Ok(Code(OK))
        }
        DbCommand::Check => {
            let report = maintenance::check(&path)?;
            if cli.json {
                output::json(&report)?;
            } else if report.ok {
                println!("ok: {}", path.display());
            } else {
                // One line for people; `--json` lists every problem.
                let first = report.problems.first().map_or("", String::as_str);
                let more = report.problems.len() - 1;
                let tail = if more > 0 {
                    format!(" (+{more} more problems; --json lists them)")
                } else {
                    String::new()
                };
                eprintln!("error: {}: corrupt: {first}{tail}", path.display());
            }
            Ok(Code(if report.ok { OK } else { PROBLEM }))
        }
        DbCommand::Backup(args) => {
            let store = Store::open(&path)?;
            let bar = output::progress(cli, 0, "backup");
            let report = store
                .backup(&args.path, args.force, |done, total| {
                    bar.set_length(total);
                    bar.set_position(done);
                })
                .with_context(|| {
                    format!("backing up {} to {}", path.display(), args.path.display())
                })?;
            bar.finish_and_clear();
            if cli.json {
                output::json(&report)?;
            } else {
                println!(
                    "backed up {} pages ({}) to {}",
                    report.pages,
                    output::bytes(report.size_bytes),
                    report.dest.display()
                );
            }
            Ok(Code(OK))
        }
        DbCommand::Vacuum => {
            let mut store = Store::open(&path)?;
            let spin = output::spinner(cli, "vacuum");
            let report = store.vacuum()?;
            spin.finish_and_clear();
            if cli.json {
                output::json(&report)?;
            } else {
                println!(
                    "{}: {} -> {}",
                    report.path.display(),
                    output::bytes(report.before_bytes),
                    output::bytes(report.after_bytes)
                );
            }
            Ok(Code(OK))
        }
    }
}
