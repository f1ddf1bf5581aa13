//! `sightline db ...`: refusals keep files intact; reports are real.

use std::path::Path;

use rand::SeedableRng;
use sightline_core::{Outcome, Region, Run, RunId, StepResult};
use sightline_store::Store;

use crate::{digest, sightline, stderr};

fn populate(path: &Path, n: i64) {
    let mut rng = rand::rngs::StdRng::seed_from_u64(1);
    let runs: Vec<Run> = (0..n)
        .map(|i| Run {
            id: RunId::new(1_700_000_000_000 + i, &mut rng),
            journey: "checkout".into(),
            journey_version: "v1".into(),
            region: Region::new("us-east-1"),
            runner_id: "t".into(),
            attempt: 1,
            is_final_attempt: true,
            retry_of: None,
            started_at_ms: 1_700_000_000_000 + i,
            duration_ms: 900,
            outcome: Outcome::Pass,
            error_class: None,
            error_message: None,
            trace_id: None,
            release_id: None,
            simulated: false,
            steps: (0..5)
                .map(|s| StepResult {
                    index: s,
                    name: format!("s{s}"),
                    kind: "click".into(),
                    started_at_ms: 1_700_000_000_000 + i,
                    duration_ms: 10,
                    outcome: Outcome::Pass,
                    error_class: None,
                    error_message: None,
                })
                .collect(),
        })
        .collect();
    Store::open(path).unwrap().insert_runs(&runs, 0).unwrap();
}

#[test]
fn check_refuses_a_non_sqlite_file_in_one_line_and_leaves_it_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("photo.db");
    std::fs::write(
        &path,
        b"\xff\xd8\xff\xe0 not a database at all, a JPEG perhaps",
    )
    .unwrap();
    let before = digest(&path);
    let out = sightline(&["--db", path.to_str().unwrap(), "db", "check"]);
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    let err = stderr(&out);
    assert_eq!(err.trim_end().lines().count(), 1, "one line: {err}");
    assert!(
        err.contains("photo.db") && err.contains("not a SQLite database"),
        "{err}"
    );
    assert_eq!(digest(&path), before);
}

#[test]
fn check_reports_a_corrupt_file_in_one_line_and_leaves_it_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.db");
    populate(&path, 3000);
    // Garble the root page of step_results: header and schema stay readable.
    let (root, page): (i64, i64) = {
        let c = rusqlite_conn(&path);
        (
            c.query_row(
                "SELECT rootpage FROM sqlite_master WHERE name='step_results'",
                [],
                |r| r.get(0),
            )
            .unwrap(),
            c.query_row("PRAGMA page_size", [], |r| r.get(0)).unwrap(),
        )
    };
    let mut bytes = std::fs::read(&path).unwrap();
    let start = usize::try_from((root - 1) * page).unwrap();
    bytes[start..start + 64].fill(0x5a);
    std::fs::write(&path, &bytes).unwrap();
    let before = digest(&path);

    let out = sightline(&["--db", path.to_str().unwrap(), "db", "check"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    assert_eq!(err.trim_end().lines().count(), 1, "one line: {err}");
    assert!(err.contains("corrupt"), "{err}");
    assert_eq!(digest(&path), before);

    let out = sightline(&["--db", path.to_str().unwrap(), "--json", "db", "check"]);
    assert_eq!(out.status.code(), Some(1));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["ok"], false);
    assert!(!doc["problems"].as_array().unwrap().is_empty());
    assert_eq!(digest(&path), before);
}

fn rusqlite_conn(path: &Path) -> rusqlite::Connection {
    let store = Store::open(path).unwrap();
    store
        .conn()
        .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
        .unwrap();
    drop(store);
    rusqlite::Connection::open(path).unwrap()
}

#[test]
fn info_reports_counts_as_json_and_uses_sightline_db() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.db");
    populate(&path, 12);
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_sightline"))
        .args(["--json", "db", "info"])
        .env("SIGHTLINE_DB", &path)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["runs"], 12);
    assert_eq!(doc["step_results"], 60);
    assert_eq!(doc["path"], path.to_str().unwrap());
}

#[test]
fn info_on_a_missing_file_creates_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nothing.db");
    let out = sightline(&["--db", path.to_str().unwrap(), "db", "info"]);
    assert_eq!(out.status.code(), Some(3));
    assert!(stderr(&out).contains("no database here"));
    assert!(!path.exists());
}

#[test]
fn backup_then_vacuum() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.db");
    let copy = dir.path().join("copy.db");
    populate(&path, 200);
    let db = path.to_str().unwrap();
    let out = sightline(&["--db", db, "--json", "db", "backup", copy.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(doc["pages"].as_u64().unwrap() > 1);
    let out = sightline(&["--db", copy.to_str().unwrap(), "--json", "db", "info"]);
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["runs"], 200);
    // A second backup to the same place is refused without --force.
    let out = sightline(&["--db", db, "db", "backup", copy.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(3));
    assert!(stderr(&out).contains("--force"));
    let out = sightline(&["--db", db, "--json", "db", "vacuum"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(doc["after_bytes"].as_u64().unwrap() > 0);
}

#[test]
fn usage_errors_exit_2() {
    let out = sightline(&["db", "frobnicate"]);
    assert_eq!(out.status.code(), Some(2));
}
