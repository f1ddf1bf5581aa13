//! OTLP ingest throughput, end to end, against raw SQLite in the same run.
//!
//! A load generator on loopback POSTs OTLP/HTTP protobuf batches of 512 spans
//! (16 concurrent clients, as a Collector fleet sends, each span unique) to the real receiver for 60 s
//! (`SIGHTLINE_BENCH_SECS`), through decoding, validation, the bounded queue
//! and the group-commit writer, into a WAL database with `synchronous = FULL`.
//! Reported: spans stored per second, CPU time of the process (receiver and
//! load generator together), peak resident memory (VmHWM), and the ratio to
//! the same rows written by bare prepared `INSERT`s in this process.
//!
//! `cargo bench -p sightline-telemetry --bench ingest`. Figures live in
//! docs/benchmarks.md.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use opentelemetry_proto::tonic::common::v1::{AnyValue, KeyValue, any_value};
use opentelemetry_proto::tonic::resource::v1::Resource;
use opentelemetry_proto::tonic::trace::v1::{ResourceSpans, ScopeSpans, Span, Status};
use prost::Message;
use sightline_store::Store;
use sightline_telemetry::{Ingest, IngestConfig, OtlpConfig, OtlpState};

/// The allocator the `sightline` binary and the app use.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const BATCH: usize = 512;
/// Concurrent clients by default; `SIGHTLINE_BENCH_CLIENTS` changes it.
const CLIENTS: usize = 16;

fn kv(k: &str, v: &str) -> KeyValue {
    KeyValue {
        key: k.into(),
        value: Some(AnyValue {
            value: Some(any_value::Value::StringValue(v.into())),
        }),
        ..Default::default()
    }
}

/// One batch of 512 spans: 64 traces of 8 spans (a server span and its
/// children), realistic attributes, ids unique per `seq`.
fn batch(seq: u64) -> ExportTraceServiceRequest {
    let t0 = 1_790_000_000_000_000_000u64 + seq * 1_000_000;
    let spans = (0..BATCH as u64)
        .map(|i| {
            let n = seq * BATCH as u64 + i;
            let root = n - n % 8;
            let mut trace_id = [0u8; 16];
            trace_id[..8].copy_from_slice(&(root / 8 + 1).to_be_bytes());
            trace_id[8] = 1;
            Span {
                trace_id: trace_id.to_vec(),
                span_id: (n + 1).to_be_bytes().to_vec(),
                parent_span_id: if n.is_multiple_of(8) {
                    vec![]
                } else {
                    (root + 1).to_be_bytes().to_vec()
                },
                name: if n.is_multiple_of(8) {
                    "POST /checkout".into()
                } else {
                    "payment.Authorize".into()
                },
                kind: if n.is_multiple_of(8) { 2 } else { 3 },
                start_time_unix_nano: t0 + i * 1000,
                end_time_unix_nano: t0 + i * 1000 + 250_000,
                attributes: vec![
                    kv("http.route", "/checkout"),
                    kv("http.request.method", "POST"),
                    kv("rpc.system", "grpc"),
                    kv("net.peer.name", "payment.internal"),
                ],
                status: Some(Status {
                    code: if n.is_multiple_of(50) { 2 } else { 0 },
                    message: String::new(),
                }),
                ..Default::default()
            }
        })
        .collect();
    ExportTraceServiceRequest {
        resource_spans: vec![ResourceSpans {
            resource: Some(Resource {
                attributes: vec![
                    kv("service.name", "checkout"),
                    kv("service.version", "1.4.2"),
                    kv("cloud.region", "us-east-1"),
                    kv("k8s.pod.name", "checkout-7d9f"),
                    kv("telemetry.sdk.language", "rust"),
                ],
                ..Default::default()
            }),
            scope_spans: vec![ScopeSpans {
                spans,
                ..Default::default()
            }],
            schema_url: String::new(),
        }],
    }
}

/// User + system CPU seconds of this process, from /proc (no unsafe getrusage).
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // Fields after the command name (which may hold spaces) start after ')'.
    let rest = stat.rsplit_once(')').map_or("", |(_, r)| r);
    let f: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| f.get(i).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
    // utime and stime are fields 14 and 15 (1-based), 11 and 12 here; 100 Hz.
    (ticks(11) + ticks(12)) / 100.0
}

fn vm_hwm_mib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

