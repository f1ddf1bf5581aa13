//! `sightline slo list | status | burn | alerts | import | export`.
//!
//! The SLO engine is pure; this module is its I/O. It reads the definitions
//! from the project's `slos/*.yaml`, streams the runs they need from the
//! store (only the journeys named and only the time range the windows
//! reach), reads the clock when `--at` is not given, and prints. The numbers
//! are the engine's, unchanged.

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use anyhow::Context;
use serde::Serialize;
use serde_norway::Value;
use sightline_core::{SliKind, SloDefinition};
use sightline_slo::openslo;
use sightline_slo::prometheus::{export_rules, prom_duration};
use sightline_slo::{
    AlertPolicy, AlertState, SliEvent, SloConfig, SloEngine, SloStatus, StepTiming,
};
use sightline_slo::{DAY_MS, MINUTE_MS};
use sightline_store::Store;
use sightline_store::queries::sli::{self, SliQuery, StepSelection};

use crate::args::{Cli, SloArgs, SloCommand, SloExportFormat};
use crate::commands::runs::{now_ms, parse_time};
use crate::exit::{Code, OK, Refused};
use crate::output;

/// Files in the SLO folder that hold OpenSLO documents Sightline keeps but
/// does not evaluate; the loader skips them and `export --format openslo`
/// writes them back.
const KEPT_SUFFIX: &str = ".openslo.yaml";

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

/// One SLO and the file it came from.
pub struct LoadedSlo {
    /// The file, for error messages.
    pub file: PathBuf,
    /// The definition with its alert policy.
    pub config: SloConfig,
}

/// The `*.yaml` files of `dir`, sorted, without kept OpenSLO documents.
fn slo_files(dir: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let entries = std::fs::read_dir(dir).map_err(|e| {
        Refused(format!(
            "{}: cannot read the SLO folder ({e}); create it or pass --slos DIR",
            dir.display()
        ))
    })?;
    let mut files = Vec::new();
    for entry in entries {
        let path = entry
            .with_context(|| format!("{}: cannot list", dir.display()))?
            .path();
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if (name.ends_with(".yaml") || name.ends_with(".yml")) && !name.ends_with(KEPT_SUFFIX) {
            files.push(path);
        }
    }
    files.sort();
    Ok(files)
}

/// Parses one SLO file: a mapping, a list of mappings, or several YAML
/// documents of either. Each mapping is a `SloDefinition` plus an optional
/// `policy` (an `AlertPolicy`; the Workbook default when absent).
pub fn parse_slo_file(file: &Path, text: &str) -> Result<Vec<SloConfig>, Refused> {
    use serde::Deserialize;
    let f = file.display();
    let mut out = Vec::new();
    for (d, de) in serde_norway::Deserializer::from_str(text).enumerate() {
        let doc = Value::deserialize(de)
            .map_err(|e| Refused(format!("{f}: document {d}: not YAML: {e}")))?;
        let items = match doc {
            Value::Null => continue,
            Value::Sequence(items) => items.into_iter().enumerate().collect(),
            other => vec![(0, other)],
        };
        let many = items.len() > 1;
        for (k, item) in items {
            let at = if many {
                format!("{f}: document {d}, item {k}")
            } else {
                format!("{f}: document {d}")
            };
            let Value::Mapping(mut map) = item else {
                return Err(Refused(format!("{at}: an SLO must be a mapping")));
            };
            let policy = match map.remove("policy") {
                None => AlertPolicy::default(),
                Some(p) => typed(&at, "policy", p)?,
            };
            let definition: SloDefinition = typed(&at, "", Value::Mapping(map))?;
            out.push(SloConfig { definition, policy });
        }
    }
    Ok(out)
}

fn typed<T: serde::de::DeserializeOwned>(at: &str, prefix: &str, v: Value) -> Result<T, Refused> {
    // Through JSON's data model: serde_norway's `Value` only reads enums
    // written as YAML tags, while the SLO shape writes them as mappings
    // (`window: { rolling: { days: 28 } }`).
    let v = serde_json::to_value(&v)
        .map_err(|e| Refused(format!("{at}: {prefix}: not representable: {e}")))?;
    serde_path_to_error::deserialize(v).map_err(|e| {
        let path = e.path().to_string();
        let path = match (prefix.is_empty(), path == ".") {
            (true, true) => "(root)".to_owned(),
            (true, false) => path,
            (false, true) => prefix.to_owned(),
            (false, false) => format!("{prefix}.{path}"),
        };
        Refused(format!("{at}: {path}: {}", e.into_inner()))
    })
}

