//! Info, check, backup and vacuum.

use sightline_core::Outcome;
use sightline_store::{Store, maintenance};

use crate::{file_digest, rng, sample_run};

fn populated(path: &std::path::Path, runs: i64) {
    let mut store = Store::open(path).unwrap();
    let mut r = rng(9);
    let batch: Vec<_> = (0..runs)
        .map(|i| sample_run(&mut r, 1_700_000_000_000 + i * 1000, 5, Outcome::Pass))
        .collect();
    store.insert_runs(&batch, 0).unwrap();
}

#[test]
fn info_counts_rows_without_writing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.db");
    populated(&path, 50);
    let before = file_digest(&path);
    let info = Store::open_read_only(&path).unwrap().info().unwrap();
    assert_eq!((info.runs, info.step_results, info.events), (50, 250, 0));
    assert_eq!(info.oldest_run_ms, Some(1_700_000_000_000));
    assert_eq!(info.newest_run_ms, Some(1_700_000_049_000));
    assert_eq!(info.pending_migrations, 0);
    assert_eq!(info.journal_mode, "wal");
    assert_eq!(file_digest(&path), before);
}

#[test]
fn backup_is_a_complete_standalone_copy() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.db");
    populated(&path, 300);
    let store = Store::open(&path).unwrap();
    let dest = dir.path().join("copy.db");
    let mut calls = 0;
    let report = store
        .backup(&dest, false, |done, total| {
            calls += 1;
            assert!(done <= total);
        })
        .unwrap();
    assert!(calls >= 1 && report.pages > 1);
    assert!(!dir.path().join("copy.db.partial").exists());
    let copy = Store::open_read_only(&dest).unwrap();
    assert_eq!(copy.info().unwrap().runs, 300);
    assert_eq!(copy.info().unwrap().journal_mode, "delete");
    // Refuses to overwrite unless forced.
    assert_eq!(
        store.backup(&dest, false, |_, _| {}).unwrap_err().code(),
        "store.target_exists"
    );
    store.backup(&dest, true, |_, _| {}).unwrap();
}

#[test]
fn vacuum_returns_free_pages() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.db");
    populated(&path, 3000);
    let mut store = Store::open(&path).unwrap();
    store.conn().execute("DELETE FROM runs", []).unwrap();
    let report = store.vacuum().unwrap();
    assert!(report.after_bytes < report.before_bytes / 4, "{report:?}");
    assert_eq!(store.info().unwrap().freelist_count, 0);
}

#[test]
fn check_passes_a_healthy_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.db");
    populated(&path, 100);
    let report = maintenance::check(&path).unwrap();
    assert!(report.ok, "{:?}", report.problems);
}

/// Overwrites the root page of `step_results` with garbage: the header and
/// the schema stay readable, so only a full check finds it.
pub fn corrupt_step_results(path: &std::path::Path) {
    let (root, page_size): (i64, i64) = {
        let conn = rusqlite::Connection::open(path).unwrap();
        conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
            .unwrap();
        let root = conn
            .query_row(
                "SELECT rootpage FROM sqlite_master WHERE name = 'step_results'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        let size = conn
            .query_row("PRAGMA page_size", [], |r| r.get(0))
            .unwrap();
        (root, size)
    };
    let mut bytes = std::fs::read(path).unwrap();
    let start = usize::try_from((root - 1) * page_size).unwrap();
    for (i, b) in bytes[start..start + usize::try_from(page_size).unwrap()]
        .iter_mut()
        .enumerate()
    {
        *b = (i * 31 % 251) as u8;
    }
    std::fs::write(path, bytes).unwrap();
}

#[test]
fn check_finds_deep_corruption_and_leaves_the_file_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.db");
    populated(&path, 2000);
    corrupt_step_results(&path);
    let before = file_digest(&path);
    let report = maintenance::check(&path).unwrap();
    assert!(!report.ok);
    assert!(!report.problems.is_empty());
    assert_eq!(file_digest(&path), before);
}

/// With its own checkpoints off, a writer's log only grows; a passive
/// checkpoint on another connection copies it all, and the writer's next
/// transaction then starts the log again from its beginning.
#[test]
fn a_passive_checkpoint_from_another_connection_lets_the_log_restart() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.db");
    let mut writer = Store::open(&path).unwrap();
    writer.set_auto_checkpoint(0).unwrap();
    let mut r = rng(11);
    let mut at = 1_700_000_000_000;
    let mut write = |store: &mut Store| {
        let batch: Vec<_> = (0..200)
            .map(|i| sample_run(&mut r, at + i * 1000, 5, Outcome::Pass))
            .collect();
        at += 200_000;
        store.insert_runs(&batch, 0).unwrap();
    };
    for _ in 0..5 {
        write(&mut writer);
    }
    let other = Store::open(&path).unwrap();
    let before = other.checkpoint_passive().unwrap();
    assert!(before.complete(), "{before:?}");
    assert!(before.wal_frames > 0, "{before:?}");

    write(&mut writer);
    let after = other.checkpoint_passive().unwrap();
    assert!(after.complete(), "{after:?}");
    assert!(
        after.wal_frames < before.wal_frames / 2,
        "the log did not restart: {before:?} then {after:?}"
    );
    let runs: i64 = other
        .conn()
        .query_row("SELECT count(*) FROM runs", [], |r| r.get(0))
        .unwrap();
    assert_eq!(runs, 1200);
}
