//! Incidents: opened by a firing page, joined by alerts on the same SLO or
//! cause within the merge window, with a timeline built for the on-call
//! (alerts, attribution snapshots, deploys and Kubernetes events, the first
//! failing run and the recovery run, notes, state changes, questions asked
//! about it ([`questions`])), and a postmortem draft ([`postmortem`]).

pub mod postmortem;
pub mod questions;

use serde::Serialize;
use sightline_core::{EventKind, Outcome};
use sightline_slo::SloConfig;
use sightline_store::Store;
use sightline_store::queries::incidents::{self, IncidentRow, TimelineRow};
use sightline_store::queries::{events, runs};

use crate::ApiError;
use crate::attribution::Report;

/// Alerts on the same SLO or cause this close to an incident's last
/// activity join it rather than open another.
pub const MERGE_WINDOW_MS: i64 = 30 * 60_000;
/// Changes shown from this long before the incident opened.
pub const CHANGES_BEFORE_MS: i64 = 60 * 60_000;

/// A page alert that just fired, as the incident sees it.
#[derive(Debug, Clone)]
pub struct FiredAlert<'a> {
    /// The SLO.
    pub slo: &'a str,
    /// The rule's index.
    pub rule: u32,
    /// When it fired, Unix ms.
    pub firing_at_ms: i64,
    /// The long-window burn rate.
    pub burn_rate: Option<f64>,
    /// The rule's windows, e.g. `1h/5m`.
    pub windows: String,
    /// Regions burning.
    pub regions: &'a [String],
}

fn item(
    at_ms: i64,
    kind: &str,
    link: Option<String>,
    summary: String,
    detail: Option<String>,
) -> TimelineRow {
    TimelineRow {
        seq: 0,
        at_ms,
        kind: kind.into(),
        link,
        summary,
        by: None,
        detail,
    }
}

/// Opens an incident for a firing page, or joins the open one on the same
/// SLO or cause; records the alert and the attribution snapshot. Returns the
/// incident's number.
pub fn on_page_fired(
    store: &Store,
    alert: &FiredAlert<'_>,
    report: Option<&Report>,
) -> Result<i64, ApiError> {
    let c = store.conn();
    let top = report.and_then(|r| r.causes.first());
    let cause = (
        top.and_then(|t| t.service.as_deref()),
        top.and_then(|t| t.region.as_deref()),
    );
    let id = match incidents::joinable(c, alert.slo, cause, alert.firing_at_ms, MERGE_WINDOW_MS)? {
        Some(i) => i.id,
        None => {
            let title = match (cause.0, cause.1) {
                (Some(s), Some(r)) => format!("{} burning: {s} in {r}", alert.slo),
                (Some(s), None) => format!("{} burning: {s}", alert.slo),
                _ => format!("{} burning", alert.slo),
            };
            incidents::open(c, alert.slo, &title, cause, alert.firing_at_ms)?
        }
    };
    let regions = if alert.regions.is_empty() {
        "all regions".to_owned()
    } else {
        alert.regions.join(", ")
    };
    incidents::add(
        c,
        id,
        &item(
            alert.firing_at_ms,
            "alert_fired",
            Some(format!(
                "alert:{}/{}/{}",
                alert.slo, alert.rule, alert.firing_at_ms
            )),
            format!(
                "page alert of {} fired ({} burn {:.1}) in {regions}",
                alert.slo,
                alert.windows,
                alert.burn_rate.unwrap_or(0.0)
            ),
            None,
        ),
    )?;
    if let Some(r) = report {
        let json = serde_json::to_string(r)
            .map_err(|e| ApiError::BadInput(format!("encoding the report: {e}")))?;
        incidents::add(
            c,
            id,
            &item(r.at_ms, "attribution", None, r.sentence.clone(), Some(json)),
        )?;
    }
    Ok(id)
}

