//! The charts of an attribution report or an incident, as SVG files: the
//! numbers are read from the store here and drawn by `sightline-charts`.
//!
//! - **SLI**: the SLO's good ratio per bucket (runs judged by the SLO's own
//!   classifier), its target, the onset's 95% interval shaded, and every
//!   deploy and Kubernetes event (and, for incidents, the first page) as a
//!   labelled line.
//! - **Burn**: the SLO's bad runs per bucket, stacked by the report's
//!   causes. A run belongs to the first cause whose slice it falls in, with
//!   the slice's dimensions valued as the engine values them
//!   (`engine::dim_value`, the blamed service from the run's trace); bad runs
//!   in no slice are stacked on top, grey. The engine is not re-run: the
//!   causes are the report's.

use std::collections::HashMap;

use sightline_attribution::blame::{Blame, SelfTimeBaseline, blame, by_trace};
use sightline_attribution::engine::dim_value;
use sightline_attribution::{CauseKind, RunObs};
use sightline_charts::{Band, BurnChart, BurnSeries, Marker, MarkerKind, SliChart};
use sightline_core::EventKind;
use sightline_slo::SloConfig;
use sightline_store::Store;
use sightline_store::queries::{events, runs, spans};

use crate::ApiError;
use crate::attribution::{BASELINE_TRACES, Cause, MAX_BAD_TRACES, MAX_RUNS, Report, Window};

/// The narrowest bucket, the engine's own (20 s).
pub const MIN_BUCKET_MS: i64 = 20_000;
/// Buckets drawn at most; longer ranges get wider buckets.
pub const MAX_BUCKETS: i64 = 180;
/// Time shown before the onset, at least.
pub const MIN_CONTEXT_MS: i64 = 5 * 60_000;
/// Time shown before the onset, at most.
pub const MAX_CONTEXT_MS: i64 = 60 * 60_000;

/// One chart, ready to be written to a file or inlined in HTML.
#[derive(Debug, Clone, PartialEq)]
pub struct ChartFile {
    /// Its short name, which ends its file name: `sli`, `burn`.
    pub name: &'static str,
    /// What it shows, for the image's alternative text.
    pub alt: String,
    /// The SVG document.
    pub svg: String,
}

/// What to draw the charts over, and what else to mark on them.
#[derive(Debug, Clone, Default)]
pub struct ChartRequest {
    /// The time axis; `None` picks [`range_for`] with `report.at_ms + 1` as its end.
    pub range: Option<Window>,
    /// Markers beyond the stored deploys and Kubernetes events (pages).
    pub markers: Vec<Marker>,
}

/// The range a report's charts show: from before the onset (as long
/// before as the trouble lasted, within [`MIN_CONTEXT_MS`] and
/// [`MAX_CONTEXT_MS`], and not before the baseline) to `end_ms`.
pub fn range_for(report: &Report, end_ms: i64) -> Window {
    let onset = onset_of(report);
    let anchor = onset.map_or(report.window.from_ms, |o| o.earliest_ms);
    let context = (end_ms - anchor).clamp(MIN_CONTEXT_MS, MAX_CONTEXT_MS);
    Window {
        from_ms: (anchor - context).max(report.baseline.from_ms),
        to_ms: end_ms,
    }
}

fn onset_of(report: &Report) -> Option<&sightline_attribution::report::Onset> {
    report
        .causes
        .first()
        .and_then(|c| c.onset.as_ref())
        .or(report.onset.as_ref())
}

/// The bucket width for a range: 20 s, or a multiple of it that keeps the
/// chart within [`MAX_BUCKETS`].
pub fn bucket_for(range: Window) -> i64 {
    let per = (range.len_ms() + MAX_BUCKETS - 1) / MAX_BUCKETS;
    let steps = (per + MIN_BUCKET_MS - 1) / MIN_BUCKET_MS;
    steps.max(1) * MIN_BUCKET_MS
}

fn every(ms: i64) -> String {
    if ms % 60_000 == 0 {
        format!("{} min", ms / 60_000)
    } else {
        format!("{} s", ms / 1000)
    }
}

fn kind_word(k: CauseKind) -> &'static str {
    match k {
        CauseKind::Latency => "latency",
        CauseKind::Errors => "errors",
        CauseKind::Saturation => "saturation",
        CauseKind::Availability => "unavailability",
    }
}

