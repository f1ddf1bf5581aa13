//! Replay overhead against the reference implementation, @puppeteer/replay.
//!
//! The same 10-step Chrome Recorder recording (`puppeteer-replay/recording.json`:
//! viewport, navigation, click, typing, keys, a DOM change, a wait, a scroll, a
//! navigating click) runs against a page this bench serves on 127.0.0.1, in
//! Debian's Chromium with the same flags, one warm browser each:
//! - Sightline imports the recording and replays it with [`Replayer`];
//! - `puppeteer-replay/run.mjs` replays it with @puppeteer/replay on
//!   puppeteer-core (executablePath /usr/bin/chromium).
//!
//! Both open a fresh browser context per run and close it after, and the two
//! sides alternate run by run so drift on a noisy machine hits both alike.
//! Three warm-up runs each are not counted. Reports the median and p90 per
//! run, the median per step, and the ratio of the medians (goal: Sightline at
//! most 0.8x @puppeteer/replay).
//!
//! `cargo bench -p sightline-browser --bench replay_overhead`
//! (`SIGHTLINE_BENCH_RUNS=30` by default). Installs the npm packages of
//! `puppeteer-replay/` on first use (`npm ci`, no browser download).
//! Figures: docs/benchmarks.md.

#[allow(dead_code)]
#[path = "../tests/browser/server.rs"]
mod server;

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::time::Instant;

use serde::Deserialize;
use server::{Reply, Server};
use sightline_browser::{LaunchOptions, ReplayOptions, Replayer};
use sightline_core::Outcome;

const PAGE: &str = r#"<!doctype html><html><head><title>Bench shop</title></head><body>
<label for="name">Name</label> <input id="name" autocomplete="off">
<button id="add" type="button">Add to basket</button>
<ul id="items"></ul>
<div style="height:2400px"></div>
<a id="checkout" href="/checkout">Checkout</a>
<script>
document.getElementById('add').addEventListener('click', () => {
  const li = document.createElement('li');
  li.dataset.testid = 'added';
  li.textContent = document.getElementById('name').value;
  document.getElementById('items').append(li);
});
</script></body></html>"#;

const CHECKOUT: &str = "<!doctype html><html><head><title>Checkout</title></head><body><h1>Checkout</h1></body></html>";

/// One reference run as `run.mjs` prints it.
#[derive(Deserialize)]
struct Reference {
    ms: f64,
    ok: bool,
    #[serde(default)]
    steps: Vec<f64>,
    #[serde(default)]
    error: Option<String>,
}

/// The Node side: a warm browser behind a line protocol.
struct Puppeteer {
    child: Child,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
}

impl Puppeteer {
    fn start(dir: &Path, recording: &Path) -> Self {
        let mut child = Command::new("node")
            .arg(dir.join("run.mjs"))
            .arg(recording)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("node starts (install Node.js 20 or later)");
        let stdin = child.stdin.take().expect("piped stdin");
        let mut stdout = BufReader::new(child.stdout.take().expect("piped stdout"));
        let mut line = String::new();
        stdout.read_line(&mut line).expect("reading run.mjs");
        assert_eq!(line.trim(), "ready", "run.mjs did not start: {line:?}");
        Self {
            child,
            stdin,
            stdout,
        }
    }

    fn run(&mut self) -> Reference {
        writeln!(self.stdin, "run").expect("writing to run.mjs");
        let mut line = String::new();
        self.stdout.read_line(&mut line).expect("reading run.mjs");
        serde_json::from_str(&line).unwrap_or_else(|e| panic!("run.mjs said {line:?}: {e}"))
    }

    fn stop(mut self) {
        drop(self.stdin);
        let _ = self.child.wait();
    }
}

/// Installs the reference's npm packages when they are missing.
fn npm_ci(dir: &Path) {
    if dir.join("node_modules/@puppeteer/replay").exists() {
        return;
    }
    eprintln!(
        "installing @puppeteer/replay and puppeteer-core in {}",
        dir.display()
    );
    let ok = Command::new("npm")
        .args(["ci", "--no-audit", "--no-fund", "--silent"])
        .current_dir(dir)
        .env("PUPPETEER_SKIP_DOWNLOAD", "1")
        .status()
        .expect("npm starts")
        .success();
    assert!(ok, "npm ci failed in {}", dir.display());
}