/// Records an alert's resolution in the unresolved incident of its SLO, if any.
pub fn on_alert_resolved(
    store: &Store,
    slo: &str,
    rule: u32,
    at_ms: i64,
) -> Result<Option<i64>, ApiError> {
    let c = store.conn();
    let Some(i) = incidents::joinable(c, slo, (None, None), at_ms, i64::MAX / 4)? else {
        return Ok(None);
    };
    incidents::add(
        c,
        i.id,
        &item(
            at_ms,
            "alert_resolved",
            Some(format!("alert:{slo}/{rule}")),
            format!("alert of {slo} (rule {rule}) resolved"),
            None,
        ),
    )?;
    Ok(Some(i.id))
}

/// One entry of the timeline a person reads.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Entry {
    /// When, Unix ms.
    pub at_ms: i64,
    /// `alert_fired`, `alert_resolved`, `attribution`, `note`, `state`,
    /// `question`, `deploy`, `kubernetes`, `first_failing_run`,
    /// `recovery_run`.
    pub kind: String,
    /// What to open: `alert:…`, `run:ID`, `event:ID`.
    pub link: Option<String>,
    /// One line.
    pub summary: String,
    /// Who, for notes and state changes.
    pub by: Option<String>,
}

/// An incident with its whole timeline and its latest attribution.
#[derive(Debug, Clone, Serialize)]
pub struct IncidentView {
    /// The incident.
    pub incident: IncidentRow,
    /// Stored and derived entries, in time order.
    pub timeline: Vec<Entry>,
    /// The latest attribution snapshot.
    pub report: Option<Report>,
    /// When the trouble began: the attribution's onset, else the opening.
    pub started_ms: i64,
    /// When it ended: resolution, else `now`.
    pub ended_ms: i64,
    /// Bad runs of the SLO's journey in `[started, ended)`, and all its runs there.
    pub bad_runs: u64,
    /// See `bad_runs`.
    pub runs: u64,
    /// Regions with bad runs.
    pub regions: Vec<String>,
}

fn is_bad(config: &SloConfig, r: &sightline_core::Run) -> Option<bool> {
    sightline_attribution::RunObs::judge(&config.definition, r, &[]).map(|o| !o.good)
}

