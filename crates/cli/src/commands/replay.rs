//! `sightline replay FILE`: replay one journey in Chromium, print the step
//! table, store the run. Exit 0 on pass, 1 on fail, 2 on a runner error.

use anyhow::Context;
use serde::Serialize;
use sightline_browser::persist::{self, StoredArtifact};
use sightline_browser::{LaunchOptions, PageVitals, ReplayOptions, Replayer};
use sightline_core::{Outcome, Region, Run};
use sightline_store::Store;

use crate::args::{Cli, ReplayArgs};
use crate::exit::Code;

/// Exit code for a run that ended in a runner error.
const RUNNER_ERROR: u8 = 2;

#[derive(Serialize)]
struct ReplayDoc<'a> {
    run: &'a Run,
    vitals: &'a [PageVitals],
    console_errors: &'a [String],
    artifacts: Vec<StoredArtifact>,
    db: String,
}

/// Runs `sightline replay`.
pub fn run(cli: &Cli, args: &ReplayArgs) -> anyhow::Result<Code> {
    let loaded = sightline_journeys::load(&args.journey)?;
    let launch = LaunchOptions {
        executable: args.chromium.clone(),
        headed: args.headed,
        ..LaunchOptions::default()
    };
    let opts = ReplayOptions {
        base_url: args.base_url.clone(),
        region: Region::new(args.region.clone()),
        runner_id: format!("cli-{}", std::process::id()),
        ..ReplayOptions::default()
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    let report = runtime.block_on(async {
        let mut replayer = Replayer::new(launch)?;
        let report = replayer.replay(&loaded, &opts).await;
        replayer.shutdown().await;
        Ok::<_, sightline_browser::BrowserError>(report)
    })?;

    let db = cli.db_path();
    let mut store = Store::open(&db)?;
    let artifacts =
        persist::save(&mut store, &report, sightline_browser::system_now_ms())?.artifacts;

    let run = &report.run;
    if cli.json {
        crate::output::json(&ReplayDoc {
            run,
            vitals: &report.vitals,
            console_errors: &report.console_errors,
            artifacts,
            db: db.display().to_string(),
        })?;
    } else {
        print_table(run);
        for a in &artifacts {
            let at = a
                .step_index
                .map_or_else(String::new, |i| format!(" (step {i})"));
            println!(
                "{}{at}: {}",
                a.role,
                store.artifacts().path_of(&a.sha256).display()
            );
        }
    }
    Ok(Code(match run.outcome {
        Outcome::Pass => crate::exit::OK,
        Outcome::Fail => crate::exit::PROBLEM,
        Outcome::Error => RUNNER_ERROR,
    }))
}

fn print_table(run: &Run) {
    let width = run
        .steps
        .iter()
        .map(|s| s.name.chars().count())
        .max()
        .unwrap_or(4)
        .clamp(4, 60);
    println!("{:>3}  {:<width$}  {:>8}  outcome", "#", "step", "duration");
    for s in &run.steps {
        let name: String = s.name.chars().take(width).collect();
        let mut line = format!(
            "{:>3}  {:<width$}  {:>6}ms  {}",
            s.index, name, s.duration_ms, s.outcome
        );
        if let (Some(class), Some(msg)) = (s.error_class, &s.error_message) {
            line.push_str(&format!("  {class}: {msg}"));
        }
        println!("{line}");
    }
    let trace = run.trace_id.as_deref().unwrap_or("-");
    print!(
        "{} {} in {} ms (trace {trace})",
        run.journey, run.outcome, run.duration_ms
    );
    match (run.error_class, &run.error_message) {
        (Some(class), Some(msg)) if run.steps.is_empty() => println!(": {class}: {msg}"),
        _ => println!(),
    }
}
