//! The bulk path: the status of many SLOs over a whole columnar history
//! (a Polars [`DataFrame`] of run rows) at one instant, in one pass.
//!
//! The live engine ([`SloEngine`](crate::SloEngine)) keeps per-SLO indexes
//! so that each new result costs microseconds; filling those indexes from
//! ten million stored results costs seconds. When the question is "the
//! numbers at `at`" over a history that is already complete (an imported
//! Parquet file, a benchmark, a what-if over another tool's export), there is
//! no need for indexes at all. Every window an SLO reports ends at `at + 1`,
//! so the windows' starts cut time into a few *classes*, and a row's class
//! says which windows contain it. One pass sorts each row into a cell
//! `(journey, region, class)` and counts it valid and good under each
//! distinct predicate its journey's SLOs use (pass; at most N ms; both). Each SLO's numbers are
//! then sums of cells, assembled by the same code paths the live engine
//! uses ([`Budget::compute`](crate::Budget::compute), [`rate_of`](crate::burn_rate::rate_of),
//! [`forecast`](crate::burn_rate::forecast)).
//!
//! The numbers equal the live engine's for the same rows (a property test
//! checks it), with two parts left out: the per-step breakdown (the frame
//! holds runs, not steps) and the alert *state* (which needs the history of
//! evaluations). Instead of states, each alert rule's condition at `at` is
//! reported in [`BulkStatus::rules`].
//!
//! # Input
//! One row per run (final attempts; a run id appears once: the store's
//! primary key sees to that), with the columns in [`columns`]: `journey`,
//! `region` and `outcome` as text, `started_at_ms` and `duration_ms` as
//! 64-bit integers. Rows outside every window are skipped unread. Step
//! filters are refused with [`SloError::Unsupported`].

mod assemble;
mod scan;

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use polars::prelude::DataFrame;
use serde::Serialize;

use crate::SloError;
use crate::alert::Severity;
use crate::budget::SloStatus;
use crate::burn_rate::{BurnRate, FORECAST_BURN_WINDOW_MS};
use crate::incremental::{STANDARD_BURN_WINDOWS_MS, SloConfig};
use crate::window::{ResolvedWindow, WindowBounds};
use sightline_core::SliKind;

/// The column names the bulk path reads.
pub mod columns {
    /// The journey's name (text).
    pub const JOURNEY: &str = "journey";
    /// The runner's region (text).
    pub const REGION: &str = "region";
    /// `pass`, `fail` or `error` (text).
    pub const OUTCOME: &str = "outcome";
    /// When the run started, Unix ms (i64).
    pub const STARTED_AT_MS: &str = "started_at_ms";
    /// Whole-run duration in ms (i64).
    pub const DURATION_MS: &str = "duration_ms";
}

/// One alert rule's condition at `at`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RuleCheck {
    /// The rule's index in the SLO's policy.
    pub rule: usize,
    /// Page or ticket.
    pub severity: Severity,
    /// The burn-rate threshold, scaled to the SLO's period.
    pub threshold: f64,
    /// The burn over the long window.
    pub long: BurnRate,
    /// The burn over the short window.
    pub short: BurnRate,
    /// Whether both windows burn at or above the threshold.
    pub holds: bool,
}

/// One SLO's numbers from the bulk path.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct BulkStatus {
    /// The same fields as the live engine's status; `by_step` and `alerts`
    /// are empty (see the module documentation).
    pub status: SloStatus,
    /// Each alert rule's condition at `at`, in policy order.
    pub rules: Vec<RuleCheck>,
}

/// Which rows are good: one per distinct SLI kind and threshold.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Pred {
    Pass,
    Fast(i64),
    PassAndFast(i64),
}

fn pred_of(kind: &SliKind) -> Pred {
    match *kind {
        SliKind::Availability => Pred::Pass,
        SliKind::Latency { threshold_ms } => Pred::Fast(threshold_ms),
        SliKind::AvailabilityAndLatency { threshold_ms } => Pred::PassAndFast(threshold_ms),
    }
}

