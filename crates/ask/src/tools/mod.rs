//! The engine calls an answer is built from. The built-in answers and a
//! configured model use the same tools, and every call is kept, with its
//! arguments and result, in the answer: a number in the text can always be
//! traced to the call that returned it.

//!
//! The result shapes are in `types.rs`, re-exported here.

mod types;

pub use types::*;

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use chrono_tz::Tz;
use serde::Serialize;
use sightline_api::attribution::{Report, slo_report};
use sightline_api::slo::status::StatusJson;
use sightline_attribution::Options;
use sightline_attribution::RunObs;
use sightline_core::{EventKind, Outcome};
use sightline_store::Store;
use sightline_store::queries::{alerts, events, runs, spans};

use crate::AskError;
use crate::answer::{EvidenceItem, ToolCall};
use crate::catalog::Catalog;

/// Most runs read for one range.
const MAX_RUNS: usize = 100_000;
/// Most spans read for one service.
const MAX_SPANS: usize = 200_000;

/// The service of the deepest error span of `trace_id`: an error span none
/// of whose children is an error.
fn deepest_error(store: &Store, trace_id: &str) -> Option<String> {
    let spans = spans::spans_for_trace(store.conn(), trace_id).ok()?;
    let errs: Vec<&sightline_core::Span> = spans
        .iter()
        .filter(|s| s.status == sightline_core::SpanStatus::Error)
        .collect();
    errs.iter()
        .find(|e| {
            !errs
                .iter()
                .any(|c| c.parent_span_id.as_deref() == Some(e.span_id.as_str()))
        })
        .map(|e| e.service.clone())
}

/// The state a question is answered in: the store, the catalogue and the
/// moment, with the calls made so far.
pub struct Session<'a> {
    /// The store.
    pub store: &'a Store,
    /// The database file (the SLO engine reads it itself).
    pub db: &'a Path,
    /// The project's journeys folder.
    pub journeys_dir: &'a Path,
    /// What can be named.
    pub cat: &'a Catalog,
    /// Journey tags by name.
    pub tags: HashMap<String, Vec<String>>,
    /// The moment answered for, Unix ms.
    pub at_ms: i64,
    /// The user's time zone.
    pub tz: Tz,
    statuses: Option<Vec<SloSummary>>,
    reports: BTreeMap<String, Explanation>,
    /// Every call made, in order.
    pub calls: Vec<ToolCall>,
}

fn summary(s: &StatusJson, at_ms: i64) -> SloSummary {
    let rate = |w: &str| {
        s.burn_rates
            .iter()
            .find(|b| b.window == w)
            .and_then(|b| b.rate)
    };
    SloSummary {
        name: s.name.clone(),
        journey: s.journey.clone(),
        step: s.step.clone(),
        sli_kind: s.sli_kind.to_owned(),
        threshold_ms: s.threshold_ms,
        target: s.target,
        sli: s.sli,
        window_ms: s.window.period_ms,
        budget_remaining: s.budget.remaining_fraction,
        budget_exhausted: s.budget.exhausted,
        burn_5m: rate("5m"),
        burn_1h: rate("1h"),
        burn_6h: rate("6h"),
        alert_state: s.alert_state.to_owned(),
        exhaustion_at_ms: s.exhaustion_at_ms,
        exhaustion_in_ms: s.exhaustion_at_ms.map(|e| (e - at_ms).max(0)),
    }
}

fn kind_word(k: sightline_attribution::CauseKind) -> &'static str {
    use sightline_attribution::CauseKind as K;
    match k {
        K::Latency => "latency",
        K::Errors => "errors",
        K::Saturation => "saturation",
        K::Availability => "availability",
    }
}

/// The app view of a piece of attribution evidence: runs, and the runs
/// whose traces hold the spans named, open in the run viewer.
fn evidence_item(store: &Store, e: &sightline_attribution::Evidence) -> EvidenceItem {
    use sightline_attribution::EvidenceKind as K;
    let kind = match e.kind {
        K::Run => "run",
        K::Trace => "trace",
        K::Span => "span",
        K::Metric => "metric",
        K::Event => "event",
        K::Log => "log",
        K::Slice => "slice",
    };
    let link = match e.kind {
        K::Run => e.ids.first().map(|id| format!("#/runs/{id}")),
        K::Trace | K::Span => e
            .ids
            .first()
            .and_then(|id| id.split('/').next())
            .and_then(|t| {
                sightline_store::queries::catalog::run_of_trace(store.conn(), t)
                    .ok()
                    .flatten()
            })
            .map(|run| format!("#/runs/{run}")),
        _ => None,
    };
    EvidenceItem {
        kind: kind.into(),
        ids: e.ids.clone(),
        summary: e.summary.clone(),
        link,
    }
}

