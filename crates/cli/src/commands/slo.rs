//! `sightline slo list | status | burn | alerts | import | export`.
//!
//! The SLO engine is pure; this module is its I/O. It reads the definitions
//! from the project's `slos/*.yaml`, streams the runs they need from the
//! store (only the journeys named and only the time range the windows
//! reach), reads the clock when `--at` is not given, and prints. The numbers
//! are the engine's, unchanged.

use std::collections::BTreeSet;

use anyhow::Context;
use std::path::{Path, PathBuf};

use serde::Serialize;
use serde_norway::Value;
use sightline_api::slo::status::{
    AlertJson, BurnJson, StatusDoc, StatusJson, alert_json, nominal_period, status_json, worst,
};
use sightline_api::slo::{KEPT_SUFFIX, load_slos, named_steps, replay_alerts, status_lookback};
use sightline_core::SliKind;
use sightline_slo::openslo;
use sightline_slo::prometheus::export_rules;
use sightline_slo::{DAY_MS, MINUTE_MS};
use sightline_slo::{SloConfig, SloEngine};
use sightline_store::queries::sli::StepSelection;

use crate::args::{Cli, SloArgs, SloCommand, SloExportFormat};
use crate::commands::runs::{now_ms, parse_time};
use crate::exit::{Code, OK, Refused};
use crate::output;

/// Runs one `slo` subcommand.
pub fn run(cli: &Cli, args: &SloArgs) -> anyhow::Result<Code> {
    let dir = args.slos.as_path();
    match &args.command {
        SloCommand::List => list(cli, dir),
        SloCommand::Status { at } => status(cli, dir, at.as_deref()),
        SloCommand::Burn { slo, windows, at } => burn(cli, dir, slo, windows, at.as_deref()),
        SloCommand::Alerts { at } => alerts(cli, dir, at.as_deref()),
        SloCommand::Import { file, force } => import(cli, dir, file, *force),
        SloCommand::Export { format, out } => export(cli, dir, *format, out.as_deref()),
    }
}

// ---------------------------------------------------------------------------
// Loading definitions

fn resolve_at(at: Option<&str>) -> anyhow::Result<i64> {
    match at {
        None => Ok(now_ms()),
        Some(text) => parse_time(text).map_err(|m| Refused(format!("--at: {m}")).into()),
    }
}

use crate::output::rfc3339_ms as rfc3339;

/// The engine with every stored final run the SLOs count up to `at_ms`
/// (see `sightline_api::slo::engine_at`), behind a spinner.
fn engine_at(
    cli: &Cli,
    configs: Vec<SloConfig>,
    at_ms: i64,
    steps: StepSelection,
    extra_ms: i64,
) -> anyhow::Result<SloEngine> {
    let spinner = output::spinner(cli, "reading runs");
    let engine = sightline_api::slo::engine_at(
        &cli.db_path(),
        Path::new("journeys"),
        configs,
        at_ms,
        steps,
        extra_ms,
    )?;
    spinner.finish_and_clear();
    Ok(engine)
}

fn pct(v: Option<f64>) -> String {
    v.map_or_else(|| "-".to_owned(), |v| format!("{:.3}%", v * 100.0))
}

fn num(v: Option<f64>) -> String {
    v.map_or_else(|| "-".to_owned(), |v| format!("{v:.2}"))
}

/// Prints aligned columns. A closed pipe (`| head`) ends the table quietly.
fn table(header: &[&str], rows: &[Vec<String>]) {
    use std::io::Write;
    let mut widths: Vec<usize> = header.iter().map(|h| h.len()).collect();
    for r in rows {
        for (i, c) in r.iter().enumerate() {
            widths[i] = widths[i].max(c.len());
        }
    }
    let render = |cells: Vec<&str>| {
        let parts: Vec<String> = cells
            .iter()
            .enumerate()
            .map(|(i, c)| format!("{c:<w$}", w = widths[i]))
            .collect();
        parts.join("  ").trim_end().to_owned()
    };
    let mut out = std::io::stdout().lock();
    let lines = std::iter::once(render(header.to_vec())).chain(
        rows.iter()
            .map(|r| render(r.iter().map(String::as_str).collect())),
    );
    for line in lines {
        if writeln!(out, "{line}").is_err() {
            return;
        }
    }
}

