//! What a candidate would be as an SLO: an SLI on its key step, a target
//! and a threshold taken from what the data shows, and what that target
//! would have meant over the data (the share of the error budget spent).
//!
//! The target is the highest of [`TARGETS`] that the observed data would
//! have met while spending at most [`MAX_SPENT`] of its budget, so a
//! proposal starts achievable with room to spare; people tighten it. The
//! latency threshold is the observed p95 rounded up to a round number
//! ([`round_up`]), so about 95% or more of the key step's requests were
//! under it.

use serde::Serialize;
use ts_rs::TS;

/// Targets proposed, strictest first.
pub const TARGETS: [f64; 7] = [0.9995, 0.999, 0.995, 0.99, 0.98, 0.95, 0.9];
/// The largest share of the budget the observed data may have spent.
pub const MAX_SPENT: f64 = 0.8;

/// An objective on one step, as it would have gone over the data.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(rename = "ObjectiveFit")]
pub struct Objective {
    /// Good requests / all requests of the step in the data.
    pub observed: f64,
    /// Proposed target.
    pub target: f64,
    /// Share of the error budget the data spent at that target (1.0 = all of it).
    pub budget_spent: f64,
    /// Good requests.
    pub good: usize,
    /// Requests.
    pub total: usize,
}

/// The latency part: threshold and distribution.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(rename = "LatencyFit")]
pub struct Latency {
    /// Proposed threshold, ms.
    pub threshold_ms: i64,
    /// Observed median, ms.
    pub p50_ms: f64,
    /// Observed 95th percentile, ms.
    pub p95_ms: f64,
    /// Observed 99th percentile, ms.
    pub p99_ms: f64,
    /// The objective "under the threshold".
    pub objective: Objective,
}

/// The proposed SLI and SLO for a candidate.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct Proposal {
    /// The step measured (`POST /checkout`).
    pub key_step: String,
    /// `availability` or `availability_and_latency`.
    pub sli: String,
    /// Good = answered and not a 5xx.
    pub availability: Objective,
    /// When the source has durations.
    pub latency: Option<Latency>,
}

/// The target for an observed good ratio, and the budget it spends.
pub fn pick_target(observed: f64) -> (f64, f64) {
    let spent = |t: f64| (1.0 - observed).max(0.0) / (1.0 - t);
    for t in TARGETS {
        if spent(t) <= MAX_SPENT {
            return (t, spent(t));
        }
    }
    let last = TARGETS[TARGETS.len() - 1];
    (last, spent(last))
}

fn objective(good: usize, total: usize) -> Objective {
    let observed = if total == 0 {
        1.0
    } else {
        good as f64 / total as f64
    };
    let (target, budget_spent) = pick_target(observed);
    Objective {
        observed,
        target,
        budget_spent,
        good,
        total,
    }
}

/// Rounds a duration up to 1, 2, 2.5 or 5 times a power of ten (ms).
pub fn round_up(ms: f64) -> i64 {
    let ms = ms.max(1.0);
    let mut scale = 1.0;
    while scale * 10.0 <= ms {
        scale *= 10.0;
    }
    for m in [1.0, 2.0, 2.5, 5.0, 10.0] {
        if m * scale >= ms {
            return (m * scale).round() as i64;
        }
    }
    (10.0 * scale).round() as i64
}

pub(crate) fn quantile(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() - 1) as f64 * q).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

/// The proposal from the key step's requests: `(status, duration)`.
pub fn propose(key_step: &str, hits: &[(u16, Option<f64>)]) -> Proposal {
    let good = hits.iter().filter(|(s, _)| *s != 0 && *s < 500).count();
    let availability = objective(good, hits.len());
    let mut durations: Vec<f64> = hits.iter().filter_map(|(_, d)| *d).collect();
    durations.sort_by(f64::total_cmp);
    let latency = (durations.len() * 2 >= hits.len() && !durations.is_empty()).then(|| {
        let p95 = quantile(&durations, 0.95);
        let threshold_ms = round_up(p95);
        let under = durations
            .iter()
            .filter(|d| **d <= threshold_ms as f64)
            .count();
        Latency {
            threshold_ms,
            p50_ms: quantile(&durations, 0.5),
            p95_ms: p95,
            p99_ms: quantile(&durations, 0.99),
            objective: objective(under, durations.len()),
        }
    });
    Proposal {
        key_step: key_step.to_owned(),
        sli: if latency.is_some() {
            "availability_and_latency".to_owned()
        } else {
            "availability".to_owned()
        },
        availability,
        latency,
    }
}
