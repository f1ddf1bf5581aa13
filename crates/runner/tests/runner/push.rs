//! Remote runners: pushes need the token, survive a workbench restart, and
//! store every run exactly once.

use std::collections::BTreeSet;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use sightline_runner::ingest::{self, IngestState};
use sightline_runner::spool::{PushTarget, Spool, push_loop};
use sightline_runner::{RunnerEvent, StoreSink};
use sightline_store::Store;
use tokio_util::sync::CancellationToken;

use crate::{options, project, site, stored_runs};

const TOKEN: &str = "test-token-0123456789abcdef";

/// A workbench ingest server on `addr` (port 0 for any), storing into `db`.
struct Workbench {
    addr: SocketAddr,
    stop: CancellationToken,
    task: tokio::task::JoinHandle<()>,
}

async fn workbench(db: &std::path::Path, addr: &str, token: Option<&str>) -> Workbench {
    let store = Store::open(db).unwrap();
    let (stored, _) = tokio::sync::broadcast::channel(64);
    let state = Arc::new(IngestState {
        sink: Arc::new(StoreSink::new(store, sightline_browser::system_now_ms)),
        token: token.map(str::to_owned),
        stored,
    });
    let listener = tokio::net::TcpListener::bind(addr).await.unwrap();
    let addr = listener.local_addr().unwrap();
    let stop = CancellationToken::new();
    let s = stop.clone();
    let task = tokio::spawn(async move {
        axum::serve(listener, ingest::router(state))
            .with_graceful_shutdown(async move { s.cancelled().await })
            .await
            .unwrap();
    });
    Workbench { addr, stop, task }
}

impl Workbench {
    async fn stop(self) {
        self.stop.cancel();
        self.task.await.unwrap();
    }
}

async fn next_stored(
    events: &mut tokio::sync::broadcast::Receiver<RunnerEvent>,
) -> sightline_core::RunId {
    loop {
        match tokio::time::timeout(Duration::from_secs(20), events.recv()).await {
            Ok(Ok(RunnerEvent::Stored(run))) => return run.id,
            Ok(Ok(_)) => continue,
            other => panic!("no run stored: {other:?}"),
        }
    }
}

fn http_journey(base: &str) -> String {
    format!(
        "name: api\nbaseUrl: {base}\nsteps:\n  - type: http\n    url: /\n    expect: {{ status: 200 }}\n"
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn results_wait_in_the_spool_while_the_workbench_is_down_and_land_once() {
    let site = site().await;
    let dir = tempfile::tempdir().unwrap();
    let server_db = dir.path().join("workbench.db");
    let wb = workbench(&server_db, "127.0.0.1:0", Some(TOKEN)).await;
    let addr = wb.addr;

    let toml = "[regions.eu-west-1]\n[[schedule]]\njourney = \"j.yaml\"\nevery = \"1s\"\njitter = \"0s\"\n";
    let p = project(dir.path(), toml, &[("j.yaml", http_journey(&site.url))]);
    let spool = Arc::new(
        Spool::open(
            &dir.path().join("spool.db"),
            sightline_browser::system_now_ms,
        )
        .unwrap(),
    );
    let stop_push = CancellationToken::new();
    let pusher = tokio::spawn(push_loop(
        spool.clone(),
        PushTarget {
            url: format!("http://{addr}"),
            token: TOKEN.into(),
        },
        stop_push.clone(),
        Duration::from_secs(20),
    ));
    let handle = sightline_runner::start(p, spool.clone(), options(8));
    let mut events = handle.subscribe();
    let mut made = BTreeSet::new();
    for _ in 0..2 {
        made.insert(next_stored(&mut events).await);
    }
    // The workbench goes away mid-stream...
    wb.stop().await;
    for _ in 0..3 {
        made.insert(next_stored(&mut events).await);
    }
    assert!(
        spool.pending().unwrap() >= 1,
        "runs wait in the spool while it is down"
    );
    // ... and comes back on the same address.
    let wb = workbench(&server_db, &addr.to_string(), Some(TOKEN)).await;
    while made.len() < 8 {
        made.insert(next_stored(&mut events).await);
    }
    tokio::time::timeout(Duration::from_secs(30), handle.finished())
        .await
        .unwrap();
    stop_push.cancel();
    let totals = pusher.await.unwrap();
    wb.stop().await;

    assert_eq!(spool.pending().unwrap(), 0, "the spool drained");
    assert!(
        totals.failed_requests >= 1,
        "the outage was seen: {totals:?}"
    );
    let stored: BTreeSet<_> = stored_runs(&server_db).into_iter().map(|r| r.id).collect();
    assert_eq!(stored, made, "the workbench holds exactly the runs made");
    assert_eq!(
        totals.inserted + totals.duplicates,
        made.len() + totals.duplicates
    );
    assert_eq!(totals.inserted, made.len());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_workbench_refuses_bad_tokens_and_bad_bodies_and_dedups_resends() {
    let dir = tempfile::tempdir().unwrap();
    let wb = workbench(&dir.path().join("wb.db"), "127.0.0.1:0", Some(TOKEN)).await;
    let url = format!("http://{}/v1/runs", wb.addr);
    let client = reqwest::Client::new();
    let run = serde_json::json!({
        "id": "0193a5f0-0000-7000-8000-000000000001", "journey": "j", "journey_version": "v",
        "region": "r", "runner_id": "x", "attempt": 1, "is_final_attempt": true,
        "started_at_ms": 1_700_000_000_000i64, "duration_ms": 5, "outcome": "pass",
        "error_class": null, "error_message": null, "trace_id": null, "release_id": null,
        "simulated": false, "steps": []
    });
    let body = serde_json::json!({ "runs": [{ "run": run, "artifacts": [] }] }).to_string();
    let post = |token: Option<&str>, body: String| {
        let mut r = client
            .post(&url)
            .header("content-type", "application/json")
            .body(body);
        if let Some(t) = token {
            r = r.bearer_auth(t);
        }
        r.send()
    };
    assert_eq!(post(None, body.clone()).await.unwrap().status(), 401);
    assert_eq!(
        post(Some("wrong-token-0123456789"), body.clone())
            .await
            .unwrap()
            .status(),
        401
    );

    let ok = post(Some(TOKEN), body.clone()).await.unwrap();
    assert_eq!(ok.status(), 200);
    let a: serde_json::Value = ok.json().await.unwrap();
    assert_eq!(a, serde_json::json!({"inserted": 1, "duplicates": 0}));
    let again: serde_json::Value = post(Some(TOKEN), body).await.unwrap().json().await.unwrap();
    assert_eq!(again, serde_json::json!({"inserted": 0, "duplicates": 1}));

    let bad = post(Some(TOKEN), r#"{"runs":[{"run":{"id":"nope"}}]}"#.into())
        .await
        .unwrap();
    assert_eq!(bad.status(), 400);
    let text = bad.text().await.unwrap();
    assert!(text.contains("runs[0].run.id"), "{text}");
    wb.stop().await;
    assert_eq!(stored_runs(&dir.path().join("wb.db")).len(), 1);

    // Without a token configured, nothing gets in.
    let open = workbench(&dir.path().join("open.db"), "127.0.0.1:0", None).await;
    let r = reqwest::Client::new()
        .post(format!("http://{}/v1/runs", open.addr))
        .bearer_auth(TOKEN)
        .body("{\"runs\":[]}")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    open.stop().await;
}
