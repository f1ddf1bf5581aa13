//! `sightline ask`: a question in plain words, answered from the engines;
//! and `sightline eval ask`: the question box scored on a labelled set.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::{Duration, Instant};

use chrono_tz::Tz;
use sightline_api::slo::{load_slos, parse_slo_file};
use sightline_ask::catalog::journey_files;
use sightline_ask::eval::{Grade, grade, load, summarise};
use sightline_ask::model::{ModelConfig, ask_with_model};
use sightline_ask::{Answer, Context, ask, history};
use sightline_demo::incident_files;
use sightline_store::Store;

use crate::args::{AskArgs, Cli, EvalAskArgs};
use crate::commands::runs::{now_ms, parse_time};
use crate::exit::{Code, OK, PROBLEM, Refused};
use crate::output;

fn zone(name: &str) -> anyhow::Result<Tz> {
    name.parse::<Tz>().map_err(|_| {
        Refused(format!(
            "--tz {name:?}: not an IANA time zone (e.g. Europe/Paris, UTC)"
        ))
        .into()
    })
}

/// The model from the flags (or their variables), else the project file's
/// `[ask]` (what the app's Settings writes), else none.
fn model_config(args: &AskArgs) -> anyhow::Result<Option<ModelConfig>> {
    let (url, model, timeout_s) = match &args.model_url {
        Some(url) => {
            let Some(model) = &args.model else {
                return Err(Refused(
                    "--model-url needs --model (the model's name at that endpoint)".into(),
                )
                .into());
            };
            (url.clone(), model.clone(), args.model_timeout)
        }
        None => {
            let file = args.project.join(sightline_runner::project::PROJECT_FILE);
            if !file.exists() {
                return Ok(None);
            }
            let text = std::fs::read_to_string(&file)
                .map_err(|e| Refused(format!("{}: cannot read: {e}", file.display())))?;
            let ask = sightline_runner::project::ask_settings(&text, &file)
                .map_err(|e| Refused(e.to_string()))?;
            match (ask.model_url, ask.model) {
                (Some(u), Some(m)) => (u, m, ask.timeout_s.unwrap_or(30)),
                _ => return Ok(None),
            }
        }
    };
    let mut cfg = ModelConfig::new(url, model);
    cfg.timeout = Duration::from_secs(timeout_s.max(1));
    cfg.api_key = match &args.model_key_env {
        Some(var) => Some(
            std::env::var(var)
                .map_err(|_| Refused(format!("--model-key-env {var}: the variable is not set")))?,
        ),
        None => {
            use sightline_api::secrets::SecretStore as _;
            sightline_api::secrets::OsKeyring::default()
                .get("ask_model_key")
                .ok()
                .flatten()
        }
    };
    Ok(Some(cfg))
}

/// The answer as people read it.
fn print(a: &Answer) {
    println!("{}", a.answer);
    if let Some(f) = &a.fallback {
        println!("\n(note: {f})");
    }
    if !a.ungrounded.is_empty() {
        println!(
            "\n(warning: no tool returned {}; check these)",
            a.ungrounded.join(", ")
        );
    }
    if !a.evidence.is_empty() {
        println!("\nEvidence:");
        for e in a.evidence.iter().take(8) {
            let link = e
                .link
                .as_deref()
                .map(|l| format!(" [{l}]"))
                .unwrap_or_default();
            println!("  - {}: {}{link}", e.kind, e.summary);
        }
    }
    if !a.followups.is_empty() {
        println!("\nYou could also ask:");
        for f in &a.followups {
            println!("  - {f}");
        }
    }
    if a.source != "builtin" {
        let calls: Vec<String> = a
            .calls
            .iter()
            .map(|c| format!("{}({})", c.tool, c.args))
            .collect();
        println!("\nAnswered by {} with {}", a.source, calls.join(", "));
    }
}

/// Runs `sightline ask`.
pub fn run(cli: &Cli, args: &AskArgs) -> anyhow::Result<Code> {
    let question = args.question.join(" ");
    let at_ms = match &args.at {
        Some(t) => parse_time(t).map_err(|m| Refused(format!("--at: {m}")))?,
        None => now_ms(),
    };
    let tz = zone(&args.tz)?;
    let slos_dir = args.project.join("slos");
    let slos = if slos_dir.is_dir() {
        load_slos(&slos_dir)?
            .into_iter()
            .map(|l| l.config)
            .collect()
    } else {
        Vec::new()
    };
    let journeys_dir = args.project.join("journeys");
    let ctx = Context {
        db: cli.db_path(),
        journeys: journey_files(&journeys_dir),
        journeys_dir,
        slos,
        at_ms,
        tz,
    };
    if !ctx.db.exists() {
        return Err(Refused(format!(
            "{}: no database here yet (record runs first, or pass --db)",
            ctx.db.display()
        ))
        .into());
    }
    let refused = |e: sightline_ask::AskError| match e {
        sightline_ask::AskError::BadInput(m) => anyhow::Error::from(Refused(m)),
        other => other.into(),
    };
    // An incident that does not exist is refused before any answering.
    if let Some(id) = args.incident {
        history::check_incident(&ctx, id).map_err(|e| match e {
            sightline_ask::AskError::Api(sightline_api::ApiError::NotFound(_)) => {
                anyhow::Error::from(Refused(format!(
                    "--incident {id}: no such incident (`sightline incident list --all` lists them)"
                )))
            }
            other => refused(other),
        })?;
    }
    let answer = match model_config(args)? {
        Some(cfg) => ask_with_model(&ctx, &question, &cfg),
        None => ask(&ctx, &question),
    }
    .map_err(refused)?;
    if let Some(id) = args.incident {
        let by = args.by.clone().or_else(|| std::env::var("USER").ok());
        history::remember(&ctx, id, &answer, by.as_deref(), now_ms()).map_err(refused)?;
    }
    if cli.json {
        output::json(&answer)?;
    } else {
        print(&answer);
        if let Some(id) = args.incident {
            println!("\n(kept on incident {id}: `sightline incident show {id}` lists it)");
        }
    }
    Ok(Code(OK))
}

