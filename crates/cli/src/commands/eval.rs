//! `sightline eval`: recording labelled incidents from the demo shop, and
//! scoring the attribution engine on them.

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::Context;
use futures::StreamExt;
use sightline_api::slo::parse_slo_file;
use sightline_attribution::score::{IncidentScore, Labels, grade, summarise};
use sightline_attribution::{Input, Options, Report, RunObs, Window, attribute, markdown};
use sightline_core::Run;
use sightline_demo::incident::files;
use sightline_slo::SloConfig;

use crate::args::{Cli, EvalAttributionArgs, EvalRecordArgs};
use crate::exit::{Code, OK, PROBLEM, Refused};
use sightline_demo::incident_files;

/// Runs `sightline eval record`.
pub fn record(cli: &Cli, args: &EvalRecordArgs) -> anyhow::Result<Code> {
    if args.parallel == 0 {
        return Err(Refused("--parallel 0: record at least one at a time".into()).into());
    }
    for s in &args.scenarios {
        if !s.is_file() {
            return Err(Refused(format!("{}: no such scenario file", s.display())).into());
        }
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    let out = args.out.clone();
    let results: Vec<_> = runtime.block_on(async {
        futures::stream::iter(args.scenarios.clone())
            .map(|s| {
                let out = out.clone();
                async move {
                    if !cli.json {
                        eprintln!("==> recording {}", s.display());
                    }
                    let r = sightline_demo::incident::record(&s, &out).await;
                    if !cli.json {
                        match &r {
                            Ok(d) => eprintln!("==> wrote {}", d.display()),
                            Err(e) => eprintln!("==> {}: {e}", s.display()),
                        }
                    }
                    (s, r)
                }
            })
            .buffer_unordered(args.parallel)
            .collect()
            .await
    });
    let mut failed = Vec::new();
    let mut written = Vec::new();
    for (s, r) in results {
        match r {
            Ok(d) => written.push(d.display().to_string()),
            Err(e) => failed.push(format!("{}: {e}", s.display())),
        }
    }
    if cli.json {
        println!(
            "{}",
            serde_json::json!({"written": written, "failed": failed})
        );
    }
    if failed.is_empty() {
        Ok(Code(OK))
    } else {
        anyhow::bail!(
            "{} recording(s) failed:\n{}",
            failed.len(),
            failed.join("\n")
        )
    }
}

/// The window the alerting SLO is picked over: the page rule's short window.
const PICK_WINDOW_MS: i64 = 5 * 60_000;

/// The SLO burning fastest at `at_ms` over the last five minutes, as an
/// on-call would be paged for; ties go to the first in the file.
fn burning(slos: &[SloConfig], runs: &[Run], at_ms: i64) -> Option<(usize, f64)> {
    let mut best: Option<(usize, f64)> = None;
    for (i, c) in slos.iter().enumerate() {
        let (mut bad, mut all) = (0u64, 0u64);
        for r in runs
            .iter()
            .filter(|r| r.started_at_ms > at_ms - PICK_WINDOW_MS)
        {
            if let Some(o) = RunObs::judge(&c.definition, r, &[]) {
                all += 1;
                bad += u64::from(!o.good);
            }
        }
        if all == 0 {
            continue;
        }
        let burn = (bad as f64 / all as f64) / (1.0 - c.definition.target).max(1e-9);
        if best.is_none_or(|(_, b)| burn > b) {
            best = Some((i, burn));
        }
    }
    best
}

/// Explains the burning SLO of one incident and grades the answer.
/// Telemetry-only mode: the recording's first 80 s are the baseline (every
/// scenario's faults start at 90 s or later) and its last 3 minutes the window.
const TELEMETRY_BASELINE_MS: i64 = 80_000;
/// See [`TELEMETRY_BASELINE_MS`].
const TELEMETRY_WINDOW_MS: i64 = 180_000;

fn eval_one(
    dir: &Path,
    slos: &[SloConfig],
    telemetry_only: bool,
) -> anyhow::Result<(IncidentScore, Report, f64)> {
    let inc = incident_files::load(dir).map_err(|e| Refused(e.to_string()))?;
    let at_ms = inc.runs.iter().map(|r| r.started_at_ms).max().unwrap_or(0) + 1;
    let start_ms = inc.runs.iter().map(|r| r.started_at_ms).min().unwrap_or(0);
    let (i, burn) = burning(slos, &inc.runs, at_ms)
        .ok_or_else(|| Refused(format!("{}: no run counts for any SLO", dir.display())))?;
    let def = &slos[i].definition;
    let obs: Vec<RunObs> = if telemetry_only {
        Vec::new()
    } else {
        inc.runs
            .iter()
            .filter_map(|r| RunObs::judge(def, r, &[]))
            .collect()
    };
    let input = Input {
        slo: (!telemetry_only).then_some((def.name.as_str(), def.target)),
        at_ms,
        runs: &obs,
        spans: &inc.spans,
        events: &inc.events,
        metrics: &inc.metrics,
        logs: &inc.logs,
        red: None,
        window: telemetry_only.then_some(Window {
            from_ms: at_ms - TELEMETRY_WINDOW_MS,
            to_ms: at_ms,
        }),
        baseline: telemetry_only.then_some(Window {
            from_ms: start_ms,
            to_ms: start_ms + TELEMETRY_BASELINE_MS,
        }),
    };
    let report = attribute(&input, &Options::default());
    // The labels are read only now, after the answer is in.
    let labels_path = dir.join(files::LABELS);
    let text = std::fs::read_to_string(&labels_path)
        .with_context(|| format!("{}", labels_path.display()))?;
    let labels: Labels = serde_json::from_str(&text)
        .map_err(|e| Refused(format!("{}: {e}", labels_path.display())))?;
    let name = dir
        .file_name()
        .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
    let subject = if telemetry_only {
        "(telemetry only)"
    } else {
        def.name.as_str()
    };
    let score = grade(&name, subject, &report, &labels)
        .ok_or_else(|| Refused(format!("{}: no cause is labelled", labels_path.display())))?;
    Ok((score, report, burn))
}

fn yes(b: bool) -> &'static str {
    if b { "yes" } else { "no" }
}

