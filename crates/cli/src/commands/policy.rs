//! `sightline policy approve | check | status`: the error-budget policy's
//! approvals, a file check, and which rules hold now.

use serde::Serialize;
use sightline_action::policy;
use sightline_action::verdict::holding_rules;
use sightline_api::action::gate::slo_states;
use sightline_api::slo::status::rfc3339_ms;
use sightline_store::Store;
use sightline_store::queries::policy as stored;

use crate::args::{Cli, PolicyCommand};
use crate::exit::{Code, OK, Refused};

#[derive(Serialize)]
struct Holding {
    slo: String,
    budget_remaining: Option<f64>,
    rule: String,
    effects: Vec<String>,
    reason: String,
    since_ms: Option<i64>,
}

/// Runs `policy ...`.
pub fn run(cli: &Cli, cmd: &PolicyCommand) -> anyhow::Result<Code> {
    match cmd {
        PolicyCommand::Approve {
            release,
            by,
            reason,
        } => {
            let at = super::runs::now_ms();
            sightline_api::action::gate::approve(&cli.db_path(), release, by, reason, at)?;
            if cli.json {
                crate::output::json(&serde_json::json!({
                    "release": release, "by": by, "reason": reason, "at_ms": at
                }))?;
            } else {
                println!(
                    "release {release} approved by {by} at {}: {reason}",
                    rfc3339_ms(at)
                );
            }
            Ok(Code(OK))
        }
        PolicyCommand::Check { file } => {
            let p = policy::load(file).map_err(|e| Refused(e.to_string()))?;
            if cli.json {
                crate::output::json(&p)?;
            } else {
                println!("{}: {} rule(s)", file.display(), p.rules.len());
                for r in &p.rules {
                    let effects: Vec<&str> = r.then.iter().map(|e| e.as_str()).collect();
                    println!(
                        "  {}: [{}]{}",
                        r.name,
                        effects.join(", "),
                        if r.except_fixes { ", fixes pass" } else { "" }
                    );
                }
            }
            Ok(Code(OK))
        }
        PolicyCommand::Status { project, at } => {
            let at_ms = match at {
                Some(t) => super::runs::parse_time(t).map_err(|e| Refused(format!("--at: {e}")))?,
                None => super::runs::now_ms(),
            };
            let (pol, origin) = sightline_api::action::load_policy(project, None)?;
            let states = slo_states(&cli.db_path(), project, &[], at_ms)?;
            let history = match Store::open(cli.db_path()) {
                Ok(s) => stored::holding(s.conn())?,
                Err(_) => Vec::new(),
            };
            let mut rows = Vec::new();
            for s in &states {
                for h in holding_rules(&pol, s, at_ms) {
                    let since = h.since_ms.or_else(|| {
                        history
                            .iter()
                            .find(|x| x.slo == s.name && x.rule == h.rule)
                            .map(|x| x.since_ms)
                    });
                    rows.push(Holding {
                        slo: s.name.clone(),
                        budget_remaining: s.budget_remaining,
                        rule: h.rule,
                        effects: h.effects.iter().map(|e| e.as_str().to_owned()).collect(),
                        reason: h.reason,
                        since_ms: since,
                    });
                }
            }
            if cli.json {
                crate::output::json(
                    &serde_json::json!({ "policy": origin, "at_ms": at_ms, "holding": rows }),
                )?;
            } else if rows.is_empty() {
                println!(
                    "policy: {origin}\nno rule holds for any of {} SLO(s)",
                    states.len()
                );
            } else {
                println!("policy: {origin}");
                for r in &rows {
                    let since = r
                        .since_ms
                        .map(|s| format!(" since {}", rfc3339_ms(s)))
                        .unwrap_or_default();
                    println!(
                        "{}: {} [{}]{since}: {}",
                        r.slo,
                        r.rule,
                        r.effects.join(", "),
                        r.reason
                    );
                }
            }
            Ok(Code(OK))
        }
    }
}
