//! The release gate's decision: SLO states, a policy, the release and its
//! approvals in; a verdict with one check per SLO and per journey out.
//!
//! Time is an argument. The exit status a pipeline sees comes from
//! [`Outcome::exit_code`]: 0 pass, 1 blocked by policy, 2 journeys failed,
//! 3 cannot decide. When several apply, the order is blocked, then journeys
//! failed, then cannot decide.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::policy::{Effect, Policy, Rule, Scope};

/// What the gate knows of one SLO at the moment it decides.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct SloState {
    /// The SLO's name.
    pub name: String,
    /// Events in the SLO's window; 0 means no data.
    pub valid_events: u64,
    /// The remaining budget as a fraction of the whole, `None` without data.
    pub budget_remaining: Option<f64>,
    /// Whether the budget is spent.
    pub exhausted: bool,
    /// Burn-rate alerts firing now.
    pub firing: Vec<FiringAlert>,
    /// When the forecast says the budget runs out, Unix ms.
    pub exhaustion_at_ms: Option<i64>,
    /// Services on the SLO's path; `None` when not known.
    pub services: Option<Vec<String>>,
}

/// A burn-rate alert that fires.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct FiringAlert {
    /// `page` or `ticket`.
    pub severity: String,
    /// Since when, Unix ms.
    pub since_ms: i64,
    /// The rule's windows, e.g. `1h/5m`.
    pub windows: String,
}

/// The release the pipeline asks about.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
pub struct Release {
    /// The release id (`--release`), if given.
    pub id: Option<String>,
    /// The service being released (`--service`), if given.
    pub service: Option<String>,
    /// Marked as a fix (`--fix`): passes rules with `except_fixes`.
    pub fix: bool,
}

/// A person's approval of one release.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Approval {
    /// The release id.
    pub release: String,
    /// Who approved.
    pub by: String,
    /// Why.
    pub reason: String,
    /// When, Unix ms.
    pub at_ms: i64,
}

/// A journey replayed before the decision (the pre-release smoke test).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct JourneyResult {
    /// The journey's name.
    pub journey: String,
    /// Whether the run passed.
    pub passed: bool,
    /// The failure, when it failed.
    pub reason: Option<String>,
    /// The stored run's id.
    pub run_id: Option<String>,
    /// How long it took, ms.
    pub duration_ms: i64,
}

/// A rule that holds for an SLO.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct RuleHit {
    /// The rule's name.
    pub rule: String,
    /// What it does.
    pub effects: Vec<Effect>,
    /// Why it holds, with the numbers.
    pub reason: String,
    /// Since when it is known to hold, when the inputs tell (an alert's
    /// firing time); the store's policy history fills it in otherwise.
    pub since_ms: Option<i64>,
}

/// How one SLO's check came out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum CheckStatus {
    /// No rule holds.
    Pass,
    /// A rule blocks this release.
    Blocked,
    /// A rule would block, and an approval lets the release through.
    Approved,
    /// A rule would block, and the release is a fix the rule lets through.
    ExemptFix,
    /// Rules hold, but the release's service is not in their scope.
    OutOfScope,
    /// The SLO has no events in its window.
    NoData,
}

/// One SLO's check.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Check {
    /// The SLO.
    pub slo: String,
    /// The outcome.
    pub status: CheckStatus,
    /// The budget left, as a fraction.
    pub budget_remaining: Option<f64>,
    /// The rules that hold.
    pub rules: Vec<RuleHit>,
    /// One line for people.
    pub reason: String,
}

/// The gate's overall outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// The release may go out.
    Pass,
    /// The policy blocks it.
    Blocked,
    /// A pre-release journey failed.
    JourneysFailed,
    /// No data, or bad configuration.
    Undecided,
}

impl Outcome {
    /// The process exit status for pipelines.
    pub fn exit_code(self) -> i32 {
        match self {
            Outcome::Pass => 0,
            Outcome::Blocked => 1,
            Outcome::JourneysFailed => 2,
            Outcome::Undecided => 3,
        }
    }

    /// The word used in output.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Pass => "pass",
            Outcome::Blocked => "blocked",
            Outcome::JourneysFailed => "journeys_failed",
            Outcome::Undecided => "undecided",
        }
    }
}

/// The gate's answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Verdict {
    /// The overall outcome.
    pub outcome: Outcome,
    /// [`Outcome::exit_code`], for readers of the JSON.
    pub exit_code: i32,
    /// When it was decided, Unix ms.
    pub at_ms: i64,
    /// The release asked about.
    pub release: Release,
    /// One check per SLO, in input order.
    pub checks: Vec<Check>,
    /// One per replayed journey.
    pub journeys: Vec<JourneyResult>,
    /// The approval that let the release through, if one did.
    pub approval: Option<Approval>,
    /// Actions the policy asks for beyond the gate (notify, open an
    /// incident), by SLO and rule.
    pub actions: Vec<PolicyAction>,
    /// One sentence for people.
    pub summary: String,
}