/// Runs `sightline eval attribution`.
pub fn attribution(cli: &Cli, args: &EvalAttributionArgs) -> anyhow::Result<Code> {
    let slos_path = args.dir.join("slos.yaml");
    let text = std::fs::read_to_string(&slos_path)
        .map_err(|e| Refused(format!("{}: {e}", slos_path.display())))?;
    let slos = parse_slo_file(&slos_path, &text)?;
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&args.dir)
        .map_err(|e| Refused(format!("{}: {e}", args.dir.display())))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| incident_files::is_incident(p))
        .collect();
    dirs.sort();
    if dirs.is_empty() {
        return Err(Refused(format!(
            "{}: no recorded incidents (folders with {})",
            args.dir.display(),
            files::RUNS
        ))
        .into());
    }
    let started = Instant::now();
    let mut scores = Vec::new();
    let mut reports = Vec::new();
    let mut burns = Vec::new();
    for d in &dirs {
        let t0 = Instant::now();
        let (s, r, burn) = eval_one(d, &slos, args.telemetry_only)?;
        burns.push(burn);
        if !cli.json {
            eprintln!("==> {} ({} ms)", s.incident, t0.elapsed().as_millis());
        }
        scores.push(s);
        reports.push(r);
    }
    let summary = summarise(&scores);
    let goals_met = scores.iter().all(IncidentScore::top1)
        && summary.onset_within_2min == scores.len()
        && summary.red_herring_first == 0;
    if cli.json {
        let incidents: Vec<serde_json::Value> = scores
            .iter()
            .zip(&reports)
            .zip(&burns)
            .map(|((s, r), b)| {
                let mut v = serde_json::to_value(s).unwrap_or_default();
                v["burn_rate_5m"] = serde_json::json!(b);
                v["kind"] = serde_json::json!(r.causes.first().map(|c| c.kind));
                v
            })
            .collect();
        let mut doc = serde_json::json!({
            "summary": summary,
            "incidents": incidents,
            "goals_met": goals_met,
            "seconds": started.elapsed().as_secs_f64(),
        });
        if args.reports {
            doc["reports"] = serde_json::to_value(&reports)?;
        }
        println!("{}", serde_json::to_string_pretty(&doc)?);
    } else {
        println!(
            "| incident | SLO (5 m burn) | truth | top cause | kind | service | region | release | onset err | true share | herring rank |"
        );
        println!("|---|---|---|---|---|---|---|---|---|---|---|");
        for ((s, r), burn) in scores.iter().zip(&reports).zip(&burns) {
            println!(
                "| {} | {} ({burn:.1}x) | {} {} {} | {} {} {} | {} | {} | {} | {} | {} | {:.0}% | {} |",
                s.incident,
                s.slo,
                s.truth.0,
                s.truth.1,
                s.truth.2.as_deref().unwrap_or("-"),
                s.answer.0.as_deref().unwrap_or("-"),
                s.answer.1.as_deref().unwrap_or("-"),
                s.answer.2.as_deref().unwrap_or("-"),
                r.causes.first().map_or_else(
                    || "-".to_owned(),
                    |c| format!("{:?}", c.kind).to_lowercase()
                ),
                yes(s.service_top1),
                yes(s.region_top1),
                yes(s.release_top1),
                s.onset_error_s
                    .map_or_else(|| "-".to_owned(), |e| format!("{e:.0} s")),
                s.true_share * 100.0,
                if s.has_red_herring {
                    s.red_herring_rank
                        .map_or_else(|| "not ranked".to_owned(), |r| r.to_string())
                } else {
                    "-".to_owned()
                },
            );
        }
        let p = |x: f64| format!("{:.0}%", x * 100.0);
        println!();
        println!(
            "{} incidents in {:.2} s. Top-1 / top-3: service {} / {}, region {} / {}, release {} / {}.",
            summary.incidents,
            started.elapsed().as_secs_f64(),
            p(summary.service_top1),
            p(summary.service_top3),
            p(summary.region_top1),
            p(summary.region_top3),
            p(summary.release_top1),
            p(summary.release_top3)
        );
        println!(
            "Onset error: mean {:.0} s, worst {:.0} s ({} of {} within 2 min). Mean share to the true cause {}. Red herring ranked first: {}.",
            summary.onset_error_mean_s,
            summary.onset_error_max_s,
            summary.onset_within_2min,
            summary.incidents,
            p(summary.true_share_mean),
            summary.red_herring_first
        );
        println!(
            "Goals (top-1 everywhere, onset within 2 min, no red herring first): {}",
            if goals_met { "met" } else { "NOT met" }
        );
        if args.reports {
            for (s, r) in scores.iter().zip(&reports) {
                println!("\n---\n## {}\n\n{}", s.incident, markdown(r));
            }
        }
    }
    Ok(Code(if goals_met { OK } else { PROBLEM }))
}
