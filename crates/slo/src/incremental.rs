//! The live engine: results go in one at a time, in any order, and every
//! affected SLO is updated in `O(log n)` without recomputing its window.

use std::collections::{BTreeMap, HashMap, HashSet};

use serde::Serialize;
use sightline_core::{RunId, SloDefinition};

use crate::alert::{AlertEpisode, AlertPolicy, AlertState, AlertTransition, step};
use crate::budget::{Budget, RegionBreakdown, SloStatus, StepBreakdown};
use crate::burn_rate::{FORECAST_BURN_WINDOW_MS, burn_rate, forecast};
use crate::counts::Series;
use crate::event::{Contribution, SliEvent, classify};
use crate::window::ResolvedWindow;
use crate::{DAY_MS, HOUR_MS, MINUTE_MS, SloError};

/// The burn windows every status reports, besides the SLO's own period.
pub const STANDARD_BURN_WINDOWS_MS: [i64; 6] = [
    5 * MINUTE_MS,
    30 * MINUTE_MS,
    HOUR_MS,
    6 * HOUR_MS,
    DAY_MS,
    3 * DAY_MS,
];

/// An SLO with its alert policy.
#[derive(Clone, Debug, PartialEq, Serialize, serde::Deserialize)]
pub struct SloConfig {
    /// What is measured.
    pub definition: SloDefinition,
    /// How it alerts; the Workbook default unless configured.
    #[serde(default)]
    pub policy: AlertPolicy,
}

impl SloConfig {
    /// The SLO with the default alert policy.
    pub fn new(definition: SloDefinition) -> Self {
        SloConfig {
            definition,
            policy: AlertPolicy::default(),
        }
    }

    /// Checks the definition and policy. With `known_journeys`, the filter's
    /// journey must be one of them.
    pub fn validate(&self, known_journeys: Option<&[String]>) -> Result<ResolvedWindow, SloError> {
        let d = &self.definition;
        d.validate().map_err(|e| match e {
            sightline_core::CoreError::OutOfRange {
                field,
                value,
                reason,
            } => SloError::invalid(&d.name, field, format!("{value} is out of range: {reason}")),
            other => SloError::invalid(&d.name, "definition", other.to_string()),
        })?;
        if d.filter.journey.is_empty() {
            return Err(SloError::invalid(
                &d.name,
                "filter.journey",
                "a journey is required",
            ));
        }
        if let Some(known) = known_journeys
            && !known.contains(&d.filter.journey)
        {
            return Err(SloError::invalid(
                &d.name,
                "filter.journey",
                format!(
                    "unknown journey {:?}; known: {}",
                    d.filter.journey,
                    known.join(", ")
                ),
            ));
        }
        for (i, r) in self.policy.rules.iter().enumerate() {
            if r.short_window_ms <= 0 || r.long_window_ms < r.short_window_ms {
                return Err(SloError::invalid(
                    &d.name,
                    &format!("policy.rules[{i}].short_window_ms"),
                    "windows must be positive with short <= long",
                ));
            }
            if !(r.budget_percent > 0.0 && r.budget_percent <= 100.0) {
                return Err(SloError::invalid(
                    &d.name,
                    &format!("policy.rules[{i}].budget_percent"),
                    "must be in (0, 100]",
                ));
            }
        }
        ResolvedWindow::resolve(&d.name, &d.window)
    }
}

/// What an applied event did.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    /// A new run counted.
    Added,
    /// A run id seen before came with different data; the old one was replaced.
    Replaced,
    /// A run id seen before no longer counts for this SLO.
    Removed,
}

/// Emitted for each SLO an applied event changed. Subscribers (app, CLI)
/// re-read the status they show.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ChangeEvent {
    /// The SLO changed.
    pub slo: String,
    /// The run responsible.
    pub run_id: RunId,
    /// What happened.
    pub kind: ChangeKind,
    /// The event's start time.
    pub started_at_ms: i64,
    /// Whether the event is older than the newest already seen.
    pub late: bool,
}

#[derive(Clone, Debug)]
struct SloState {
    config: SloConfig,
    window: ResolvedWindow,
    all: Series,
    by_region: BTreeMap<String, Series>,
    /// Only bad events, keyed by blamed step.
    by_step: BTreeMap<String, Series>,
    alerts: Vec<AlertState>,
    /// Per rule, the last evaluation at which its condition held.
    last_true_ms: Vec<Option<i64>>,
    episodes: Vec<AlertEpisode>,
    /// The time range history is expected over (`SloEngine::expect_span`).
    span: Option<(i64, i64)>,
}

