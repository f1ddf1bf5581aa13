//! Compliance windows: rolling durations and calendar weeks or months in an
//! IANA time zone.
//!
//! A rolling window of `d` days is `d × 24 h` of elapsed time ending at `at`.
//! A calendar window starts at local midnight, so across a daylight-saving
//! change a calendar day is 23 or 25 hours and a week 167 or 169 hours; the
//! bounds are computed in local time and converted to UTC, never by adding
//! fixed hours.

use chrono::{Datelike, Days, NaiveDate, TimeZone, Utc};
use chrono_tz::Tz;
use serde::Serialize;
use sightline_core::SloWindow;
use sightline_core::slo::CalendarUnit;

use crate::{DAY_MS, SloError};

/// A window with its zone parsed once, ready to evaluate.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum ResolvedWindow {
    /// A fixed-length window ending at `at`.
    Rolling {
        /// Length in milliseconds.
        len_ms: i64,
    },
    /// The calendar period containing `at`.
    Calendar {
        /// Week or month.
        unit: CalendarUnit,
        /// The zone in which periods start at midnight.
        tz: Tz,
    },
}

/// The events an evaluation at `at` counts, as a half-open interval of
/// `started_at_ms`, and the whole compliance period it belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct WindowBounds {
    /// First millisecond counted.
    pub start_ms: i64,
    /// One past the last millisecond counted (`at + 1`: events at `at` count).
    pub end_ms: i64,
    /// The length of the whole period: the rolling length, or the calendar
    /// period's real length in milliseconds (DST included).
    pub period_ms: i64,
    /// When the period ends (`at + 1` for rolling windows).
    pub period_end_ms: i64,
}

impl ResolvedWindow {
    /// Parses and checks a window definition, naming the field on error.
    pub fn resolve(slo: &str, window: &SloWindow) -> Result<Self, SloError> {
        match window {
            SloWindow::Rolling { days: 0 } => Err(SloError::invalid(
                slo,
                "window.rolling.days",
                "a window must be at least one day long",
            )),
            SloWindow::Rolling { days } => Ok(ResolvedWindow::Rolling {
                len_ms: i64::from(*days) * DAY_MS,
            }),
            SloWindow::Calendar { unit, time_zone } => {
                let tz: Tz = time_zone.parse().map_err(|_| {
                    SloError::invalid(
                        slo,
                        "window.calendar.time_zone",
                        format!("unknown IANA time zone {time_zone:?}"),
                    )
                })?;
                Ok(ResolvedWindow::Calendar { unit: *unit, tz })
            }
        }
    }

    /// The bounds for an evaluation at `at_ms`.
    pub fn bounds(&self, at_ms: i64) -> WindowBounds {
        let end_ms = at_ms + 1;
        match *self {
            ResolvedWindow::Rolling { len_ms } => WindowBounds {
                start_ms: end_ms - len_ms,
                end_ms,
                period_ms: len_ms,
                period_end_ms: end_ms,
            },
            ResolvedWindow::Calendar { unit, tz } => {
                let (start, next) = calendar_period(unit, tz, at_ms);
                WindowBounds {
                    start_ms: start,
                    end_ms,
                    period_ms: next - start,
                    period_end_ms: next,
                }
            }
        }
    }

    /// The nominal period length, used to scale alert burn rates.
    pub fn nominal_period_ms(&self) -> i64 {
        match *self {
            ResolvedWindow::Rolling { len_ms } => len_ms,
            ResolvedWindow::Calendar {
                unit: CalendarUnit::Week,
                ..
            } => 7 * DAY_MS,
            ResolvedWindow::Calendar {
                unit: CalendarUnit::Month,
                ..
            } => 30 * DAY_MS,
        }
    }
}

/// Start and end (UTC ms) of the calendar period containing `at_ms`.
pub fn calendar_period(unit: CalendarUnit, tz: Tz, at_ms: i64) -> (i64, i64) {
    let utc = Utc.timestamp_millis_opt(at_ms).single().unwrap_or_default();
    let local = utc.with_timezone(&tz).date_naive();
    let (first, next) = match unit {
        CalendarUnit::Week => {
            let back = u64::from(local.weekday().num_days_from_monday());
            let first = local - Days::new(back);
            (first, first + Days::new(7))
        }
        CalendarUnit::Month => {
            let first = local.with_day(1).unwrap_or(local);
            let next = if first.month() == 12 {
                NaiveDate::from_ymd_opt(first.year() + 1, 1, 1)
            } else {
                NaiveDate::from_ymd_opt(first.year(), first.month() + 1, 1)
            }
            .unwrap_or(first);
            (first, next)
        }
    };
    (local_midnight_ms(tz, first), local_midnight_ms(tz, next))
}

/// The UTC instant of local midnight on `date`. Where midnight does not exist
/// (a DST gap at midnight), the first existing local time after it is used;
/// where it happens twice, the earlier.
fn local_midnight_ms(tz: Tz, date: NaiveDate) -> i64 {
    for minutes in (0..=180).step_by(15) {
        let Some(naive) = date.and_hms_opt(0, 0, 0) else {
            break;
        };
        let naive = naive + chrono::Duration::minutes(minutes);
        if let Some(t) = tz.from_local_datetime(&naive).earliest() {
            return t.timestamp_millis();
        }
    }
    // Unreachable for real zones; fall back to UTC midnight.
    date.and_hms_opt(0, 0, 0)
        .map(|n| n.and_utc().timestamp_millis())
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paris_week_across_spring_dst_is_167_hours() {
        // 2026-03-29 is the last Sunday of March: Paris goes 02:00 -> 03:00.
        // Wednesday 2026-03-25 12:00 UTC is in the week Mon 23 .. Mon 30.
        let at = Utc
            .with_ymd_and_hms(2026, 3, 25, 12, 0, 0)
            .unwrap()
            .timestamp_millis();
        let (s, e) = calendar_period(CalendarUnit::Week, chrono_tz::Europe::Paris, at);
        // Mon 23 00:00 CET = Sun 22 23:00 UTC; Mon 30 00:00 CEST = Sun 29 22:00 UTC.
        assert_eq!(
            s,
            Utc.with_ymd_and_hms(2026, 3, 22, 23, 0, 0)
                .unwrap()
                .timestamp_millis()
        );
        assert_eq!(
            e,
            Utc.with_ymd_and_hms(2026, 3, 29, 22, 0, 0)
                .unwrap()
                .timestamp_millis()
        );
        assert_eq!(e - s, 167 * 3_600_000);
    }
}
