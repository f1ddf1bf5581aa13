//! Live SLOs: the numbers move as runs arrive, and alerts are stored as they
//! fire and resolve.
//!
//! A [`LiveSlos`] starts from the store (the engine fed with every final run
//! the SLOs' windows reach, alerts replayed over the longest alert window),
//! then takes each new run incrementally ([`LiveSlos::apply`], `O(log n)` per
//! affected SLO, no window recomputed) and evaluates the alert rules when
//! told the time ([`LiveSlos::tick`]). Every firing and resolution is written
//! to `alert_episodes` with the burn rate that tripped it and the regions
//! whose own burn crossed the threshold, so "which region?" has an answer
//! from the moment the alert fires.
//!
//! Time is an argument everywhere; callers (the demo, `sightline run`, the
//! app) bring the clock and the async loop.

use std::collections::HashMap;
use std::path::Path;

use serde::Serialize;
use sightline_action::notice::{Notice, NoticeKind};
use sightline_action::policy::Policy;
use sightline_action::route::NotifyConfig;
use sightline_core::Run;
use sightline_slo::alert::AlertState;
use sightline_slo::{AlertTransition, ChangeEvent, SliEvent, SloConfig, SloEngine};
use sightline_store::queries::alerts::{self, AlertEpisodeRow};
use sightline_store::queries::sli::StepSelection;
use sightline_store::{Store, StoreError};
use ts_rs::TS;

use crate::ApiError;
use crate::slo::status::{StatusDoc, nominal_period, rfc3339_ms, status_json};
use crate::slo::{engine_at, journey_tags, load_slos, replay_alerts, status_lookback};

/// An alert that fired or resolved.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct AlertChange {
    /// The SLO.
    pub slo: String,
    /// The rule's index in its policy.
    pub rule: u32,
    /// `page` or `ticket`.
    pub severity: String,
    /// `firing` or `resolved`.
    pub change: String,
    /// When, Unix ms.
    pub at_ms: i64,
    /// The long window's burn rate at that moment.
    pub burn_rate: Option<f64>,
    /// The rule's threshold.
    pub threshold: f64,
    /// The rule's windows, e.g. `1h` and `5m`.
    pub long_window: String,
    /// See `long_window`.
    pub short_window: String,
    /// Regions whose own long- and short-window burn crossed the threshold.
    pub regions: Vec<String>,
}

/// The live engine of a project's SLOs.
pub struct LiveSlos {
    engine: SloEngine,
    tags: HashMap<String, Vec<String>>,
    last_tick_ms: i64,
    notify: Option<NotifyConfig>,
    policy: Option<Policy>,
    last_policy_ms: i64,
    last_refresh_ms: i64,
}

/// How often the error-budget policy is evaluated in the live loop.
pub const POLICY_EVERY_MS: i64 = 10_000;

/// How often the reports of alerts that just fired are recomputed: spans
/// are exported in batches, so the traces of the first bad runs can land
/// seconds after the page. The report stays "as of the firing moment"; it
/// only sees the telemetry that arrived late.
pub const REFRESH_EVERY_MS: i64 = 15_000;
/// How long after firing a report is still refreshed.
pub const REFRESH_FOR_MS: i64 = 120_000;

impl LiveSlos {
    /// Loads `project/slos/*.yaml`, feeds the engine from `db` up to `now_ms`
    /// and brings the stored alert episodes in line with the replayed state.
    /// The project's `notify.yaml` routes the alerts' notifications and its
    /// `policy.yaml` (or the built-in default) is evaluated as time passes.
    pub fn start(db: &Path, project: &Path, now_ms: i64) -> Result<Self, ApiError> {
        let configs = load_slos(&project.join("slos"))?
            .into_iter()
            .map(|s| s.config)
            .collect();
        let notify = crate::action::load_notify(project)?;
        let (policy, _) = crate::action::load_policy(project, None)?;
        let mut live = Self::build(db, &project.join("journeys"), configs, now_ms)?;
        live.notify = notify;
        live.policy = Some(policy);
        if db.exists() {
            // Alerts the replay found while no one was watching get their
            // notifications now (queued once: the outbox key is unique).
            live.reconcile(&Store::open(db)?, now_ms)?;
        }
        Ok(live)
    }

    /// Routes notifications by `notify` and evaluates `policy` from now on.
    pub fn with_action(mut self, notify: Option<NotifyConfig>, policy: Option<Policy>) -> Self {
        self.notify = notify;
        self.policy = policy;
        self
    }

