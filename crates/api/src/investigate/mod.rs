//! The Attribution view: why one SLO burns, as the engine found it, with the
//! numbers behind its charts (the SLI with its onset band and change
//! markers, the burn stacked by cause), the blamed trace beside a baseline
//! trace of the same journey, and the leading indicators' own series.
//!
//! Which report it shows (`source`):
//! - `incident`: an incident's latest attribution snapshot, when asked for one;
//! - `live`: while the SLO's alert fires, the engine run at the request's
//!   moment, so the view follows new runs (the app asks again as they arrive);
//! - `alert`: the report stored with the SLO's latest alert, once it resolved;
//! - `on_demand`: the engine run at the moment, when no alert fired.
//!
//! Nothing is written: reports are stored by whoever watches the SLOs
//! (`sightline serve`, the demo), not by a reader.

mod incidents;
mod traces;

use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use sightline_attribution::Options;
use sightline_attribution::indicators;
use sightline_charts::MarkerKind;
use sightline_slo::SloConfig;
use sightline_store::queries::alerts::{self, AlertEpisodeRow};
use sightline_store::{Store, StoreError};
use ts_rs::TS;

pub use incidents::{
    IncidentAction, IncidentDetail, IncidentList, IncidentPostmortem, IncidentQuestions,
    IncidentRequest, IncidentSummary, IncidentUpdate, IncidentsRequest, PostmortemFormat,
    PostmortemRequest, TimelineEntry, incident_detail, incident_postmortem, incident_questions,
    incident_update, incidents,
};
pub use traces::{BlamedTrace, TraceSide};

use crate::attribution::{Report, alert_report, slo_report};
use crate::charts::{ChartRequest, range_for, slo_chart_data};
use crate::slo::series::ChartPoint;
use crate::slo::{journey_tags, load_slos};
use crate::{ApiContext, ApiError};

/// How many leading indicators get a chart of their own.
pub const MAX_INDICATOR_CHARTS: usize = 6;
/// How far back the latest resolved alert of an SLO is looked for.
pub const ALERT_LOOKBACK_MS: i64 = 7 * 86_400_000;

/// Asks why one SLO burns.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct AttributionRequest {
    /// The SLO's name.
    pub slo: String,
    /// Show this incident's latest snapshot instead of the SLO's alert.
    pub incident: Option<i64>,
    /// The moment, Unix ms; now when absent.
    pub at_ms: Option<i64>,
}

/// Where the report shown came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ReportSource {
    /// The engine, run at the request's moment, while the alert fires.
    Live,
    /// Stored with the SLO's latest alert when it fired.
    Alert,
    /// The incident's latest attribution snapshot.
    Incident,
    /// The engine, run at the request's moment, with no alert behind it.
    OnDemand,
}

/// The alert a report belongs to.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct AlertRef {
    /// The rule's index in the SLO's policy.
    pub rule: u32,
    /// `page` or `ticket`.
    pub severity: String,
    /// When it fired, Unix ms.
    pub firing_at_ms: i64,
    /// When it resolved; null while it fires.
    pub resolved_at_ms: Option<i64>,
    /// The long window's burn rate when it fired.
    pub burn_rate: Option<f64>,
    /// Regions whose own burn crossed the threshold.
    pub regions: Vec<String>,
}

/// A shaded interval on the time axis.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct BandRow {
    /// Start, Unix ms.
    pub from_ms: i64,
    /// End, Unix ms.
    pub to_ms: i64,
    /// What it is.
    pub label: String,
}

/// A labelled moment on the time axis.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct MarkerRow {
    /// When, Unix ms.
    pub at_ms: i64,
    /// `deploy`, `kubernetes` or `alert`.
    pub kind: String,
    /// What happened: a release, `BackOff payment-7d9…`, `first page`.
    pub label: String,
}

/// One layer of the burn decomposition.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct BurnLayer {
    /// The cause it counts (`payment latency in us-east-1`), or the rest.
    pub name: String,
    /// Bad runs per bucket.
    pub counts: Vec<u32>,
    /// Whether this is the rest: bad runs in no cause's slice.
    pub other: bool,
}

