//! Recording a journey in a real Chromium window.
//!
//! The recorder opens the start URL in Chromium (headed for people, headless
//! in tests), installs `recorder.js` on every new document with
//! `Page.addScriptToEvaluateOnNewDocument`, and receives each action over a
//! `Runtime.addBinding` binding: clicks, typing (as `change` steps), special
//! keys and scrolls, each with selector alternatives, best first. Main-frame
//! navigations are watched too: one that follows a click or a key press
//! becomes that step's `assertedEvents` navigation, as in Chrome's Recorder;
//! any other is a `navigate` step. When recording stops, the steps go through
//! the same Chrome Recorder import as `sightline journey import`, so recorded
//! and imported journeys are the same thing.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use chromiumoxide::Page;
use chromiumoxide::cdp::browser_protocol::page::{
    AddScriptToEvaluateOnNewDocumentParams, EventFrameNavigated,
};
use chromiumoxide::cdp::js_protocol::runtime::{AddBindingParams, EventBindingCalled};
use futures::StreamExt;
use serde_json::{Value, json};
use sightline_core::Journey;
use sightline_core::journey::{AssertedEvent, Step};
use sightline_journeys::Warning;
use tokio::task::JoinHandle;
use tokio::time::Instant;

use crate::BrowserError;
use crate::launch::{LaunchOptions, WarmBrowser};

const SCRIPT: &str = include_str!("recorder.js");
const BINDING: &str = "__sightlineRecord";
/// A navigation this soon after a click or key press is that action's.
const CAUSED_WITHIN: Duration = Duration::from_secs(3);

#[derive(Debug, Clone)]
enum Seen {
    Step(Value),
    Navigation(String),
}

/// A recording under way.
pub struct Recorder {
    warm: WarmBrowser,
    page: Page,
    start_url: String,
    seen: Arc<Mutex<Vec<(Instant, Seen)>>>,
    tasks: Vec<JoinHandle<()>>,
}

/// What a recording produced.
#[derive(Debug, Clone)]
pub struct Recording {
    /// The journey, ready to save.
    pub journey: Journey,
    /// What the import noticed (a password turned into a secret reference).
    pub warnings: Vec<Warning>,
}

fn push(seen: &Arc<Mutex<Vec<(Instant, Seen)>>>, s: Seen) {
    seen.lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .push((Instant::now(), s));
}

impl Recorder {
    /// Opens `url` in a fresh Chromium and starts recording.
    pub async fn start(launch: &LaunchOptions, url: &str) -> Result<Self, BrowserError> {
        let parsed = url::Url::parse(url)
            .map_err(|e| BrowserError::Launch(format!("--url {url:?}: {e}")))?;
        if !matches!(parsed.scheme(), "http" | "https") {
            return Err(BrowserError::Launch(format!(
                "--url {url:?}: use an http(s) URL"
            )));
        }
        let warm = WarmBrowser::launch(launch).await?;
        let cdp = BrowserError::Cdp;
        let page = warm.browser.new_page("about:blank").await.map_err(cdp)?;
        let seen = Arc::new(Mutex::new(Vec::new()));
        let mut calls = page
            .event_listener::<EventBindingCalled>()
            .await
            .map_err(cdp)?;
        let mut navs = page
            .event_listener::<EventFrameNavigated>()
            .await
            .map_err(cdp)?;
        page.execute(AddBindingParams::new(BINDING))
            .await
            .map_err(cdp)?;
        page.execute(AddScriptToEvaluateOnNewDocumentParams::new(SCRIPT))
            .await
            .map_err(cdp)?;
        let (s1, s2) = (seen.clone(), seen.clone());
        let tasks = vec![
            tokio::spawn(async move {
                while let Some(ev) = calls.next().await {
                    if ev.name != BINDING {
                        continue;
                    }
                    // Anything the page sends that is not a step is ignored.
                    if let Ok(step @ Value::Object(_)) = serde_json::from_str::<Value>(&ev.payload)
                        && step.get("type").and_then(Value::as_str).is_some()
                    {
                        push(&s1, Seen::Step(step));
                    }
                }
            }),
            tokio::spawn(async move {
                while let Some(ev) = navs.next().await {
                    if ev.frame.parent_id.is_none() {
                        push(&s2, Seen::Navigation(ev.frame.url.clone()));
                    }
                }
            }),
        ];
        if let Err(e) = page.goto(url).await {
            warm.shutdown().await;
            return Err(BrowserError::Unreachable {
                url: url.to_owned(),
                reason: e.to_string(),
            });
        }
        Ok(Self {
            warm,
            page,
            start_url: url.to_owned(),
            seen,
            tasks,
        })
    }

    /// The recorded page, for tests that drive it with CDP input events.
    pub fn page(&self) -> &Page {
        &self.page
    }

    /// Resolves when the person closes the browser window.
    pub async fn closed(&self) {
        let mut alive = self.warm.alive_signal();
        while *alive.borrow_and_update() {
            if alive.changed().await.is_err() {
                return;
            }
        }
    }