fn explanation(store: &Store, slo: &str, r: &Report, at_ms: i64) -> Explanation {
    Explanation {
        slo: slo.to_owned(),
        onset_ago_ms: r.onset.as_ref().map(|o| (at_ms - o.at_ms).max(0)),
        bad_events: r.bad_events,
        total_events: r.total_events,
        onset_ms: r.onset.as_ref().map(|o| o.at_ms),
        onset_earliest_ms: r.onset.as_ref().map(|o| o.earliest_ms),
        onset_latest_ms: r.onset.as_ref().map(|o| o.latest_ms),
        causes: r
            .causes
            .iter()
            .take(3)
            .map(|c| CauseSummary {
                service: c.service.clone(),
                operation: c.operation.clone(),
                region: c.region.clone(),
                kind: kind_word(c.kind).into(),
                share: c.share,
                confidence: c.confidence,
                onset_ms: c.onset.as_ref().map(|o| o.at_ms),
                change: c.change.as_ref().map(|ch| BlamedChange {
                    release: ch.release.clone(),
                    service: ch.service.clone(),
                    version: ch.version.clone(),
                    region: ch.region.clone(),
                    at_ms: ch.at_ms,
                    minutes_before_onset: ch.minutes_before_onset,
                    before_onset_ms: (ch.minutes_before_onset * 60_000.0).round() as i64,
                }),
                evidence: c
                    .evidence
                    .iter()
                    .take(4)
                    .map(|e| evidence_item(store, e))
                    .collect(),
            })
            .collect(),
        ruled_out: r.red_herrings.iter().map(|h| h.series.clone()).collect(),
    }
}

fn p95(mut v: Vec<f64>) -> Option<f64> {
    if v.is_empty() {
        return None;
    }
    v.sort_by(f64::total_cmp);
    let i = ((v.len() as f64) * 0.95).ceil() as usize;
    Some(v[i.clamp(1, v.len()) - 1])
}

fn red_of(region: Option<String>, spans: &[&sightline_core::Span]) -> Red {
    let errors = spans
        .iter()
        .filter(|s| s.status == sightline_core::SpanStatus::Error)
        .count() as u64;
    let requests = spans.len() as u64;
    Red {
        region,
        requests,
        errors,
        error_rate: (requests > 0).then(|| errors as f64 / requests as f64),
        p95_ms: p95(spans.iter().map(|s| s.duration_nano as f64 / 1e6).collect()),
    }
}