// ---------------------------------------------------------------------------
// Commands

fn list(cli: &Cli, dir: &Path) -> anyhow::Result<Code> {
    let slos = load_slos(dir)?;
    if cli.json {
        let docs: Vec<_> = slos
            .iter()
            .map(|s| {
                serde_json::json!({
                    "file": s.file,
                    "name": s.config.definition.name,
                    "definition": s.config.definition,
                    "policy": s.config.policy,
                })
            })
            .collect();
        output::json(&docs)?;
    } else {
        let rows: Vec<Vec<String>> = slos
            .iter()
            .map(|s| {
                let d = &s.config.definition;
                vec![
                    d.name.clone(),
                    d.filter.journey.clone(),
                    match d.sli {
                        SliKind::Availability => "availability".to_owned(),
                        SliKind::Latency { threshold_ms } => format!("latency<={threshold_ms}ms"),
                        SliKind::AvailabilityAndLatency { threshold_ms } => {
                            format!("pass&<={threshold_ms}ms")
                        }
                    },
                    format!("{}%", d.target * 100.0),
                    match &d.window {
                        sightline_core::SloWindow::Rolling { days } => format!("{days}d rolling"),
                        sightline_core::SloWindow::Calendar { unit, time_zone } => {
                            format!("{} {time_zone}", format!("{unit:?}").to_lowercase())
                        }
                    },
                    s.file.display().to_string(),
                ]
            })
            .collect();
        table(
            &["NAME", "JOURNEY", "SLI", "TARGET", "WINDOW", "FILE"],
            &rows,
        );
    }
    Ok(Code(OK))
}

fn status(cli: &Cli, dir: &Path, at: Option<&str>) -> anyhow::Result<Code> {
    let at_ms = resolve_at(at)?;
    let configs: Vec<SloConfig> = load_slos(dir)?.into_iter().map(|s| s.config).collect();
    let lookback = status_lookback(&configs);
    let mut engine = engine_at(cli, configs.clone(), at_ms, StepSelection::All, lookback)?;
    replay_alerts(&mut engine, at_ms, lookback)?;
    let docs: Vec<StatusJson> = configs
        .iter()
        .zip(engine.status(at_ms))
        .map(|(c, s)| status_json(c, &s, nominal_period(c)))
        .collect();
    if cli.json {
        output::json(&StatusDoc {
            at_ms,
            at: rfc3339(at_ms),
            slos: docs,
        })?;
    } else {
        println!("at {}", rfc3339(at_ms));
        let rows: Vec<Vec<String>> = docs
            .iter()
            .map(|d| {
                let burn = |w: &str| {
                    num(d
                        .burn_rates
                        .iter()
                        .find(|b| b.window == w)
                        .and_then(|b| b.rate))
                };
                vec![
                    d.name.clone(),
                    pct(d.sli),
                    format!("{}%", d.target * 100.0),
                    match d.compliance {
                        Some(true) => "yes".into(),
                        Some(false) => "NO".into(),
                        None => "-".into(),
                    },
                    pct(d.budget.remaining_fraction),
                    burn("1h"),
                    burn("6h"),
                    d.alert_state.to_owned(),
                    format!("{}/{}", d.bad, d.valid),
                ]
            })
            .collect();
        table(
            &[
                "SLO",
                "SLI",
                "TARGET",
                "MET",
                "BUDGET",
                "BURN1H",
                "BURN6H",
                "ALERT",
                "BAD/VALID",
            ],
            &rows,
        );
    }
    Ok(Code(OK))
}

