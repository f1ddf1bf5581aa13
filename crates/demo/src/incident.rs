//! Recording labelled incidents for the attribution evaluation.
//!
//! One recording plays a scenario (`datasets/incidents/scenarios/*.yaml`)
//! against the demo shop in three regions, in real time, while the real
//! runner replays HTTP-only journeys from each region every few seconds. It
//! writes what a production system would have had, in the formats Sightline
//! imports, and the ground truth beside it:
//!
//! - `runs.jsonl.gz`: every run result, as the runner stored it;
//! - `traces.jsonl.gz`, `logs.jsonl.gz`, `metrics.jsonl.gz`: the shop's OTLP
//!   exports, one request per line, in the OTLP JSON mapping the
//!   OpenTelemetry Collector's file exporter writes;
//! - `deploys.jsonl`: the deploy webhooks the shop posted;
//! - `labels.json`: what the scenario really did. Only the scorer reads it.
//!
//! HTTP journeys need no browser, so a recording costs little CPU and
//! several can run at once on this machine.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::routing::post;
use flate2::Compression;
use flate2::write::GzEncoder;
use opentelemetry_proto::tonic::collector::logs::v1::ExportLogsServiceRequest;
use opentelemetry_proto::tonic::collector::metrics::v1::ExportMetricsServiceRequest;
use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use sightline_browser::{ReplayReport, SecretSource};
use sightline_demo_shop::{OtelConfig, ScaledClock, Scenario, ShopConfig};
use sightline_runner::{Project, RunSink, RunnerError, RunnerOptions};
use sightline_telemetry::otlp::decode::{Format, decode, decompress};
use tokio_util::sync::CancellationToken;

use crate::DemoError;
use crate::closed_loop::SHOP_PASSWORD;

/// The journeys a recording replays, embedded, with how often.
pub const INCIDENT_JOURNEYS: [(&str, &str, &str); 3] = [
    (
        "api-order-status.yaml",
        include_str!("../../../journeys/demo/api-order-status.yaml"),
        "5s",
    ),
    (
        "api-login.yaml",
        include_str!("../../../datasets/incidents/journeys/api-login.yaml"),
        "5s",
    ),
    (
        "api-browse.yaml",
        include_str!("../../../datasets/incidents/journeys/api-browse.yaml"),
        "5s",
    ),
];

/// The files of one recorded incident.
pub mod files {
    /// Run results, JSON Lines, gzip.
    pub const RUNS: &str = "runs.jsonl.gz";
    /// OTLP trace exports, JSON Lines, gzip.
    pub const TRACES: &str = "traces.jsonl.gz";
    /// OTLP log exports, JSON Lines, gzip.
    pub const LOGS: &str = "logs.jsonl.gz";
    /// OTLP metric exports, JSON Lines, gzip.
    pub const METRICS: &str = "metrics.jsonl.gz";
    /// Deploy webhook bodies, JSON Lines.
    pub const DEPLOYS: &str = "deploys.jsonl";
    /// Ground truth, for the scorer only.
    pub const LABELS: &str = "labels.json";
}

/// A JSON Lines file, gzip or plain, shared by the tasks writing to it.
#[derive(Clone)]
struct Lines(Arc<Mutex<Option<Box<dyn Write + Send>>>>);

impl Lines {
    fn create(path: &Path) -> Result<Lines, DemoError> {
        let file = std::fs::File::create(path)
            .map_err(|e| DemoError::Setup(format!("{}: {e}", path.display())))?;
        let buf = std::io::BufWriter::new(file);
        let w: Box<dyn Write + Send> = if path.extension().is_some_and(|e| e == "gz") {
            Box::new(GzEncoder::new(buf, Compression::default()))
        } else {
            Box::new(buf)
        };
        Ok(Lines(Arc::new(Mutex::new(Some(w)))))
    }

    fn write(&self, line: &str) {
        let mut guard = self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(w) = guard.as_mut()
            && let Err(e) = w
                .write_all(line.as_bytes())
                .and_then(|()| w.write_all(b"\n"))
        {
            tracing::warn!(error = %e, "writing a recorded line");
        }
    }

    /// Flushes and closes (a gzip file gets its trailer when dropped).
    fn close(&self) {
        let mut guard = self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(mut w) = guard.take() {
            let _ = w.flush();
        }
    }
}

