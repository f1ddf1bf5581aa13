//! File maintenance behind `sightline db`: info, check, backup and vacuum.

use std::fs;
use std::path::{Path, PathBuf};

use rusqlite::Connection;
use rusqlite::backup::{Backup, StepResult};
use serde::Serialize;

use crate::{Result, Store, StoreError, migrate, open, queries};

/// What `db info` reports.
#[derive(Debug, Clone, Serialize)]
pub struct InfoReport {
    /// The database file.
    pub path: PathBuf,
    /// Size of the main file.
    pub size_bytes: u64,
    /// Size of the write-ahead log beside it (0 when checkpointed).
    pub wal_bytes: u64,
    /// Newest migration applied to the file.
    pub schema_version: Option<i64>,
    /// Newest migration this build knows.
    pub supported_schema_version: i64,
    /// Migrations this build would apply on the next read-write open.
    pub pending_migrations: usize,
    /// SQLite's journal mode (`wal` once Sightline has written the file).
    pub journal_mode: String,
    /// Page size in bytes.
    pub page_size: i64,
    /// Pages in the file.
    pub page_count: i64,
    /// Unused pages that `db vacuum` would return to the OS.
    pub freelist_count: i64,
    /// Stored runs.
    pub runs: i64,
    /// Stored step results.
    pub step_results: i64,
    /// Stored events.
    pub events: i64,
    /// Oldest run start, Unix ms.
    pub oldest_run_ms: Option<i64>,
    /// Newest run start, Unix ms.
    pub newest_run_ms: Option<i64>,
    /// The artifact folder.
    pub artifacts_dir: PathBuf,
    /// Files in the artifact folder.
    pub artifact_files: u64,
    /// Bytes in the artifact folder.
    pub artifact_bytes: u64,
}

fn file_len(path: &Path) -> u64 {
    fs::metadata(path).map_or(0, |m| m.len())
}

fn pragma_i64(conn: &Connection, name: &str) -> rusqlite::Result<i64> {
    conn.query_row(&format!("PRAGMA {name}"), [], |r| r.get(0))
}

impl Store {
    /// Sizes, versions and row counts. Reads only.
    pub fn info(&self) -> Result<InfoReport> {
        let path = self.path().to_owned();
        let c = self.conn();
        let wrap = |e| StoreError::classify(&path, e);
        let schema_version = self.schema_version()?;
        let pending = migrate::MIGRATIONS
            .iter()
            .filter(|m| Some(m.version) > schema_version)
            .count();
        let has_runs = schema_version.is_some();
        let count = |table: &str| -> Result<i64> {
            if !has_runs {
                return Ok(0);
            }
            c.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))
                .map_err(wrap)
        };
        let (oldest_run_ms, newest_run_ms) = if has_runs {
            c.query_row(
                "SELECT min(started_at_ms), max(started_at_ms) FROM runs",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .map_err(wrap)?
        } else {
            (None, None)
        };
        let (artifact_bytes, artifact_files) = self.artifacts().usage()?;
        Ok(InfoReport {
            size_bytes: file_len(&path),
            wal_bytes: file_len(&open::sibling(&path, "-wal")),
            schema_version,
            supported_schema_version: migrate::latest_version(),
            pending_migrations: pending,
            journal_mode: c
                .query_row("PRAGMA journal_mode", [], |r| r.get(0))
                .map_err(wrap)?,
            page_size: pragma_i64(c, "page_size").map_err(wrap)?,
            page_count: pragma_i64(c, "page_count").map_err(wrap)?,
            freelist_count: pragma_i64(c, "freelist_count").map_err(wrap)?,
            runs: count("runs")?,
            step_results: count("step_results")?,
            events: count("events")?,
            oldest_run_ms,
            newest_run_ms,
            artifacts_dir: self.artifacts().root().to_owned(),
            artifact_files,
            artifact_bytes,
            path,
        })
    }

    /// Copies the live database to `dest` with SQLite's online backup, so
    /// writers can go on meanwhile. The copy is written beside `dest` and
    /// renamed into place when complete and verified; `dest` is replaced only
    /// with `force`. `progress(done_pages, total_pages)` is called as it goes.
    pub fn backup(
        &self,
        dest: &Path,
        force: bool,
        mut progress: impl FnMut(u64, u64),
    ) -> Result<BackupReport> {
        if dest.exists() && !force {
            return Err(StoreError::TargetExists {
                path: dest.to_owned(),
            });
        }
        let partial = open::sibling(dest, ".partial");
        let _ = fs::remove_file(&partial);
        let result = (|| -> Result<u64> {
            let mut dst = Connection::open(&partial)?;
            {
                let backup = Backup::new(self.conn(), &mut dst)?;
                loop {
                    let step = backup
                        .step(1024)
                        .map_err(|e| StoreError::classify(self.path(), e))?;
                    let p = backup.progress();
                    let total = u64::try_from(p.pagecount).unwrap_or(0);
                    let left = u64::try_from(p.remaining).unwrap_or(0);
                    progress(total.saturating_sub(left), total);
                    match step {
                        StepResult::Done => break,
                        StepResult::More => {}
                        // The source is busy with a writer: give it a moment.
                        _ => std::thread::sleep(std::time::Duration::from_millis(20)),
                    }
                }
            }
            // A backup is one self-contained file, not a WAL pair.
            dst.query_row("PRAGMA journal_mode = DELETE", [], |r| {
                r.get::<_, String>(0)
            })?;
            let verdict: String = dst.query_row("PRAGMA quick_check", [], |r| r.get(0))?;
            if verdict != "ok" {
                return Err(StoreError::Corrupt {
                    path: partial.clone(),
                    detail: verdict,
                });
            }
            Ok(u64::try_from(pragma_i64(&dst, "page_count")?).unwrap_or(0))
        })();
        let pages = match result {
            Ok(pages) => pages,
            Err(e) => {
                let _ = fs::remove_file(&partial);
                return Err(e);
            }
        };
        fs::rename(&partial, dest).map_err(|e| StoreError::io(dest, e))?;
        Ok(BackupReport {
            dest: dest.to_owned(),
            pages,
            size_bytes: file_len(dest),
        })
    }

    /// Rebuilds the file to drop free pages, then truncates the WAL.
    pub fn vacuum(&mut self) -> Result<VacuumReport> {
        let path = self.path().to_owned();
        let before = file_len(&path) + file_len(&open::sibling(&path, "-wal"));
        let c = self.conn();
        c.execute_batch("VACUUM")
            .map_err(|e| StoreError::classify(&path, e))?;
        c.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
            .map_err(|e| StoreError::classify(&path, e))?;
        let after = file_len(&path) + file_len(&open::sibling(&path, "-wal"));
        Ok(VacuumReport {
            path,
            before_bytes: before,
            after_bytes: after,
        })
    }
}

