//! Attribution over the local store: loads what the engine needs for one
//! SLO at one moment (or a telemetry window), runs it, and stores reports
//! with the alerts that fired.
//!
//! The report types are the engine's, re-exported here so the CLI, the app
//! and their TypeScript bindings share one contract (docs/attribution.md).

use std::collections::{HashMap, HashSet};

use sightline_attribution::indicators::RedPoint;
use sightline_attribution::{Input, Options, RunObs, attribute};
use sightline_core::{Event, LogRecord, MetricPoint, Span};
use sightline_slo::SloConfig;
use sightline_store::Store;
use sightline_store::queries::{alerts, events, logs, metrics, runs, spans};

pub use sightline_attribution::report::{
    Cause, CauseKind, Change, Evidence, EvidenceKind, Indicator, Onset, RedHerring, Report,
    SliceItem, Subject, Window,
};

use crate::ApiError;

/// Most runs read for one report.
pub const MAX_RUNS: usize = 200_000;
/// Most traces of bad runs whose spans are read.
pub const MAX_BAD_TRACES: usize = 3_000;
/// Good traces read for the baseline.
pub const BASELINE_TRACES: usize = 400;
/// Most spans read for a telemetry-only window.
pub const MAX_WINDOW_SPANS: usize = 300_000;
/// Server spans sampled per bucket for the RED series.
pub const RED_PER_BUCKET: usize = 2_000;
/// Most metric points or log records read.
pub const MAX_POINTS: usize = 500_000;
/// How far back signals (spans, metrics, logs) are read.
pub const SIGNAL_LOOKBACK_MS: i64 = 2 * 3_600_000;

/// Backend telemetry and changes for `[from_ms, to_ms)`, plus the spans of `trace_ids`.
pub(crate) struct Telemetry {
    pub(crate) spans: Vec<Span>,
    pub(crate) red: Vec<RedPoint>,
    pub(crate) metrics: Vec<MetricPoint>,
    pub(crate) logs: Vec<LogRecord>,
    pub(crate) events: Vec<Event>,
}

/// The signals leading indicators are read from (RED samples, metrics,
/// logs) over `[from_ms, to_ms)`, as the engine reads them.
pub(crate) fn signals(store: &Store, from_ms: i64, to_ms: i64) -> Result<Telemetry, ApiError> {
    telemetry(store, from_ms, to_ms, &[], false, &Options::default())
}

fn telemetry(
    store: &Store,
    from_ms: i64,
    to_ms: i64,
    trace_ids: &[&str],
    window_spans: bool,
    opts: &Options,
) -> Result<Telemetry, ApiError> {
    let c = store.conn();
    let ns = |ms: i64| ms.saturating_mul(1_000_000);
    let mut seen: HashSet<(String, String)> = HashSet::new();
    let mut all = Vec::new();
    for t in trace_ids {
        for s in spans::spans_for_trace(c, t)? {
            if seen.insert((s.trace_id.clone(), s.span_id.clone())) {
                all.push(s);
            }
        }
    }
    if window_spans {
        for s in spans::between(c, ns(from_ms), ns(to_ms), MAX_WINDOW_SPANS)? {
            if seen.insert((s.trace_id.clone(), s.span_id.clone())) {
                all.push(s);
            }
        }
    }
    let red = spans::red_sample(
        c,
        ns(from_ms),
        ns(to_ms),
        ns(opts.bucket_ms),
        RED_PER_BUCKET,
    )?
    .into_iter()
    .map(|s| RedPoint {
        service: s.service,
        region: s.region,
        at_ms: s.start_unix_nano / 1_000_000,
        count: 1,
        errors: u64::from(s.error),
        duration_ms: s.duration_nano as f64 / 1e6,
    })
    .collect();
    Ok(Telemetry {
        spans: all,
        red,
        metrics: metrics::between(c, ns(from_ms), ns(to_ms), MAX_POINTS)?,
        logs: logs::between(c, ns(from_ms), ns(to_ms), MAX_POINTS)?,
        events: events::between(c, from_ms - opts.change_lookback_ms, to_ms)?,
    })
}

