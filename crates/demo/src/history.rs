//! The history before the live part, generated from the shop's healthy model
//! so the SLO windows have something to stand on. Every row is labelled
//! `simulated` in the database; the live part is real runs only.
//!
//! The model: each journey has a typical duration per region (the regions
//! sit at different distances from their users), drawn from a log-normal
//! around it; a healthy shop fails about one run in two thousand, at a step
//! picked at random. Older history is sparse (one run per journey and region
//! every `sparse_every_ms`); the last `dense_for_ms` match the live schedule,
//! so short alert windows hold as many runs as they will live.

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use sightline_core::{ErrorClass, Outcome, Region, Run, RunId, StepResult};
use sightline_journeys::LoadedJourney;

/// One journey and how often it runs live.
#[derive(Debug, Clone)]
pub struct ModelJourney {
    /// The journey, for its name, version and steps.
    pub journey: LoadedJourney,
    /// Its live interval.
    pub every_ms: i64,
    /// Typical whole-run duration in a healthy shop.
    pub typical_ms: f64,
}

/// What to generate.
#[derive(Debug, Clone)]
pub struct HistorySpec {
    /// The journeys.
    pub journeys: Vec<ModelJourney>,
    /// Regions, each with a latency factor (1.0 = typical).
    pub regions: Vec<(String, f64)>,
    /// First instant generated.
    pub from_ms: i64,
    /// One past the last instant generated (the live start).
    pub to_ms: i64,
    /// The spacing of the old, sparse part.
    pub sparse_every_ms: i64,
    /// How long before `to_ms` the history is as dense as live.
    pub dense_for_ms: i64,
    /// Chance that a healthy run fails.
    pub failure_rate: f64,
    /// Seed, for reproducible demos and tests.
    pub seed: u64,
}

/// The simulated runs, oldest first.
pub fn generate(spec: &HistorySpec) -> Vec<Run> {
    let mut rng = StdRng::seed_from_u64(spec.seed);
    let dense_from = spec.to_ms - spec.dense_for_ms;
    let mut out = Vec::new();
    for j in &spec.journeys {
        for (region, factor) in &spec.regions {
            let mut t = spec.from_ms + rng.random_range(0..spec.sparse_every_ms.max(1));
            while t < spec.to_ms {
                out.push(one_run(&mut rng, j, region, *factor, t, spec.failure_rate));
                let gap = if t >= dense_from {
                    j.every_ms
                } else {
                    spec.sparse_every_ms
                };
                t += gap.max(1);
            }
        }
    }
    out.sort_by_key(|r| (r.started_at_ms, r.id));
    out
}

/// A log-normal draw with median `median` and shape `sigma` (Box–Muller).
fn log_normal(rng: &mut StdRng, median: f64, sigma: f64) -> f64 {
    let u1: f64 = rng.random_range(f64::EPSILON..1.0);
    let u2: f64 = rng.random_range(0.0..1.0);
    let z = (-2.0 * u1.ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos();
    median * (sigma * z).exp()
}

fn one_run(
    rng: &mut StdRng,
    j: &ModelJourney,
    region: &str,
    factor: f64,
    at: i64,
    failure_rate: f64,
) -> Run {
    let steps = &j.journey.journey.steps;
    let n = steps.len().max(1);
    let total = log_normal(rng, j.typical_ms * factor, 0.25).max(50.0);
    let fails_at = (rng.random_range(0.0..1.0) < failure_rate).then(|| rng.random_range(0..n));
    // Split the run over its steps with random weights.
    let weights: Vec<f64> = (0..n).map(|_| rng.random_range(0.5..1.5)).collect();
    let sum: f64 = weights.iter().sum();
    let mut results = Vec::new();
    let mut t = at;
    for (i, step) in steps.iter().enumerate() {
        let d = (total * weights[i] / sum).round() as i64;
        let failed = fails_at == Some(i);
        results.push(StepResult {
            index: u32::try_from(i).unwrap_or(u32::MAX),
            name: sightline_browser::step_name(step),
            kind: step.type_name().to_owned(),
            started_at_ms: t,
            duration_ms: d,
            outcome: if failed { Outcome::Fail } else { Outcome::Pass },
            error_class: failed.then_some(ErrorClass::AssertionFailed),
            error_message: failed.then(|| "simulated failure".to_owned()),
        });
        t += d;
        if failed {
            break;
        }
    }
    let failed = fails_at.is_some();
    Run {
        id: RunId::new(at, rng),
        journey: j.journey.journey.name.clone(),
        journey_version: j.journey.version.clone(),
        region: Region::new(region),
        runner_id: "simulated".to_owned(),
        attempt: 1,
        is_final_attempt: true,
        retry_of: None,
        started_at_ms: at,
        duration_ms: t - at,
        outcome: if failed { Outcome::Fail } else { Outcome::Pass },
        error_class: failed.then_some(ErrorClass::AssertionFailed),
        error_message: failed.then(|| "simulated failure".to_owned()),
        trace_id: None,
        release_id: None,
        simulated: true,
        steps: results,
    }
}
