//! The `events` table: deploys, Kubernetes events and incident changes.

use rusqlite::{Connection, params};
use sightline_core::{Event, EventId, EventKind};

use super::id_bytes;
use crate::{Result, Store, StoreError};

/// Inserts one event; an event with the same id is left as it is. Returns
/// whether a row was written.
pub fn insert(conn: &Connection, event: &Event) -> Result<bool> {
    let (service, region) = match &event.kind {
        EventKind::Deploy(d) => (Some(d.service.as_str()), d.region.as_deref()),
        EventKind::Kubernetes(_) | EventKind::Incident(_) => (None, None),
    };
    let payload = serde_json::to_string(&event.kind).map_err(|e| StoreError::Decode {
        table: "events",
        column: "payload",
        reason: e.to_string(),
    })?;
    let n = conn
        .prepare_cached(
            "INSERT INTO events (id, at_ms, kind, source, service, region, payload)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT (id) DO NOTHING",
        )?
        .execute(params![
            event.id.as_bytes().as_slice(),
            event.at_ms,
            event.kind.as_str(),
            event.source,
            service,
            region,
            payload,
        ])?;
    Ok(n == 1)
}

/// Events with `from_ms <= at_ms < to_ms`, oldest first.
pub fn between(conn: &Connection, from_ms: i64, to_ms: i64) -> Result<Vec<Event>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, at_ms, source, payload FROM events
         WHERE at_ms >= ?1 AND at_ms < ?2 ORDER BY at_ms, id",
    )?;
    let rows = stmt
        .query_map(params![from_ms, to_ms], |r| {
            Ok((
                r.get::<_, Vec<u8>>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    rows.into_iter()
        .map(|(id, at_ms, source, payload)| {
            let kind: EventKind =
                serde_json::from_str(&payload).map_err(|e| StoreError::Decode {
                    table: "events",
                    column: "payload",
                    reason: e.to_string(),
                })?;
            Ok(Event {
                id: EventId::from_bytes(id_bytes("events", "id", id)?),
                at_ms,
                source,
                kind,
            })
        })
        .collect()
}

impl Store {
    /// Stores one event in its own transaction.
    pub fn insert_event(&mut self, event: &Event) -> Result<bool> {
        insert(self.conn(), event)
    }
}

/// Deploy events with `from_ms <= at_ms < to_ms`, oldest first: the markers
/// on the app's time charts.
pub fn deploys_between(conn: &Connection, from_ms: i64, to_ms: i64) -> Result<Vec<Event>> {
    Ok(between(conn, from_ms, to_ms)?
        .into_iter()
        .filter(|e| matches!(e.kind, EventKind::Deploy(_)))
        .collect())
}

/// How many events are stored, for the app's change watcher: a new event
/// moves it whatever its `at_ms`.
pub fn count(conn: &Connection) -> Result<i64> {
    Ok(conn.query_row("SELECT count(*) FROM events", [], |r| r.get(0))?)
}
