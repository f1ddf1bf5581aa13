//! Live updates: the change probe over a real database and folder, and the
//! watcher thread pushing to the one subscriber.

use std::sync::mpsc;
use std::time::{Duration, Instant};

use sightline_api::live::{ChangeProbe, StoreChanged, SubscribeRequest, spawn_watcher};
use sightline_api::subscribe;
use sightline_core::Outcome;

use crate::fixture::{NOW_MS, Project, run, write};

#[test]
fn the_probe_tells_runs_events_slos_and_project_files_apart() {
    let p = Project::new();
    let mut probe = ChangeProbe::new(p.ctx.clone());
    assert!(!probe.check().any(), "the first look only records");
    assert!(!probe.check().any());

    p.insert(&[run("checkout", "eu-west-1", NOW_MS, Outcome::Pass, 900)]);
    let c = probe.check();
    assert!(c.runs && !c.events && !c.slos && !c.project, "{c:?}");
    assert_eq!(c.newest_run_received_at_ms, Some(NOW_MS));
    assert!(!probe.check().any(), "reported once");

    p.deploy(NOW_MS, "r1");
    let c = probe.check();
    assert!(c.events && !c.runs, "{c:?}");

    write(p.root(), "slos/more.yaml", "[]\n");
    let c = probe.check();
    assert!(c.slos && !c.project, "{c:?}");

    write(p.root(), "journeys/new.yaml", "name: n\nsteps: []\n");
    assert!(probe.check().project);
    std::fs::remove_file(p.path("sightline.toml")).unwrap();
    assert!(probe.check().project);
}

fn channel() -> (
    sightline_api::EventSink<StoreChanged>,
    mpsc::Receiver<StoreChanged>,
) {
    let (tx, rx) = mpsc::channel();
    (Box::new(move |e| tx.send(e).is_ok()), rx)
}

#[test]
fn the_watcher_pushes_a_stored_run_to_the_latest_subscriber_within_two_seconds() {
    let p = Project::new();
    p.insert(&[run(
        "checkout",
        "eu-west-1",
        NOW_MS - 1000,
        Outcome::Pass,
        900,
    )]);
    let watcher = spawn_watcher(p.ctx.clone(), Duration::from_millis(10)).unwrap();
    let (first, first_rx) = channel();
    subscribe(&p.ctx, SubscribeRequest::default(), first).unwrap();
    // A reloaded page subscribes again: only the new subscriber hears.
    let (second, second_rx) = channel();
    subscribe(&p.ctx, SubscribeRequest::default(), second).unwrap();

    // Let the watcher take its first look, then store a run.
    std::thread::sleep(Duration::from_millis(1200));
    let stored_at = Instant::now();
    p.insert(&[run("checkout", "eu-west-1", NOW_MS, Outcome::Fail, 900)]);
    let change = second_rx
        .recv_timeout(Duration::from_secs(3))
        .expect("a push within the interval");
    assert!(change.runs, "{change:?}");
    assert!(stored_at.elapsed() < Duration::from_millis(2500));
    assert!(
        first_rx.try_recv().is_err(),
        "the replaced subscriber hears nothing"
    );

    // The watcher never checks faster than once a second, whatever it is told.
    p.insert(&[run("checkout", "eu-west-1", NOW_MS + 1, Outcome::Pass, 900)]);
    p.insert(&[run("checkout", "eu-west-1", NOW_MS + 2, Outcome::Pass, 900)]);
    let t = Instant::now();
    let _ = second_rx
        .recv_timeout(Duration::from_secs(3))
        .expect("a push");
    let next = second_rx.recv_timeout(Duration::from_millis(700));
    assert!(next.is_err(), "two runs stored together make one push");
    assert!(t.elapsed() >= Duration::from_millis(600));
    watcher.stop();
}
