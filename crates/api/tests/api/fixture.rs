//! A project on disk for the tests: a temp folder with `journeys/`, `slos/`,
//! `sightline.toml` and a real SQLite database written through the store,
//! in the shape the app opens (Yaak's test_host style: real files, real
//! handlers, no desktop).

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use rand::SeedableRng;
use sightline_api::ApiContext;
use sightline_api::secrets::SecretStore;
use sightline_core::{
    DeployEvent, ErrorClass, Event, EventId, EventKind, Outcome, Region, Run, RunId, StepResult,
};
use sightline_store::Store;

/// A fixed "now" for the tests: 2026-02-03 12:00:00 UTC.
pub const NOW_MS: i64 = 1_770_120_000_000;
pub const MIN: i64 = 60_000;
pub const HOUR: i64 = 60 * MIN;

pub fn fixed_now() -> i64 {
    NOW_MS
}

/// The checkout journey: three steps, the second named "Pay".
pub const CHECKOUT: &str = r##"name: checkout
description: Buys a lantern.
tags: [shop]
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
    selectors: [["#done"]]
    text: Thanks
"##;

pub const SEARCH: &str = r#"name: search
baseUrl: http://127.0.0.1:9
steps:
  - type: navigate
    url: /search
"#;

pub const SLOS: &str = r#"- name: checkout-availability
  description: People can buy.
  sli: { kind: availability }
  filter: { journey: checkout }
  target: 0.99
  window: { rolling: { days: 7 } }
- name: checkout-fast
  sli: { kind: latency, threshold_ms: 1500 }
  filter: { journey: checkout }
  target: 0.9
  window: { rolling: { days: 7 } }
"#;

pub const PROJECT_TOML: &str = r#"# test project
[runner]
retries = 1 # one retry

[regions.eu-west-1]
base_url = "http://127.0.0.1:9"

[regions.us-east-1]
base_url = "http://127.0.0.1:19"

[[schedule]]
journey = "journeys/checkout.yaml"
every = "1m"
"#;

/// A temp project; dropped with the test.
pub struct Project {
    pub dir: tempfile::TempDir,
    pub ctx: ApiContext,
}

impl Project {
    /// Journeys, SLOs, `sightline.toml`; no database yet.
    pub fn new() -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let root = dir.path();
        write(root, "journeys/checkout.yaml", CHECKOUT);
        write(root, "journeys/more/search.yaml", SEARCH);
        write(root, "slos/checkout.yaml", SLOS);
        write(root, "sightline.toml", PROJECT_TOML);
        let ctx = ApiContext::new(root.join("data/sightline.db"))
            .with_project(root)
            .with_clock(fixed_now)
            .with_secret_store(Arc::new(MemorySecrets::default()));
        Self { dir, ctx }
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.root().join(rel)
    }

    pub fn store(&self) -> Store {
        Store::open(self.ctx.db_path()).expect("open store")
    }

    /// Stores runs, received now.
    pub fn insert(&self, runs: &[Run]) {
        self.store().insert_runs(runs, NOW_MS).expect("insert runs");
    }

    pub fn deploy(&self, at_ms: i64, release: &str) -> Event {
        let mut rng = rand::rngs::StdRng::seed_from_u64(at_ms as u64);
        let e = Event {
            id: EventId::new(at_ms, &mut rng),
            at_ms,
            source: "test".into(),
            kind: EventKind::Deploy(DeployEvent {
                release_id: release.into(),
                service: "payment".into(),
                version: "2.0.0".into(),
                region: Some("eu-west-1".into()),
                commit: None,
            }),
        };
        self.store().insert_event(&e).expect("insert event");
        e
    }
}

pub fn write(root: &Path, rel: &str, text: &str) {
    let p = root.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

/// A run of `journey` from `region` at `at_ms`; a failure fails at step "Pay".
pub fn run(journey: &str, region: &str, at_ms: i64, outcome: Outcome, duration_ms: i64) -> Run {
    let mut rng = rand::rngs::StdRng::seed_from_u64((at_ms as u64) ^ (duration_ms as u64) << 20);
    let (class, failing) = match outcome {
        Outcome::Pass => (None, None),
        Outcome::Fail => (Some(ErrorClass::SelectorNotFound), Some(1)),
        Outcome::Error => (Some(ErrorClass::BrowserCrashed), Some(0)),
    };
    let names = ["Open the shop", "Pay", "assertText #done"];
    let mut steps = Vec::new();
    let mut t = at_ms;
    for (i, name) in names.iter().enumerate() {
        let d = duration_ms / 3;
        let o = match failing {
            Some(f) if f == i => outcome,
            _ => Outcome::Pass,
        };
        steps.push(StepResult {
            index: i as u32,
            name: (*name).into(),
            kind: ["navigate", "click", "assertText"][i].into(),
            started_at_ms: t,
            duration_ms: d,
            outcome: o,
            error_class: if o == Outcome::Pass { None } else { class },
            error_message: (o != Outcome::Pass).then(|| "no element matched #pay".to_owned()),
        });
        t += d;
        if o != Outcome::Pass {
            break;
        }
    }
    Run {
        id: RunId::new(at_ms, &mut rng),
        journey: journey.into(),
        journey_version: "v1".into(),
        region: Region::new(region),
        runner_id: "test".into(),
        attempt: 1,
        is_final_attempt: true,
        retry_of: None,
        started_at_ms: at_ms,
        duration_ms,
        outcome,
        error_class: class,
        error_message: class.map(|_| "no element matched #pay".to_owned()),
        trace_id: Some("0af7651916cd43dd8448eb211c80319c".into()),
        release_id: None,
        simulated: false,
        steps,
    }
}

/// A history: one checkout run a minute from two regions over the last
/// `hours`, one in 500 failing, and a bad last 30 minutes in eu-west-1.
pub fn history(hours: i64) -> Vec<Run> {
    let mut out = Vec::new();
    let start = NOW_MS - hours * HOUR;
    let mut i = 0;
    let mut t = start;
    while t <= NOW_MS {
        for region in ["eu-west-1", "us-east-1"] {
            let burning = region == "eu-west-1" && t > NOW_MS - 30 * MIN;
            let outcome = if burning || i % 500 == 7 {
                Outcome::Fail
            } else {
                Outcome::Pass
            };
            let duration = 900 + (i % 7) * 150;
            out.push(run("checkout", region, t, outcome, duration));
            i += 1;
        }
        t += MIN;
    }
    out
}

/// Secrets in memory, for hosts without an OS keyring and for tests of what
/// the API does around the store (it never hands values back).
#[derive(Default)]
pub struct MemorySecrets {
    pub values: Mutex<std::collections::BTreeMap<String, String>>,
}

impl SecretStore for MemorySecrets {
    fn backend(&self) -> &'static str {
        "memory"
    }
    fn get(&self, name: &str) -> Result<Option<String>, sightline_api::ApiError> {
        Ok(self.values.lock().unwrap().get(name).cloned())
    }
    fn set(&self, name: &str, value: &str) -> Result<(), sightline_api::ApiError> {
        self.values
            .lock()
            .unwrap()
            .insert(name.into(), value.into());
        Ok(())
    }
    fn delete(&self, name: &str) -> Result<(), sightline_api::ApiError> {
        self.values.lock().unwrap().remove(name);
        Ok(())
    }
}