/// Adds `e` to the slice `key` of `map`, creating it if new. The lookup comes
/// first so the key is cloned only for a new slice, not once per event.
fn insert_into(
    map: &mut BTreeMap<String, Series>,
    key: &str,
    e: &SliEvent,
    good: bool,
    span: Option<(i64, i64)>,
) {
    match map.get_mut(key) {
        Some(s) => s.insert(e.started_at_ms, e.run_id, good),
        None => {
            let mut s = new_series(span);
            s.insert(e.started_at_ms, e.run_id, good);
            map.insert(key.to_owned(), s);
        }
    }
}

fn new_series(span: Option<(i64, i64)>) -> Series {
    span.map_or_else(Series::default, |(from, to)| Series::covering(from, to))
}

impl SloState {
    fn add(&mut self, e: &SliEvent, c: &Contribution) {
        self.all.insert(e.started_at_ms, e.run_id, c.good);
        insert_into(&mut self.by_region, &c.region, e, c.good, self.span);
        if let Some(step) = &c.blamed_step {
            insert_into(&mut self.by_step, step, e, false, self.span);
        }
    }

    fn remove(&mut self, e: &SliEvent, c: &Contribution) {
        self.all.remove(e.started_at_ms, e.run_id);
        if let Some(s) = self.by_region.get_mut(&c.region) {
            s.remove(e.started_at_ms, e.run_id);
        }
        if let Some(step) = &c.blamed_step
            && let Some(s) = self.by_step.get_mut(step)
        {
            s.remove(e.started_at_ms, e.run_id);
        }
    }

    fn status(&self, at_ms: i64) -> SloStatus {
        let d = &self.config.definition;
        let w = self.window.bounds(at_ms);
        let counts = self.all.count(w.start_ms, w.end_ms);
        let sli = counts.ratio();
        let budget = Budget::compute(counts, d.target);
        let bf = budget.total_fraction;
        let mut burn_rates: Vec<_> = STANDARD_BURN_WINDOWS_MS
            .iter()
            .map(|&len| burn_rate(&self.all, at_ms, len, bf))
            .collect();
        burn_rates.push(burn_rate(&self.all, at_ms, w.period_ms, bf));
        let fb = burn_rate(&self.all, at_ms, FORECAST_BURN_WINDOW_MS, bf);
        let by_region = self
            .by_region
            .iter()
            .map(|(region, s)| {
                let c = s.count(w.start_ms, w.end_ms);
                RegionBreakdown {
                    region: region.clone(),
                    counts: c,
                    sli: c.ratio(),
                }
            })
            .filter(|r| r.counts.valid > 0)
            .collect();
        let total_bad = counts.bad();
        let by_step = self
            .by_step
            .iter()
            .map(|(step, s)| {
                let bad = s.count(w.start_ms, w.end_ms).valid;
                StepBreakdown {
                    step: step.clone(),
                    bad_events: bad,
                    share_of_bad: (total_bad > 0).then(|| bad as f64 / total_bad as f64),
                }
            })
            .filter(|s| s.bad_events > 0)
            .collect();
        SloStatus {
            slo: d.name.clone(),
            at_ms,
            window: w,
            counts,
            sli,
            target: d.target,
            compliant: sli.map(|s| s >= d.target),
            budget,
            burn_rates,
            forecast: forecast(at_ms, budget.remaining_fraction, fb, w.period_ms),
            by_region,
            by_step,
            alerts: self.alerts.clone(),
        }
    }
}

/// Holds the events of every SLO and answers for any `at`.
#[derive(Clone, Debug, Default)]
pub struct SloEngine {
    slos: Vec<SloState>,
    seen: HashMap<RunId, SliEvent>,
    newest_ms: Option<i64>,
    last_alert_eval_ms: Option<i64>,
}

