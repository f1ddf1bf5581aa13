//! What the demo saw, as it happened: live runs per region, recent failures,
//! alerts, deploys. The terminal view and the report are drawn from it.

use std::collections::{BTreeMap, VecDeque};

use serde::Serialize;
use sightline_api::slo::live::AlertChange;
use sightline_core::{Outcome, Run};

/// Failures kept for the view.
const RECENT: usize = 8;

/// One failed live run.
#[derive(Debug, Clone, Serialize)]
pub struct Failure {
    /// The run's id.
    pub run_id: String,
    /// When it started.
    pub at_ms: i64,
    /// The journey.
    pub journey: String,
    /// The region.
    pub region: String,
    /// The step that failed, if a step did.
    pub step: Option<String>,
    /// The error class.
    pub class: String,
    /// The error message.
    pub message: String,
    /// The run's trace id.
    pub trace_id: Option<String>,
}

/// One deploy the shop announced.
#[derive(Debug, Clone, Serialize)]
pub struct Deploy {
    /// When.
    pub at_ms: i64,
    /// `payment@2.4.1`.
    pub release_id: String,
    /// The service.
    pub service: String,
    /// The region (all regions when `None`).
    pub region: Option<String>,
    /// The new version.
    pub version: String,
}

/// Everything the demo saw.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Timeline {
    /// When the live part began.
    pub started_ms: i64,
    /// Live runs by region, then outcome (final attempts only).
    pub runs: BTreeMap<String, BTreeMap<String, u64>>,
    /// The last few failures, newest last.
    pub recent_failures: VecDeque<Failure>,
    /// Every failure, for the report.
    pub failures: Vec<Failure>,
    /// Alerts that fired or resolved, oldest first.
    pub alerts: Vec<AlertChange>,
    /// Deploys, oldest first.
    pub deploys: Vec<Deploy>,
    /// The release gate's answer for the next payment release, each time it
    /// changed (the demo's pipeline: red while the bad release burns, green
    /// once the alert resolves after the rollback).
    pub gate: Vec<GateChange>,
}

/// The gate's answer changed.
#[derive(Debug, Clone, Serialize)]
pub struct GateChange {
    /// When, Unix ms.
    pub at_ms: i64,
    /// `pass`, `blocked`, `undecided`.
    pub outcome: String,
    /// The exit status a pipeline would see.
    pub exit_code: i32,
    /// The gate's sentence.
    pub summary: String,
}

impl Timeline {
    /// Counts a stored live run.
    pub fn saw_run(&mut self, run: &Run) {
        if !run.is_final_attempt {
            return;
        }
        *self
            .runs
            .entry(run.region.to_string())
            .or_default()
            .entry(run.outcome.to_string())
            .or_default() += 1;
        if run.outcome == Outcome::Fail {
            let f = Failure {
                run_id: run.id.to_string(),
                at_ms: run.started_at_ms,
                journey: run.journey.clone(),
                region: run.region.to_string(),
                step: run
                    .steps
                    .iter()
                    .find(|s| s.outcome != Outcome::Pass)
                    .map(|s| s.name.clone()),
                class: run.error_class.map_or("fail", |c| c.as_str()).to_owned(),
                message: run.error_message.clone().unwrap_or_default(),
                trace_id: run.trace_id.clone(),
            };
            self.recent_failures.push_back(f.clone());
            while self.recent_failures.len() > RECENT {
                self.recent_failures.pop_front();
            }
            self.failures.push(f);
        }
    }

    /// Live runs of `region` with `outcome`.
    pub fn count(&self, region: &str, outcome: &str) -> u64 {
        self.runs
            .get(region)
            .and_then(|m| m.get(outcome))
            .copied()
            .unwrap_or(0)
    }

    /// Records the gate's answer at `at_ms` if it differs from the last one.
    pub fn saw_gate(&mut self, at_ms: i64, v: &sightline_action::verdict::Verdict) {
        let outcome = v.outcome.as_str();
        if self.gate.last().is_none_or(|g| g.outcome != outcome) {
            self.gate.push(GateChange {
                at_ms,
                outcome: outcome.to_owned(),
                exit_code: v.exit_code,
                summary: v.summary.clone(),
            });
        }
    }

    /// The first page that fired, else the first ticket.
    pub fn first_firing(&self) -> Option<&AlertChange> {
        let firing = || self.alerts.iter().filter(|a| a.change == "firing");
        firing()
            .find(|a| a.severity == "page")
            .or_else(|| firing().next())
    }
}