/// What `db backup` wrote.
#[derive(Debug, Clone, Serialize)]
pub struct BackupReport {
    /// The backup file.
    pub dest: PathBuf,
    /// Pages copied.
    pub pages: u64,
    /// Size of the backup file.
    pub size_bytes: u64,
}

/// What `db vacuum` did.
#[derive(Debug, Clone, Serialize)]
pub struct VacuumReport {
    /// The database file.
    pub path: PathBuf,
    /// Database plus WAL before.
    pub before_bytes: u64,
    /// Database plus WAL after.
    pub after_bytes: u64,
}

/// What `db check` found.
#[derive(Debug, Clone, Serialize)]
pub struct CheckReport {
    /// The database file.
    pub path: PathBuf,
    /// True when no problem was found.
    pub ok: bool,
    /// Newest migration applied to the file.
    pub schema_version: Option<i64>,
    /// One line per problem, in SQLite's words.
    pub problems: Vec<String>,
}

/// Runs SQLite's full `integrity_check` and `foreign_key_check` over a
/// read-only connection. Never writes to the file. A file that cannot even be
/// opened (not SQLite, truncated, newer schema) is an error, not a report.
pub fn check(path: &Path) -> Result<CheckReport> {
    let store = Store::open_read_only(path)?;
    let c = store.conn();
    let mut problems = Vec::new();
    let integrity = c.prepare("PRAGMA integrity_check").and_then(|mut stmt| {
        stmt.query_map([], |r| r.get::<_, String>(0))?
            .collect::<rusqlite::Result<Vec<_>>>()
    });
    match integrity {
        // SQLite packs several lines into one row and heads them with
        // "*** in database main ***"; keep one problem per line.
        Ok(rows) => problems.extend(
            rows.iter()
                .flat_map(|row| row.lines())
                .map(str::trim)
                .filter(|l| !l.is_empty() && *l != "ok" && !l.starts_with("*** in database"))
                .map(str::to_owned),
        ),
        Err(e) => problems.push(format!("integrity_check failed: {e}")),
    }
    let fk = c.prepare("PRAGMA foreign_key_check").and_then(|mut stmt| {
        stmt.query_map([], |r| {
            Ok(format!(
                "foreign key violation in {} (row {})",
                r.get::<_, String>(0)?,
                r.get::<_, i64>(1)?
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()
    });
    match fk {
        Ok(lines) => problems.extend(lines),
        Err(e) => problems.push(format!("foreign_key_check failed: {e}")),
    }
    let schema_version = store.schema_version().ok().flatten();
    // A readable schema with a runs table must decode: catch bad rows early.
    if problems.is_empty()
        && schema_version.is_some()
        && let Err(e) = queries::runs::list_recent(c, None, 100)
    {
        problems.push(e.to_string());
    }
    Ok(CheckReport {
        path: path.to_owned(),
        ok: problems.is_empty(),
        schema_version,
        problems,
    })
}