fn quantile(v: &[f64], q: f64) -> f64 {
    let mut s = v.to_vec();
    s.sort_by(f64::total_cmp);
    s[((s.len() - 1) as f64 * q).round() as usize]
}

fn main() {
    let runs: usize = std::env::var("SIGHTLINE_BENCH_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(30);
    let launch = LaunchOptions::default();
    if !launch.executable.exists() {
        eprintln!("skipped: {} is absent", launch.executable.display());
        return;
    }
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("benches/puppeteer-replay");
    npm_ci(&dir);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(async move {
        let shop = Server::start(|seen| match seen.path.as_str() {
            "/" => Reply::html(PAGE),
            "/checkout" => Reply::html(CHECKOUT),
            _ => Reply::html("").status(404),
        })
        .await;
        let template = std::fs::read_to_string(dir.join("recording.json")).expect("recording");
        let text = template.replace("{{origin}}", &shop.origin);
        let tmp = tempfile::tempdir().expect("temp dir");
        let recording = tmp.path().join("recording.json");
        std::fs::write(&recording, &text).expect("writing the recording");

        let imported = sightline_journeys::from_recorder_json(&text, "recording.json")
            .expect("the recording imports");
        for w in &imported.warnings {
            eprintln!("import warning: {w}");
        }
        let yaml = sightline_journeys::to_yaml(&imported.journey).expect("yaml");
        let loaded = sightline_journeys::from_yaml_str(&yaml, "recording.yaml").expect("loads");
        let steps = loaded.journey.steps.len();

        let mut replayer = Replayer::new(launch).expect("replayer");
        replayer.warm_up().await.expect("Chromium starts");
        let opts = ReplayOptions::default();
        let mut reference = Puppeteer::start(&dir, &recording);

        let (mut ours, mut theirs) = (Vec::new(), Vec::new());
        let (mut our_steps, mut their_steps) = (vec![Vec::new(); steps], vec![Vec::new(); steps]);
        for i in 0..runs + 3 {
            let t = Instant::now();
            let report = replayer.replay(&loaded, &opts).await;
            let ms = t.elapsed().as_secs_f64() * 1000.0;
            assert_eq!(
                report.run.outcome,
                Outcome::Pass,
                "Sightline run {i}: {:?} {:?}",
                report.run.error_class,
                report.run.error_message
            );
            let r = reference.run();
            assert!(r.ok, "@puppeteer/replay run {i} failed: {:?}", r.error);
            if i < 3 {
                continue;
            }
            ours.push(ms);
            theirs.push(r.ms);
            for (k, s) in report.run.steps.iter().enumerate().take(steps) {
                our_steps[k].push(s.duration_ms as f64);
            }
            for (k, s) in r.steps.iter().enumerate().take(steps) {
                their_steps[k].push(*s);
            }
        }
        reference.stop();
        replayer.shutdown().await;

        println!("replay overhead, {steps}-step recording, {runs} runs each, warm browsers");
        println!("{:<24} {:>14} {:>18}", "step", "Sightline ms", "@puppeteer/replay ms");
        for (k, step) in loaded.journey.steps.iter().enumerate() {
            let name = sightline_browser::step_name(step);
            let median = |v: &Vec<f64>| if v.is_empty() { f64::NAN } else { quantile(v, 0.5) };
            println!(
                "{:<24} {:>14.1} {:>18.1}",
                format!("{:>2} {}", k + 1, name.chars().take(20).collect::<String>()),
                median(&our_steps[k]),
                median(&their_steps[k]),
            );
        }
        let (m_ours, m_theirs) = (quantile(&ours, 0.5), quantile(&theirs, 0.5));
        println!(
            "run median: Sightline {m_ours:.1} ms (p90 {:.1}), @puppeteer/replay {m_theirs:.1} ms (p90 {:.1})",
            quantile(&ours, 0.9),
            quantile(&theirs, 0.9)
        );
        let ratio = m_ours / m_theirs;
        println!(
            "ratio Sightline / @puppeteer/replay = {ratio:.2}x (goal <= 0.80x: {})",
            if ratio <= 0.8 { "met" } else { "not met" }
        );
    });
}