/// The baseline: the same span rows through one prepared single-row INSERT,
/// 16k rows per transaction, on the same schema and pragmas.
fn raw_insert(path: &std::path::Path, batches: u64) -> (u64, Duration) {
    drop(Store::open(path).expect("schema"));
    let mut conn = rusqlite::Connection::open(path).expect("open");
    conn.pragma_update(None, "synchronous", "FULL").unwrap();
    conn.pragma_update(None, "cache_size", -32768).unwrap();
    let mut rows = 0u64;
    let mut elapsed = Duration::ZERO;
    let mut seq = 0;
    while seq < batches {
        // Generation and conversion are outside the timed section.
        let mut spans = Vec::new();
        for _ in 0..32 {
            if seq >= batches {
                break;
            }
            spans.extend(sightline_telemetry::otlp::convert::traces::convert(&batch(seq)).items);
            seq += 1;
        }
        let attrs: Vec<String> = spans
            .iter()
            .map(|s| serde_json::to_string(&s.attributes).unwrap())
            .collect();
        let t = Instant::now();
        let tx = conn.transaction().unwrap();
        {
            let mut st = tx
                .prepare_cached(
                    "INSERT INTO spans (trace_id, span_id, parent_span_id, service, name, kind,
                     start_unix_nano, duration_nano, status, status_message, http_route,
                     http_status_code, db_system, rpc_system, rpc_service, rpc_method, region,
                     service_version, pod, attributes, received_at_ms)
                     VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,?17,?18,?19,?20,0)
                     ON CONFLICT (trace_id, span_id) DO NOTHING",
                )
                .unwrap();
            for (s, a) in spans.iter().zip(&attrs) {
                rows += st
                    .execute(rusqlite::params![
                        s.trace_id,
                        s.span_id,
                        s.parent_span_id,
                        s.service,
                        s.name,
                        s.kind.as_str(),
                        s.start_time_unix_nano,
                        s.duration_nano,
                        s.status.as_str(),
                        s.status_message,
                        s.http_route,
                        s.http_status_code,
                        s.db_system,
                        s.rpc_system,
                        s.rpc_service,
                        s.rpc_method,
                        s.region,
                        s.service_version,
                        s.pod,
                        a
                    ])
                    .unwrap() as u64;
            }
        }
        tx.commit().unwrap();
        elapsed += t.elapsed();
    }
    (rows, elapsed)
}

/// The store's own write path without the receiver: the same rows through
/// `Store::insert_telemetry`, 32 batches (16k rows) per transaction, as the
/// writer groups them under load. Separates storage cost from HTTP cost.
fn store_insert(path: &std::path::Path, batches: u64) -> (u64, Duration) {
    let mut store = Store::open(path).expect("open");
    let mut rows = 0u64;
    let mut elapsed = Duration::ZERO;
    let mut seq = 0;
    while seq < batches {
        let mut group = Vec::new();
        for _ in 0..32 {
            if seq >= batches {
                break;
            }
            let spans = sightline_telemetry::otlp::convert::traces::convert(&batch(seq)).items;
            group.push(sightline_store::TelemetryBatch::Spans(spans));
            seq += 1;
        }
        let refs: Vec<&sightline_store::TelemetryBatch> = group.iter().collect();
        let t = Instant::now();
        let w = store.insert_telemetry(&refs, 0).expect("insert");
        elapsed += t.elapsed();
        rows += w.iter().map(|w| w.stored as u64).sum::<u64>();
    }
    (rows, elapsed)
}