/// Everything known about incident `id` at `now_ms`. `config` is its SLO's
/// definition, for the runs (without it the timeline has no runs).
pub fn view(
    store: &Store,
    id: i64,
    config: Option<&SloConfig>,
    now_ms: i64,
) -> Result<Option<IncidentView>, ApiError> {
    let c = store.conn();
    let Some(incident) = incidents::get(c, id)? else {
        return Ok(None);
    };
    let stored = incidents::timeline(c, id)?;
    let report: Option<Report> = stored
        .iter()
        .rev()
        .find(|t| t.kind == "attribution")
        .and_then(|t| t.detail.as_deref())
        .and_then(|d| serde_json::from_str(d).ok());
    let started_ms = report
        .as_ref()
        .and_then(|r| {
            r.causes
                .first()
                .and_then(|c| c.onset.as_ref())
                .or(r.onset.as_ref())
        })
        .map_or(incident.opened_at_ms, |o| {
            o.at_ms.min(incident.opened_at_ms)
        });
    let ended_ms = if incident.state == "resolved" {
        incident.state_at_ms
    } else {
        now_ms
    };
    let mut timeline: Vec<Entry> = stored
        .into_iter()
        .map(|t| Entry {
            at_ms: t.at_ms,
            kind: t.kind,
            link: t.link,
            summary: t.summary,
            by: t.by,
        })
        .collect();
    for e in events::between(c, incident.opened_at_ms - CHANGES_BEFORE_MS, ended_ms + 1)? {
        let (kind, summary) = match &e.kind {
            EventKind::Deploy(d) => (
                "deploy",
                format!(
                    "{} deployed to {}",
                    d.release_id,
                    d.region.as_deref().unwrap_or("every region")
                ),
            ),
            EventKind::Kubernetes(k) => (
                "kubernetes",
                format!(
                    "{} {} {}: {}",
                    k.event_type, k.reason, k.object_name, k.message
                ),
            ),
            EventKind::Incident(_) => continue,
        };
        timeline.push(Entry {
            at_ms: e.at_ms,
            kind: kind.into(),
            link: Some(format!("event:{}", e.id)),
            summary,
            by: None,
        });
    }
    let (mut bad_runs, mut all_runs, mut regions) = (0u64, 0u64, Vec::<String>::new());
    if let Some(cfg) = config {
        let list = runs::for_journey_between(
            c,
            &cfg.definition.filter.journey,
            started_ms - 60_000,
            ended_ms,
            200_000,
        )?;
        let region = incident.region.as_deref();
        let in_scope = |r: &&sightline_core::Run| region.is_none_or(|x| r.region.as_str() == x);
        if let Some(first) = list
            .iter()
            .filter(in_scope)
            .find(|r| r.started_at_ms >= started_ms - 60_000 && is_bad(cfg, r) == Some(true))
        {
            timeline.push(Entry {
                at_ms: first.started_at_ms,
                kind: "first_failing_run".into(),
                link: Some(format!("run:{}", first.id)),
                summary: format!(
                    "first failing run: {} in {}",
                    first.journey,
                    first.region.as_str()
                ),
                by: None,
            });
        }
        let last_resolved = timeline
            .iter()
            .filter(|e| e.kind == "alert_resolved")
            .map(|e| e.at_ms)
            .max();
        let last_bad = list
            .iter()
            .filter(in_scope)
            .filter(|r| is_bad(cfg, r) == Some(true))
            .map(|r| r.started_at_ms)
            .max();
        if let Some(after) = last_bad.filter(|_| last_resolved.is_some())
            && let Some(rec) = list
                .iter()
                .filter(in_scope)
                .find(|r| r.started_at_ms > after && r.outcome == Outcome::Pass)
        {
            timeline.push(Entry {
                at_ms: rec.started_at_ms,
                kind: "recovery_run".into(),
                link: Some(format!("run:{}", rec.id)),
                summary: format!(
                    "first good run after the last failure: {} in {}",
                    rec.journey,
                    rec.region.as_str()
                ),
                by: None,
            });
        }
        for r in list
            .iter()
            .filter(|r| r.started_at_ms >= started_ms && r.started_at_ms < ended_ms)
        {
            if let Some(bad) = is_bad(cfg, r) {
                all_runs += 1;
                if bad {
                    bad_runs += 1;
                    if !regions.iter().any(|x| x == r.region.as_str()) {
                        regions.push(r.region.as_str().to_owned());
                    }
                }
            }
        }
    }
    timeline.sort_by_key(|e| e.at_ms);
    regions.sort();
    Ok(Some(IncidentView {
        incident,
        timeline,
        report,
        started_ms,
        ended_ms,
        bad_runs,
        runs: all_runs,
        regions,
    }))
}

/// Adds a note by `by` at `at_ms`.
pub fn note(
    store: &Store,
    id: i64,
    text: &str,
    by: Option<&str>,
    at_ms: i64,
) -> Result<(), ApiError> {
    let c = store.conn();
    if incidents::get(c, id)?.is_none() {
        return Err(ApiError::NotFound(format!("no incident {id}")));
    }
    if text.trim().is_empty() {
        return Err(ApiError::InvalidRequest("the note is empty".into()));
    }
    incidents::add(
        c,
        id,
        &TimelineRow {
            seq: 0,
            at_ms,
            kind: "note".into(),
            link: None,
            summary: text.trim().to_owned(),
            by: by.map(str::to_owned),
            detail: None,
        },
    )?;
    Ok(())
}

/// Acknowledges or resolves incident `id`.
pub fn set_state(
    store: &Store,
    id: i64,
    state: &str,
    by: Option<&str>,
    at_ms: i64,
) -> Result<IncidentRow, ApiError> {
    incidents::set_state(store.conn(), id, state, by, at_ms)?.map_err(ApiError::InvalidRequest)
}