/// What the pass needs to know, built from the SLOs and `at`.
pub(crate) struct Plan {
    /// Distinct window starts, ascending; class `c` is `[bounds[c], bounds[c + 1])`.
    bounds: Vec<i64>,
    /// `at + 1`: every window's end.
    end_ms: i64,
    at_ms: i64,
    /// Per journey (by code), the distinct predicates its SLOs use.
    preds: Vec<Vec<Pred>>,
    /// The journeys some SLO names, by code.
    journeys: Vec<String>,
}

impl Plan {
    /// Counters per class: valid, then one per predicate of the journey
    /// with the most (the others leave the rest unused).
    fn slots(&self) -> usize {
        1 + self.preds.iter().map(Vec::len).max().unwrap_or(0)
    }

    /// Counters per `(journey, region)`.
    fn cell_width(&self) -> usize {
        self.bounds.len() * self.slots()
    }

    fn class_of(&self, start_ms: i64) -> usize {
        self.bounds.partition_point(|&b| b < start_ms)
    }
}

/// One SLO, resolved against the plan.
struct Resolved {
    config: SloConfig,
    window: ResolvedWindow,
    bounds: WindowBounds,
    journey: usize,
    pred: usize,
    /// False when the journey lacks a tag the filter asks for: nothing counts.
    tags_match: bool,
}

/// How the pass is split.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Options {
    /// At most this many threads count rows (1 = the calling thread only).
    pub threads: usize,
    /// Rows per task: chunks are cut to this size and shared out in order.
    pub rows_per_task: usize,
}

impl Default for Options {
    /// One thread per core, tasks of 256 Ki rows.
    fn default() -> Self {
        Options {
            threads: std::thread::available_parallelism().map_or(1, |n| n.get()),
            rows_per_task: 256 * 1024,
        }
    }
}

/// Counts run rows for a set of SLOs at one instant, frame by frame: the
/// streaming form of [`status`]. Feed it frames (row groups of a Parquet
/// file, say) with [`add`](Self::add), on as many threads as you like with
/// [`fork`](Self::fork) and [`merge`](Self::merge), then [`finish`](Self::finish).
pub struct Counter {
    plan: Arc<Plan>,
    slos: Arc<Vec<Resolved>>,
    partial: scan::Partial,
}

impl Counter {
    /// A counter for `configs` at `at_ms`. `journey_tags` gives each
    /// journey's tags, for tag filters. Invalid definitions, duplicate names
    /// and step filters are refused by SLO and field.
    pub fn new(
        configs: &[SloConfig],
        journey_tags: &BTreeMap<String, Vec<String>>,
        at_ms: i64,
    ) -> Result<Self, SloError> {
        let end_ms = at_ms + 1;
        let mut starts = BTreeSet::new();
        let mut preds: BTreeMap<String, BTreeSet<Pred>> = BTreeMap::new();
        let mut names = BTreeSet::new();
        let mut checked = Vec::with_capacity(configs.len());
        for config in configs {
            let d = &config.definition;
            let window = config.validate(None)?;
            if !names.insert(d.name.as_str()) {
                return Err(SloError::DuplicateName {
                    slo: d.name.clone(),
                });
            }
            if d.filter.step.is_some() {
                return Err(SloError::Unsupported {
                    slo: d.name.clone(),
                    field: "filter.step".into(),
                    message:
                        "the bulk path reads run rows, not steps; step SLOs need the live engine"
                            .into(),
                });
            }
            let bounds = window.bounds(at_ms);
            starts.insert(bounds.start_ms);
            starts.insert(end_ms - bounds.period_ms);
            starts.insert(end_ms - FORECAST_BURN_WINDOW_MS);
            for len in STANDARD_BURN_WINDOWS_MS {
                starts.insert(end_ms - len);
            }
            for r in &config.policy.rules {
                starts.insert(end_ms - r.long_window_ms);
                starts.insert(end_ms - r.short_window_ms);
            }
            preds
                .entry(d.filter.journey.clone())
                .or_default()
                .insert(pred_of(&d.sli));
            checked.push((config, window, bounds));
        }
        let plan = Plan {
            bounds: starts.into_iter().filter(|&s| s < end_ms).collect(),
            end_ms,
            at_ms,
            journeys: preds.keys().cloned().collect(),
            preds: preds
                .into_values()
                .map(|p| p.into_iter().collect())
                .collect(),
        };
        let slos = checked
            .into_iter()
            .map(|(config, window, bounds)| {
                let d = &config.definition;
                let tags = journey_tags.get(&d.filter.journey);
                let journey = plan.journeys.binary_search(&d.filter.journey).unwrap_or(0);
                Resolved {
                    config: config.clone(),
                    window,
                    bounds,
                    journey,
                    pred: plan.preds[journey]
                        .binary_search(&pred_of(&d.sli))
                        .unwrap_or(0),
                    tags_match: d
                        .filter
                        .tags
                        .iter()
                        .all(|t| tags.is_some_and(|have| have.contains(t))),
                }
            })
            .collect();
        let partial = scan::Partial::new(&plan);
        Ok(Counter {
            plan: Arc::new(plan),
            slos: Arc::new(slos),
            partial,
        })
    }

