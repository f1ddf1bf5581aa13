//! Watching Kubernetes events through the API: `GET /api/v1/events?watch=true`
//! (or one namespace's), one JSON watch event per line, stored as they come.
//!
//! On a dropped connection the watch resumes from the last `resourceVersion`
//! it saw; when the server says that version is too old (`ERROR` with code
//! 410 Gone) it starts again from now. Tested against a recorded stream
//! served on loopback: no cluster runs in this project's tests.

use std::time::Duration;

use serde::{Deserialize, Serialize};
use sightline_store::TelemetryBatch;

use super::events::{RawEvent, convert};
use super::kubeconfig::Kubeconfig;
use crate::{Ingest, TelemetryError};

/// Which events to watch, and how to behave.
#[derive(Debug, Clone)]
pub struct WatchOptions {
    /// Only this namespace; `None` for the whole cluster.
    pub namespace: Option<String>,
    /// Wait before reconnecting after the stream ends or fails.
    pub reconnect_after: Duration,
    /// Give up after this many failed connections in a row.
    pub max_failures: u32,
}

impl Default for WatchOptions {
    fn default() -> Self {
        Self {
            namespace: None,
            reconnect_after: Duration::from_secs(2),
            max_failures: 10,
        }
    }
}

/// What a watch did before it stopped.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct WatchSummary {
    /// Connections made.
    pub connections: u32,
    /// Watch events read (`ADDED`, `MODIFIED`, `DELETED`, `BOOKMARK`).
    pub watch_events: u64,
    /// Events newly stored.
    pub stored: u64,
    /// Lines that could not be used (logged with the reason).
    pub skipped: u64,
    /// Why it stopped: `stopped`, or the last error after `max_failures`.
    pub ended: String,
}

#[derive(Deserialize)]
struct WatchEvent {
    #[serde(rename = "type")]
    kind: String,
    object: serde_json::Value,
}

/// Watches until `stop` turns true (or its sender is dropped), or until
/// `max_failures` connections in a row fail.
pub async fn watch(
    config: &Kubeconfig,
    options: &WatchOptions,
    ingest: Ingest,
    mut stop: tokio::sync::watch::Receiver<bool>,
) -> WatchSummary {
    let mut s = WatchSummary::default();
    let client = match config.client() {
        Ok(c) => c,
        Err(e) => {
            s.ended = e.to_string();
            return s;
        }
    };
    let path = match options.namespace.as_deref().or(config.namespace.as_deref()) {
        Some(ns) => format!("/api/v1/namespaces/{ns}/events"),
        None => "/api/v1/events".to_owned(),
    };
    let mut resource_version: Option<String> = None;
    let mut failures = 0u32;
    loop {
        if *stop.borrow() {
            s.ended = "stopped".into();
            return s;
        }
        let mut url = format!(
            "{}{path}?watch=true&allowWatchBookmarks=true",
            config.server
        );
        if let Some(rv) = &resource_version {
            url.push_str("&resourceVersion=");
            url.push_str(rv);
        }
        s.connections += 1;
        let result = tokio::select! {
            r = stream_once(&client, config, &url, &ingest, &mut resource_version, &mut s) => r,
            _ = stop.wait_for(|v| *v) => { s.ended = "stopped".into(); return s; }
        };
        match result {
            Ok(()) => failures = 0,
            Err(e) => {
                failures += 1;
                tracing::warn!(error = %e, failures, "Kubernetes event watch failed");
                if failures >= options.max_failures {
                    s.ended = e.to_string();
                    return s;
                }
            }
        }
        tokio::select! {
            _ = tokio::time::sleep(options.reconnect_after) => {}
            _ = stop.wait_for(|v| *v) => { s.ended = "stopped".into(); return s; }
        }
    }
}

