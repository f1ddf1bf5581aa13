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
//! distinct predicate (pass; at most N ms; both). Each SLO's numbers are
//! then sums of cells, assembled by the same code paths the live engine
//! uses ([`Budget::compute`], [`rate_of`], [`forecast`]).
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

mod scan;

use std::collections::{BTreeMap, BTreeSet};

use polars::prelude::DataFrame;
use serde::Serialize;

use crate::SloError;
use crate::alert::Severity;
use crate::budget::{Budget, RegionBreakdown, SloStatus};
use crate::burn_rate::{BurnRate, FORECAST_BURN_WINDOW_MS, forecast, rate_of};
use crate::counts::Counts;
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
    preds: Vec<Pred>,
    /// The journeys some SLO names, by code.
    journeys: Vec<String>,
}

impl Plan {
    /// Counters per class: valid, then one per predicate.
    fn slots(&self) -> usize {
        1 + self.preds.len()
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
struct Resolved<'a> {
    config: &'a SloConfig,
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

/// The status of every SLO in `configs` at `at_ms` over the run rows of
/// `runs`. `journey_tags` gives each journey's tags, for tag filters.
pub fn status(
    configs: &[SloConfig],
    runs: &DataFrame,
    journey_tags: &BTreeMap<String, Vec<String>>,
    at_ms: i64,
    options: Options,
) -> Result<Vec<BulkStatus>, SloError> {
    let end_ms = at_ms + 1;
    let mut starts = BTreeSet::new();
    let mut preds = BTreeSet::new();
    let mut journeys = BTreeSet::new();
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
                message: "the bulk path reads run rows, not steps; step SLOs need the live engine"
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
        preds.insert(pred_of(&d.sli));
        journeys.insert(d.filter.journey.clone());
        checked.push((config, window, bounds));
    }
    let plan = Plan {
        bounds: starts.into_iter().filter(|&s| s < end_ms).collect(),
        end_ms,
        preds: preds.into_iter().collect(),
        journeys: journeys.into_iter().collect(),
    };
    if plan.bounds.is_empty() {
        return Ok(Vec::new());
    }
    let owned;
    let runs = if runs.should_rechunk() {
        let mut df = runs.clone();
        df.rechunk_mut();
        owned = df;
        &owned
    } else {
        runs
    };
    let cols = scan::Columns::of(runs)?;
    debug_assert!(cols.aligned());
    let tally = scan::tally(&plan, &cols, options)?;
    let resolved = checked.into_iter().map(|(config, window, bounds)| {
        let d = &config.definition;
        let tags = journey_tags.get(&d.filter.journey);
        Resolved {
            config,
            window,
            bounds,
            journey: plan.journeys.binary_search(&d.filter.journey).unwrap_or(0),
            pred: plan.preds.binary_search(&pred_of(&d.sli)).unwrap_or(0),
            tags_match: d
                .filter
                .tags
                .iter()
                .all(|t| tags.is_some_and(|have| have.contains(t))),
        }
    });
    Ok(resolved
        .map(|r| assemble(&plan, &tally, &r, at_ms))
        .collect())
}

/// Counts of one `(journey, region)` cell for the window starting at `start_ms`.
fn counts_in(plan: &Plan, cell: &[u64], pred: usize, start_ms: i64) -> Counts {
    let slots = plan.slots();
    let mut c = Counts::default();
    for class in plan.class_of(start_ms)..plan.bounds.len() {
        let at = class * slots;
        c.valid += cell[at];
        c.good += cell[at + 1 + pred];
    }
    c
}

fn assemble(plan: &Plan, tally: &scan::Tally, r: &Resolved<'_>, at_ms: i64) -> BulkStatus {
    let d = &r.config.definition;
    let regions: Vec<usize> = (0..tally.regions.len())
        .filter(|&i| {
            r.tags_match
                && (d.filter.regions.is_empty() || d.filter.regions.contains(&tally.regions[i]))
        })
        .collect();
    let over = |start_ms: i64| {
        regions.iter().fold(Counts::default(), |mut acc, &i| {
            let c = counts_in(plan, tally.cell(r.journey, i), r.pred, start_ms);
            acc.valid += c.valid;
            acc.good += c.good;
            acc
        })
    };
    let end_ms = at_ms + 1;
    let bf = d.budget_fraction();
    let burn = |len: i64| {
        let counts = over(end_ms - len);
        BurnRate {
            window_ms: len,
            counts,
            rate: rate_of(counts, bf),
        }
    };
    let w = r.bounds;
    let counts = over(w.start_ms);
    let sli = counts.ratio();
    let budget = Budget::compute(counts, d.target);
    let mut burn_rates: Vec<_> = STANDARD_BURN_WINDOWS_MS.iter().map(|&l| burn(l)).collect();
    burn_rates.push(burn(w.period_ms));
    let by_region = regions
        .iter()
        .map(|&i| {
            let c = counts_in(plan, tally.cell(r.journey, i), r.pred, w.start_ms);
            RegionBreakdown {
                region: tally.regions[i].clone(),
                counts: c,
                sli: c.ratio(),
            }
        })
        .filter(|b| b.counts.valid > 0)
        .collect();
    let period = r.window.nominal_period_ms();
    let rules = r
        .config
        .policy
        .rules
        .iter()
        .enumerate()
        .map(|(i, rule)| {
            let threshold = rule.burn_rate_threshold(period);
            let (long, short) = (burn(rule.long_window_ms), burn(rule.short_window_ms));
            let hot = |b: &BurnRate| b.rate.is_some_and(|x| x >= threshold);
            RuleCheck {
                rule: i,
                severity: rule.severity,
                threshold,
                holds: hot(&long) && hot(&short),
                long,
                short,
            }
        })
        .collect();
    BulkStatus {
        status: SloStatus {
            slo: d.name.clone(),
            at_ms,
            window: w,
            counts,
            sli,
            target: d.target,
            compliant: sli.map(|s| s >= d.target),
            budget,
            burn_rates,
            forecast: forecast(
                at_ms,
                budget.remaining_fraction,
                burn(FORECAST_BURN_WINDOW_MS),
                w.period_ms,
            ),
            by_region,
            by_step: Vec::new(),
            alerts: Vec::new(),
        },
        rules,
    }
}