/// Parses `5m,1h,30d` into milliseconds, each from 1 minute to 30 days.
pub fn parse_windows(text: &str) -> Result<Vec<i64>, Refused> {
    let mut out = Vec::new();
    for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let (n, unit) = part.split_at(part.len() - 1);
        let scale = match unit {
            "m" => MINUTE_MS,
            "h" => 60 * MINUTE_MS,
            "d" => DAY_MS,
            "w" => 7 * DAY_MS,
            _ => {
                return Err(Refused(format!(
                    "--windows: {part:?}: use a number and m, h, d or w, e.g. 5m"
                )));
            }
        };
        let ms = n
            .parse::<i64>()
            .ok()
            .and_then(|n| n.checked_mul(scale))
            .ok_or_else(|| Refused(format!("--windows: {part:?} is not a window")))?;
        if !(MINUTE_MS..=30 * DAY_MS).contains(&ms) {
            return Err(Refused(format!("--windows: {part:?} is outside 1m..30d")));
        }
        out.push(ms);
    }
    if out.is_empty() {
        return Err(Refused("--windows: give at least one window".into()));
    }
    Ok(out)
}

fn burn(cli: &Cli, dir: &Path, slo: &str, windows: &str, at: Option<&str>) -> anyhow::Result<Code> {
    let at_ms = resolve_at(at)?;
    let windows = parse_windows(windows)?;
    let config = load_slos(dir)?
        .into_iter()
        .map(|s| s.config)
        .find(|c| c.definition.name == slo)
        .ok_or_else(|| Refused(format!("unknown SLO {slo:?} in {}", dir.display())))?;
    let longest = windows.iter().copied().max().unwrap_or(0);
    let configs = vec![config];
    let steps = named_steps(&configs);
    let engine = engine_at(cli, configs, at_ms, steps, longest)?;
    let rates: Vec<BurnJson> = windows
        .iter()
        .map(|&w| {
            engine
                .burn_rate(slo, at_ms, w)
                .map(|b| BurnJson::from(&b))
                .map_err(|e| anyhow::anyhow!(e.to_string()))
        })
        .collect::<anyhow::Result<_>>()?;
    if cli.json {
        output::json(&serde_json::json!({
            "slo": slo, "at_ms": at_ms, "at": rfc3339(at_ms), "burn_rates": rates,
        }))?;
    } else {
        println!("{slo} at {}", rfc3339(at_ms));
        let rows: Vec<Vec<String>> = rates
            .iter()
            .map(|b| {
                vec![
                    b.window.clone(),
                    num(b.rate),
                    b.bad.to_string(),
                    b.valid.to_string(),
                ]
            })
            .collect();
        table(&["WINDOW", "BURN", "BAD", "VALID"], &rows);
    }
    Ok(Code(OK))
}

/// One SLO in `slo alerts --json`.
#[derive(Serialize)]
struct AlertsJson {
    name: String,
    alert_state: &'static str,
    alerts: Vec<AlertJson>,
    episodes: Vec<EpisodeJson>,
}

#[derive(Serialize)]
struct EpisodeJson {
    rule: usize,
    severity: &'static str,
    pending_at_ms: i64,
    firing_at_ms: i64,
    resolved_at_ms: Option<i64>,
}

