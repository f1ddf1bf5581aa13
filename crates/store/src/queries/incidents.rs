//! The `incidents` and `incident_timeline` tables.

use rusqlite::{Connection, OptionalExtension, params};
use serde::{Deserialize, Serialize};

use crate::Result;

/// One incident.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IncidentRow {
    /// Its number.
    pub id: i64,
    /// The SLO whose alert opened it.
    pub slo: String,
    /// One line for people.
    pub title: String,
    /// The cause's service, when the engine found one.
    pub service: Option<String>,
    /// The cause's region.
    pub region: Option<String>,
    /// When it opened, Unix ms.
    pub opened_at_ms: i64,
    /// The last alert or note, Unix ms (the merge window counts from it).
    pub last_activity_ms: i64,
    /// `open`, `acknowledged` or `resolved`.
    pub state: String,
    /// When the state last changed.
    pub state_at_ms: i64,
    /// Who changed it (`None`: Sightline itself).
    pub state_by: Option<String>,
}

/// One entry of an incident's timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimelineRow {
    /// Order of insertion.
    pub seq: i64,
    /// When it happened, Unix ms.
    pub at_ms: i64,
    /// `alert_fired`, `alert_resolved`, `attribution`, `note`, `state`,
    /// `question`.
    pub kind: String,
    /// What to open: `alert:SLO/RULE/FIRING_MS`, `run:ID`, `event:ID`.
    pub link: Option<String>,
    /// One line for people.
    pub summary: String,
    /// Who, for notes and state changes.
    pub by: Option<String>,
    /// JSON detail (an attribution report for `attribution`).
    pub detail: Option<String>,
}

const COLUMNS: &str =
    "id, slo, title, service, region, opened_at_ms, last_activity_ms, state, state_at_ms, state_by";

fn decode(r: &rusqlite::Row<'_>) -> rusqlite::Result<IncidentRow> {
    Ok(IncidentRow {
        id: r.get(0)?,
        slo: r.get(1)?,
        title: r.get(2)?,
        service: r.get(3)?,
        region: r.get(4)?,
        opened_at_ms: r.get(5)?,
        last_activity_ms: r.get(6)?,
        state: r.get(7)?,
        state_at_ms: r.get(8)?,
        state_by: r.get(9)?,
    })
}

/// The unresolved incident an alert at `at_ms` joins: the same SLO, or the
/// same cause (service and region), active within `merge_window_ms`.
pub fn joinable(
    conn: &Connection,
    slo: &str,
    cause: (Option<&str>, Option<&str>),
    at_ms: i64,
    merge_window_ms: i64,
) -> Result<Option<IncidentRow>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM incidents
         WHERE state != 'resolved' AND last_activity_ms >= ?1
           AND (slo = ?2 OR (?3 IS NOT NULL AND service = ?3 AND region IS ?4))
         ORDER BY last_activity_ms DESC LIMIT 1"
    ))?;
    Ok(stmt
        .query_row(
            params![at_ms - merge_window_ms, slo, cause.0, cause.1],
            decode,
        )
        .optional()?)
}

/// Opens a new incident and returns its number.
pub fn open(
    conn: &Connection,
    slo: &str,
    title: &str,
    cause: (Option<&str>, Option<&str>),
    at_ms: i64,
) -> Result<i64> {
    conn.prepare_cached(
        "INSERT INTO incidents (slo, title, service, region, opened_at_ms, last_activity_ms, state, state_at_ms)
         VALUES (?1, ?2, ?3, ?4, ?5, ?5, 'open', ?5)",
    )?
    .execute(params![slo, title, cause.0, cause.1, at_ms])?;
    Ok(conn.last_insert_rowid())
}

fn insert(conn: &Connection, incident: i64, kind: &str, item: &TimelineRow) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO incident_timeline (incident_id, at_ms, kind, link, summary, by_whom, detail)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?
    .execute(params![
        incident,
        item.at_ms,
        kind,
        item.link,
        item.summary,
        item.by,
        item.detail
    ])?;
    Ok(())
}

/// Appends to an incident's timeline and moves its last activity on.
pub fn add(conn: &Connection, incident: i64, item: &TimelineRow) -> Result<()> {
    insert(conn, incident, &item.kind, item)?;
    conn.prepare_cached(
        "UPDATE incidents SET last_activity_ms = max(last_activity_ms, ?2) WHERE id = ?1",
    )?
    .execute(params![incident, item.at_ms])?;
    Ok(())
}

