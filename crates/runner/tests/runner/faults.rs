//! Runner faults are `error`, never `fail`: a killed browser, low memory,
//! the runner's own network, overload and shutdown.

use std::time::Duration;

use sightline_core::{ErrorClass, Outcome};

use crate::{finish_within, options, page_journey, project, site, store_sink, stored_runs};

/// Chromium processes that are children of this test process.
fn my_chromiums() -> Vec<u32> {
    let me = std::process::id();
    let mut out = Vec::new();
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let Some(pid) = entry
            .file_name()
            .to_str()
            .and_then(|n| n.parse::<u32>().ok())
        else {
            continue;
        };
        let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
            continue;
        };
        let Some(close) = stat.rfind(')') else {
            continue;
        };
        let comm = &stat[stat.find('(').unwrap_or(0) + 1..close];
        let ppid: u32 = stat[close + 2..]
            .split_whitespace()
            .nth(1)
            .and_then(|p| p.parse().ok())
            .unwrap_or(0);
        if ppid == me && comm.contains("chrom") {
            out.push(pid);
        }
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_browser_killed_mid_run_is_an_error_and_the_next_run_passes() {
    let site = site().await;
    let dir = tempfile::tempdir().unwrap();
    let toml = "[runner]\npool_size = 1\n[[schedule]]\njourney = \"j.yaml\"\nevery = \"6s\"\njitter = \"0s\"\n";
    let p = project(
        dir.path(),
        toml,
        &[("j.yaml", page_journey("j", &site.url, "/slow?ms=3000", ""))],
    );
    let (db, sink) = store_sink(dir.path());
    let handle = sightline_runner::start(p, sink, options(2));
    // Wait until the slow navigation is in flight (the page server has the
    // request), then kill the browser: the kill lands mid-step on any load.
    let mut killed = false;
    for _ in 0..300 {
        tokio::time::sleep(Duration::from_millis(100)).await;
        let pids = my_chromiums();
        if !pids.is_empty() && site.slow_hits.load(std::sync::atomic::Ordering::SeqCst) > 0 {
            for pid in pids {
                let st = std::process::Command::new("kill")
                    .args(["-9", &pid.to_string()])
                    .status();
                assert!(st.unwrap().success());
            }
            killed = true;
            break;
        }
    }
    assert!(killed, "Chromium never started");
    finish_within(&handle, Duration::from_secs(90)).await;

    let runs = stored_runs(&db);
    assert_eq!(runs.len(), 2, "{runs:#?}");
    assert_eq!(runs[0].outcome, Outcome::Error, "{:#?}", runs[0]);
    assert_eq!(runs[0].error_class, Some(ErrorClass::BrowserCrashed));
    assert_eq!(
        runs[1].outcome,
        Outcome::Pass,
        "the next run gets a new browser: {:#?}",
        runs[1]
    );
    assert!(handle.metrics().browser_restarts() >= 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn low_memory_is_a_runner_error_not_a_failure() {
    let site = site().await;
    let dir = tempfile::tempdir().unwrap();
    // More free memory than any machine has: the runner refuses to start runs.
    let toml = "[runner]\nmin_free_memory_mib = 1000000000\n[[schedule]]\njourney = \"j.yaml\"\nevery = \"1m\"\n";
    let p = project(
        dir.path(),
        toml,
        &[("j.yaml", page_journey("j", &site.url, "/", ""))],
    );
    let (db, sink) = store_sink(dir.path());
    let handle = sightline_runner::start(p, sink, options(1));
    finish_within(&handle, Duration::from_secs(30)).await;
    let runs = stored_runs(&db);
    assert_eq!(runs.len(), 1);
    assert_eq!(runs[0].outcome, Outcome::Error);
    assert_eq!(runs[0].error_class, Some(ErrorClass::RunnerError));
    let msg = runs[0].error_message.as_deref().unwrap();
    assert!(msg.starts_with("out of memory"), "{msg}");
}

/// A journey to a closed port fails with `network_error`; whether that is
/// the site's fault or the runner's depends on the network check.
async fn closed_port_run(check_url: &str) -> sightline_core::Run {
    let dir = tempfile::tempdir().unwrap();
    let toml = format!(
        "[runner]\nnetwork_check_url = \"{check_url}\"\n[[schedule]]\njourney = \"j.yaml\"\nevery = \"1m\"\n"
    );
    let journey = "name: j\nsteps:\n  - type: navigate\n    url: http://127.0.0.1:1/\n";
    let p = project(dir.path(), &toml, &[("j.yaml", journey.to_owned())]);
    let (db, sink) = store_sink(dir.path());
    let handle = sightline_runner::start(p, sink, options(1));
    finish_within(&handle, Duration::from_secs(60)).await;
    let mut runs = stored_runs(&db);
    assert_eq!(runs.len(), 1);
    runs.remove(0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_network_error_is_the_runners_fault_only_when_its_own_network_is_down() {
    let site = site().await;
    let up = closed_port_run(&site.url).await;
    assert_eq!(up.outcome, Outcome::Fail, "{up:#?}");
    assert_eq!(up.error_class, Some(ErrorClass::NetworkError));

    let down = closed_port_run("http://127.0.0.1:1/").await;
    assert_eq!(down.outcome, Outcome::Error, "{down:#?}");
    assert_eq!(down.error_class, Some(ErrorClass::RunnerError));
    assert!(
        down.error_message
            .as_deref()
            .unwrap()
            .contains("own network is down")
    );
    assert!(
        down.steps.iter().all(|s| s.outcome != Outcome::Fail),
        "{down:#?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slot_that_waits_longer_than_its_interval_is_an_overload_error() {
    let site = site().await;
    let dir = tempfile::tempdir().unwrap();
    let toml = format!(
        "[runner]\npool_size = 1\n[regions.a]\nbase_url = \"{0}\"\n[regions.b]\nbase_url = \"{0}\"\n\
         [[schedule]]\njourney = \"j.yaml\"\nevery = \"2s\"\njitter = \"0s\"\n",
        site.url
    );
    let p = project(
        dir.path(),
        &toml,
        &[("j.yaml", page_journey("j", &site.url, "/slow?ms=3000", ""))],
    );
    let (db, sink) = store_sink(dir.path());
    let handle = sightline_runner::start(p, sink, options(1));
    finish_within(&handle, Duration::from_secs(60)).await;
    let runs = stored_runs(&db);
    assert_eq!(runs.len(), 2, "{runs:#?}");
    let overloaded: Vec<_> = runs
        .iter()
        .filter(|r| r.outcome == Outcome::Error)
        .collect();
    assert_eq!(overloaded.len(), 1, "{runs:#?}");
    assert!(
        overloaded[0]
            .error_message
            .as_deref()
            .unwrap()
            .starts_with("overloaded")
    );
    assert_eq!(
        runs.iter().filter(|r| r.outcome == Outcome::Pass).count(),
        1
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_drains_within_grace_then_records_the_rest_as_shutdown_errors() {
    let site = site().await;
    let dir = tempfile::tempdir().unwrap();
    let toml = "[runner]\ngrace = \"500ms\"\n[[schedule]]\njourney = \"j.yaml\"\nevery = \"1m\"\n";
    let journey = format!(
        "name: j\nbaseUrl: {}\ntimeouts: {{ runMs: 60000, stepMs: 60000 }}\nsteps:\n  - type: navigate\n    url: /\n  - type: wait\n    ms: 30000\n",
        site.url
    );
    let p = project(dir.path(), toml, &[("j.yaml", journey)]);
    let (db, sink) = store_sink(dir.path());
    let mut handle = sightline_runner::start(p, sink, options(1));
    // Let the browser start and the navigation pass; the wait step is under way.
    for _ in 0..200 {
        tokio::time::sleep(Duration::from_millis(100)).await;
        if handle
            .metrics()
            .render()
            .contains("sightline_runner_in_flight 1")
            && !my_chromiums().is_empty()
        {
            break;
        }
    }
    tokio::time::sleep(Duration::from_secs(3)).await;
    let t = std::time::Instant::now();
    let report = handle.shutdown().await;
    assert!(
        report.aborted,
        "a 30 s step cannot finish in a 500 ms grace"
    );
    assert!(t.elapsed() < Duration::from_secs(15), "{:?}", t.elapsed());
    let runs = stored_runs(&db);
    assert_eq!(runs.len(), 1, "{runs:#?}");
    let r = &runs[0];
    assert_eq!(r.outcome, Outcome::Error);
    assert_eq!(r.error_class, Some(ErrorClass::RunnerError));
    assert!(
        r.error_message.as_deref().unwrap().starts_with("shutdown"),
        "{r:#?}"
    );
    assert_eq!(r.steps.len(), 2, "the finished navigation is kept: {r:#?}");
    assert_eq!(r.steps[0].outcome, Outcome::Pass);
}
