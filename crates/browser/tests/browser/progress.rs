//! Step progress: a listener sees every step start and finish, in order, as
//! it happens, with the same results the run reports.

use sightline_browser::{ReplayOptions, ReplayProgress};
use sightline_core::Outcome;

use crate::pages::servers;
use crate::{journey, options, setup, table};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_step_is_reported_as_it_starts_and_finishes() {
    let Some((_guard, mut replayer)) = setup().await else {
        return;
    };
    let (main, _other) = servers().await;
    let loaded = journey(&format!(
        "name: progress\nbaseUrl: {}\nsteps:\n  - type: navigate\n    url: /\n  - type: click\n    \
         selectors: [['#go']]\n  - type: assertText\n    selectors: [['#out']]\n    text: nope\n",
        main.origin
    ));
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let opts = ReplayOptions {
        progress: Some(tx),
        screenshot_on_failure: false,
        ..options()
    };
    let report = replayer.replay(&loaded, &opts).await;
    assert_eq!(report.run.outcome, Outcome::Fail, "{}", table(&report));
    drop(opts);

    let mut seen = Vec::new();
    while let Some(p) = rx.recv().await {
        seen.push(p);
    }
    // Started/finished pairs for each of the three steps, the last failed.
    assert_eq!(seen.len(), 6, "{seen:?}");
    for (i, pair) in seen.chunks(2).enumerate() {
        let index = u32::try_from(i).unwrap();
        assert!(
            matches!(&pair[0], ReplayProgress::StepStarted { index: n, .. } if *n == index),
            "{pair:?}"
        );
        match &pair[1] {
            ReplayProgress::StepFinished(step) => assert_eq!(step, &report.run.steps[i]),
            other => panic!("expected step {i} to finish, got {other:?}"),
        }
    }
    assert!(matches!(
        &seen[2],
        ReplayProgress::StepStarted { kind, .. } if kind == "click"
    ));
    replayer.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_listener_that_went_away_does_not_change_the_run() {
    let Some((_guard, mut replayer)) = setup().await else {
        return;
    };
    let (main, _other) = servers().await;
    let loaded = journey(&format!(
        "name: gone\nbaseUrl: {}\nsteps:\n  - type: navigate\n    url: /\n",
        main.origin
    ));
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
    drop(rx);
    let opts = ReplayOptions {
        progress: Some(tx),
        ..options()
    };
    let report = replayer.replay(&loaded, &opts).await;
    assert_eq!(report.run.outcome, Outcome::Pass, "{}", table(&report));
    assert_eq!(report.run.steps.len(), 1);
    replayer.shutdown().await;
}
