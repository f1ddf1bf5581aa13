//! The prepared project and database the end-to-end test opens: the demo
//! journey (replayed live against the demo shop), a checkout journey with two
//! days of runs from two regions written through sightline-store (the last
//! 30 minutes burning in eu-west-1, so a page alert fires), a deploy, and one
//! failed run with a screenshot and a HAR file for the run viewer.

use std::path::{Path, PathBuf};

use rand::SeedableRng;
use sightline_core::{
    DeployEvent, ErrorClass, Event, EventId, EventKind, Outcome, Region, Run, RunId, StepResult,
};
use sightline_store::Store;
use sightline_store::queries::artifacts::{self, RunArtifact};

pub const MIN: i64 = 60_000;
pub const HOUR: i64 = 60 * MIN;

const CHECKOUT: &str = r##"name: checkout
description: A customer buys a lantern.
tags: [shop, critical]
baseUrl: http://127.0.0.1:9
secrets: [shop_password]
steps:
  - type: navigate
    title: Open the shop
    url: /
  - type: click
    title: Pay
    selectors: [["#pay"]]
  - type: assertText
    title: Thank-you page
    selectors: [["#done"]]
    text: Thanks
"##;

const SLOS: &str = r#"- name: checkout-availability
  description: Customers can buy.
  sli: { kind: availability }
  filter: { journey: checkout }
  target: 0.99
  window: { rolling: { days: 7 } }
- name: checkout-pay-fast
  description: Paying takes at most a second.
  sli: { kind: latency, threshold_ms: 1000 }
  filter: { journey: checkout, step: Pay }
  target: 0.8
  window: { rolling: { days: 7 } }
"#;

/// The project folder with its database.
pub struct Prepared {
    pub dir: tempfile::TempDir,
    pub failed_run: RunId,
}

impl Prepared {
    pub fn root(&self) -> &Path {
        self.dir.path()
    }
    pub fn db(&self) -> PathBuf {
        self.dir.path().join("data/sightline.db")
    }
}

fn repo() -> PathBuf {
    Path::new(&std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"))
        .join("..")
}

fn copy(from: &Path, to: &Path) {
    std::fs::create_dir_all(to.parent().unwrap()).unwrap();
    std::fs::copy(from, to).unwrap_or_else(|e| panic!("{}: {e}", from.display()));
}

/// A project in `root` holding the recorded incidents' SLOs and journeys
/// (datasets/incidents), and the recording `name`, loaded.
pub fn incident_project(root: &Path, name: &str) -> sightline_demo::incident_files::Incident {
    let incidents = repo().join("datasets/incidents");
    copy(&incidents.join("slos.yaml"), &root.join("slos/slos.yaml"));
    for entry in std::fs::read_dir(incidents.join("journeys")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|x| x == "yaml") {
            copy(
                &path,
                &root.join("journeys").join(path.file_name().unwrap()),
            );
        }
    }
    copy(
        &repo().join("journeys/demo/api-order-status.yaml"),
        &root.join("journeys/demo/api-order-status.yaml"),
    );
    std::fs::create_dir_all(root.join("data")).unwrap();
    sightline_demo::incident_files::load(&incidents.join(name)).unwrap()
}