#[derive(Clone)]
struct Capture {
    traces: Lines,
    logs: Lines,
    metrics: Lines,
    deploys: Lines,
}

fn body_of(headers: &HeaderMap, body: &[u8]) -> Option<Vec<u8>> {
    let encoding = headers
        .get(header::CONTENT_ENCODING)
        .and_then(|v| v.to_str().ok());
    decompress(body, encoding, 64 << 20).ok()
}

fn format_of(headers: &HeaderMap) -> Format {
    let ct = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok());
    Format::from_content_type(ct).unwrap_or(Format::Protobuf)
}

async fn capture<M>(
    headers: &HeaderMap,
    body: &[u8],
    signal: &'static str,
    out: &Lines,
) -> StatusCode
where
    M: prost::Message + Default + serde::de::DeserializeOwned + serde::Serialize,
{
    let Some(raw) = body_of(headers, body) else {
        return StatusCode::BAD_REQUEST;
    };
    match decode::<M>(&raw, format_of(headers), signal) {
        Ok(msg) => match serde_json::to_string(&msg) {
            Ok(line) => {
                out.write(&line);
                StatusCode::OK
            }
            Err(_) => StatusCode::INTERNAL_SERVER_ERROR,
        },
        Err(_) => StatusCode::BAD_REQUEST,
    }
}

fn capture_router(c: Capture) -> Router {
    Router::new()
        .route(
            "/v1/traces",
            post(
                |State(c): State<Capture>, h: HeaderMap, b: Bytes| async move {
                    capture::<ExportTraceServiceRequest>(&h, &b, "traces", &c.traces).await
                },
            ),
        )
        .route(
            "/v1/logs",
            post(
                |State(c): State<Capture>, h: HeaderMap, b: Bytes| async move {
                    capture::<ExportLogsServiceRequest>(&h, &b, "logs", &c.logs).await
                },
            ),
        )
        .route(
            "/v1/metrics",
            post(
                |State(c): State<Capture>, h: HeaderMap, b: Bytes| async move {
                    capture::<ExportMetricsServiceRequest>(&h, &b, "metrics", &c.metrics).await
                },
            ),
        )
        .route(
            "/v1/events/deploy",
            post(|State(c): State<Capture>, b: Bytes| async move {
                match serde_json::from_slice::<serde_json::Value>(&b) {
                    Ok(v) => {
                        c.deploys.write(&v.to_string());
                        StatusCode::ACCEPTED
                    }
                    Err(_) => StatusCode::BAD_REQUEST,
                }
            }),
        )
        .with_state(c)
}

/// Writes each finished run as one JSON line.
struct JsonlSink(Lines);

impl RunSink for JsonlSink {
    fn accept(&self, report: &ReplayReport) -> Result<bool, RunnerError> {
        match serde_json::to_string(&report.run) {
            Ok(line) => self.0.write(&line),
            Err(e) => tracing::warn!(error = %e, "encoding a recorded run"),
        }
        Ok(true)
    }
}

fn write_project(dir: &Path, frontends: &[(String, String)]) -> Result<Project, DemoError> {
    let io = |e: std::io::Error| DemoError::Setup(format!("{}: {e}", dir.display()));
    std::fs::create_dir_all(dir.join("journeys")).map_err(io)?;
    let mut toml = String::from(
        "# Written by `sightline eval record`: HTTP journeys from three regions.\n\
         [runner]\npool_size = 2\nretries = 0\ngrace = \"5s\"\n",
    );
    for (region, url) in frontends {
        toml.push_str(&format!("\n[regions.{region}]\nbase_url = \"{url}\"\n"));
    }
    for (file, text, every) in INCIDENT_JOURNEYS {
        std::fs::write(dir.join("journeys").join(file), text).map_err(io)?;
        toml.push_str(&format!(
            "\n[[schedule]]\njourney = \"journeys/{file}\"\nevery = \"{every}\"\njitter = \"1s\"\n"
        ));
    }
    let file = dir.join("sightline.toml");
    std::fs::write(&file, toml).map_err(io)?;
    Ok(Project::load(&file)?)
}

