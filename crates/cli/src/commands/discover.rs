//! `sightline discover`: candidate journeys from real traffic, and the
//! people's decision on each (docs/discovery.md).
//!
//! Files are opened here and streamed into `sightline-paths`, which does
//! the work. OTLP spans are decoded by `sightline-telemetry` (the same
//! decoder as `telemetry import`) and mapped to requests by the engine.
//! Decisions live in `.sightline/discovery.json` in the project, so a
//! rejected candidate stays rejected: ids are hashes of the representative
//! path, stable over the same data.

use std::collections::BTreeMap;
use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};

use anyhow::Context;
use serde::{Deserialize, Serialize};
use sightline_paths::parse::{FieldMap, ParseReport, maybe_gunzip, read};
use sightline_paths::{Candidate, Discovery, Format, Options, Request};

use crate::args::{Cli, DiscoverAction, DiscoverArgs, DiscoverFormat, DiscoverInput};
use crate::exit::{Code, OK, Refused};
use crate::output;

/// The decisions file, relative to the project.
pub const DECISIONS: &str = ".sightline/discovery.json";

/// What people decided, by candidate id.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Decisions {
    /// `accepted` or `rejected`, by id.
    pub decisions: BTreeMap<String, String>,
}

fn load_decisions(project: &Path) -> anyhow::Result<Decisions> {
    let p = project.join(DECISIONS);
    match std::fs::read_to_string(&p) {
        Ok(t) => serde_json::from_str(&t)
            .map_err(|e| Refused(format!("{}: line {}: {e}", p.display(), e.line())).into()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Decisions::default()),
        Err(e) => Err(e).with_context(|| format!("reading {}", p.display())),
    }
}

fn save_decisions(project: &Path, d: &Decisions) -> anyhow::Result<()> {
    let p = project.join(DECISIONS);
    if let Some(dir) = p.parent() {
        std::fs::create_dir_all(dir)?;
    }
    std::fs::write(&p, serde_json::to_string_pretty(d)? + "\n")
        .with_context(|| format!("writing {}", p.display()))
}

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

/// OTLP JSON: JSON Lines, or one pretty-printed export.
fn read_otlp(path: &Path, name: &str, sink: &mut Vec<Request>) -> anyhow::Result<ParseReport> {
    use sightline_telemetry::otlp::jsonl::{Decoded, decode_line};
    let file = std::fs::File::open(path).with_context(|| format!("opening {name}"))?;
    let mut text = String::new();
    maybe_gunzip(BufReader::new(file))?
        .read_to_string(&mut text)
        .with_context(|| format!("reading {name}"))?;
    let mut report = ParseReport {
        file: name.to_owned(),
        format: Format::Otlp,
        lines: 0,
        requests: 0,
        bad_lines: 0,
        bad: Vec::new(),
    };
    let pretty = text
        .trim_start()
        .lines()
        .next()
        .is_some_and(|l| l.trim() == "{");
    let docs: Vec<(usize, String)> = if pretty {
        vec![(1, text.replace('\n', " "))]
    } else {
        text.lines()
            .enumerate()
            .filter(|(_, l)| !l.trim().is_empty())
            .map(|(i, l)| (i + 1, l.to_owned()))
            .collect()
    };
    for (n, doc) in docs {
        report.lines += 1;
        match decode_line(&doc) {
            Ok(Decoded::Spans(spans)) => {
                for s in spans {
                    if s.kind != sightline_core::SpanKind::Server {
                        continue;
                    }
                    if let Some(r) = sightline_paths::parse::otlp::request(
                        s.start_time_unix_nano,
                        s.duration_nano,
                        &s.attributes,
                    ) {
                        report.requests += 1;
                        sink.push(r);
                    }
                }
            }
            Ok(_) => report.push_bad(n, "not spans (logs or metrics)"),
            Err(m) => report.push_bad(n, m),
        }
    }
    Ok(report)
}

fn load(
    files: &[PathBuf],
    input: &DiscoverInput,
) -> anyhow::Result<(Vec<Request>, Vec<ParseReport>)> {
    let mut fields = FieldMap::default();
    for f in &input.fields {
        fields.set(f).map_err(|e| Refused(e.to_string()))?;
    }
    let mut reqs = Vec::new();
    let mut reports = Vec::new();
    for path in files {
        let name = path.display().to_string();
        let mut format = format_of(input.format);
        if format == Format::Auto {
            let mut head = [0u8; 4096];
            let f = std::fs::File::open(path).with_context(|| format!("opening {name}"))?;
            let mut r = maybe_gunzip(BufReader::new(f))?;
            let n = r.read(&mut head).unwrap_or(0);
            if sightline_paths::parse::detect(&String::from_utf8_lossy(&head[..n]))
                == Ok(Format::Otlp)
            {
                format = Format::Otlp;
            }
        }
        let report = if format == Format::Otlp {
            read_otlp(path, &name, &mut reqs)?
        } else {
            let f = std::fs::File::open(path).with_context(|| format!("opening {name}"))?;
            read(BufReader::new(f), format, &name, &fields, &mut |r| {
                reqs.push(r)
            })
            .map_err(|e| -> anyhow::Error {
                if e.is_refusal() {
                    Refused(e.to_string()).into()
                } else {
                    e.into()
                }
            })?
        };
        for b in report.bad.iter().take(5) {
            tracing::warn!("{name}: line {}: {}", b.line, b.message);
        }
        reports.push(report);
    }
    Ok((reqs, reports))
}

