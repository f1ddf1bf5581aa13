//! Integration tests of sightline-runner: real Chromium, real HTTP servers on
//! loopback, real SQLite files. Every loop is bounded in count and time.

mod continuous;
mod faults;
mod metrics;
mod project;
mod prometheus;
mod push;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use axum::Router;
use axum::extract::Query;
use axum::response::Html;
use axum::routing::get;
use sightline_core::Run;
use sightline_runner::{Project, RunnerOptions, StoreSink};
use sightline_store::Store;

/// A page server on 127.0.0.1 with an OS-picked port, stopped on drop.
pub struct Site {
    /// `http://127.0.0.1:PORT`.
    pub url: String,
    /// How many `/slow` requests have arrived (counted when they arrive,
    /// before the answer), so a test can act while a navigation is in flight.
    pub slow_hits: Arc<AtomicUsize>,
    _stop: tokio::sync::oneshot::Sender<()>,
}

#[derive(serde::Deserialize)]
struct Slow {
    ms: u64,
}

/// `/` is a small page; `/slow?ms=N` answers after N ms.
pub async fn site() -> Site {
    let slow_hits = Arc::new(AtomicUsize::new(0));
    let hits = slow_hits.clone();
    let app = Router::new()
        .route(
            "/",
            get(|| async {
                Html("<!doctype html><title>Runner test</title><h1 id=title>Hello runner</h1><button id=go>Go</button>")
            }),
        )
        .route(
            "/slow",
            get(move |Query(q): Query<Slow>| {
                hits.fetch_add(1, Ordering::SeqCst);
                async move {
                    tokio::time::sleep(Duration::from_millis(q.ms)).await;
                    Html("<!doctype html><title>Slow</title><h1 id=title>Slow page</h1>")
                }
            }),
        );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(async move {
        axum::serve(listener, app)
            .with_graceful_shutdown(async move {
                let _ = rx.await;
            })
            .await
            .unwrap();
    });
    Site {
        url,
        slow_hits,
        _stop: tx,
    }
}

/// Writes `files` (name, text) and `sightline.toml` into `dir`, then loads it.
pub fn project(dir: &Path, toml: &str, files: &[(&str, String)]) -> Project {
    for (name, text) in files {
        std::fs::write(dir.join(name), text).unwrap();
    }
    let file = dir.join("sightline.toml");
    std::fs::write(&file, toml).unwrap();
    Project::load(&file).unwrap_or_else(|e| panic!("{e}"))
}

/// A journey that opens `path` on `base` and checks the heading.
pub fn page_journey(name: &str, base: &str, path: &str, extra_steps: &str) -> String {
    format!(
        "name: {name}\nbaseUrl: {base}\ntimeouts: {{ runMs: 30000, stepMs: 10000 }}\nsteps:\n  - type: navigate\n    url: {path}\n  - type: waitForElement\n    selectors: [[\"#title\"]]\n{extra_steps}"
    )
}

/// A fresh database in `dir` and a sink over it.
pub fn store_sink(dir: &Path) -> (PathBuf, Arc<StoreSink>) {
    let db = dir.join("runs.db");
    let store = Store::open(&db).unwrap();
    (
        db.clone(),
        Arc::new(StoreSink::new(store, sightline_browser::system_now_ms)),
    )
}

/// Every stored run, oldest first, with steps.
pub fn stored_runs(db: &Path) -> Vec<Run> {
    let store = Store::open_read_only(db).unwrap();
    let mut runs: Vec<Run> =
        sightline_store::queries::runs::list_recent(store.conn(), None, 10_000)
            .unwrap()
            .into_iter()
            .map(|r| store.run(r.id).unwrap().unwrap())
            .collect();
    runs.sort_by_key(|r| (r.started_at_ms, r.id));
    runs
}

/// Options for tests: fixed seed, a bounded number of slots.
pub fn options(slots: u64) -> RunnerOptions {
    RunnerOptions {
        runner_id: "test-runner".into(),
        seed: 42,
        max_slots_per_stream: Some(slots),
        ..RunnerOptions::default()
    }
}

/// Waits for the runner to finish by itself, at most `limit`.
pub async fn finish_within(handle: &sightline_runner::RunnerHandle, limit: Duration) {
    tokio::time::timeout(limit, handle.finished())
        .await
        .expect("the runner should finish its slots in time");
}