fn main() {
    let secs: u64 = std::env::var("SIGHTLINE_BENCH_SECS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(60);
    let clients: usize = std::env::var("SIGHTLINE_BENCH_CLIENTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(CLIENTS);
    // `SIGHTLINE_BENCH_SYNC=normal` measures the writer without an fsync per commit.
    let full_sync = std::env::var("SIGHTLINE_BENCH_SYNC").map_or(true, |v| v != "normal");
    // `SIGHTLINE_BENCH_CHECKPOINT=inline` leaves WAL checkpoints to SQLite,
    // inside the writer's commits, as before the background checkpointer.
    let background_checkpoints =
        std::env::var("SIGHTLINE_BENCH_CHECKPOINT").map_or(true, |v| v != "inline");
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("ingest.db");
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let cpu0 = cpu_seconds();
    let (stored, elapsed, sent, throttled, commits, wal_resets) = rt.block_on(async {
        let ingest = Ingest::start(
            Store::open(&db).unwrap(),
            IngestConfig {
                retention: None,
                synchronous_full: full_sync,
                background_checkpoints,
                ..IngestConfig::default()
            },
        );
        let state = OtlpState::new(ingest.clone(), OtlpConfig::default());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let (stop_tx, mut stop_rx) = tokio::sync::watch::channel(false);
        let server = tokio::spawn(sightline_telemetry::serve_http(
            listener,
            state,
            async move {
                let _ = stop_rx.wait_for(|v| *v).await;
            },
        ));
        let url = format!("http://{addr}/v1/traces");
        let next = Arc::new(AtomicU64::new(0));
        let stop = Arc::new(AtomicBool::new(false));
        let throttled = Arc::new(AtomicU64::new(0));
        let start = Instant::now();
        let clients: Vec<_> = (0..clients)
            .map(|_| {
                let (url, next, stop, throttled) =
                    (url.clone(), next.clone(), stop.clone(), throttled.clone());
                tokio::spawn(async move {
                    let http = reqwest::Client::new();
                    while !stop.load(Ordering::Relaxed) {
                        let body = batch(next.fetch_add(1, Ordering::Relaxed)).encode_to_vec();
                        // Bounded retries of a throttled batch, as an SDK would.
                        for _ in 0..100 {
                            let r = http
                                .post(&url)
                                .header("content-type", "application/x-protobuf")
                                .body(body.clone())
                                .send()
                                .await
                                .expect("post");
                            match r.status().as_u16() {
                                200 => break,
                                429 | 503 => {
                                    throttled.fetch_add(1, Ordering::Relaxed);
                                    tokio::time::sleep(Duration::from_millis(20)).await;
                                }
                                s => panic!("unexpected status {s}"),
                            }
                        }
                    }
                })
            })
            .collect();
        tokio::time::sleep(Duration::from_secs(secs)).await;
        stop.store(true, Ordering::Relaxed);
        for c in clients {
            c.await.unwrap();
        }
        let elapsed = start.elapsed();
        let _ = stop_tx.send(true);
        server.await.unwrap().unwrap();
        let i2 = ingest.clone();
        tokio::task::spawn_blocking(move || i2.shutdown())
            .await
            .unwrap();
        let stats = ingest.stats();
        (
            stats.stored,
            elapsed,
            next.load(Ordering::Relaxed),
            throttled.load(Ordering::Relaxed),
            stats.commits,
            stats.wal_resets,
        )
    });
    let cpu = cpu_seconds() - cpu0;
    let hwm = vm_hwm_mib();
    let size = std::fs::metadata(&db).map(|m| m.len()).unwrap_or(0);
    let ours = stored as f64 / elapsed.as_secs_f64();
    // The baseline writes as many batches as were stored, at most 2,000 (1M rows).
    let raw_batches = (stored / BATCH as u64).clamp(1, 2_000);
    let (raw_rows, raw_time) = raw_insert(&dir.path().join("raw.db"), raw_batches);
    let raw = raw_rows as f64 / raw_time.as_secs_f64();
    let (store_rows, store_time) = store_insert(&dir.path().join("store.db"), raw_batches);
    let store_rate = store_rows as f64 / store_time.as_secs_f64();
    println!(
        "OTLP/HTTP protobuf ingest: {clients} clients, batches of {BATCH} spans, {:.1} s, synchronous = {}, checkpoints {}",
        elapsed.as_secs_f64(),
        if full_sync { "FULL" } else { "NORMAL" },
        if background_checkpoints {
            "in the background"
        } else {
            "inline (SQLite's own)"
        }
    );
    println!(
        "  stored:      {stored} spans ({:.0} spans/s), {sent} batches sent, {throttled} throttled answers, {commits} commits, {wal_resets} log restarts",
        ours
    );
    println!(
        "  CPU:         {cpu:.1} s user+system ({:.2} cores busy, load generator included)",
        cpu / elapsed.as_secs_f64()
    );
    println!(
        "  peak RSS:    {hwm:.0} MiB (VmHWM); database {:.0} MiB",
        size as f64 / 1048576.0
    );
    println!("  raw SQLite:  {raw:.0} span rows/s (single-row prepared INSERTs, {raw_rows} rows)");
    println!(
        "  store path:  {store_rate:.0} span rows/s (Store::insert_telemetry, 16k rows per transaction, attribute JSON included)"
    );
    println!("  ratio end-to-end / raw insert: {:.2}", ours / raw);
    println!(
        "{}",
        serde_json::json!({
            "bench": "otlp_ingest", "clients": clients, "synchronous_full": full_sync, "background_checkpoints": background_checkpoints, "seconds": elapsed.as_secs_f64(), "spans_stored": stored,
            "spans_per_s": ours.round(), "cpu_s": cpu, "vm_hwm_mib": hwm.round(),
            "raw_rows_per_s": raw.round(), "store_rows_per_s": store_rate.round(),
            "ratio_to_raw": ours / raw, "throttled": throttled,
        })
    );
}
