//! `sightline incident`: the incidents firing pages opened, their
//! timelines, state changes, notes and postmortem drafts.

use std::path::Path;

use sightline_api::incidents::{self, IncidentView};
use sightline_api::slo::load_slos;
use sightline_slo::SloConfig;
use sightline_store::Store;
use sightline_store::queries::incidents as rows;

use crate::args::{Cli, DocFormat, IncidentCommand};
use crate::commands::document::{self, Document};
use crate::commands::runs::now_ms;
use crate::exit::{Code, OK, Refused};
use crate::output;

fn who(by: Option<&String>) -> Option<String> {
    by.cloned()
        .or_else(|| std::env::var("USER").ok())
        .filter(|s| !s.is_empty())
}

/// The SLO's definition, when its folder has it (the postmortem counts runs with it).
fn config_of(slos: &Path, slo: &str) -> Option<SloConfig> {
    load_slos(slos)
        .ok()?
        .into_iter()
        .map(|s| s.config)
        .find(|c| c.definition.name == slo)
}

fn load(store: &Store, slos: &Path, id: i64) -> anyhow::Result<(IncidentView, Option<SloConfig>)> {
    let slo = rows::get(store.conn(), id)?
        .ok_or_else(|| Refused(format!("no incident {id}")))?
        .slo;
    let config = config_of(slos, &slo);
    let view = incidents::view(store, id, config.as_ref(), now_ms())?
        .ok_or_else(|| Refused(format!("no incident {id}")))?;
    Ok((view, config))
}

/// The incident's charts, or why there are none (the draft says so).
fn incidents_charts(
    store: &Store,
    v: &IncidentView,
    config: &SloConfig,
) -> Result<Vec<sightline_api::charts::ChartFile>, String> {
    let tags = sightline_api::slo::journey_tags(Path::new("journeys"));
    sightline_api::charts::incident_charts(store, v, config, &tags).map_err(|e| e.to_string())
}

fn print_view(v: &IncidentView) {
    let i = &v.incident;
    println!("incident {}: {} [{}]", i.id, i.title, i.state);
    if let Some(r) = &v.report {
        println!("{}", r.sentence);
    }
    for e in &v.timeline {
        println!(
            "  {}  {:<18} {}{}{}",
            sightline_api::slo::status::rfc3339_ms(e.at_ms),
            e.kind,
            e.summary,
            e.by.as_deref()
                .map(|b| format!(" ({b})"))
                .unwrap_or_default(),
            e.link
                .as_deref()
                .map(|l| format!("  [{l}]"))
                .unwrap_or_default()
        );
    }
}

/// Runs `sightline incident ...`.
pub fn run(cli: &Cli, slos: &Path, cmd: &IncidentCommand) -> anyhow::Result<Code> {
    let store = Store::open(cli.db_path())?;
    match cmd {
        IncidentCommand::List { all } => {
            let list = rows::list(store.conn(), *all, 500)?;
            if cli.json {
                output::json(&serde_json::json!({ "incidents": list }))?;
            } else if list.is_empty() {
                println!("no {}incidents", if *all { "" } else { "open " });
            } else {
                for i in &list {
                    println!(
                        "{:>4}  {:<12} {}  {}",
                        i.id,
                        i.state,
                        sightline_api::slo::status::rfc3339_ms(i.opened_at_ms),
                        i.title
                    );
                }
            }
        }
        IncidentCommand::Show(r) => {
            let (v, _) = load(&store, slos, r.id)?;
            if cli.json {
                output::json(&v)?;
            } else {
                print_view(&v);
            }
        }
        IncidentCommand::Ack(w) | IncidentCommand::Resolve(w) => {
            let state = if matches!(cmd, IncidentCommand::Ack(_)) {
                "acknowledged"
            } else {
                "resolved"
            };
            let by = who(w.by.as_ref());
            let row = incidents::set_state(&store, w.id, state, by.as_deref(), now_ms())
                .map_err(|e| Refused(e.to_string()))?;
            if cli.json {
                output::json(&row)?;
            } else {
                println!(
                    "incident {} {state}{}",
                    row.id,
                    by.map(|b| format!(" by {b}")).unwrap_or_default()
                );
            }
        }
        IncidentCommand::Note { id, text, by } => {
            let by = who(by.as_ref());
            incidents::note(&store, *id, text, by.as_deref(), now_ms())
                .map_err(|e| Refused(e.to_string()))?;
            if cli.json {
                output::json(&serde_json::json!({ "incident": id, "noted": true }))?;
            } else {
                println!("noted on incident {id}");
            }
        }
        IncidentCommand::Postmortem { id, format, out } => {
            let (v, config) = load(&store, slos, *id)?;
            let journey = config
                .as_ref()
                .map(|c| c.definition.filter.journey.as_str());
            let target = config.as_ref().map(|c| c.definition.target);
            let now = now_ms();
            // Markdown on standard output has nowhere to put charts: none drawn.
            let drawn = *format == DocFormat::Html || out.is_some();
            let charts = match &config {
                _ if !drawn => Ok(Vec::new()),
                Some(c) => incidents_charts(&store, &v, c),
                None => Err(format!(
                    "the SLO {} is not defined in {}",
                    v.incident.slo,
                    slos.display()
                )),
            };
            let doc = Document {
                format: *format,
                out: out.as_deref(),
                default_stem: &format!("postmortem-{id}"),
                title: &format!("Postmortem draft: incident {id}"),
                heading: "Charts (measured)",
                charts,
            };
            document::emit(doc, cli.json, &|section| {
                incidents::postmortem::markdown_with_charts(&v, journey, target, now, section)
            })?;
        }
    }
    Ok(Code(OK))
}