    /// As [`LiveSlos::start`], with SLOs given in code (no notifications
    /// and no policy unless [`LiveSlos::with_action`] adds them).
    pub fn with_configs(
        db: &Path,
        journeys_dir: &Path,
        configs: Vec<SloConfig>,
        now_ms: i64,
    ) -> Result<Self, ApiError> {
        let live = Self::build(db, journeys_dir, configs, now_ms)?;
        if db.exists() {
            live.reconcile(&Store::open(db)?, now_ms)?;
        }
        Ok(live)
    }

    fn build(
        db: &Path,
        journeys_dir: &Path,
        configs: Vec<SloConfig>,
        now_ms: i64,
    ) -> Result<Self, ApiError> {
        let lookback = status_lookback(&configs);
        let mut engine = engine_at(
            db,
            journeys_dir,
            configs,
            now_ms,
            StepSelection::All,
            lookback,
        )?;
        replay_alerts(&mut engine, now_ms, lookback)?;
        let live = Self {
            engine,
            tags: journey_tags(journeys_dir),
            last_tick_ms: now_ms,
            notify: None,
            policy: None,
            last_policy_ms: i64::MIN,
            last_refresh_ms: i64::MIN,
        };
        Ok(live)
    }

    /// Stored open episodes the replay says are over get resolved; alerts the
    /// replay says fire but that are not stored get recorded.
    fn reconcile(&self, store: &Store, now_ms: i64) -> Result<(), ApiError> {
        let c = store.conn();
        for open in alerts::open(c)? {
            let firing = self
                .engine
                .status_of(&open.slo, now_ms)
                .ok()
                .and_then(|s| s.alerts.get(open.rule as usize).copied())
                .is_some_and(|a| matches!(a, AlertState::Firing { .. }));
            if !firing {
                let tx = c.unchecked_transaction().map_err(StoreError::from)?;
                alerts::record_resolved(&tx, &open.slo, open.rule, now_ms)?;
                self.enqueue(&tx, NoticeKind::Resolved, &open, now_ms, None)?;
                tx.commit().map_err(StoreError::from)?;
                crate::action::fault_point("after-outbox-commit");
            }
        }
        for status in self.engine.status(now_ms) {
            for (i, state) in status.alerts.iter().enumerate() {
                if let AlertState::Firing {
                    pending_at_ms,
                    since_ms,
                } = *state
                {
                    let rule = u32::try_from(i).unwrap_or(u32::MAX);
                    if alerts::open_of(c, &status.slo, rule)?.is_none() {
                        let row = self.episode_row(&status.slo, i, pending_at_ms, since_ms)?;
                        let report = self.attribute(store, &status.slo, since_ms);
                        let tx = c.unchecked_transaction().map_err(StoreError::from)?;
                        if alerts::record_firing(&tx, &row)? {
                            if let Some(r) = &report
                                && let Ok(json) = serde_json::to_string(r)
                            {
                                alerts::set_attribution(&tx, &row.slo, rule, since_ms, &json)?;
                            }
                            self.enqueue(&tx, NoticeKind::Firing, &row, now_ms, report.as_ref())?;
                        }
                        tx.commit().map_err(StoreError::from)?;
                        crate::action::fault_point("after-outbox-commit");
                    }
                }
            }
        }
        Ok(())
    }

    /// Takes one stored run. Only final attempts count (earlier attempts of
    /// a retried slot are a flakiness signal, not an SLI event). Returns the
    /// SLOs it changed.
    pub fn apply(&mut self, run: &Run) -> Vec<ChangeEvent> {
        if !run.is_final_attempt {
            return Vec::new();
        }
        let tags = self.tags.get(&run.journey).cloned().unwrap_or_default();
        self.engine.apply(SliEvent::from_run(run, &tags))
    }

    /// Evaluates the alert rules at `at_ms` (a time before the last tick is
    /// taken as the last tick) and stores what fired or resolved.
    pub fn tick(&mut self, store: &Store, at_ms: i64) -> Result<Vec<AlertChange>, ApiError> {
        let at_ms = at_ms.max(self.last_tick_ms);
        self.last_tick_ms = at_ms;
        let transitions = self.engine.evaluate_alerts(at_ms)?;
        let mut out = Vec::new();
        for t in transitions {
            if let Some(change) = self.record(store, &t)? {
                out.push(change);
            }
        }
        if at_ms.saturating_sub(self.last_refresh_ms) >= REFRESH_EVERY_MS {
            self.last_refresh_ms = at_ms;
            self.refresh_reports(store, at_ms);
        }
        if let Some(policy) = &self.policy
            && at_ms.saturating_sub(self.last_policy_ms) >= POLICY_EVERY_MS
        {
            self.last_policy_ms = at_ms;
            let statuses = self.status(at_ms).slos;
            if let Err(e) = crate::action::policy_state::sync(
                store,
                policy,
                self.notify.as_ref(),
                &statuses,
                at_ms,
            ) {
                tracing::warn!(error = %e, "evaluating the error-budget policy failed");
            }
        }
        Ok(out)
    }

