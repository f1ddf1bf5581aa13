//! The `alert_episodes` table: every firing of an SLO's burn-rate alert, with
//! when it resolved.

use rusqlite::{Connection, OptionalExtension, params};
use serde::{Deserialize, Serialize};

use crate::{Result, StoreError};

/// One stored alert episode.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AlertEpisodeRow {
    /// The SLO's name.
    pub slo: String,
    /// The rule's index in the SLO's policy.
    pub rule: u32,
    /// `page` or `ticket`.
    pub severity: String,
    /// The rule's long window.
    pub long_window_ms: i64,
    /// The rule's short window.
    pub short_window_ms: i64,
    /// The burn-rate threshold, scaled to the SLO's period.
    pub threshold: f64,
    /// When the condition first held.
    pub pending_at_ms: i64,
    /// When it fired.
    pub firing_at_ms: i64,
    /// When it resolved; `None` while it fires.
    pub resolved_at_ms: Option<i64>,
    /// The long window's burn rate when it fired.
    pub burn_rate: Option<f64>,
    /// Regions whose own burn crossed the threshold when it fired.
    pub regions: Vec<String>,
}

const COLUMNS: &str = "slo, rule, severity, long_window_ms, short_window_ms, threshold,
    pending_at_ms, firing_at_ms, resolved_at_ms, burn_rate, regions";

fn decode(r: &rusqlite::Row<'_>) -> rusqlite::Result<(AlertEpisodeRow, String)> {
    Ok((
        AlertEpisodeRow {
            slo: r.get(0)?,
            rule: r.get(1)?,
            severity: r.get(2)?,
            long_window_ms: r.get(3)?,
            short_window_ms: r.get(4)?,
            threshold: r.get(5)?,
            pending_at_ms: r.get(6)?,
            firing_at_ms: r.get(7)?,
            resolved_at_ms: r.get(8)?,
            burn_rate: r.get(9)?,
            regions: Vec::new(),
        },
        r.get(10)?,
    ))
}

fn finish(rows: Vec<(AlertEpisodeRow, String)>) -> Result<Vec<AlertEpisodeRow>> {
    rows.into_iter()
        .map(|(mut row, regions)| {
            row.regions = serde_json::from_str(&regions).map_err(|e| StoreError::Decode {
                table: "alert_episodes",
                column: "regions",
                reason: e.to_string(),
            })?;
            Ok(row)
        })
        .collect()
}

/// Records a firing; the same (slo, rule, firing time) again is a no-op.
pub fn record_firing(conn: &Connection, e: &AlertEpisodeRow) -> Result<bool> {
    let regions = serde_json::to_string(&e.regions).map_err(|err| StoreError::Decode {
        table: "alert_episodes",
        column: "regions",
        reason: err.to_string(),
    })?;
    let n = conn
        .prepare_cached(&format!(
            "INSERT INTO alert_episodes ({COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)
             ON CONFLICT (slo, rule, firing_at_ms) DO NOTHING"
        ))?
        .execute(params![
            e.slo,
            e.rule,
            e.severity,
            e.long_window_ms,
            e.short_window_ms,
            e.threshold,
            e.pending_at_ms,
            e.firing_at_ms,
            e.resolved_at_ms,
            e.burn_rate,
            regions,
        ])?;
    Ok(n == 1)
}

/// Marks the open episode of (slo, rule) resolved at `at_ms`. Returns whether
/// one was open.
pub fn record_resolved(conn: &Connection, slo: &str, rule: u32, at_ms: i64) -> Result<bool> {
    let n = conn
        .prepare_cached(
            "UPDATE alert_episodes SET resolved_at_ms = ?3
             WHERE slo = ?1 AND rule = ?2 AND resolved_at_ms IS NULL",
        )?
        .execute(params![slo, rule, at_ms])?;
    Ok(n > 0)
}

/// Whether the episode (slo, rule, firing time) is stored.
pub fn exists(conn: &Connection, slo: &str, rule: u32, firing_at_ms: i64) -> Result<bool> {
    Ok(conn
        .prepare_cached(
            "SELECT 1 FROM alert_episodes WHERE slo = ?1 AND rule = ?2 AND firing_at_ms = ?3",
        )?
        .query_row(params![slo, rule, firing_at_ms], |_| Ok(()))
        .optional()?
        .is_some())
}

/// Episodes still firing, oldest first.
pub fn open(conn: &Connection) -> Result<Vec<AlertEpisodeRow>> {
    let rows = conn
        .prepare_cached(&format!(
            "SELECT {COLUMNS} FROM alert_episodes WHERE resolved_at_ms IS NULL ORDER BY firing_at_ms"
        ))?
        .query_map([], decode)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    finish(rows)
}

/// Episodes that fired in `[from_ms, to_ms)`, oldest first.
pub fn fired_between(conn: &Connection, from_ms: i64, to_ms: i64) -> Result<Vec<AlertEpisodeRow>> {
    let rows = conn
        .prepare_cached(&format!(
            "SELECT {COLUMNS} FROM alert_episodes WHERE firing_at_ms >= ?1 AND firing_at_ms < ?2
             ORDER BY firing_at_ms, slo, rule"
        ))?
        .query_map(params![from_ms, to_ms], decode)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    finish(rows)
}

/// The open episode of (slo, rule), if any.
pub fn open_of(conn: &Connection, slo: &str, rule: u32) -> Result<Option<AlertEpisodeRow>> {
    let row = conn
        .prepare_cached(&format!(
            "SELECT {COLUMNS} FROM alert_episodes WHERE slo = ?1 AND rule = ?2 AND resolved_at_ms IS NULL"
        ))?
        .query_row(params![slo, rule], decode)
        .optional()?;
    Ok(finish(row.into_iter().collect())?.pop())
}

/// Stores the attribution report (JSON) of one episode. Returns false when
/// the episode is not stored.
pub fn set_attribution(
    conn: &Connection,
    slo: &str,
    rule: u32,
    firing_at_ms: i64,
    report_json: &str,
) -> Result<bool> {
    let n = conn.execute(
        "UPDATE alert_episodes SET attribution = ?4 WHERE slo = ?1 AND rule = ?2 AND firing_at_ms = ?3",
        params![slo, rule, firing_at_ms, report_json],
    )?;
    Ok(n > 0)
}

/// The attribution report (JSON) stored with one episode, if any.
pub fn attribution_of(
    conn: &Connection,
    slo: &str,
    rule: u32,
    firing_at_ms: i64,
) -> Result<Option<String>> {
    Ok(conn
        .query_row(
            "SELECT attribution FROM alert_episodes WHERE slo = ?1 AND rule = ?2 AND firing_at_ms = ?3",
            params![slo, rule, firing_at_ms],
            |r| r.get::<_, Option<String>>(0),
        )
        .optional()?
        .flatten())
}