impl SloEngine {
    /// An engine for `configs`, each validated; with `known_journeys`, every
    /// filter must name one of them.
    pub fn new(
        configs: Vec<SloConfig>,
        known_journeys: Option<&[String]>,
    ) -> Result<Self, SloError> {
        let mut names = HashSet::new();
        let mut slos = Vec::with_capacity(configs.len());
        for config in configs {
            let window = config.validate(known_journeys)?;
            if !names.insert(config.definition.name.clone()) {
                return Err(SloError::DuplicateName {
                    slo: config.definition.name.clone(),
                });
            }
            slos.push(SloState {
                alerts: vec![AlertState::Inactive; config.policy.rules.len()],
                last_true_ms: vec![None; config.policy.rules.len()],
                config,
                window,
                all: Series::default(),
                by_region: BTreeMap::new(),
                by_step: BTreeMap::new(),
                episodes: Vec::new(),
                span: None,
            });
        }
        Ok(SloEngine {
            slos,
            ..SloEngine::default()
        })
    }

    /// Full recompute: a fresh engine fed `events` after de-duplication
    /// (last occurrence of a run id wins) and sorting by time.
    pub fn from_events(
        configs: Vec<SloConfig>,
        events: impl IntoIterator<Item = SliEvent>,
    ) -> Result<Self, SloError> {
        let mut engine = SloEngine::new(configs, None)?;
        let mut last: HashMap<RunId, SliEvent> = HashMap::new();
        for e in events {
            last.insert(e.run_id, e);
        }
        let mut sorted: Vec<_> = last.into_values().collect();
        sorted.sort_by_key(|e| (e.started_at_ms, e.run_id));
        for e in sorted {
            engine.load(e);
        }
        Ok(engine)
    }

    /// Tells the engine that the events about to be loaded start in
    /// `[from_ms, to_ms]`, so each series sizes its minute index once for
    /// that range. Only a hint: events outside it still count (the index
    /// grows), and results are the same with or without it.
    pub fn expect_span(&mut self, from_ms: i64, to_ms: i64) {
        for slo in &mut self.slos {
            slo.span = Some((from_ms, to_ms));
            if slo.all.is_empty() {
                slo.all = Series::covering(from_ms, to_ms);
            }
        }
    }

    /// Adds one result. A run id already seen with identical data changes
    /// nothing; with different data it replaces the earlier result.
    pub fn apply(&mut self, event: SliEvent) -> Vec<ChangeEvent> {
        let mut changes = Vec::new();
        self.update(event, Some(&mut changes));
        changes
    }

    /// [`apply`](Self::apply) without the change events: for filling an
    /// engine from stored history, where no one listens and building an
    /// event per SLO per run is a measurable share of the time.
    pub fn load(&mut self, event: SliEvent) {
        self.update(event, None);
    }

    fn update(&mut self, event: SliEvent, mut changes: Option<&mut Vec<ChangeEvent>>) {
        let late = self.newest_ms.is_some_and(|n| event.started_at_ms < n);
        let old = self.seen.get(&event.run_id);
        if old == Some(&event) {
            return;
        }
        for slo in &mut self.slos {
            let before = old.and_then(|o| classify(&slo.config.definition, o).map(|c| (o, c)));
            let after = classify(&slo.config.definition, &event);
            let kind = match (&before, &after) {
                (None, None) => continue,
                (None, Some(_)) => ChangeKind::Added,
                (Some(_), Some(_)) => ChangeKind::Replaced,
                (Some(_), None) => ChangeKind::Removed,
            };
            if let Some((o, c)) = &before {
                slo.remove(o, c);
            }
            if let Some(c) = &after {
                slo.add(&event, c);
            }
            if let Some(out) = changes.as_deref_mut() {
                out.push(ChangeEvent {
                    slo: slo.config.definition.name.clone(),
                    run_id: event.run_id,
                    kind,
                    started_at_ms: event.started_at_ms,
                    late,
                });
            }
        }
        self.newest_ms = Some(
            self.newest_ms
                .map_or(event.started_at_ms, |n| n.max(event.started_at_ms)),
        );
        self.seen.insert(event.run_id, event);
    }

    /// The status of every SLO at `at_ms`, in definition order.
    pub fn status(&self, at_ms: i64) -> Vec<SloStatus> {
        self.slos.iter().map(|s| s.status(at_ms)).collect()
    }

    /// The status of one SLO.
    pub fn status_of(&self, slo: &str, at_ms: i64) -> Result<SloStatus, SloError> {
        Ok(self.state(slo)?.status(at_ms))
    }