    /// Steps recorded so far.
    pub fn len(&self) -> usize {
        self.seen.lock().map_or(0, |s| {
            s.iter().filter(|(_, x)| matches!(x, Seen::Step(_))).count()
        })
    }

    /// The kinds of the steps recorded so far (`click`, `change`, …), in order.
    pub fn kinds(&self) -> Vec<String> {
        self.seen.lock().map_or_else(
            |_| Vec::new(),
            |s| {
                s.iter()
                    .filter_map(|(_, x)| match x {
                        Seen::Step(v) => v["type"].as_str().map(str::to_owned),
                        Seen::Navigation(_) => None,
                    })
                    .collect()
            },
        )
    }

    /// The browser's DevTools WebSocket address, for tools that drive or
    /// watch the recorded window (the app's tests synthesize input through it).
    pub fn devtools_url(&self) -> String {
        self.warm.browser.websocket_address().clone()
    }

    /// Whether nothing was recorded yet.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Stops, closes the browser and returns the journey named `name`.
    pub async fn stop(self, name: &str) -> Result<Recording, BrowserError> {
        // Report typing still in progress, if the page is still there.
        let flush = self.page.evaluate(
            "document.activeElement && document.activeElement.blur && document.activeElement.blur()",
        );
        let _ = tokio::time::timeout(Duration::from_secs(2), flush).await;
        tokio::time::sleep(Duration::from_millis(300)).await;
        let viewport = self
            .page
            .evaluate("({w: window.innerWidth, h: window.innerHeight})")
            .await
            .ok()
            .and_then(|v| v.into_value::<Value>().ok());
        for t in &self.tasks {
            t.abort();
        }
        let seen = self.seen.lock().map(|s| s.clone()).unwrap_or_default();
        self.warm.shutdown().await;
        let steps = assemble(&self.start_url, viewport.as_ref(), &seen);
        let text = json!({ "title": name, "steps": steps }).to_string();
        let imported = sightline_journeys::from_recorder_json(&text, "recording")?;
        let mut journey = imported.journey;
        relativize(&mut journey, &self.start_url);
        Ok(Recording {
            journey,
            warnings: imported.warnings,
        })
    }
}

/// Recorder-format steps from what was seen, in order.
fn assemble(start_url: &str, viewport: Option<&Value>, seen: &[(Instant, Seen)]) -> Vec<Value> {
    let mut steps = Vec::new();
    if let Some(v) = viewport {
        let (w, h) = (
            v["w"].as_u64().unwrap_or(1280),
            v["h"].as_u64().unwrap_or(800),
        );
        steps.push(json!({
            "type": "setViewport", "width": w, "height": h, "deviceScaleFactor": 1,
            "isMobile": false, "hasTouch": false, "isLandscape": w > h
        }));
    }
    steps.push(json!({
        "type": "navigate", "url": start_url,
        "assertedEvents": [{ "type": "navigation", "url": start_url }]
    }));
    let mut first_load = true;
    let mut last_action: Option<(Instant, usize)> = None;
    for (at, s) in seen {
        match s {
            Seen::Step(step) => {
                let kind = step["type"].as_str().unwrap_or("");
                steps.push(step.clone());
                if matches!(kind, "click" | "keyDown") {
                    last_action = Some((*at, steps.len() - 1));
                }
            }
            Seen::Navigation(url) if first_load && same_page(url, start_url) => first_load = false,
            Seen::Navigation(url) => {
                first_load = false;
                match last_action.take() {
                    Some((t, i)) if at.duration_since(t) <= CAUSED_WITHIN => {
                        steps[i]["assertedEvents"] = json!([{ "type": "navigation", "url": url }]);
                    }
                    _ => steps.push(json!({
                        "type": "navigate", "url": url,
                        "assertedEvents": [{ "type": "navigation", "url": url }]
                    })),
                }
            }
        }
    }
    steps
}

fn same_page(a: &str, b: &str) -> bool {
    a.trim_end_matches('/') == b.trim_end_matches('/')
}

/// Makes the start URL's origin the journey's `baseUrl` and its URLs on that
/// origin relative, so a region or environment can point it elsewhere.
fn relativize(journey: &mut Journey, start_url: &str) {
    let Ok(start) = url::Url::parse(start_url) else {
        return;
    };
    let origin = start.origin().ascii_serialization();
    let strip = |u: &mut String| {
        if let Some(rest) = u.strip_prefix(&origin)
            && (rest.is_empty() || rest.starts_with('/'))
        {
            *u = if rest.is_empty() {
                "/".to_owned()
            } else {
                rest.to_owned()
            };
        }
    };
    journey.base_url = Some(origin.clone());
    for step in &mut journey.steps {
        if let Step::Navigate(n) = step {
            strip(&mut n.url);
        }
        for event in step.meta_mut().asserted_events.iter_mut().flatten() {
            if let AssertedEvent::Navigation { url: Some(u), .. } = event {
                strip(u);
            }
        }
    }
}
