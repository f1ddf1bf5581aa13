//! What a run keeps besides its verdict: console errors, uncaught
//! exceptions, page timings and screenshots.

use std::sync::{Arc, Mutex};

use chromiumoxide::Page;
use chromiumoxide::cdp::browser_protocol::log::{EventEntryAdded, LogEntryLevel};
use chromiumoxide::cdp::browser_protocol::page::CaptureScreenshotFormat;
use chromiumoxide::cdp::js_protocol::runtime::{
    ConsoleApiCalledType, EventConsoleApiCalled, EventExceptionThrown,
};
use chromiumoxide::error::CdpError;
use chromiumoxide::page::ScreenshotParams;
use futures::StreamExt;
use serde::{Deserialize, Serialize};
use tokio::task::JoinHandle;

/// Errors the page reported, in arrival order.
#[derive(Debug, Default)]
pub(crate) struct ConsoleLog {
    /// `console.error` calls and error-level browser log entries.
    pub(crate) errors: Vec<String>,
    /// Uncaught exceptions, as one line each.
    pub(crate) exceptions: Vec<String>,
}

/// Starts listening to the page's console, log and exceptions.
pub(crate) async fn listen_console(
    page: &Page,
    log: Arc<Mutex<ConsoleLog>>,
) -> Result<Vec<JoinHandle<()>>, CdpError> {
    let mut console = page.event_listener::<EventConsoleApiCalled>().await?;
    let mut exceptions = page.event_listener::<EventExceptionThrown>().await?;
    let mut entries = page.event_listener::<EventEntryAdded>().await?;
    page.enable_runtime().await?;
    page.enable_log().await?;
    let l1 = log.clone();
    let l2 = log.clone();
    let l3 = log;
    Ok(vec![
        tokio::spawn(async move {
            while let Some(e) = console.next().await {
                if e.r#type == ConsoleApiCalledType::Error {
                    let text: Vec<String> = e
                        .args
                        .iter()
                        .map(|a| match (&a.value, &a.description) {
                            (Some(serde_json::Value::String(s)), _) => s.clone(),
                            (Some(v), _) => v.to_string(),
                            (None, Some(d)) => d.clone(),
                            (None, None) => String::new(),
                        })
                        .collect();
                    push(&l1, |c| c.errors.push(text.join(" ")));
                }
            }
        }),
        tokio::spawn(async move {
            while let Some(e) = exceptions.next().await {
                let d = &e.exception_details;
                let text = d
                    .exception
                    .as_ref()
                    .and_then(|x| x.description.clone())
                    .unwrap_or_else(|| d.text.clone());
                let first_line = text.lines().next().unwrap_or_default().to_owned();
                push(&l2, |c| c.exceptions.push(first_line));
            }
        }),
        tokio::spawn(async move {
            while let Some(e) = entries.next().await {
                if e.entry.level == LogEntryLevel::Error {
                    let text = match &e.entry.url {
                        Some(url) => format!("{} ({url})", e.entry.text),
                        None => e.entry.text.clone(),
                    };
                    push(&l3, |c| c.errors.push(text));
                }
            }
        }),
    ])
}

fn push(log: &Mutex<ConsoleLog>, f: impl FnOnce(&mut ConsoleLog)) {
    if let Ok(mut guard) = log.lock() {
        f(&mut guard);
    }
}

/// A PNG of the visible page.
pub(crate) async fn screenshot(page: &Page) -> Result<Vec<u8>, CdpError> {
    page.screenshot(
        ScreenshotParams::builder()
            .format(CaptureScreenshotFormat::Png)
            .build(),
    )
    .await
}

/// Page timings of one loaded document, in milliseconds from navigation
/// start, as the page itself reports them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PageVitals {
    /// The step that loaded the document.
    pub step_index: u32,
    /// The document's URL (secrets redacted).
    pub url: String,
    /// HTTP status of the document, when the browser exposes it.
    pub status: Option<u16>,
    /// Time to first byte.
    pub ttfb_ms: Option<f64>,
    /// First contentful paint.
    pub fcp_ms: Option<f64>,
    /// Largest contentful paint (the latest candidate so far).
    pub lcp_ms: Option<f64>,
}

/// Reads navigation timing, paint and LCP entries. LCP only exists through a
/// buffered observer, which reports asynchronously; a short grace bounds it.
pub(crate) const VITALS_JS: &str = r#"(async () => {
  const nav = performance.getEntriesByType('navigation')[0];
  const fcp = performance.getEntriesByName('first-contentful-paint')[0];
  const lcp = await new Promise((resolve) => {
    try {
      new PerformanceObserver((list) => {
        const e = list.getEntries();
        resolve(e.length ? e[e.length - 1].startTime : null);
      }).observe({ type: 'largest-contentful-paint', buffered: true });
    } catch (_) { resolve(null); }
    setTimeout(() => resolve(null), 150);
  });
  return {
    url: location.href,
    status: nav && nav.responseStatus ? nav.responseStatus : null,
    ttfb: nav ? nav.responseStart - nav.startTime : null,
    fcp: fcp ? fcp.startTime : null,
    lcp,
  };
})()"#;

/// What [`VITALS_JS`] returns.
#[derive(Debug, Deserialize)]
pub(crate) struct RawVitals {
    pub(crate) url: String,
    pub(crate) status: Option<u16>,
    pub(crate) ttfb: Option<f64>,
    pub(crate) fcp: Option<f64>,
    pub(crate) lcp: Option<f64>,
}
