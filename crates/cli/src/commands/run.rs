//! `sightline run` (continuous runs into the local database) and
//! `sightline runner` (a remote runner pushing to a workbench).
//!
//! Both print one line per stored attempt as it happens (a JSON object per
//! line with `--json`) and a summary when they stop. Ctrl-C or SIGTERM stops
//! new slots and gives runs under way the project's grace period; a second
//! signal cuts them short (they are stored as runner errors, `shutdown`).

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use serde::Serialize;
use sightline_core::Run;
use sightline_core::duration::parse_ms;
use sightline_runner::spool::{PushTarget, Spool, push_loop};
use sightline_runner::{Project, RunSink, RunnerEvent, RunnerHandle, RunnerOptions, StoreSink};
use sightline_store::Store;
use tokio_util::sync::CancellationToken;

use crate::args::{Cli, RunArgs, RunCommon, RunnerArgs};
use crate::exit::{Code, OK, Refused};

/// How a `run` ended, printed last.
#[derive(Debug, Default, Serialize)]
struct Summary {
    event: &'static str,
    runs: BTreeMap<String, u64>,
    retried_attempts: u64,
    missed_slots: u64,
    browser_restarts: u64,
    aborted_on_shutdown: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    push: Option<PushSummary>,
}

#[derive(Debug, Serialize)]
struct PushSummary {
    inserted: usize,
    duplicates: usize,
    failed_requests: usize,
    still_spooled: u64,
    rejected: u64,
}

/// One stored attempt, as printed with `--json`.
#[derive(Serialize)]
struct StoredLine<'a> {
    event: &'static str,
    run_id: String,
    journey: &'a str,
    region: &'a str,
    outcome: &'a str,
    error_class: Option<&'a str>,
    error_message: Option<&'a str>,
    failed_step: Option<&'a str>,
    duration_ms: i64,
    attempt: u32,
    is_final_attempt: bool,
    started_at_ms: i64,
    trace_id: Option<&'a str>,
}

fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("starting the async runtime")
}

fn load_project(common: &RunCommon, region: Option<&str>) -> anyhow::Result<Project> {
    let mut project = Project::load(&common.project)?;
    if let Some(r) = region {
        project = project.only_region(r)?;
    }
    if let Some(n) = common.pool_size {
        if !(1..=64).contains(&n) {
            return Err(Refused(format!("--pool-size {n} is outside 1..=64")).into());
        }
        project.runner.pool_size = n;
    }
    Ok(project)
}

fn options(common: &RunCommon) -> RunnerOptions {
    let host = std::fs::read_to_string("/etc/hostname")
        .map(|h| h.trim().to_owned())
        .unwrap_or_else(|_| "host".to_owned());
    RunnerOptions {
        runner_id: common
            .runner_id
            .clone()
            .unwrap_or_else(|| format!("{host}-{}", std::process::id())),
        headed: common.headed,
        max_slots_per_stream: common.slots,
        ..RunnerOptions::default()
    }
}

fn run_for(common: &RunCommon) -> anyhow::Result<Option<Duration>> {
    common
        .run_for
        .as_deref()
        .map(|t| {
            parse_ms(t, "--for")
                .map(|ms| Duration::from_millis(u64::try_from(ms).unwrap_or(0)))
                .map_err(|e| Refused(e.to_string()).into())
        })
        .transpose()
}

/// Runs `sightline run`.
pub fn run(cli: &Cli, args: &RunArgs) -> anyhow::Result<Code> {
    let project = load_project(&args.common, args.region.as_deref())?;
    let limit = run_for(&args.common)?;
    let store = Store::open(cli.db_path())?;
    let sink = Arc::new(StoreSink::new(store, sightline_browser::system_now_ms));
    let opts = options(&args.common);
    let summary = runtime()?.block_on(drive(cli, &args.common, project, sink, opts, limit))?;
    finish(cli, &summary)?;
    Ok(Code(OK))
}

