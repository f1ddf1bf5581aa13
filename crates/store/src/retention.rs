//! Retention for backend telemetry: spans, logs and metric points are pruned
//! by age and by total size, oldest first.
//!
//! Runs, steps and events are the SLO record and are never pruned here; only
//! the telemetry that explains them is. Size is the bytes of pages in use
//! (`page_count - freelist_count`): deleting rows frees pages that SQLite
//! reuses for new rows, but the file itself only shrinks on `db vacuum`.

use rusqlite::Connection;
use serde::Serialize;

use crate::{Result, Store, StoreError};

/// How long and how much telemetry to keep.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct RetentionPolicy {
    /// Telemetry older than this (by its own timestamp) is deleted.
    pub max_age_ms: Option<i64>,
    /// When the database's pages in use exceed this, the oldest telemetry is
    /// deleted until they fit (or no telemetry is left).
    pub max_bytes: Option<u64>,
}

impl Default for RetentionPolicy {
    /// Seven days and 2 GiB: a week of a demo-sized system, on any laptop.
    fn default() -> Self {
        Self {
            max_age_ms: Some(7 * 24 * 3600 * 1000),
            max_bytes: Some(2 << 30),
        }
    }
}

/// What one pruning pass deleted.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct PruneReport {
    /// Spans deleted.
    pub spans: u64,
    /// Log records deleted.
    pub logs: u64,
    /// Metric points deleted.
    pub metric_points: u64,
    /// Bytes of pages in use before.
    pub used_bytes_before: u64,
    /// Bytes of pages in use after.
    pub used_bytes_after: u64,
    /// The size limit is still exceeded (what is left is not telemetry).
    pub still_over_size: bool,
}

/// Each telemetry table and its time column.
const TABLES: [(&str, &str); 3] = [
    ("spans", "start_unix_nano"),
    ("logs", "time_unix_nano"),
    ("metric_points", "time_unix_nano"),
];

/// Rows deleted per transaction, so a pruning pass never holds the write
/// lock long enough to stall the ingest writer.
const CHUNK: i64 = 20_000;

/// Upper bound on size-driven deletion rounds (each removes about a tenth).
const MAX_SIZE_ROUNDS: usize = 64;

/// Bytes of the pages in use.
pub fn used_bytes(conn: &Connection) -> Result<u64> {
    let q =
        |p: &str| -> Result<i64> { Ok(conn.query_row(&format!("PRAGMA {p}"), [], |r| r.get(0))?) };
    let used = (q("page_count")? - q("freelist_count")?) * q("page_size")?;
    Ok(u64::try_from(used).unwrap_or(0))
}

fn add(report: &mut PruneReport, table: &str, n: u64) {
    match table {
        "spans" => report.spans += n,
        "logs" => report.logs += n,
        _ => report.metric_points += n,
    }
}

impl Store {
    /// Deletes telemetry older than the policy's age, then the oldest
    /// telemetry while the database is over its size. `now_ms` is passed in.
    pub fn prune_telemetry(
        &mut self,
        policy: &RetentionPolicy,
        now_ms: i64,
    ) -> Result<PruneReport> {
        let path = self.path().to_owned();
        let classify = |e: rusqlite::Error| StoreError::classify(&path, e);
        let mut report = PruneReport {
            used_bytes_before: used_bytes(self.conn())?,
            ..PruneReport::default()
        };
        if let Some(age) = policy.max_age_ms {
            let cutoff_ns = now_ms.saturating_sub(age).saturating_mul(1_000_000);
            for (table, time_col) in TABLES {
                // Old rows sit at the front of the rowid order (arrival order),
                // so each chunk's scan finds them quickly.
                let sql = format!(
                    "DELETE FROM {table} WHERE rowid IN
                     (SELECT rowid FROM {table} WHERE {time_col} < ?1 LIMIT {CHUNK})"
                );
                loop {
                    let tx = self.conn_mut().transaction()?;
                    let n = tx.execute(&sql, [cutoff_ns]).map_err(classify)?;
                    tx.commit().map_err(classify)?;
                    add(&mut report, table, n as u64);
                    if (n as i64) < CHUNK {
                        break;
                    }
                }
            }
        }
        if let Some(max) = policy.max_bytes {
            let mut rounds = 0;
            while used_bytes(self.conn())? > max && rounds < MAX_SIZE_ROUNDS {
                rounds += 1;
                let mut deleted = 0u64;
                let tx = self.conn_mut().transaction()?;
                for (table, _) in TABLES {
                    let rows: i64 = tx
                        .query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))
                        .map_err(classify)?;
                    if rows == 0 {
                        continue;
                    }
                    // A tenth of each table per round (at least 1,000 rows, so small
                    // tables finish), oldest first: the tables
                    // shrink together, so no signal disappears before the others.
                    let n = tx
                        .execute(
                            &format!(
                                "DELETE FROM {table} WHERE rowid IN
                                 (SELECT rowid FROM {table} ORDER BY rowid LIMIT ?1)"
                            ),
                            [(rows / 10).max(1_000)],
                        )
                        .map_err(classify)?;
                    add(&mut report, table, n as u64);
                    deleted += n as u64;
                }
                tx.commit().map_err(classify)?;
                if deleted == 0 {
                    break;
                }
            }
            report.still_over_size = used_bytes(self.conn())? > max;
        }
        report.used_bytes_after = used_bytes(self.conn())?;
        Ok(report)
    }
}
