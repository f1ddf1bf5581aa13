//! `sightline attribute`: why an SLO is burning, from the database; or,
//! with `--from`/`--to`, which services are behind a bad window of
//! telemetry alone.

use std::path::Path;

use anyhow::Context as _;

use sightline_api::attribution::{Window, slo_report, window_report};
use sightline_api::charts::{ChartRequest, slo_charts};
use sightline_api::slo::{journey_tags, load_slos};
use sightline_attribution::{Options, Report, markdown_with_charts};
use sightline_slo::SloConfig;
use sightline_store::Store;

use crate::args::{AttributeArgs, Cli, DocFormat};
use crate::commands::document::{self, Document};
use crate::commands::runs::{now_ms, parse_time};
use crate::exit::{Code, OK, Refused};
use crate::output;

fn time(flag: &str, text: &str) -> anyhow::Result<i64> {
    parse_time(text).map_err(|m| Refused(format!("{flag}: {m}")).into())
}

/// The report, and the SLO it is about (`None` in telemetry-only mode).
fn report(args: &AttributeArgs, store: &Store) -> anyhow::Result<(Report, Option<SloConfig>)> {
    let opts = Options::default();
    if let (Some(from), Some(to)) = (&args.from, &args.to) {
        let window = Window {
            from_ms: time("--from", from)?,
            to_ms: time("--to", to)?,
        };
        let baseline = match (&args.baseline_from, &args.baseline_to) {
            (Some(a), Some(b)) => Some(Window {
                from_ms: time("--baseline-from", a)?,
                to_ms: time("--baseline-to", b)?,
            }),
            _ => None,
        };
        return Ok((window_report(store, window, baseline, &opts)?, None));
    }
    let Some(slo) = &args.slo else {
        return Err(
            Refused("name an SLO, or give --from and --to for telemetry-only mode".into()).into(),
        );
    };
    let at_ms = args
        .at
        .as_deref()
        .map_or_else(|| Ok(now_ms()), |t| time("--at", t))?;
    let slos = load_slos(&args.slos)?;
    let Some(config) = slos
        .iter()
        .map(|s| &s.config)
        .find(|c| c.definition.name == *slo)
    else {
        let names: Vec<&str> = slos
            .iter()
            .map(|s| s.config.definition.name.as_str())
            .collect();
        return Err(Refused(format!(
            "unknown SLO {slo:?} in {} (there: {})",
            args.slos.display(),
            if names.is_empty() {
                "none".to_owned()
            } else {
                names.join(", ")
            }
        ))
        .into());
    };
    let tags = journey_tags(Path::new("journeys"));
    let r = slo_report(store, config, &tags, at_ms, &opts)?;
    Ok((r, Some(config.clone())))
}

/// Runs `sightline attribute`.
pub fn run(cli: &Cli, args: &AttributeArgs) -> anyhow::Result<Code> {
    let format = match (args.markdown, args.html) {
        (true, _) => Some(DocFormat::Md),
        (_, true) => Some(DocFormat::Html),
        _ => None,
    };
    if args.out.is_some() && format.is_none() {
        return Err(Refused("--out needs --markdown or --html".into()).into());
    }
    if cli.json && format.is_some() && args.out.is_none() {
        return Err(Refused("--json and --markdown/--html: choose one".into()).into());
    }
    let app = if args.open {
        if !super::desktop::has_display() {
            return Err(Refused(
                "--open: no display (DISPLAY or WAYLAND_DISPLAY) to open the app on".into(),
            )
            .into());
        }
        Some(super::desktop::app_beside_me().ok_or_else(|| {
            Refused("--open: no sightline-app beside this binary (build it with `cargo build -p sightline-app`)".into())
        })?)
    } else {
        None
    };
    let store = Store::open(cli.db_path())?;
    let (r, config) = report(args, &store)?;
    if let (Some(app), Some(c)) = (&app, &config) {
        let db = cli.db_path();
        let project = std::env::current_dir().context("reading the current folder")?;
        let view = format!("attribution/{}", c.definition.name);
        let opening = super::desktop::Opening {
            db: &db,
            project: &project,
            view: &view,
            at_ms: args.at.as_ref().map(|_| r.at_ms),
        };
        super::desktop::open(app, &opening)
            .map_err(|e| Refused(format!("--open: could not start {}: {e}", app.display())))?;
        if !cli.json {
            eprintln!("opened the desktop app on {view}");
        }
    }
    if let Some(format) = format {
        // Markdown on standard output has nowhere to put charts: none drawn.
        let drawn = format == DocFormat::Html || args.out.is_some();
        let charts = match &config {
            _ if !drawn => Ok(Vec::new()),
            Some(c) => {
                let tags = journey_tags(Path::new("journeys"));
                slo_charts(&store, c, &tags, &r, &ChartRequest::default())
                    .map_err(|e| e.to_string())
            }
            None => Err("telemetry-only reports have no SLO to chart".to_owned()),
        };
        let name = config
            .as_ref()
            .map_or("telemetry", |c| c.definition.name.as_str());
        let doc = Document {
            format,
            out: args.out.as_deref(),
            default_stem: &format!("attribution-{name}"),
            title: &format!("Attribution: {name}"),
            heading: "Charts",
            charts,
        };
        document::emit(doc, cli.json, &|section| markdown_with_charts(&r, section))?;
    } else if cli.json {
        output::json(&r)?;
    } else {
        println!("{}", r.sentence);
        for (i, c) in r.causes.iter().enumerate() {
            println!(
                "  {}. {} {} {:?}: {:.0}% of the burn, confidence {:.2}{}",
                i + 1,
                c.service.as_deref().unwrap_or("?"),
                c.region.as_deref().unwrap_or("(all regions)"),
                c.kind,
                c.share * 100.0,
                c.confidence,
                c.change
                    .as_ref()
                    .map(|ch| format!(", change {}", ch.release.as_deref().unwrap_or(&ch.kind)))
                    .unwrap_or_default()
            );
        }
        if !r.red_herrings.is_empty() {
            println!(
                "  ruled out: {}",
                r.red_herrings
                    .iter()
                    .map(|h| h.series.as_str())
                    .collect::<Vec<_>>()
                    .join("; ")
            );
        }
    }
    Ok(Code(OK))
}
