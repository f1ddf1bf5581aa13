//! Property tests: incremental == full recompute == naive reference.

use std::collections::HashMap;

use proptest::prelude::*;
use sightline_core::{Outcome, SliKind, SloWindow, slo::CalendarUnit};
use sightline_slo::{DAY_MS, HOUR_MS, MINUTE_MS, SliEvent, SloConfig, SloEngine, SloStatus};

use crate::common::*;

fn configs() -> Vec<SloConfig> {
    vec![
        avail(0.99, 1),
        SloConfig::new(def(
            "lat",
            SliKind::Latency { threshold_ms: 500 },
            0.95,
            SloWindow::Rolling { days: 2 },
        )),
        SloConfig::new(def(
            "both-month",
            SliKind::AvailabilityAndLatency { threshold_ms: 700 },
            0.9,
            SloWindow::Calendar {
                unit: CalendarUnit::Month,
                time_zone: "Europe/Paris".into(),
            },
        )),
    ]
}

fn arb_event() -> impl Strategy<Value = SliEvent> {
    (0u64..40, 0i64..3 * DAY_MS, 0usize..3, 0u8..3, 0i64..1000).prop_map(|(n, dt, r, o, d)| {
        let outcome = [Outcome::Pass, Outcome::Fail, Outcome::Error][o as usize];
        ev(n, T0 + dt, ["eu", "us", "ap"][r], outcome, d)
    })
}

/// The naive reference: a plain loop over the last version of each run.
fn naive(events: &[SliEvent], c: &SloConfig, status: &SloStatus) {
    let mut last: HashMap<_, &SliEvent> = HashMap::new();
    for e in events {
        last.insert(e.run_id, e);
    }
    let d = &c.definition;
    let classify = |e: &SliEvent| -> Option<bool> {
        if !e.outcome.is_valid_for_sli() {
            return None;
        }
        Some(match d.sli {
            SliKind::Availability => e.outcome == Outcome::Pass,
            SliKind::Latency { threshold_ms } => e.duration_ms <= threshold_ms,
            SliKind::AvailabilityAndLatency { threshold_ms } => {
                e.outcome == Outcome::Pass && e.duration_ms <= threshold_ms
            }
        })
    };
    let count = |from: i64, to: i64, region: Option<&str>| {
        let (mut v, mut g) = (0u64, 0u64);
        for e in last.values() {
            if e.started_at_ms >= from
                && e.started_at_ms < to
                && region.is_none_or(|r| e.region == r)
                && let Some(good) = classify(e)
            {
                v += 1;
                g += u64::from(good);
            }
        }
        (v, g)
    };
    let w = status.window;
    let (v, g) = count(w.start_ms, w.end_ms, None);
    assert_eq!(
        (status.counts.valid, status.counts.good),
        (v, g),
        "{}",
        d.name
    );
    let close = |a: Option<f64>, b: Option<f64>| match (a, b) {
        (Some(a), Some(b)) => assert!((a - b).abs() < 1e-9, "{a} vs {b}"),
        (a, b) => assert_eq!(a, b),
    };
    close(status.sli, (v > 0).then(|| g as f64 / v as f64));
    let bf = 1.0 - d.target;
    let allowed = bf * v as f64;
    assert!((status.budget.remaining_bad_events - (allowed - (v - g) as f64)).abs() < 1e-9);
    close(
        status.budget.consumed_fraction,
        (v > 0).then(|| (v - g) as f64 / allowed),
    );
    for b in &status.burn_rates {
        let (bv, bg) = count(status.at_ms + 1 - b.window_ms, status.at_ms + 1, None);
        close(b.rate, (bv > 0).then(|| (bv - bg) as f64 / bv as f64 / bf));
    }
    for r in &status.by_region {
        assert_eq!(
            (r.counts.valid, r.counts.good),
            count(w.start_ms, w.end_ms, Some(&r.region))
        );
    }
    let region_total: u64 = status.by_region.iter().map(|r| r.counts.valid).sum();
    assert_eq!(region_total, v);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    #[test]
    fn incremental_equals_recompute_and_reference(
        events in proptest::collection::vec(arb_event(), 0..150),
        probes in proptest::collection::vec(0i64..4 * DAY_MS, 1..6),
    ) {
        let mut inc = SloEngine::new(configs(), None).unwrap();
        for e in &events {
            inc.apply(e.clone());
        }
        let full = SloEngine::from_events(configs(), events.clone()).unwrap();
        for p in probes {
            let at = T0 + p;
            let a = inc.status(at);
            let b = full.status(at);
            prop_assert_eq!(&a, &b);
            for (s, c) in a.iter().zip(configs()) {
                naive(&events, &c, s);
            }
            for len in [MINUTE_MS, 7 * MINUTE_MS, HOUR_MS, 30 * DAY_MS] {
                prop_assert_eq!(inc.burn_rate("avail", at, len).unwrap(), full.burn_rate("avail", at, len).unwrap());
            }
        }
    }
}
