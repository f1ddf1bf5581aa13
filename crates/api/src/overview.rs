//! The Overview view: every SLO with its live status (compliance, budget,
//! burn rates over 1 h, 6 h and 3 d, alert state, regions), its burn-down and
//! burn-rate series, the deploys to mark on those charts, and the alerts that
//! are firing now, listed first so nobody misses them.
//!
//! The numbers are [`crate::slo::evaluate`]'s, the same as
//! `sightline slo status`, at the request's `at_ms` (now by default).

use serde::{Deserialize, Serialize};
use sightline_core::EventKind;
use sightline_slo::DAY_MS;
use sightline_store::Store;
use sightline_store::queries::events;
use sightline_store::queries::policy::{self as policy_rows, ApprovalRow};
use ts_rs::TS;

use crate::slo::series::{self, BurnSeries, ChartPoint};
use crate::slo::status::StatusJson;
use crate::{ApiContext, ApiError};

/// Asks for the Overview.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct OverviewRequest {
    /// Evaluate at this time, Unix ms; now when absent.
    pub at_ms: Option<i64>,
}

/// Everything the Overview shows.
#[derive(Debug, Clone, Serialize, TS)]
pub struct Overview {
    /// When the numbers were evaluated, Unix ms.
    pub at_ms: i64,
    /// The SLO folder read, relative to the project when inside it.
    pub slos_dir: String,
    /// Whether that folder exists (the empty state says to create it).
    pub slos_dir_exists: bool,
    /// Every SLO, in folder order.
    pub slos: Vec<SloOverview>,
    /// Every alert rule firing now, pages first, then the oldest first.
    pub firing: Vec<FiringAlert>,
    /// Deploys from the start of the longest chart to `at_ms`, oldest first.
    pub deploys: Vec<DeployMarker>,
}

/// One SLO on the Overview.
#[derive(Debug, Clone, Serialize, TS)]
pub struct SloOverview {
    /// The numbers, in `slo status --json`'s shape.
    pub status: StatusJson,
    /// What it protects, in words.
    pub description: String,
    /// Budget left over the current window (the last point is
    /// `status.budget.remaining_fraction`).
    pub burn_down: Vec<ChartPoint>,
    /// 1 h, 6 h and 3 d burn rates over the last three days.
    pub burn_rates: BurnSeries,
    /// The error-budget policy's rules that hold now ("releases frozen
    /// since 10:42: budget 7%"), from the project's policy.yaml or the
    /// built-in default.
    pub policy: Vec<PolicyHold>,
}

/// An alert rule firing now.
#[derive(Debug, Clone, Serialize, TS)]
pub struct FiringAlert {
    /// The SLO.
    pub slo: String,
    /// `page` or `ticket`.
    pub severity: String,
    /// The rule's long window, e.g. `1h`.
    pub long_window: String,
    /// The rule's short window, e.g. `5m`.
    pub short_window: String,
    /// The burn-rate threshold the rule fired over.
    pub threshold: f64,
    /// The burn rate over the long window now.
    pub long_burn_rate: Option<f64>,
    /// Since when it fires, Unix ms.
    pub since_ms: Option<i64>,
}

/// A deploy, for the markers on every time chart.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct DeployMarker {
    /// When, Unix ms.
    pub at_ms: i64,
    /// The release id, e.g. `r2026.02.03-17`.
    pub release_id: String,
    /// The service deployed.
    pub service: String,
    /// The version now running.
    pub version: String,
    /// The region, or null for a global rollout.
    pub region: Option<String>,
}

/// Deploy markers with `from_ms <= at < to_ms`, oldest first; none when the
/// database does not exist yet.
pub(crate) fn deploy_markers(
    ctx: &ApiContext,
    from_ms: i64,
    to_ms: i64,
) -> Result<Vec<DeployMarker>, ApiError> {
    if !ctx.db_path().exists() {
        return Ok(Vec::new());
    }
    let store = Store::open_read_only(ctx.db_path())?;
    Ok(events::deploys_between(store.conn(), from_ms, to_ms)?
        .into_iter()
        .filter_map(|e| match e.kind {
            EventKind::Deploy(d) => Some(DeployMarker {
                at_ms: e.at_ms,
                release_id: d.release_id,
                service: d.service,
                version: d.version,
                region: d.region,
            }),
            _ => None,
        })
        .collect())
}

/// A policy rule that holds for an SLO.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct PolicyHold {
    /// The rule's name.
    pub rule: String,
    /// What it does: `block`, `notify`, `require_approval`, `open_incident`.
    pub effects: Vec<String>,
    /// Why it holds, with the numbers.
    pub reason: String,
    /// Since when, Unix ms, when known (the alert's firing time, or the
    /// live loop's stored history).
    pub since_ms: Option<i64>,
    /// For a rule that requires approval: the releases approved since it
    /// began to hold (the last day when that is unknown), newest first.
    pub approvals: Vec<ReleaseApproval>,
}

