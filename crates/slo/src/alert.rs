//! Multi-window multi-burn-rate alerting and its state machine.
//!
//! The default policy is the Google SRE Workbook's for a 30-day SLO. Rates
//! scale with the SLO's own period the way Sloth does it: the windows and the
//! share of budget each rule catches stay fixed, and the burn-rate threshold
//! is `budget_percent / 100 × period / long_window` (14.4 for 2% in 1 h of 30
//! days, 13.44 for 28 days).
//!
//! A rule's condition holds when both the long and the short window burn at
//! or above the threshold. The short window is what ends an alert promptly
//! once the burn stops, so alerts do not flap while the long window is still
//! full of old errors.

use serde::{Deserialize, Serialize};

use crate::{DAY_MS, HOUR_MS, MINUTE_MS};

/// How loudly an alert calls.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Wake someone up.
    Page,
    /// Look at it during working hours.
    Ticket,
}

impl Severity {
    /// The label value used in exported rules.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Page => "page",
            Severity::Ticket => "ticket",
        }
    }
}

/// One multi-window burn-rate rule.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AlertRule {
    /// Page or ticket.
    pub severity: Severity,
    /// The long window, which proves the burn is significant.
    pub long_window_ms: i64,
    /// The short window, which proves it is still happening.
    pub short_window_ms: i64,
    /// The share of the period's budget spent in the long window at the
    /// threshold, in percent (2 for the fast page).
    pub budget_percent: f64,
    /// How long the condition must hold before firing (0: fire at once).
    #[serde(default)]
    pub for_ms: i64,
    /// How long a firing alert keeps firing after its condition stops
    /// holding (0: resolve at once). Guards against flapping when the short
    /// window holds few events; Prometheus calls it `keep_firing_for`.
    #[serde(default)]
    pub keep_firing_for_ms: i64,
}

impl AlertRule {
    /// The burn-rate threshold for an SLO whose period is `period_ms`.
    pub fn burn_rate_threshold(&self, period_ms: i64) -> f64 {
        self.budget_percent / 100.0 * period_ms as f64 / self.long_window_ms as f64
    }
}

/// The rules for one SLO.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AlertPolicy {
    /// Evaluated independently; each has its own state.
    pub rules: Vec<AlertRule>,
}

impl Default for AlertPolicy {
    /// The Google SRE Workbook policy: page 2% in 1h/5m, page 5% in 6h/30m,
    /// ticket 10% in 3d/6h.
    fn default() -> Self {
        let rule = |severity, long, short, pct| AlertRule {
            severity,
            long_window_ms: long,
            short_window_ms: short,
            budget_percent: pct,
            for_ms: 0,
            keep_firing_for_ms: 0,
        };
        AlertPolicy {
            rules: vec![
                rule(Severity::Page, HOUR_MS, 5 * MINUTE_MS, 2.0),
                rule(Severity::Page, 6 * HOUR_MS, 30 * MINUTE_MS, 5.0),
                rule(Severity::Ticket, 3 * DAY_MS, 6 * HOUR_MS, 10.0),
            ],
        }
    }
}

/// Where one rule's alert stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum AlertState {
    /// Condition false.
    Inactive,
    /// Condition true since `since_ms`, not yet for `for_ms`.
    Pending {
        /// First evaluation at which the condition held.
        since_ms: i64,
    },
    /// Firing since `since_ms`.
    Firing {
        /// When the condition first held.
        pending_at_ms: i64,
        /// When it started firing.
        since_ms: i64,
    },
}

/// One finished or ongoing alert, as it would be stored.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AlertEpisode {
    /// The SLO's name.
    pub slo: String,
    /// Index of the rule in the policy.
    pub rule: usize,
    /// The rule's severity.
    pub severity: Severity,
    /// When the condition first held.
    pub pending_at_ms: i64,
    /// When it fired.
    pub firing_at_ms: i64,
    /// When it resolved; `None` while firing.
    pub resolved_at_ms: Option<i64>,
}

/// A state change emitted by an evaluation.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct AlertTransition {
    /// The SLO's name.
    pub slo: String,
    /// Index of the rule in the policy.
    pub rule: usize,
    /// The rule's severity.
    pub severity: Severity,
    /// The state before.
    pub from: AlertState,
    /// The state after.
    pub to: AlertState,
    /// The evaluation time.
    pub at_ms: i64,
}

/// Advances one rule's state given whether its condition holds at `at_ms`.
/// Returns the new state and, when an episode ended, its resolution time.
pub fn step(state: AlertState, condition: bool, for_ms: i64, at_ms: i64) -> AlertState {
    match (state, condition) {
        (AlertState::Inactive, true) if for_ms <= 0 => AlertState::Firing {
            pending_at_ms: at_ms,
            since_ms: at_ms,
        },
        (AlertState::Inactive, true) => AlertState::Pending { since_ms: at_ms },
        (AlertState::Pending { since_ms }, true) if at_ms - since_ms >= for_ms => {
            AlertState::Firing {
                pending_at_ms: since_ms,
                since_ms: at_ms,
            }
        }
        (s @ (AlertState::Pending { .. } | AlertState::Firing { .. }), true) => s,
        (_, false) => AlertState::Inactive,
    }
}