fn options(input: &DiscoverInput) -> anyhow::Result<Options> {
    let mut o = Options {
        base_url: input.base_url.clone(),
        ..Options::default()
    };
    o.sessions.gap_ms = input.gap_minutes.max(1) * 60_000;
    for w in &input.weights {
        o.weights.push(
            sightline_paths::candidates::parse_weight(w).map_err(|e| Refused(e.to_string()))?,
        );
    }
    Ok(o)
}

/// The `--json` document of a listing.
#[derive(Debug, Serialize)]
struct Listing<'a> {
    inputs: &'a [ParseReport],
    discovery: &'a Discovery,
    decisions: &'a BTreeMap<String, String>,
    hidden_rejected: usize,
}

/// Runs `sightline discover`.
pub fn run(cli: &Cli, args: &DiscoverArgs) -> anyhow::Result<Code> {
    let input = &args.input;
    match &args.action {
        Some(DiscoverAction::Reject { candidate }) => {
            let mut d = load_decisions(&input.project)?;
            d.decisions.insert(candidate.clone(), "rejected".to_owned());
            save_decisions(&input.project, &d)?;
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
        }) => {
            let g = sightline_paths::simulate::generate(&sightline_paths::simulate::Mix {
                sessions: *sessions,
                noise: *noise,
                seed: *seed,
                ..Default::default()
            });
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
            let (reqs, _) = load(&[dir.join("access.log")], input)?;
            let started = std::time::Instant::now();
            let found = sightline_paths::discover(reqs, &options(input)?);
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
            let (reqs, reports) = load(&args.files, input)?;
            let mut found = sightline_paths::discover(reqs, &options(input)?);
            let decisions = load_decisions(&input.project)?.decisions;
            let before = found.candidates.len();
            if !input.all {
                found
                    .candidates
                    .retain(|c| decisions.get(&c.id).map(String::as_str) != Some("rejected"));
            }
            let hidden = before - found.candidates.len();
            if cli.json {
                output::json(&Listing {
                    inputs: &reports,
                    discovery: &found,
                    decisions: &decisions,
                    hidden_rejected: hidden,
                })?;
            } else {
                print_listing(&reports, &found, &decisions, hidden);
            }
            Ok(Code(OK))
        }
    }
}

fn print_listing(
    reports: &[ParseReport],
    d: &Discovery,
    decisions: &BTreeMap<String, String>,
    hidden: usize,
) {
    for r in reports {
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
    let (reqs, _) = load(files, input)?;
    let found = sightline_paths::discover(reqs, &options(input)?);
    let Some(c) = found.candidates.iter().find(|c| c.id == id) else {
        return Err(Refused(format!(
            "no candidate {id} in these inputs (ids: {})",
            found
                .candidates
                .iter()
                .map(|c| c.id.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ))
        .into());
    };
    let journey_dir = input.project.join("journeys/discovered");
    let slo_dir = input.project.join("slos");
    std::fs::create_dir_all(&journey_dir)?;
    std::fs::create_dir_all(&slo_dir)?;
    let journey_path = journey_dir.join(format!("{}.yaml", c.name));
    let slo_path = slo_dir.join(format!("discovered-{}.yaml", c.name));
    for p in [&journey_path, &slo_path] {
        if p.exists() {
            return Err(Refused(format!("{} exists; not overwritten", p.display())).into());
        }
    }
    let p = &c.proposal;
    let sli = match &p.latency {
        Some(l) => format!(
            "{{ kind: availability_and_latency, threshold_ms: {} }}",
            l.threshold_ms
        ),
        None => "{ kind: availability }".to_owned(),
    };
    let target = p.latency.as_ref().map_or(p.availability.target, |l| {
        l.objective.target.min(p.availability.target)
    });
    // Written by hand in the house layout of `slos/*.yaml`; a test loads it back.
    let slo_yaml = format!(
        "# Accepted from `sightline discover` candidate {id}: {} sessions, key step {}.\n\
         name: {}-good\n\
         description: {}\n\
         sli: {sli}\n\
         filter: {{ journey: {} }}\n\
         target: {target}\n\
         window: {{ rolling: {{ days: 28 }} }}\n",
        c.sessions,
        p.key_step,
        c.name,
        serde_json::Value::String(format!("The discovered path through {} works.", p.key_step)),
        c.name,
    );
    std::fs::write(&journey_path, &c.skeleton)?;
    std::fs::write(&slo_path, slo_yaml)?;
    let mut d = load_decisions(&input.project)?;
    d.decisions.insert(id.to_owned(), "accepted".to_owned());
    save_decisions(&input.project, &d)?;
    if cli.json {
        output::json(&serde_json::json!({
            "accepted": id,
            "journey": journey_path.display().to_string(),
            "slo": slo_path.display().to_string(),
        }))?;
    } else {
        println!(
            "accepted {id}: wrote {} and {}",
            journey_path.display(),
            slo_path.display()
        );
    }
    Ok(Code(OK))
}
