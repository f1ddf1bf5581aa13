//! Writing telemetry: one transaction for many batches, so the ingest writer
//! pays one commit (one fsync) for everything that arrived meanwhile.

use serde::Serialize;
use sightline_core::{Event, LogRecord, MetricPoint, Span};

use crate::{Result, Store, StoreError, queries};

/// Telemetry of one kind, as one request delivered it.
#[derive(Debug, Clone, PartialEq)]
pub enum TelemetryBatch {
    /// Spans.
    Spans(Vec<Span>),
    /// Spans whose attribute JSON was encoded by the caller (see
    /// [`queries::spans::EncodedSpans`]).
    EncodedSpans(queries::spans::EncodedSpans),
    /// Log records.
    Logs(Vec<LogRecord>),
    /// Metric points.
    Metrics(Vec<MetricPoint>),
    /// Deploy and Kubernetes events.
    Events(Vec<Event>),
}

impl TelemetryBatch {
    /// How many items it holds.
    pub fn len(&self) -> usize {
        match self {
            TelemetryBatch::Spans(v) => v.len(),
            TelemetryBatch::EncodedSpans(e) => e.spans().len(),
            TelemetryBatch::Logs(v) => v.len(),
            TelemetryBatch::Metrics(v) => v.len(),
            TelemetryBatch::Events(v) => v.len(),
        }
    }

    /// Whether it holds nothing.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Rows written by one batch. Items already stored (a retried span, a
/// redelivered event) count as duplicates.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Written {
    /// Rows newly stored.
    pub stored: usize,
    /// Items skipped because they were already stored.
    pub duplicates: usize,
}

/// Writes one batch inside `tx`.
pub fn write_batch(
    tx: &rusqlite::Transaction<'_>,
    batch: &TelemetryBatch,
    received_at_ms: i64,
) -> Result<Written> {
    let stored = match batch {
        TelemetryBatch::Spans(v) => queries::spans::insert_many(tx, v, received_at_ms)?,
        TelemetryBatch::EncodedSpans(e) => queries::spans::insert_encoded(tx, e, received_at_ms)?,
        TelemetryBatch::Logs(v) => queries::logs::insert_many(tx, v, received_at_ms)?,
        TelemetryBatch::Metrics(v) => queries::metrics::insert_many(tx, v, received_at_ms)?,
        TelemetryBatch::Events(v) => {
            let mut n = 0;
            for e in v {
                n += usize::from(queries::events::insert(tx, e)?);
            }
            n
        }
    };
    Ok(Written {
        stored,
        duplicates: batch.len() - stored,
    })
}

impl Store {
    /// Writes `batches` in one transaction: all of them or none. Returns what
    /// each one wrote, in order.
    pub fn insert_telemetry(
        &mut self,
        batches: &[&TelemetryBatch],
        received_at_ms: i64,
    ) -> Result<Vec<Written>> {
        let path = self.path().to_owned();
        let tx = self.conn_mut().transaction()?;
        let mut out = Vec::with_capacity(batches.len());
        for b in batches {
            out.push(write_batch(&tx, b, received_at_ms).map_err(|e| match e {
                StoreError::Sql(inner) => StoreError::classify(&path, inner),
                other => other,
            })?);
        }
        tx.commit().map_err(|e| StoreError::classify(&path, e))?;
        Ok(out)
    }
}