fn alerts(cli: &Cli, dir: &Path, at: Option<&str>) -> anyhow::Result<Code> {
    let at_ms = resolve_at(at)?;
    let configs: Vec<SloConfig> = load_slos(dir)?.into_iter().map(|s| s.config).collect();
    // Episodes are replayed over the longest SLO period (at most 31 days).
    let lookback = configs
        .iter()
        .map(nominal_period)
        .max()
        .unwrap_or(0)
        .min(31 * DAY_MS)
        .max(status_lookback(&configs));
    let steps = named_steps(&configs);
    let mut engine = engine_at(cli, configs.clone(), at_ms, steps, lookback)?;
    replay_alerts(&mut engine, at_ms, lookback)?;
    let statuses = engine.status(at_ms);
    let mut docs = Vec::new();
    for (c, s) in configs.iter().zip(&statuses) {
        let name = &c.definition.name;
        let episodes = engine
            .episodes(name)
            .map_err(|e| anyhow::anyhow!(e.to_string()))?
            .iter()
            .map(|e| EpisodeJson {
                rule: e.rule,
                severity: e.severity.as_str(),
                pending_at_ms: e.pending_at_ms,
                firing_at_ms: e.firing_at_ms,
                resolved_at_ms: e.resolved_at_ms,
            })
            .collect();
        docs.push(AlertsJson {
            name: name.clone(),
            alert_state: worst(&s.alerts),
            alerts: alert_json(c, nominal_period(c), &s.alerts),
            episodes,
        });
    }
    if cli.json {
        output::json(&serde_json::json!({
            "at_ms": at_ms, "at": rfc3339(at_ms), "lookback_ms": lookback, "slos": docs,
        }))?;
    } else {
        println!(
            "at {} (episodes since {})",
            rfc3339(at_ms),
            rfc3339(at_ms - lookback)
        );
        let mut rows = Vec::new();
        for d in &docs {
            for a in &d.alerts {
                rows.push(vec![
                    d.name.clone(),
                    a.severity.to_owned(),
                    format!("{}/{}", a.long_window, a.short_window),
                    format!("{:.2}", a.threshold),
                    a.state.to_owned(),
                    a.since_ms.map_or_else(|| "-".into(), rfc3339),
                ]);
            }
            for e in &d.episodes {
                rows.push(vec![
                    d.name.clone(),
                    e.severity.to_owned(),
                    format!("rule {}", e.rule),
                    String::new(),
                    format!("episode fired {}", rfc3339(e.firing_at_ms)),
                    e.resolved_at_ms.map_or_else(
                        || "still firing".into(),
                        |r| format!("resolved {}", rfc3339(r)),
                    ),
                ]);
            }
        }
        table(
            &["SLO", "SEVERITY", "WINDOWS", "THRESHOLD", "STATE", "SINCE"],
            &rows,
        );
    }
    Ok(Code(OK))
}

/// One rule file for every SLO the runner's metrics can express. SLOs that
/// cannot be exported (step or tag filters) are skipped with a warning, so
/// one step SLO does not block the rules of all the others.
fn prometheus_rules(configs: &[SloConfig]) -> anyhow::Result<String> {
    let mut groups = Vec::new();
    for c in configs {
        match export_rules(std::slice::from_ref(c)) {
            Ok(text) => {
                let mut file: Value = serde_norway::from_str(&text)?;
                if let Some(Value::Sequence(g)) = file.get_mut("groups") {
                    groups.append(g);
                }
            }
            Err(e @ sightline_slo::SloError::Unsupported { .. }) => {
                eprintln!("warning: skipped: {e}");
            }
            Err(e) => return Err(Refused(e.to_string()).into()),
        }
    }
    let mut file = serde_norway::Mapping::new();
    file.insert("groups".into(), Value::Sequence(groups));
    Ok(serde_norway::to_string(&file)?)
}

/// SLO names become file names; keep them to a safe alphabet.
fn file_name_for(name: &str) -> Result<String, Refused> {
    let ok = !name.is_empty()
        && !name.starts_with('.')
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    if ok {
        Ok(format!("{name}.yaml"))
    } else {
        Err(Refused(format!(
            "metadata.name: {name:?} cannot be a file name; use letters, digits, '-', '_' and '.'"
        )))
    }
}

