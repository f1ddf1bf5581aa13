//! The release gate over the store: each SLO's state at a moment (budget
//! left, alerts firing, the forecast, the services on its path), the
//! project's policy, and the stored approvals, decided by
//! `sightline_action::verdict::decide` and recorded.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sightline_action::verdict::{self, FiringAlert, JourneyResult, Release, SloState, Verdict};
use sightline_store::Store;
use sightline_store::queries::{policy, spans};

use ts_rs::TS;

use crate::ApiError;
use crate::overview::ReleaseApproval;
use crate::slo::status::StatusJson;

/// How far back the gate looks for the traces that tell an SLO's path.
pub const PATH_LOOKBACK_MS: i64 = 24 * 3_600_000;
/// How many of the journey's newest runs' traces it reads for that.
pub const PATH_RUNS: usize = 200;

/// What a pipeline asks.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct GateRequest {
    /// SLO names; every SLO of the project when empty.
    #[serde(default)]
    pub slos: Vec<String>,
    /// The release.
    #[serde(default)]
    pub release: Release,
    /// The moment to decide at, Unix ms (the caller's clock).
    pub at_ms: i64,
    /// Journeys replayed just before, if any.
    #[serde(default)]
    pub journeys: Vec<JourneyResult>,
    /// A policy file to use instead of the project's.
    #[serde(default)]
    pub policy_file: Option<PathBuf>,
}

/// The verdict and where its policy came from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GateAnswer {
    /// The policy file, or "the built-in default policy".
    pub policy: String,
    /// The decision.
    #[serde(flatten)]
    pub verdict: Verdict,
}

/// The policy's view of one SLO status.
pub fn slo_state(s: &StatusJson, services: Option<Vec<String>>) -> SloState {
    SloState {
        name: s.name.clone(),
        valid_events: s.valid,
        budget_remaining: s.budget.remaining_fraction,
        exhausted: s.budget.exhausted,
        firing: s
            .alerts
            .iter()
            .filter(|a| a.state == "firing")
            .map(|a| FiringAlert {
                severity: a.severity.to_owned(),
                since_ms: a.since_ms.unwrap_or(0),
                windows: format!("{}/{}", a.long_window, a.short_window),
            })
            .collect(),
        exhaustion_at_ms: s.exhaustion_at_ms,
        services,
    }
}

/// The states of the project's SLOs named in `names` (all when empty) at
/// `at_ms`. An unknown name is an error that lists the known ones.
pub fn slo_states(
    db: &Path,
    project: &Path,
    names: &[String],
    at_ms: i64,
) -> Result<Vec<SloState>, ApiError> {
    let loaded = crate::slo::load_slos(&project.join("slos"))?;
    for n in names {
        if !loaded.iter().any(|l| &l.config.definition.name == n) {
            let known: Vec<&str> = loaded
                .iter()
                .map(|l| l.config.definition.name.as_str())
                .collect();
            return Err(ApiError::NotFound(format!(
                "no SLO named {n:?} in {} (known: {})",
                project.join("slos").display(),
                known.join(", ")
            )));
        }
    }
    let configs: Vec<_> = loaded
        .into_iter()
        .map(|l| l.config)
        .filter(|c| names.is_empty() || names.contains(&c.definition.name))
        .collect();
    if configs.is_empty() {
        return Ok(Vec::new());
    }
    let (_, docs) = crate::slo::evaluate(db, &project.join("journeys"), configs, at_ms)?;
    let store = db.exists().then(|| Store::open(db)).transpose()?;
    docs.iter()
        .map(|d| {
            let services = match &store {
                Some(s) => spans::services_on_path(
                    s.conn(),
                    &d.journey,
                    at_ms - PATH_LOOKBACK_MS,
                    at_ms,
                    PATH_RUNS,
                )?,
                None => Vec::new(),
            };
            Ok(slo_state(d, (!services.is_empty()).then_some(services)))
        })
        .collect()
}

/// Decides, fills in since when each rule holds (from the live loop's
/// policy history), and records the decision.
pub fn gate(db: &Path, project: &Path, req: &GateRequest) -> Result<GateAnswer, ApiError> {
    let (pol, origin) = super::load_policy(project, req.policy_file.as_deref())?;
    let states = slo_states(db, project, &req.slos, req.at_ms)?;
    let store = Store::open(db)?;
    let approvals: Vec<verdict::Approval> = policy::approvals(store.conn(), req.at_ms)?
        .into_iter()
        .map(|a| verdict::Approval {
            release: a.release,
            by: a.by,
            reason: a.reason,
            at_ms: a.at_ms,
        })
        .collect();
    let mut v = verdict::decide(
        &pol,
        &states,
        &req.release,
        &approvals,
        req.journeys.clone(),
        req.at_ms,
    );
    let history = policy::holding(store.conn())?;
    for c in &mut v.checks {
        for r in &mut c.rules {
            if r.since_ms.is_none() {
                r.since_ms = history
                    .iter()
                    .find(|h| h.slo == c.slo && h.rule == r.rule && h.since_ms <= req.at_ms)
                    .map(|h| h.since_ms);
            }
        }
    }
    let json = serde_json::to_string(&v)
        .map_err(|e| ApiError::BadInput(format!("encoding the verdict: {e}")))?;
    policy::record_decision(
        store.conn(),
        req.at_ms,
        req.release.id.as_deref(),
        req.release.service.as_deref(),
        v.outcome.as_str(),
        &json,
    )?;
    Ok(GateAnswer {
        policy: origin,
        verdict: v,
    })
}

/// Stores an approval of `release`.
pub fn approve(
    db: &Path,
    release: &str,
    by: &str,
    reason: &str,
    at_ms: i64,
) -> Result<(), ApiError> {
    for (field, v) in [("--release", release), ("--by", by), ("--reason", reason)] {
        if v.trim().is_empty() {
            return Err(ApiError::InvalidRequest(format!("{field} is empty")));
        }
    }
    let store = Store::open(db)?;
    policy::approve(
        store.conn(),
        &policy::ApprovalRow {
            release: release.to_owned(),
            by: by.to_owned(),
            reason: reason.to_owned(),
            at_ms,
        },
    )?;
    Ok(())
}

/// Approves a release from the app (what `sightline policy approve` does).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ApproveRequest {
    /// The release id the pipeline will pass to the gate.
    pub release: String,
    /// Who approves.
    pub by: String,
    /// Why it may go out while the budget is low.
    pub reason: String,
}

/// Stores the approval at the context's now and returns it.
pub fn policy_approve(
    ctx: &crate::ApiContext,
    req: ApproveRequest,
) -> Result<ReleaseApproval, ApiError> {
    let (release, by, reason) = (req.release.trim(), req.by.trim(), req.reason.trim());
    for (field, v) in [("release", release), ("by", by), ("reason", reason)] {
        if v.is_empty() {
            return Err(ApiError::InvalidRequest(format!(
                "{field} is empty: an approval names the release, who approves and why"
            )));
        }
    }
    let at_ms = ctx.now_ms();
    approve(ctx.db_path(), release, by, reason, at_ms)?;
    Ok(ReleaseApproval {
        release: release.to_owned(),
        by: by.to_owned(),
        reason: reason.to_owned(),
        at_ms,
    })
}