/// A release approved to go out while the policy requires approval
/// (`sightline policy approve`, or the app's Approve form).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct ReleaseApproval {
    /// The release id the gate is asked about.
    pub release: String,
    /// Who approved.
    pub by: String,
    /// Why.
    pub reason: String,
    /// When, Unix ms.
    pub at_ms: i64,
}

impl From<ApprovalRow> for ReleaseApproval {
    fn from(a: ApprovalRow) -> Self {
        Self {
            release: a.release,
            by: a.by,
            reason: a.reason,
            at_ms: a.at_ms,
        }
    }
}

/// The rules of the project's policy that hold for `status` at `at_ms`.
fn policy_holds(
    policy: &sightline_action::policy::Policy,
    history: &[policy_rows::RuleSpan],
    approvals: &[ApprovalRow],
    status: &StatusJson,
    at_ms: i64,
) -> Vec<PolicyHold> {
    let state = crate::action::gate::slo_state(status, None);
    sightline_action::verdict::holding_rules(policy, &state, at_ms)
        .into_iter()
        .map(|h| {
            let since_ms = h.since_ms.or_else(|| {
                history
                    .iter()
                    .find(|x| x.slo == status.name && x.rule == h.rule && x.since_ms <= at_ms)
                    .map(|x| x.since_ms)
            });
            let effects: Vec<String> = h.effects.iter().map(|e| e.as_str().to_owned()).collect();
            let approvals = if effects.iter().any(|e| e == "require_approval") {
                let from = since_ms.unwrap_or(at_ms - DAY_MS);
                approvals
                    .iter()
                    .rev()
                    .filter(|a| a.at_ms >= from && a.at_ms <= at_ms)
                    .cloned()
                    .map(ReleaseApproval::from)
                    .collect()
            } else {
                Vec::new()
            };
            PolicyHold {
                since_ms,
                effects,
                reason: h.reason,
                rule: h.rule,
                approvals,
            }
        })
        .collect()
}

/// The Overview at `req.at_ms` (now by default).
pub fn overview(ctx: &ApiContext, req: OverviewRequest) -> Result<Overview, ApiError> {
    let at_ms = req.at_ms.unwrap_or_else(|| ctx.now_ms());
    let dir = ctx.slos_dir();
    let slos_dir = crate::project::relative(ctx.project_dir(), &dir);
    if !dir.is_dir() {
        return Ok(Overview {
            at_ms,
            slos_dir,
            slos_dir_exists: false,
            slos: Vec::new(),
            firing: Vec::new(),
            deploys: Vec::new(),
        });
    }
    let loaded = crate::slo::load_slos(&dir)?;
    let descriptions: Vec<String> = loaded
        .iter()
        .map(|l| l.config.definition.description.clone())
        .collect();
    let configs = loaded.into_iter().map(|l| l.config).collect();
    let (engine, docs) = crate::slo::evaluate(ctx.db_path(), &ctx.journeys_dir(), configs, at_ms)?;

    let (policy, _) = crate::action::load_policy(ctx.project_dir(), None)?;
    let (history, approvals) = if ctx.db_path().exists() {
        // A database from before the policy tables reads as no history.
        Store::open_read_only(ctx.db_path())
            .map(|store| {
                (
                    policy_rows::holding(store.conn()).unwrap_or_default(),
                    policy_rows::approvals(store.conn(), at_ms).unwrap_or_default(),
                )
            })
            .unwrap_or_default()
    } else {
        Default::default()
    };
    let mut firing = Vec::new();
    let mut slos = Vec::with_capacity(docs.len());
    let mut charts_from = at_ms - 3 * DAY_MS;
    for (status, description) in docs.into_iter().zip(descriptions) {
        charts_from = charts_from.min(status.window.start_ms);
        for a in status.alerts.iter().filter(|a| a.state == "firing") {
            // The rule's own long window, which need not be a standard one.
            let long_burn_rate = engine
                .configs()
                .find(|c| c.definition.name == status.name)
                .and_then(|c| c.policy.rules.get(a.rule))
                .and_then(|r| engine.burn_rate(&status.name, at_ms, r.long_window_ms).ok())
                .and_then(|b| b.rate);
            firing.push(FiringAlert {
                slo: status.name.clone(),
                severity: a.severity.to_owned(),
                long_window: a.long_window.clone(),
                short_window: a.short_window.clone(),
                threshold: a.threshold,
                long_burn_rate,
                since_ms: a.since_ms,
            });
        }
        let burn_down = series::burn_down(&engine, &status, at_ms)?;
        let burn_rates = series::burn_series(&engine, &status.name, at_ms)?;
        let policy = policy_holds(&policy, &history, &approvals, &status, at_ms);
        slos.push(SloOverview {
            policy,
            status,
            description,
            burn_down,
            burn_rates,
        });
    }
    firing.sort_by_key(|f| (f.severity != "page", f.since_ms));
    let deploys = deploy_markers(ctx, charts_from, at_ms + 1)?;
    Ok(Overview {
        at_ms,
        slos_dir,
        slos_dir_exists: true,
        slos,
        firing,
        deploys,
    })
}
