//! The policy tables: approvals of releases, when each rule held for each
//! SLO, and the gate's decisions.

use rusqlite::{Connection, OptionalExtension, params};
use serde::{Deserialize, Serialize};

use crate::Result;

/// A stored approval.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ApprovalRow {
    /// The release id.
    pub release: String,
    /// Who approved.
    pub by: String,
    /// Why.
    pub reason: String,
    /// When, Unix ms.
    pub at_ms: i64,
}

/// Stores an approval.
pub fn approve(conn: &Connection, a: &ApprovalRow) -> Result<()> {
    conn.execute(
        "INSERT INTO policy_approvals (release, by_whom, reason, at_ms) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (release, at_ms) DO UPDATE SET by_whom = excluded.by_whom, reason = excluded.reason",
        params![a.release, a.by, a.reason, a.at_ms],
    )?;
    Ok(())
}

/// Approvals made at or before `at_ms`, oldest first.
pub fn approvals(conn: &Connection, at_ms: i64) -> Result<Vec<ApprovalRow>> {
    let rows = conn
        .prepare_cached(
            "SELECT release, by_whom, reason, at_ms FROM policy_approvals WHERE at_ms <= ?1
             ORDER BY at_ms",
        )?
        .query_map(params![at_ms], |r| {
            Ok(ApprovalRow {
                release: r.get(0)?,
                by: r.get(1)?,
                reason: r.get(2)?,
                at_ms: r.get(3)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// A period during which a rule held for an SLO.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RuleSpan {
    /// The SLO.
    pub slo: String,
    /// The rule's name.
    pub rule: String,
    /// Since when.
    pub since_ms: i64,
    /// Until when; `None` while it holds.
    pub until_ms: Option<i64>,
    /// The reason when it started.
    pub reason: String,
    /// The rule's effects, JSON array of words.
    pub effects: Vec<String>,
}

/// Brings the stored periods of `slo` in line with the rules that hold at
/// `at_ms` (`holding`: rule name, reason, effects, known start). Returns
/// the rules that started holding now.
pub fn sync_rules(
    conn: &Connection,
    slo: &str,
    holding: &[(String, String, Vec<String>, Option<i64>)],
    at_ms: i64,
) -> Result<Vec<String>> {
    let open: Vec<String> = conn
        .prepare_cached("SELECT rule FROM policy_state WHERE slo = ?1 AND until_ms IS NULL")?
        .query_map(params![slo], |r| r.get(0))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    for rule in &open {
        if !holding.iter().any(|(r, ..)| r == rule) {
            conn.execute(
                "UPDATE policy_state SET until_ms = ?3 WHERE slo = ?1 AND rule = ?2 AND until_ms IS NULL",
                params![slo, rule, at_ms],
            )?;
        }
    }
    let mut started = Vec::new();
    for (rule, reason, effects, since) in holding {
        if !open.contains(rule) {
            let effects = serde_json::to_string(effects).unwrap_or_else(|_| "[]".into());
            conn.execute(
                "INSERT INTO policy_state (slo, rule, since_ms, until_ms, reason, effects)
                 VALUES (?1, ?2, ?3, NULL, ?4, ?5) ON CONFLICT DO NOTHING",
                params![
                    slo,
                    rule,
                    since.unwrap_or(at_ms).min(at_ms),
                    reason,
                    effects
                ],
            )?;
            started.push(rule.clone());
        }
    }
    Ok(started)
}

/// The periods that hold now (open), for every SLO.
pub fn holding(conn: &Connection) -> Result<Vec<RuleSpan>> {
    let rows = conn
        .prepare_cached(
            "SELECT slo, rule, since_ms, until_ms, reason, effects FROM policy_state
             WHERE until_ms IS NULL ORDER BY slo, since_ms",
        )?
        .query_map([], |r| {
            Ok((
                RuleSpan {
                    slo: r.get(0)?,
                    rule: r.get(1)?,
                    since_ms: r.get(2)?,
                    until_ms: r.get(3)?,
                    reason: r.get(4)?,
                    effects: Vec::new(),
                },
                r.get::<_, String>(5)?,
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    rows.into_iter()
        .map(|(mut s, e)| {
            s.effects = super::json_col("policy_state", "effects", &e)?;
            Ok(s)
        })
        .collect()
}

/// Stores one gate decision; returns its id.
pub fn record_decision(
    conn: &Connection,
    at_ms: i64,
    release: Option<&str>,
    service: Option<&str>,
    outcome: &str,
    verdict_json: &str,
) -> Result<i64> {
    conn.execute(
        "INSERT INTO gate_decisions (at_ms, release, service, outcome, verdict) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![at_ms, release, service, outcome, verdict_json],
    )?;
    Ok(conn.last_insert_rowid())
}

/// The newest gate decision, JSON, if any.
pub fn last_decision(conn: &Connection) -> Result<Option<(i64, String)>> {
    Ok(conn
        .query_row(
            "SELECT at_ms, verdict FROM gate_decisions ORDER BY id DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?)
}
