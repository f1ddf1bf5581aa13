//! `sightline discover`: candidate journeys from real traffic, and the
//! people's decision on each (docs/discovery.md).
//!
//! The work is `sightline_api::discovery`'s, shared with the app's
//! Discovery view: it opens the files, streams them into `sightline-paths`
//! and keeps the decisions in `.sightline/discovery.json` in the project,
//! so a rejected candidate stays rejected (ids are hashes of the
//! representative path, stable over the same data). This module turns the
//! arguments into its request and prints the answer.

use std::path::{Path, PathBuf};

use anyhow::Context;
use sightline_api::ApiContext;
use sightline_api::discovery::input::read_files;
use sightline_api::discovery::{
    DECISIONS, DiscoveryDecision, DiscoveryRequest, DiscoveryView, Verdict, decide,
};
use sightline_paths::parse::ParseReport;
use sightline_paths::{Candidate, Format};

use crate::args::{Cli, DiscoverAction, DiscoverArgs, DiscoverFormat, DiscoverInput};
use crate::exit::{Code, OK, Refused};
use crate::output;

fn format_of(f: DiscoverFormat) -> Format {
    match f {
        DiscoverFormat::Auto => Format::Auto,
        DiscoverFormat::Clf => Format::Clf,
        DiscoverFormat::Combined => Format::Combined,
        DiscoverFormat::NginxJson => Format::NginxJson,
        DiscoverFormat::Alb => Format::Alb,
        DiscoverFormat::Otlp => Format::Otlp,
        DiscoverFormat::Har => Format::Har,
    }
}

/// A refusal (bad input named by the api) as exit 3, anything else as is.
fn refused(e: sightline_api::ApiError) -> anyhow::Error {
    match e.code() {
        sightline_api::ErrorCode::InvalidRequest
        | sightline_api::ErrorCode::NotFound
        | sightline_api::ErrorCode::BadInput => Refused(e.to_string()).into(),
        _ => e.into(),
    }
}

/// The api's request for `files` (relative to the current folder, as typed).
fn request(input: &DiscoverInput, files: &[PathBuf]) -> anyhow::Result<DiscoveryRequest> {
    let here = std::env::current_dir().context("reading the current folder")?;
    Ok(DiscoveryRequest {
        files: files
            .iter()
            .map(|f| here.join(f).display().to_string())
            .collect(),
        format: format_of(input.format),
        store_hours: None,
        weights: input.weights.clone(),
        fields: input.fields.clone(),
        gap_minutes: Some(input.gap_minutes),
        base_url: Some(input.base_url.clone()),
        include_rejected: input.all,
    })
}

fn context(cli: &Cli, input: &DiscoverInput) -> ApiContext {
    ApiContext::new(cli.db_path()).with_project(&input.project)
}

fn warn_bad(reports: &[ParseReport]) {
    for r in reports {
        for b in r.bad.iter().take(5) {
            tracing::warn!("{}: line {}: {}", r.file, b.line, b.message);
        }
    }
}

/// Runs `sightline discover`.
pub fn run(cli: &Cli, args: &DiscoverArgs) -> anyhow::Result<Code> {
    let input = &args.input;
    match &args.action {
        Some(DiscoverAction::Reject { candidate }) => {
            decide(&input.project, candidate, "rejected").map_err(refused)?;
            if cli.json {
                output::json(&serde_json::json!({ "rejected": candidate }))?;
            } else {
                println!("rejected {candidate} (remembered in {DECISIONS})");
            }
            Ok(Code(OK))
        }
        Some(DiscoverAction::Accept { candidate, files }) => accept(cli, input, candidate, files),
        Some(DiscoverAction::Simulate {
            out,
            sessions,
            noise,
            seed,
            shop,
            concurrency,
        }) => {
            if !(0.0..=1.0).contains(noise) {
                return Err(Refused(format!("--noise {noise}: a share, from 0 to 1")).into());
            }
            let mix = sightline_paths::simulate::Mix {
                sessions: *sessions,
                noise: *noise,
                seed: *seed,
                ..Default::default()
            };
            if *shop {
                return drive_shop(cli, out, &mix, *concurrency);
            }
            let g = sightline_paths::simulate::generate(&mix);
            std::fs::create_dir_all(out)?;
            std::fs::write(out.join("access.log"), &g.log)?;
            std::fs::write(out.join("truth.csv"), &g.truth)?;
            if cli.json {
                output::json(
                    &serde_json::json!({ "lines": g.lines, "dir": out.display().to_string() }),
                )?;
            } else {
                println!(
                    "wrote {} lines to {}",
                    g.lines,
                    out.join("access.log").display()
                );
            }
            Ok(Code(OK))
        }
        Some(DiscoverAction::Eval { dir }) => {
            let truth = std::fs::read_to_string(dir.join("truth.csv"))
                .with_context(|| format!("reading {}", dir.join("truth.csv").display()))?;
            let mut reqs = Vec::new();
            let log = dir.join("access.log");
            let reports = read_files(
                &[log.as_path()],
                format_of(input.format),
                &input.fields,
                &mut reqs,
            )
            .map_err(refused)?;
            warn_bad(&reports);
            let started = std::time::Instant::now();
            let found =
                sightline_api::discovery::run_on(reqs, &request(input, &[])?).map_err(refused)?;
            let took_ms = started.elapsed().as_millis();
            let s = sightline_paths::eval::score_truth(&truth, &found.assignments);
            if cli.json {
                output::json(
                    &serde_json::json!({ "score": s, "candidates": found.candidates.len(), "discover_ms": took_ms }),
                )?;
            } else {
                println!(
                    "ARI {:.3}  purity {:.3}  over {} sessions; {} candidates; bots dropped {}/{}; humans dropped {}; discovery took {took_ms} ms",
                    s.agreement.ari,
                    s.agreement.purity,
                    s.agreement.items,
                    found.candidates.len(),
                    s.bots_dropped,
                    s.bots,
                    s.humans_dropped
                );
            }
            Ok(Code(OK))
        }
        None => {
            if args.files.is_empty() {
                return Err(
                    Refused("give the files to read (access logs, HAR, OTLP JSON)".into()).into(),
                );
            }
            let view = sightline_api::discovery(&context(cli, input), request(input, &args.files)?)
                .map_err(refused)?;
            warn_bad(&view.inputs);
            if cli.json {
                output::json(&view)?;
            } else {
                print_listing(&view);
            }
            Ok(Code(OK))
        }
    }
}