/// A cause's name in a legend: `payment latency in us-east-1`.
pub fn cause_label(c: &Cause) -> String {
    let mut s = format!(
        "{} {}",
        c.service.as_deref().unwrap_or("(no trace)"),
        kind_word(c.kind)
    );
    if let Some(r) = &c.region {
        s.push_str(" in ");
        s.push_str(r);
    }
    s
}

/// Deploys and Kubernetes events stored in `range`, as markers.
fn change_markers(store: &Store, range: Window) -> Result<Vec<Marker>, ApiError> {
    Ok(events::between(store.conn(), range.from_ms, range.to_ms)?
        .into_iter()
        .filter_map(|e| {
            let (kind, label) = match &e.kind {
                EventKind::Deploy(d) => (MarkerKind::Deploy, d.release_id.clone()),
                EventKind::Kubernetes(k) => (
                    MarkerKind::Kubernetes,
                    format!("{} {}", k.reason, k.object_name),
                ),
                EventKind::Incident(_) => return None,
            };
            Some(Marker {
                at_ms: e.at_ms,
                kind,
                label,
            })
        })
        .collect())
}

/// Each bad run's blame, as the engine would find it: spans of the bad
/// runs' traces (the newest first, at most [`MAX_BAD_TRACES`]) against
/// the self-times of good traces from before `before_ms`.
fn blames(
    store: &Store,
    obs: &[RunObs],
    before_ms: i64,
) -> Result<HashMap<String, Blame>, ApiError> {
    let bad: Vec<&RunObs> = obs
        .iter()
        .rev()
        .filter(|o| !o.good && o.trace_id.is_some())
        .take(MAX_BAD_TRACES)
        .collect();
    if bad.is_empty() {
        return Ok(HashMap::new());
    }
    let good: Vec<&str> = obs
        .iter()
        .filter(|o| o.good && o.at_ms < before_ms)
        .filter_map(|o| o.trace_id.as_deref())
        .collect();
    let step = (good.len() / BASELINE_TRACES).max(1);
    let mut all = Vec::new();
    for t in good.iter().step_by(step).take(BASELINE_TRACES) {
        all.extend(spans::spans_for_trace(store.conn(), t)?);
    }
    let good_spans = all.len();
    for o in &bad {
        if let Some(t) = o.trace_id.as_deref() {
            all.extend(spans::spans_for_trace(store.conn(), t)?);
        }
    }
    let baseline_traces = by_trace(&all[..good_spans]);
    let base = SelfTimeBaseline::learn(baseline_traces.values().map(Vec::as_slice));
    let traces = by_trace(&all[good_spans..]);
    Ok(bad
        .iter()
        .filter_map(|o| {
            let spans = traces.get(o.trace_id.as_deref()?)?;
            Some((o.run_id.clone(), blame(spans, o.slow, &base)?))
        })
        .collect())
}

/// Which cause's slice a bad run falls in, if any.
fn cause_of(o: &RunObs, causes: &[Cause], blames: &HashMap<&str, Blame>) -> Option<usize> {
    causes.iter().position(|c| {
        !c.slice.is_empty()
            && c.slice
                .iter()
                .all(|item| dim_value(o, &item.dimension, blames) == item.value)
    })
}

/// The numbers behind a report's two charts, before drawing: the app
/// draws them with ECharts, files with `sightline-charts`.
#[derive(Debug, Clone)]
pub struct ChartData {
    /// The SLI chart.
    pub sli: SliChart,
    /// The burn decomposition.
    pub burn: BurnChart,
    /// The bucket in words: `1 min`, `20 s`.
    pub per: String,
}