fn write(root: &Path, rel: &str, text: &str) {
    let p = root.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

fn run(journey: &str, region: &str, at: i64, outcome: Outcome, ms: i64, seed: u64) -> Run {
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    let names = ["Open the shop", "Pay", "Thank-you page"];
    let kinds = ["navigate", "click", "assertText"];
    let split = [ms / 4, ms / 2, ms - ms / 4 - ms / 2];
    let mut steps = Vec::new();
    let mut t = at;
    for i in 0..3 {
        let failed = outcome == Outcome::Fail && i == 1;
        steps.push(StepResult {
            index: i as u32,
            name: names[i].into(),
            kind: kinds[i].into(),
            started_at_ms: t,
            duration_ms: split[i],
            outcome: if failed { Outcome::Fail } else { Outcome::Pass },
            error_class: failed.then_some(ErrorClass::StepTimeout),
            error_message: failed.then(|| "the step did not finish within 5000 ms".into()),
        });
        t += split[i];
        if failed {
            break;
        }
    }
    Run {
        id: RunId::new(at, &mut rng),
        journey: journey.into(),
        journey_version: "e2e".into(),
        region: Region::new(region),
        runner_id: "e2e".into(),
        attempt: 1,
        is_final_attempt: true,
        retry_of: None,
        started_at_ms: at,
        duration_ms: ms,
        outcome,
        error_class: (outcome == Outcome::Fail).then_some(ErrorClass::StepTimeout),
        error_message: (outcome == Outcome::Fail)
            .then(|| "the step did not finish within 5000 ms".into()),
        trace_id: Some(format!("{seed:032x}")),
        release_id: None,
        simulated: false,
        steps,
    }
}

/// Writes the project for `shop_url` (the demo shop's eu-west-1 frontend),
/// with history ending at `now_ms`.
pub fn prepare(shop_url: &str, demo_journey: &str, now_ms: i64) -> Prepared {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, "journeys/checkout.yaml", CHECKOUT);
    write(root, "journeys/demo/browse-search.yaml", demo_journey);
    write(root, "slos/checkout.yaml", SLOS);
    write(
        root,
        "sightline.toml",
        &format!(
            "# e2e project\n[regions.eu-west-1]\nbase_url = \"{shop_url}\"\n\n\
             [regions.us-east-1]\nbase_url = \"{shop_url}\"\n\n\
             [[schedule]]\njourney = \"journeys/demo/browse-search.yaml\"\nevery = \"1m\"\n"
        ),
    );
    let mut store = Store::open(root.join("data/sightline.db")).unwrap();
    let mut runs = Vec::new();
    let mut seed = 1u64;
    let mut t = now_ms - 48 * HOUR;
    while t <= now_ms - MIN {
        for region in ["eu-west-1", "us-east-1"] {
            seed += 1;
            let burning = region == "eu-west-1" && t > now_ms - 30 * MIN;
            let outcome = if burning || seed.is_multiple_of(401) {
                Outcome::Fail
            } else {
                Outcome::Pass
            };
            // Pay is ms/2: 450..1050 ms, so one run in seven misses the step SLO.
            let ms = 900 + i64::try_from(seed % 7).unwrap() * 200;
            runs.push(run("checkout", region, t, outcome, ms, seed));
        }
        t += MIN;
    }
    store.insert_runs(&runs, now_ms).unwrap();

    // The run the viewer opens: failed at Pay, with its screenshot and HAR.
    let failed = runs
        .iter()
        .rev()
        .find(|r| r.outcome == Outcome::Fail)
        .expect("a failed run")
        .id;
    let png = crate::images::sample_page_png();
    let shot_len = png.len();
    let shot = store.artifacts().put(&png).unwrap();
    let har = format!(
        r#"{{"log":{{"version":"1.2","creator":{{"name":"e2e","version":"1"}},"entries":[
          {{"startedDateTime":"2026-02-03T11:59:50.000Z","time":38,"request":{{"method":"GET","url":"{shop_url}/"}},"response":{{"status":200,"content":{{"size":4096,"mimeType":"text/html"}}}}}},
          {{"startedDateTime":"2026-02-03T11:59:50.400Z","time":5002,"request":{{"method":"POST","url":"{shop_url}/checkout/pay"}},"response":{{"status":504,"content":{{"size":120,"mimeType":"text/html"}}}}}}]}}}}"#
    );
    let har_sha = store.artifacts().put(har.as_bytes()).unwrap();
    let tx = store.conn_mut().transaction().unwrap();
    for (role, step, sha, media, size) in [
        ("screenshot", Some(1), shot, "image/png", shot_len),
        ("har", None, har_sha, "application/json", har.len()),
    ] {
        artifacts::attach(
            &tx,
            failed,
            &RunArtifact {
                step_index: step,
                role: role.into(),
                sha256: sha,
                media_type: media.into(),
                size_bytes: i64::try_from(size).unwrap(),
            },
            now_ms,
        )
        .unwrap();
    }
    tx.commit().unwrap();

    let mut rng = rand::rngs::StdRng::seed_from_u64(99);
    store
        .insert_event(&Event {
            id: EventId::new(now_ms - 40 * MIN, &mut rng),
            at_ms: now_ms - 40 * MIN,
            source: "e2e".into(),
            kind: EventKind::Deploy(DeployEvent {
                release_id: "r2026.02.03-17".into(),
                service: "payment".into(),
                version: "2.4.0".into(),
                region: Some("eu-west-1".into()),
                commit: Some("9f2c1e0".into()),
            }),
        })
        .unwrap();
    Prepared {
        dir,
        failed_run: failed,
    }
}

/// Adds `n` more checkout runs spread over the seven days before `now_ms`,
/// from two regions, in batches: the benchmark's large database.
#[allow(dead_code)] // used by benches/cold_start.rs, which includes this file
pub fn add_bulk_runs(db: &Path, n: usize, now_ms: i64) {
    let mut store = Store::open(db).unwrap();
    let span = 7 * 24 * HOUR - HOUR;
    let step = span / i64::try_from(n.max(1)).unwrap();
    let mut batch = Vec::with_capacity(10_000);
    for i in 0..n {
        let at = now_ms - 7 * 24 * HOUR + i64::try_from(i).unwrap() * step;
        let region = if i % 2 == 0 { "eu-west-1" } else { "us-east-1" };
        let outcome = if i % 300 == 0 {
            Outcome::Fail
        } else {
            Outcome::Pass
        };
        let seed = 1_000_000 + u64::try_from(i).unwrap();
        batch.push(run(
            "checkout",
            region,
            at,
            outcome,
            900 + i64::try_from(i % 9).unwrap() * 100,
            seed,
        ));
        if batch.len() == 10_000 {
            store.insert_runs(&batch, now_ms).unwrap();
            batch.clear();
        }
    }
    store.insert_runs(&batch, now_ms).unwrap();
}