/// Every SLO of the folder, validated; names unique across files.
pub fn load_slos(dir: &Path) -> anyhow::Result<Vec<LoadedSlo>> {
    let mut out: Vec<LoadedSlo> = Vec::new();
    for file in slo_files(dir)? {
        let text = std::fs::read_to_string(&file)
            .map_err(|e| Refused(format!("{}: {e}", file.display())))?;
        for config in parse_slo_file(&file, &text)? {
            config
                .validate(None)
                .map_err(|e| Refused(format!("{}: {e}", file.display())))?;
            if let Some(other) = out
                .iter()
                .find(|o| o.config.definition.name == config.definition.name)
            {
                return Err(Refused(format!(
                    "{}: {}: name: duplicate SLO name (also in {})",
                    file.display(),
                    config.definition.name,
                    other.file.display()
                ))
                .into());
            }
            out.push(LoadedSlo {
                file: file.clone(),
                config,
            });
        }
    }
    Ok(out)
}

/// Journey tags from the project's `journeys/` folder, for SLO tag filters.
/// Files that do not load are skipped: they are `journey validate`'s business.
fn journey_tags(root: &Path) -> HashMap<String, Vec<String>> {
    let mut tags = HashMap::new();
    let mut stack = vec![root.to_owned()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "yaml" || e == "yml")
                && let Ok(loaded) = sightline_journeys::load(&path)
            {
                tags.insert(loaded.journey.name, loaded.journey.tags);
            }
        }
    }
    tags
}

// ---------------------------------------------------------------------------
// Feeding the engine

/// How far before `at` the engine needs events for `configs`: the compliance
/// window, every burn window reported and every alert rule's long window,
/// plus `extra_ms` of alert history to replay.
fn reach_ms(configs: &[SloConfig], at_ms: i64, extra_ms: i64) -> anyhow::Result<i64> {
    let mut from = at_ms;
    for c in configs {
        let w = c
            .validate(None)
            .map_err(|e| Refused(e.to_string()))?
            .bounds(at_ms);
        let longest_rule = c
            .policy
            .rules
            .iter()
            .map(|r| r.long_window_ms)
            .max()
            .unwrap_or(0);
        let reach = w.period_ms.max(3 * DAY_MS).max(longest_rule + extra_ms);
        from = from.min(w.start_ms).min(at_ms + 1 - reach);
    }
    Ok(from)
}

/// An engine holding every stored final run the SLOs count up to `at_ms`.
/// `steps` chooses how much step data to read; `extra_ms` widens the range
/// for alert replay.
fn engine_at(
    cli: &Cli,
    configs: Vec<SloConfig>,
    at_ms: i64,
    steps: StepSelection,
    extra_ms: i64,
) -> anyhow::Result<SloEngine> {
    let from_ms = reach_ms(&configs, at_ms, extra_ms)?;
    let journeys: BTreeSet<String> = configs
        .iter()
        .map(|c| c.definition.filter.journey.clone())
        .collect();
    let want_tags = configs.iter().any(|c| !c.definition.filter.tags.is_empty());
    let tags = if want_tags {
        journey_tags(Path::new("journeys"))
    } else {
        HashMap::new()
    };
    let mut engine = SloEngine::new(configs, None).map_err(|e| Refused(e.to_string()))?;
    let db = cli.db_path();
    // No database yet means no runs: every SLI is undefined, not an error.
    if !db.exists() {
        return Ok(engine);
    }
    let store = Store::open_read_only(&db)?;
    let q = SliQuery {
        journeys: journeys.into_iter().collect(),
        from_ms,
        to_ms: at_ms,
        steps,
    };
    let spinner = output::spinner(cli, "reading runs");
    sli::for_each_run(store.conn(), &q, |r| {
        engine.apply(SliEvent {
            run_id: r.id,
            started_at_ms: r.started_at_ms,
            tags: tags.get(&r.journey).cloned().unwrap_or_default(),
            journey: r.journey,
            region: r.region,
            duration_ms: r.duration_ms,
            outcome: r.outcome,
            steps: r
                .steps
                .into_iter()
                .map(|s| StepTiming {
                    name: s.name,
                    duration_ms: s.duration_ms,
                    outcome: s.outcome,
                })
                .collect(),
        });
        Ok(())
    })?;
    spinner.finish_and_clear();
    Ok(engine)
}

/// The step names step-level SLOs need.
fn named_steps(configs: &[SloConfig]) -> StepSelection {
    let names: BTreeSet<String> = configs
        .iter()
        .filter_map(|c| c.definition.filter.step.clone())
        .collect();
    StepSelection::Named(names.into_iter().collect())
}

/// How far back `status` replays alert evaluations: the longest long window
/// of any rule, so a rule with a `for` delay shorter than that is judged on
/// its real history.
fn status_lookback(configs: &[SloConfig]) -> i64 {
    configs
        .iter()
        .flat_map(|c| c.policy.rules.iter().map(|r| r.long_window_ms))
        .max()
        .unwrap_or(0)
}

