//! The top cause's blamed trace beside a baseline: the first span the
//! engine cited as evidence, in its whole trace, and a good run of the same
//! journey from the baseline window whose trace has the same service and
//! operation, with both spans' self-times.

use std::collections::HashMap;

use serde::Serialize;
use sightline_attribution::RunObs;
use sightline_attribution::report::EvidenceKind;
use sightline_core::{Run, RunId, Span};
use sightline_slo::SloConfig;
use sightline_store::Store;
use sightline_store::queries::{catalog, runs, spans};
use ts_rs::TS;

use crate::ApiError;
use crate::attribution::Report;
use crate::runs::SpanRow;

/// Good runs whose traces are searched for a baseline, newest first.
pub const BASELINE_CANDIDATES: usize = 40;

/// One trace, positioned against its run, as the run viewer shows it.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct TraceSide {
    /// The run (opens in the run viewer).
    pub run_id: String,
    /// When it started, Unix ms.
    pub started_at_ms: i64,
    /// The trace id.
    pub trace_id: String,
    /// Its spans, by start, with depths.
    pub spans: Vec<SpanRow>,
    /// The span of the blamed service and operation in this trace.
    pub span_id: String,
    /// That span's self-time: its duration less its children's, ms.
    pub self_ms: i64,
}

/// The blamed trace and its baseline.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct BlamedTrace {
    /// The blamed service.
    pub service: String,
    /// The blamed operation.
    pub operation: String,
    /// A bad run's trace, as the engine cited it.
    pub bad: TraceSide,
    /// A good run's trace from the baseline window; null when none has
    /// that operation.
    pub baseline: Option<TraceSide>,
    /// `bad.self_ms - baseline.self_ms`; null without a baseline.
    pub self_delta_ms: Option<i64>,
}

fn self_ms(all: &[Span], span: &Span) -> i64 {
    let children: i64 = all
        .iter()
        .filter(|s| s.parent_span_id.as_deref() == Some(span.span_id.as_str()))
        .map(|s| s.duration_nano)
        .sum();
    (span.duration_nano - children).max(0) / 1_000_000
}

fn side(run: &Run, trace_id: &str, all: &[Span], span: &Span) -> TraceSide {
    let mut rows: Vec<SpanRow> = all
        .iter()
        .map(|s| SpanRow::of(run.started_at_ms, s))
        .collect();
    crate::runs::set_depths(&mut rows);
    rows.sort_by_key(|r| r.offset_ms);
    TraceSide {
        run_id: run.id.to_string(),
        started_at_ms: run.started_at_ms,
        trace_id: trace_id.to_owned(),
        spans: rows,
        span_id: span.span_id.clone(),
        self_ms: self_ms(all, span),
    }
}

/// The top cause's blamed trace beside a baseline trace, when the engine
/// cited a span and its trace's run is stored.
pub(crate) fn blamed(
    store: &Store,
    config: &SloConfig,
    tags: &HashMap<String, Vec<String>>,
    report: &Report,
) -> Result<Option<BlamedTrace>, ApiError> {
    let c = store.conn();
    let Some(cause) = report.causes.first() else {
        return Ok(None);
    };
    let cited = cause
        .evidence
        .iter()
        .filter(|e| e.kind == EvidenceKind::Span)
        .flat_map(|e| e.ids.iter())
        .filter_map(|id| id.split_once('/'));
    let mut found = None;
    for (trace, span_id) in cited {
        let Some(run_id) = catalog::run_of_trace(c, trace)? else {
            continue;
        };
        let Ok(id) = RunId::parse(&run_id) else {
            continue;
        };
        let Some(run) = runs::get(c, id)? else {
            continue;
        };
        let all = spans::spans_for_trace(c, trace)?;
        if let Some(span) = all.iter().find(|s| s.span_id == span_id) {
            found = Some((run, trace.to_owned(), span.clone(), all));
            break;
        }
    }
    let Some((run, trace, span, all)) = found else {
        return Ok(None);
    };
    let bad = side(&run, &trace, &all, &span);

    let def = &config.definition;
    let journey_tags = tags.get(&def.filter.journey).cloned().unwrap_or_default();
    let candidates = runs::for_journey_between(
        c,
        &def.filter.journey,
        report.baseline.from_ms,
        report.baseline.to_ms,
        crate::attribution::MAX_RUNS,
    )?;
    let mut baseline = None;
    for r in candidates
        .iter()
        .rev()
        .filter(|r| RunObs::judge(def, r, &journey_tags).is_some_and(|o| o.good))
        .filter(|r| r.trace_id.is_some())
        .take(BASELINE_CANDIDATES)
    {
        let Some(t) = r.trace_id.as_deref() else {
            continue;
        };
        let spans = spans::spans_for_trace(c, t)?;
        if let Some(s) = spans
            .iter()
            .find(|s| s.service == span.service && s.name == span.name)
        {
            baseline = Some(side(r, t, &spans, s));
            break;
        }
    }
    Ok(Some(BlamedTrace {
        service: span.service.clone(),
        operation: span.name.clone(),
        self_delta_ms: baseline.as_ref().map(|b| bad.self_ms - b.self_ms),
        bad,
        baseline,
    }))
}