/// One connection: reads lines until the server ends the stream.
async fn stream_once(
    client: &reqwest::Client,
    config: &Kubeconfig,
    url: &str,
    ingest: &Ingest,
    resource_version: &mut Option<String>,
    s: &mut WatchSummary,
) -> Result<(), TelemetryError> {
    let http = |m: String| TelemetryError::Http {
        url: url.to_owned(),
        message: m,
    };
    let mut resp = config
        .authorize(client.get(url))
        .send()
        .await
        .map_err(|e| http(e.to_string()))?;
    if !resp.status().is_success() {
        return Err(http(format!("answered {}", resp.status())));
    }
    let mut buf: Vec<u8> = Vec::new();
    while let Some(chunk) = resp.chunk().await.map_err(|e| http(e.to_string()))? {
        buf.extend_from_slice(&chunk);
        // A single watch line over 4 MiB is not an event.
        if buf.len() > 4 << 20 && !buf.contains(&b'\n') {
            return Err(http("a watch line is larger than 4 MiB".into()));
        }
        while let Some(nl) = buf.iter().position(|b| *b == b'\n') {
            let line: Vec<u8> = buf.drain(..=nl).collect();
            handle_line(&line, url, ingest, resource_version, s).await?;
        }
    }
    if !buf.is_empty() {
        handle_line(&buf, url, ingest, resource_version, s).await?;
    }
    Ok(())
}

async fn handle_line(
    line: &[u8],
    url: &str,
    ingest: &Ingest,
    resource_version: &mut Option<String>,
    s: &mut WatchSummary,
) -> Result<(), TelemetryError> {
    if line.iter().all(u8::is_ascii_whitespace) {
        return Ok(());
    }
    let ev: WatchEvent = match serde_json::from_slice(line) {
        Ok(ev) => ev,
        Err(e) => {
            s.skipped += 1;
            tracing::warn!(error = %e, "skipping a watch line that is not a watch event");
            return Ok(());
        }
    };
    match ev.kind.as_str() {
        "ERROR" => {
            let code = ev.object.get("code").and_then(serde_json::Value::as_i64);
            if code == Some(410) {
                // Our resourceVersion is too old: start again from now.
                *resource_version = None;
            }
            return Err(TelemetryError::Http {
                url: url.to_owned(),
                message: format!("watch error: {}", ev.object),
            });
        }
        "ADDED" | "MODIFIED" | "DELETED" | "BOOKMARK" => s.watch_events += 1,
        other => {
            s.skipped += 1;
            tracing::warn!(kind = other, "skipping an unknown watch event type");
            return Ok(());
        }
    }
    let raw: RawEvent = match serde_json::from_value(ev.object) {
        Ok(r) => r,
        Err(e) => {
            s.skipped += 1;
            tracing::warn!(error = %e, "skipping a watch object that is not an Event");
            return Ok(());
        }
    };
    let rv = raw.resource_version().map(str::to_owned);
    // Bookmarks only move the resourceVersion; deletions are expiry, not news.
    if ev.kind != "BOOKMARK" && ev.kind != "DELETED" {
        match convert(raw, url, "object") {
            Ok(event) => s.stored += store(ingest, event).await? as u64,
            Err(e) => {
                s.skipped += 1;
                tracing::warn!(error = %e, "skipping an event that cannot be read");
            }
        }
    }
    // Only once stored: a reconnect after a failure resumes before this event.
    if rv.is_some() {
        *resource_version = rv;
    }
    Ok(())
}

/// Stores one event, waiting out a full queue (a watch cannot ask the API
/// server to slow down, but it can stop reading).
async fn store(ingest: &Ingest, event: sightline_core::Event) -> Result<usize, TelemetryError> {
    let mut tries = 0;
    loop {
        match ingest
            .submit(TelemetryBatch::Events(vec![event.clone()]))
            .await
        {
            Ok(w) => return Ok(w.stored),
            Err(TelemetryError::Overloaded { retry_after_s }) if tries < 30 => {
                tries += 1;
                tokio::time::sleep(Duration::from_secs(retry_after_s.max(1))).await;
            }
            Err(e) => return Err(e),
        }
    }
}
