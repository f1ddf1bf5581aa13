//! The policy in the live loop: at each evaluation, which rules hold for
//! each SLO is brought in line with the store (`policy_state`: "releases
//! frozen since 10:42"), and a rule that starts to hold does what it says
//! once: `notify` queues a notification, `open_incident` opens (or joins)
//! an incident with a note.

use serde::{Deserialize, Serialize};
use sightline_action::notice::{Notice, NoticeKind};
use sightline_action::policy::{Effect, Policy};
use sightline_action::route::NotifyConfig;
use sightline_action::verdict::holding_rules;
use sightline_store::Store;
use sightline_store::queries::{incidents, policy};
use ts_rs::TS;

use crate::ApiError;
use crate::slo::status::StatusJson;

/// A rule that started to hold.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct RuleStarted {
    /// The SLO.
    pub slo: String,
    /// The rule.
    pub rule: String,
    /// Why it holds.
    pub reason: String,
    /// Its effects.
    pub effects: Vec<String>,
}

/// Syncs the policy's rules for `statuses` at `at_ms`; returns the rules that
/// started to hold.
pub fn sync(
    store: &Store,
    pol: &Policy,
    notify: Option<&NotifyConfig>,
    statuses: &[StatusJson],
    at_ms: i64,
) -> Result<Vec<RuleStarted>, ApiError> {
    let mut out = Vec::new();
    for s in statuses {
        let state = super::gate::slo_state(s, None);
        let hits = holding_rules(pol, &state, at_ms);
        let holding: Vec<(String, String, Vec<String>, Option<i64>)> = hits
            .iter()
            .map(|h| {
                (
                    h.rule.clone(),
                    h.reason.clone(),
                    h.effects.iter().map(|e| e.as_str().to_owned()).collect(),
                    h.since_ms,
                )
            })
            .collect();
        let tx = store
            .conn()
            .unchecked_transaction()
            .map_err(sightline_store::StoreError::from)?;
        let started = policy::sync_rules(&tx, &s.name, &holding, at_ms)?;
        for name in started {
            let Some(hit) = hits.iter().find(|h| h.rule == name) else {
                continue;
            };
            if hit.effects.contains(&Effect::Notify)
                && let Some(cfg) = notify
            {
                let n = Notice {
                    key: format!("policy/{}/{}/{at_ms}", s.name, name),
                    kind: NoticeKind::Policy,
                    slo: s.name.clone(),
                    severity: if hit.effects.contains(&Effect::RequireApproval) {
                        "page".into()
                    } else {
                        "ticket".into()
                    },
                    service: None,
                    title: format!("[policy] {}: {} holds ({})", s.name, name, hit.reason),
                    attribution: None,
                    regions: Vec::new(),
                    burn_rate: None,
                    threshold: None,
                    windows: None,
                    at_ms,
                    link: format!("sightline://slo/{}", s.name),
                };
                super::outbox::enqueue(&tx, cfg, &n, at_ms)?;
            }
            if hit.effects.contains(&Effect::OpenIncident) {
                let id = match incidents::joinable(
                    &tx,
                    &s.name,
                    (None, None),
                    at_ms,
                    crate::incidents::MERGE_WINDOW_MS,
                )? {
                    Some(i) => i.id,
                    None => incidents::open(
                        &tx,
                        &s.name,
                        &format!("{}: reliability work ({name})", s.name),
                        (None, None),
                        at_ms,
                    )?,
                };
                incidents::add(
                    &tx,
                    id,
                    &incidents::TimelineRow {
                        seq: 0,
                        at_ms,
                        kind: "note".into(),
                        link: Some(format!("sightline://slo/{}", s.name)),
                        summary: format!("error-budget policy rule {name} holds: {}", hit.reason),
                        by: Some("policy".into()),
                        detail: None,
                    },
                )?;
            }
            out.push(RuleStarted {
                slo: s.name.clone(),
                rule: name,
                reason: hit.reason.clone(),
                effects: hit.effects.iter().map(|e| e.as_str().to_owned()).collect(),
            });
        }
        tx.commit().map_err(sightline_store::StoreError::from)?;
    }
    Ok(out)
}
