//! The bulk path against DuckDB: the full status of 40 SLOs over 10 million
//! run results, from the same Parquet file.
//!
//! Data: SIGHTLINE_BENCH_ROWS (default 10,000,000) run rows over 30 days, 20
//! journeys × 3 regions, time-ordered as a runner fleet writes them, with a
//! run id (UUID text), journey, region, started_at_ms, duration_ms and
//! outcome; a checkout incident burns the last 90 minutes in one region.
//! Written once with Polars (SIGHTLINE_BENCH_COMPRESSION: zstd, the default,
//! snappy or none; the writer's default row groups of about 263k rows) to
//! `$TMPDIR/sightline-bulk-bench/runs-N-COMPRESSION.parquet` and reused.
//!
//! Work: for 40 SLOs (availability 99.5% and latency 99% under a per-journey
//! threshold, 30-day rolling windows, the Workbook alert policy), the SLI,
//! compliance, budget, the burn rate over the seven standard windows (5m,
//! 30m, 1h, 6h, 1d, 3d, 30d: these include the policy's six alert windows),
//! the forecast, every alert rule's condition and the per-region breakdown.
//!
//! Each side runs in its own process, reading the file from scratch (the OS
//! page cache is warm for both after the first round); the rounds alternate
//! Sightline, DuckDB direct, DuckDB bucketed (crates/api/benches/
//! duckdb_status.py, the `duckdb` Python package). The bench checks that
//! every count of every SLO, window and region is equal on all sides before
//! it reports, then prints medians of the in-process work time (read +
//! compute), of the whole process, and of peak RSS, with the ratio to the
//! faster DuckDB formulation.
//!
//! `cargo bench -p sightline-api --bench bulk_status`. Goal: at most 1.0x DuckDB's
//! time. Figures: docs/benchmarks.md.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use polars::prelude::{
    DataFrame, IntoColumn, NamedFrom, ParquetCompression, ParquetWriter, Series,
};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::{Value, json};
use sightline_core::{RunId, SliKind, SloDefinition, SloFilter, SloWindow};
use sightline_slo::bulk::columns;
use sightline_slo::incremental::STANDARD_BURN_WINDOWS_MS;
use sightline_slo::{DAY_MS, MINUTE_MS, SloConfig};

/// The `sightline` binary's allocator, so the child measures what the CLI
/// does (glibc malloc maps and unmaps each page's zstd context afresh).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const PERIOD_DAYS: u32 = 30;
const REGIONS: [&str; 3] = ["us-east-1", "eu-west-1", "ap-southeast-1"];
/// The history ends here (2026-12-01T00:00:00Z); `at` is one minute later.
const END_MS: i64 = 1_796_083_200_000;
const ROUNDS: usize = 5;

fn journeys() -> Vec<String> {
    let apps = ["shop", "api", "admin", "mobile"];
    let flows = ["login", "search", "checkout", "cart", "account"];
    apps.iter()
        .flat_map(|a| flows.iter().map(move |f| format!("{a}-{f}")))
        .collect()
}

/// Each journey's typical duration and its latency threshold (2.2x typical).
fn base_ms(j: usize) -> i64 {
    400 + 150 * j as i64
}

fn threshold_ms(j: usize) -> i64 {
    base_ms(j) * 22 / 10
}

fn configs() -> Vec<SloConfig> {
    journeys()
        .into_iter()
        .enumerate()
        .flat_map(|(j, journey)| {
            let filter = SloFilter {
                journey: journey.clone(),
                ..SloFilter::default()
            };
            [
                (
                    format!("{journey}-availability"),
                    SliKind::Availability,
                    0.995,
                ),
                (
                    format!("{journey}-latency"),
                    SliKind::Latency {
                        threshold_ms: threshold_ms(j),
                    },
                    0.99,
                ),
            ]
            .map(|(name, sli, target)| {
                SloConfig::new(SloDefinition {
                    name,
                    description: String::new(),
                    sli,
                    filter: filter.clone(),
                    target,
                    window: SloWindow::Rolling { days: PERIOD_DAYS },
                })
            })
        })
        .collect()
}

