//! Runs and steps: round trips, idempotent re-sends, atomic batches, paging.

use sightline_core::{Outcome, RunId};
use sightline_store::{InsertSummary, Store, queries};

use crate::{rng, sample_run};

#[test]
fn a_run_round_trips_with_its_steps() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(dir.path().join("s.db")).unwrap();
    let mut r = rng(2);
    let run = sample_run(&mut r, 1_700_000_000_000, 4, Outcome::Fail);
    assert!(store.insert_run(&run, 1_700_000_001_000).unwrap());
    let back = store.run(run.id).unwrap().expect("stored");
    assert_eq!(back, run);
    assert_eq!(store.run(RunId::new(1, &mut r)).unwrap(), None);
}

#[test]
fn re_sending_a_run_is_idempotent() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(dir.path().join("s.db")).unwrap();
    let mut r = rng(3);
    let runs: Vec<_> = (0..10)
        .map(|i| sample_run(&mut r, 1_700_000_000_000 + i, 3, Outcome::Pass))
        .collect();
    assert_eq!(
        store.insert_runs(&runs, 0).unwrap(),
        InsertSummary {
            inserted: 10,
            duplicates: 0
        }
    );
    assert_eq!(
        store.insert_runs(&runs[5..], 0).unwrap(),
        InsertSummary {
            inserted: 0,
            duplicates: 5
        }
    );
    assert_eq!(queries::runs::count(store.conn()).unwrap(), 10);
    let steps: i64 = store
        .conn()
        .query_row("SELECT count(*) FROM step_results", [], |r| r.get(0))
        .unwrap();
    assert_eq!(steps, 30);
}

#[test]
fn a_failing_batch_stores_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(dir.path().join("s.db")).unwrap();
    let mut r = rng(4);
    let mut runs: Vec<_> = (0..5)
        .map(|i| sample_run(&mut r, 1_700_000_000_000 + i, 2, Outcome::Pass))
        .collect();
    // Two steps with the same index violate the primary key half-way through the batch.
    runs[3].steps[1].index = 0;
    let err = store.insert_runs(&runs, 0).unwrap_err();
    assert_eq!(err.code(), "store.sql", "{err}");
    assert_eq!(
        queries::runs::count(store.conn()).unwrap(),
        0,
        "nothing half-imported"
    );
}

#[test]
fn recent_runs_page_by_keyset_without_gaps_or_repeats() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(dir.path().join("s.db")).unwrap();
    let mut r = rng(5);
    // Several runs share a start time, so the id must break ties.
    let runs: Vec<_> = (0..95)
        .map(|i| sample_run(&mut r, 1_700_000_000_000 + i / 3, 1, Outcome::Pass))
        .collect();
    store.insert_runs(&runs, 0).unwrap();
    let mut seen = Vec::new();
    let mut cursor = None;
    loop {
        let page = queries::runs::list_recent(store.conn(), cursor, 10).unwrap();
        if page.is_empty() {
            break;
        }
        cursor = page.last().map(|run| (run.started_at_ms, run.id));
        seen.extend(page.into_iter().map(|run| run.id));
    }
    let mut expected: Vec<_> = runs.iter().map(|run| run.id).collect();
    expected.sort_by_key(|id| std::cmp::Reverse((id.timestamp_ms(), *id)));
    assert_eq!(seen, expected);
}

#[test]
fn artifacts_are_content_addressed_and_attached_to_runs() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(dir.path().join("s.db")).unwrap();
    let mut r = rng(6);
    let run = sample_run(&mut r, 1_700_000_000_000, 1, Outcome::Fail);
    store.insert_run(&run, 0).unwrap();
    let png = b"\x89PNG fake screenshot bytes".to_vec();
    let hash = store.artifacts().put(&png).unwrap();
    assert_eq!(
        store.artifacts().put(&png).unwrap(),
        hash,
        "same bytes, same name"
    );
    assert_eq!(store.artifacts().get(&hash).unwrap(), png);
    let art = queries::artifacts::RunArtifact {
        step_index: Some(0),
        role: "screenshot".into(),
        sha256: hash.clone(),
        media_type: "image/png".into(),
        size_bytes: png.len() as i64,
    };
    queries::artifacts::attach(store.conn(), run.id, &art, 0).unwrap();
    assert_eq!(
        queries::artifacts::for_run(store.conn(), run.id).unwrap(),
        vec![art]
    );
    // Tampering is detected on read.
    std::fs::write(store.artifacts().path_of(&hash), b"other").unwrap();
    assert_eq!(
        store.artifacts().get(&hash).unwrap_err().code(),
        "store.corrupt"
    );
}

#[test]
fn events_round_trip_in_time_order() {
    use sightline_core::{DeployEvent, Event, EventId, EventKind};
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(dir.path().join("s.db")).unwrap();
    let mut r = rng(7);
    let deploy = |at: i64, r: &mut rand::rngs::StdRng| Event {
        id: EventId::new(at, r),
        at_ms: at,
        source: "cli".into(),
        kind: EventKind::Deploy(DeployEvent {
            release_id: format!("r{at}"),
            service: "payment".into(),
            version: "1.4.2".into(),
            region: Some("us-east-1".into()),
            commit: Some("abc123".into()),
        }),
    };
    let late = deploy(2_000, &mut r);
    let early = deploy(1_000, &mut r);
    assert!(store.insert_event(&late).unwrap());
    assert!(store.insert_event(&early).unwrap());
    assert!(!store.insert_event(&early).unwrap(), "same id stored once");
    let got = queries::events::between(store.conn(), 0, 10_000).unwrap();
    assert_eq!(got, vec![early, late]);
}
