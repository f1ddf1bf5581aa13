//! Integration tests for sightline-store, one module per area of `src/`.

mod alerts;
mod crash;
mod maintenance;
mod open;
mod runs;
mod telemetry;

use rand::SeedableRng;
use rand::rngs::StdRng;
use sightline_core::{ErrorClass, Outcome, Region, Run, RunId, StepResult};

/// A run with `steps` steps starting at `at_ms`; the journey name encodes the
/// step count so tests can tell a whole run from a partial one.
pub fn sample_run(rng: &mut StdRng, at_ms: i64, steps: u32, outcome: Outcome) -> Run {
    Run {
        id: RunId::new(at_ms, rng),
        journey: format!("journey-{steps}"),
        journey_version: "sha256:0123".into(),
        region: Region::new(["us-east-1", "eu-west-1", "ap-south-1"][(at_ms % 3) as usize]),
        runner_id: "test-runner".into(),
        attempt: 1,
        is_final_attempt: true,
        retry_of: None,
        started_at_ms: at_ms,
        duration_ms: 1200,
        outcome,
        error_class: (outcome == Outcome::Fail).then_some(ErrorClass::StepTimeout),
        error_message: (outcome == Outcome::Fail).then(|| "pay: timed out after 5000 ms".into()),
        trace_id: Some("4bf92f3577b34da6a3ce929d0e0e4736".into()),
        release_id: None,
        simulated: false,
        steps: (0..steps)
            .map(|i| StepResult {
                index: i,
                name: format!("step {i}"),
                kind: "click".into(),
                started_at_ms: at_ms + i64::from(i) * 100,
                duration_ms: 100,
                outcome: Outcome::Pass,
                error_class: None,
                error_message: None,
            })
            .collect(),
    }
}

/// A seeded generator, so failures reproduce.
pub fn rng(seed: u64) -> StdRng {
    StdRng::seed_from_u64(seed)
}

/// SHA-256 of a file's bytes, to prove a refused file was not touched.
pub fn file_digest(path: &std::path::Path) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(std::fs::read(path).unwrap()))
}