fn at_ms() -> i64 {
    END_MS + MINUTE_MS
}

/// Writes the run rows, time-ordered, or reuses an earlier file.
fn ensure_data(rows: usize) -> PathBuf {
    let dir = std::env::temp_dir().join("sightline-bulk-bench");
    let compression =
        std::env::var("SIGHTLINE_BENCH_COMPRESSION").unwrap_or_else(|_| "zstd".into());
    let path = dir.join(format!("runs-{rows}-{compression}.parquet"));
    if path.exists() {
        eprintln!("data: reusing {}", path.display());
        return path;
    }
    std::fs::create_dir_all(&dir).expect("bench dir");
    let t = Instant::now();
    let names = journeys();
    let streams = names.len() * REGIONS.len();
    let per_stream = rows.div_ceil(streams);
    let span = i64::from(PERIOD_DAYS) * DAY_MS;
    let every = span / per_stream as i64;
    let start = END_MS - span;
    let mut rng = StdRng::seed_from_u64(20261201);
    let (mut ids, mut js, mut rs, mut ts, mut ds, mut os) = (
        Vec::with_capacity(rows),
        Vec::with_capacity(rows),
        Vec::with_capacity(rows),
        Vec::with_capacity(rows),
        Vec::with_capacity(rows),
        Vec::with_capacity(rows),
    );
    'slots: for k in 0..per_stream {
        for s in 0..streams {
            if ts.len() == rows {
                break 'slots;
            }
            let (j, r) = (s / REGIONS.len(), s % REGIONS.len());
            let t = start + k as i64 * every + (s as i64 * every) / streams as i64;
            let incident = names[j] == "shop-checkout" && r == 0 && t > END_MS - 90 * MINUTE_MS;
            let fail_per_mille = if incident { 250 } else { 2 + (j as u32 % 5) };
            let roll = rng.random_range(0..1000u32);
            let outcome = if roll < 1 {
                "error"
            } else if roll < 1 + fail_per_mille {
                "fail"
            } else {
                "pass"
            };
            // Mostly near typical, with a long tail past the threshold.
            let u: f64 = rng.random_range(1e-9..1.0);
            let d = (base_ms(j) as f64 * (0.55 + 0.3 * -u.ln())) as i64;
            ids.push(RunId::new(t, &mut rng).to_string());
            js.push(names[j].as_str());
            rs.push(REGIONS[r]);
            ts.push(t);
            ds.push(d);
            os.push(outcome);
        }
    }
    let col = |name: &str, s: Series| s.with_name(name.into()).into_column();
    let mut df = DataFrame::new_infer_height(vec![
        col("run_id", Series::new("".into(), ids)),
        col(columns::JOURNEY, Series::new("".into(), js)),
        col(columns::REGION, Series::new("".into(), rs)),
        col("started_at", Series::new("".into(), ts)),
        col(columns::DURATION_MS, Series::new("".into(), ds)),
        col(columns::OUTCOME, Series::new("".into(), os)),
    ])
    .expect("one length");
    let tmp = path.with_extension("parquet.partial");
    let file = std::fs::File::create(&tmp).expect("create data file");
    ParquetWriter::new(file)
        .with_compression(match compression.as_str() {
            "snappy" => ParquetCompression::Snappy,
            "none" => ParquetCompression::Uncompressed,
            _ => ParquetCompression::Zstd(None),
        })
        .finish(&mut df)
        .expect("write parquet");
    std::fs::rename(&tmp, &path).expect("rename data file");
    eprintln!(
        "data: wrote {} rows to {} ({:.0} MiB) in {:.1} s",
        df.height(),
        path.display(),
        std::fs::metadata(&path).map_or(0, |m| m.len()) as f64 / (1 << 20) as f64,
        t.elapsed().as_secs_f64()
    );
    path
}

