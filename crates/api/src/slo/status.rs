//! The status of SLOs as the CLI prints it (`slo status --json`) and the app
//! shows it: a stable, documented shape (docs/cli.md). Fields are only ever
//! added.

use serde::Serialize;
use sightline_core::SliKind;
use sightline_slo::prometheus::prom_duration;
use sightline_slo::{AlertState, DAY_MS, SloConfig, SloStatus};
use ts_rs::TS;

/// Unix milliseconds as RFC 3339 UTC with milliseconds
/// (`2026-12-01T10:00:03.250Z`).
pub fn rfc3339_ms(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .map(|d| d.to_rfc3339_opts(chrono::SecondsFormat::Millis, true))
        .unwrap_or_else(|| ms.to_string())
}

/// One burn rate in `--json` output.
#[derive(Debug, Clone, Serialize, TS)]
pub struct BurnJson {
    /// The window in Prometheus syntax, e.g. `1h`.
    pub window: String,
    /// The window in milliseconds.
    pub window_ms: i64,
    /// Valid events in the window.
    pub valid: u64,
    /// Bad events in the window.
    pub bad: u64,
    /// Error ratio / (1 - target); null without valid events or at 100%.
    pub rate: Option<f64>,
}

impl BurnJson {
    /// The JSON form of an engine burn rate.
    pub fn from(b: &sightline_slo::BurnRate) -> Self {
        BurnJson {
            window: prom_duration(b.window_ms),
            window_ms: b.window_ms,
            valid: b.counts.valid,
            bad: b.counts.bad(),
            rate: b.rate,
        }
    }
}

/// One alert rule's state in `--json` output.
#[derive(Debug, Clone, Serialize, TS)]
pub struct AlertJson {
    /// Index of the rule in the SLO's policy.
    pub rule: usize,
    /// `page` or `ticket`.
    pub severity: &'static str,
    /// The long window, e.g. `1h`.
    pub long_window: String,
    /// The short window, e.g. `5m`.
    pub short_window: String,
    /// The burn-rate threshold after scaling to the SLO's period.
    pub threshold: f64,
    /// `inactive`, `pending` or `firing`.
    pub state: &'static str,
    /// When the current state began (pending or firing), Unix ms.
    pub since_ms: Option<i64>,
}

/// The state as a word, and since when.
pub fn state_word(s: &AlertState) -> (&'static str, Option<i64>) {
    match *s {
        AlertState::Inactive => ("inactive", None),
        AlertState::Pending { since_ms } => ("pending", Some(since_ms)),
        AlertState::Firing { since_ms, .. } => ("firing", Some(since_ms)),
    }
}

/// Every rule of `config` with its state, thresholds scaled to `period_ms`.
pub fn alert_json(config: &SloConfig, period_ms: i64, states: &[AlertState]) -> Vec<AlertJson> {
    config
        .policy
        .rules
        .iter()
        .zip(states)
        .enumerate()
        .map(|(i, (r, s))| {
            let (state, since_ms) = state_word(s);
            AlertJson {
                rule: i,
                severity: r.severity.as_str(),
                long_window: prom_duration(r.long_window_ms),
                short_window: prom_duration(r.short_window_ms),
                threshold: r.burn_rate_threshold(period_ms),
                state,
                since_ms,
            }
        })
        .collect()
}

/// The worst state among rules: `firing` > `pending` > `inactive`.
pub fn worst(states: &[AlertState]) -> &'static str {
    if states
        .iter()
        .any(|s| matches!(s, AlertState::Firing { .. }))
    {
        "firing"
    } else if states
        .iter()
        .any(|s| matches!(s, AlertState::Pending { .. }))
    {
        "pending"
    } else {
        "inactive"
    }
}

/// The whole `slo status --json` document.
#[derive(Debug, Clone, Serialize, TS)]
pub struct StatusDoc {
    /// The evaluation time, Unix ms.
    pub at_ms: i64,
    /// The evaluation time, RFC 3339 UTC.
    pub at: String,
    /// One entry per SLO, in folder order (files sorted, then file order).
    pub slos: Vec<StatusJson>,
}

