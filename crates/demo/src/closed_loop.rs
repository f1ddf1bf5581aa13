//! Running the demo: bring everything up, play the scenario, follow the SLOs
//! live, then stop cleanly and write the report.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use sightline_api::slo::live::LiveSlos;
use sightline_browser::SecretSource;
use sightline_demo_shop::{OtelConfig, ScaledClock, Scenario, ShopConfig};
use sightline_runner::{Project, RunnerEvent, RunnerHandle, RunnerOptions, StoreSink};
use sightline_store::Store;
use sightline_telemetry::{Ingest, IngestConfig, OtlpConfig, OtlpState};
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use crate::history::{HistorySpec, ModelJourney, generate};
use crate::report::DemoReport;
use crate::slos::{demo_slos, demo_slos_yaml};
use crate::timeline::{Deploy, Timeline};
use crate::{DemoError, JOURNEYS, SCENARIOS};

/// The demo shop's published demo credentials (docs/demo-shop.md).
pub(crate) const SHOP_PASSWORD: &str = "sightline-demo";
const SHOP_TOTP_SEED: &str = "JBSWY3DPEHPK3PXP";

/// The regions, with how far each sits from its users (latency factor of
/// the simulated history).
pub const REGIONS: [(&str, f64); 3] = [("us-east-1", 1.0), ("eu-west-1", 1.1), ("ap-south-1", 1.3)];

/// How the demo runs.
#[derive(Debug, Clone)]
pub struct DemoOptions {
    /// Where the demo's database, project files and report go. Replaced at
    /// each start: it holds demo data only.
    pub dir: PathBuf,
    /// A scenario name (see [`SCENARIOS`]) or a path to a scenario file.
    pub scenario: String,
    /// Scenario clock speed-up: 2 plays a 10-minute scenario in 5.
    pub speed: f64,
    /// Stop after this long; `None` runs until the scenario ends or `stop`.
    pub run_for: Option<Duration>,
    /// The Chromium executable.
    pub chromium: PathBuf,
    /// Days of simulated history before the live part.
    pub history_days: i64,
    /// Seed of the simulated history.
    pub seed: u64,
}

impl Default for DemoOptions {
    fn default() -> Self {
        Self {
            dir: PathBuf::from("sightline-demo"),
            scenario: "payment-bad-release-us-east-1".into(),
            speed: 1.0,
            run_for: None,
            chromium: PathBuf::from(sightline_browser::DEFAULT_CHROMIUM),
            history_days: 30,
            seed: 7,
        }
    }
}

/// Where the outputs are.
#[derive(Debug, Clone)]
pub struct DemoOutcome {
    /// What happened.
    pub report: DemoReport,
    /// The database.
    pub db: PathBuf,
    /// `report.md`.
    pub markdown: PathBuf,
    /// `report.html`.
    pub html: PathBuf,
}

/// What the caller sees while the demo runs.
#[derive(Debug, Clone)]
pub enum Progress {
    /// A setup step, in words.
    Step(String),
    /// Everything is up; the live part starts. The database path, for an
    /// app to open.
    Live {
        /// The database.
        db: PathBuf,
    },
    /// A fresh frame of the terminal view.
    Frame(String),
}

fn scenario_text(name: &str) -> Result<(String, String), DemoError> {
    if let Some((_, text)) = SCENARIOS.iter().find(|(n, _)| *n == name) {
        return Ok(((*text).to_owned(), name.to_owned()));
    }
    let path = Path::new(name);
    let text = std::fs::read_to_string(path).map_err(|e| {
        let known: Vec<&str> = SCENARIOS.iter().map(|(n, _)| *n).collect();
        DemoError::Setup(format!(
            "--scenario {name:?}: not a bundled scenario ({}) and not a readable file: {e}",
            known.join(", ")
        ))
    })?;
    Ok((text, path.display().to_string()))
}

/// Writes the demo's project folder: `slos/`, `journeys/`, `sightline.toml`.
fn write_project(dir: &Path, frontends: &[(String, String)]) -> Result<Project, DemoError> {
    let io = |e: std::io::Error| DemoError::Setup(format!("{}: {e}", dir.display()));
    std::fs::create_dir_all(dir.join("slos")).map_err(io)?;
    std::fs::create_dir_all(dir.join("journeys")).map_err(io)?;
    std::fs::write(dir.join("slos/demo.yaml"), demo_slos_yaml()).map_err(io)?;
    for (file, text) in JOURNEYS {
        std::fs::write(dir.join("journeys").join(file), text).map_err(io)?;
    }
    let mut toml = String::from(
        "# Written by `sightline demo`: the demo journeys from three regions.\n\
         [runner]\npool_size = 1\nretries = 0\ngrace = \"10s\"\n",
    );
    for (region, url) in frontends {
        toml.push_str(&format!("\n[regions.{region}]\nbase_url = \"{url}\"\n"));
    }
    for (file, every) in [
        ("checkout.yaml", "20s"),
        ("login.yaml", "30s"),
        ("browse-search.yaml", "60s"),
        ("api-order-status.yaml", "10s"),
    ] {
        toml.push_str(&format!(
            "\n[[schedule]]\njourney = \"journeys/{file}\"\nevery = \"{every}\"\njitter = \"3s\"\n"
        ));
    }
    let file = dir.join("sightline.toml");
    std::fs::write(&file, toml).map_err(io)?;
    Ok(Project::load(&file)?)
}

