//! The Journeys view: every journey of the project (and any journey that has
//! stored runs but no file any more) with its last result per region, its
//! success rate and a p95 sparkline over the last 24 hours; and one journey's
//! steps, for the detail pane where Replay now starts.
//!
//! Statistics read final attempts only, like SLIs: a retried slot counts once,
//! as the user finally saw it. Runner errors are shown but left out of the
//! success rate and the percentiles.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};
use sightline_core::{Outcome, Run};
use sightline_slo::HOUR_MS;
use sightline_store::Store;
use sightline_store::queries::{run_list, sli};
use ts_rs::TS;

use crate::project::{self, JourneyFile};
use crate::{ApiContext, ApiError};

/// How far back the list's statistics look.
pub const STATS_WINDOW_MS: i64 = 24 * HOUR_MS;
/// Sparkline buckets over [`STATS_WINDOW_MS`]: one per hour.
pub const SPARK_BUCKETS: i64 = 24;

/// Asks for the journey list.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct JourneysRequest {
    /// Evaluate at this time, Unix ms; now when absent.
    pub at_ms: Option<i64>,
}

/// The journey list.
#[derive(Debug, Clone, Serialize, TS)]
pub struct JourneyList {
    /// When the statistics end, Unix ms.
    pub at_ms: i64,
    /// How far back they look.
    pub window_ms: i64,
    /// The journeys folder read, relative to the project.
    pub journeys_dir: String,
    /// Every journey, files first (by path), then journeys known only from runs.
    pub journeys: Vec<JourneySummary>,
    /// Deploys in the window, for the sparklines' markers.
    pub deploys: Vec<crate::overview::DeployMarker>,
}

/// One journey in the list.
#[derive(Debug, Clone, Serialize, TS)]
pub struct JourneySummary {
    /// The journey's name.
    pub name: String,
    /// Its file, relative to the project; null when only runs know it.
    pub file: Option<String>,
    /// Why the file does not load (naming file, step and field), if it does not.
    pub problem: Option<String>,
    /// What it does, in words.
    pub description: String,
    /// Its tags.
    pub tags: Vec<String>,
    /// How many steps it has (0 when unknown).
    pub steps: u32,
    /// The newest final attempt from each region.
    pub last_by_region: Vec<RegionResult>,
    /// Final attempts in the window (runner errors included).
    pub runs: u64,
    /// Valid ones (pass + fail).
    pub valid: u64,
    /// Passes.
    pub passed: u64,
    /// passed / valid; null without valid runs.
    pub success_rate: Option<f64>,
    /// p95 duration of the valid runs in the window.
    pub p95_ms: Option<i64>,
    /// p95 duration per hour of the window, oldest first; null for an hour
    /// without valid runs.
    pub p95_sparkline: Vec<Option<i64>>,
}

/// A journey's newest result from one region.
#[derive(Debug, Clone, Serialize, TS)]
pub struct RegionResult {
    /// The region.
    pub region: String,
    /// `pass`, `fail` or `error`.
    pub outcome: String,
    /// When it started, Unix ms.
    pub started_at_ms: i64,
    /// How long it took.
    pub duration_ms: i64,
    /// The run, for the run viewer.
    pub run_id: String,
}

impl RegionResult {
    fn of(run: &Run) -> Self {
        Self {
            region: run.region.as_str().to_owned(),
            outcome: run.outcome.as_str().to_owned(),
            started_at_ms: run.started_at_ms,
            duration_ms: run.duration_ms,
            run_id: run.id.to_string(),
        }
    }
}

/// The p95 of `sorted` durations by the nearest-rank method (the smallest
/// value with at least 95% of values at or below it).
pub fn p95(sorted: &[i64]) -> Option<i64> {
    if sorted.is_empty() {
        return None;
    }
    let rank = (0.95 * sorted.len() as f64).ceil() as usize;
    sorted.get(rank.clamp(1, sorted.len()) - 1).copied()
}

/// The journey list at `req.at_ms` (now by default).
pub fn journeys(ctx: &ApiContext, req: JourneysRequest) -> Result<JourneyList, ApiError> {
    let at_ms = req.at_ms.unwrap_or_else(|| ctx.now_ms());
    let files = project::journey_files(ctx);
    let store = if ctx.db_path().exists() {
        Some(Store::open_read_only(ctx.db_path())?)
    } else {
        None
    };
    let project_regions: Vec<String> = match project::runner_project(ctx) {
        Some(Ok(p)) => p.regions.into_iter().map(|r| r.name).collect(),
        _ => Vec::new(),
    };
    let mut out = Vec::new();
    let mut named = BTreeSet::new();
    for JourneyFile { rel, loaded } in files {
        let mut summary = match loaded {
            Ok(j) => JourneySummary {
                name: j.journey.name.clone(),
                file: Some(rel),
                problem: None,
                description: j.journey.description.clone(),
                tags: j.journey.tags.clone(),
                steps: u32::try_from(j.journey.steps.len()).unwrap_or(u32::MAX),
                ..empty_summary()
            },
            Err(problem) => JourneySummary {
                // A file that does not load has no trustworthy name: show its path.
                name: rel.clone(),
                file: Some(rel),
                problem: Some(problem),
                ..empty_summary()
            },
        };
        if summary.problem.is_none() && !named.insert(summary.name.clone()) {
            summary.problem = Some(format!(
                "another file already defines a journey named {:?}",
                summary.name
            ));
        }
        out.push(summary);
    }
    if let Some(store) = &store {
        for name in sli::journeys(store.conn())? {
            if !named.contains(&name) {
                named.insert(name.clone());
                out.push(JourneySummary {
                    name,
                    problem: Some("no journey file defines it any more".into()),
                    ..empty_summary()
                });
            }
        }
        for s in out.iter_mut().filter(|s| named.contains(&s.name)) {
            fill_stats(store, s, at_ms, &project_regions)?;
        }
    }
    Ok(JourneyList {
        at_ms,
        window_ms: STATS_WINDOW_MS,
        journeys_dir: project::relative(ctx.project_dir(), &ctx.journeys_dir()),
        journeys: out,
        deploys: crate::overview::deploy_markers(ctx, at_ms - STATS_WINDOW_MS + 1, at_ms + 1)?,
    })
}

