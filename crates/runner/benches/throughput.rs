//! Sustained journeys per minute against the demo shop, by pool size.
//!
//! A 3-step browser journey (open the shop, open a product, see the add-to-cart
//! button) runs from as many streams as the pool has browsers, each stream due
//! every second, so every browser is always busy and no slot ever waits for
//! one (slots are missed instead). For each pool size (1, 2, 4, 8 by default)
//! it runs for SIGHTLINE_BENCH_SECS (60) seconds and reports passed journeys
//! per minute, the ratio to pool size 1 measured in the same run, and the
//! resident memory of the browsers per pool slot.
//!
//! `cargo bench -p sightline-runner --bench throughput`
//! (`SIGHTLINE_BENCH_POOLS=1,2` to choose sizes). Figures: docs/benchmarks.md.

use std::sync::Arc;
use std::time::{Duration, Instant};

use sightline_core::Outcome;
use sightline_runner::{Project, RunSink, RunnerEvent, RunnerOptions};

/// Counts stored attempts; the store is measured by its own benchmark.
struct Discard;

impl RunSink for Discard {
    fn accept(
        &self,
        _: &sightline_browser::ReplayReport,
    ) -> Result<bool, sightline_runner::RunnerError> {
        Ok(true)
    }
}

fn project(dir: &std::path::Path, base: &str, pool: usize) -> Project {
    let journey = format!(
        "name: browse-product\nbaseUrl: {base}\ntimeouts: {{ runMs: 30000, stepMs: 10000 }}\nsteps:\n\
         \x20 - type: navigate\n    url: /\n\
         \x20 - type: click\n    selectors: [[\"[data-testid=product-link-SOCK-1]\"]]\n    assertedEvents: [{{ type: navigation, url: /products/SOCK-1 }}]\n\
         \x20 - type: waitForElement\n    selectors: [[\"[data-testid=add-to-cart]\"]]\n"
    );
    std::fs::write(dir.join("j.yaml"), journey).unwrap();
    let mut toml = format!("[runner]\npool_size = {pool}\n");
    for i in 0..pool {
        toml.push_str(&format!("[regions.r{i}]\nbase_url = \"{base}\"\n"));
    }
    toml.push_str("[[schedule]]\njourney = \"j.yaml\"\nevery = \"1s\"\njitter = \"0s\"\n");
    let file = dir.join("sightline.toml");
    std::fs::write(&file, toml).unwrap();
    Project::load(&file).unwrap()
}

/// Resident memory of every Chromium under this process, in MiB.
fn chromium_rss_mib() -> f64 {
    let me = std::process::id();
    let mut total = 0;
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let Some(pid) = entry
            .file_name()
            .to_str()
            .and_then(|n| n.parse::<u32>().ok())
        else {
            continue;
        };
        let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
            continue;
        };
        let Some(close) = stat.rfind(')') else {
            continue;
        };
        let ppid: u32 = stat[close + 2..]
            .split_whitespace()
            .nth(1)
            .and_then(|p| p.parse().ok())
            .unwrap_or(0);
        if ppid == me && stat.contains("(chromium") {
            total += sightline_runner::memory::tree_rss_kib(pid).unwrap_or(0);
        }
    }
    total as f64 / 1024.0
}

struct Row {
    pool: usize,
    passed: u64,
    other: u64,
    per_min: f64,
    mem_per_browser_mib: f64,
}

async fn measure(base: &str, pool: usize, secs: u64) -> Row {
    let dir = tempfile::tempdir().unwrap();
    let p = project(dir.path(), base, pool);
    let opts = RunnerOptions {
        runner_id: "bench".into(),
        seed: 1,
        ..RunnerOptions::default()
    };
    let mut handle = sightline_runner::start(p, Arc::new(Discard), opts);
    let mut events = handle.subscribe();
    // Warm-up: wait until every browser has finished one run.
    let mut warm = 0;
    while warm < pool {
        if let Ok(RunnerEvent::Stored(_)) = events.recv().await {
            warm += 1;
        }
    }
    let start = Instant::now();
    let (mut passed, mut other, mut mem_peak) = (0u64, 0u64, 0f64);
    let mut next_sample = Instant::now();
    while start.elapsed() < Duration::from_secs(secs) {
        if next_sample <= Instant::now() {
            mem_peak = mem_peak.max(chromium_rss_mib());
            next_sample = Instant::now() + Duration::from_secs(5);
        }
        match tokio::time::timeout(Duration::from_millis(500), events.recv()).await {
            Ok(Ok(RunnerEvent::Stored(run))) if run.outcome == Outcome::Pass => passed += 1,
            Ok(Ok(RunnerEvent::Stored(_))) => other += 1,
            _ => {}
        }
    }
    let elapsed = start.elapsed().as_secs_f64();
    handle.shutdown().await;
    Row {
        pool,
        passed,
        other,
        per_min: passed as f64 * 60.0 / elapsed,
        mem_per_browser_mib: mem_peak / pool as f64,
    }
}

fn main() {
    let secs: u64 = std::env::var("SIGHTLINE_BENCH_SECS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(60);
    let pools: Vec<usize> = std::env::var("SIGHTLINE_BENCH_POOLS")
        .unwrap_or_else(|_| "1,2,4,8".into())
        .split(',')
        .filter_map(|p| p.trim().parse().ok())
        .collect();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let shop = sightline_demo_shop::start(sightline_demo_shop::ShopConfig {
            regions: vec!["us-east-1".into()],
            ..Default::default()
        })
        .await
        .unwrap();
        let base = shop.frontend_url("us-east-1").unwrap().to_owned();
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        println!("runner throughput: 3-step browser journey against the demo shop, {secs} s per pool size, {cores} cores");
        println!("{:>5} {:>10} {:>12} {:>10} {:>16}", "pool", "passed", "journeys/min", "vs pool 1", "MiB per browser");
        let mut base_rate = None;
        let mut rows = Vec::new();
        for &pool in &pools {
            let row = measure(&base, pool, secs).await;
            let base_rate = *base_rate.get_or_insert(row.per_min);
            println!(
                "{:>5} {:>10} {:>12.1} {:>9.2}x {:>16.0}{}",
                row.pool,
                row.passed,
                row.per_min,
                row.per_min / base_rate,
                row.mem_per_browser_mib,
                if row.other > 0 { format!("  ({} not passed)", row.other) } else { String::new() }
            );
            rows.push(serde_json::json!({
                "pool": row.pool, "passed": row.passed, "not_passed": row.other,
                "journeys_per_min": (row.per_min * 10.0).round() / 10.0,
                "ratio_to_pool_1": row.per_min / base_rate,
                "mib_per_browser": row.mem_per_browser_mib.round(),
            }));
        }
        println!("{}", serde_json::json!({"bench": "runner_throughput", "secs": secs, "rows": rows}));
        shop.shutdown().await;
    });
}
