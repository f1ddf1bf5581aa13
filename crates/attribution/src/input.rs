//! What the engine is given: run observations judged by an SLO, backend
//! telemetry, change events, the moment to explain and the tuning.

use sightline_core::{Event, LogRecord, MetricPoint, Outcome, Run, SloDefinition, Span};
use sightline_slo::event::{SliEvent, classify};

use crate::report::Window;

/// One run as an SLO judged it, with the dimensions the burn is split over.
#[derive(Debug, Clone, PartialEq)]
pub struct RunObs {
    /// The run's id.
    pub run_id: String,
    /// When it started, Unix ms.
    pub at_ms: i64,
    /// Good for the SLO.
    pub good: bool,
    /// Bad only because it was slow (it passed).
    pub slow: bool,
    /// The journey.
    pub journey: String,
    /// The journey file's version.
    pub journey_version: String,
    /// The runner's region.
    pub region: String,
    /// The runner.
    pub runner: String,
    /// The step the badness is attributed to.
    pub step: Option<String>,
    /// The error class of a failed run.
    pub error_class: Option<String>,
    /// The error message of a failed run.
    pub error_message: Option<String>,
    /// The linked trace.
    pub trace_id: Option<String>,
    /// Whole-run (or judged step) duration.
    pub duration_ms: i64,
}

impl RunObs {
    /// Judges `run` by `def`; `None` when the SLO does not count it.
    pub fn judge(def: &SloDefinition, run: &Run, tags: &[String]) -> Option<RunObs> {
        let ev = SliEvent::from_run(run, tags);
        let c = classify(def, &ev)?;
        let duration_ms = match &def.filter.step {
            Some(step) => run
                .steps
                .iter()
                .find(|s| s.name == *step)
                .map_or(run.duration_ms, |s| s.duration_ms),
            None => run.duration_ms,
        };
        let failed_step = run.steps.iter().find(|s| s.outcome != Outcome::Pass);
        let passed = match &def.filter.step {
            Some(step) => run
                .steps
                .iter()
                .find(|s| s.name == *step)
                .is_some_and(|s| s.outcome == Outcome::Pass),
            None => run.outcome == Outcome::Pass,
        };
        Some(RunObs {
            run_id: run.id.to_string(),
            at_ms: run.started_at_ms,
            good: c.good,
            slow: !c.good && passed,
            journey: run.journey.clone(),
            journey_version: run.journey_version.chars().take(12).collect(),
            region: c.region,
            runner: run.runner_id.clone(),
            step: c.blamed_step,
            error_class: failed_step
                .and_then(|s| s.error_class)
                .or(run.error_class)
                .map(|e| e.as_str().to_owned()),
            error_message: failed_step
                .and_then(|s| s.error_message.clone())
                .or_else(|| run.error_message.clone()),
            trace_id: run.trace_id.clone(),
            duration_ms,
        })
    }
}

/// Everything one report is computed from. Nothing here is read by the
/// engine from anywhere else: data and time come in as arguments.
#[derive(Debug, Clone, Copy)]
pub struct Input<'a> {
    /// The SLO, when explaining one (`None`: telemetry-only mode).
    pub slo: Option<(&'a str, f64)>,
    /// The moment to explain, Unix ms.
    pub at_ms: i64,
    /// Runs the SLO counts, over the lookback (any order).
    pub runs: &'a [RunObs],
    /// Spans: the linked traces of those runs, and the services' own traffic.
    pub spans: &'a [Span],
    /// Deploys, Kubernetes events.
    pub events: &'a [Event],
    /// Metric points.
    pub metrics: &'a [MetricPoint],
    /// Log records.
    pub logs: &'a [LogRecord],
    /// Span-derived RED points for the indicators, when the caller sampled or
    /// aggregated them; `None` derives them from `spans`.
    pub red: Option<&'a [crate::indicators::RedPoint]>,
    /// Telemetry-only mode: the bad window, and optionally its baseline.
    pub window: Option<Window>,
    /// The baseline for telemetry-only mode.
    pub baseline: Option<Window>,
}

/// Tuning. The defaults are the ones the evaluation is scored with.
#[derive(Debug, Clone)]
pub struct Options {
    /// Width of the buckets series are cut into.
    pub bucket_ms: i64,
    /// How far back from `at` the SLI is searched for an onset.
    pub lookback_ms: i64,
    /// How long before the onset a change may be and still be blamed.
    pub change_lookback_ms: i64,
    /// Adtributor: least explanatory power for one element.
    pub min_element_ep: f64,
    /// Adtributor: explanatory power a set must reach.
    pub min_set_ep: f64,
    /// At most this many causes.
    pub max_causes: usize,
    /// Evidence items kept per cause.
    pub max_evidence: usize,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            bucket_ms: 20_000,
            lookback_ms: 6 * 3_600_000,
            change_lookback_ms: 60 * 60_000,
            min_element_ep: 0.1,
            min_set_ep: 0.67,
            max_causes: 5,
            max_evidence: 8,
        }
    }
}
