//! The ingest writer's log checkpoints: with them in the background, the WAL
//! stays bounded under sustained writes, and nothing acknowledged is lost.

use std::collections::BTreeMap;
use std::path::Path;

use sightline_core::{Span, SpanKind, SpanStatus};
use sightline_store::{Store, TelemetryBatch};
use sightline_telemetry::{Ingest, IngestConfig};

const BATCHES: u64 = 60;
const PER_BATCH: u64 = 256;

fn spans(batch: u64) -> Vec<Span> {
    (0..PER_BATCH)
        .map(|i| {
            let n = batch * PER_BATCH + i;
            let mut attributes = BTreeMap::new();
            attributes.insert("http.request.method".to_owned(), "POST".into());
            attributes.insert("net.peer.name".to_owned(), format!("peer-{}", n % 7).into());
            Span {
                trace_id: format!("{:032x}", n / 8 + 1),
                span_id: format!("{:016x}", n + 1),
                parent_span_id: None,
                service: "checkout".into(),
                name: "POST /checkout".into(),
                kind: SpanKind::Server,
                start_time_unix_nano: 1_790_000_000_000_000_000 + i64::try_from(n).unwrap() * 1000,
                duration_nano: 250_000,
                status: SpanStatus::Ok,
                status_message: None,
                http_route: Some("/checkout".into()),
                http_status_code: Some(200),
                db_system: None,
                rpc_system: None,
                rpc_service: None,
                rpc_method: None,
                region: Some("us-east-1".into()),
                service_version: Some("1.4.2".into()),
                pod: None,
                attributes,
            }
        })
        .collect()
}

fn wal_bytes(db: &Path) -> u64 {
    let mut wal = db.as_os_str().to_owned();
    wal.push("-wal");
    std::fs::metadata(wal).map_or(0, |m| m.len())
}

/// Writes every batch, one group commit each, and returns the WAL file's
/// largest size seen after a commit, with the writer's counters.
async fn ingest_all(db: &Path, config: IngestConfig) -> (u64, sightline_telemetry::IngestStats) {
    let ingest = Ingest::start(Store::open(db).unwrap(), config);
    let mut largest = 0;
    for b in 0..BATCHES {
        let w = ingest
            .submit(TelemetryBatch::Spans(spans(b)))
            .await
            .unwrap();
        assert_eq!(w.stored, PER_BATCH as usize, "batch {b}");
        largest = largest.max(wal_bytes(db));
    }
    let i = ingest.clone();
    tokio::task::spawn_blocking(move || i.shutdown())
        .await
        .unwrap();
    (largest, ingest.stats())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn background_checkpoints_keep_the_log_bounded_and_lose_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("ingest.db");
    let (largest, stats) = ingest_all(
        &db,
        IngestConfig {
            retention: None,
            // 256 KiB: a few commits' worth, so the test sees many resets.
            wal_reset_pages: 64,
            ..IngestConfig::default()
        },
    )
    .await;
    assert_eq!(stats.stored, BATCHES * PER_BATCH);
    assert_eq!(stats.commits, BATCHES);
    assert!(
        stats.wal_resets >= 3,
        "the writer never restarted the log: {stats:?}"
    );
    // Without any checkpoint the log would hold every page written (about
    // 8 MiB here); SQLite's own checkpoints keep it near 1,000 pages (4 MiB).
    assert!(
        largest < 2 * 1024 * 1024,
        "the log grew to {largest} bytes with a 64-page reset threshold"
    );

    // Every span is in the file, read by a fresh connection, and the file is sound.
    let c = rusqlite::Connection::open(&db).unwrap();
    let n: i64 = c
        .query_row("SELECT count(*) FROM spans", [], |r| r.get(0))
        .unwrap();
    assert_eq!(n, i64::try_from(BATCHES * PER_BATCH).unwrap());
    let ok: String = c
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(ok, "ok");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn inline_checkpoints_still_store_everything() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("ingest.db");
    let (_, stats) = ingest_all(
        &db,
        IngestConfig {
            retention: None,
            background_checkpoints: false,
            ..IngestConfig::default()
        },
    )
    .await;
    assert_eq!(stats.stored, BATCHES * PER_BATCH);
    assert_eq!(stats.wal_resets, 0);
    let s = Store::open_read_only(&db).unwrap();
    let spans =
        sightline_store::queries::spans::spans_for_trace(s.conn(), &format!("{:032x}", 1)).unwrap();
    assert_eq!(spans.len(), 8);
    assert_eq!(spans[0].attributes["http.request.method"], "POST");
}
