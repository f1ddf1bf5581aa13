//! Compliance and error budgets, and the status report that gathers them.

use serde::Serialize;

use crate::alert::AlertState;
use crate::burn_rate::{BurnRate, Forecast};
use crate::counts::Counts;
use crate::window::WindowBounds;

/// The error budget over the compliance window.
///
/// Fractions are of the budget, so `consumed_fraction` 0.5 means half the
/// allowed bad events have happened. They are `None` when there are no
/// valid events or when the target is 100% (a budget of zero cannot be
/// divided by); the event counts are always defined.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Budget {
    /// `1 - target`: the share of valid events allowed to be bad.
    pub total_fraction: f64,
    /// bad / (total_fraction × valid).
    pub consumed_fraction: Option<f64>,
    /// 1 - consumed_fraction (negative once overspent).
    pub remaining_fraction: Option<f64>,
    /// total_fraction × valid: bad events the window allows so far.
    pub allowed_bad_events: f64,
    /// allowed_bad_events - bad: bad events still allowed (negative once overspent).
    pub remaining_bad_events: f64,
    /// Whether more bad events happened than allowed.
    pub exhausted: bool,
}

impl Budget {
    /// The budget for `counts` under `target`.
    pub fn compute(counts: Counts, target: f64) -> Budget {
        let total_fraction = 1.0 - target;
        let allowed = total_fraction * counts.valid as f64;
        let bad = counts.bad() as f64;
        let consumed = (counts.valid > 0 && total_fraction > 0.0).then(|| bad / allowed);
        Budget {
            total_fraction,
            consumed_fraction: consumed,
            remaining_fraction: consumed.map(|c| 1.0 - c),
            allowed_bad_events: allowed,
            remaining_bad_events: allowed - bad,
            exhausted: bad > allowed,
        }
    }
}

/// One region's share of an SLO.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RegionBreakdown {
    /// The region.
    pub region: String,
    /// Counts in the compliance window.
    pub counts: Counts,
    /// The region's SLI; `None` without valid events.
    pub sli: Option<f64>,
}

/// The bad events blamed on one step.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct StepBreakdown {
    /// The step's name.
    pub step: String,
    /// Bad events in the window blamed on it (first failed step for
    /// availability, slowest step for latency).
    pub bad_events: u64,
    /// bad_events / all bad events in the window.
    pub share_of_bad: Option<f64>,
}

/// Everything the engine knows about one SLO at `at`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SloStatus {
    /// The SLO's name.
    pub slo: String,
    /// The evaluation time.
    pub at_ms: i64,
    /// The compliance window.
    pub window: WindowBounds,
    /// Counts in the window.
    pub counts: Counts,
    /// good / valid; `None` (undefined) without valid events, never 100%.
    pub sli: Option<f64>,
    /// The objective.
    pub target: f64,
    /// sli >= target; `None` when the SLI is undefined.
    pub compliant: Option<bool>,
    /// The error budget.
    pub budget: Budget,
    /// Burn rates over the standard windows (5m, 30m, 1h, 6h, 1d, 3d, period).
    pub burn_rates: Vec<BurnRate>,
    /// When the budget runs out at the current burn.
    pub forecast: Forecast,
    /// Per-region counts and SLIs, sorted by region.
    pub by_region: Vec<RegionBreakdown>,
    /// Bad events per blamed step, sorted by step name.
    pub by_step: Vec<StepBreakdown>,
    /// The current state of each alert rule, in policy order.
    pub alerts: Vec<AlertState>,
}
