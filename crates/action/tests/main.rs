//! Tests of the action loop's pure parts, one module per source module.

mod ci_examples;
mod junit;
mod payload;
mod policy;
mod route;
mod verdict;

use sightline_action::verdict::{FiringAlert, SloState};

/// 2026-12-01T10:00:00Z.
pub const T0: i64 = 1_796_119_200_000;
/// One minute, ms.
pub const MIN: i64 = 60_000;
/// One hour, ms.
pub const HOUR: i64 = 60 * MIN;
/// One day, ms.
pub const DAY: i64 = 24 * HOUR;

/// An SLO with `left` of its budget and the given alerts.
pub fn slo(name: &str, left: f64, firing: &[(&str, i64)]) -> SloState {
    SloState {
        name: name.to_owned(),
        valid_events: 1_000,
        budget_remaining: Some(left),
        exhausted: left <= 0.0,
        firing: firing
            .iter()
            .map(|(sev, since)| FiringAlert {
                severity: (*sev).to_owned(),
                since_ms: *since,
                windows: if *sev == "page" {
                    "1h/5m".into()
                } else {
                    "3d/6h".into()
                },
            })
            .collect(),
        exhaustion_at_ms: None,
        services: Some(vec!["frontend".into(), "payment".into()]),
    }
}