/// Why `config`'s SLO is burning at `at_ms`.
pub fn slo_report(
    store: &Store,
    config: &SloConfig,
    tags: &HashMap<String, Vec<String>>,
    at_ms: i64,
    opts: &Options,
) -> Result<Report, ApiError> {
    let def = &config.definition;
    let journey_tags = tags.get(&def.filter.journey).cloned().unwrap_or_default();
    let from = at_ms - opts.lookback_ms;
    let obs: Vec<RunObs> =
        runs::for_journey_between(store.conn(), &def.filter.journey, from, at_ms, MAX_RUNS)?
            .iter()
            .filter_map(|r| RunObs::judge(def, r, &journey_tags))
            .collect();
    // Every bad run's trace (the newest first), and good ones spread over the
    // lookback for the baseline.
    let mut traces: Vec<&str> = obs
        .iter()
        .rev()
        .filter(|o| !o.good)
        .filter_map(|o| o.trace_id.as_deref())
        .take(MAX_BAD_TRACES)
        .collect();
    let good: Vec<&str> = obs
        .iter()
        .filter(|o| o.good)
        .filter_map(|o| o.trace_id.as_deref())
        .collect();
    let step = (good.len() / BASELINE_TRACES).max(1);
    traces.extend(good.iter().step_by(step).take(BASELINE_TRACES));
    let t = telemetry(
        store,
        (at_ms - SIGNAL_LOOKBACK_MS).max(from),
        at_ms + 1,
        &traces,
        false,
        opts,
    )?;
    let input = Input {
        slo: Some((&def.name, def.target)),
        at_ms,
        runs: &obs,
        spans: &t.spans,
        events: &t.events,
        metrics: &t.metrics,
        logs: &t.logs,
        red: Some(&t.red),
        window: None,
        baseline: None,
    };
    Ok(attribute(&input, opts))
}

/// Suspects for a window of telemetry alone (no SLO): the baseline is the
/// window's length before it unless given.
pub fn window_report(
    store: &Store,
    window: Window,
    baseline: Option<Window>,
    opts: &Options,
) -> Result<Report, ApiError> {
    if window.to_ms <= window.from_ms {
        return Err(ApiError::InvalidRequest("--to must be after --from".into()));
    }
    let base = baseline.unwrap_or(Window {
        from_ms: window.from_ms - window.len_ms(),
        to_ms: window.from_ms,
    });
    if base.to_ms <= base.from_ms {
        return Err(ApiError::InvalidRequest(
            "--baseline-to must be after --baseline-from".into(),
        ));
    }
    let from = base.from_ms.min(window.from_ms);
    let to = base.to_ms.max(window.to_ms);
    let t = telemetry(store, from, to, &[], true, opts)?;
    let input = Input {
        slo: None,
        at_ms: window.to_ms,
        runs: &[],
        spans: &t.spans,
        events: &t.events,
        metrics: &t.metrics,
        logs: &t.logs,
        red: Some(&t.red),
        window: Some(window),
        baseline: Some(base),
    };
    Ok(attribute(&input, opts))
}

/// Runs the engine for an alert that just fired and stores the report with
/// its episode.
pub fn attach_to_alert(
    store: &Store,
    config: &SloConfig,
    tags: &HashMap<String, Vec<String>>,
    rule: u32,
    firing_at_ms: i64,
) -> Result<Report, ApiError> {
    let report = slo_report(store, config, tags, firing_at_ms, &Options::default())?;
    let json = serde_json::to_string(&report)
        .map_err(|e| ApiError::BadInput(format!("encoding the report: {e}")))?;
    alerts::set_attribution(
        store.conn(),
        &config.definition.name,
        rule,
        firing_at_ms,
        &json,
    )?;
    Ok(report)
}

/// The report stored with an alert episode, if any.
pub fn alert_report(
    store: &Store,
    slo: &str,
    rule: u32,
    firing_at_ms: i64,
) -> Result<Option<Report>, ApiError> {
    alerts::attribution_of(store.conn(), slo, rule, firing_at_ms)?
        .map(|text| {
            serde_json::from_str(&text)
                .map_err(|e| ApiError::BadInput(format!("the stored attribution of {slo}: {e}")))
        })
        .transpose()
}