/// The numbers behind the SLI and burn charts, on one time axis.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct ReportChart {
    /// Start of the axis (and of bucket 0), Unix ms.
    pub from_ms: i64,
    /// End of the axis, Unix ms.
    pub to_ms: i64,
    /// The bucket width.
    pub bucket_ms: i64,
    /// The bucket in words: `1 min`, `20 s`.
    pub per: String,
    /// The good ratio per bucket that had runs.
    pub sli: Vec<ChartPoint>,
    /// The SLO's objective.
    pub target: f64,
    /// Bad runs per bucket, by cause (best cause first).
    pub burn: Vec<BurnLayer>,
    /// The onset's 95% interval.
    pub onset: Option<BandRow>,
    /// Deploys, Kubernetes events and pages, oldest first.
    pub markers: Vec<MarkerRow>,
}

/// A leading indicator with its series, for a small chart beside the SLI.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct IndicatorSeries {
    /// Its index in the report's `leading_indicators`.
    pub index: u32,
    /// The series' values per bucket, on the SLI chart's axis.
    pub points: Vec<ChartPoint>,
}

/// Everything the Attribution view shows.
#[derive(Debug, Clone, Serialize, TS)]
pub struct AttributionView {
    /// The SLO.
    pub slo: String,
    /// Its journey.
    pub journey: String,
    /// When this view was put together, Unix ms.
    pub at_ms: i64,
    /// The report.
    pub report: Report,
    /// Where the report came from.
    pub source: ReportSource,
    /// The SLO's alert behind it: the one firing, else the latest.
    pub alert: Option<AlertRef>,
    /// Whether that alert fires at `at_ms` (the view follows new runs).
    pub firing: bool,
    /// The incident asked for, or the open incident of the SLO.
    pub incident: Option<i64>,
    /// The charts' numbers; null when there are no runs to chart.
    pub chart: Option<ReportChart>,
    /// The top cause's blamed trace beside a baseline trace.
    pub blamed: Option<BlamedTrace>,
    /// Series of the leading indicators, best first.
    pub indicators: Vec<IndicatorSeries>,
    /// Parts that could not be shown, and why.
    pub problems: Vec<String>,
}

fn alert_ref(e: &AlertEpisodeRow) -> AlertRef {
    AlertRef {
        rule: e.rule,
        severity: e.severity.clone(),
        firing_at_ms: e.firing_at_ms,
        resolved_at_ms: e.resolved_at_ms,
        burn_rate: e.burn_rate,
        regions: e.regions.clone(),
    }
}

/// Pages before tickets, then the oldest.
fn most_urgent(mut list: Vec<AlertEpisodeRow>) -> Option<AlertEpisodeRow> {
    list.sort_by_key(|e| (e.severity != "page", e.firing_at_ms));
    list.into_iter().next()
}

pub(crate) fn slo_config(ctx: &ApiContext, slo: &str) -> Result<SloConfig, ApiError> {
    load_slos(&ctx.slos_dir())?
        .into_iter()
        .map(|s| s.config)
        .find(|c| c.definition.name == slo)
        .ok_or_else(|| {
            ApiError::NotFound(format!(
                "slo: no SLO named {slo:?} in {}",
                ctx.slos_dir().display()
            ))
        })
}

pub(crate) fn open_store(ctx: &ApiContext) -> Result<Store, ApiError> {
    match Store::open_read_only(ctx.db_path()) {
        Ok(s) => Ok(s),
        Err(StoreError::Missing { .. }) => Err(ApiError::NotFound(format!(
            "no database at {}: nothing has run yet",
            ctx.db_path().display()
        ))),
        Err(e) => Err(e.into()),
    }
}

/// The report to show, where it came from, and the chart request for it.
struct Chosen {
    report: Report,
    source: ReportSource,
    alert: Option<AlertEpisodeRow>,
    incident: Option<i64>,
    chart: ChartRequest,
}

