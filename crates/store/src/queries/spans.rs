//! The `spans` table: backend spans received over OTLP, one row each, with the
//! attributes attribution filters on lifted into columns.

use rusqlite::{Connection, ToSql, Transaction, params};
use sightline_core::{Span, SpanKind, SpanStatus};

use super::{json_col, multi_row_insert_sql, parse_col, to_json_col};
use crate::{Result, StoreError};

const COLUMNS: [&str; 21] = [
    "trace_id",
    "span_id",
    "parent_span_id",
    "service",
    "name",
    "kind",
    "start_unix_nano",
    "duration_nano",
    "status",
    "status_message",
    "http_route",
    "http_status_code",
    "db_system",
    "rpc_system",
    "rpc_service",
    "rpc_method",
    "region",
    "service_version",
    "pod",
    "attributes",
    "received_at_ms",
];

/// Rows per multi-row statement: 32 x 21 = 672 parameters, well under
/// SQLite's limit, and wide enough that parsing and stepping cost little.
const CHUNK: usize = 32;

fn sql(rows: usize) -> &'static str {
    static FULL: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    static ONE: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let cell = if rows == CHUNK { &FULL } else { &ONE };
    cell.get_or_init(|| {
        multi_row_insert_sql(
            "spans",
            &COLUMNS,
            rows,
            "ON CONFLICT (trace_id, span_id) DO NOTHING",
        )
    })
}

/// Spans with their attribute maps already encoded as the JSON the
/// `attributes` column holds. Encoding is about a fifth of the cost of
/// storing a span; doing it here, in whichever thread builds the batch (the
/// receivers' request handlers), takes it off the single writer thread.
#[derive(Debug, Clone, PartialEq)]
pub struct EncodedSpans {
    spans: Vec<Span>,
    attributes_json: Vec<String>,
}

impl EncodedSpans {
    /// Encodes the attributes of `spans`. A map of string keys to JSON
    /// values always serialises, so this cannot fail.
    pub fn new(spans: Vec<Span>) -> Self {
        let attributes_json = spans
            .iter()
            .map(|s| serde_json::to_string(&s.attributes).unwrap_or_else(|_| "{}".to_owned()))
            .collect();
        Self {
            spans,
            attributes_json,
        }
    }

    /// The spans.
    pub fn spans(&self) -> &[Span] {
        &self.spans
    }
}

/// Inserts `spans` inside `tx`. A span whose (trace id, span id) is already
/// stored is skipped, so an exporter's retry stores nothing twice. Returns how
/// many rows were written.
pub fn insert_many(tx: &Transaction<'_>, spans: &[Span], received_at_ms: i64) -> Result<usize> {
    let attrs: Vec<String> = spans
        .iter()
        .map(|s| to_json_col("spans", "attributes", &s.attributes))
        .collect::<Result<_>>()?;
    insert_rows(tx, spans, &attrs, received_at_ms)
}

/// [`insert_many`] for spans whose attributes are already encoded.
pub fn insert_encoded(
    tx: &Transaction<'_>,
    e: &EncodedSpans,
    received_at_ms: i64,
) -> Result<usize> {
    insert_rows(tx, &e.spans, &e.attributes_json, received_at_ms)
}

fn insert_rows(
    tx: &Transaction<'_>,
    spans: &[Span],
    attrs: &[String],
    received_at_ms: i64,
) -> Result<usize> {
    let mut written = 0;
    let mut start = 0;
    while start < spans.len() {
        let rows = if spans.len() - start >= CHUNK {
            CHUNK
        } else {
            1
        };
        let mut stmt = tx.prepare_cached(sql(rows))?;
        let mut values: Vec<&dyn ToSql> = Vec::with_capacity(rows * COLUMNS.len());
        let kinds: Vec<&str> = spans[start..start + rows]
            .iter()
            .map(|s| s.kind.as_str())
            .collect();
        let statuses: Vec<&str> = spans[start..start + rows]
            .iter()
            .map(|s| s.status.as_str())
            .collect();
        for (i, s) in spans[start..start + rows].iter().enumerate() {
            values.extend_from_slice(&[
                &s.trace_id as &dyn ToSql,
                &s.span_id,
                &s.parent_span_id,
                &s.service,
                &s.name,
                &kinds[i],
                &s.start_time_unix_nano,
                &s.duration_nano,
                &statuses[i],
                &s.status_message,
                &s.http_route,
                &s.http_status_code,
                &s.db_system,
                &s.rpc_system,
                &s.rpc_service,
                &s.rpc_method,
                &s.region,
                &s.service_version,
                &s.pod,
                &attrs[start + i],
                &received_at_ms,
            ]);
        }
        written += stmt.execute(values.as_slice())?;
        start += rows;
    }
    Ok(written)
}