/// Appends a question asked about an incident (kind `question` whatever
/// `item.kind` says, the question as summary, `detail` what answered it).
/// Unlike [`add`] it leaves the last activity alone: people asking about an
/// incident do not keep it open for the next alert to join.
pub fn add_question(conn: &Connection, incident: i64, item: &TimelineRow) -> Result<()> {
    insert(conn, incident, "question", item)
}

/// The questions asked about an incident, newest first, at most `limit`.
pub fn questions(conn: &Connection, incident: i64, limit: usize) -> Result<Vec<TimelineRow>> {
    let limit = i64::try_from(limit).unwrap_or(i64::MAX);
    let mut stmt = conn.prepare_cached(
        "SELECT seq, at_ms, kind, link, summary, by_whom, detail FROM incident_timeline
         WHERE incident_id = ?1 AND kind = 'question' ORDER BY at_ms DESC, seq DESC LIMIT ?2",
    )?;
    let rows = stmt
        .query_map(params![incident, limit], timeline_row)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

fn timeline_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<TimelineRow> {
    Ok(TimelineRow {
        seq: r.get(0)?,
        at_ms: r.get(1)?,
        kind: r.get(2)?,
        link: r.get(3)?,
        summary: r.get(4)?,
        by: r.get(5)?,
        detail: r.get(6)?,
    })
}

/// One incident, if it exists.
pub fn get(conn: &Connection, id: i64) -> Result<Option<IncidentRow>> {
    Ok(conn
        .prepare_cached(&format!("SELECT {COLUMNS} FROM incidents WHERE id = ?1"))?
        .query_row([id], decode)
        .optional()?)
}

/// Incidents, newest first; resolved ones only when asked.
pub fn list(conn: &Connection, include_resolved: bool, limit: usize) -> Result<Vec<IncidentRow>> {
    let filter = if include_resolved {
        ""
    } else {
        "WHERE state != 'resolved'"
    };
    let limit = i64::try_from(limit).unwrap_or(i64::MAX);
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM incidents {filter} ORDER BY opened_at_ms DESC, id DESC LIMIT ?1"
    ))?;
    let rows = stmt
        .query_map([limit], decode)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// An incident's timeline, in time order.
pub fn timeline(conn: &Connection, id: i64) -> Result<Vec<TimelineRow>> {
    let mut stmt = conn.prepare_cached(
        "SELECT seq, at_ms, kind, link, summary, by_whom, detail FROM incident_timeline
         WHERE incident_id = ?1 ORDER BY at_ms, seq",
    )?;
    let rows = stmt
        .query_map([id], timeline_row)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// Moves an incident to `state` (`acknowledged` or `resolved`), recording
/// who and when on the incident and in its timeline. The inner error
/// refuses the move, naming why: no such incident, or a move that makes no
/// sense (acknowledging a resolved incident, resolving one twice).
pub fn set_state(
    conn: &Connection,
    id: i64,
    state: &str,
    by: Option<&str>,
    at_ms: i64,
) -> Result<std::result::Result<IncidentRow, String>> {
    let Some(current) = get(conn, id)? else {
        return Ok(Err(format!("no incident {id}")));
    };
    let allowed = matches!(
        (current.state.as_str(), state),
        ("open", "acknowledged") | ("open" | "acknowledged", "resolved")
    );
    if !allowed {
        return Ok(Err(format!(
            "incident {id} is {}; it cannot be {state}",
            current.state
        )));
    }
    conn.prepare_cached(
        "UPDATE incidents SET state = ?2, state_at_ms = ?3, state_by = ?4 WHERE id = ?1",
    )?
    .execute(params![id, state, at_ms, by])?;
    add(
        conn,
        id,
        &TimelineRow {
            seq: 0,
            at_ms,
            kind: "state".into(),
            link: None,
            summary: format!(
                "{state}{}",
                by.map(|b| format!(" by {b}")).unwrap_or_default()
            ),
            by: by.map(str::to_owned),
            detail: None,
        },
    )?;
    Ok(get(conn, id)?.ok_or_else(|| format!("no incident {id}")))
}