/// The SLI and burn charts of `report`, about `config`'s SLO.
pub fn slo_charts(
    store: &Store,
    config: &SloConfig,
    tags: &HashMap<String, Vec<String>>,
    report: &Report,
    req: &ChartRequest,
) -> Result<Vec<ChartFile>, ApiError> {
    let def = &config.definition;
    let ChartData { sli, burn, per } = slo_chart_data(store, config, tags, report, req)?;
    let err = |e: sightline_charts::ChartError| ApiError::BadInput(e.to_string());
    Ok(vec![
        ChartFile {
            name: "sli",
            alt: format!(
                "{}: the good ratio per {per} against the {:.2}% target, with the onset and changes marked",
                def.name,
                def.target * 100.0
            ),
            svg: sightline_charts::sli_svg(&sli).map_err(err)?,
        },
        ChartFile {
            name: "burn",
            alt: format!(
                "{}: bad runs per {per}, stacked by the causes the engine found",
                def.name
            ),
            svg: sightline_charts::burn_svg(&burn).map_err(err)?,
        },
    ])
}

/// The numbers of [`slo_charts`], undrawn.
pub fn slo_chart_data(
    store: &Store,
    config: &SloConfig,
    tags: &HashMap<String, Vec<String>>,
    report: &Report,
    req: &ChartRequest,
) -> Result<ChartData, ApiError> {
    let def = &config.definition;
    let mut range = req
        .range
        .unwrap_or_else(|| range_for(report, report.at_ms + 1));
    let journey_tags = tags.get(&def.filter.journey).cloned().unwrap_or_default();
    let obs: Vec<RunObs> = runs::for_journey_between(
        store.conn(),
        &def.filter.journey,
        range.from_ms,
        range.to_ms,
        MAX_RUNS,
    )?
    .iter()
    .filter_map(|r| RunObs::judge(def, r, &journey_tags))
    .collect();
    // The axis starts with the data when the runs start later than asked.
    if let Some(first) = obs.iter().map(|o| o.at_ms).min() {
        range.from_ms = range.from_ms.max(first);
    }
    if range.len_ms() <= 0 {
        return Err(ApiError::NotFound(format!(
            "no runs of {} to chart before {}",
            def.name, range.to_ms
        )));
    }
    let bucket = bucket_for(range);
    let onset = onset_of(report);
    let anchor = onset.map_or(report.window.from_ms, |o| o.earliest_ms);
    // Buckets meet at the onset, as the engine cut them, so no bucket
    // mixes runs from both sides of it.
    range.from_ms = anchor - (anchor - range.from_ms + bucket - 1).div_euclid(bucket) * bucket;
    if range.from_ms > range.to_ms - bucket {
        range.from_ms = range.to_ms - bucket;
    }
    let n = usize::try_from((range.len_ms() + bucket - 1) / bucket).unwrap_or(0);
    let owned = blames(store, &obs, anchor)?;
    let blames: HashMap<&str, Blame> = owned.iter().map(|(k, v)| (k.as_str(), v.clone())).collect();

    let mut good = vec![0u64; n];
    let mut total = vec![0u64; n];
    let causes = &report.causes;
    let mut layers = vec![vec![0u64; n]; causes.len() + 1];
    for o in &obs {
        let Ok(i) = usize::try_from((o.at_ms - range.from_ms).div_euclid(bucket)) else {
            continue;
        };
        if i >= n {
            continue;
        }
        total[i] += 1;
        if o.good {
            good[i] += 1;
        } else {
            let layer = cause_of(o, causes, &blames).unwrap_or(causes.len());
            layers[layer][i] += 1;
        }
    }
    let start = |i: usize| range.from_ms + bucket * i as i64;
    let band = onset.map(|o| Band {
        from_ms: o.earliest_ms,
        to_ms: o.latest_ms,
        label: "onset (95% interval)".into(),
    });
    let mut markers = change_markers(store, range)?;
    markers.extend(req.markers.iter().cloned());
    markers.sort_by_key(|m| m.at_ms);
    let per = every(bucket);

    let sli = SliChart {
        title: format!("{}: good runs per {per}", def.name),
        series: "good ratio".into(),
        from_ms: range.from_ms,
        to_ms: range.to_ms,
        bucket_ms: bucket,
        points: (0..n)
            .filter(|i| total[*i] > 0)
            .map(|i| (start(i), good[i] as f64 / total[i] as f64))
            .collect(),
        target: Some(def.target),
        onset: band.clone(),
        markers: markers.clone(),
    };
    let mut series: Vec<BurnSeries> = causes
        .iter()
        .zip(&layers)
        .map(|(c, counts)| BurnSeries {
            name: cause_label(c),
            counts: counts.clone(),
            other: false,
        })
        .collect();
    let rest = &layers[causes.len()];
    if causes.is_empty() || rest.iter().any(|c| *c > 0) {
        series.push(BurnSeries {
            name: if causes.is_empty() {
                "bad runs (no cause found)".into()
            } else {
                "bad runs in no cause's slice".into()
            },
            counts: rest.clone(),
            other: true,
        });
    }
    let burn = BurnChart {
        title: format!("{}: bad runs per {per}, by cause", def.name),
        from_ms: range.from_ms,
        bucket_ms: bucket,
        series,
        onset: band,
        markers,
    };
    Ok(ChartData { sli, burn, per })
}

