//! How long one attribution report takes over a big store: a 30-day SLO
//! with 1M runs and 5M spans in the burn window (issue goal: under 2 s).
//!
//! ```text
//! cargo bench -p sightline-api --bench attribution
//! SIGHTLINE_BENCH_RUNS=100000 SIGHTLINE_BENCH_SPANS=500000 cargo bench -p sightline-api --bench attribution
//! ```
//!
//! The store is built first (minutes: every row goes through the real
//! insert path), then the report is timed three times. The baselines,
//! measured in the same run on the same file, are a plain `count(*)` over
//! the window's spans and over the SLO's runs, so the ratio says how the
//! report compares with merely touching the data.

use std::time::{Duration, Instant};

use rand::{Rng, SeedableRng};
use sightline_api::attribution::slo_report;
use sightline_attribution::Options;
use sightline_core::{
    DeployEvent, ErrorClass, Event, EventId, EventKind, Outcome, Region, Run, RunId, SliKind,
    SloDefinition, SloFilter, SloWindow, Span, SpanKind, SpanStatus, StepResult,
};
use sightline_slo::SloConfig;
use sightline_store::{Store, TelemetryBatch};

const NOW: i64 = 1_800_000_000_000;
const DAY: i64 = 86_400_000;
const WINDOW: i64 = 30 * 60_000;
const REGIONS: [&str; 3] = ["us-east-1", "eu-west-1", "ap-south-1"];
const SERVICES: [&str; 5] = ["frontend", "auth", "catalog", "inventory", "payment"];
/// The fault: payment fails 30% of requests in us-east-1 over the last 15 minutes.
const FAULT_FROM: i64 = NOW - 15 * 60_000;

