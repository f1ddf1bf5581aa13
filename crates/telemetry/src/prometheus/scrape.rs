//! Scraping Prometheus targets over HTTP, once or at an interval.
//!
//! The project file will list the targets; this module only needs a URL, a
//! service name and an interval. Each scrape is parsed whole before anything
//! is stored, and gets Prometheus' own `job` and `instance` labels.

use std::time::Duration;

use serde::Serialize;
use sightline_core::MetricPoint;
use sightline_store::TelemetryBatch;

use super::parse::{ParseOptions, parse};
use crate::{Ingest, Result, TelemetryError};

/// What Prometheus itself asks for: classic text first, OpenMetrics accepted.
const ACCEPT: &str =
    "text/plain;version=0.0.4;q=0.9,application/openmetrics-text;version=1.0.0;q=0.5,*/*;q=0.1";

/// A scrape larger than this is refused (a misconfigured target, not metrics).
const MAX_SCRAPE_BYTES: usize = 16 << 20;

/// One target to scrape.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ScrapeTarget {
    /// The metrics URL, e.g. `http://127.0.0.1:9100/metrics`.
    pub url: String,
    /// The `job`: the service the metrics describe.
    pub job: String,
}

/// A client with the timeouts a scraper wants.
pub fn client(timeout: Duration) -> Result<reqwest::Client> {
    reqwest::Client::builder()
        .timeout(timeout)
        .build()
        .map_err(|e| TelemetryError::Http {
            url: String::new(),
            message: e.to_string(),
        })
}

/// Scrapes `target` once; samples without their own timestamp take
/// `now_unix_nano`.
pub async fn scrape_once(
    client: &reqwest::Client,
    target: &ScrapeTarget,
    now_unix_nano: i64,
) -> Result<Vec<MetricPoint>> {
    let http = |message: String| TelemetryError::Http {
        url: target.url.clone(),
        message,
    };
    let mut resp = client
        .get(&target.url)
        .header(reqwest::header::ACCEPT, ACCEPT)
        .send()
        .await
        .map_err(|e| http(e.to_string()))?;
    if !resp.status().is_success() {
        return Err(http(format!("answered {}", resp.status())));
    }
    let mut body = Vec::new();
    while let Some(chunk) = resp.chunk().await.map_err(|e| http(e.to_string()))? {
        if body.len() + chunk.len() > MAX_SCRAPE_BYTES {
            return Err(http(format!(
                "scrape is larger than {MAX_SCRAPE_BYTES} bytes"
            )));
        }
        body.extend_from_slice(&chunk);
    }
    let text = String::from_utf8(body).map_err(|e| http(format!("not UTF-8: {e}")))?;
    let mut points = parse(
        &text,
        &ParseOptions {
            source_name: &target.url,
            service: &target.job,
            default_time_unix_nano: now_unix_nano,
        },
    )?;
    let instance = reqwest::Url::parse(&target.url)
        .ok()
        .and_then(|u| Some(format!("{}:{}", u.host_str()?, u.port_or_known_default()?)))
        .unwrap_or_else(|| target.url.clone());
    for p in &mut points {
        p.attributes
            .entry("job".into())
            .or_insert_with(|| target.job.clone().into());
        p.attributes
            .entry("instance".into())
            .or_insert_with(|| instance.clone().into());
    }
    Ok(points)
}

/// What a scrape loop did before it was stopped.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct ScrapeSummary {
    /// Scrape rounds started.
    pub rounds: u64,
    /// Successful scrapes (targets x rounds that worked).
    pub scrapes: u64,
    /// Failed scrapes (unreachable, bad text, store refused).
    pub failures: u64,
    /// Points stored.
    pub points: u64,
}

fn now_unix_nano() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_nanos()).unwrap_or(i64::MAX))
}

/// Scrapes every target each `interval` (the first round at once) and
/// stores the points through `ingest`, until `stop` turns true or its sender
/// is dropped. A failing target is logged and tried again next round; it
/// never stops the others.
pub async fn scrape_loop(
    targets: Vec<ScrapeTarget>,
    interval: Duration,
    ingest: Ingest,
    mut stop: tokio::sync::watch::Receiver<bool>,
) -> ScrapeSummary {
    let mut summary = ScrapeSummary::default();
    // A scrape may take at most the interval, so rounds never pile up.
    let Ok(client) = client(interval.max(Duration::from_millis(100))) else {
        return summary;
    };
    let mut ticker = tokio::time::interval(interval.max(Duration::from_millis(10)));
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    loop {
        tokio::select! {
            _ = ticker.tick() => {}
            changed = stop.changed() => {
                if changed.is_err() || *stop.borrow() { break; }
                continue;
            }
        }
        if *stop.borrow() {
            break;
        }
        summary.rounds += 1;
        let now = now_unix_nano();
        for t in &targets {
            let stored = match scrape_once(&client, t, now).await {
                Ok(points) => ingest.submit(TelemetryBatch::Metrics(points)).await,
                Err(e) => Err(e),
            };
            match stored {
                Ok(w) => {
                    summary.scrapes += 1;
                    summary.points += w.stored as u64;
                }
                Err(e) => {
                    summary.failures += 1;
                    tracing::warn!(target = %t.url, error = %e, code = e.code(), "scrape failed");
                }
            }
        }
    }
    summary
}