/// Drives the alert state machine once a minute over `(at - lookback, at]`,
/// on the minute grid so results do not depend on when the command ran, and
/// finally at `at` itself.
pub fn replay_alerts(engine: &mut SloEngine, at_ms: i64, lookback_ms: i64) -> anyhow::Result<()> {
    let first = (at_ms - lookback_ms).div_euclid(MINUTE_MS) * MINUTE_MS + MINUTE_MS;
    let mut t = first;
    while t < at_ms {
        engine
            .evaluate_alerts(t)
            .map_err(|e| anyhow::anyhow!(e.to_string()))?;
        t += MINUTE_MS;
    }
    engine
        .evaluate_alerts(at_ms)
        .map_err(|e| anyhow::anyhow!(e.to_string()))?;
    Ok(())
}

fn resolve_at(at: Option<&str>) -> anyhow::Result<i64> {
    match at {
        None => Ok(now_ms()),
        Some(text) => parse_time(text).map_err(|m| Refused(format!("--at: {m}")).into()),
    }
}

use crate::output::rfc3339_ms as rfc3339;

// ---------------------------------------------------------------------------
// JSON shapes (documented in docs/cli.md; fields are only ever added)

/// One burn rate in `--json` output.
#[derive(Serialize)]
pub struct BurnJson {
    /// The window in Prometheus syntax, e.g. `1h`.
    pub window: String,
    /// The window in milliseconds.
    pub window_ms: i64,
    /// Valid events in the window.
    pub valid: u64,
    /// Bad events in the window.
    pub bad: u64,
    /// Error ratio / (1 - target); null without valid events or at 100%.
    pub rate: Option<f64>,
}

impl BurnJson {
    fn from(b: &sightline_slo::BurnRate) -> Self {
        BurnJson {
            window: prom_duration(b.window_ms),
            window_ms: b.window_ms,
            valid: b.counts.valid,
            bad: b.counts.bad(),
            rate: b.rate,
        }
    }
}

/// One alert rule's state in `--json` output.
#[derive(Serialize)]
pub struct AlertJson {
    /// Index of the rule in the SLO's policy.
    pub rule: usize,
    /// `page` or `ticket`.
    pub severity: &'static str,
    /// The long window, e.g. `1h`.
    pub long_window: String,
    /// The short window, e.g. `5m`.
    pub short_window: String,
    /// The burn-rate threshold after scaling to the SLO's period.
    pub threshold: f64,
    /// `inactive`, `pending` or `firing`.
    pub state: &'static str,
    /// When the current state began (pending or firing), Unix ms.
    pub since_ms: Option<i64>,
}

fn state_word(s: &AlertState) -> (&'static str, Option<i64>) {
    match *s {
        AlertState::Inactive => ("inactive", None),
        AlertState::Pending { since_ms } => ("pending", Some(since_ms)),
        AlertState::Firing { since_ms, .. } => ("firing", Some(since_ms)),
    }
}

fn alert_json(config: &SloConfig, period_ms: i64, states: &[AlertState]) -> Vec<AlertJson> {
    config
        .policy
        .rules
        .iter()
        .zip(states)
        .enumerate()
        .map(|(i, (r, s))| {
            let (state, since_ms) = state_word(s);
            AlertJson {
                rule: i,
                severity: r.severity.as_str(),
                long_window: prom_duration(r.long_window_ms),
                short_window: prom_duration(r.short_window_ms),
                threshold: r.burn_rate_threshold(period_ms),
                state,
                since_ms,
            }
        })
        .collect()
}

/// The worst state among rules: `firing` > `pending` > `inactive`.
fn worst(states: &[AlertState]) -> &'static str {
    if states
        .iter()
        .any(|s| matches!(s, AlertState::Firing { .. }))
    {
        "firing"
    } else if states
        .iter()
        .any(|s| matches!(s, AlertState::Pending { .. }))
    {
        "pending"
    } else {
        "inactive"
    }
}

/// The whole `slo status --json` document.
#[derive(Serialize)]
pub struct StatusDoc {
    /// The evaluation time, Unix ms.
    pub at_ms: i64,
    /// The evaluation time, RFC 3339 UTC.
    pub at: String,
    /// One entry per SLO, in folder order (files sorted, then file order).
    pub slos: Vec<StatusJson>,
}

