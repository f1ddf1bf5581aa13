//! Opening: fresh files, refusals, newer schemas.

use sightline_store::{Store, StoreError, migrate};

use crate::file_digest;

#[test]
fn fresh_database_is_created_migrated_and_in_wal_mode() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nested/folder/s.db");
    let store = Store::open(&path).unwrap();
    assert_eq!(
        store.schema_version().unwrap(),
        Some(migrate::latest_version())
    );
    let mode: String = store
        .conn()
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
    let fk: i64 = store
        .conn()
        .query_row("PRAGMA foreign_keys", [], |r| r.get(0))
        .unwrap();
    assert_eq!(fk, 1);
    drop(store);
    // Re-opening applies nothing new and keeps the version.
    let again = Store::open(&path).unwrap();
    assert_eq!(
        again.schema_version().unwrap(),
        Some(migrate::latest_version())
    );
}

#[test]
fn a_text_file_is_refused_and_left_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("notes.db");
    std::fs::write(&path, "these are my notes, not a database\n".repeat(20)).unwrap();
    let before = file_digest(&path);
    for result in [
        Store::open(&path).map(|_| ()),
        Store::open_read_only(&path).map(|_| ()),
    ] {
        let err = result.unwrap_err();
        assert_eq!(err.code(), "store.not_a_database", "{err}");
        assert!(
            err.to_string().contains("notes.db"),
            "names the file: {err}"
        );
    }
    assert_eq!(file_digest(&path), before);
    assert!(
        !dir.path().join("notes.db-wal").exists(),
        "no WAL created beside a refused file"
    );
}

#[test]
fn a_short_file_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("short.db");
    std::fs::write(&path, b"SQLite format 3\0tiny").unwrap();
    let err = Store::open(&path).err().unwrap();
    assert_eq!(err.code(), "store.not_a_database");
    assert_eq!(std::fs::read(&path).unwrap(), b"SQLite format 3\0tiny");
}

#[test]
fn a_truncated_database_is_refused_and_left_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.db");
    {
        let mut store = Store::open(&path).unwrap();
        let mut rng = crate::rng(1);
        let runs: Vec<_> = (0..2000)
            .map(|i| {
                crate::sample_run(
                    &mut rng,
                    1_700_000_000_000 + i,
                    5,
                    sightline_core::Outcome::Pass,
                )
            })
            .collect();
        store.insert_runs(&runs, 0).unwrap();
    }
    let bytes = std::fs::read(&path).unwrap();
    std::fs::write(&path, &bytes[..bytes.len() / 2]).unwrap();
    let before = file_digest(&path);
    let err = Store::open(&path).err().unwrap();
    assert_eq!(err.code(), "store.corrupt", "{err}");
    assert!(err.to_string().contains("truncated"), "{err}");
    assert_eq!(file_digest(&path), before);
}

#[test]
fn a_newer_schema_is_refused_naming_both_versions() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("newer.db");
    drop(Store::open(&path).unwrap());
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.execute(
            "INSERT INTO schema_migrations (version, name, applied_at_ms) VALUES (29990101000000, 'future', 0)",
            [],
        )
        .unwrap();
    }
    let before = file_digest(&path);
    let err = Store::open(&path).err().unwrap();
    match &err {
        StoreError::NewerSchema {
            found, supported, ..
        } => {
            assert_eq!(*found, 29990101000000);
            assert_eq!(*supported, migrate::latest_version());
        }
        other => panic!("expected NewerSchema, got {other}"),
    }
    let msg = err.to_string();
    assert!(
        msg.contains("29990101000000") && msg.contains(&migrate::latest_version().to_string()),
        "{msg}"
    );
    assert_eq!(file_digest(&path), before);
}

#[test]
fn read_only_open_of_a_missing_file_creates_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("absent.db");
    let err = Store::open_read_only(&path).err().unwrap();
    assert_eq!(err.code(), "store.missing");
    assert!(!path.exists());
}

#[test]
fn a_migration_missing_from_the_middle_is_applied_on_open() {
    // A database that recorded later migrations but not an earlier one (its
    // branch merged with an older timestamp) gets the missing one, not a skip.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("m.db");
    drop(Store::open(&path).unwrap());
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute_batch(
        "DROP INDEX runs_retry_of; ALTER TABLE runs DROP COLUMN retry_of;
         DELETE FROM schema_migrations WHERE version = 20261201100000;",
    )
    .unwrap();
    drop(conn);
    let store = Store::open(&path).unwrap();
    let has_column: i64 = store
        .conn()
        .query_row(
            "SELECT count(*) FROM pragma_table_info('runs') WHERE name = 'retry_of'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(has_column, 1);
    let recorded: i64 = store
        .conn()
        .query_row(
            "SELECT count(*) FROM schema_migrations WHERE version = 20261201100000",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(recorded, 1);
    assert_eq!(
        store.schema_version().unwrap(),
        Some(migrate::latest_version())
    );
}

#[test]
fn an_incident_timeline_from_before_questions_is_rebuilt_with_its_rows() {
    // A database made by the build before `incident_questions`: every
    // migration up to it, and an incident with a note on its timeline.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("q.db");
    let mut conn = rusqlite::Connection::open(&path).unwrap();
    let tx = conn.transaction().unwrap();
    tx.execute_batch(
        "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at_ms INTEGER NOT NULL)",
    )
    .unwrap();
    for m in migrate::MIGRATIONS
        .iter()
        .filter(|m| m.name != "incident_questions")
    {
        tx.execute_batch(m.sql).unwrap();
        tx.execute(
            "INSERT INTO schema_migrations VALUES (?1, ?2, 0)",
            rusqlite::params![m.version, m.name],
        )
        .unwrap();
    }
    tx.execute_batch(
        "INSERT INTO incidents (slo, title, opened_at_ms, last_activity_ms, state, state_at_ms)
             VALUES ('orders', 'orders are slow', 10, 20, 'open', 10);
         INSERT INTO incident_timeline (incident_id, at_ms, kind, summary, by_whom)
             VALUES (1, 20, 'note', 'rolled back', 'bob');",
    )
    .unwrap();
    let refused = tx.execute(
        "INSERT INTO incident_timeline (incident_id, at_ms, kind, summary) VALUES (1, 30, 'question', 'why?')",
        [],
    );
    assert!(refused.is_err(), "the old table has no question kind");
    tx.commit().unwrap();
    drop(conn);

    let store = Store::open(&path).unwrap();
    assert_eq!(
        store.schema_version().unwrap(),
        Some(migrate::latest_version())
    );
    let c = store.conn();
    let kept = sightline_store::queries::incidents::timeline(c, 1).unwrap();
    assert_eq!(kept.len(), 1);
    assert_eq!(
        (
            kept[0].kind.as_str(),
            kept[0].summary.as_str(),
            kept[0].by.as_deref()
        ),
        ("note", "rolled back", Some("bob"))
    );
    c.execute(
        "INSERT INTO incident_timeline (incident_id, at_ms, kind, summary) VALUES (1, 30, 'question', 'why?')",
        [],
    )
    .unwrap();
    let bad = c.execute(
        "INSERT INTO incident_timeline (incident_id, at_ms, kind, summary) VALUES (1, 30, 'gossip', 'x')",
        [],
    );
    assert!(bad.is_err(), "other kinds are still refused");
    // Deleting the incident still takes its timeline with it.
    c.execute("DELETE FROM incidents WHERE id = 1", []).unwrap();
    let left: i64 = c
        .query_row("SELECT count(*) FROM incident_timeline", [], |r| r.get(0))
        .unwrap();
    assert_eq!(left, 0);
}