    /// The burn rate of one SLO over any window ending at `at_ms`.
    pub fn burn_rate(
        &self,
        slo: &str,
        at_ms: i64,
        window_ms: i64,
    ) -> Result<crate::BurnRate, SloError> {
        let s = self.state(slo)?;
        Ok(burn_rate(
            &s.all,
            at_ms,
            window_ms,
            s.config.definition.budget_fraction(),
        ))
    }

    /// The burn rate of each region of one SLO over a window ending at
    /// `at_ms`, regions with no valid events in it left out; the budget is
    /// the SLO's, so a region's rate says how fast it alone would spend it.
    pub fn burn_rate_by_region(
        &self,
        slo: &str,
        at_ms: i64,
        window_ms: i64,
    ) -> Result<Vec<(String, crate::BurnRate)>, SloError> {
        let s = self.state(slo)?;
        let bf = s.config.definition.budget_fraction();
        Ok(s.by_region
            .iter()
            .map(|(region, series)| (region.clone(), burn_rate(series, at_ms, window_ms, bf)))
            .filter(|(_, b)| b.counts.valid > 0)
            .collect())
    }

    /// Evaluates every alert rule at `at_ms` (non-decreasing between calls)
    /// and returns the transitions. Episodes are kept for [`Self::episodes`].
    pub fn evaluate_alerts(&mut self, at_ms: i64) -> Result<Vec<AlertTransition>, SloError> {
        if let Some(last) = self.last_alert_eval_ms
            && at_ms < last
        {
            return Err(SloError::TimeWentBack {
                at_ms,
                last_ms: last,
            });
        }
        self.last_alert_eval_ms = Some(at_ms);
        let mut out = Vec::new();
        for slo in &mut self.slos {
            let bf = slo.config.definition.budget_fraction();
            let period = slo.window.nominal_period_ms();
            for (i, rule) in slo.config.policy.rules.iter().enumerate() {
                let threshold = rule.burn_rate_threshold(period);
                let hot = |len| {
                    burn_rate(&slo.all, at_ms, len, bf)
                        .rate
                        .is_some_and(|r| r >= threshold)
                };
                let holds = hot(rule.long_window_ms) && hot(rule.short_window_ms);
                if holds {
                    slo.last_true_ms[i] = Some(at_ms);
                }
                let from = slo.alerts[i];
                // A firing alert stays up for keep_firing_for after its
                // condition last held.
                let kept = matches!(from, AlertState::Firing { .. })
                    && slo.last_true_ms[i].is_some_and(|t| at_ms - t < rule.keep_firing_for_ms);
                let condition = holds || kept;
                let to = step(from, condition, rule.for_ms, at_ms);
                if from == to {
                    continue;
                }
                let name = &slo.config.definition.name;
                match (from, to) {
                    (
                        _,
                        AlertState::Firing {
                            pending_at_ms,
                            since_ms,
                        },
                    ) => slo.episodes.push(AlertEpisode {
                        slo: name.clone(),
                        rule: i,
                        severity: rule.severity,
                        pending_at_ms,
                        firing_at_ms: since_ms,
                        resolved_at_ms: None,
                    }),
                    (AlertState::Firing { .. }, _) => {
                        if let Some(ep) = slo.episodes.iter_mut().rev().find(|e| e.rule == i) {
                            ep.resolved_at_ms = Some(at_ms);
                        }
                    }
                    _ => {}
                }
                slo.alerts[i] = to;
                out.push(AlertTransition {
                    slo: name.clone(),
                    rule: i,
                    severity: rule.severity,
                    from,
                    to,
                    at_ms,
                });
            }
        }
        Ok(out)
    }

    /// Every alert episode of one SLO, oldest first.
    pub fn episodes(&self, slo: &str) -> Result<&[AlertEpisode], SloError> {
        Ok(&self.state(slo)?.episodes)
    }

    /// The configs, in definition order.
    pub fn configs(&self) -> impl Iterator<Item = &SloConfig> {
        self.slos.iter().map(|s| &s.config)
    }

    fn state(&self, slo: &str) -> Result<&SloState, SloError> {
        self.slos
            .iter()
            .find(|s| s.config.definition.name == slo)
            .ok_or_else(|| SloError::UnknownSlo(slo.to_owned()))
    }
}
