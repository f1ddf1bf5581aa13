//! `sightline demo`: README command 1, the closed loop on the bundled shop.
//!
//! With a display (and the desktop app built) it opens the app on the demo's
//! database and keeps the loop running until the app closes or Ctrl-C.
//! Without one, or with `--headless`, it draws a live view in the terminal
//! (redrawn in place on a terminal, every 15 s into a log) and stops when the
//! scenario ends. Either way it writes `report.md` and `report.html`.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::time::{Duration, Instant};

use anyhow::Context;
use sightline_core::duration::parse_ms;
use sightline_demo::{DemoOptions, Progress};
use tokio_util::sync::CancellationToken;

use crate::args::{Cli, DemoArgs};
use crate::exit::{Code, OK, Refused};

fn demo_dir(args: &DemoArgs) -> PathBuf {
    args.dir.clone().unwrap_or_else(|| {
        sightline_store::paths::default_db_path()
            .parent()
            .map_or_else(|| PathBuf::from("sightline-demo"), |p| p.join("demo"))
    })
}

/// The desktop app beside this binary, when there is a display to show it.
fn app_to_open(args: &DemoArgs) -> Option<PathBuf> {
    if args.headless || !super::desktop::has_display() {
        return None;
    }
    super::desktop::app_beside_me()
}

/// Runs `sightline demo`.
pub fn run(cli: &Cli, args: &DemoArgs) -> anyhow::Result<Code> {
    if !(args.speed.is_finite() && args.speed > 0.0 && args.speed <= 100.0) {
        return Err(Refused(format!("--speed {}: use a number in (0, 100]", args.speed)).into());
    }
    if !(1..=90).contains(&args.history_days) {
        return Err(Refused(format!("--history-days {}: use 1..=90", args.history_days)).into());
    }
    let run_for = args
        .run_for
        .as_deref()
        .map(|t| parse_ms(t, "--for").map_err(|e| Refused(e.to_string())))
        .transpose()?
        .map(|ms| Duration::from_millis(u64::try_from(ms).unwrap_or(0)));
    let opts = DemoOptions {
        dir: demo_dir(args),
        scenario: args.scenario.clone(),
        speed: args.speed,
        run_for,
        chromium: args.chromium.clone(),
        history_days: args.history_days,
        ..DemoOptions::default()
    };
    let app = app_to_open(args);
    if !args.headless && app.is_none() && !cli.json {
        eprintln!(
            "no display or no desktop app (build it with `cargo build -p sightline-app`): running headless"
        );
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    let outcome = runtime.block_on(async {
        let stop = CancellationToken::new();
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
        let demo = tokio::spawn(sightline_demo::run(opts, stop.clone(), tx));
        let tty = std::io::stdout().is_terminal() && !cli.json;
        let mut last_frame = Instant::now() - Duration::from_secs(60);
        let mut app_child: Option<std::process::Child> = None;
        let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
        loop {
            tokio::select! {
                p = rx.recv() => match p {
                    Some(Progress::Step(s)) => if !cli.json { eprintln!("==> {s}") },
                    Some(Progress::Live { db }) => {
                        if let Some(app) = &app {
                            eprintln!("==> opening the desktop app on {}", db.display());
                            let opening = super::desktop::Opening {
                                db: &db,
                                project: db.parent().unwrap_or(&db),
                                view: "overview",
                                at_ms: None,
                            };
                            app_child = super::desktop::open(app, &opening)
                                .map_err(|e| eprintln!("could not open the app ({e}); following in the terminal"))
                                .ok();
                        }
                        if !cli.json {
                            eprintln!("==> live: Ctrl-C stops the demo and writes the report");
                        }
                    }
                    Some(Progress::Frame(f)) => {
                        if cli.json || app_child.is_some() {
                            continue;
                        }
                        if tty {
                            // Clear and redraw in place.
                            print!("\x1b[2J\x1b[H{f}");
                            let _ = std::io::stdout().flush();
                        } else if last_frame.elapsed() >= Duration::from_secs(15) {
                            println!("{f}");
                            last_frame = Instant::now();
                        }
                    }
                    None => break,
                },
                _ = tokio::signal::ctrl_c() => { eprintln!("stopping the demo"); stop.cancel(); }
                _ = term.recv() => stop.cancel(),
                () = app_closed(&mut app_child) => { eprintln!("the app closed: stopping the demo"); stop.cancel(); }
            }
        }
        let outcome = demo.await.context("the demo task")??;
        if let Some(mut child) = app_child {
            let _ = child.kill();
            let _ = child.wait();
        }
        Ok::<_, anyhow::Error>(outcome)
    })?;
    if cli.json {
        crate::output::json(&outcome.report)?;
    } else {
        println!();
        for line in outcome.report.headline() {
            println!("{line}");
        }
        println!("report: {}", outcome.markdown.display());
        println!("        {}", outcome.html.display());
        println!("data:   {}", outcome.db.display());
    }
    Ok(Code(OK))
}

/// Resolves when the app process exits; never without one.
async fn app_closed(child: &mut Option<std::process::Child>) {
    loop {
        match child {
            Some(c) => {
                if let Ok(Some(_)) = c.try_wait() {
                    *child = None;
                    return;
                }
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
            None => std::future::pending::<()>().await,
        }
    }
}