    /// An empty counter for the same SLOs and instant, for another thread.
    pub fn fork(&self) -> Self {
        Counter {
            plan: Arc::clone(&self.plan),
            slos: Arc::clone(&self.slos),
            partial: scan::Partial::new(&self.plan),
        }
    }

    /// Adds the counts of a fork.
    pub fn merge(&mut self, other: Counter) {
        self.partial.merge(&self.plan, other.partial);
    }

    /// Counts the rows of `runs`; `first_row` is the number of its first row
    /// in the whole input, so that errors name the row of the input.
    pub fn add(&mut self, runs: &DataFrame, first_row: usize) -> Result<(), SloError> {
        if self.plan.bounds.is_empty() || runs.height() == 0 {
            return Ok(());
        }
        let runs = aligned(runs);
        let cols = scan::Columns::of(&runs)?;
        for chunk in cols.chunks(first_row, usize::MAX) {
            self.partial.count(&self.plan, &chunk)?;
        }
        Ok(())
    }

    /// Every SLO's status, in the order of the configs.
    pub fn finish(self) -> Vec<BulkStatus> {
        let tally = self.partial.into_tally(&self.plan);
        self.slos
            .iter()
            .map(|r| assemble::assemble(&self.plan, &tally, r, self.plan.at_ms))
            .collect()
    }
}

/// `runs` with every column cut into chunks at the same rows (copied only
/// when they are not).
fn aligned(runs: &DataFrame) -> Cow<'_, DataFrame> {
    if runs.should_rechunk() {
        let mut df = runs.clone();
        df.rechunk_mut();
        Cow::Owned(df)
    } else {
        Cow::Borrowed(runs)
    }
}

/// The status of every SLO in `configs` at `at_ms` over the run rows of
/// `runs`, counted on up to `options.threads` threads. `journey_tags` gives
/// each journey's tags, for tag filters.
pub fn status(
    configs: &[SloConfig],
    runs: &DataFrame,
    journey_tags: &BTreeMap<String, Vec<String>>,
    at_ms: i64,
    options: Options,
) -> Result<Vec<BulkStatus>, SloError> {
    let mut counter = Counter::new(configs, journey_tags, at_ms)?;
    if counter.plan.bounds.is_empty() || runs.height() == 0 {
        return Ok(counter.finish());
    }
    let runs = aligned(runs);
    let cols = scan::Columns::of(&runs)?;
    let tasks: Vec<scan::Chunk<'_>> = cols.chunks(0, options.rows_per_task.max(1)).collect();
    let threads = options.threads.clamp(1, tasks.len().max(1));
    let per = tasks.len().div_ceil(threads).max(1);
    let forks: Vec<Result<Counter, SloError>> = std::thread::scope(|s| {
        let handles: Vec<_> = tasks
            .chunks(per)
            .map(|group| {
                let mut fork = counter.fork();
                s.spawn(move || {
                    for chunk in group {
                        fork.partial.count(&fork.plan, chunk)?;
                    }
                    Ok(fork)
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join().unwrap_or_else(|_| {
                    Err(SloError::frame("", None, "a counting thread panicked"))
                })
            })
            .collect()
    });
    for fork in forks {
        counter.merge(fork?);
    }
    Ok(counter.finish())
}
