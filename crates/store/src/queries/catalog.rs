//! What the store knows by name: services, journeys, regions. The question
//! box links the words of a question to these.

use rusqlite::Connection;

use crate::Result;

/// Distinct values of an indexed column by a loose index scan: one index
/// seek per value, not a scan of every row.
fn distinct_indexed(conn: &Connection, table: &str, column: &str) -> Result<Vec<String>> {
    let sql = format!(
        "WITH RECURSIVE s(x) AS (
           SELECT min({column}) FROM {table}
           UNION ALL
           SELECT (SELECT min({column}) FROM {table} WHERE {column} > s.x) FROM s WHERE s.x IS NOT NULL)
         SELECT x FROM s WHERE x IS NOT NULL"
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map([], |r| r.get(0))?;
    Ok(rows.collect::<rusqlite::Result<Vec<String>>>()?)
}

/// Every service that sent a span or had an event, sorted.
pub fn services(conn: &Connection) -> Result<Vec<String>> {
    let mut all = distinct_indexed(conn, "spans", "service")?;
    let mut stmt =
        conn.prepare_cached("SELECT DISTINCT service FROM events WHERE service IS NOT NULL")?;
    for s in stmt.query_map([], |r| r.get::<_, String>(0))? {
        all.push(s?);
    }
    all.sort();
    all.dedup();
    Ok(all)
}

/// Every journey with a stored run, sorted.
pub fn journeys(conn: &Connection) -> Result<Vec<String>> {
    distinct_indexed(conn, "runs", "journey")
}

/// Every region a run came from or an event names, sorted.
pub fn regions(conn: &Connection) -> Result<Vec<String>> {
    let mut all = Vec::new();
    for sql in [
        "SELECT DISTINCT region FROM runs",
        "SELECT DISTINCT region FROM events WHERE region IS NOT NULL",
    ] {
        let mut stmt = conn.prepare_cached(sql)?;
        for r in stmt.query_map([], |r| r.get::<_, String>(0))? {
            all.push(r?);
        }
    }
    all.sort();
    all.dedup();
    Ok(all)
}

/// The run whose trace is `trace_id`, as its id's text, if any.
pub fn run_of_trace(conn: &Connection, trace_id: &str) -> Result<Option<String>> {
    let mut stmt = conn.prepare_cached("SELECT id FROM runs WHERE trace_id = ?1 LIMIT 1")?;
    let mut rows = stmt.query([trace_id])?;
    match rows.next()? {
        Some(r) => {
            let bytes: Vec<u8> = r.get(0)?;
            let id = super::id_bytes("runs", "id", bytes)?;
            Ok(Some(sightline_core::RunId::from_bytes(id).to_string()))
        }
        None => Ok(None),
    }
}
