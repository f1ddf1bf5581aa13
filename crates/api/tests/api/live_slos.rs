//! Live SLOs over a real store: runs applied one at a time move the numbers,
//! a burn in one region fires a page naming that region, the recovery
//! resolves it, and both are stored.

use std::path::Path;

use rand::SeedableRng;
use sightline_api::slo::live::LiveSlos;
use sightline_core::{Outcome, Region, Run, RunId};
use sightline_store::Store;
use sightline_store::queries::alerts;

const T0: i64 = 1_800_000_000_000;
const MIN: i64 = 60_000;
const REGIONS: [&str; 3] = ["us-east-1", "eu-west-1", "ap-south-1"];

fn run(rng: &mut rand::rngs::StdRng, at: i64, region: &str, outcome: Outcome) -> Run {
    Run {
        id: RunId::new(at, rng),
        journey: "checkout".into(),
        journey_version: "v1".into(),
        region: Region::new(region),
        runner_id: "test".into(),
        attempt: 1,
        is_final_attempt: true,
        retry_of: None,
        started_at_ms: at,
        duration_ms: 1_200,
        outcome,
        error_class: None,
        error_message: None,
        trace_id: None,
        release_id: None,
        simulated: false,
        steps: vec![],
    }
}

fn project(dir: &Path) {
    std::fs::create_dir_all(dir.join("slos")).unwrap();
    std::fs::write(
        dir.join("slos/checkout.yaml"),
        "name: checkout-availability\nsli: { kind: availability }\nfilter: { journey: checkout }\ntarget: 0.999\nwindow: { rolling: { days: 30 } }\n",
    )
    .unwrap();
}

