//! The `notification_outbox` table: notifications queued with the alert
//! transition that caused them, then delivered (or given up) by a sender.

use rusqlite::{Connection, params};
use serde::{Deserialize, Serialize};

use crate::Result;

/// A notification to queue.
#[derive(Debug, Clone, PartialEq)]
pub struct NewNotification<'a> {
    /// When it was queued, Unix ms.
    pub created_ms: i64,
    /// The target's name in `notify.yaml`.
    pub target: &'a str,
    /// The alert episode's stable key.
    pub notice_key: &'a str,
    /// `firing`, `resolved`, `acknowledged`, `policy`.
    pub kind: &'a str,
    /// `page` or `ticket`.
    pub severity: &'a str,
    /// The notice, JSON.
    pub notice_json: &'a str,
    /// Not before this (quiet hours, grouping wait), Unix ms.
    pub release_at_ms: i64,
}

/// One stored notification.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OutboxRow {
    /// The row's id: the same on every retry (`Sightline-Delivery`).
    pub id: i64,
    /// When it was queued.
    pub created_ms: i64,
    /// The target's name.
    pub target: String,
    /// The episode's key.
    pub notice_key: String,
    /// What happened.
    pub kind: String,
    /// `page` or `ticket`.
    pub severity: String,
    /// The notice, JSON.
    pub notice_json: String,
    /// Not before this.
    pub release_at_ms: i64,
    /// The next attempt's time.
    pub next_attempt_ms: i64,
    /// Attempts made.
    pub attempts: u32,
    /// `pending`, `delivered` or `dead`.
    pub state: String,
    /// When it was delivered.
    pub delivered_ms: Option<i64>,
    /// The last failure.
    pub last_error: Option<String>,
}

const COLUMNS: &str = "id, created_ms, target, notice_key, kind, severity, notice, release_at_ms,
    next_attempt_ms, attempts, state, delivered_ms, last_error";

fn decode(r: &rusqlite::Row<'_>) -> rusqlite::Result<OutboxRow> {
    Ok(OutboxRow {
        id: r.get(0)?,
        created_ms: r.get(1)?,
        target: r.get(2)?,
        notice_key: r.get(3)?,
        kind: r.get(4)?,
        severity: r.get(5)?,
        notice_json: r.get(6)?,
        release_at_ms: r.get(7)?,
        next_attempt_ms: r.get(8)?,
        attempts: r.get(9)?,
        state: r.get(10)?,
        delivered_ms: r.get(11)?,
        last_error: r.get(12)?,
    })
}

/// Queues one notification; the same (target, key, kind) again is a no-op.
/// Returns whether a row was added.
pub fn enqueue(conn: &Connection, n: &NewNotification<'_>) -> Result<bool> {
    let added = conn
        .prepare_cached(
            "INSERT INTO notification_outbox
               (created_ms, target, notice_key, kind, severity, notice, release_at_ms, next_attempt_ms)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7)
             ON CONFLICT (target, notice_key, kind) DO NOTHING",
        )?
        .execute(params![
            n.created_ms,
            n.target,
            n.notice_key,
            n.kind,
            n.severity,
            n.notice_json,
            n.release_at_ms
        ])?;
    Ok(added == 1)
}

/// Pending rows whose time has come at `now_ms`, oldest first, at most
/// `limit`.
pub fn due(conn: &Connection, now_ms: i64, limit: usize) -> Result<Vec<OutboxRow>> {
    let rows = conn
        .prepare_cached(&format!(
            "SELECT {COLUMNS} FROM notification_outbox
             WHERE state = 'pending' AND next_attempt_ms <= ?1
             ORDER BY target, created_ms, id LIMIT ?2"
        ))?
        .query_map(
            params![now_ms, i64::try_from(limit).unwrap_or(i64::MAX)],
            decode,
        )?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// Every row, newest first, at most `limit` (for `sightline notify outbox`).
pub fn recent(conn: &Connection, limit: usize) -> Result<Vec<OutboxRow>> {
    let rows = conn
        .prepare_cached(&format!(
            "SELECT {COLUMNS} FROM notification_outbox ORDER BY id DESC LIMIT ?1"
        ))?
        .query_map(params![i64::try_from(limit).unwrap_or(i64::MAX)], decode)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// Counts by state: (pending, delivered, dead).
pub fn counts(conn: &Connection) -> Result<(i64, i64, i64)> {
    Ok(conn.query_row(
        "SELECT COALESCE(SUM(state = 'pending'), 0), COALESCE(SUM(state = 'delivered'), 0),
                COALESCE(SUM(state = 'dead'), 0) FROM notification_outbox",
        [],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )?)
}

/// Marks rows delivered at `at_ms` (only those still pending).
pub fn mark_delivered(conn: &Connection, ids: &[i64], at_ms: i64) -> Result<usize> {
    let mut n = 0;
    let mut stmt = conn.prepare_cached(
        "UPDATE notification_outbox SET state = 'delivered', delivered_ms = ?2,
           attempts = attempts + 1, last_error = NULL
         WHERE id = ?1 AND state = 'pending'",
    )?;
    for id in ids {
        n += stmt.execute(params![id, at_ms])?;
    }
    Ok(n)
}

/// Records a failed attempt: the row waits until `next_attempt_ms`, or is
/// given up (`dead`) when `give_up`.
pub fn mark_failed(
    conn: &Connection,
    ids: &[i64],
    error: &str,
    next_attempt_ms: i64,
    give_up: bool,
) -> Result<usize> {
    let mut n = 0;
    let mut stmt = conn.prepare_cached(
        "UPDATE notification_outbox SET attempts = attempts + 1, last_error = ?2,
           next_attempt_ms = ?3, state = CASE WHEN ?4 THEN 'dead' ELSE 'pending' END
         WHERE id = ?1 AND state = 'pending'",
    )?;
    for id in ids {
        n += stmt.execute(params![id, error, next_attempt_ms, give_up])?;
    }
    Ok(n)
}

/// Claims due rows for one sender: each row's next attempt moves to
/// `lease_until_ms`, so a second sender (or this one after a crash) leaves
/// it alone until the lease ends. Returns the ids this call claimed.
pub fn claim(conn: &Connection, ids: &[i64], now_ms: i64, lease_until_ms: i64) -> Result<Vec<i64>> {
    let mut stmt = conn.prepare_cached(
        "UPDATE notification_outbox SET next_attempt_ms = ?3
         WHERE id = ?1 AND state = 'pending' AND next_attempt_ms <= ?2",
    )?;
    let mut out = Vec::new();
    for id in ids {
        if stmt.execute(params![id, now_ms, lease_until_ms])? == 1 {
            out.push(*id);
        }
    }
    Ok(out)
}