fn clear_dir(dir: &Path) -> Result<(), DemoError> {
    let db = dir.join("demo.db");
    for suffix in ["", "-wal", "-shm"] {
        let p = PathBuf::from(format!("{}{suffix}", db.display()));
        if p.exists() {
            std::fs::remove_file(&p)
                .map_err(|e| DemoError::Setup(format!("{}: {e}", p.display())))?;
        }
    }
    let artifacts = dir.join("demo.artifacts");
    if artifacts.exists() {
        std::fs::remove_dir_all(&artifacts)
            .map_err(|e| DemoError::Setup(format!("{}: {e}", artifacts.display())))?;
    }
    Ok(())
}

/// Runs the demo until it ends by itself, `run_for` passes, or `stop`.
pub async fn run(
    opts: DemoOptions,
    stop: CancellationToken,
    progress: mpsc::UnboundedSender<Progress>,
) -> Result<DemoOutcome, DemoError> {
    let say = |s: &str| {
        let _ = progress.send(Progress::Step(s.to_owned()));
    };
    let (scenario_yaml, scenario_origin) = scenario_text(&opts.scenario)?;
    let scenario = Scenario::from_yaml(&scenario_yaml, &scenario_origin)
        .map_err(|e| DemoError::Setup(e.to_string()))?;
    let clock = ScaledClock::new(opts.speed).map_err(|e| DemoError::Setup(e.to_string()))?;
    std::fs::create_dir_all(&opts.dir)
        .map_err(|e| DemoError::Setup(format!("{}: {e}", opts.dir.display())))?;
    clear_dir(&opts.dir)?;
    let db = opts.dir.join("demo.db");

    say("starting the OTLP receiver and the deploy-event endpoint");
    let receiver = Receiver::start(&db).await?;
    say("starting the demo shop in three regions");
    let shop = sightline_demo_shop::start(ShopConfig {
        regions: REGIONS.iter().map(|(r, _)| (*r).to_owned()).collect(),
        seed: scenario.seed,
        deploy_webhook: Some(format!("{}/v1/events/deploy", receiver.url)),
        // Batches every 5 s: the same data in fewer, larger exports, which
        // leaves the two cores to the browsers.
        otlp: Some(OtelConfig {
            export_interval: Duration::from_secs(5),
            ..OtelConfig::new(receiver.url.clone())
        }),
        ..ShopConfig::default()
    })
    .await
    .map_err(|e| DemoError::Setup(e.to_string()))?;
    let frontends: Vec<(String, String)> = REGIONS
        .iter()
        .filter_map(|(r, _)| {
            shop.frontend_url(r)
                .map(|u| ((*r).to_owned(), u.to_owned()))
        })
        .collect();
    let mut project = write_project(&opts.dir, &frontends)?;
    project.runner.chromium = opts.chromium.clone();

    let now = sightline_browser::system_now_ms();
    say(&format!(
        "writing {} days of simulated history",
        opts.history_days
    ));
    let spec = HistorySpec {
        journeys: project
            .schedules
            .iter()
            .map(|s| ModelJourney {
                journey: (*s.journey).clone(),
                every_ms: i64::try_from(s.every.as_millis()).unwrap_or(60_000),
                typical_ms: typical_ms(&s.journey.journey.name),
            })
            .collect(),
        regions: REGIONS.iter().map(|(r, f)| ((*r).to_owned(), *f)).collect(),
        from_ms: now - opts.history_days * 86_400_000,
        to_ms: now,
        sparse_every_ms: 10 * 60_000,
        dense_for_ms: 90 * 60_000,
        failure_rate: 0.0005,
        seed: opts.seed,
    };
    let history = generate(&spec);
    let simulated_runs = history.len() as u64;
    let mut store = Store::open(&db)?;
    for chunk in history.chunks(10_000) {
        store.insert_runs(chunk, now)?;
    }

    say("computing the SLOs over the history");
    let mut live = LiveSlos::with_configs(&db, &opts.dir.join("journeys"), demo_slos(), now)?;
    let sink = Arc::new(StoreSink::new(
        Store::open(&db)?,
        sightline_browser::system_now_ms,
    ));
    let secrets = SecretSource::Map(
        [
            ("shop_password".to_owned(), SHOP_PASSWORD.to_owned()),
            ("shop_totp_seed".to_owned(), SHOP_TOTP_SEED.to_owned()),
        ]
        .into(),
    );

    say("starting one runner per region (headless Chromium)");
    let mut runners: Vec<RunnerHandle> = Vec::new();
    for (region, _) in REGIONS {
        let p = project.clone().only_region(region)?;
        let opts = RunnerOptions {
            runner_id: format!("demo-{region}"),
            secrets: secrets.clone(),
            seed: opts.seed,
            ..RunnerOptions::default()
        };
        runners.push(sightline_runner::start(p, sink.clone(), opts));
    }
    let (run_tx, mut run_rx) = mpsc::unbounded_channel();
    for r in &runners {
        let mut events = r.subscribe();
        let tx = run_tx.clone();
        tokio::spawn(async move {
            while let Ok(ev) = events.recv().await {
                if let RunnerEvent::Stored(run) = ev
                    && tx.send(run).is_err()
                {
                    break;
                }
            }
        });
    }
    drop(run_tx);

    let mut timeline = Timeline {
        started_ms: sightline_browser::system_now_ms(),
        ..Timeline::default()
    };
    let _ = progress.send(Progress::Live { db: db.clone() });
    let state = shop.state().clone();
    let scenario_task = tokio::spawn({
        let scenario = scenario.clone();
        let state = state.clone();
        async move { scenario.run(&state, &clock).await }
    });
    let deadline = opts.run_for.map(|d| tokio::time::Instant::now() + d);
    let regions: Vec<String> = REGIONS.iter().map(|(r, _)| (*r).to_owned()).collect();
    let title = format!("Sightline demo · {} · speed {}x", scenario.name, opts.speed);
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    // The pipeline's question, asked every second: may the next payment
    // release go out? The built-in policy blocks while a page fires.
    let gate_policy = sightline_action::policy::Policy::default_policy();
    let next_release = sightline_action::verdict::Release {
        id: Some("payment@2.4.2".into()),
        service: Some("payment".into()),
        fix: false,
    };
    let mut frames = 0u64;
    let mut seen_deploys = 0;
    loop {
        tokio::select! {
            () = stop.cancelled() => break,
            () = sleep_until(deadline) => break,
            _ = tick.tick() => {
                let now = sightline_browser::system_now_ms();
                timeline.alerts.extend(live.tick(&store, now)?);
                let states: Vec<_> = live
                    .status(now)
                    .slos
                    .iter()
                    .map(|s| sightline_api::action::gate::slo_state(s, None))
                    .collect();
                let verdict = sightline_action::verdict::decide(
                    &gate_policy,
                    &states,
                    &next_release,
                    &[],
                    Vec::new(),
                    now,
                );
                timeline.saw_gate(now, &verdict);
                // The shop itself posts each release to the deploy-event
                // endpoint (stored in `events`); the timeline keeps its own list.
                for d in state.releases.events().into_iter().skip(seen_deploys) {
                    seen_deploys += 1;
                    timeline.deploys.push(Deploy {
                        at_ms: d.time_ms,
                        release_id: d.release_id,
                        service: d.service,
                        region: Some(d.region),
                        version: d.version,
                    });
                }
                frames += 1;
                if frames.is_multiple_of(2) {
                    let frame = crate::view::render(&title, &live, &timeline, &regions, now);
                    let _ = progress.send(Progress::Frame(frame));
                }
                if deadline.is_none() && scenario_task.is_finished() {
                    break;
                }
            }
            Some(run) = run_rx.recv() => {
                live.apply(&run);
                timeline.saw_run(&run);
            }
        }
    }

    say("stopping the runners");
    for r in &mut runners {
        r.shutdown().await;
    }
    while let Ok(run) = run_rx.try_recv() {
        live.apply(&run);
        timeline.saw_run(&run);
    }
    let ended_ms = sightline_browser::system_now_ms();
    timeline.alerts.extend(live.tick(&store, ended_ms)?);
    let labels = if scenario_task.is_finished() {
        scenario_task.await.ok().and_then(Result::ok)
    } else {
        scenario_task.abort();
        None
    };
    // The shop flushes its last spans, logs and metrics, then the receiver
    // stores everything it has taken.
    shop.shutdown().await;
    receiver.stop().await;
    store = Store::open(&db)?;
    let (spans_per_trace, error_span_per_trace) = trace_evidence(&store, &timeline)?;
    let attribution = first_alert_attribution(&store, &timeline);

    let report = DemoReport {
        scenario: scenario.name.clone(),
        description: scenario.description.clone(),
        db: db.display().to_string(),
        started_ms: timeline.started_ms,
        ended_ms,
        simulated_runs,
        status: live.status(ended_ms),
        timeline,
        spans_per_trace,
        error_span_per_trace,
        labels,
        attribution,
    };
    drop(store);
    let markdown = opts.dir.join("report.md");
    let html = opts.dir.join("report.html");
    let io = |p: &Path, e: std::io::Error| DemoError::Setup(format!("{}: {e}", p.display()));
    std::fs::write(&markdown, report.markdown()).map_err(|e| io(&markdown, e))?;
    std::fs::write(&html, report.html()).map_err(|e| io(&html, e))?;
    if let Some(l) = &report.labels {
        let _ = l.write(&opts.dir);
    }
    Ok(DemoOutcome {
        report,
        db,
        markdown,
        html,
    })
}

