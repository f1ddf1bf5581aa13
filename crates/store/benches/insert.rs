//! Insert throughput of the store, against raw SQLite in the same run.
//!
//! Writes N runs (default 1,000,000) with 5 step results each, in batched
//! transactions of 1,000 runs (SIGHTLINE_BENCH_BATCH), through `Store::insert_runs`. The baseline is
//! the same rows through bare prepared `INSERT`s on the same schema and
//! pragmas, so the ratio shows what the store's own code costs. Row
//! generation is outside the timed sections.
//!
//! `cargo bench -p sightline-store --bench insert` (set SIGHTLINE_BENCH_RUNS to
//! change N). The latest figures live in docs/benchmarks.md.

use std::time::{Duration, Instant};

use rand::SeedableRng;
use rand::rngs::StdRng;
use rusqlite::params;
use sightline_core::{Outcome, Region, Run, RunId, StepResult};
use sightline_store::Store;

const STEPS: u32 = 5;

fn make_batch(rng: &mut StdRng, start: usize, n: usize) -> Vec<Run> {
    (start..start + n)
        .map(|i| {
            let at = 1_700_000_000_000 + i as i64 * 250;
            let outcome = if i % 97 == 0 {
                Outcome::Fail
            } else {
                Outcome::Pass
            };
            Run {
                id: RunId::new(at, rng),
                journey: format!("journey-{}", i % 20),
                journey_version: "sha256:9f2c6d1e".into(),
                region: Region::new(["us-east-1", "eu-west-1", "ap-south-1"][i % 3]),
                runner_id: "bench".into(),
                attempt: 1,
                is_final_attempt: true,
                retry_of: None,
                started_at_ms: at,
                duration_ms: 800 + (i % 700) as i64,
                outcome,
                error_class: None,
                error_message: None,
                trace_id: Some(format!("{:032x}", i)),
                release_id: None,
                simulated: true,
                steps: (0..STEPS)
                    .map(|s| StepResult {
                        index: s,
                        name: format!("step {s}"),
                        kind: "click".into(),
                        started_at_ms: at + i64::from(s) * 150,
                        duration_ms: 150,
                        outcome: Outcome::Pass,
                        error_class: None,
                        error_message: None,
                    })
                    .collect(),
            }
        })
        .collect()
}

/// The baseline: the same rows through bare statements, no domain types.
fn raw_insert(conn: &mut rusqlite::Connection, runs: &[Run]) -> rusqlite::Result<()> {
    let tx = conn.transaction()?;
    {
        let mut run_stmt = tx.prepare_cached(
            "INSERT INTO runs (id, journey, journey_version, region, runner_id, attempt, is_final,
                started_at_ms, duration_ms, outcome, error_class, error_message, trace_id,
                release_id, simulated, received_at_ms)
             VALUES (?1, ?2, ?3, ?4, ?5, 1, 1, ?6, ?7, ?8, NULL, NULL, ?9, NULL, 1, 0)",
        )?;
        let mut step_stmt = tx.prepare_cached(
            "INSERT INTO step_results (run_id, idx, name, kind, started_at_ms, duration_ms, outcome)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        )?;
        for r in runs {
            let id = r.id.as_bytes().as_slice();
            run_stmt.execute(params![
                id,
                r.journey,
                r.journey_version,
                r.region.as_str(),
                r.runner_id,
                r.started_at_ms,
                r.duration_ms,
                r.outcome.as_str(),
                r.trace_id
            ])?;
            for s in &r.steps {
                step_stmt.execute(params![
                    id,
                    s.index,
                    s.name,
                    s.kind,
                    s.started_at_ms,
                    s.duration_ms,
                    "pass"
                ])?;
            }
        }
    }
    tx.commit()
}

struct Figures {
    elapsed: Duration,
    runs: usize,
}

impl Figures {
    fn runs_per_s(&self) -> f64 {
        self.runs as f64 / self.elapsed.as_secs_f64()
    }
    fn steps_per_s(&self) -> f64 {
        self.runs_per_s() * f64::from(STEPS)
    }
}

fn measure(n: usize, batch_size: usize, mut insert: impl FnMut(&[Run])) -> Figures {
    let mut rng = StdRng::seed_from_u64(1);
    let mut elapsed = Duration::ZERO;
    let mut done = 0;
    while done < n {
        let batch = make_batch(&mut rng, done, batch_size.min(n - done));
        let t = Instant::now();
        insert(&batch);
        elapsed += t.elapsed();
        done += batch.len();
    }
    Figures { elapsed, runs: n }
}

fn main() {
    // `cargo bench` passes `--bench`; there is nothing to filter here.
    let n: usize = std::env::var("SIGHTLINE_BENCH_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    let batch: usize = std::env::var("SIGHTLINE_BENCH_BATCH")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000);
    let dir = tempfile::tempdir().expect("temp dir");

    let store_path = dir.path().join("store.db");
    let mut store = Store::open(&store_path).expect("open store");
    let ours = measure(n, batch, |batch| {
        store.insert_runs(batch, 0).expect("insert");
    });
    drop(store);

    // Same schema and pragmas, written by bare SQL.
    let raw_path = dir.path().join("raw.db");
    drop(Store::open(&raw_path).expect("create raw schema"));
    let mut conn = rusqlite::Connection::open(&raw_path).expect("open raw");
    conn.pragma_update(None, "synchronous", "FULL")
        .expect("pragma");
    conn.pragma_update(None, "foreign_keys", "ON")
        .expect("pragma");
    conn.pragma_update(None, "cache_size", -32768)
        .expect("pragma");
    conn.pragma_update(None, "temp_store", "MEMORY")
        .expect("pragma");
    let raw = measure(n, batch, |batch| {
        raw_insert(&mut conn, batch).expect("raw insert")
    });

    let size = std::fs::metadata(&store_path).map(|m| m.len()).unwrap_or(0);
    println!("store insert: {n} runs x {STEPS} steps, batches of {batch}, WAL, synchronous=FULL");
    println!(
        "  sightline-store: {:>8.0} runs/s  {:>9.0} step rows/s  ({:.1} s)",
        ours.runs_per_s(),
        ours.steps_per_s(),
        ours.elapsed.as_secs_f64()
    );
    println!(
        "  raw rusqlite:    {:>8.0} runs/s  {:>9.0} step rows/s  ({:.1} s)",
        raw.runs_per_s(),
        raw.steps_per_s(),
        raw.elapsed.as_secs_f64()
    );
    println!(
        "  ratio store/raw time: {:.2}x; file {:.0} MiB",
        ours.elapsed.as_secs_f64() / raw.elapsed.as_secs_f64(),
        size as f64 / 1048576.0
    );
    println!(
        "{}",
        serde_json::json!({
            "bench": "store_insert", "runs": n, "steps_per_run": STEPS, "batch": batch,
            "store_runs_per_s": ours.runs_per_s().round(), "store_step_rows_per_s": ours.steps_per_s().round(),
            "raw_runs_per_s": raw.runs_per_s().round(), "raw_step_rows_per_s": raw.steps_per_s().round(),
            "time_ratio_store_over_raw": ours.elapsed.as_secs_f64() / raw.elapsed.as_secs_f64(),
        })
    );
}