fn empty_summary() -> JourneySummary {
    JourneySummary {
        name: String::new(),
        file: None,
        problem: None,
        description: String::new(),
        tags: Vec::new(),
        steps: 0,
        last_by_region: Vec::new(),
        runs: 0,
        valid: 0,
        passed: 0,
        success_rate: None,
        p95_ms: None,
        p95_sparkline: vec![None; SPARK_BUCKETS as usize],
    }
}

/// Success rate, percentiles and last results for one journey.
fn fill_stats(
    store: &Store,
    s: &mut JourneySummary,
    at_ms: i64,
    project_regions: &[String],
) -> Result<(), ApiError> {
    let from = at_ms - STATS_WINDOW_MS + 1;
    let points = run_list::points(store.conn(), &s.name, from, at_ms)?;
    let bucket_ms = STATS_WINDOW_MS / SPARK_BUCKETS;
    let mut buckets: BTreeMap<i64, Vec<i64>> = BTreeMap::new();
    let mut all = Vec::new();
    for (_, p) in &points {
        s.runs += 1;
        if !p.outcome.is_valid_for_sli() {
            continue;
        }
        s.valid += 1;
        if p.outcome == Outcome::Pass {
            s.passed += 1;
        }
        all.push(p.duration_ms);
        buckets
            .entry((p.started_at_ms - from) / bucket_ms)
            .or_default()
            .push(p.duration_ms);
    }
    s.success_rate = (s.valid > 0).then(|| s.passed as f64 / s.valid as f64);
    all.sort_unstable();
    s.p95_ms = p95(&all);
    s.p95_sparkline = (0..SPARK_BUCKETS)
        .map(|b| {
            buckets.get_mut(&b).and_then(|v| {
                v.sort_unstable();
                p95(v)
            })
        })
        .collect();
    // Regions: the project's, plus any the journey ran from recently.
    let mut regions: BTreeSet<String> = project_regions.iter().cloned().collect();
    regions.extend(points.into_iter().map(|(r, _)| r));
    for region in regions {
        if let Some(run) = run_list::last_in_region(store.conn(), &s.name, &region)? {
            s.last_by_region.push(RegionResult::of(&run));
        }
    }
    Ok(())
}

/// Asks for one journey's steps.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct JourneyDetailRequest {
    /// The journey's name.
    pub name: String,
}

/// One journey, for the detail pane.
#[derive(Debug, Clone, Serialize, TS)]
pub struct JourneyDetail {
    /// The journey's name.
    pub name: String,
    /// Its file, relative to the project.
    pub file: String,
    /// What it does.
    pub description: String,
    /// Its own base URL, if it sets one.
    pub base_url: Option<String>,
    /// Its tags.
    pub tags: Vec<String>,
    /// The secrets it needs (names only; values never leave the keyring).
    pub secrets: Vec<String>,
    /// Its steps, in order, named as runs store them.
    pub steps: Vec<StepInfo>,
    /// Where Replay now can run it: the project's regions with their base URLs.
    pub regions: Vec<ReplayTarget>,
    /// Why `sightline.toml` could not be read, if it could not.
    pub project_problem: Option<String>,
}

/// One step of a journey file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct StepInfo {
    /// Its position, from 0.
    pub index: u32,
    /// Its name as runs store it (the title, or the type and its target).
    pub name: String,
    /// Its type, e.g. `click`.
    pub kind: String,
}

/// A region Replay now can run from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ReplayTarget {
    /// The region's name.
    pub region: String,
    /// The base URL it replaces the journey's with, if any.
    pub base_url: Option<String>,
}

/// The steps of journey `req.name`, and where it can be replayed.
pub fn journey_detail(
    ctx: &ApiContext,
    req: JourneyDetailRequest,
) -> Result<JourneyDetail, ApiError> {
    let (file, loaded) = project::find_journey(ctx, &req.name).ok_or_else(|| {
        ApiError::NotFound(format!(
            "name: no journey file under {} defines a journey named {:?}",
            ctx.journeys_dir().display(),
            req.name
        ))
    })?;
    let j = &loaded.journey;
    let (regions, project_problem) = match project::runner_project(ctx) {
        None => (Vec::new(), None),
        Some(Ok(p)) => (
            p.regions
                .into_iter()
                .map(|r| ReplayTarget {
                    region: r.name,
                    base_url: r.base_url,
                })
                .collect(),
            None,
        ),
        Some(Err(e)) => (Vec::new(), Some(e.to_string())),
    };
    Ok(JourneyDetail {
        name: j.name.clone(),
        file,
        description: j.description.clone(),
        base_url: j.base_url.clone(),
        tags: j.tags.clone(),
        secrets: j.secrets.clone(),
        steps: j
            .steps
            .iter()
            .enumerate()
            .map(|(i, step)| StepInfo {
                index: u32::try_from(i).unwrap_or(u32::MAX),
                name: sightline_browser::step_name(step),
                kind: step.type_name().to_owned(),
            })
            .collect(),
        regions,
        project_problem,
    })
}
