//! `traceparent` continues the run's trace on the journey's own origin and
//! never reaches another origin.

use sightline_core::Outcome;

use crate::pages::servers;
use crate::{journey, options, setup, table};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn traceparent_goes_to_the_own_origin_only() {
    let Some((_guard, mut replayer)) = setup().await else {
        return;
    };
    let (main, other) = servers().await;
    let j = journey(&format!(
        "name: trace\nbaseUrl: {}\nsteps:\n  - {{type: navigate, url: /trace}}\n  - {{type: waitForExpression, expression: 'window.done === true'}}\n  - {{type: http, url: /api/ok?from=http}}\n",
        main.origin
    ));
    let report = replayer.replay(&j, &options()).await;
    assert_eq!(report.run.outcome, Outcome::Pass, "{}", table(&report));
    let trace_id = report.run.trace_id.clone().unwrap();

    let own: Vec<_> = main
        .seen("/trace")
        .into_iter()
        .chain(main.seen("/api/ok?from=page"))
        .chain(main.seen("/api/ok?from=http"))
        .collect();
    assert_eq!(own.len(), 3, "{own:?}");
    let mut spans = Vec::new();
    for req in &own {
        let tp = req
            .headers
            .get("traceparent")
            .unwrap_or_else(|| panic!("no traceparent on {}", req.path));
        let parts: Vec<&str> = tp.split('-').collect();
        assert_eq!(parts.len(), 4, "{tp}");
        assert_eq!(parts[0], "00");
        assert_eq!(parts[1], trace_id, "continues the run's trace");
        spans.push(parts[2].to_owned());
    }
    spans.sort();
    spans.dedup();
    assert_eq!(spans.len(), 3, "a fresh span per request");

    let cross = other.seen("/api/ok");
    assert_eq!(cross.len(), 1, "the page did call the other origin");
    assert!(
        !cross[0].headers.contains_key("traceparent"),
        "{:?}",
        cross[0].headers
    );
    replayer.shutdown().await;
}