/// Records `scenario` (a YAML file) into `out/<scenario name>/` and returns
/// that folder. Takes the scenario's duration in real time.
pub async fn record(scenario: &Path, out: &Path) -> Result<PathBuf, DemoError> {
    let scenario = Scenario::from_path(scenario).map_err(|e| DemoError::Setup(e.to_string()))?;
    let dir = out.join(&scenario.name);
    std::fs::create_dir_all(&dir)
        .map_err(|e| DemoError::Setup(format!("{}: {e}", dir.display())))?;
    let work = tempfile_dir(&dir)?;
    let capture = Capture {
        traces: Lines::create(&dir.join(files::TRACES))?,
        logs: Lines::create(&dir.join(files::LOGS))?,
        metrics: Lines::create(&dir.join(files::METRICS))?,
        deploys: Lines::create(&dir.join(files::DEPLOYS))?,
    };
    let runs = Lines::create(&dir.join(files::RUNS))?;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .map_err(|e| DemoError::Setup(format!("binding the capture server: {e}")))?;
    let url = format!(
        "http://{}",
        listener
            .local_addr()
            .map_err(|e| DemoError::Setup(format!("the capture server's address: {e}")))?
    );
    let stop = CancellationToken::new();
    let server = tokio::spawn({
        let app = capture_router(capture.clone());
        let stop = stop.clone();
        async move {
            let _ = axum::serve(listener, app)
                .with_graceful_shutdown(async move { stop.cancelled().await })
                .await;
        }
    });

    let shop = sightline_demo_shop::start(ShopConfig {
        regions: crate::closed_loop::REGIONS
            .iter()
            .map(|(r, _)| (*r).to_owned())
            .collect(),
        seed: scenario.seed,
        deploy_webhook: Some(format!("{url}/v1/events/deploy")),
        otlp: Some(OtelConfig {
            export_interval: Duration::from_secs(2),
            ..OtelConfig::new(url.clone())
        }),
        ..ShopConfig::default()
    })
    .await
    .map_err(|e| DemoError::Setup(e.to_string()))?;
    let frontends: Vec<(String, String)> = crate::closed_loop::REGIONS
        .iter()
        .filter_map(|(r, _)| {
            shop.frontend_url(r)
                .map(|u| ((*r).to_owned(), u.to_owned()))
        })
        .collect();
    let project = write_project(&work, &frontends)?;
    let sink = Arc::new(JsonlSink(runs.clone()));
    let secrets =
        SecretSource::Map([("shop_password".to_owned(), SHOP_PASSWORD.to_owned())].into());
    let mut runners = Vec::new();
    for (region, _) in crate::closed_loop::REGIONS {
        let p = project.clone().only_region(region)?;
        runners.push(sightline_runner::start(
            p,
            sink.clone(),
            RunnerOptions {
                runner_id: format!("probe-{region}"),
                secrets: secrets.clone(),
                seed: scenario.seed,
                ..RunnerOptions::default()
            },
        ));
    }
    let clock = ScaledClock::new(1.0).map_err(|e| DemoError::Setup(e.to_string()))?;
    let labels = scenario
        .run(shop.state(), &clock)
        .await
        .map_err(|e| DemoError::Setup(e.to_string()))?;
    for r in &mut runners {
        r.shutdown().await;
    }
    shop.shutdown().await;
    // The last OTLP batches are in flight for a moment after the flush.
    tokio::time::sleep(Duration::from_secs(1)).await;
    stop.cancel();
    let _ = server.await;
    for l in [
        &capture.traces,
        &capture.logs,
        &capture.metrics,
        &capture.deploys,
        &runs,
    ] {
        l.close();
    }
    let json = serde_json::to_string_pretty(&labels).unwrap_or_default();
    std::fs::write(dir.join(files::LABELS), json + "\n")
        .map_err(|e| DemoError::Setup(format!("{}: {e}", dir.display())))?;
    let _ = std::fs::remove_dir_all(&work);
    Ok(dir)
}

fn tempfile_dir(dir: &Path) -> Result<PathBuf, DemoError> {
    let work = dir.join(".work");
    std::fs::create_dir_all(&work)
        .map_err(|e| DemoError::Setup(format!("{}: {e}", work.display())))?;
    Ok(work)
}
