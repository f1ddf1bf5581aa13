//! Read models over the `runs` table for the desktop app's lists: keyset pages
//! of one journey's runs, the last result per region, recent durations for
//! success rates and sparklines, and a cheap change watermark.
//!
//! The app must stay fluid with 100k runs and more, so nothing here reads a
//! whole table: pages are keyset-paged on `(started_at_ms, id)` through the
//! `runs_journey_sli` (or `runs_started`) index, and the stats read one
//! journey's time range only.

use rusqlite::{Connection, OptionalExtension, params};
use sightline_core::{Outcome, Run, RunId};

use super::parse_col;
use super::runs::{RUN_COLUMNS, decode_run, raw_run};
use crate::Result;

/// Which runs a page lists.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RunFilter {
    /// Only this journey's runs; every journey when `None`.
    pub journey: Option<String>,
}

/// A page of runs, newest first, without their steps. `before` is the last
/// row's `(started_at_ms, id)` of the previous page. Every attempt is listed
/// (retries too): the list is the record of what ran, not an SLI.
pub fn page(
    conn: &Connection,
    filter: &RunFilter,
    before: Option<(i64, RunId)>,
    limit: usize,
) -> Result<Vec<Run>> {
    let limit = i64::try_from(limit).unwrap_or(i64::MAX);
    // Rows compare as (started_at_ms, id) tuples; SQLite turns the row-value
    // comparison into an index range on started_at_ms.
    let (at, id) = before.map_or((i64::MAX, vec![0xffu8; 16]), |(at, id)| {
        (at, id.as_bytes().to_vec())
    });
    let raws = match &filter.journey {
        Some(journey) => {
            let sql = format!(
                "SELECT {RUN_COLUMNS} FROM runs
                 WHERE journey = ?1 AND (started_at_ms, id) < (?2, ?3)
                 ORDER BY started_at_ms DESC, id DESC LIMIT ?4"
            );
            let mut stmt = conn.prepare_cached(&sql)?;
            stmt.query_map(params![journey, at, id, limit], raw_run)?
                .collect::<rusqlite::Result<Vec<_>>>()?
        }
        None => {
            let sql = format!(
                "SELECT {RUN_COLUMNS} FROM runs WHERE (started_at_ms, id) < (?1, ?2)
                 ORDER BY started_at_ms DESC, id DESC LIMIT ?3"
            );
            let mut stmt = conn.prepare_cached(&sql)?;
            stmt.query_map(params![at, id, limit], raw_run)?
                .collect::<rusqlite::Result<Vec<_>>>()?
        }
    };
    raws.into_iter()
        .map(|raw| decode_run(raw, Vec::new()))
        .collect()
}

/// How many runs `filter` lists (every attempt).
pub fn count(conn: &Connection, filter: &RunFilter) -> Result<i64> {
    Ok(match &filter.journey {
        Some(j) => conn
            .prepare_cached("SELECT count(*) FROM runs WHERE journey = ?1")?
            .query_row([j], |r| r.get(0))?,
        None => conn.query_row("SELECT count(*) FROM runs", [], |r| r.get(0))?,
    })
}

/// The newest final attempt of `journey` from `region`, without steps.
pub fn last_in_region(conn: &Connection, journey: &str, region: &str) -> Result<Option<Run>> {
    let sql = format!(
        "SELECT {RUN_COLUMNS} FROM runs WHERE journey = ?1 AND region = ?2 AND is_final = 1
         ORDER BY started_at_ms DESC, id DESC LIMIT 1"
    );
    let raw = conn
        .prepare_cached(&sql)?
        .query_row(params![journey, region], raw_run)
        .optional()?;
    raw.map(|r| decode_run(r, Vec::new())).transpose()
}

/// One final attempt reduced to what list statistics need.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RunPoint {
    /// When it started, Unix ms.
    pub started_at_ms: i64,
    /// Whole-run duration.
    pub duration_ms: i64,
    /// How it ended.
    pub outcome: Outcome,
}

/// The final attempts of `journey` that started in `[from_ms, to_ms]`, oldest
/// first, with the regions they ran in.
pub fn points(
    conn: &Connection,
    journey: &str,
    from_ms: i64,
    to_ms: i64,
) -> Result<Vec<(String, RunPoint)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT region, started_at_ms, duration_ms, outcome FROM runs
         WHERE journey = ?1 AND started_at_ms BETWEEN ?2 AND ?3 AND is_final = 1
         ORDER BY started_at_ms, id",
    )?;
    let rows = stmt
        .query_map(params![journey, from_ms, to_ms], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, i64>(2)?,
                r.get::<_, String>(3)?,
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    rows.into_iter()
        .map(|(region, started_at_ms, duration_ms, outcome)| {
            Ok((
                region,
                RunPoint {
                    started_at_ms,
                    duration_ms,
                    outcome: parse_col("runs", "outcome", &outcome)?,
                },
            ))
        })
        .collect()
}

/// The distinct regions `journey` ran from in `[from_ms, to_ms]`, sorted.
pub fn regions(conn: &Connection, journey: &str, from_ms: i64, to_ms: i64) -> Result<Vec<String>> {
    let mut stmt = conn.prepare_cached(
        "SELECT DISTINCT region FROM runs
         WHERE journey = ?1 AND started_at_ms BETWEEN ?2 AND ?3 ORDER BY region",
    )?;
    let rows = stmt.query_map(params![journey, from_ms, to_ms], |r| r.get(0))?;
    Ok(rows.collect::<rusqlite::Result<Vec<String>>>()?)
}

/// What changed in `runs` since last asked: the newest `received_at_ms` and
/// the row count. Both move when a run is stored (a run re-sent with an
/// older receive time still moves the count), and both are one index lookup
/// or a count over the narrowest index, cheap enough to ask once a second.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RunsWatermark {
    /// The newest receive time, Unix ms; `None` without runs.
    pub received_at_ms: Option<i64>,
    /// How many runs are stored.
    pub count: i64,
}

/// The current [`RunsWatermark`].
pub fn watermark(conn: &Connection) -> Result<RunsWatermark> {
    Ok(
        conn.query_row("SELECT max(received_at_ms), count(*) FROM runs", [], |r| {
            Ok(RunsWatermark {
                received_at_ms: r.get(0)?,
                count: r.get(1)?,
            })
        })?,
    )
}