/// Sightline's OTLP/HTTP receiver and deploy-event endpoint on loopback,
/// writing to the demo's database.
struct Receiver {
    url: String,
    ingest: Ingest,
    stop: CancellationToken,
    task: tokio::task::JoinHandle<()>,
}

impl Receiver {
    async fn start(db: &Path) -> Result<Receiver, DemoError> {
        let ingest = Ingest::start(Store::open(db)?, IngestConfig::default());
        let state = OtlpState::new(ingest.clone(), OtlpConfig::default());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .map_err(|e| DemoError::Setup(format!("binding the OTLP receiver: {e}")))?;
        let url = format!(
            "http://{}",
            listener
                .local_addr()
                .map_err(|e| DemoError::Setup(format!("the OTLP receiver's address: {e}")))?
        );
        let stop = CancellationToken::new();
        let done = stop.clone();
        let task = tokio::spawn(async move {
            let serve = sightline_telemetry::serve_http(listener, state, async move {
                done.cancelled().await;
            });
            if let Err(e) = serve.await {
                tracing::warn!(error = %e, "the demo's OTLP receiver stopped");
            }
        });
        Ok(Receiver {
            url,
            ingest,
            stop,
            task,
        })
    }

    /// Stops taking requests, then waits until everything taken is stored.
    async fn stop(self) {
        self.stop.cancel();
        let _ = self.task.await;
        let ingest = self.ingest;
        let _ = tokio::task::spawn_blocking(move || ingest.shutdown()).await;
    }
}