fn decode(r: &rusqlite::Row<'_>) -> rusqlite::Result<RawSpan> {
    Ok(RawSpan {
        trace_id: r.get(0)?,
        span_id: r.get(1)?,
        parent_span_id: r.get(2)?,
        service: r.get(3)?,
        name: r.get(4)?,
        kind: r.get(5)?,
        start_time_unix_nano: r.get(6)?,
        duration_nano: r.get(7)?,
        status: r.get(8)?,
        status_message: r.get(9)?,
        http_route: r.get(10)?,
        http_status_code: r.get(11)?,
        db_system: r.get(12)?,
        rpc_system: r.get(13)?,
        rpc_service: r.get(14)?,
        rpc_method: r.get(15)?,
        region: r.get(16)?,
        service_version: r.get(17)?,
        pod: r.get(18)?,
        attributes: r.get(19)?,
    })
}

/// A row before its text columns are checked, so errors can name the column.
struct RawSpan {
    trace_id: String,
    span_id: String,
    parent_span_id: Option<String>,
    service: String,
    name: String,
    kind: String,
    start_time_unix_nano: i64,
    duration_nano: i64,
    status: String,
    status_message: Option<String>,
    http_route: Option<String>,
    http_status_code: Option<i64>,
    db_system: Option<String>,
    rpc_system: Option<String>,
    rpc_service: Option<String>,
    rpc_method: Option<String>,
    region: Option<String>,
    service_version: Option<String>,
    pod: Option<String>,
    attributes: String,
}

impl RawSpan {
    fn into_span(self) -> Result<Span> {
        Ok(Span {
            kind: parse_col::<SpanKind>("spans", "kind", &self.kind)?,
            status: parse_col::<SpanStatus>("spans", "status", &self.status)?,
            attributes: json_col("spans", "attributes", &self.attributes)?,
            trace_id: self.trace_id,
            span_id: self.span_id,
            parent_span_id: self.parent_span_id,
            service: self.service,
            name: self.name,
            start_time_unix_nano: self.start_time_unix_nano,
            duration_nano: self.duration_nano,
            status_message: self.status_message,
            http_route: self.http_route,
            http_status_code: self.http_status_code,
            db_system: self.db_system,
            rpc_system: self.rpc_system,
            rpc_service: self.rpc_service,
            rpc_method: self.rpc_method,
            region: self.region,
            service_version: self.service_version,
            pod: self.pod,
        })
    }
}

const SELECT: &str = "SELECT trace_id, span_id, parent_span_id, service, name, kind,
    start_unix_nano, duration_nano, status, status_message, http_route, http_status_code,
    db_system, rpc_system, rpc_service, rpc_method, region, service_version, pod, attributes
    FROM spans";

/// Every span of one trace, by start time. The id is matched in lowercase,
/// the form the store keeps.
pub fn spans_for_trace(conn: &Connection, trace_id: &str) -> Result<Vec<Span>> {
    let mut stmt = conn.prepare_cached(&format!(
        "{SELECT} WHERE trace_id = ?1 ORDER BY start_unix_nano, span_id"
    ))?;
    let raws = stmt
        .query_map([trace_id.to_ascii_lowercase()], decode)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    raws.into_iter().map(RawSpan::into_span).collect()
}

/// One service's spans with `from <= start < to` (Unix ns), by start time,
/// at most `limit` of them.
pub fn for_service(
    conn: &Connection,
    service: &str,
    from_unix_nano: i64,
    to_unix_nano: i64,
    limit: usize,
) -> Result<Vec<Span>> {
    let mut stmt = conn.prepare_cached(&format!(
        "{SELECT} WHERE service = ?1 AND start_unix_nano >= ?2 AND start_unix_nano < ?3
         ORDER BY start_unix_nano LIMIT ?4"
    ))?;
    let limit = i64::try_from(limit).unwrap_or(i64::MAX);
    let raws = stmt
        .query_map(
            params![service, from_unix_nano, to_unix_nano, limit],
            decode,
        )?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    raws.into_iter().map(RawSpan::into_span).collect()
}

