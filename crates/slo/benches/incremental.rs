//! The live path: how long one new run result takes to move the SLOs.
//!
//! An engine holds 40 SLOs (an availability and a latency SLO for each of 20
//! journeys, 28-day windows) fed with SIGHTLINE_BENCH_EVENTS (default
//! 1,000,000) results spread over 30 days in 3 regions. Then 10,000 new
//! results arrive one at a time; for each, the bench times `apply` alone and
//! `apply` plus the full status of every SLO it changed (SLI, budget, seven
//! burn rates, forecast, region and step breakdowns). The baseline, in the
//! same run, is a full recompute of one SLO's status from scratch over the
//! same events (what a report-style engine does per update).
//!
//! `cargo bench -p sightline-slo --bench incremental`. Goal: median apply +
//! status at most 1 ms. Figures: docs/benchmarks.md.

use std::time::{Duration, Instant};

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use sightline_core::{Outcome, RunId, SliKind, SloDefinition, SloFilter, SloWindow};
use sightline_slo::{SliEvent, SloConfig, SloEngine, StepTiming};

const DAY: i64 = 86_400_000;
const T0: i64 = 1_800_000_000_000;

fn configs() -> Vec<SloConfig> {
    (0..20)
        .flat_map(|j| {
            let filter = SloFilter {
                journey: format!("journey-{j}"),
                step: None,
                regions: vec![],
                tags: vec![],
            };
            [
                (format!("j{j}-availability"), SliKind::Availability, 0.995),
                (
                    format!("j{j}-latency"),
                    SliKind::Latency {
                        threshold_ms: 3_000,
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
                    window: SloWindow::Rolling { days: 28 },
                })
            })
        })
        .collect()
}

fn event(rng: &mut StdRng, at: i64) -> SliEvent {
    let outcome = if rng.random_range(0..1000) < 7 {
        Outcome::Fail
    } else {
        Outcome::Pass
    };
    SliEvent {
        run_id: RunId::new(at, rng),
        started_at_ms: at,
        journey: format!("journey-{}", rng.random_range(0..20)),
        region: ["us-east-1", "eu-west-1", "ap-south-1"][rng.random_range(0..3)].into(),
        tags: vec![],
        duration_ms: rng.random_range(400..4_000),
        outcome,
        steps: (0..5)
            .map(|s| StepTiming {
                name: format!("step {s}"),
                duration_ms: rng.random_range(50..800),
                outcome: Outcome::Pass,
            })
            .collect(),
    }
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn p99(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() * 99 / 100]
}

fn main() {
    let n: i64 = std::env::var("SIGHTLINE_BENCH_EVENTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    let mut rng = StdRng::seed_from_u64(3);
    let mut engine = SloEngine::new(configs(), None).unwrap();
    let t = Instant::now();
    let step = 30 * DAY / n;
    for i in 0..n {
        engine.apply(event(&mut rng, T0 + i * step));
    }
    let load = t.elapsed();
    let now = T0 + 30 * DAY;

    let (mut apply_only, mut apply_status) = (Vec::new(), Vec::new());
    for i in 0..10_000 {
        let e = event(&mut rng, now + i * 100);
        let at = e.started_at_ms;
        let t = Instant::now();
        let changes = engine.apply(e.clone());
        apply_only.push(t.elapsed());
        let t = Instant::now();
        let e2 = SliEvent {
            run_id: RunId::new(at, &mut rng),
            ..e
        };
        let changes2 = engine.apply(e2);
        for c in &changes2 {
            std::hint::black_box(engine.status_of(&c.slo, at).unwrap());
        }
        apply_status.push(t.elapsed());
        assert_eq!(changes.len(), changes2.len());
    }

    // Baseline: recompute one SLO from scratch over the same events.
    let one = vec![configs().remove(0)];
    let mut rng2 = StdRng::seed_from_u64(3);
    let events: Vec<SliEvent> = (0..n).map(|i| event(&mut rng2, T0 + i * step)).collect();
    let t = Instant::now();
    let fresh = SloEngine::from_events(one, events).unwrap();
    std::hint::black_box(fresh.status(now));
    let recompute = t.elapsed();

    let (m1, m2) = (median(apply_only.clone()), median(apply_status.clone()));
    println!(
        "incremental SLO updates: 40 SLOs, {n} events preloaded over 30 days (loaded in {load:.2?})"
    );
    println!(
        "  apply one result:                 median {m1:>10.2?}  p99 {:>10.2?}",
        p99(apply_only)
    );
    println!(
        "  apply + status of changed SLOs:   median {m2:>10.2?}  p99 {:>10.2?}",
        p99(apply_status)
    );
    println!("  baseline, recompute one SLO:      {recompute:>10.2?}");
    println!(
        "  ratio recompute / incremental:    {:.0}x",
        recompute.as_secs_f64() / m2.as_secs_f64()
    );
    println!(
        "{}",
        serde_json::json!({"bench": "slo_incremental", "events": n, "slos": 40,
            "apply_median_us": m1.as_secs_f64() * 1e6, "apply_status_median_us": m2.as_secs_f64() * 1e6,
            "recompute_one_slo_ms": recompute.as_secs_f64() * 1e3})
    );
}
