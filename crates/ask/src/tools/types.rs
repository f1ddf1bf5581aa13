//! What the tools return: the shapes a built-in answer and a model read.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::answer::EvidenceItem;

/// Counts of good and bad events.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Counts {
    /// The region, when these are one region's.
    pub region: Option<String>,
    /// Events the SLO counts.
    pub valid: u64,
    /// Good ones.
    pub good: u64,
    /// Bad ones.
    pub bad: u64,
    /// good / valid.
    pub sli: Option<f64>,
}

impl Counts {
    pub(super) fn add(&mut self, good: bool) {
        self.valid += 1;
        if good {
            self.good += 1;
        } else {
            self.bad += 1;
        }
        self.sli = Some(self.good as f64 / self.valid as f64);
    }
}

/// One SLO's state now.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct SloSummary {
    /// The SLO.
    pub name: String,
    /// The journey measured.
    pub journey: String,
    /// The step, for step SLOs.
    pub step: Option<String>,
    /// `availability`, `latency` or `availability_and_latency`.
    pub sli_kind: String,
    /// The latency threshold.
    pub threshold_ms: Option<i64>,
    /// The objective.
    pub target: f64,
    /// The SLI over the compliance window.
    pub sli: Option<f64>,
    /// The compliance window's length.
    pub window_ms: i64,
    /// Share of the error budget left (negative once overspent).
    pub budget_remaining: Option<f64>,
    /// Whether the budget is spent.
    pub budget_exhausted: bool,
    /// Burn rate over the last 5 minutes.
    pub burn_5m: Option<f64>,
    /// Burn rate over the last hour.
    pub burn_1h: Option<f64>,
    /// Burn rate over the last 6 hours.
    pub burn_6h: Option<f64>,
    /// `firing (SEVERITY)` when a stored alert episode of the SLO is open at
    /// the moment asked, else `not firing`.
    pub alert_state: String,
    /// When the budget runs out at the last hour's burn.
    pub exhaustion_at_ms: Option<i64>,
    /// How long until then.
    pub exhaustion_in_ms: Option<i64>,
}

impl SloSummary {
    /// The burn the answers rank by: the 5-minute rate, else the hour's.
    pub fn burn(&self) -> f64 {
        self.burn_5m.or(self.burn_1h).unwrap_or(0.0)
    }
}

/// An SLO's events in a range, overall and per region.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct RangeSli {
    /// The SLO.
    pub slo: String,
    /// The objective.
    pub target: f64,
    /// The range, Unix ms.
    pub from_ms: i64,
    /// The range's end.
    pub to_ms: i64,
    /// All regions.
    pub total: Counts,
    /// Each region.
    pub regions: Vec<Counts>,
}

/// A change the engine blamed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct BlamedChange {
    /// `service@version`, for deploys.
    pub release: Option<String>,
    /// The service changed.
    pub service: Option<String>,
    /// The version deployed.
    pub version: Option<String>,
    /// The region.
    pub region: Option<String>,
    /// When, Unix ms.
    pub at_ms: i64,
    /// Minutes from the change to the cause's onset.
    pub minutes_before_onset: f64,
    /// The same, in ms.
    pub before_onset_ms: i64,
}

/// One cause of the burn.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct CauseSummary {
    /// The service to blame.
    pub service: Option<String>,
    /// The operation.
    pub operation: Option<String>,
    /// The region.
    pub region: Option<String>,
    /// `latency`, `errors`, `saturation` or `availability`.
    pub kind: String,
    /// Share of the burn explained.
    pub share: f64,
    /// Confidence in [0, 1].
    pub confidence: f64,
    /// When it started.
    pub onset_ms: Option<i64>,
    /// The change behind it.
    pub change: Option<BlamedChange>,
    /// The evidence.
    pub evidence: Vec<EvidenceItem>,
}

/// Why an SLO is burning: the attribution engine's report, summarised.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Explanation {
    /// The SLO.
    pub slo: String,
    /// Bad events in the window explained.
    pub bad_events: u64,
    /// All events in it.
    pub total_events: u64,
    /// When the SLI moved.
    pub onset_ms: Option<i64>,
    /// How long ago that was.
    pub onset_ago_ms: Option<i64>,
    /// The 95% interval's start.
    pub onset_earliest_ms: Option<i64>,
    /// The 95% interval's end.
    pub onset_latest_ms: Option<i64>,
    /// Causes, best first.
    pub causes: Vec<CauseSummary>,
    /// Signals that moved but were ruled out.
    pub ruled_out: Vec<String>,
}

/// A deploy in a range.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct DeployRow {
    /// The event.
    pub event_id: String,
    /// `service@version`.
    pub release: String,
    /// The service.
    pub service: String,
    /// The version.
    pub version: String,
    /// The region, or none for all.
    pub region: Option<String>,
    /// When, Unix ms.
    pub at_ms: i64,
}

/// A Kubernetes event in a range.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct KubeRow {
    /// The event.
    pub event_id: String,
    /// e.g. `BackOff`.
    pub reason: String,
    /// `Kind/name`.
    pub object: String,
    /// When, Unix ms.
    pub at_ms: i64,
}

/// What changed in a range.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ChangeList {
    /// The range, Unix ms.
    pub from_ms: i64,
    /// Its end.
    pub to_ms: i64,
    /// Deploys, oldest first.
    pub deploys: Vec<DeployRow>,
    /// Kubernetes events.
    pub kubernetes: Vec<KubeRow>,
}

/// One failed run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct FailedRun {
    /// The run.
    pub run_id: String,
    /// When it started, Unix ms.
    pub at_ms: i64,
    /// Where from.
    pub region: String,
    /// The failing step.
    pub step: Option<String>,
    /// The error's class.
    pub error_class: Option<String>,
    /// The error's message.
    pub error_message: Option<String>,
    /// The run's trace.
    pub trace_id: Option<String>,
    /// The service of the deepest error span on that trace.
    pub failing_service: Option<String>,
}

/// A journey's failed runs in a range.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Failures {
    /// The journey.
    pub journey: String,
    /// The range, Unix ms.
    pub from_ms: i64,
    /// Its end.
    pub to_ms: i64,
    /// Runs in the range (final attempts).
    pub runs: u64,
    /// Failed ones.
    pub failed: u64,
    /// The newest failures, newest first.
    pub newest: Vec<FailedRun>,
}

/// One service's requests (server spans) in a range.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Red {
    /// The region, when these are one region's.
    pub region: Option<String>,
    /// Requests.
    pub requests: u64,
    /// Errors.
    pub errors: u64,
    /// errors / requests.
    pub error_rate: Option<f64>,
    /// 95th percentile duration.
    pub p95_ms: Option<f64>,
}

/// A service's health in a range and the equal range before it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ServiceHealth {
    /// The service.
    pub service: String,
    /// The range, Unix ms.
    pub from_ms: i64,
    /// Its end.
    pub to_ms: i64,
    /// The range.
    pub now: Red,
    /// The range before it.
    pub before: Red,
    /// Each region, in the range.
    pub regions: Vec<Red>,
}