/// One SLO in `slo status --json`.
#[derive(Serialize)]
pub struct StatusJson {
    /// The SLO's name.
    pub name: String,
    /// The journey measured.
    pub journey: String,
    /// The step measured, for step-level SLOs.
    pub step: Option<String>,
    /// `availability`, `latency` or `availability_and_latency`.
    pub sli_kind: &'static str,
    /// The latency threshold, for latency kinds.
    pub threshold_ms: Option<i64>,
    /// The objective, a fraction in (0, 1].
    pub target: f64,
    /// The compliance window counted: `[start_ms, end_ms)` and the period's length.
    pub window: WindowJson,
    /// Valid events in the window.
    pub valid: u64,
    /// Good events in the window.
    pub good: u64,
    /// Bad events in the window.
    pub bad: u64,
    /// good / valid; null when there are no valid events (never 100%).
    pub sli: Option<f64>,
    /// sli >= target; null when the SLI is undefined.
    pub compliance: Option<bool>,
    /// The error budget.
    pub budget: BudgetJson,
    /// Burn rates over 5m, 30m, 1h, 6h, 1d, 3d and the SLO's period.
    pub burn_rates: Vec<BurnJson>,
    /// When the budget runs out at the last hour's burn; null if never.
    pub exhaustion_at_ms: Option<i64>,
    /// The worst alert state among the rules.
    pub alert_state: &'static str,
    /// Every rule's state.
    pub alerts: Vec<AlertJson>,
    /// Per-region counts and SLI.
    pub by_region: Vec<RegionJson>,
    /// Bad events blamed on each step.
    pub by_step: Vec<StepJson>,
}

/// The counted window.
#[derive(Serialize)]
pub struct WindowJson {
    /// First millisecond counted.
    pub start_ms: i64,
    /// One past the last millisecond counted (`at + 1`).
    pub end_ms: i64,
    /// The period's length in ms.
    pub period_ms: i64,
}

/// The error budget.
#[derive(Serialize)]
pub struct BudgetJson {
    /// 1 - target.
    pub total_fraction: f64,
    /// Share of the budget spent; null without valid events or at 100%.
    pub consumed_fraction: Option<f64>,
    /// 1 - consumed (negative once overspent); null as above.
    pub remaining_fraction: Option<f64>,
    /// Bad events the window allows so far.
    pub allowed_bad_events: f64,
    /// Bad events still allowed (negative once overspent).
    pub remaining_bad_events: f64,
    /// More bad events than allowed.
    pub exhausted: bool,
}

/// One region's share.
#[derive(Serialize)]
pub struct RegionJson {
    /// The region.
    pub region: String,
    /// Valid events.
    pub valid: u64,
    /// Good events.
    pub good: u64,
    /// The region's SLI.
    pub sli: Option<f64>,
}

/// Bad events blamed on one step.
#[derive(Serialize)]
pub struct StepJson {
    /// The step's name.
    pub step: String,
    /// Bad events blamed on it.
    pub bad_events: u64,
    /// Its share of all bad events.
    pub share_of_bad: Option<f64>,
}

fn status_json(config: &SloConfig, s: &SloStatus, nominal_period_ms: i64) -> StatusJson {
    let d = &config.definition;
    let (sli_kind, threshold_ms) = match d.sli {
        SliKind::Availability => ("availability", None),
        SliKind::Latency { threshold_ms } => ("latency", Some(threshold_ms)),
        SliKind::AvailabilityAndLatency { threshold_ms } => {
            ("availability_and_latency", Some(threshold_ms))
        }
    };
    StatusJson {
        name: d.name.clone(),
        journey: d.filter.journey.clone(),
        step: d.filter.step.clone(),
        sli_kind,
        threshold_ms,
        target: d.target,
        window: WindowJson {
            start_ms: s.window.start_ms,
            end_ms: s.window.end_ms,
            period_ms: s.window.period_ms,
        },
        valid: s.counts.valid,
        good: s.counts.good,
        bad: s.counts.bad(),
        sli: s.sli,
        compliance: s.compliant,
        budget: BudgetJson {
            total_fraction: s.budget.total_fraction,
            consumed_fraction: s.budget.consumed_fraction,
            remaining_fraction: s.budget.remaining_fraction,
            allowed_bad_events: s.budget.allowed_bad_events,
            remaining_bad_events: s.budget.remaining_bad_events,
            exhausted: s.budget.exhausted,
        },
        burn_rates: s.burn_rates.iter().map(BurnJson::from).collect(),
        exhaustion_at_ms: s.forecast.exhaustion_at_ms,
        alert_state: worst(&s.alerts),
        alerts: alert_json(config, nominal_period_ms, &s.alerts),
        by_region: s
            .by_region
            .iter()
            .map(|r| RegionJson {
                region: r.region.clone(),
                valid: r.counts.valid,
                good: r.counts.good,
                sli: r.sli,
            })
            .collect(),
        by_step: s
            .by_step
            .iter()
            .map(|b| StepJson {
                step: b.step.clone(),
                bad_events: b.bad_events,
                share_of_bad: b.share_of_bad,
            })
            .collect(),
    }
}

fn nominal_period(config: &SloConfig) -> i64 {
    config
        .validate(None)
        .map(|w| w.nominal_period_ms())
        .unwrap_or(30 * DAY_MS)
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