/// Runs `sightline runner`.
pub fn runner(cli: &Cli, args: &RunnerArgs) -> anyhow::Result<Code> {
    let project = load_project(&args.common, Some(&args.region))?;
    let limit = run_for(&args.common)?;
    if !(args.push.starts_with("http://") || args.push.starts_with("https://")) {
        return Err(Refused(format!("--push {:?} is not an http(s) URL", args.push)).into());
    }
    let spool = Arc::new(Spool::open(&args.spool, sightline_browser::system_now_ms)?);
    let opts = options(&args.common);
    let target = PushTarget {
        url: args.push.clone(),
        token: args.token.clone(),
    };
    let summary = runtime()?.block_on(async {
        let stop_push = CancellationToken::new();
        let pusher = tokio::spawn(push_loop(
            spool.clone(),
            target,
            stop_push.clone(),
            Duration::from_secs(30),
        ));
        let mut summary = drive(cli, &args.common, project, spool.clone(), opts, limit).await?;
        stop_push.cancel();
        let totals = pusher.await.unwrap_or_default();
        summary.push = Some(PushSummary {
            inserted: totals.inserted,
            duplicates: totals.duplicates,
            failed_requests: totals.failed_requests,
            still_spooled: spool.pending()?,
            rejected: spool.rejected()?,
        });
        Ok::<_, anyhow::Error>(summary)
    })?;
    finish(cli, &summary)?;
    Ok(Code(OK))
}

/// Starts the runner and follows it until it finishes, the time is up, or a
/// signal asks it to stop.
async fn drive(
    cli: &Cli,
    common: &RunCommon,
    project: Project,
    sink: Arc<dyn RunSink>,
    opts: RunnerOptions,
    limit: Option<Duration>,
) -> anyhow::Result<Summary> {
    let streams: usize = project.schedules.iter().map(|s| s.regions.len()).sum();
    if !cli.json {
        eprintln!(
            "running {} journey(s) from {} stream(s) with {} browser(s); Ctrl-C stops",
            project.schedules.len(),
            streams,
            project.runner.pool_size
        );
    }
    let mut handle = sightline_runner::start(project, sink, opts);
    let metrics_stop = CancellationToken::new();
    if let Some(addr) = &common.metrics_addr {
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .with_context(|| format!("--metrics-addr {addr}"))?;
        let local = listener.local_addr()?;
        if !cli.json {
            eprintln!("metrics on http://{local}/metrics");
        }
        tokio::spawn(serve_metrics(
            listener,
            handle.metrics(),
            metrics_stop.clone(),
        ));
    }
    let mut events = handle.subscribe();
    let mut summary = Summary {
        event: "summary",
        ..Summary::default()
    };
    let deadline = limit.map(|d| tokio::time::Instant::now() + d);
    let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        .context("listening for SIGTERM")?;
    loop {
        tokio::select! {
            ev = events.recv() => match ev {
                Ok(ev) => print_event(cli, &ev, &mut summary)?,
                Err(tokio::sync::broadcast::error::RecvError::Lagged(n)) => {
                    tracing::warn!(skipped = n, "the terminal fell behind the runner");
                }
                Err(_) => break,
            },
            () = handle.finished() => break,
            () = sleep_until(deadline) => break,
            _ = tokio::signal::ctrl_c() => { eprintln!("stopping: runs under way may finish (Ctrl-C again cuts them short)"); break; }
            _ = term.recv() => { eprintln!("SIGTERM: draining runs under way"); break; }
        }
    }
    let report = shutdown(&mut handle, &mut events, cli, &mut summary).await?;
    summary.aborted_on_shutdown = report.aborted;
    metrics_stop.cancel();
    Ok(summary)
}

async fn shutdown(
    handle: &mut RunnerHandle,
    events: &mut tokio::sync::broadcast::Receiver<RunnerEvent>,
    cli: &Cli,
    summary: &mut Summary,
) -> anyhow::Result<sightline_runner::ShutdownReport> {
    let metrics = handle.metrics();
    let abort = handle.abort_token();
    let second_signal = tokio::spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            eprintln!("cutting runs short");
            abort.cancel();
        }
    });
    let mut stopping = Box::pin(handle.shutdown());
    let report = loop {
        tokio::select! {
            r = &mut stopping => break r,
            ev = events.recv() => if let Ok(ev) = ev { print_event(cli, &ev, summary)?; },
        }
    };
    second_signal.abort();
    while let Ok(ev) = events.try_recv() {
        print_event(cli, &ev, summary)?;
    }
    summary.missed_slots = metrics.missed_total();
    summary.browser_restarts = metrics.browser_restarts();
    Ok(report)
}

async fn sleep_until(deadline: Option<tokio::time::Instant>) {
    match deadline {
        Some(d) => tokio::time::sleep_until(d).await,
        None => futures_pending().await,
    }
}

async fn futures_pending() {
    std::future::pending::<()>().await;
}