/// Spans stored per trace id, and the span where each trace's error began.
type TraceEvidence = (BTreeMap<String, u64>, BTreeMap<String, String>);

/// For each failing run's trace: how many backend spans are stored, and the
/// deepest failing span (`payment POST /charge: payment 2.4.1 internal error`).
/// The report the attribution engine stored when the first alert fired.
fn first_alert_attribution(
    store: &Store,
    timeline: &Timeline,
) -> Option<sightline_api::attribution::Report> {
    let a = timeline.first_firing()?;
    let episodes = sightline_store::queries::alerts::fired_between(
        store.conn(),
        timeline.started_ms,
        a.at_ms + 1,
    )
    .ok()?;
    let e = episodes
        .iter()
        .filter(|e| e.slo == a.slo && e.rule == a.rule)
        .max_by_key(|e| e.firing_at_ms)?;
    sightline_api::attribution::alert_report(store, &e.slo, e.rule, e.firing_at_ms).ok()?
}

fn trace_evidence(store: &Store, timeline: &Timeline) -> Result<TraceEvidence, DemoError> {
    let (mut counts, mut errors) = (BTreeMap::new(), BTreeMap::new());
    for trace in timeline.failures.iter().filter_map(|f| f.trace_id.as_ref()) {
        let spans = sightline_store::queries::spans::spans_for_trace(store.conn(), trace)?;
        counts.insert(trace.clone(), spans.len() as u64);
        // The failing span none of whose children failed is where the error began.
        let failed: Vec<_> = spans
            .iter()
            .filter(|s| s.status == sightline_core::SpanStatus::Error)
            .collect();
        let origin = failed.iter().find(|s| {
            !failed
                .iter()
                .any(|c| c.parent_span_id.as_deref() == Some(s.span_id.as_str()))
        });
        if let Some(s) = origin {
            let why = s.status_message.as_deref().unwrap_or("error");
            errors.insert(trace.clone(), format!("{} {}: {why}", s.service, s.name));
        }
    }
    Ok((counts, errors))
}

/// The healthy shop's typical run durations, measured against it in
/// headless Chromium on a 2-core machine.
fn typical_ms(journey: &str) -> f64 {
    match journey {
        "demo-checkout" => 3_800.0,
        "demo-login" => 2_700.0,
        "demo-browse-search" => 2_600.0,
        _ => 20.0,
    }
}

async fn sleep_until(deadline: Option<tokio::time::Instant>) {
    match deadline {
        Some(d) => tokio::time::sleep_until(d).await,
        None => std::future::pending().await,
    }
}