/// Loads one recorded incident into a new database at `db`; returns the
/// moment its recording ended.
fn incident_db(dir: &Path, db: &Path) -> anyhow::Result<i64> {
    let inc = incident_files::load(dir).map_err(|e| Refused(e.to_string()))?;
    let mut store = Store::open(db)?;
    let runs = inc.store_telemetry(&mut store)?;
    store.insert_runs(&runs, 0)?;
    Ok(runs.last().map_or(0, |r| r.started_at_ms) + 1)
}

/// Runs `sightline eval ask`.
pub fn eval(cli: &Cli, args: &EvalAskArgs) -> anyhow::Result<Code> {
    let file = args.dir.join("questions.yaml");
    let questions = load(&file).map_err(|e| Refused(e.to_string()))?;
    let slos_path = args.incidents.join("slos.yaml");
    let text = std::fs::read_to_string(&slos_path)
        .map_err(|e| Refused(format!("{}: {e}", slos_path.display())))?;
    let slos = parse_slo_file(&slos_path, &text)?;
    let mut journeys = journey_files(&args.incidents.join("journeys"));
    journeys.extend(journey_files(&args.journeys));
    let mut by_incident: BTreeMap<&str, Vec<&sightline_ask::eval::Question>> = BTreeMap::new();
    for q in &questions {
        by_incident.entry(q.incident.as_str()).or_default().push(q);
    }
    let started = Instant::now();
    let tmp = tempfile::tempdir()?;
    let mut grades: Vec<Grade> = Vec::new();
    for (name, qs) in &by_incident {
        let dir = args.incidents.join(name);
        if !incident_files::is_incident(&dir) {
            return Err(Refused(format!(
                "{}: question {:?} names incident {name}, which is not in {}",
                file.display(),
                qs[0].question,
                args.incidents.display()
            ))
            .into());
        }
        let db = tmp.path().join(format!("{name}.db"));
        let t0 = Instant::now();
        let at_ms = incident_db(&dir, &db)?;
        if !cli.json {
            eprintln!(
                "==> {name}: loaded in {} ms, {} questions",
                t0.elapsed().as_millis(),
                qs.len()
            );
        }
        let ctx = Context {
            db: db.clone(),
            journeys_dir: args.journeys.clone(),
            slos: slos.clone(),
            journeys: journeys.clone(),
            at_ms,
            tz: Tz::UTC,
        };
        for q in qs {
            let t = Instant::now();
            let a = ask(&ctx, &q.question)?;
            grades.push(grade(q, &a, t.elapsed().as_secs_f64() * 1000.0));
        }
    }
    let summary = summarise(&grades);
    if cli.json {
        output::json(
            &serde_json::json!({"summary": summary, "questions": grades, "seconds": started.elapsed().as_secs_f64()}),
        )?;
    } else {
        for g in &grades {
            let miss = !g.intent_ok
                || !g.entities_ok
                || !g.facts_missing.is_empty()
                || !g.invented.is_empty();
            if miss || args.all {
                println!("{} {:?}", g.incident, g.question);
                if !g.intent_ok {
                    println!(
                        "    intent: expected {}, got {}",
                        g.expected_intent, g.intent
                    );
                }
                for e in &g.entity_errors {
                    println!("    {e}");
                }
                if !g.facts_missing.is_empty() {
                    println!("    facts missing: {}", g.facts_missing.join(", "));
                }
                if !g.invented.is_empty() {
                    println!("    invented: {}", g.invented.join(", "));
                }
                println!("    answer: {}", g.answer);
            }
        }
        let p = |x: f64| format!("{:.1}%", x * 100.0);
        println!();
        println!(
            "| questions | intent accuracy | entity accuracy | fact recall | invented facts | p50 | p95 | max |"
        );
        println!("|---|---|---|---|---|---|---|---|");
        println!(
            "| {} | {} | {} | {} | {} | {:.0} ms | {:.0} ms | {:.0} ms |",
            summary.questions,
            p(summary.intent_accuracy),
            p(summary.entity_accuracy),
            p(summary.fact_recall),
            summary.invented,
            summary.p50_ms,
            summary.p95_ms,
            summary.max_ms
        );
        println!(
            "Goals (intent and entities >= 95%, fact recall 100%, nothing invented): {} ({:.1} s)",
            if summary.goals_met { "met" } else { "NOT met" },
            started.elapsed().as_secs_f64()
        );
    }
    Ok(Code(if summary.goals_met { OK } else { PROBLEM }))
}