fn print_event(cli: &Cli, ev: &RunnerEvent, summary: &mut Summary) -> anyhow::Result<()> {
    match ev {
        RunnerEvent::Stored(run) => {
            *summary.runs.entry(run.outcome.to_string()).or_default() += 1;
            if !run.is_final_attempt {
                summary.retried_attempts += 1;
            }
            print_run(cli, run)
        }
        RunnerEvent::Missed {
            journey,
            region,
            count,
        } => {
            if cli.json {
                line(
                    &serde_json::json!({"event": "missed", "journey": journey, "region": region, "count": count}),
                )
            } else {
                eprintln!(
                    "missed {count} slot(s) of {journey} in {region}: the previous run was still going"
                );
                Ok(())
            }
        }
        RunnerEvent::BrowserReplaced { worker, reason } => {
            if cli.json {
                line(
                    &serde_json::json!({"event": "browser_replaced", "worker": worker, "reason": reason}),
                )
            } else {
                eprintln!("browser {worker} replaced: {reason}");
                Ok(())
            }
        }
    }
}

fn print_run(cli: &Cli, run: &Run) -> anyhow::Result<()> {
    let failed_step = run
        .steps
        .iter()
        .find(|s| s.outcome != sightline_core::Outcome::Pass)
        .map(|s| s.name.as_str());
    if cli.json {
        return line(&StoredLine {
            event: "stored",
            run_id: run.id.to_string(),
            journey: &run.journey,
            region: run.region.as_str(),
            outcome: run.outcome.as_str(),
            error_class: run.error_class.map(sightline_core::ErrorClass::as_str),
            error_message: run.error_message.as_deref(),
            failed_step,
            duration_ms: run.duration_ms,
            attempt: run.attempt,
            is_final_attempt: run.is_final_attempt,
            started_at_ms: run.started_at_ms,
            trace_id: run.trace_id.as_deref(),
        });
    }
    let mut text = format!(
        "{}  {:<22} {:<12} {:<5} {:>7} ms",
        crate::output::rfc3339_ms(run.started_at_ms),
        run.journey,
        run.region,
        run.outcome,
        run.duration_ms
    );
    if run.attempt > 1 || !run.is_final_attempt {
        text.push_str(&format!(
            "  attempt {}{}",
            run.attempt,
            if run.is_final_attempt {
                ""
            } else {
                " (retrying)"
            }
        ));
    }
    if let (Some(c), Some(m)) = (run.error_class, &run.error_message) {
        let at = failed_step.map_or_else(String::new, |s| format!(" at {s:?}"));
        text.push_str(&format!("  {c}{at}: {m}"));
    }
    println!("{text}");
    Ok(())
}

fn line<T: Serialize>(value: &T) -> anyhow::Result<()> {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    serde_json::to_writer(&mut out, value)?;
    out.write_all(b"\n")?;
    out.flush()?;
    Ok(())
}

fn finish(cli: &Cli, summary: &Summary) -> anyhow::Result<()> {
    if cli.json {
        return line(summary);
    }
    let runs: Vec<String> = summary
        .runs
        .iter()
        .map(|(k, v)| format!("{v} {k}"))
        .collect();
    println!(
        "stopped: {} attempt(s) stored ({}), {} retried, {} slot(s) missed, {} browser restart(s){}",
        summary.runs.values().sum::<u64>(),
        if runs.is_empty() {
            "none".to_owned()
        } else {
            runs.join(", ")
        },
        summary.retried_attempts,
        summary.missed_slots,
        summary.browser_restarts,
        if summary.aborted_on_shutdown {
            "; runs under way were cut short"
        } else {
            ""
        }
    );
    if let Some(p) = &summary.push {
        println!(
            "pushed: {} stored, {} already there, {} failed request(s); {} still in the spool, {} rejected",
            p.inserted, p.duplicates, p.failed_requests, p.still_spooled, p.rejected
        );
    }
    Ok(())
}

async fn serve_metrics(
    listener: tokio::net::TcpListener,
    metrics: Arc<sightline_runner::RunnerMetrics>,
    stop: CancellationToken,
) {
    let app = sightline_runner::metrics::router(metrics);
    let served = axum::serve(listener, app)
        .with_graceful_shutdown(async move { stop.cancelled().await })
        .await;
    if let Err(e) = served {
        tracing::error!(error = %e, "metrics listener");
    }
}
