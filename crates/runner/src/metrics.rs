//! The runner's own metrics, in the Prometheus text exposition format, so a
//! fleet's Prometheus can scrape every runner and compute the SLOs from the
//! rules `sightline slo export --format prometheus` writes.
//!
//! Names follow `<namespace>_<name>_<unit>_[total]`:
//! - `sightline_journey_runs_total{journey,region,outcome}`
//! - `sightline_journey_duration_seconds{journey,region,outcome}` (histogram)
//! - `sightline_step_duration_seconds{journey,step}` (histogram)
//! - `sightline_runner_missed_slots_total{journey,region}`
//! - `sightline_runner_queue_depth`, `sightline_runner_pool_size`,
//!   `sightline_runner_in_flight`, `sightline_runner_browser_restarts_total`

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::Mutex;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};

use std::sync::Arc;

use sightline_core::Run;

/// Histogram bounds in seconds. SLO latency thresholds exported as
/// Prometheus rules must be one of these (see `sightline-slo`'s exporter).
pub const DURATION_BUCKETS_S: [f64; 16] = [
    0.1, 0.25, 0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 7.5, 10.0, 15.0, 20.0, 30.0, 60.0,
];

#[derive(Debug, Default, Clone)]
struct Histogram {
    /// Non-cumulative counts per bucket, plus +Inf at the end.
    counts: Vec<u64>,
    sum: f64,
    count: u64,
}

impl Histogram {
    fn empty() -> Self {
        Histogram {
            counts: vec![0; DURATION_BUCKETS_S.len() + 1],
            sum: 0.0,
            count: 0,
        }
    }

    fn observe(&mut self, seconds: f64) {
        if self.counts.is_empty() {
            self.counts = vec![0; DURATION_BUCKETS_S.len() + 1];
        }
        let i = DURATION_BUCKETS_S
            .iter()
            .position(|b| seconds <= *b)
            .unwrap_or(DURATION_BUCKETS_S.len());
        self.counts[i] += 1;
        self.sum += seconds;
        self.count += 1;
    }
}

