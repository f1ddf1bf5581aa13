//! Time series for the SLO charts, every point asked of the engine itself so
//! the charts and the numbers beside them cannot disagree.
//!
//! - Budget burn-down: over the current compliance window `[start, at]`, the
//!   share of the budget left at each time `t`: `1 - bad[start, t] /
//!   (budget × valid[start, at])`. Its last point is the engine's
//!   `budget.remaining_fraction` at `at`, exactly.
//! - Burn rates: the 1 h, 6 h and 3 d burn rates as they stood at each time,
//!   over the last three days.
//! - Daily SLI: good / valid per UTC day of the window (the SLO editor's
//!   preview of "what it would have been").

use serde::Serialize;
use sightline_slo::{DAY_MS, HOUR_MS, SloEngine, SloError};
use ts_rs::TS;

use super::status::StatusJson;

/// Points per chart: enough for a smooth line, few enough to draw at once.
pub const CHART_POINTS: i64 = 144;

/// One point of a chart.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, TS)]
pub struct ChartPoint {
    /// The time, Unix ms.
    pub t_ms: i64,
    /// The value; null where it is undefined (no valid events yet).
    pub value: Option<f64>,
}

/// Burn rates over time for the three windows the Overview shows.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct BurnSeries {
    /// The 1-hour burn rate at each time.
    pub h1: Vec<ChartPoint>,
    /// The 6-hour burn rate at each time.
    pub h6: Vec<ChartPoint>,
    /// The 3-day burn rate at each time.
    pub d3: Vec<ChartPoint>,
}

/// Sample times from `from` to `to` inclusive, `to` always last.
fn sample_times(from_ms: i64, to_ms: i64) -> Vec<i64> {
    if to_ms <= from_ms {
        return vec![to_ms];
    }
    let step = ((to_ms - from_ms) / (CHART_POINTS - 1)).max(1);
    let mut out: Vec<i64> = (0..CHART_POINTS - 1).map(|i| from_ms + i * step).collect();
    out.retain(|t| *t < to_ms);
    out.push(to_ms);
    out
}

/// The budget left over the current window of `status` (evaluated at
/// `at_ms`), at [`CHART_POINTS`] times.
pub fn burn_down(
    engine: &SloEngine,
    status: &StatusJson,
    at_ms: i64,
) -> Result<Vec<ChartPoint>, SloError> {
    let start = status.window.start_ms;
    // The budget is the whole window's allowance, as the status counts it.
    let allowed = status.budget.total_fraction * status.valid as f64;
    sample_times(start, at_ms)
        .into_iter()
        .map(|t| {
            // `burn_rate` counts (t - len, t]; len = t - start + 1 is [start, t].
            let counts = engine.burn_rate(&status.name, t, t - start + 1)?.counts;
            let value = (allowed > 0.0).then(|| 1.0 - counts.bad() as f64 / allowed);
            Ok(ChartPoint { t_ms: t, value })
        })
        .collect()
}

/// The 1 h, 6 h and 3 d burn rates at [`CHART_POINTS`] times over the last
/// three days before `at`.
pub fn burn_series(engine: &SloEngine, slo: &str, at_ms: i64) -> Result<BurnSeries, SloError> {
    let times = sample_times(at_ms - 3 * DAY_MS, at_ms);
    let line = |len: i64| -> Result<Vec<ChartPoint>, SloError> {
        times
            .iter()
            .map(|&t| {
                Ok(ChartPoint {
                    t_ms: t,
                    value: engine.burn_rate(slo, t, len)?.rate,
                })
            })
            .collect()
    };
    Ok(BurnSeries {
        h1: line(HOUR_MS)?,
        h6: line(6 * HOUR_MS)?,
        d3: line(3 * DAY_MS)?,
    })
}

/// One UTC day of an SLO's history.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, TS)]
pub struct DaySli {
    /// Midnight UTC starting the day, Unix ms (the window's start for the
    /// first day, which may begin later).
    pub from_ms: i64,
    /// Valid events that day.
    pub valid: u64,
    /// Good events that day.
    pub good: u64,
    /// good / valid; null without valid events.
    pub sli: Option<f64>,
}

/// good / valid per UTC day over the current window of `status` (evaluated
/// at `at_ms`), oldest first.
pub fn daily_sli(
    engine: &SloEngine,
    status: &StatusJson,
    at_ms: i64,
) -> Result<Vec<DaySli>, SloError> {
    let mut out = Vec::new();
    let mut from = status.window.start_ms;
    let end = at_ms + 1;
    while from < end {
        let next = ((from.div_euclid(DAY_MS)) + 1) * DAY_MS;
        let to = next.min(end);
        // (to - 1 - len, to - 1] with len = to - from is [from, to).
        let counts = engine.burn_rate(&status.name, to - 1, to - from)?.counts;
        out.push(DaySli {
            from_ms: from,
            valid: counts.valid,
            good: counts.good,
            sli: counts.ratio(),
        });
        from = to;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn samples_end_exactly_at_the_end_and_never_repeat() {
        let t = sample_times(0, 1_000_000);
        assert_eq!(t.len() as i64, CHART_POINTS);
        assert_eq!(t.last(), Some(&1_000_000));
        assert!(t.windows(2).all(|w| w[0] < w[1]));
        assert_eq!(sample_times(5, 5), vec![5]);
        let short = sample_times(0, 10);
        assert!(short.windows(2).all(|w| w[0] < w[1]));
        assert_eq!(short.last(), Some(&10));
    }
}
