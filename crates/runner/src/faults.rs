//! Runner faults, kept apart from user failures.
//!
//! A run only counts against an SLO when the user would have seen the
//! failure. When the runner itself is the problem (out of memory, overloaded,
//! its own network down, shutting down, its browser crashed or hung) the run
//! is stored with outcome `error`, which every SLI leaves out, and shown and
//! counted apart.

use std::time::Duration;

use sightline_browser::ReplayReport;
use sightline_core::{ErrorClass, Outcome, Region, Run, RunId};
use sightline_journeys::LoadedJourney;

/// A run that never reached the site, recorded as a runner error.
pub fn fault_report(
    journey: &LoadedJourney,
    region: &str,
    runner_id: &str,
    started_at_ms: i64,
    class: ErrorClass,
    message: String,
) -> ReplayReport {
    debug_assert!(class.is_runner_fault());
    let mut rng = rand::rng();
    ReplayReport {
        run: Run {
            id: RunId::new(started_at_ms, &mut rng),
            journey: journey.journey.name.clone(),
            journey_version: journey.version.clone(),
            region: Region::new(region),
            runner_id: runner_id.to_owned(),
            attempt: 1,
            is_final_attempt: true,
            retry_of: None,
            started_at_ms,
            duration_ms: 0,
            outcome: Outcome::Error,
            error_class: Some(class),
            error_message: Some(message),
            trace_id: None,
            release_id: None,
            simulated: false,
            steps: Vec::new(),
        },
        artifacts: Vec::new(),
        vitals: Vec::new(),
        console_errors: Vec::new(),
    }
}

/// Whether `url` answers at all (any HTTP status counts: the network works).
pub async fn reachable(client: &reqwest::Client, url: &str) -> Result<(), String> {
    client
        .get(url)
        .timeout(Duration::from_secs(5))
        .send()
        .await
        .map(|_| ())
        .map_err(|e| e.to_string())
}

/// Turns a user-visible network failure into a runner fault: the run and
/// its failing step become `error` / `runner_error`, with the reason.
pub fn blame_runner_network(report: &mut ReplayReport, check_url: &str, why: &str) {
    let message = format!(
        "the runner's own network is down: {check_url} is unreachable too ({why}); was: {}",
        report
            .run
            .error_message
            .as_deref()
            .unwrap_or("network error")
    );
    report.run.outcome = Outcome::Error;
    report.run.error_class = Some(ErrorClass::RunnerError);
    report.run.error_message = Some(message.clone());
    if let Some(step) = report
        .run
        .steps
        .iter_mut()
        .rev()
        .find(|s| s.outcome != Outcome::Pass)
    {
        step.outcome = Outcome::Error;
        step.error_class = Some(ErrorClass::RunnerError);
        step.error_message = Some(message);
    }
}