fn choose(
    store: &Store,
    config: &SloConfig,
    tags: &HashMap<String, Vec<String>>,
    req: &AttributionRequest,
    now: i64,
) -> Result<Chosen, ApiError> {
    let name = &config.definition.name;
    let c = store.conn();
    let of_slo = |list: Vec<AlertEpisodeRow>| list.into_iter().filter(|e| &e.slo == name).collect();
    if let Some(id) = req.incident {
        let v = crate::incidents::view(store, id, Some(config), now)?
            .ok_or_else(|| ApiError::NotFound(format!("incident: no incident {id}")))?;
        if &v.incident.slo != name {
            return Err(ApiError::InvalidRequest(format!(
                "incident {id} is about {}, not {name}",
                v.incident.slo
            )));
        }
        let Some(report) = v.report.clone() else {
            return Err(ApiError::NotFound(format!(
                "incident {id} has no attribution snapshot yet"
            )));
        };
        let chart = crate::charts::incident_chart_request(&v, &report);
        let alert = most_urgent(of_slo(alerts::fired_between(
            c,
            v.incident.opened_at_ms - 1,
            v.ended_ms + 1,
        )?));
        return Ok(Chosen {
            report,
            source: ReportSource::Incident,
            alert,
            incident: Some(id),
            chart,
        });
    }
    let incident = sightline_store::queries::incidents::list(c, false, 50)?
        .into_iter()
        .find(|i| &i.slo == name)
        .map(|i| i.id);
    // The SLO's alerts of the lookback, read once: the one firing at `now`
    // (open, or resolved only after `now`), else the latest with a report.
    let recent: Vec<AlertEpisodeRow> =
        of_slo(alerts::fired_between(c, now - ALERT_LOOKBACK_MS, now + 1)?);
    let firing = most_urgent(
        recent
            .iter()
            .filter(|e| e.resolved_at_ms.is_none_or(|r| r > now))
            .cloned()
            .collect(),
    );
    if let Some(e) = firing {
        let report = slo_report(store, config, tags, now, &Options::default())?;
        return Ok(Chosen {
            chart: chart_request(&report, now, Some(&e)),
            report,
            source: ReportSource::Live,
            alert: Some(e),
            incident,
        });
    }
    let latest = recent.into_iter().rev().find_map(|e: AlertEpisodeRow| {
        alert_report(store, name, e.rule, e.firing_at_ms)
            .ok()
            .flatten()
            .map(|r| (e, r))
    });
    if let Some((e, report)) = latest {
        let end = e.resolved_at_ms.unwrap_or(now).max(report.at_ms + 1);
        return Ok(Chosen {
            chart: chart_request(&report, end, Some(&e)),
            report,
            source: ReportSource::Alert,
            alert: Some(e),
            incident,
        });
    }
    let report = slo_report(store, config, tags, now, &Options::default())?;
    Ok(Chosen {
        chart: chart_request(&report, now + 1, None),
        report,
        source: ReportSource::OnDemand,
        alert: None,
        incident,
    })
}

fn chart_request(report: &Report, end_ms: i64, alert: Option<&AlertEpisodeRow>) -> ChartRequest {
    ChartRequest {
        range: Some(range_for(report, end_ms)),
        markers: alert
            .map(|e| sightline_charts::Marker {
                at_ms: e.firing_at_ms,
                kind: MarkerKind::Alert,
                label: format!("{} fired", e.severity),
            })
            .into_iter()
            .collect(),
    }
}

fn marker_kind(k: MarkerKind) -> &'static str {
    match k {
        MarkerKind::Deploy => "deploy",
        MarkerKind::Kubernetes => "kubernetes",
        MarkerKind::Alert => "alert",
    }
}

fn points(start_ms: i64, bucket_ms: i64, values: &[Option<f64>]) -> Vec<ChartPoint> {
    values
        .iter()
        .enumerate()
        .map(|(i, v)| ChartPoint {
            t_ms: start_ms + bucket_ms * i as i64,
            value: *v,
        })
        .collect()
}

