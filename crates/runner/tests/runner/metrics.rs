//! `/metrics` over HTTP, in the exposition format Prometheus parses.

use std::sync::Arc;

use sightline_core::{Outcome, Region, Run, RunId, StepResult};
use sightline_runner::RunnerMetrics;

fn run(outcome: Outcome, ms: i64) -> Run {
    Run {
        id: RunId::new(1_700_000_000_000, &mut rand::rng()),
        journey: "checkout \"eu\"".into(),
        journey_version: "v".into(),
        region: Region::new("eu-west-1"),
        runner_id: "t".into(),
        attempt: 1,
        is_final_attempt: true,
        retry_of: None,
        started_at_ms: 1_700_000_000_000,
        duration_ms: ms,
        outcome,
        error_class: None,
        error_message: None,
        trace_id: None,
        release_id: None,
        simulated: false,
        steps: vec![StepResult {
            index: 0,
            name: "pay".into(),
            kind: "click".into(),
            started_at_ms: 1_700_000_000_000,
            duration_ms: ms,
            outcome,
            error_class: None,
            error_message: None,
        }],
    }
}

#[tokio::test]
async fn metrics_are_served_in_the_exposition_format() {
    let m = Arc::new(RunnerMetrics::default());
    m.observe_run(&run(Outcome::Pass, 1_200));
    m.observe_run(&run(Outcome::Pass, 2_700));
    m.observe_run(&run(Outcome::Fail, 9_000));
    m.missed_slot("checkout \"eu\"", "eu-west-1", 3);
    m.set_pool_size(4);
    m.browser_restarted();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let server = tokio::spawn(async move {
        axum::serve(listener, sightline_runner::metrics::router(m))
            .await
            .unwrap();
    });
    let resp = reqwest::get(format!("http://{addr}/metrics"))
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let ct = resp.headers()["content-type"].to_str().unwrap().to_owned();
    assert!(ct.starts_with("text/plain; version=0.0.4"), "{ct}");
    let text = resp.text().await.unwrap();
    server.abort();

    let sel = r#"journey="checkout \"eu\"",region="eu-west-1""#;
    for want in [
        format!(r#"sightline_journey_runs_total{{{sel},outcome="pass"}} 2"#),
        format!(r#"sightline_journey_runs_total{{{sel},outcome="fail"}} 1"#),
        // Cumulative buckets: 1.2 s is under 1.5, 2.7 s under 3.
        format!(r#"sightline_journey_duration_seconds_bucket{{{sel},outcome="pass",le="1.5"}} 1"#),
        format!(r#"sightline_journey_duration_seconds_bucket{{{sel},outcome="pass",le="3"}} 2"#),
        format!(r#"sightline_journey_duration_seconds_bucket{{{sel},outcome="pass",le="+Inf"}} 2"#),
        format!(
            r#"sightline_journey_duration_seconds_sum{{{sel},outcome="pass"}} 3.9000000000000004"#
        ),
        format!(r#"sightline_journey_duration_seconds_count{{{sel},outcome="fail"}} 1"#),
        r#"sightline_step_duration_seconds_count{journey="checkout \"eu\"",step="pay"} 3"#
            .to_owned(),
        format!(r#"sightline_runner_missed_slots_total{{{sel}}} 3"#),
        "sightline_runner_pool_size 4".to_owned(),
        "sightline_runner_browser_restarts_total 1".to_owned(),
        "# TYPE sightline_journey_duration_seconds histogram".to_owned(),
    ] {
        assert!(
            text.lines().any(|l| l == want),
            "missing {want:?} in\n{text}"
        );
    }
}