/// An action a holding rule asks for besides blocking.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct PolicyAction {
    /// The SLO.
    pub slo: String,
    /// The rule.
    pub rule: String,
    /// `notify` or `open_incident`.
    pub effect: Effect,
    /// Why.
    pub reason: String,
}

/// The rules of `policy` that hold for `slo` at `now_ms`, with reasons.
pub fn holding_rules(policy: &Policy, slo: &SloState, now_ms: i64) -> Vec<RuleHit> {
    if !policy.covers(&slo.name) || slo.valid_events == 0 {
        return Vec::new();
    }
    policy
        .rules
        .iter()
        .filter_map(|r| rule_hit(r, slo, now_ms))
        .collect()
}

fn rule_hit(rule: &Rule, slo: &SloState, now_ms: i64) -> Option<RuleHit> {
    let w = &rule.when;
    let mut reasons = Vec::new();
    let mut since = None;
    if let Some(below) = w.budget_remaining_below {
        let left = slo.budget_remaining?;
        if left >= below {
            return None;
        }
        reasons.push(format!("budget {} < {}", pct(left), pct(below)));
    }
    if let Some(want) = w.budget_exhausted {
        if slo.exhausted != want {
            return None;
        }
        reasons.push(if want {
            "budget exhausted".to_owned()
        } else {
            "budget not exhausted".to_owned()
        });
    }
    if let Some(a) = &w.alert_firing {
        let hit = slo
            .firing
            .iter()
            .filter(|f| a.severity.as_deref().is_none_or(|s| s == f.severity))
            .filter(|f| now_ms - f.since_ms >= a.for_ms)
            .min_by_key(|f| f.since_ms)?;
        since = Some(hit.since_ms);
        reasons.push(format!(
            "{} alert ({}) firing for {}",
            hit.severity,
            hit.windows,
            human_ms(now_ms - hit.since_ms)
        ));
    }
    if let Some(within) = w.exhaustion_within_ms {
        let at = slo.exhaustion_at_ms?;
        let left = at - now_ms;
        if left > within {
            return None;
        }
        reasons.push(format!(
            "budget runs out in {} (within {})",
            human_ms(left.max(0)),
            human_ms(within)
        ));
    }
    Some(RuleHit {
        rule: rule.name.clone(),
        effects: rule.then.clone(),
        reason: reasons.join(", "),
        since_ms: since,
    })
}

fn in_scope(rule: &Rule, slo: &SloState, release: &Release) -> bool {
    let Some(service) = &release.service else {
        return true;
    };
    match &rule.scope {
        Scope::All => true,
        Scope::Services(list) => list.iter().any(|s| s == service),
        Scope::Path => slo
            .services
            .as_ref()
            .is_none_or(|list| list.iter().any(|s| s == service)),
    }
}