fn report_chart(data: crate::charts::ChartData, target: f64) -> ReportChart {
    let sli = data.sli;
    ReportChart {
        from_ms: sli.from_ms,
        to_ms: sli.to_ms,
        bucket_ms: sli.bucket_ms,
        per: data.per,
        sli: sli
            .points
            .iter()
            .map(|(t, v)| ChartPoint {
                t_ms: *t,
                value: Some(*v),
            })
            .collect(),
        target,
        burn: data
            .burn
            .series
            .into_iter()
            .map(|s| BurnLayer {
                name: s.name,
                counts: s
                    .counts
                    .iter()
                    .map(|c| u32::try_from(*c).unwrap_or(u32::MAX))
                    .collect(),
                other: s.other,
            })
            .collect(),
        onset: sli.onset.map(|b| BandRow {
            from_ms: b.from_ms,
            to_ms: b.to_ms,
            label: b.label,
        }),
        markers: sli
            .markers
            .into_iter()
            .map(|m| MarkerRow {
                at_ms: m.at_ms,
                kind: marker_kind(m.kind).into(),
                label: m.label,
            })
            .collect(),
    }
}

/// The leading indicators' series over the chart's axis.
fn indicator_series(
    store: &Store,
    report: &Report,
    chart: &ReportChart,
) -> Result<Vec<IndicatorSeries>, ApiError> {
    let wanted =
        &report.leading_indicators[..report.leading_indicators.len().min(MAX_INDICATOR_CHARTS)];
    if wanted.is_empty() {
        return Ok(Vec::new());
    }
    let t = crate::attribution::signals(store, chart.from_ms, chart.to_ms)?;
    let cuts = indicators::series(
        &t.red,
        &t.metrics,
        &t.logs,
        chart.from_ms,
        chart.to_ms,
        chart.bucket_ms,
    );
    Ok(wanted
        .iter()
        .enumerate()
        .filter_map(|(i, ind)| {
            let cut = cuts.iter().find(|c| {
                c.source == ind.source
                    && c.series == ind.series
                    && ind.service.as_deref().is_none_or(|s| s == c.service)
            })?;
            Some(IndicatorSeries {
                index: u32::try_from(i).unwrap_or(u32::MAX),
                points: points(
                    cut.values.start_ms,
                    cut.values.bucket_ms,
                    &cut.values.values,
                ),
            })
        })
        .collect())
}

/// Why `req.slo` burns: see the module documentation.
pub fn attribution(ctx: &ApiContext, req: AttributionRequest) -> Result<AttributionView, ApiError> {
    let now = req.at_ms.unwrap_or_else(|| ctx.now_ms());
    let config = slo_config(ctx, &req.slo)?;
    let store = open_store(ctx)?;
    let tags = journey_tags(&ctx.journeys_dir());
    let chosen = choose(&store, &config, &tags, &req, now)?;
    let def = &config.definition;
    let mut problems = Vec::new();
    let chart = match slo_chart_data(&store, &config, &tags, &chosen.report, &chosen.chart) {
        Ok(data) => Some(report_chart(data, def.target)),
        Err(ApiError::NotFound(why)) => {
            problems.push(format!("charts: {why}"));
            None
        }
        Err(e) => return Err(e),
    };
    let indicators = match &chart {
        Some(c) => indicator_series(&store, &chosen.report, c)?,
        None => Vec::new(),
    };
    let blamed = traces::blamed(&store, &config, &tags, &chosen.report)?;
    if blamed.is_none()
        && chosen
            .report
            .causes
            .first()
            .is_some_and(|c| c.service.is_some())
    {
        problems.push("blamed trace: none of the top cause's traces is stored".into());
    }
    let firing = chosen
        .alert
        .as_ref()
        .is_some_and(|e| e.firing_at_ms <= now && e.resolved_at_ms.is_none_or(|r| r > now));
    Ok(AttributionView {
        slo: def.name.clone(),
        journey: def.filter.journey.clone(),
        at_ms: now,
        alert: chosen.alert.as_ref().map(alert_ref),
        firing,
        incident: chosen.incident,
        report: chosen.report,
        source: chosen.source,
        chart,
        blamed,
        indicators,
        problems,
    })
}
