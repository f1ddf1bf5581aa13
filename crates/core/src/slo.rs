//! What "reliable" means for a journey: SLI kinds, filters, targets and windows.
//!
//! These are the definitions only. The arithmetic (budgets, burn rates, alerts)
//! lives in the SLO engine crate, which takes these plus data and a time.

use serde::{Deserialize, Serialize};

use crate::CoreError;

/// How good events are told from bad ones. Valid events are always the runs
/// whose outcome is `pass` or `fail`; runner `error`s are never valid.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum SliKind {
    /// Good = `pass`.
    Availability,
    /// Good = duration at or under `threshold_ms`, of the whole journey or of
    /// the named step.
    Latency {
        /// The threshold, inclusive.
        threshold_ms: i64,
    },
    /// Good = passed and at or under `threshold_ms`.
    AvailabilityAndLatency {
        /// The threshold, inclusive.
        threshold_ms: i64,
    },
}

/// Which runs an SLO is computed over. Empty lists mean "any".
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SloFilter {
    /// The journey measured.
    pub journey: String,
    /// One step of the journey, for step-level latency SLIs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub step: Option<String>,
    /// Regions included; empty means all.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub regions: Vec<String>,
    /// Journey tags required; empty means any.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
}

/// Calendar units for calendar-aligned windows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CalendarUnit {
    /// Monday 00:00 to Monday 00:00 in the window's time zone.
    Week,
    /// The first of the month 00:00 to the first of the next.
    Month,
}

/// The period over which compliance is judged.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SloWindow {
    /// The last `days` days, ending at the evaluation time.
    Rolling {
        /// Length in days (7, 28 and 30 are usual).
        days: u32,
    },
    /// The current calendar week or month in a named IANA time zone.
    Calendar {
        /// Week or month.
        unit: CalendarUnit,
        /// IANA zone name, e.g. `Europe/Paris`.
        time_zone: String,
    },
}

/// A service level objective over journey runs.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SloDefinition {
    /// Unique name, e.g. `checkout-availability`.
    pub name: String,
    /// What it protects, in words.
    #[serde(default)]
    pub description: String,
    /// How good events are counted.
    pub sli: SliKind,
    /// Which runs count.
    pub filter: SloFilter,
    /// The objective as a fraction in (0, 1], e.g. 0.995.
    pub target: f64,
    /// The compliance period.
    pub window: SloWindow,
}

impl SloDefinition {
    /// Checks the ranges that no sensible SLO can break, naming the field.
    pub fn validate(&self) -> Result<(), CoreError> {
        if !(self.target > 0.0 && self.target <= 1.0) {
            return Err(CoreError::OutOfRange {
                field: "target",
                value: self.target.to_string(),
                reason: "must be in (0, 1], e.g. 0.995 for 99.5%",
            });
        }
        if let SloWindow::Rolling { days: 0 } = self.window {
            return Err(CoreError::OutOfRange {
                field: "window.rolling.days",
                value: "0".into(),
                reason: "a window must be at least one day long",
            });
        }
        if let SliKind::Latency { threshold_ms } | SliKind::AvailabilityAndLatency { threshold_ms } =
            self.sli
            && threshold_ms <= 0
        {
            return Err(CoreError::OutOfRange {
                field: "sli.threshold_ms",
                value: threshold_ms.to_string(),
                reason: "a latency threshold must be positive",
            });
        }
        Ok(())
    }

    /// The error budget as a fraction of valid events (0 for a 100% target).
    pub fn budget_fraction(&self) -> f64 {
        1.0 - self.target
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn slo(target: f64, days: u32) -> SloDefinition {
        SloDefinition {
            name: "checkout".into(),
            description: String::new(),
            sli: SliKind::Availability,
            filter: SloFilter {
                journey: "checkout".into(),
                ..SloFilter::default()
            },
            target,
            window: SloWindow::Rolling { days },
        }
    }

    #[test]
    fn validation_names_the_field() {
        assert!(slo(0.995, 30).validate().is_ok());
        assert!(slo(1.0, 30).validate().is_ok());
        let e = slo(1.5, 30).validate().unwrap_err();
        assert!(e.to_string().starts_with("target:"), "{e}");
        let e = slo(0.0, 30).validate().unwrap_err();
        assert!(e.to_string().starts_with("target:"), "{e}");
        let e = slo(f64::NAN, 30).validate().unwrap_err();
        assert!(e.to_string().starts_with("target:"), "{e}");
        let e = slo(0.99, 0).validate().unwrap_err();
        assert!(e.to_string().starts_with("window.rolling.days:"), "{e}");
    }

    #[test]
    fn yaml_shape_is_stable() {
        let json = serde_json::to_value(slo(0.99, 28)).unwrap();
        assert_eq!(json["sli"]["kind"], "availability");
        assert_eq!(json["window"]["rolling"]["days"], 28);
    }
}