fn import(cli: &Cli, dir: &Path, file: &Path, force: bool) -> anyhow::Result<Code> {
    let text =
        std::fs::read_to_string(file).map_err(|e| Refused(format!("{}: {e}", file.display())))?;
    let imported =
        openslo::import(&text).map_err(|e| Refused(format!("{}: {e}", file.display())))?;
    // Decide every destination before writing anything.
    let mut writes: Vec<(PathBuf, String)> = Vec::new();
    for def in &imported.slos {
        let dest = dir.join(file_name_for(&def.name)?);
        // Via JSON so enums are written as mappings, the shape people write,
        // not as YAML tags.
        let yaml = serde_norway::to_string(&serde_json::to_value(def)?)?;
        writes.push((dest, yaml));
    }
    let converted: BTreeSet<&str> = imported.slos.iter().map(|d| d.name.as_str()).collect();
    let kept: Vec<openslo::Document> = imported
        .documents
        .iter()
        .filter(|d| !(d.kind == "SLO" && converted.contains(d.name())))
        .cloned()
        .collect();
    if !kept.is_empty() && !imported.warnings.is_empty() {
        let stem = file
            .file_name()
            .and_then(|n| n.to_str())
            .map(|n| n.split('.').next().unwrap_or(n).to_owned())
            .unwrap_or_else(|| "imported".into());
        writes.push((
            dir.join(format!("{stem}{KEPT_SUFFIX}")),
            openslo::export(&kept),
        ));
    }
    if !force && let Some((dest, _)) = writes.iter().find(|(d, _)| d.exists()) {
        return Err(Refused(format!(
            "{}: already exists; pass --force to replace it",
            dest.display()
        ))
        .into());
    }
    std::fs::create_dir_all(dir).with_context(|| format!("{}: cannot create", dir.display()))?;
    for (dest, yaml) in &writes {
        std::fs::write(dest, yaml).with_context(|| format!("{}: cannot write", dest.display()))?;
    }
    for w in &imported.warnings {
        eprintln!("warning: {}: {w}", file.display());
    }
    if cli.json {
        output::json(&serde_json::json!({
            "files": writes.iter().map(|(d, _)| d.display().to_string()).collect::<Vec<_>>(),
            "slos": imported.slos.iter().map(|d| &d.name).collect::<Vec<_>>(),
            "warnings": imported.warnings,
        }))?;
    } else {
        for (dest, _) in &writes {
            println!("wrote {}", dest.display());
        }
    }
    Ok(Code(OK))
}

fn export(
    cli: &Cli,
    dir: &Path,
    format: SloExportFormat,
    out: Option<&Path>,
) -> anyhow::Result<Code> {
    let configs: Vec<SloConfig> = load_slos(dir)?.into_iter().map(|s| s.config).collect();
    let text = match format {
        SloExportFormat::Prometheus => prometheus_rules(&configs)?,
        SloExportFormat::Openslo => {
            let mut docs: Vec<openslo::Document> = configs
                .iter()
                .map(|c| openslo::from_definition(&c.definition))
                .collect();
            // Documents kept from earlier imports go back out as they came in.
            let mut kept_files: Vec<PathBuf> = std::fs::read_dir(dir)
                .map(|rd| {
                    rd.flatten()
                        .map(|e| e.path())
                        .filter(|p| {
                            p.file_name()
                                .and_then(|n| n.to_str())
                                .is_some_and(|n| n.ends_with(KEPT_SUFFIX))
                        })
                        .collect()
                })
                .unwrap_or_default();
            kept_files.sort();
            for f in kept_files {
                let text = std::fs::read_to_string(&f)
                    .map_err(|e| Refused(format!("{}: {e}", f.display())))?;
                let kept =
                    openslo::import(&text).map_err(|e| Refused(format!("{}: {e}", f.display())))?;
                docs.extend(kept.documents);
            }
            openslo::export(&docs)
        }
    };
    match out {
        Some(dest) => {
            std::fs::write(dest, &text)
                .with_context(|| format!("{}: cannot write", dest.display()))?;
            if cli.json {
                output::json(&serde_json::json!({ "file": dest, "slos": configs.len() }))?;
            } else {
                println!("wrote {}", dest.display());
            }
        }
        None => print!("{text}"),
    }
    Ok(Code(OK))
}
