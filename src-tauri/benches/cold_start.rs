//! Cold start to the first interactive view, and idle memory, of the app
//! against a bare Tauri hello world built the same way (the floor).
//!
//! Each start is a fresh process with empty WebKit cache and data folders
//! (a temporary `XDG_CACHE_HOME`/`XDG_DATA_HOME`), timed from spawn to the
//! line the process prints when its page reports itself painted and
//! interactive: for the app, the Overview with its numbers on screen (charts
//! load lazily after that); for the hello world, its first frame. Starts
//! alternate between the two so drift on a shared machine hits both alike.
//! Five seconds after ready, the proportional set size (PSS) of the whole
//! process tree (the app and its WebKit web and network processes) is read
//! from `/proc`.
//!
//! ```sh
//! cargo build --release -p sightline-app --bin sightline-app --example hello
//! xvfb-run -a cargo bench -p sightline-app --bench cold_start
//! SIGHTLINE_BENCH_RUNS=100000 ...   # the app over a database of that many runs
//! ```

#[path = "../tests/e2e/fixture.rs"]
#[allow(dead_code)]
mod fixture;
#[path = "../tests/e2e/images.rs"]
#[allow(dead_code)]
mod images;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// Starts per binary.
const ROUNDS: usize = 7;

fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR").map_or_else(
        || {
            Path::new(
                &std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"),
            )
            .join("../target")
        },
        PathBuf::from,
    )
}

/// Children of `pid`, recursively.
fn tree(pid: u32) -> Vec<u32> {
    let mut out = vec![pid];
    let mut i = 0;
    while i < out.len() {
        let p = out[i];
        if let Ok(tasks) = std::fs::read_dir(format!("/proc/{p}/task")) {
            for t in tasks.flatten() {
                let children =
                    std::fs::read_to_string(t.path().join("children")).unwrap_or_default();
                out.extend(
                    children
                        .split_whitespace()
                        .filter_map(|c| c.parse::<u32>().ok()),
                );
            }
        }
        i += 1;
    }
    out.sort_unstable();
    out.dedup();
    out
}