    /// Queues the notifications of one transition, inside the caller's
    /// transaction.
    fn enqueue(
        &self,
        conn: &sightline_store::rusqlite::Connection,
        kind: NoticeKind,
        row: &AlertEpisodeRow,
        at_ms: i64,
        report: Option<&crate::attribution::Report>,
    ) -> Result<(), ApiError> {
        let Some(cfg) = &self.notify else {
            return Ok(());
        };
        let windows = format!(
            "{}/{}",
            sightline_slo::prometheus::prom_duration(row.long_window_ms),
            sightline_slo::prometheus::prom_duration(row.short_window_ms)
        );
        let attribution = report.filter(|r| !r.causes.is_empty()).map(|r| {
            (
                r.sentence.as_str(),
                r.causes.first().and_then(|c| c.service.as_deref()),
            )
        });
        let notice = Notice::alert(
            kind,
            &row.slo,
            row.rule,
            &row.severity,
            row.firing_at_ms,
            at_ms,
            row.burn_rate,
            row.threshold,
            &windows,
            &row.regions,
            attribution,
        );
        crate::action::outbox::enqueue(conn, cfg, &notice, at_ms)?;
        Ok(())
    }

    fn record(&self, store: &Store, t: &AlertTransition) -> Result<Option<AlertChange>, ApiError> {
        let c = store.conn();
        let rule = u32::try_from(t.rule).unwrap_or(u32::MAX);
        let change = match (t.from, t.to) {
            (
                _,
                AlertState::Firing {
                    pending_at_ms,
                    since_ms,
                },
            ) => {
                let row = self.episode_row(&t.slo, t.rule, pending_at_ms, since_ms)?;
                if !alerts::exists(c, &t.slo, rule, since_ms)? {
                    // The attribution is computed first (it only reads), so
                    // the episode, its report and its notifications commit
                    // together.
                    let report = self.attribute(store, &t.slo, since_ms);
                    let tx = c.unchecked_transaction().map_err(StoreError::from)?;
                    alerts::record_firing(&tx, &row)?;
                    if let Some(r) = &report
                        && let Ok(json) = serde_json::to_string(r)
                    {
                        alerts::set_attribution(&tx, &t.slo, rule, since_ms, &json)?;
                    }
                    self.enqueue(&tx, NoticeKind::Firing, &row, t.at_ms, report.as_ref())?;
                    tx.commit().map_err(StoreError::from)?;
                    crate::action::fault_point("after-outbox-commit");
                    if row.severity == "page" {
                        self.open_incident(store, &row, report.as_ref());
                    }
                }
                Some(("firing", row))
            }
            (AlertState::Firing { .. }, _) => {
                let open = alerts::open_of(c, &t.slo, rule)?;
                let tx = c.unchecked_transaction().map_err(StoreError::from)?;
                alerts::record_resolved(&tx, &t.slo, rule, t.at_ms)?;
                if let Some(o) = &open {
                    self.enqueue(&tx, NoticeKind::Resolved, o, t.at_ms, None)?;
                }
                tx.commit().map_err(StoreError::from)?;
                crate::action::fault_point("after-outbox-commit");
                if let Err(e) = crate::incidents::on_alert_resolved(store, &t.slo, rule, t.at_ms) {
                    tracing::warn!(slo = t.slo, error = %e, "recording the resolution in the incident failed");
                }
                let row = self.episode_row(&t.slo, t.rule, t.at_ms, t.at_ms)?;
                Some(("resolved", row))
            }
            _ => None,
        };
        Ok(change.map(|(word, row)| AlertChange {
            slo: row.slo,
            rule,
            severity: row.severity,
            change: word.to_owned(),
            at_ms: t.at_ms,
            burn_rate: row.burn_rate,
            threshold: row.threshold,
            long_window: sightline_slo::prometheus::prom_duration(row.long_window_ms),
            short_window: sightline_slo::prometheus::prom_duration(row.short_window_ms),
            regions: row.regions,
        }))
    }