impl<'a> Session<'a> {
    /// A session over `store` at `at_ms`.
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        store: &'a Store,
        db: &'a Path,
        journeys_dir: &'a Path,
        cat: &'a Catalog,
        at_ms: i64,
        tz: Tz,
    ) -> Self {
        let tags = cat
            .journeys
            .iter()
            .map(|j| (j.name.clone(), j.tags.clone()))
            .collect();
        Session {
            store,
            db,
            journeys_dir,
            cat,
            tags,
            at_ms,
            tz,
            statuses: None,
            reports: BTreeMap::new(),
            calls: Vec::new(),
        }
    }

    fn log<T: Serialize>(&mut self, tool: &str, args: serde_json::Value, result: &T) {
        let result = serde_json::to_value(result).unwrap_or(serde_json::Value::Null);
        self.calls.push(ToolCall {
            tool: tool.to_owned(),
            args,
            result,
        });
    }

    /// Records how the question was read, as the first call.
    pub fn log_resolution<T: Serialize>(&mut self, question: &str, resolved: &T) {
        self.log(
            "resolve",
            serde_json::json!({ "question": question }),
            resolved,
        );
    }

    fn all_statuses(&mut self) -> Result<Vec<SloSummary>, AskError> {
        if let Some(s) = &self.statuses {
            return Ok(s.clone());
        }
        let out = self.statuses_of(None)?;
        self.statuses = Some(out.clone());
        Ok(out)
    }

    /// The state of `only` (or of every SLO) now.
    fn statuses_of(&self, only: Option<&str>) -> Result<Vec<SloSummary>, AskError> {
        // The engine over the stored runs, without replaying the alert rules
        // minute by minute (what `slo status` does, and most of its time):
        // the alert state is the stored episodes' instead, as the live loop
        // recorded them.
        let configs: Vec<sightline_slo::SloConfig> = self
            .cat
            .slos
            .iter()
            .filter(|s| only.is_none_or(|n| s.name == n))
            .map(|s| s.config.clone())
            .collect();
        let steps = sightline_api::slo::named_steps(&configs);
        let engine = sightline_api::slo::engine_at(
            self.db,
            self.journeys_dir,
            configs.clone(),
            self.at_ms,
            steps,
            0,
        )?;
        let firing = alerts::fired_between(
            self.store.conn(),
            self.at_ms - 30 * 86_400_000,
            self.at_ms + 1,
        )?;
        let out: Vec<SloSummary> = configs
            .iter()
            .zip(engine.status(self.at_ms))
            .map(|(c, st)| {
                let doc = sightline_api::slo::status::status_json(
                    c,
                    &st,
                    sightline_api::slo::status::nominal_period(c),
                );
                let mut sum = summary(&doc, self.at_ms);
                let open = firing
                    .iter()
                    .filter(|e| {
                        e.slo == c.definition.name
                            && e.resolved_at_ms.is_none_or(|r| r > self.at_ms)
                    })
                    .max_by_key(|e| e.firing_at_ms);
                sum.alert_state = match open {
                    Some(e) => format!("firing ({})", e.severity),
                    None => "not firing".to_owned(),
                };
                sum
            })
            .collect();
        Ok(out)
    }

    /// `slo_status`: every SLO's state now, or one SLO's.
    pub fn slo_status(&mut self, slo: Option<&str>) -> Result<Vec<SloSummary>, AskError> {
        let all = match slo {
            // One SLO: its engine alone, unless every SLO's is at hand.
            Some(name) if self.statuses.is_none() => self.statuses_of(Some(name))?,
            _ => self.all_statuses()?,
        };
        let out: Vec<SloSummary> = all
            .into_iter()
            .filter(|s| slo.is_none_or(|n| s.name == n))
            .collect();
        self.log("slo_status", serde_json::json!({ "slo": slo }), &out);
        Ok(out)
    }

    /// `slo_in_range`: an SLO's good and bad events in a range, per region.
    pub fn slo_in_range(
        &mut self,
        slo: &str,
        from_ms: i64,
        to_ms: i64,
    ) -> Result<RangeSli, AskError> {
        let info = self
            .cat
            .slo(slo)
            .ok_or_else(|| AskError::Unknown(format!("no SLO named {slo}")))?;
        let def = &info.config.definition;
        let tags = self
            .tags
            .get(&def.filter.journey)
            .cloned()
            .unwrap_or_default();
        let rs = runs::for_journey_between(
            self.store.conn(),
            &def.filter.journey,
            from_ms,
            to_ms - 1,
            MAX_RUNS,
        )?;
        let mut total = Counts::default();
        let mut regions: BTreeMap<String, Counts> = BTreeMap::new();
        for r in &rs {
            if let Some(o) = RunObs::judge(def, r, &tags) {
                total.add(o.good);
                regions
                    .entry(o.region.clone())
                    .or_insert_with(|| Counts {
                        region: Some(o.region.clone()),
                        ..Counts::default()
                    })
                    .add(o.good);
            }
        }
        let out = RangeSli {
            slo: slo.to_owned(),
            target: def.target,
            from_ms,
            to_ms,
            total,
            regions: regions.into_values().collect(),
        };
        self.log(
            "slo_in_range",
            serde_json::json!({ "slo": slo, "from_ms": from_ms, "to_ms": to_ms }),
            &out,
        );
        Ok(out)
    }

    /// `explain`: why an SLO is burning now (the attribution engine).
    pub fn explain(&mut self, slo: &str) -> Result<Explanation, AskError> {
        if let Some(e) = self.reports.get(slo).cloned() {
            self.log("explain", serde_json::json!({ "slo": slo }), &e);
            return Ok(e);
        }
        let info = self
            .cat
            .slo(slo)
            .ok_or_else(|| AskError::Unknown(format!("no SLO named {slo}")))?;
        let r = slo_report(
            self.store,
            &info.config,
            &self.tags,
            self.at_ms,
            &Options::default(),
        )?;
        let e = explanation(self.store, slo, &r, self.at_ms);
        self.reports.insert(slo.to_owned(), e.clone());
        self.log("explain", serde_json::json!({ "slo": slo }), &e);
        Ok(e)
    }

    /// `changes`: deploys and Kubernetes events in a range.
    pub fn changes(
        &mut self,
        from_ms: i64,
        to_ms: i64,
        region: Option<&str>,
    ) -> Result<ChangeList, AskError> {
        let mut out = ChangeList {
            from_ms,
            to_ms,
            deploys: Vec::new(),
            kubernetes: Vec::new(),
        };
        for e in events::between(self.store.conn(), from_ms, to_ms)? {
            match e.kind {
                EventKind::Deploy(d) => {
                    if region.is_some_and(|r| d.region.as_deref().is_some_and(|x| x != r)) {
                        continue;
                    }
                    out.deploys.push(DeployRow {
                        event_id: e.id.to_string(),
                        release: format!("{}@{}", d.service, d.version),
                        service: d.service,
                        version: d.version,
                        region: d.region,
                        at_ms: e.at_ms,
                    });
                }
                EventKind::Kubernetes(k) => out.kubernetes.push(KubeRow {
                    event_id: e.id.to_string(),
                    reason: k.reason,
                    object: format!("{}/{}", k.object_kind, k.object_name),
                    at_ms: e.at_ms,
                }),
                _ => {}
            }
        }
        self.log(
            "changes",
            serde_json::json!({ "from_ms": from_ms, "to_ms": to_ms, "region": region }),
            &out,
        );
        Ok(out)
    }

    /// `failed_runs`: a journey's failed runs in a range.
    pub fn failed_runs(
        &mut self,
        journey: &str,
        region: Option<&str>,
        from_ms: i64,
        to_ms: i64,
        limit: usize,
    ) -> Result<Failures, AskError> {
        let rs =
            runs::for_journey_between(self.store.conn(), journey, from_ms, to_ms - 1, MAX_RUNS)?;
        let mut out = Failures {
            journey: journey.to_owned(),
            from_ms,
            to_ms,
            runs: 0,
            failed: 0,
            newest: Vec::new(),
        };
        for r in rs.iter().rev() {
            if region.is_some_and(|x| r.region.0 != x) || r.outcome == Outcome::Error {
                continue;
            }
            out.runs += 1;
            if r.outcome == Outcome::Fail {
                out.failed += 1;
                if out.newest.len() < limit {
                    let step = r.steps.iter().find(|s| s.outcome != Outcome::Pass);
                    out.newest.push(FailedRun {
                        run_id: r.id.to_string(),
                        at_ms: r.started_at_ms,
                        region: r.region.0.clone(),
                        step: step.map(|s| s.name.clone()),
                        error_class: r
                            .error_class
                            .as_ref()
                            .map(|c| format!("{c:?}").to_lowercase()),
                        error_message: r.error_message.clone(),
                        failing_service: r
                            .trace_id
                            .as_deref()
                            .and_then(|t| deepest_error(self.store, t)),
                        trace_id: r.trace_id.clone(),
                    });
                }
            }
        }
        self.log(
            "failed_runs",
            serde_json::json!({ "journey": journey, "region": region, "from_ms": from_ms, "to_ms": to_ms, "limit": limit }),
            &out,
        );
        Ok(out)
    }

    /// `service_health`: a service's requests, errors and p95 in a range,
    /// against the equal range before it.
    pub fn service_health(
        &mut self,
        service: &str,
        from_ms: i64,
        to_ms: i64,
    ) -> Result<ServiceHealth, AskError> {
        let len = to_ms - from_ms;
        let ns = |ms: i64| ms.saturating_mul(1_000_000);
        let all = spans::for_service(
            self.store.conn(),
            service,
            ns(from_ms - len),
            ns(to_ms),
            MAX_SPANS,
        )?;
        let server: Vec<&sightline_core::Span> = all
            .iter()
            .filter(|s| s.kind == sightline_core::SpanKind::Server)
            .collect();
        let (before, now): (Vec<_>, Vec<_>) = server
            .iter()
            .copied()
            .partition(|s| s.start_time_unix_nano < ns(from_ms));
        let mut by_region: BTreeMap<String, Vec<&sightline_core::Span>> = BTreeMap::new();
        for s in &now {
            by_region
                .entry(s.region.clone().unwrap_or_else(|| "unknown".into()))
                .or_default()
                .push(s);
        }
        let out = ServiceHealth {
            service: service.to_owned(),
            from_ms,
            to_ms,
            now: red_of(None, &now),
            before: red_of(None, &before),
            regions: by_region
                .into_iter()
                .map(|(r, v)| red_of(Some(r), &v))
                .collect(),
        };
        self.log(
            "service_health",
            serde_json::json!({ "service": service, "from_ms": from_ms, "to_ms": to_ms }),
            &out,
        );
        Ok(out)
    }
}
