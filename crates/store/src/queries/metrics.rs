//! The `metric_points` table: one row per data point, from OTLP metrics and
//! Prometheus scrapes.

use rusqlite::{Connection, ToSql, Transaction, params};
use serde::{Deserialize, Serialize};
use sightline_core::{MetricKind, MetricPoint};

use super::{json_col, multi_row_insert_sql, to_json_col};
use crate::{Result, StoreError};

const COLUMNS: [&str; 11] = [
    "name",
    "service",
    "time_unix_nano",
    "kind",
    "value",
    "monotonic",
    "count",
    "sum",
    "detail",
    "attributes",
    "received_at_ms",
];

/// Rows per multi-row statement (11 parameters each).
const CHUNK: usize = 48;

fn sql(rows: usize) -> &'static str {
    static FULL: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    static ONE: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let cell = if rows == CHUNK { &FULL } else { &ONE };
    cell.get_or_init(|| multi_row_insert_sql("metric_points", &COLUMNS, rows, ""))
}

/// The `detail` column: what does not fit the scalar columns.
#[derive(Serialize, Deserialize)]
#[serde(untagged)]
enum Detail {
    Histogram {
        bounds: Vec<f64>,
        bucket_counts: Vec<u64>,
    },
    Exponential {
        scale: i32,
        zero_count: u64,
        positive_offset: i32,
        positive_bucket_counts: Vec<u64>,
        negative_offset: i32,
        negative_bucket_counts: Vec<u64>,
    },
    /// JSON has no NaN, and Prometheus summaries often report NaN quantiles
    /// (no observations yet): those are kept as `null`.
    Summary { quantiles: Vec<(f64, Option<f64>)> },
}

/// The scalar columns of one point: value, monotonic, count, sum, detail.
type Columns = (
    Option<f64>,
    Option<bool>,
    Option<i64>,
    Option<f64>,
    Option<String>,
);

fn columns(kind: &MetricKind) -> Result<Columns> {
    let count = |c: u64| i64::try_from(c).unwrap_or(i64::MAX);
    let detail = |d: Detail| to_json_col("metric_points", "detail", &d).map(Some);
    Ok(match kind {
        MetricKind::Gauge { value } => (Some(*value), None, None, None, None),
        MetricKind::Sum { value, monotonic } => (Some(*value), Some(*monotonic), None, None, None),
        MetricKind::Histogram {
            count: c,
            sum,
            bounds,
            bucket_counts,
        } => (
            None,
            None,
            Some(count(*c)),
            Some(*sum),
            detail(Detail::Histogram {
                bounds: bounds.clone(),
                bucket_counts: bucket_counts.clone(),
            })?,
        ),
        MetricKind::ExponentialHistogram {
            count: c,
            sum,
            scale,
            zero_count,
            positive_offset,
            positive_bucket_counts,
            negative_offset,
            negative_bucket_counts,
        } => (
            None,
            None,
            Some(count(*c)),
            Some(*sum),
            detail(Detail::Exponential {
                scale: *scale,
                zero_count: *zero_count,
                positive_offset: *positive_offset,
                positive_bucket_counts: positive_bucket_counts.clone(),
                negative_offset: *negative_offset,
                negative_bucket_counts: negative_bucket_counts.clone(),
            })?,
        ),
        MetricKind::Summary {
            count: c,
            sum,
            quantiles,
        } => (
            None,
            None,
            Some(count(*c)),
            Some(*sum),
            detail(Detail::Summary {
                quantiles: quantiles
                    .iter()
                    .map(|&(q, v)| (q, (!v.is_nan()).then_some(v)))
                    .collect(),
            })?,
        ),
    })
}

/// Inserts `points` inside `tx`. Returns how many rows were written.
pub fn insert_many(
    tx: &Transaction<'_>,
    points: &[MetricPoint],
    received_at_ms: i64,
) -> Result<usize> {
    let cols: Vec<Columns> = points
        .iter()
        .map(|p| columns(&p.value))
        .collect::<Result<_>>()?;
    let attrs: Vec<String> = points
        .iter()
        .map(|p| to_json_col("metric_points", "attributes", &p.attributes))
        .collect::<Result<_>>()?;
    let mut written = 0;
    let mut start = 0;
    while start < points.len() {
        let rows = if points.len() - start >= CHUNK {
            CHUNK
        } else {
            1
        };
        let mut stmt = tx.prepare_cached(sql(rows))?;
        let mut values: Vec<&dyn ToSql> = Vec::with_capacity(rows * COLUMNS.len());
        let kinds: Vec<&str> = points[start..start + rows]
            .iter()
            .map(|p| p.value.as_str())
            .collect();
        for (i, p) in points[start..start + rows].iter().enumerate() {
            let c = &cols[start + i];
            values.extend_from_slice(&[
                &p.name as &dyn ToSql,
                &p.service,
                &p.time_unix_nano,
                &kinds[i],
                &c.0,
                &c.1,
                &c.2,
                &c.3,
                &c.4,
                &attrs[start + i],
                &received_at_ms,
            ]);
        }
        written += stmt.execute(values.as_slice())?;
        start += rows;
    }
    Ok(written)
}