type Labels = Vec<(&'static str, String)>;

#[derive(Debug, Default)]
struct Families {
    runs: BTreeMap<Labels, u64>,
    journey_duration: BTreeMap<Labels, Histogram>,
    step_duration: BTreeMap<Labels, Histogram>,
    missed: BTreeMap<Labels, u64>,
}

/// Counters, gauges and histograms of one runner process.
#[derive(Debug, Default)]
pub struct RunnerMetrics {
    families: Mutex<Families>,
    queue_depth: AtomicI64,
    in_flight: AtomicI64,
    pool_size: AtomicU64,
    browser_restarts: AtomicU64,
}

impl RunnerMetrics {
    /// Starts the counters and histograms of a journey and region at zero,
    /// for every outcome, so that a scraper sees the first run as an
    /// increment (`rate()` cannot see a series' first value).
    pub fn register_stream(&self, journey: &str, region: &str) {
        let Ok(mut f) = self.families.lock() else {
            return;
        };
        for outcome in ["pass", "fail", "error"] {
            let labels = vec![
                ("journey", journey.to_owned()),
                ("region", region.to_owned()),
                ("outcome", outcome.to_owned()),
            ];
            f.runs.entry(labels.clone()).or_default();
            f.journey_duration
                .entry(labels)
                .or_insert_with(Histogram::empty);
        }
        let labels = vec![
            ("journey", journey.to_owned()),
            ("region", region.to_owned()),
        ];
        f.missed.entry(labels).or_default();
    }

    /// Counts a stored run (every attempt) and its step durations.
    pub fn observe_run(&self, run: &Run) {
        let Ok(mut f) = self.families.lock() else {
            return;
        };
        let base = vec![
            ("journey", run.journey.clone()),
            ("region", run.region.to_string()),
            ("outcome", run.outcome.to_string()),
        ];
        *f.runs.entry(base.clone()).or_default() += 1;
        f.journey_duration
            .entry(base)
            .or_default()
            .observe(run.duration_ms as f64 / 1000.0);
        for s in &run.steps {
            let labels = vec![("journey", run.journey.clone()), ("step", s.name.clone())];
            f.step_duration
                .entry(labels)
                .or_default()
                .observe(s.duration_ms as f64 / 1000.0);
        }
    }

    /// Counts `n` missed slots.
    pub fn missed_slot(&self, journey: &str, region: &str, n: u64) {
        if let Ok(mut f) = self.families.lock() {
            let labels = vec![
                ("journey", journey.to_owned()),
                ("region", region.to_owned()),
            ];
            *f.missed.entry(labels).or_default() += n;
        }
    }

    /// Adds `delta` to the number of slots waiting for a browser.
    pub fn queue_delta(&self, delta: i64) {
        self.queue_depth.fetch_add(delta, Ordering::Relaxed);
    }

    /// Adds `delta` to the number of runs going.
    pub fn in_flight_delta(&self, delta: i64) {
        self.in_flight.fetch_add(delta, Ordering::Relaxed);
    }

    /// Sets the pool size.
    pub fn set_pool_size(&self, n: usize) {
        self.pool_size.store(n as u64, Ordering::Relaxed);
    }

    /// Counts a browser that was replaced after a crash or hang.
    pub fn browser_restarted(&self) {
        self.browser_restarts.fetch_add(1, Ordering::Relaxed);
    }

    /// Slots waiting for a browser now.
    pub fn queue_depth(&self) -> i64 {
        self.queue_depth.load(Ordering::Relaxed)
    }

    /// Browsers replaced so far.
    pub fn browser_restarts(&self) -> u64 {
        self.browser_restarts.load(Ordering::Relaxed)
    }

    /// Missed slots so far, over every stream.
    pub fn missed_total(&self) -> u64 {
        self.families.lock().map_or(0, |f| f.missed.values().sum())
    }

    /// The exposition text (`text/plain; version=0.0.4`).
    pub fn render(&self) -> String {
        let mut out = String::new();
        let Ok(f) = self.families.lock() else {
            return out;
        };
        counter(
            &mut out,
            "sightline_journey_runs_total",
            "Journey runs stored, every attempt, by outcome.",
            &f.runs,
        );
        histogram(
            &mut out,
            "sightline_journey_duration_seconds",
            "Wall-clock duration of journey runs.",
            &f.journey_duration,
        );
        histogram(
            &mut out,
            "sightline_step_duration_seconds",
            "Duration of journey steps.",
            &f.step_duration,
        );
        counter(
            &mut out,
            "sightline_runner_missed_slots_total",
            "Slots not run because the previous run of the same journey and region was still going.",
            &f.missed,
        );
        drop(f);
        gauge(
            &mut out,
            "sightline_runner_queue_depth",
            "Slots waiting for a free browser.",
            self.queue_depth.load(Ordering::Relaxed) as f64,
        );
        gauge(
            &mut out,
            "sightline_runner_in_flight",
            "Runs going now.",
            self.in_flight.load(Ordering::Relaxed) as f64,
        );
        gauge(
            &mut out,
            "sightline_runner_pool_size",
            "Browsers in the pool.",
            self.pool_size.load(Ordering::Relaxed) as f64,
        );
        let _ = writeln!(
            out,
            "# HELP sightline_runner_browser_restarts_total Browsers replaced after a crash or hang.\n\
             # TYPE sightline_runner_browser_restarts_total counter\n\
             sightline_runner_browser_restarts_total {}",
            self.browser_restarts.load(Ordering::Relaxed)
        );
        out
    }
}

fn label_text(labels: &Labels, extra: Option<(&str, &str)>) -> String {
    let mut parts: Vec<String> = labels
        .iter()
        .map(|(k, v)| format!("{k}=\"{}\"", escape(v)))
        .collect();
    if let Some((k, v)) = extra {
        parts.push(format!("{k}=\"{v}\""));
    }
    if parts.is_empty() {
        String::new()
    } else {
        format!("{{{}}}", parts.join(","))
    }
}

/// Label value escaping of the exposition format.
fn escape(v: &str) -> String {
    v.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

fn counter(out: &mut String, name: &str, help: &str, values: &BTreeMap<Labels, u64>) {
    let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} counter");
    for (labels, v) in values {
        let _ = writeln!(out, "{name}{} {v}", label_text(labels, None));
    }
}

fn gauge(out: &mut String, name: &str, help: &str, v: f64) {
    let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} gauge\n{name} {v}");
}

fn histogram(out: &mut String, name: &str, help: &str, values: &BTreeMap<Labels, Histogram>) {
    let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} histogram");
    for (labels, h) in values {
        let mut cumulative = 0;
        for (i, bound) in DURATION_BUCKETS_S.iter().enumerate() {
            cumulative += h.counts.get(i).copied().unwrap_or(0);
            let le = format!("{bound}");
            let _ = writeln!(
                out,
                "{name}_bucket{} {cumulative}",
                label_text(labels, Some(("le", &le)))
            );
        }
        let _ = writeln!(
            out,
            "{name}_bucket{} {}",
            label_text(labels, Some(("le", "+Inf"))),
            h.count
        );
        let _ = writeln!(out, "{name}_sum{} {}", label_text(labels, None), h.sum);
        let _ = writeln!(out, "{name}_count{} {}", label_text(labels, None), h.count);
    }
}

/// `GET /metrics` over `metrics`, in the text exposition format.
pub fn router(metrics: Arc<RunnerMetrics>) -> axum::Router {
    use axum::http::header;
    axum::Router::new().route(
        "/metrics",
        axum::routing::get(move || {
            let m = metrics.clone();
            async move {
                (
                    [(
                        header::CONTENT_TYPE,
                        "text/plain; version=0.0.4; charset=utf-8",
                    )],
                    m.render(),
                )
            }
        }),
    )
}
