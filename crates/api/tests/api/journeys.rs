//! `journeys` and `journey_detail` over a project folder and a real database.

use sightline_api::journeys::{
    JourneyDetailRequest, JourneysRequest, journey_detail, journeys, p95,
};
use sightline_api::{ErrorCode, IpcError};
use sightline_core::Outcome;

use crate::fixture::{HOUR, MIN, NOW_MS, Project, history, run, write};

#[test]
fn the_list_has_every_journey_file_with_its_last_results_and_24h_stats() {
    let p = Project::new();
    let runs = history(30);
    p.insert(&runs);
    // An old run from a region no longer in the project.
    p.insert(&[run(
        "checkout",
        "ap-south-1",
        NOW_MS - 40 * HOUR,
        Outcome::Pass,
        800,
    )]);
    // A journey with runs but no file.
    p.insert(&[run(
        "retired",
        "eu-west-1",
        NOW_MS - MIN,
        Outcome::Pass,
        500,
    )]);
    let list = journeys(&p.ctx, JourneysRequest::default()).expect("journeys");
    let names: Vec<_> = list.journeys.iter().map(|j| j.name.as_str()).collect();
    assert_eq!(names, ["checkout", "search", "retired"]);

    let c = &list.journeys[0];
    assert_eq!(c.file.as_deref(), Some("journeys/checkout.yaml"));
    assert_eq!(c.steps, 3);
    assert_eq!(c.tags, ["shop"]);
    let day: Vec<_> = runs
        .iter()
        .filter(|r| r.started_at_ms > NOW_MS - 24 * HOUR)
        .collect();
    assert_eq!(c.runs, day.len() as u64);
    let passed = day.iter().filter(|r| r.outcome == Outcome::Pass).count();
    assert_eq!(c.passed, passed as u64);
    assert_eq!(c.success_rate, Some(passed as f64 / day.len() as f64));
    let mut durations: Vec<i64> = day.iter().map(|r| r.duration_ms).collect();
    durations.sort_unstable();
    assert_eq!(c.p95_ms, p95(&durations));
    assert_eq!(c.p95_sparkline.len(), 24);
    assert!(c.p95_sparkline.iter().all(Option::is_some));

    // Last result per region: the project's two regions plus none for the
    // region that only ran outside the window.
    let regions: Vec<_> = c.last_by_region.iter().map(|r| r.region.as_str()).collect();
    assert_eq!(regions, ["eu-west-1", "us-east-1"]);
    let eu = &c.last_by_region[0];
    assert_eq!(eu.started_at_ms, NOW_MS);
    assert_eq!(eu.outcome, "fail", "eu-west-1 is burning at the end");
    assert_eq!(c.last_by_region[1].outcome, "pass");

    let s = &list.journeys[1];
    assert_eq!(s.file.as_deref(), Some("journeys/more/search.yaml"));
    assert_eq!((s.runs, s.success_rate), (0, None));
    let r = &list.journeys[2];
    assert!(r.file.is_none());
    assert!(r.problem.as_deref().unwrap().contains("no journey file"));
    assert_eq!(r.runs, 1);
}

#[test]
fn a_broken_journey_file_is_listed_with_its_problem_and_does_not_hide_the_rest() {
    let p = Project::new();
    write(
        p.root(),
        "journeys/bad.yaml",
        "name: bad\nsteps:\n  - type: fly\n",
    );
    let list = journeys(&p.ctx, JourneysRequest::default()).unwrap();
    let bad = list
        .journeys
        .iter()
        .find(|j| j.file.as_deref() == Some("journeys/bad.yaml"))
        .expect("listed");
    let problem = bad.problem.as_deref().expect("a problem");
    assert!(problem.contains("bad.yaml"), "{problem}");
    assert!(list.journeys.iter().any(|j| j.name == "checkout"));
}

#[test]
fn p95_is_the_nearest_rank() {
    assert_eq!(p95(&[]), None);
    assert_eq!(p95(&[7]), Some(7));
    let v: Vec<i64> = (1..=100).collect();
    assert_eq!(p95(&v), Some(95));
    let v: Vec<i64> = (1..=10).collect();
    assert_eq!(p95(&v), Some(10));
}

#[test]
fn the_detail_names_steps_as_runs_store_them_and_lists_replay_targets() {
    let p = Project::new();
    let d = journey_detail(
        &p.ctx,
        JourneyDetailRequest {
            name: "checkout".into(),
        },
    )
    .expect("detail");
    let names: Vec<_> = d.steps.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["Open the shop", "Pay", "assertText #done"]);
    assert_eq!(d.secrets, ["shop_password"]);
    let regions: Vec<_> = d.regions.iter().map(|r| r.region.as_str()).collect();
    assert_eq!(regions, ["eu-west-1", "us-east-1"]);
    assert_eq!(d.regions[0].base_url.as_deref(), Some("http://127.0.0.1:9"));

    let err = journey_detail(
        &p.ctx,
        JourneyDetailRequest {
            name: "nope".into(),
        },
    )
    .unwrap_err();
    let err = IpcError::from(err);
    assert_eq!(err.code, ErrorCode::NotFound);
    assert!(err.message.starts_with("name:"), "{}", err.message);
}