#[test]
fn a_burn_in_one_region_fires_a_stored_page_that_names_it_and_then_resolves() {
    let dir = tempfile::tempdir().unwrap();
    project(dir.path());
    let db = dir.path().join("s.db");
    let mut rng = rand::rngs::StdRng::seed_from_u64(7);
    // An hour of healthy history in the store, one run a minute per region.
    let history: Vec<Run> = (0..60)
        .flat_map(|m| REGIONS.map(|r| (m, r)))
        .map(|(m, r)| run(&mut rng, T0 + m * MIN, r, Outcome::Pass))
        .collect();
    let mut store = Store::open(&db).unwrap();
    store.insert_runs(&history, T0).unwrap();

    let now = T0 + 60 * MIN;
    let mut live = LiveSlos::start(&db, dir.path(), now).unwrap();
    let doc = live.status(now);
    assert_eq!(doc.slos[0].valid, 180);
    assert_eq!(doc.slos[0].sli, Some(1.0));

    // Ten minutes in which checkout fails in us-east-1 only.
    let mut fired = Vec::new();
    for m in 60..70 {
        for r in REGIONS {
            let outcome = if r == "us-east-1" {
                Outcome::Fail
            } else {
                Outcome::Pass
            };
            let new = run(&mut rng, T0 + m * MIN, r, outcome);
            store.insert_run(&new, 0).unwrap();
            let changed = live.apply(&new);
            assert_eq!(changed.len(), 1, "one SLO moves per run");
        }
        fired.extend(live.tick(&store, T0 + m * MIN + 30_000).unwrap());
    }
    let page = fired
        .iter()
        .find(|c| c.change == "firing" && c.severity == "page")
        .unwrap_or_else(|| panic!("a page should fire: {fired:#?}"));
    assert_eq!(page.slo, "checkout-availability");
    assert_eq!(page.regions, vec!["us-east-1".to_owned()], "{page:#?}");
    assert!(page.burn_rate.unwrap() >= page.threshold);
    let stored = alerts::open(store.conn()).unwrap();
    assert!(
        stored
            .iter()
            .any(|e| e.severity == "page" && e.regions == ["us-east-1"])
    );
    // The attribution engine ran once when the page fired; its report is
    // stored with the episode and points at the burning region.
    let episode = stored.iter().find(|e| e.severity == "page").unwrap();
    let report = sightline_api::attribution::alert_report(
        &store,
        &episode.slo,
        episode.rule,
        episode.firing_at_ms,
    )
    .unwrap()
    .expect("a report is stored with the alert");
    assert_eq!(report.at_ms, episode.firing_at_ms);
    let top = report
        .causes
        .first()
        .unwrap_or_else(|| panic!("{report:#?}"));
    assert_eq!(top.region.as_deref(), Some("us-east-1"), "{report:#?}");
    assert!(top.share > 0.9 && top.share <= 1.0, "{report:#?}");
    assert!(report.sentence.contains("us-east-1"), "{}", report.sentence);

    // The page opened an incident holding the alert and the attribution;
    // the slower page (6h/30m) on the same SLO joined it.
    let open = sightline_store::queries::incidents::list(store.conn(), false, 10).unwrap();
    assert_eq!(open.len(), 1, "{open:#?}");
    assert_eq!(open[0].slo, "checkout-availability");
    assert_eq!(open[0].region.as_deref(), Some("us-east-1"));
    let timeline = sightline_store::queries::incidents::timeline(store.conn(), open[0].id).unwrap();
    assert!(
        timeline.iter().any(|t| t.kind == "alert_fired"),
        "{timeline:#?}"
    );
    assert!(
        timeline
            .iter()
            .any(|t| t.kind == "attribution" && t.summary.contains("us-east-1"))
    );

    let doc = live.status(T0 + 70 * MIN);
    assert_eq!(doc.slos[0].bad, 10);
    assert_eq!(doc.slos[0].alert_state, "firing");

    // Recovery: the 5-minute short window clears and the page resolves.
    let mut resolved = Vec::new();
    for m in 70..80 {
        for r in REGIONS {
            let new = run(&mut rng, T0 + m * MIN, r, Outcome::Pass);
            store.insert_run(&new, 0).unwrap();
            live.apply(&new);
        }
        resolved.extend(live.tick(&store, T0 + m * MIN + 30_000).unwrap());
    }
    assert!(
        resolved
            .iter()
            .any(|c| c.change == "resolved" && c.severity == "page"),
        "{resolved:#?}"
    );
    let timeline = sightline_store::queries::incidents::timeline(store.conn(), open[0].id).unwrap();
    assert!(
        timeline.iter().any(|t| t.kind == "alert_resolved"),
        "the resolution is on the incident: {timeline:#?}"
    );
    let fired_rows = alerts::fired_between(store.conn(), T0, T0 + 90 * MIN).unwrap();
    // The fast page (1h/5m) is over; the slow one (6h/30m) still sees the
    // failures in its 30-minute short window.
    let fast = fired_rows
        .iter()
        .find(|e| e.long_window_ms == 60 * MIN)
        .unwrap();
    assert!(fast.resolved_at_ms.is_some(), "{fast:#?}");
    let slow = fired_rows
        .iter()
        .find(|e| e.long_window_ms == 360 * MIN)
        .unwrap();
    assert_eq!(slow.resolved_at_ms, None, "{slow:#?}");

    // A restart reconciles with the store instead of recording twice.
    drop(live);
    let again = LiveSlos::start(&db, dir.path(), T0 + 80 * MIN).unwrap();
    let rows = alerts::fired_between(store.conn(), T0, T0 + 90 * MIN).unwrap();
    assert_eq!(
        rows.len(),
        fired_rows.len(),
        "no duplicate episodes: {rows:#?}"
    );
    assert_eq!(again.status(T0 + 80 * MIN).slos[0].bad, 10);
}

#[test]
fn retries_that_are_not_final_do_not_move_the_numbers() {
    let dir = tempfile::tempdir().unwrap();
    project(dir.path());
    let db = dir.path().join("s.db");
    let mut live = LiveSlos::start(&db, dir.path(), T0).unwrap();
    let mut rng = rand::rngs::StdRng::seed_from_u64(1);
    let mut first = run(&mut rng, T0, "us-east-1", Outcome::Fail);
    first.is_final_attempt = false;
    assert!(live.apply(&first).is_empty());
    let mut retry = run(&mut rng, T0 + 1_000, "us-east-1", Outcome::Pass);
    retry.attempt = 2;
    retry.retry_of = Some(first.id);
    assert_eq!(live.apply(&retry).len(), 1);
    let s = &live.status(T0 + 2_000).slos[0];
    assert_eq!((s.valid, s.bad), (1, 0));
}