/// The SLO list and windows, for the DuckDB script.
fn spec(path: &Path) -> PathBuf {
    let at = at_ms();
    let mut windows: Vec<i64> = STANDARD_BURN_WINDOWS_MS.to_vec();
    windows.push(i64::from(PERIOD_DAYS) * DAY_MS);
    let slos: Vec<Value> = configs()
        .iter()
        .map(|c| {
            let d = &c.definition;
            json!({
                "name": d.name,
                "journey": d.filter.journey,
                "threshold_ms": match d.sli { SliKind::Latency { threshold_ms } => Some(threshold_ms), _ => None },
                "target": d.target,
                "start_ms": at + 1 - i64::from(PERIOD_DAYS) * DAY_MS,
            })
        })
        .collect();
    let out = path.with_extension("spec.json");
    let body = json!({ "at_ms": at, "windows_ms": windows, "slos": slos });
    std::fs::write(&out, body.to_string()).expect("write spec");
    out
}

fn peak_rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

/// The child: read the file, compute every status, print the numbers.
fn child(path: &str) {
    let t = Instant::now();
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let statuses = sightline_api::slo::parquet::status_from_parquet(
        Path::new(path),
        &configs(),
        &BTreeMap::new(),
        at_ms(),
        threads,
    )
    .expect("bulk status");
    let work_ms = t.elapsed().as_secs_f64() * 1000.0;
    let firing = statuses
        .iter()
        .flat_map(|s| {
            s.rules
                .iter()
                .filter(|r| r.holds)
                .map(|r| (&s.status.slo, r.rule))
        })
        .count();
    let slos: Vec<Value> = statuses
        .iter()
        .map(|b| {
            let s = &b.status;
            json!({
                "slo": s.slo,
                "valid": s.counts.valid,
                "good": s.counts.good,
                "sli": s.sli,
                "budget_remaining": s.budget.remaining_fraction,
                "windows": s.burn_rates.iter().map(|w| json!({
                    "window_ms": w.window_ms, "valid": w.counts.valid, "good": w.counts.good,
                    "burn_rate": w.rate,
                })).collect::<Vec<_>>(),
                "regions": s.by_region.iter().map(|r| json!({
                    "region": r.region, "valid": r.counts.valid, "good": r.counts.good,
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    println!(
        "{}",
        json!({
            "engine": "sightline bulk",
            "work_ms": work_ms,
            "rules_holding": firing,
            "peak_rss_kib": peak_rss_kib(),
            "slos": slos,
        })
    );
}

struct Sample {
    report: Value,
    wall_ms: f64,
}

fn run(cmd: &mut Command) -> Sample {
    let t = Instant::now();
    let out = cmd.output().expect("start child");
    let wall_ms = t.elapsed().as_secs_f64() * 1000.0;
    assert!(
        out.status.success(),
        "child failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report = serde_json::from_slice(&out.stdout).expect("child JSON");
    Sample { report, wall_ms }
}

/// Counts must be equal; floats to 1e-9.
fn same(a: &Value, b: &Value, what: &str) {
    let (sa, sb) = (
        a["slos"].as_array().expect("slos"),
        b["slos"].as_array().expect("slos"),
    );
    assert_eq!(sa.len(), sb.len(), "{what}: SLO count");
    for (x, y) in sa.iter().zip(sb) {
        let name = x["slo"].as_str().unwrap_or("?");
        for key in ["slo", "valid", "good", "regions"] {
            assert_eq!(x[key], y[key], "{what}: {name}: {key}");
        }
        for (wx, wy) in x["windows"]
            .as_array()
            .into_iter()
            .flatten()
            .zip(y["windows"].as_array().into_iter().flatten())
        {
            for key in ["window_ms", "valid", "good"] {
                assert_eq!(wx[key], wy[key], "{what}: {name}: window {key}");
            }
            close(&wx["burn_rate"], &wy["burn_rate"], what);
        }
        close(&x["sli"], &y["sli"], what);
        close(&x["budget_remaining"], &y["budget_remaining"], what);
    }
}

fn close(a: &Value, b: &Value, what: &str) {
    match (a.as_f64(), b.as_f64()) {
        (Some(x), Some(y)) => assert!(
            (x - y).abs() <= 1e-9 * x.abs().max(1.0),
            "{what}: {x} != {y}"
        ),
        _ => assert_eq!(a.is_null(), b.is_null(), "{what}: {a} vs {b}"),
    }
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn main() {
    if let Ok(path) = std::env::var("SIGHTLINE_BULK_CHILD") {
        child(&path);
        return;
    }
    let rows: usize = std::env::var("SIGHTLINE_BENCH_ROWS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000_000);
    let data = ensure_data(rows);
    let spec = spec(&data);
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/duckdb_status.py");
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    if !Command::new("python3")
        .args(["-c", "import duckdb"])
        .status()
        .is_ok_and(|s| s.success())
    {
        eprintln!("the baseline needs DuckDB's Python package: pip install duckdb");
        std::process::exit(2);
    }
    let exe = std::env::current_exe().expect("own path");
    let sides = ["sightline", "duckdb direct", "duckdb bucketed"];
    let mut samples: Vec<Vec<Sample>> = vec![Vec::new(), Vec::new(), Vec::new()];
    for round in 0..=ROUNDS {
        for (i, side) in sides.iter().enumerate() {
            let s = match i {
                0 => run(Command::new(&exe).env("SIGHTLINE_BULK_CHILD", &data)),
                _ => run(Command::new("python3")
                    .arg(&script)
                    .arg(&data)
                    .arg(&spec)
                    .arg(if i == 1 { "direct" } else { "bucketed" })
                    .arg(threads.to_string())),
            };
            eprintln!(
                "round {round} {side}: work {:.0} ms, process {:.0} ms, peak {} MiB",
                s.report["work_ms"].as_f64().unwrap_or(0.0),
                s.wall_ms,
                s.report["peak_rss_kib"].as_u64().unwrap_or(0) / 1024
            );
            // Round 0 warms the page cache and is not counted.
            if round > 0 {
                samples[i].push(s);
            }
        }
    }
    for (i, side) in sides.iter().enumerate().skip(1) {
        same(&samples[0][0].report, &samples[i][0].report, side);
    }
    let first = &samples[0][0].report;
    let valid: u64 = first["slos"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|s| s["valid"].as_u64())
        .sum();
    println!(
        "bulk SLO status: {} rows, 40 SLOs, {threads} threads each; all counts equal on every side ({} valid results summed over SLOs; {} alert rules holding); medians of {ROUNDS}",
        rows, valid, first["rules_holding"]
    );
    println!(
        "{:<18} {:>10} {:>11} {:>9}",
        "side", "work ms", "process ms", "peak MiB"
    );
    let med = |i: usize, f: &dyn Fn(&Sample) -> f64| median(samples[i].iter().map(f).collect());
    let work = |s: &Sample| s.report["work_ms"].as_f64().unwrap_or(f64::NAN);
    let peak = |s: &Sample| s.report["peak_rss_kib"].as_f64().unwrap_or(0.0) / 1024.0;
    for (i, side) in sides.iter().enumerate() {
        println!(
            "{:<18} {:>10.0} {:>11.0} {:>9.0}",
            side,
            med(i, &work),
            med(i, &|s| s.wall_ms),
            med(i, &peak)
        );
    }
    let best = med(1, &work).min(med(2, &work));
    let best_wall = med(1, &|s| s.wall_ms).min(med(2, &|s| s.wall_ms));
    println!(
        "ratio sightline / best duckdb: work {:.2}x, process {:.2}x (goal <= 1.0x)",
        med(0, &work) / best,
        med(0, &|s| s.wall_ms) / best_wall
    );
}