fn print_listing(view: &DiscoveryView) {
    let (d, decisions, hidden) = (&view.discovery, &view.decisions, view.hidden_rejected);
    for r in &view.inputs {
        println!(
            "{}: {} as {}, {} requests, {} bad lines",
            r.file,
            r.lines,
            r.format.name(),
            r.requests,
            r.bad_lines
        );
    }
    println!(
        "{} sessions ({} in candidates, {} noise); bots dropped {} (user agent {}, robots.txt {}, rate {}, no assets {}); set aside {} assets, {} health checks",
        d.sessions,
        d.clustered_sessions,
        d.noise_sessions,
        d.bots.total(),
        d.bots.user_agent,
        d.bots.robots_txt,
        d.bots.rate,
        d.bots.no_assets,
        d.set_aside.assets,
        d.set_aside.health
    );
    for c in &d.candidates {
        print_candidate(c, decisions.get(&c.id).map(String::as_str));
    }
    if hidden > 0 {
        println!("({hidden} rejected candidates hidden; --all shows them)");
    }
}

fn print_candidate(c: &Candidate, decision: Option<&str>) {
    let p = &c.proposal;
    let latency = p.latency.as_ref().map_or(String::new(), |l| {
        format!(
            ", latency {} ms at {:.2}% (p95 {:.0} ms, budget spent {:.0}%)",
            l.threshold_ms,
            l.objective.target * 100.0,
            l.p95_ms,
            l.objective.budget_spent * 100.0
        )
    });
    println!(
        "\n#{} {} {}{}  score {:.3} = {} × (traffic {:.3} + 2 × failure {:.3} + latency {:.3})",
        c.rank,
        c.id,
        c.name,
        decision.map_or(String::new(), |d| format!(" [{d}]")),
        c.score.total,
        c.score.weight,
        c.score.traffic,
        c.score.failure,
        c.score.latency
    );
    println!(
        "  {} sessions ({:.1}%), {:.0} users/day, {} completed, {} failed",
        c.sessions,
        c.coverage * 100.0,
        c.users_per_day,
        c.completed,
        c.failed_sessions
    );
    for f in &c.funnel {
        println!(
            "  {:<40} reached {:>6}  left {:>5} ({} after an error)",
            f.step, f.reached, f.abandoned, f.abandoned_after_error
        );
    }
    println!(
        "  SLI on {}: availability {:.2}% (observed {:.3}%, budget spent {:.0}%){latency}",
        p.key_step,
        p.availability.target * 100.0,
        p.availability.observed * 100.0,
        p.availability.budget_spent * 100.0
    );
}

fn accept(cli: &Cli, input: &DiscoverInput, id: &str, files: &[PathBuf]) -> anyhow::Result<Code> {
    let made = sightline_api::discovery_decide(
        &context(cli, input),
        DiscoveryDecision {
            request: request(input, files)?,
            candidate: id.to_owned(),
            verdict: Verdict::Accept,
            target: None,
            threshold_ms: None,
        },
    )
    .map_err(refused)?;
    let path = |i: usize| input.project.join(&made.files[i]).display().to_string();
    let (slo, journey) = (path(0), path(1));
    let record = made
        .record
        .as_ref()
        .map(|r| format!("sightline record --url {} --out {journey} --force", r.url));
    if cli.json {
        output::json(&serde_json::json!({
            "accepted": id,
            "journey": journey,
            "slo": slo,
            "record": record,
        }))?;
    } else {
        println!("accepted {id}: wrote {journey} and {slo}");
        if let Some(r) = record {
            println!("fill in the skeleton's clicks and fields by recording it:\n  {r}");
        }
    }
    Ok(Code(OK))
}

/// `discover simulate --shop`: the demo shop driven by simulated users.
fn drive_shop(
    cli: &Cli,
    out: &Path,
    mix: &sightline_paths::simulate::Mix,
    concurrency: usize,
) -> anyhow::Result<Code> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let quiet = cli.json;
    let driven = runtime
        .block_on(sightline_demo::traffic::drive_shop(
            out,
            mix,
            concurrency,
            move |done, all| {
                if !quiet {
                    eprintln!("==> {done} of {all} sessions played");
                }
            },
        ))
        .map_err(|e| Refused(e.to_string()))?;
    if cli.json {
        output::json(&driven)?;
    } else {
        let statuses: Vec<String> = driven
            .statuses
            .iter()
            .map(|(s, n)| format!("{s}: {n}"))
            .collect();
        println!(
            "played {} sessions ({} requests, {}) against the demo shop in {:.1} s; its access log is {}, the truth {}",
            driven.sessions,
            driven.requests,
            statuses.join(", "),
            driven.seconds,
            driven.access_log.display(),
            driven.truth.display()
        );
    }
    Ok(Code(OK))
}