/// Decides. `approvals` are all stored approvals; the one for this release
/// (if any) is used.
pub fn decide(
    policy: &Policy,
    slos: &[SloState],
    release: &Release,
    approvals: &[Approval],
    journeys: Vec<JourneyResult>,
    now_ms: i64,
) -> Verdict {
    let approval = release
        .id
        .as_ref()
        .and_then(|id| approvals.iter().rev().find(|a| &a.release == id))
        .cloned();
    let mut checks = Vec::new();
    let mut actions = Vec::new();
    let mut used_approval = false;
    for slo in slos.iter().filter(|s| policy.covers(&s.name)) {
        if slo.valid_events == 0 || slo.budget_remaining.is_none() {
            checks.push(Check {
                slo: slo.name.clone(),
                status: CheckStatus::NoData,
                budget_remaining: slo.budget_remaining,
                rules: Vec::new(),
                reason: "no events in the SLO's window: cannot decide".into(),
            });
            continue;
        }
        let hits = holding_rules(policy, slo, now_ms);
        for h in &hits {
            for e in &h.effects {
                if matches!(e, Effect::Notify | Effect::OpenIncident) {
                    actions.push(PolicyAction {
                        slo: slo.name.clone(),
                        rule: h.rule.clone(),
                        effect: *e,
                        reason: h.reason.clone(),
                    });
                }
            }
        }
        let gating: Vec<(&Rule, &RuleHit)> = hits
            .iter()
            .filter_map(|h| {
                let rule = policy.rules.iter().find(|r| r.name == h.rule)?;
                rule.then
                    .iter()
                    .any(|e| matches!(e, Effect::Block | Effect::RequireApproval))
                    .then_some((rule, h))
            })
            .collect();
        let (status, reason) = if gating.is_empty() {
            let why = if hits.is_empty() {
                "no policy rule holds".to_owned()
            } else {
                hits.iter()
                    .map(|h| format!("{}: {}", h.rule, h.reason))
                    .collect::<Vec<_>>()
                    .join("; ")
            };
            (CheckStatus::Pass, why)
        } else {
            let scoped: Vec<_> = gating
                .iter()
                .filter(|(r, _)| in_scope(r, slo, release))
                .collect();
            let binding: Vec<_> = scoped
                .iter()
                .filter(|(r, _)| !(release.fix && r.except_fixes && !needs_approval(r)))
                .collect();
            let words = |v: &[&&(&Rule, &RuleHit)]| {
                v.iter()
                    .map(|(r, h)| format!("{}: {}", r.name, h.reason))
                    .collect::<Vec<_>>()
                    .join("; ")
            };
            if scoped.is_empty() {
                (
                    CheckStatus::OutOfScope,
                    format!(
                        "rules hold, but {} is not on this SLO's path",
                        release.service.as_deref().unwrap_or("the service")
                    ),
                )
            } else if binding.is_empty() {
                (
                    CheckStatus::ExemptFix,
                    format!(
                        "a fix passes: {}",
                        words(&scoped.iter().collect::<Vec<_>>())
                    ),
                )
            } else if let Some(a) = &approval {
                used_approval = true;
                (
                    CheckStatus::Approved,
                    format!("approved by {} ({}): {}", a.by, a.reason, words(&binding)),
                )
            } else {
                let ask = if binding.iter().any(|(r, _)| needs_approval(r)) {
                    " (needs an approval: sightline policy approve --release ID --by NAME --reason TEXT)"
                } else {
                    ""
                };
                (CheckStatus::Blocked, format!("{}{ask}", words(&binding)))
            }
        };
        checks.push(Check {
            slo: slo.name.clone(),
            status,
            budget_remaining: slo.budget_remaining,
            rules: hits,
            reason,
        });
    }
    let blocked = checks.iter().any(|c| c.status == CheckStatus::Blocked);
    let failed: Vec<&JourneyResult> = journeys.iter().filter(|j| !j.passed).collect();
    let no_data = checks.is_empty() || checks.iter().any(|c| c.status == CheckStatus::NoData);
    let outcome = if blocked {
        Outcome::Blocked
    } else if !failed.is_empty() {
        Outcome::JourneysFailed
    } else if no_data {
        Outcome::Undecided
    } else {
        Outcome::Pass
    };
    let summary = summary(outcome, &checks, &failed, release);
    Verdict {
        outcome,
        exit_code: outcome.exit_code(),
        at_ms: now_ms,
        release: release.clone(),
        checks,
        journeys,
        approval: approval.filter(|_| used_approval),
        actions,
        summary,
    }
}

fn needs_approval(rule: &Rule) -> bool {
    rule.then.contains(&Effect::RequireApproval)
}

fn summary(
    outcome: Outcome,
    checks: &[Check],
    failed: &[&JourneyResult],
    release: &Release,
) -> String {
    let what = release
        .id
        .as_deref()
        .map(|id| format!("release {id}"))
        .unwrap_or_else(|| "the release".to_owned());
    match outcome {
        Outcome::Pass => format!("{what} may go out: {} SLO check(s) pass", checks.len()),
        Outcome::Blocked => {
            let b: Vec<String> = checks
                .iter()
                .filter(|c| c.status == CheckStatus::Blocked)
                .map(|c| format!("{} ({})", c.slo, c.reason))
                .collect();
            format!("{what} is blocked by policy: {}", b.join("; "))
        }
        Outcome::JourneysFailed => format!(
            "{what}: {} pre-release journey(s) failed: {}",
            failed.len(),
            failed
                .iter()
                .map(|j| j.journey.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Outcome::Undecided if checks.is_empty() => {
            format!("cannot decide for {what}: no SLO is covered by the policy")
        }
        Outcome::Undecided => format!(
            "cannot decide for {what}: no data for {}",
            checks
                .iter()
                .filter(|c| c.status == CheckStatus::NoData)
                .map(|c| c.slo.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// `0.07` as `7%`, `0.075` as `7.5%`.
pub fn pct(f: f64) -> String {
    let p = f * 100.0;
    if (p - p.round()).abs() < 0.05 {
        format!("{:.0}%", p)
    } else {
        format!("{:.1}%", p)
    }
}

/// Milliseconds as `3d 4h`, `12m`, `40s`.
pub fn human_ms(ms: i64) -> String {
    let s = ms / 1000;
    let (d, h, m) = (s / 86_400, (s % 86_400) / 3600, (s % 3600) / 60);
    if d > 0 {
        format!("{d}d {h}h")
    } else if h > 0 {
        format!("{h}h {m}m")
    } else if m > 0 {
        format!("{m}m")
    } else {
        format!("{s}s")
    }
}