    /// Runs the attribution engine once for a new firing. A failure is
    /// logged, never fatal: the alert is stored without a report.
    /// Recomputes the stored reports of the episodes that fired in the last
    /// [`REFRESH_FOR_MS`], at their firing moment, with the telemetry that
    /// has arrived since. A failure keeps the report already stored.
    fn refresh_reports(&self, store: &Store, at_ms: i64) {
        let Ok(open) = alerts::open(store.conn()) else {
            return;
        };
        for e in open
            .iter()
            .filter(|e| at_ms - e.firing_at_ms <= REFRESH_FOR_MS)
        {
            if let Some(r) = self.attribute(store, &e.slo, e.firing_at_ms)
                && let Ok(json) = serde_json::to_string(&r)
                && let Err(err) =
                    alerts::set_attribution(store.conn(), &e.slo, e.rule, e.firing_at_ms, &json)
            {
                tracing::warn!(slo = e.slo, error = %err, "refreshing the alert's report failed");
            }
        }
    }

    fn attribute(
        &self,
        store: &Store,
        slo: &str,
        firing_at_ms: i64,
    ) -> Option<crate::attribution::Report> {
        let config = self.engine.configs().find(|c| c.definition.name == slo)?;
        crate::attribution::slo_report(
            store,
            config,
            &self.tags,
            firing_at_ms,
            &sightline_attribution::Options::default(),
        )
        .map_err(|e| tracing::warn!(slo, error = %e, "attribution for the alert failed"))
        .ok()
    }

    /// Opens (or joins) the incident of a page that just fired. Logged, never
    /// fatal, like the attribution.
    fn open_incident(
        &self,
        store: &Store,
        row: &AlertEpisodeRow,
        report: Option<&crate::attribution::Report>,
    ) {
        let alert = crate::incidents::FiredAlert {
            slo: &row.slo,
            rule: row.rule,
            firing_at_ms: row.firing_at_ms,
            burn_rate: row.burn_rate,
            windows: format!(
                "{}/{}",
                sightline_slo::prometheus::prom_duration(row.long_window_ms),
                sightline_slo::prometheus::prom_duration(row.short_window_ms)
            ),
            regions: &row.regions,
        };
        if let Err(e) = crate::incidents::on_page_fired(store, &alert, report) {
            tracing::warn!(slo = row.slo, error = %e, "opening the incident failed");
        }
    }

    /// The stored form of rule `rule` of `slo` firing now: windows,
    /// threshold, the long-window burn rate, and the burning regions.
    fn episode_row(
        &self,
        slo: &str,
        rule: usize,
        pending_at_ms: i64,
        firing_at_ms: i64,
    ) -> Result<AlertEpisodeRow, ApiError> {
        let config = self
            .engine
            .configs()
            .find(|c| c.definition.name == slo)
            .ok_or_else(|| ApiError::InvalidRequest(format!("unknown SLO {slo:?}")))?;
        let r = config
            .policy
            .rules
            .get(rule)
            .ok_or_else(|| ApiError::InvalidRequest(format!("{slo}: no rule {rule}")))?;
        let threshold = r.burn_rate_threshold(nominal_period(config));
        let at = firing_at_ms;
        let long = self.engine.burn_rate(slo, at, r.long_window_ms)?;
        let hot = |window_ms| -> Result<Vec<String>, ApiError> {
            Ok(self
                .engine
                .burn_rate_by_region(slo, at, window_ms)?
                .into_iter()
                .filter(|(_, b)| b.rate.is_some_and(|v| v >= threshold))
                .map(|(region, _)| region)
                .collect())
        };
        let short_hot = hot(r.short_window_ms)?;
        let regions = hot(r.long_window_ms)?
            .into_iter()
            .filter(|region| short_hot.contains(region))
            .collect();
        Ok(AlertEpisodeRow {
            slo: slo.to_owned(),
            rule: u32::try_from(rule).unwrap_or(u32::MAX),
            severity: r.severity.as_str().to_owned(),
            long_window_ms: r.long_window_ms,
            short_window_ms: r.short_window_ms,
            threshold,
            pending_at_ms,
            firing_at_ms,
            resolved_at_ms: None,
            burn_rate: long.rate,
            regions,
        })
    }

    /// Every SLO's status at `at_ms`, in the stable shape.
    pub fn status(&self, at_ms: i64) -> StatusDoc {
        let slos = self
            .engine
            .configs()
            .zip(self.engine.status(at_ms))
            .map(|(c, s)| status_json(c, &s, nominal_period(c)))
            .collect();
        StatusDoc {
            at_ms,
            at: rfc3339_ms(at_ms),
            slos,
        }
    }

    /// The engine, for questions the status does not answer.
    pub fn engine(&self) -> &SloEngine {
        &self.engine
    }
}
