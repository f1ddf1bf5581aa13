//! `sightline notify evaluate | deliver | outbox | check`: alert
//! notifications through the outbox. `evaluate` stores what fired or
//! resolved at a time and queues the notifications in the same transaction;
//! `deliver` sends what is due. A crash between the two loses nothing: the
//! next `deliver` (or `serve`) sends it.

use std::time::Duration;

use anyhow::Context;
use sightline_api::action::sender::{DeliveryPass, deliver_due, http_client};
use sightline_api::secrets::OsKeyring;
use sightline_api::slo::live::LiveSlos;
use sightline_api::slo::status::rfc3339_ms;
use sightline_store::Store;
use sightline_store::queries::outbox;

use crate::args::{Cli, NotifyCommand};
use crate::exit::{Code, OK, PROBLEM, Refused};

fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")
}

fn notify_config(
    project: &std::path::Path,
) -> anyhow::Result<sightline_action::route::NotifyConfig> {
    sightline_api::action::load_notify(project)?.ok_or_else(|| {
        Refused(format!(
            "{}: no notify.yaml (see docs/action.md for its shape)",
            project.display()
        ))
        .into()
    })
}

/// Runs `notify ...`.
pub fn run(cli: &Cli, cmd: &NotifyCommand) -> anyhow::Result<Code> {
    match cmd {
        NotifyCommand::Evaluate {
            project,
            at,
            no_send,
        } => {
            let at_ms = match at {
                Some(t) => super::runs::parse_time(t).map_err(|e| Refused(format!("--at: {e}")))?,
                None => super::runs::now_ms(),
            };
            let db = cli.db_path();
            let mut live = LiveSlos::start(&db, project, at_ms)?;
            let store = Store::open(&db)?;
            let changes = live.tick(&store, at_ms)?;
            let (pending, _, _) = outbox::counts(store.conn())?;
            let firing: Vec<_> = live
                .status(at_ms)
                .slos
                .into_iter()
                .filter(|s| s.alert_state == "firing")
                .map(|s| s.name)
                .collect();
            let pass = if *no_send || sightline_api::action::load_notify(project)?.is_none() {
                None
            } else {
                Some(deliver_once(&db, project, super::runs::now_ms())?)
            };
            if cli.json {
                crate::output::json(&serde_json::json!({
                    "at_ms": at_ms, "changes": changes, "firing": firing,
                    "queued_pending": pending, "delivery": pass,
                }))?;
            } else {
                println!(
                    "at {}: {} SLO(s) firing{}",
                    rfc3339_ms(at_ms),
                    firing.len(),
                    if firing.is_empty() {
                        String::new()
                    } else {
                        format!(": {}", firing.join(", "))
                    }
                );
                for c in &changes {
                    println!(
                        "  {} {} ({}) {}",
                        c.slo,
                        c.change,
                        c.severity,
                        rfc3339_ms(c.at_ms)
                    );
                }
                println!("outbox: {pending} pending before sending");
                if let Some(p) = &pass {
                    print_pass(p);
                }
            }
            Ok(Code(OK))
        }
        NotifyCommand::Deliver { project, watch } => {
            let idle = watch
                .as_deref()
                .map(|w| {
                    sightline_core::duration::parse_ms(w, "--watch")
                        .map_err(|e| Refused(e.to_string()))
                })
                .transpose()?;
            let mut total = DeliveryPass::default();
            let mut idle_since = std::time::Instant::now();
            loop {
                let pass = deliver_once(&cli.db_path(), project, super::runs::now_ms())?;
                let moved = pass.delivered + pass.retrying + pass.dead > 0;
                total.delivered += pass.delivered;
                total.messages += pass.messages;
                total.retrying = pass.retrying;
                total.dead += pass.dead;
                total.errors.extend(pass.errors);
                let Some(idle_ms) = idle else { break };
                if moved {
                    idle_since = std::time::Instant::now();
                }
                let pending = outbox::counts(Store::open(cli.db_path())?.conn())?.0;
                if pending == 0
                    && idle_since.elapsed()
                        >= Duration::from_millis(u64::try_from(idle_ms).unwrap_or(0))
                {
                    break;
                }
                std::thread::sleep(Duration::from_secs(1));
            }
            if cli.json {
                crate::output::json(&total)?;
            } else {
                print_pass(&total);
            }
            Ok(Code(if total.dead > 0 { PROBLEM } else { OK }))
        }
        NotifyCommand::Outbox { limit } => {
            let store = Store::open(cli.db_path())?;
            let rows = outbox::recent(store.conn(), *limit)?;
            let (p, d, x) = outbox::counts(store.conn())?;
            if cli.json {
                crate::output::json(&serde_json::json!({
                    "pending": p, "delivered": d, "dead": x, "rows": rows,
                }))?;
            } else {
                println!("{p} pending, {d} delivered, {x} given up");
                for r in rows {
                    let when = r
                        .delivered_ms
                        .map(rfc3339_ms)
                        .unwrap_or_else(|| format!("next {}", rfc3339_ms(r.next_attempt_ms)));
                    println!(
                        "{:>6}  {:<10} {:<12} {:<9} {}  attempts {}  {}{}",
                        r.id,
                        r.state,
                        r.target,
                        r.kind,
                        r.notice_key,
                        r.attempts,
                        when,
                        r.last_error.map(|e| format!("  ({e})")).unwrap_or_default()
                    );
                }
            }
            Ok(Code(OK))
        }
        NotifyCommand::Check { project } => {
            let cfg = notify_config(project)?;
            if cli.json {
                crate::output::json(&cfg)?;
            } else {
                println!(
                    "{} target(s), {} route(s)",
                    cfg.targets.len(),
                    cfg.routes.len()
                );
                for (name, t) in &cfg.targets {
                    println!("  {name}: {}", t.kind());
                }
                for (i, r) in cfg.routes.iter().enumerate() {
                    let m = &r.matches;
                    println!(
                        "  route {i}: slo={} severity={} service={} -> {}",
                        m.slo.as_deref().unwrap_or("*"),
                        m.severity.as_deref().unwrap_or("*"),
                        m.service.as_deref().unwrap_or("*"),
                        r.to.join(", ")
                    );
                }
            }
            Ok(Code(OK))
        }
    }
}

/// One delivery pass over the project's notify.yaml and the database `db`.
pub fn deliver_once(
    db: &std::path::Path,
    project: &std::path::Path,
    now_ms: i64,
) -> anyhow::Result<DeliveryPass> {
    let cfg = notify_config(project)?;
    let client = http_client()?;
    Ok(runtime()?.block_on(deliver_due(
        db,
        &cfg,
        &OsKeyring::default(),
        &client,
        now_ms,
    ))?)
}

fn print_pass(p: &DeliveryPass) {
    println!(
        "delivered {} notification(s) in {} message(s); {} to retry, {} given up",
        p.delivered, p.messages, p.retrying, p.dead
    );
    for e in &p.errors {
        println!("  {e}");
    }
}