/// Spans with `from <= start < to` (Unix ns), by start time, at most `limit`.
pub fn between(
    conn: &Connection,
    from_unix_nano: i64,
    to_unix_nano: i64,
    limit: usize,
) -> Result<Vec<Span>> {
    let mut stmt = conn.prepare_cached(&format!(
        "{SELECT} WHERE start_unix_nano >= ?1 AND start_unix_nano < ?2 ORDER BY start_unix_nano LIMIT ?3"
    ))?;
    let limit = i64::try_from(limit).unwrap_or(i64::MAX);
    let raws = stmt
        .query_map(params![from_unix_nano, to_unix_nano, limit], decode)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    raws.into_iter().map(RawSpan::into_span).collect()
}

/// A server span reduced to its RED fields.
#[derive(Debug, Clone, PartialEq)]
pub struct RedSpan {
    /// `service.name`.
    pub service: String,
    /// `cloud.region`.
    pub region: Option<String>,
    /// Start, Unix ns.
    pub start_unix_nano: i64,
    /// Duration, ns.
    pub duration_nano: i64,
    /// Whether its status is an error.
    pub error: bool,
}

/// Server spans with `from <= start < to`, at most `per_bucket` from each
/// `bucket_nano` slice of the range (the first by start time), without
/// their attributes: enough for rate, errors and duration series over a
/// window of millions of spans at a bounded cost.
pub fn red_sample(
    conn: &Connection,
    from_unix_nano: i64,
    to_unix_nano: i64,
    bucket_nano: i64,
    per_bucket: usize,
) -> Result<Vec<RedSpan>> {
    let mut stmt = conn.prepare_cached(
        "SELECT service, region, start_unix_nano, duration_nano, status = 'error' FROM spans
         WHERE start_unix_nano >= ?1 AND start_unix_nano < ?2 AND kind = 'server'
         ORDER BY start_unix_nano LIMIT ?3",
    )?;
    let limit = i64::try_from(per_bucket).unwrap_or(i64::MAX);
    let mut out = Vec::new();
    let step = bucket_nano.max(1);
    let mut at = from_unix_nano;
    while at < to_unix_nano {
        let end = (at + step).min(to_unix_nano);
        let rows = stmt.query_map(params![at, end, limit], |r| {
            Ok(RedSpan {
                service: r.get(0)?,
                region: r.get(1)?,
                start_unix_nano: r.get(2)?,
                duration_nano: r.get(3)?,
                error: r.get(4)?,
            })
        })?;
        for row in rows {
            out.push(row?);
        }
        at = end;
    }
    Ok(out)
}

/// How many spans are stored.
pub fn count(conn: &Connection) -> Result<i64> {
    conn.query_row("SELECT count(*) FROM spans", [], |r| r.get(0))
        .map_err(StoreError::from)
}

/// The services seen in the traces of `journey`'s newest runs (at most
/// `max_runs`) started in `[from_ms, to_ms)`: the services on that journey's
/// path, sorted. Empty when the runs carry no traces.
pub fn services_on_path(
    conn: &Connection,
    journey: &str,
    from_ms: i64,
    to_ms: i64,
    max_runs: usize,
) -> Result<Vec<String>> {
    let rows = conn
        .prepare_cached(
            "SELECT DISTINCT service FROM spans WHERE trace_id IN (
               SELECT trace_id FROM runs WHERE journey = ?1 AND started_at_ms >= ?2
                 AND started_at_ms < ?3 AND trace_id IS NOT NULL
               ORDER BY started_at_ms DESC LIMIT ?4)
             ORDER BY service",
        )?
        .query_map(
            params![
                journey,
                from_ms,
                to_ms,
                i64::try_from(max_runs).unwrap_or(i64::MAX)
            ],
            |r| r.get(0),
        )?
        .collect::<rusqlite::Result<Vec<String>>>()?;
    Ok(rows)
}