struct RawPoint {
    name: String,
    service: String,
    time_unix_nano: i64,
    kind: String,
    value: Option<f64>,
    monotonic: Option<bool>,
    count: Option<i64>,
    sum: Option<f64>,
    detail: Option<String>,
    attributes: String,
}

fn decode(raw: RawPoint) -> Result<MetricPoint> {
    let bad = |reason: String| StoreError::Decode {
        table: "metric_points",
        column: "kind",
        reason,
    };
    let count = u64::try_from(raw.count.unwrap_or(0)).unwrap_or(0);
    // SQLite stores NaN as NULL; give it back as NaN.
    let sum = raw.sum.unwrap_or(f64::NAN);
    let detail: Option<Detail> = raw
        .detail
        .as_deref()
        .map(|d| json_col("metric_points", "detail", d))
        .transpose()?;
    let value = match (raw.kind.as_str(), detail) {
        ("gauge", _) => MetricKind::Gauge {
            value: raw.value.unwrap_or(f64::NAN),
        },
        ("sum", _) => MetricKind::Sum {
            value: raw.value.unwrap_or(f64::NAN),
            monotonic: raw.monotonic.unwrap_or(false),
        },
        (
            "histogram",
            Some(Detail::Histogram {
                bounds,
                bucket_counts,
            }),
        ) => MetricKind::Histogram {
            count,
            sum,
            bounds,
            bucket_counts,
        },
        (
            "exponential_histogram",
            Some(Detail::Exponential {
                scale,
                zero_count,
                positive_offset,
                positive_bucket_counts,
                negative_offset,
                negative_bucket_counts,
            }),
        ) => MetricKind::ExponentialHistogram {
            count,
            sum,
            scale,
            zero_count,
            positive_offset,
            positive_bucket_counts,
            negative_offset,
            negative_bucket_counts,
        },
        ("summary", Some(Detail::Summary { quantiles })) => MetricKind::Summary {
            count,
            sum,
            quantiles: quantiles
                .into_iter()
                .map(|(q, v)| (q, v.unwrap_or(f64::NAN)))
                .collect(),
        },
        (kind, _) => {
            return Err(bad(format!(
                "{kind:?} with a detail column that does not match it"
            )));
        }
    };
    Ok(MetricPoint {
        name: raw.name,
        service: raw.service,
        time_unix_nano: raw.time_unix_nano,
        attributes: json_col("metric_points", "attributes", &raw.attributes)?,
        value,
    })
}

const SELECT: &str =
    "SELECT name, service, time_unix_nano, kind, value, monotonic, count, sum, detail, attributes
     FROM metric_points";

fn raw_point(r: &rusqlite::Row<'_>) -> rusqlite::Result<RawPoint> {
    Ok(RawPoint {
        name: r.get(0)?,
        service: r.get(1)?,
        time_unix_nano: r.get(2)?,
        kind: r.get(3)?,
        value: r.get(4)?,
        monotonic: r.get(5)?,
        count: r.get(6)?,
        sum: r.get(7)?,
        detail: r.get(8)?,
        attributes: r.get(9)?,
    })
}

/// Points of metric `name` with `from <= time < to` (Unix ns), oldest first.
pub fn series(
    conn: &Connection,
    name: &str,
    from_unix_nano: i64,
    to_unix_nano: i64,
) -> Result<Vec<MetricPoint>> {
    let mut stmt = conn.prepare_cached(&format!(
        "{SELECT} WHERE name = ?1 AND time_unix_nano >= ?2 AND time_unix_nano < ?3 ORDER BY time_unix_nano"
    ))?;
    let raws = stmt
        .query_map(params![name, from_unix_nano, to_unix_nano], raw_point)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    raws.into_iter().map(decode).collect()
}

/// Points of every metric with `from <= time < to` (Unix ns), oldest first, at most `limit`.
pub fn between(
    conn: &Connection,
    from_unix_nano: i64,
    to_unix_nano: i64,
    limit: usize,
) -> Result<Vec<MetricPoint>> {
    let limit = i64::try_from(limit).unwrap_or(i64::MAX);
    let mut stmt = conn.prepare_cached(&format!(
        "{SELECT} WHERE time_unix_nano >= ?1 AND time_unix_nano < ?2 ORDER BY time_unix_nano LIMIT ?3"
    ))?;
    let raws = stmt
        .query_map(params![from_unix_nano, to_unix_nano, limit], raw_point)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    raws.into_iter().map(decode).collect()
}

/// How many metric points are stored.
pub fn count(conn: &Connection) -> Result<i64> {
    conn.query_row("SELECT count(*) FROM metric_points", [], |r| r.get(0))
        .map_err(StoreError::from)
}
