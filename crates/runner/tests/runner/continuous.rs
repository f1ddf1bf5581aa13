//! Continuous runs: every slot from every region lands in the store, slots
//! are missed instead of piled up, and retries keep every attempt.

use std::time::Duration;

use sightline_core::Outcome;
use sightline_store::queries::sli::{SliQuery, StepSelection, for_each_run};

use crate::{finish_within, options, page_journey, project, site, store_sink, stored_runs};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_slot_from_every_region_is_stored() {
    let site = site().await;
    let dir = tempfile::tempdir().unwrap();
    let toml = format!(
        "[runner]\npool_size = 2\n[regions.r1]\nbase_url = \"{0}\"\n[regions.r2]\nbase_url = \"{0}\"\n\
         [[schedule]]\njourney = \"j.yaml\"\nevery = \"2s\"\njitter = \"200ms\"\n",
        site.url
    );
    let p = project(
        dir.path(),
        &toml,
        &[("j.yaml", page_journey("j", "http://127.0.0.1:9", "/", ""))],
    );
    let (db, sink) = store_sink(dir.path());
    let t0 = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64;
    let handle = sightline_runner::start(p, sink, options(2));
    finish_within(&handle, Duration::from_secs(60)).await;

    let runs = stored_runs(&db);
    assert_eq!(runs.len(), 4, "2 slots x 2 regions: {runs:#?}");
    for (i, region) in ["r1", "r2"].into_iter().enumerate() {
        let mine: Vec<_> = runs
            .iter()
            .filter(|r| r.region.as_str() == region)
            .collect();
        assert_eq!(mine.len(), 2, "{region}");
        // The region's base_url overrode the journey's (port 9 would refuse).
        assert!(mine.iter().all(|r| r.outcome == Outcome::Pass), "{mine:#?}");
        assert!(
            mine.iter()
                .all(|r| r.runner_id == "test-runner" && r.is_final_attempt)
        );
        assert!(
            mine.iter()
                .all(|r| r.trace_id.as_deref().is_some_and(|t| t.len() == 32))
        );
        // Stream i of 2 is phased i/2 of the 2 s interval in, so its slot k
        // is due no sooner than t0 + 1000 i + 2000 k. A run can start later
        // than its slot (a slow first browser launch on a loaded machine),
        // never sooner; the gap between the two starts is therefore not
        // bounded below by the interval, only the due times are.
        let phase = 1_000 * i as i64;
        for (k, run) in mine.iter().enumerate() {
            let earliest = t0 + phase + 2_000 * k as i64;
            assert!(
                run.started_at_ms >= earliest,
                "{region} slot {k} started {} ms before it was due",
                earliest - run.started_at_ms
            );
        }
        let gap = mine[1].started_at_ms - mine[0].started_at_ms;
        assert!((1..=12_000).contains(&gap), "{region}: gap {gap} ms");
    }
    let text = handle.metrics().render();
    assert!(
        text.contains(
            "sightline_journey_runs_total{journey=\"j\",region=\"r1\",outcome=\"pass\"} 2"
        ),
        "{text}"
    );
    assert!(text.contains("sightline_runner_pool_size 2"), "{text}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_journey_longer_than_its_interval_misses_slots_instead_of_piling_up() {
    let site = site().await;
    let dir = tempfile::tempdir().unwrap();
    let toml = "[[schedule]]\njourney = \"j.yaml\"\nevery = \"1s\"\njitter = \"0s\"\n";
    let p = project(
        dir.path(),
        toml,
        &[("j.yaml", page_journey("j", &site.url, "/slow?ms=2500", ""))],
    );
    let (db, sink) = store_sink(dir.path());
    let handle = sightline_runner::start(p, sink, options(2));
    finish_within(&handle, Duration::from_secs(60)).await;

    let runs = stored_runs(&db);
    assert_eq!(runs.len(), 2, "{runs:#?}");
    assert!(runs.iter().all(|r| r.outcome == Outcome::Pass), "{runs:#?}");
    // Never two at once: the second starts after the first ended.
    assert!(runs[1].started_at_ms >= runs[0].started_at_ms + runs[0].duration_ms);
    let missed = handle.metrics().missed_total();
    assert!(
        missed >= 2,
        "a 2.5 s journey every 1 s misses slots: {missed}"
    );
    let text = handle.metrics().render();
    assert!(
        text.contains("sightline_runner_missed_slots_total{journey=\"j\",region=\"local\"}"),
        "{text}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn retries_store_every_attempt_and_slis_read_only_the_final_one() {
    let site = site().await;
    let dir = tempfile::tempdir().unwrap();
    let toml = "[runner]\nretry_delay = \"100ms\"\n[[schedule]]\njourney = \"j.yaml\"\nevery = \"30s\"\nretries = 2\n";
    let missing = "  - type: waitForElement\n    selectors: [[\"#nowhere\"]]\n    timeout: 500\n";
    let p = project(
        dir.path(),
        toml,
        &[("j.yaml", page_journey("j", &site.url, "/", missing))],
    );
    let (db, sink) = store_sink(dir.path());
    let handle = sightline_runner::start(p, sink, options(1));
    finish_within(&handle, Duration::from_secs(60)).await;

    let runs = stored_runs(&db);
    assert_eq!(runs.len(), 3, "1 attempt + 2 retries: {runs:#?}");
    let first = runs[0].id;
    for (i, r) in runs.iter().enumerate() {
        assert_eq!(r.attempt, i as u32 + 1);
        assert_eq!(r.outcome, Outcome::Fail);
        assert_eq!(
            r.error_class,
            Some(sightline_core::ErrorClass::SelectorNotFound)
        );
        assert_eq!(r.is_final_attempt, i == 2, "only the last attempt is final");
        assert_eq!(r.retry_of, if i == 0 { None } else { Some(first) });
    }
    // The SLI stream sees one event for the slot: the final attempt.
    let store = sightline_store::Store::open_read_only(&db).unwrap();
    let mut ids = Vec::new();
    let q = SliQuery {
        journeys: vec!["j".into()],
        from_ms: 0,
        to_ms: i64::MAX,
        steps: StepSelection::None,
    };
    for_each_run(store.conn(), &q, |r| {
        ids.push(r.id);
        Ok(())
    })
    .unwrap();
    assert_eq!(ids, vec![runs[2].id]);
}
