//! Burn rates and the budget-exhaustion forecast.
//!
//! The burn rate over a window is the window's error ratio divided by the
//! error budget fraction `1 - target`: at 1 the budget lasts exactly one
//! compliance period, at 14.4 a 30-day budget lasts 50 hours.

use serde::Serialize;

use crate::HOUR_MS;
use crate::counts::{Counts, Series};

/// The burn window the forecast uses: the last hour. Short enough to follow
/// an incident, long enough not to swing on a single failed run.
pub const FORECAST_BURN_WINDOW_MS: i64 = HOUR_MS;

/// A burn rate measured over one window ending at `at`.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct BurnRate {
    /// The window length.
    pub window_ms: i64,
    /// Counts in `(at - window, at]`.
    pub counts: Counts,
    /// Error ratio / budget fraction. `None` without valid events, or with a
    /// 100% target (no budget to burn).
    pub rate: Option<f64>,
}

/// Burn rate from counts and a budget fraction, never dividing by zero.
pub fn rate_of(counts: Counts, budget_fraction: f64) -> Option<f64> {
    if budget_fraction <= 0.0 {
        return None;
    }
    counts.error_ratio().map(|e| e / budget_fraction)
}

/// The burn rate over `(at - window_ms, at]`.
pub fn burn_rate(series: &Series, at_ms: i64, window_ms: i64, budget_fraction: f64) -> BurnRate {
    let counts = series.count(at_ms + 1 - window_ms, at_ms + 1);
    BurnRate {
        window_ms,
        counts,
        rate: rate_of(counts, budget_fraction),
    }
}

/// When the remaining budget runs out if the current burn continues.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Forecast {
    /// The burn window used ([`FORECAST_BURN_WINDOW_MS`]).
    pub burn_window_ms: i64,
    /// The burn rate over that window.
    pub burn_rate: Option<f64>,
    /// The exhaustion time, Unix ms: `at` when already exhausted, `None` when
    /// it never runs out at this burn (no burn, or nothing measurable).
    pub exhaustion_at_ms: Option<i64>,
}

/// Forecast from the remaining budget fraction and the current burn rate.
///
/// A burn rate `b` spends `b / period` of the budget per unit of time, so the
/// remaining fraction `r` lasts `r × period / b`.
pub fn forecast(
    at_ms: i64,
    remaining_fraction: Option<f64>,
    burn: BurnRate,
    period_ms: i64,
) -> Forecast {
    let exhaustion_at_ms = match (remaining_fraction, burn.rate) {
        (Some(r), _) if r <= 0.0 => Some(at_ms),
        (Some(r), Some(b)) if b > 0.0 => Some(at_ms + (r * period_ms as f64 / b).round() as i64),
        _ => None,
    };
    Forecast {
        burn_window_ms: burn.window_ms,
        burn_rate: burn.rate,
        exhaustion_at_ms,
    }
}