/// PSS of `pid` in KiB, from smaps_rollup.
fn pss_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/smaps_rollup"))
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix("Pss:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

/// RSS of `pid` in KiB, from status.
fn rss_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

struct Sample {
    ready_ms: f64,
    pss_mib: f64,
    main_rss_mib: f64,
    processes: usize,
}

/// One cold start of `bin` with `envs`; `None` if it never got ready.
fn start(bin: &Path, envs: &[(&str, &Path)]) -> Option<Sample> {
    let fresh = tempfile::tempdir().unwrap();
    let mut cmd = Command::new(bin);
    cmd.env("SIGHTLINE_REPORT_READY", "1")
        .env("XDG_CACHE_HOME", fresh.path().join("cache"))
        .env("XDG_DATA_HOME", fresh.path().join("data"))
        .env("XDG_CONFIG_HOME", fresh.path().join("config"))
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    for (k, v) in envs {
        cmd.env(k, v);
    }
    let t0 = Instant::now();
    let mut child = cmd.spawn().expect("spawn");
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if line.starts_with("sightline-app ready") {
                let _ = tx.send(t0.elapsed());
            }
        }
    });
    let ready = rx.recv_timeout(Duration::from_secs(60)).ok();
    let sample = ready.map(|d| {
        std::thread::sleep(Duration::from_secs(5));
        let pids = tree(child.id());
        Sample {
            ready_ms: d.as_secs_f64() * 1000.0,
            pss_mib: pids.iter().map(|p| pss_kib(*p)).sum::<u64>() as f64 / 1024.0,
            main_rss_mib: rss_kib(child.id()) as f64 / 1024.0,
            processes: pids.len(),
        }
    });
    // The tree goes with the app: WebKit's helpers exit when their parent does.
    let _ = child.kill();
    let _ = child.wait();
    sample
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn main() {
    if std::env::var_os("DISPLAY").is_none() {
        eprintln!("cold_start: no DISPLAY; run under xvfb-run -a");
        return;
    }
    let release = target_dir().join("release");
    let app = release.join("sightline-app");
    let hello = release.join("examples/hello");
    for b in [&app, &hello] {
        if !b.exists() {
            eprintln!(
                "cold_start: {} is missing; build it first:\n  cargo build --release -p sightline-app --bin sightline-app --example hello",
                b.display()
            );
            return;
        }
    }
    let runs: Option<usize> = std::env::var("SIGHTLINE_BENCH_RUNS")
        .ok()
        .and_then(|v| v.parse().ok());
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64;
    let project = fixture::prepare("http://127.0.0.1:9", "name: demo\nsteps: []\n", now);
    if let Some(n) = runs {
        fixture::add_bulk_runs(&project.db(), n, now);
    }
    let db = project.db();
    let root = project.root().to_owned();
    let app_env = [
        ("SIGHTLINE_DB", db.as_path()),
        ("SIGHTLINE_PROJECT", root.as_path()),
    ];

    let (mut a, mut h) = (Vec::new(), Vec::new());
    for round in 0..ROUNDS {
        if let Some(s) = start(&hello, &[]) {
            h.push(s);
        }
        if let Some(s) = start(&app, &app_env) {
            a.push(s);
        }
        eprintln!("round {}/{ROUNDS} done", round + 1);
    }
    assert!(
        !a.is_empty() && !h.is_empty(),
        "a binary never reported ready"
    );
    let report = |name: &str, v: &[Sample]| {
        let ready = median(v.iter().map(|s| s.ready_ms).collect());
        let pss = median(v.iter().map(|s| s.pss_mib).collect());
        let rss = median(v.iter().map(|s| s.main_rss_mib).collect());
        let min = v.iter().map(|s| s.ready_ms).fold(f64::INFINITY, f64::min);
        let max = v.iter().map(|s| s.ready_ms).fold(0.0, f64::max);
        println!(
            "{name:<12} ready median {ready:>6.0} ms (min {min:.0}, max {max:.0}, n={}) · idle PSS {pss:.0} MiB over {} processes · main RSS {rss:.0} MiB",
            v.len(),
            v[0].processes
        );
        ready
    };
    println!(
        "database: {} runs",
        runs.map_or_else(
            || "the e2e fixture's ~5,800".to_owned(),
            |n| format!("{n} extra")
        )
    );
    let floor = report("hello world", &h);
    let app_ms = report("sightline", &a);
    println!(
        "ratio app / hello world: {:.2}x (goal: at most 1.5x)",
        app_ms / floor
    );
    api_timings(&db, &root);
}

/// How long the commands behind each view take on this database, in-process
/// (the part of a view's load that is the engine's, not the window's).
fn api_timings(db: &Path, root: &Path) {
    use sightline_api::journeys::JourneysRequest;
    use sightline_api::overview::OverviewRequest;
    use sightline_api::runs::{RunsPageRequest, runs_page};
    let ctx = sightline_api::ApiContext::new(db).with_project(root);
    let time = |name: &str, f: &mut dyn FnMut()| {
        let mut v = Vec::new();
        for _ in 0..5 {
            let t = Instant::now();
            f();
            v.push(t.elapsed().as_secs_f64() * 1000.0);
        }
        println!("api {name:<28} median {:>7.1} ms", median(v));
    };
    time("overview", &mut || {
        sightline_api::overview(&ctx, OverviewRequest { at_ms: None }).unwrap();
    });
    time("journeys", &mut || {
        sightline_api::journeys(&ctx, JourneysRequest { at_ms: None }).unwrap();
    });
    time("runs_page (first 200)", &mut || {
        runs_page(
            &ctx,
            RunsPageRequest {
                journey: Some("checkout".into()),
                before: None,
                limit: 200,
            },
        )
        .unwrap();
    });
    // Walk to the last page once, then time the deepest page on its own.
    let mut before = None;
    let mut pages = 0;
    loop {
        let p = runs_page(
            &ctx,
            RunsPageRequest {
                journey: Some("checkout".into()),
                before: before.clone(),
                limit: 200,
            },
        )
        .unwrap();
        pages += 1;
        match p.next {
            Some(n) => before = Some(n),
            None => break,
        }
    }
    let deepest = before;
    time(&format!("runs_page (page {pages})"), &mut || {
        runs_page(
            &ctx,
            RunsPageRequest {
                journey: Some("checkout".into()),
                before: deepest.clone(),
                limit: 200,
            },
        )
        .unwrap();
    });
}