/// What an incident's charts show: its SLO from before the onset to the
/// incident's end (resolution, or now), with the first page marked.
pub fn incident_chart_request(v: &crate::incidents::IncidentView, report: &Report) -> ChartRequest {
    let markers = v
        .timeline
        .iter()
        .find(|e| e.kind == "alert_fired")
        .map(|e| Marker {
            at_ms: e.at_ms,
            kind: MarkerKind::Alert,
            label: "first page".into(),
        })
        .into_iter()
        .collect();
    ChartRequest {
        range: Some(range_for(report, v.ended_ms)),
        markers,
    }
}

/// The charts of incident `v` (see [`incident_chart_request`]).
pub fn incident_charts(
    store: &Store,
    v: &crate::incidents::IncidentView,
    config: &SloConfig,
    tags: &HashMap<String, Vec<String>>,
) -> Result<Vec<ChartFile>, ApiError> {
    let Some(report) = &v.report else {
        return Err(ApiError::NotFound(format!(
            "incident {} has no attribution report",
            v.incident.id
        )));
    };
    slo_charts(
        store,
        config,
        tags,
        report,
        &incident_chart_request(v, report),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use sightline_attribution::report::{Onset, Subject};

    fn report(onset_ms: i64, at_ms: i64) -> Report {
        Report {
            version: 1,
            subject: Subject::Slo {
                slo: "s".into(),
                target: 0.99,
            },
            at_ms,
            window: Window {
                from_ms: onset_ms - 20_000,
                to_ms: at_ms + 1,
            },
            baseline: Window {
                from_ms: at_ms - 6 * 3_600_000,
                to_ms: onset_ms - 20_000,
            },
            bad_events: 0,
            total_events: 0,
            onset: Some(Onset {
                at_ms: onset_ms,
                earliest_ms: onset_ms,
                latest_ms: onset_ms + 20_000,
                method: "bocpd".into(),
            }),
            sentence: String::new(),
            causes: vec![],
            leading_indicators: vec![],
            red_herrings: vec![],
            method: String::new(),
        }
    }

    #[test]
    fn the_range_shows_as_much_before_the_onset_as_after_within_bounds() {
        let t = 10 * 3_600_000;
        // 7 minutes of trouble: 7 minutes before it.
        let r = range_for(&report(t, t + 7 * 60_000), t + 7 * 60_000);
        assert_eq!(r.from_ms, t - 7 * 60_000);
        // 1 minute: at least 5 before; 3 hours: at most 1 hour before.
        assert_eq!(
            range_for(&report(t, t + 60_000), t + 60_000).from_ms,
            t - MIN_CONTEXT_MS
        );
        let long = t + 3 * 3_600_000;
        assert_eq!(
            range_for(&report(t, long), long).from_ms,
            t - MAX_CONTEXT_MS
        );
    }

    #[test]
    fn buckets_widen_in_steps_of_20_s_to_stay_under_the_limit() {
        let w = |len| Window {
            from_ms: 0,
            to_ms: len,
        };
        assert_eq!(bucket_for(w(14 * 60_000)), 20_000);
        assert_eq!(bucket_for(w(MAX_BUCKETS * 20_000)), 20_000);
        assert_eq!(bucket_for(w(MAX_BUCKETS * 20_000 + 1)), 40_000);
        let b = bucket_for(w(4 * 3_600_000));
        assert_eq!(b % 20_000, 0);
        assert!(4 * 3_600_000 / b <= MAX_BUCKETS, "{b}");
        assert_eq!(every(60_000), "1 min");
        assert_eq!(every(20_000), "20 s");
    }
}