fn env(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn hex(rng: &mut rand::rngs::StdRng, bytes: usize) -> String {
    (0..bytes)
        .map(|_| format!("{:02x}", rng.random::<u8>()))
        .collect()
}

fn span(
    trace: &str,
    id: String,
    parent: Option<String>,
    (service, region): (&str, &str),
    (start_ms, dur_ms): (i64, i64),
    error: bool,
) -> Span {
    Span {
        trace_id: trace.to_owned(),
        span_id: id,
        parent_span_id: parent,
        service: service.to_owned(),
        name: format!("POST /{service}"),
        kind: SpanKind::Server,
        start_time_unix_nano: start_ms * 1_000_000,
        duration_nano: dur_ms * 1_000_000,
        status: if error {
            SpanStatus::Error
        } else {
            SpanStatus::Unset
        },
        status_message: error.then(|| format!("{service} internal error")),
        http_route: Some(format!("/{service}")),
        http_status_code: Some(if error { 500 } else { 200 }),
        db_system: None,
        rpc_system: None,
        rpc_service: None,
        rpc_method: None,
        region: Some(region.to_owned()),
        service_version: Some("1.0.0".to_owned()),
        pod: None,
        attributes: Default::default(),
    }
}

fn faulty(region: &str, service: &str, at: i64, rng: &mut rand::rngs::StdRng) -> bool {
    region == "us-east-1" && service == "payment" && at >= FAULT_FROM && rng.random::<f64>() < 0.3
}

fn build(store: &mut Store, runs_n: usize, spans_n: usize) -> usize {
    let mut rng = rand::rngs::StdRng::seed_from_u64(11);
    let from = NOW - 30 * DAY;
    let step = (30 * DAY) / i64::try_from(runs_n).unwrap_or(1).max(1);
    let mut chunk = Vec::with_capacity(50_000);
    let mut run_spans = Vec::new();
    for i in 0..runs_n {
        let at = from + i64::try_from(i).unwrap_or(0) * step;
        let region = REGIONS[i % 3];
        let recent = at >= NOW - 6 * 3_600_000;
        let fails = faulty(region, "payment", at, &mut rng);
        let trace = recent.then(|| hex(&mut rng, 16));
        if let Some(t) = &trace {
            let root = hex(&mut rng, 8);
            run_spans.push(span(
                t,
                root.clone(),
                Some(hex(&mut rng, 8)),
                ("frontend", region),
                (at, 60),
                fails,
            ));
            run_spans.push(span(
                t,
                hex(&mut rng, 8),
                Some(root),
                ("payment", region),
                (at + 10, 40),
                fails,
            ));
        }
        chunk.push(Run {
            id: RunId::new(at, &mut rng),
            journey: "checkout".into(),
            journey_version: "v1".into(),
            region: Region::new(region),
            runner_id: format!("bench-{region}"),
            attempt: 1,
            is_final_attempt: true,
            retry_of: None,
            started_at_ms: at,
            duration_ms: 900,
            outcome: if fails { Outcome::Fail } else { Outcome::Pass },
            error_class: fails.then_some(ErrorClass::HttpStatus),
            error_message: fails.then(|| "POST /api/orders: 502".to_owned()),
            trace_id: trace,
            release_id: None,
            simulated: false,
            steps: vec![StepResult {
                index: 0,
                name: "Place an order".into(),
                kind: "http".into(),
                started_at_ms: at,
                duration_ms: 900,
                outcome: if fails { Outcome::Fail } else { Outcome::Pass },
                error_class: fails.then_some(ErrorClass::HttpStatus),
                error_message: None,
            }],
        });
        if chunk.len() == chunk.capacity() {
            store.insert_runs(&chunk, NOW).expect("insert runs");
            chunk.clear();
        }
    }
    store.insert_runs(&chunk, NOW).expect("insert runs");
    let linked = run_spans.len();
    store
        .insert_telemetry(&[&TelemetryBatch::Spans(run_spans)], NOW)
        .expect("insert run spans");

    // Background traffic: `spans_n` server spans in the burn window.
    let per_ms = spans_n as f64 / WINDOW as f64;
    let mut batch = Vec::with_capacity(100_000);
    for i in 0..spans_n {
        let at = NOW - WINDOW + (i as f64 / per_ms) as i64;
        let region = REGIONS[i % 3];
        let service = SERVICES[(i / 3) % SERVICES.len()];
        let error = faulty(region, service, at, &mut rng);
        let trace = hex(&mut rng, 16);
        batch.push(span(
            &trace,
            hex(&mut rng, 8),
            None,
            (service, region),
            (at, 20),
            error,
        ));
        if batch.len() == batch.capacity() {
            store
                .insert_telemetry(&[&TelemetryBatch::Spans(std::mem::take(&mut batch))], NOW)
                .expect("insert spans");
            batch.reserve(100_000);
        }
    }
    store
        .insert_telemetry(&[&TelemetryBatch::Spans(batch)], NOW)
        .expect("insert spans");
    let deploy = Event {
        id: EventId::new(FAULT_FROM - 120_000, &mut rng),
        at_ms: FAULT_FROM - 120_000,
        source: "bench".into(),
        kind: EventKind::Deploy(DeployEvent {
            release_id: "payment@2.4.1".into(),
            service: "payment".into(),
            version: "1.0.0".into(),
            region: Some("us-east-1".into()),
            commit: None,
        }),
    };
    store.insert_event(&deploy).expect("insert deploy");
    linked
}

fn timed<T>(f: impl FnOnce() -> T) -> (T, Duration) {
    let t = Instant::now();
    let out = f();
    (out, t.elapsed())
}

fn main() {
    let runs_n = env("SIGHTLINE_BENCH_RUNS", 1_000_000);
    let spans_n = env("SIGHTLINE_BENCH_SPANS", 5_000_000);
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("bench.db");
    let mut store = Store::open(&db).expect("open store");
    eprintln!("building: {runs_n} runs over 30 days, {spans_n} spans in the last 30 minutes ...");
    let (linked, built) = timed(|| build(&mut store, runs_n, spans_n));
    eprintln!(
        "built in {:.1} s ({linked} spans on the runs' traces)",
        built.as_secs_f64()
    );

    let config = SloConfig {
        definition: SloDefinition {
            name: "checkout-availability".into(),
            description: String::new(),
            sli: SliKind::Availability,
            filter: SloFilter {
                journey: "checkout".into(),
                step: None,
                regions: vec![],
                tags: vec![],
            },
            target: 0.999,
            window: SloWindow::Rolling { days: 30 },
        },
        policy: Default::default(),
    };
    let c = store.conn();
    let (_, scan_spans) = timed(|| {
        c.query_row(
            "SELECT count(*), sum(duration_nano) FROM spans WHERE start_unix_nano >= ?1",
            [(NOW - WINDOW) * 1_000_000],
            |r| r.get::<_, i64>(0),
        )
        .expect("count spans")
    });
    let (_, scan_runs) = timed(|| {
        c.query_row(
            "SELECT count(*) FROM runs WHERE journey = 'checkout' AND started_at_ms >= ?1",
            [NOW - 30 * DAY],
            |r| r.get::<_, i64>(0),
        )
        .expect("count runs")
    });
    let mut times = Vec::new();
    let mut last = None;
    for _ in 0..3 {
        let (r, t) = timed(|| {
            slo_report(
                &store,
                &config,
                &Default::default(),
                NOW,
                &Options::default(),
            )
            .expect("report")
        });
        times.push(t);
        last = Some(r);
    }
    times.sort();
    let median = times[1];
    let r = last.expect("a report");
    let top = r.causes.first();
    println!("attribution report, {runs_n} runs / {spans_n} spans in the window:");
    println!(
        "  report (median of 3): {:.3} s   [{}]",
        median.as_secs_f64(),
        times
            .iter()
            .map(|t| format!("{:.3}", t.as_secs_f64()))
            .collect::<Vec<_>>()
            .join(", ")
    );
    println!(
        "  baseline: count(*) over the window's spans {:.3} s, over the SLO's runs {:.3} s",
        scan_spans.as_secs_f64(),
        scan_runs.as_secs_f64()
    );
    println!(
        "  ratio report / (span scan + run scan): {:.2}",
        median.as_secs_f64() / (scan_spans + scan_runs).as_secs_f64().max(1e-9)
    );
    println!(
        "  top cause: {} {} ({:.0}% of the burn, change {})",
        top.and_then(|c| c.service.as_deref()).unwrap_or("-"),
        top.and_then(|c| c.region.as_deref()).unwrap_or("-"),
        top.map_or(0.0, |c| c.share * 100.0),
        top.and_then(|c| c.change.as_ref())
            .and_then(|c| c.release.as_deref())
            .unwrap_or("-")
    );
    println!(
        "  goal: under 2 s: {}",
        if median.as_secs_f64() < 2.0 {
            "met"
        } else {
            "NOT met"
        }
    );
}