/// One SLO in `slo status --json`.
#[derive(Debug, Clone, Serialize, TS)]
pub struct StatusJson {
    /// The SLO's name.
    pub name: String,
    /// The journey measured.
    pub journey: String,
    /// The step measured, for step-level SLOs.
    pub step: Option<String>,
    /// `availability`, `latency` or `availability_and_latency`.
    pub sli_kind: &'static str,
    /// The latency threshold, for latency kinds.
    pub threshold_ms: Option<i64>,
    /// The objective, a fraction in (0, 1].
    pub target: f64,
    /// The compliance window counted: `[start_ms, end_ms)` and the period's length.
    pub window: WindowJson,
    /// Valid events in the window.
    pub valid: u64,
    /// Good events in the window.
    pub good: u64,
    /// Bad events in the window.
    pub bad: u64,
    /// good / valid; null when there are no valid events (never 100%).
    pub sli: Option<f64>,
    /// sli >= target; null when the SLI is undefined.
    pub compliance: Option<bool>,
    /// The error budget.
    pub budget: BudgetJson,
    /// Burn rates over 5m, 30m, 1h, 6h, 1d, 3d and the SLO's period.
    pub burn_rates: Vec<BurnJson>,
    /// When the budget runs out at the last hour's burn; null if never.
    pub exhaustion_at_ms: Option<i64>,
    /// The worst alert state among the rules.
    pub alert_state: &'static str,
    /// Every rule's state.
    pub alerts: Vec<AlertJson>,
    /// Per-region counts and SLI.
    pub by_region: Vec<RegionJson>,
    /// Bad events blamed on each step.
    pub by_step: Vec<StepJson>,
}

/// The counted window.
#[derive(Debug, Clone, Serialize, TS)]
pub struct WindowJson {
    /// First millisecond counted.
    pub start_ms: i64,
    /// One past the last millisecond counted (`at + 1`).
    pub end_ms: i64,
    /// The period's length in ms.
    pub period_ms: i64,
}

/// The error budget.
#[derive(Debug, Clone, Serialize, TS)]
pub struct BudgetJson {
    /// 1 - target.
    pub total_fraction: f64,
    /// Share of the budget spent; null without valid events or at 100%.
    pub consumed_fraction: Option<f64>,
    /// 1 - consumed (negative once overspent); null as above.
    pub remaining_fraction: Option<f64>,
    /// Bad events the window allows so far.
    pub allowed_bad_events: f64,
    /// Bad events still allowed (negative once overspent).
    pub remaining_bad_events: f64,
    /// More bad events than allowed.
    pub exhausted: bool,
}

/// One region's share.
#[derive(Debug, Clone, Serialize, TS)]
pub struct RegionJson {
    /// The region.
    pub region: String,
    /// Valid events.
    pub valid: u64,
    /// Good events.
    pub good: u64,
    /// The region's SLI.
    pub sli: Option<f64>,
}

/// Bad events blamed on one step.
#[derive(Debug, Clone, Serialize, TS)]
pub struct StepJson {
    /// The step's name.
    pub step: String,
    /// Bad events blamed on it.
    pub bad_events: u64,
    /// Its share of all bad events.
    pub share_of_bad: Option<f64>,
}

/// One SLO's status in the stable shape.
pub fn status_json(config: &SloConfig, s: &SloStatus, nominal_period_ms: i64) -> StatusJson {
    let d = &config.definition;
    let (sli_kind, threshold_ms) = match d.sli {
        SliKind::Availability => ("availability", None),
        SliKind::Latency { threshold_ms } => ("latency", Some(threshold_ms)),
        SliKind::AvailabilityAndLatency { threshold_ms } => {
            ("availability_and_latency", Some(threshold_ms))
        }
    };
    StatusJson {
        name: d.name.clone(),
        journey: d.filter.journey.clone(),
        step: d.filter.step.clone(),
        sli_kind,
        threshold_ms,
        target: d.target,
        window: WindowJson {
            start_ms: s.window.start_ms,
            end_ms: s.window.end_ms,
            period_ms: s.window.period_ms,
        },
        valid: s.counts.valid,
        good: s.counts.good,
        bad: s.counts.bad(),
        sli: s.sli,
        compliance: s.compliant,
        budget: BudgetJson {
            total_fraction: s.budget.total_fraction,
            consumed_fraction: s.budget.consumed_fraction,
            remaining_fraction: s.budget.remaining_fraction,
            allowed_bad_events: s.budget.allowed_bad_events,
            remaining_bad_events: s.budget.remaining_bad_events,
            exhausted: s.budget.exhausted,
        },
        burn_rates: s.burn_rates.iter().map(BurnJson::from).collect(),
        exhaustion_at_ms: s.forecast.exhaustion_at_ms,
        alert_state: worst(&s.alerts),
        alerts: alert_json(config, nominal_period_ms, &s.alerts),
        by_region: s
            .by_region
            .iter()
            .map(|r| RegionJson {
                region: r.region.clone(),
                valid: r.counts.valid,
                good: r.counts.good,
                sli: r.sli,
            })
            .collect(),
        by_step: s
            .by_step
            .iter()
            .map(|b| StepJson {
                step: b.step.clone(),
                bad_events: b.bad_events,
                share_of_bad: b.share_of_bad,
            })
            .collect(),
    }
}

/// The length alert thresholds scale with: the window's nominal period
/// (30 days when the definition does not validate).
pub fn nominal_period(config: &SloConfig) -> i64 {
    config
        .validate(None)
        .map(|w| w.nominal_period_ms())
        .unwrap_or(30 * DAY_MS)
}
