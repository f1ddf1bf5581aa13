//! The compact input row: one run result as the SLO engine sees it, and how
//! an SLO classifies it as good, bad or not counted.

use serde::{Deserialize, Serialize};
use sightline_core::{Outcome, Run, RunId, SliKind, SloDefinition};

/// One step's timing and outcome inside an [`SliEvent`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StepTiming {
    /// The step's name.
    pub name: String,
    /// How long it took.
    pub duration_ms: i64,
    /// How it ended.
    pub outcome: Outcome,
}

/// A run result reduced to what SLIs need. Columnar stores (SQLite today,
/// Polars later) produce these row by row.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SliEvent {
    /// The run's id; a second event with the same id replaces the first.
    pub run_id: RunId,
    /// When the run started, Unix ms UTC. This is the time the event counts at.
    pub started_at_ms: i64,
    /// The journey's name.
    pub journey: String,
    /// The runner's region.
    pub region: String,
    /// The journey's tags.
    #[serde(default)]
    pub tags: Vec<String>,
    /// Whole-run duration.
    pub duration_ms: i64,
    /// How the run ended.
    pub outcome: Outcome,
    /// Per-step timings, in step order.
    #[serde(default)]
    pub steps: Vec<StepTiming>,
}

impl SliEvent {
    /// Builds the SLI view of a stored run; `tags` are the journey's tags.
    /// Only the final attempt of a slot should be fed to the engine.
    pub fn from_run(run: &Run, tags: &[String]) -> Self {
        SliEvent {
            run_id: run.id,
            started_at_ms: run.started_at_ms,
            journey: run.journey.clone(),
            region: run.region.as_str().to_owned(),
            tags: tags.to_vec(),
            duration_ms: run.duration_ms,
            outcome: run.outcome,
            steps: run
                .steps
                .iter()
                .map(|s| StepTiming {
                    name: s.name.clone(),
                    duration_ms: s.duration_ms,
                    outcome: s.outcome,
                })
                .collect(),
        }
    }
}

/// How one SLO counts one event.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Contribution {
    /// Good (true) or bad (false). Events that do not count have no contribution.
    pub good: bool,
    /// The region, for the breakdown.
    pub region: String,
    /// For bad events, the step the badness is attributed to: the first
    /// failed step (availability) or the slowest step (latency).
    pub blamed_step: Option<String>,
}

/// Classifies `event` for `def`: `None` when it is outside the filter or not a
/// valid event (runner error, or the filtered step never ran).
///
/// With a `step` filter the step's own duration and outcome are used.
pub fn classify(def: &SloDefinition, event: &SliEvent) -> Option<Contribution> {
    let f = &def.filter;
    if event.journey != f.journey
        || (!f.regions.is_empty() && !f.regions.contains(&event.region))
        || !f.tags.iter().all(|t| event.tags.contains(t))
    {
        return None;
    }
    let (duration_ms, outcome, step_name) = match &f.step {
        Some(step) => {
            let s = event.steps.iter().find(|s| s.name == *step)?;
            (s.duration_ms, s.outcome, Some(s.name.clone()))
        }
        None => (event.duration_ms, event.outcome, None),
    };
    if !outcome.is_valid_for_sli() {
        return None;
    }
    let passed = outcome == Outcome::Pass;
    let (good, latency_bad) = match def.sli {
        SliKind::Availability => (passed, false),
        SliKind::Latency { threshold_ms } => {
            let fast = duration_ms <= threshold_ms;
            (fast, !fast)
        }
        SliKind::AvailabilityAndLatency { threshold_ms } => {
            let fast = duration_ms <= threshold_ms;
            (passed && fast, passed && !fast)
        }
    };
    let blamed_step = if good {
        None
    } else if step_name.is_some() {
        step_name
    } else if latency_bad {
        event
            .steps
            .iter()
            .max_by_key(|s| s.duration_ms)
            .map(|s| s.name.clone())
    } else {
        event
            .steps
            .iter()
            .find(|s| s.outcome == Outcome::Fail)
            .map(|s| s.name.clone())
    };
    Some(Contribution {
        good,
        region: event.region.clone(),
        blamed_step,
    })
}
