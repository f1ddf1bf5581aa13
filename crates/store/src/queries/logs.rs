//! The `logs` table: log records received over OTLP, with their trace and
//! span ids so a failed run's backend logs can be found.

use rusqlite::{Connection, ToSql, Transaction, params};
use sightline_core::LogRecord;

use super::{json_col, multi_row_insert_sql, to_json_col};
use crate::{Result, StoreError};

const COLUMNS: [&str; 9] = [
    "time_unix_nano",
    "service",
    "severity_number",
    "severity_text",
    "body",
    "trace_id",
    "span_id",
    "attributes",
    "received_at_ms",
];

/// Rows per multi-row statement (9 parameters each).
const CHUNK: usize = 64;

fn sql(rows: usize) -> &'static str {
    static FULL: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    static ONE: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let cell = if rows == CHUNK { &FULL } else { &ONE };
    cell.get_or_init(|| multi_row_insert_sql("logs", &COLUMNS, rows, ""))
}

/// Inserts `records` inside `tx`. Returns how many rows were written.
pub fn insert_many(
    tx: &Transaction<'_>,
    records: &[LogRecord],
    received_at_ms: i64,
) -> Result<usize> {
    let attrs: Vec<String> = records
        .iter()
        .map(|l| to_json_col("logs", "attributes", &l.attributes))
        .collect::<Result<_>>()?;
    let mut written = 0;
    let mut start = 0;
    while start < records.len() {
        let rows = if records.len() - start >= CHUNK {
            CHUNK
        } else {
            1
        };
        let mut stmt = tx.prepare_cached(sql(rows))?;
        let mut values: Vec<&dyn ToSql> = Vec::with_capacity(rows * COLUMNS.len());
        for (i, l) in records[start..start + rows].iter().enumerate() {
            values.extend_from_slice(&[
                &l.time_unix_nano as &dyn ToSql,
                &l.service,
                &l.severity_number,
                &l.severity_text,
                &l.body,
                &l.trace_id,
                &l.span_id,
                &attrs[start + i],
                &received_at_ms,
            ]);
        }
        written += stmt.execute(values.as_slice())?;
        start += rows;
    }
    Ok(written)
}

const SELECT: &str = "SELECT time_unix_nano, service, severity_number, severity_text, body,
    trace_id, span_id, attributes FROM logs";

fn decode(r: &rusqlite::Row<'_>) -> rusqlite::Result<(LogRecord, String)> {
    Ok((
        LogRecord {
            time_unix_nano: r.get(0)?,
            service: r.get(1)?,
            severity_number: r.get(2)?,
            severity_text: r.get(3)?,
            body: r.get(4)?,
            trace_id: r.get(5)?,
            span_id: r.get(6)?,
            attributes: Default::default(),
        },
        r.get(7)?,
    ))
}

fn finish(rows: Vec<(LogRecord, String)>) -> Result<Vec<LogRecord>> {
    rows.into_iter()
        .map(|(mut l, attrs)| {
            l.attributes = json_col("logs", "attributes", &attrs)?;
            Ok(l)
        })
        .collect()
}

/// The log records of one trace, oldest first.
pub fn for_trace(conn: &Connection, trace_id: &str) -> Result<Vec<LogRecord>> {
    let mut stmt = conn.prepare_cached(&format!(
        "{SELECT} WHERE trace_id = ?1 ORDER BY time_unix_nano"
    ))?;
    let rows = stmt
        .query_map([trace_id.to_ascii_lowercase()], decode)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    finish(rows)
}

/// Log records with `from <= time < to` (Unix ns), oldest first, at most `limit`.
pub fn between(
    conn: &Connection,
    from_unix_nano: i64,
    to_unix_nano: i64,
    limit: usize,
) -> Result<Vec<LogRecord>> {
    let mut stmt = conn.prepare_cached(&format!(
        "{SELECT} WHERE time_unix_nano >= ?1 AND time_unix_nano < ?2 ORDER BY time_unix_nano LIMIT ?3"
    ))?;
    let limit = i64::try_from(limit).unwrap_or(i64::MAX);
    let rows = stmt
        .query_map(params![from_unix_nano, to_unix_nano, limit], decode)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    finish(rows)
}

/// How many log records are stored.
pub fn count(conn: &Connection) -> Result<i64> {
    conn.query_row("SELECT count(*) FROM logs", [], |r| r.get(0))
        .map_err(StoreError::from)
}
