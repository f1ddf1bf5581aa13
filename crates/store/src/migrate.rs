//! Embedded, forward-only schema migrations.
//!
//! Each migration is a timestamped SQL file under `migrations/`, compiled into
//! the binary. Pending ones are applied on open, all in one transaction, and
//! recorded in `schema_migrations`. A file whose newest recorded migration is
//! unknown to this build was written by a newer Sightline and is refused.

use std::path::Path;

use rusqlite::{Connection, OptionalExtension, params};

use crate::{Result, StoreError};

/// One embedded migration.
#[derive(Debug, Clone, Copy)]
pub struct Migration {
    /// The timestamp prefix of its file name, e.g. `20261125100000`.
    pub version: i64,
    /// The rest of the file name.
    pub name: &'static str,
    /// The SQL to run.
    pub sql: &'static str,
}

/// Every migration, oldest first. Append only.
pub const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 20261125100000,
        name: "init",
        sql: include_str!("../migrations/20261125100000_init.sql"),
    },
    Migration {
        version: 20261201100000,
        name: "retries",
        sql: include_str!("../migrations/20261201100000_retries.sql"),
    },
    Migration {
        version: 20261201120000,
        name: "telemetry",
        sql: include_str!("../migrations/20261201120000_telemetry.sql"),
    },
    Migration {
        version: 20261201130000,
        name: "alerts",
        sql: include_str!("../migrations/20261201130000_alerts.sql"),
    },
    Migration {
        version: 20261201150000,
        name: "attribution",
        sql: include_str!("../migrations/20261201150000_attribution.sql"),
    },
    Migration {
        version: 20261201160000,
        name: "incidents",
        sql: include_str!("../migrations/20261201160000_incidents.sql"),
    },
    Migration {
        version: 20261201170000,
        name: "action",
        sql: include_str!("../migrations/20261201170000_action.sql"),
    },
    Migration {
        version: 20261202010000,
        name: "run_traces",
        sql: include_str!("../migrations/20261202010000_run_traces.sql"),
    },
    Migration {
        version: 20261203100000,
        name: "incident_questions",
        sql: include_str!("../migrations/20261203100000_incident_questions.sql"),
    },
    Migration {
        version: 20261203120000,
        name: "runs_sli_index",
        sql: include_str!("../migrations/20261203120000_runs_sli_index.sql"),
    },
];

/// The newest schema version this build understands.
pub fn latest_version() -> i64 {
    MIGRATIONS.last().map_or(0, |m| m.version)
}

const BOOKKEEPING: &str = "CREATE TABLE IF NOT EXISTS schema_migrations (
    version       INTEGER PRIMARY KEY,
    name          TEXT NOT NULL,
    applied_at_ms INTEGER NOT NULL
)";

/// The newest migration recorded in the database, or `None` for a fresh file.
pub fn current_version(conn: &Connection) -> rusqlite::Result<Option<i64>> {
    let has_table: bool = conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations')",
        [],
        |r| r.get(0),
    )?;
    if !has_table {
        return Ok(None);
    }
    conn.query_row("SELECT max(version) FROM schema_migrations", [], |r| {
        r.get(0)
    })
    .optional()
    .map(Option::flatten)
}

/// Refuses a database whose schema is newer than this build's.
pub fn ensure_not_newer(path: &Path, found: Option<i64>) -> Result<()> {
    match found {
        Some(found) if found > latest_version() => Err(StoreError::NewerSchema {
            path: path.to_owned(),
            found,
            supported: latest_version(),
        }),
        _ => Ok(()),
    }
}

/// Applies every pending migration in one transaction. Returns how many ran.
pub fn apply_pending(conn: &mut Connection, path: &Path, now_ms: i64) -> Result<usize> {
    let tx = conn.transaction()?;
    tx.execute_batch(BOOKKEEPING)?;
    let current = current_version(&tx)?;
    ensure_not_newer(path, current)?;
    // Every migration not yet recorded, oldest first: not just those newer
    // than the newest applied, so a migration merged in from a branch with
    // an earlier timestamp still runs.
    let recorded: std::collections::HashSet<i64> = tx
        .prepare("SELECT version FROM schema_migrations")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let mut applied = 0;
    for m in MIGRATIONS.iter().filter(|m| !recorded.contains(&m.version)) {
        tracing::info!(version = m.version, name = m.name, "applying migration");
        tx.execute_batch(m.sql)
            .map_err(|e| StoreError::classify(path, e))?;
        tx.execute(
            "INSERT INTO schema_migrations (version, name, applied_at_ms) VALUES (?1, ?2, ?3)",
            params![m.version, m.name, now_ms],
        )?;
        applied += 1;
    }
    tx.commit()?;
    Ok(applied)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrations_are_ordered_and_unique() {
        for pair in MIGRATIONS.windows(2) {
            assert!(
                pair[0].version < pair[1].version,
                "{} !< {}",
                pair[0].version,
                pair[1].version
            );
        }
        assert_eq!(latest_version(), MIGRATIONS.last().unwrap().version);
    }
}
