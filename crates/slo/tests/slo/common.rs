//! Builders shared by the tests.

use sightline_core::{Outcome, RunId, SliKind, SloDefinition, SloFilter, SloWindow};
use sightline_slo::{SliEvent, SloConfig, StepTiming};

pub const T0: i64 = 1_767_225_600_000; // 2026-01-01T00:00:00Z

pub fn id(n: u64) -> RunId {
    let mut b = [0u8; 16];
    b[8..].copy_from_slice(&n.to_be_bytes());
    RunId::from_bytes(b)
}

pub fn ev(n: u64, at: i64, region: &str, outcome: Outcome, duration_ms: i64) -> SliEvent {
    SliEvent {
        run_id: id(n),
        started_at_ms: at,
        journey: "checkout".into(),
        region: region.into(),
        tags: vec!["shop".into()],
        duration_ms,
        outcome,
        steps: vec![
            StepTiming {
                name: "open".into(),
                duration_ms: duration_ms / 4,
                outcome: Outcome::Pass,
            },
            StepTiming {
                name: "pay".into(),
                duration_ms: duration_ms - duration_ms / 4,
                outcome: if outcome == Outcome::Fail {
                    Outcome::Fail
                } else {
                    Outcome::Pass
                },
            },
        ],
    }
}

pub fn def(name: &str, sli: SliKind, target: f64, window: SloWindow) -> SloDefinition {
    SloDefinition {
        name: name.into(),
        description: String::new(),
        sli,
        filter: SloFilter {
            journey: "checkout".into(),
            ..SloFilter::default()
        },
        target,
        window,
    }
}

pub fn avail(target: f64, days: u32) -> SloConfig {
    SloConfig::new(def(
        "avail",
        SliKind::Availability,
        target,
        SloWindow::Rolling { days },
    ))
}
