//! `sightline slo ...`: the CLI's numbers are the engine's numbers, rules pass
//! promtool, OpenSLO files import.

use std::io::Write;
use std::path::{Path, PathBuf};

use rand::{Rng, SeedableRng};
use sightline_core::{Outcome, RunId, SloDefinition};
use sightline_slo::{AlertState, SliEvent, SloConfig, SloEngine, StepTiming};

use crate::{sightline, stderr};

/// 2026-11-20T12:00:00Z.
const AT_MS: i64 = 1_795_176_000_000;

const SLOS: &str = "\
- name: login-availability
  sli: { kind: availability }
  filter: { journey: shop-login }
  target: 0.99
  window: { rolling: { days: 7 } }
- name: login-fast
  sli: { kind: latency, threshold_ms: 1000 }
  filter: { journey: shop-login, regions: [eu] }
  target: 0.95
  window: { rolling: { days: 28 } }
- name: checkout-pay-step
  sli: { kind: latency, threshold_ms: 400 }
  filter: { journey: api-checkout, step: pay }
  target: 0.9
  window: { calendar: { unit: month, time_zone: Europe/Paris } }
";

/// Random results over the last ten days, with failures clustered in the
/// last hour so burn rates and alerts have something to show.
fn events(seed: u64) -> Vec<SliEvent> {
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    let mut out = Vec::new();
    for i in 0..3000 {
        let started_at_ms = AT_MS - rng.random_range(0..10 * 86_400_000i64);
        let recent = AT_MS - started_at_ms < 3_600_000;
        let roll: f64 = rng.random();
        let outcome = if roll < 0.02 {
            Outcome::Error
        } else if roll < (if recent { 0.5 } else { 0.03 }) {
            Outcome::Fail
        } else {
            Outcome::Pass
        };
        let journey = if i % 3 == 0 {
            "api-checkout"
        } else {
            "shop-login"
        };
        let pay = rng.random_range(100..600);
        let steps = if journey == "api-checkout" && rng.random_bool(0.9) {
            vec![
                StepTiming {
                    name: "cart".into(),
                    duration_ms: 100,
                    outcome: Outcome::Pass,
                },
                StepTiming {
                    name: "pay".into(),
                    duration_ms: pay,
                    outcome,
                },
            ]
        } else {
            Vec::new()
        };
        out.push(SliEvent {
            run_id: RunId::new(started_at_ms, &mut rng),
            started_at_ms,
            journey: journey.into(),
            region: if rng.random_bool(0.5) { "eu" } else { "us" }.into(),
            tags: Vec::new(),
            duration_ms: rng.random_range(200..1500),
            outcome,
            steps,
        });
    }
    // A burst of failures in the last half hour: the fast page must fire.
    for k in 0..30 {
        let started_at_ms = AT_MS - k * 60_000;
        out.push(SliEvent {
            run_id: RunId::new(started_at_ms, &mut rng),
            started_at_ms,
            journey: "shop-login".into(),
            region: "eu".into(),
            tags: Vec::new(),
            duration_ms: 700,
            outcome: if k % 3 == 0 {
                Outcome::Pass
            } else {
                Outcome::Fail
            },
            steps: Vec::new(),
        });
    }
    // A result after `at` must not count.
    let mut late = out[0].clone();
    late.run_id = RunId::new(AT_MS + 60_000, &mut rng);
    late.started_at_ms = AT_MS + 60_000;
    late.outcome = Outcome::Fail;
    out.push(late);
    out
}

fn write_jsonl(path: &Path, events: &[SliEvent]) {
    let mut f = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    for e in events {
        let steps: Vec<_> = e
            .steps
            .iter()
            .map(|s| {
                serde_json::json!({
                    "name": s.name, "duration_ms": s.duration_ms, "outcome": s.outcome,
                })
            })
            .collect();
        let row = serde_json::json!({
            "run_id": e.run_id.to_string(),
            "journey": e.journey,
            "region": e.region,
            "started_at": e.started_at_ms,
            "duration_ms": e.duration_ms,
            "outcome": e.outcome,
            "steps": steps,
        });
        writeln!(f, "{row}").unwrap();
    }
}

struct Project {
    _dir: tempfile::TempDir,
    db: PathBuf,
    slos: PathBuf,
}

fn project(events: &[SliEvent]) -> Project {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("s.db");
    let slos = dir.path().join("slos");
    std::fs::create_dir(&slos).unwrap();
    std::fs::write(slos.join("test.yaml"), SLOS).unwrap();
    let runs = dir.path().join("runs.jsonl");
    write_jsonl(&runs, events);
    let out = sightline(&[
        "--db",
        db.to_str().unwrap(),
        "runs",
        "import",
        runs.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    Project {
        _dir: dir,
        db,
        slos,
    }
}

fn run_json(p: &Project, args: &[&str]) -> serde_json::Value {
    let mut all = vec![
        "--db",
        p.db.to_str().unwrap(),
        "--json",
        "slo",
        "--slos",
        p.slos.to_str().unwrap(),
    ];
    all.extend_from_slice(args);
    let out = sightline(&all);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    serde_json::from_slice(&out.stdout).unwrap()
}

/// YAML through JSON's data model, where enums are mappings (as in `slos/`).
fn from_yaml<T: serde::de::DeserializeOwned>(text: &str) -> T {
    let v: serde_json::Value = serde_norway::from_str(text).unwrap();
    serde_json::from_value(v).unwrap()
}

fn definitions() -> Vec<SloDefinition> {
    from_yaml(SLOS)
}

fn configs() -> Vec<SloConfig> {
    definitions().into_iter().map(SloConfig::new).collect()
}

fn close(json: &serde_json::Value, expected: Option<f64>, what: &str) {
    match expected {
        None => assert!(json.is_null(), "{what}: expected null, got {json}"),
        Some(v) => {
            let got = json
                .as_f64()
                .unwrap_or_else(|| panic!("{what}: {json} is not a number"));
            assert!((got - v).abs() <= 1e-9, "{what}: {got} != {v}");
        }
    }
}

#[test]
fn status_json_equals_the_engine_on_the_same_events() {
    let events = events(42);
    let p = project(&events);
    let doc = run_json(&p, &["status", "--at", "2026-11-20T12:00:00Z"]);
    assert_eq!(doc["at_ms"], AT_MS);

    let mut engine = SloEngine::from_events(configs(), events).unwrap();
    engine.evaluate_alerts(AT_MS).unwrap();
    let expected = engine.status(AT_MS);
    let slos = doc["slos"].as_array().unwrap();
    assert_eq!(slos.len(), expected.len());
    for (got, want) in slos.iter().zip(&expected) {
        let name = want.slo.as_str();
        assert_eq!(got["name"], name);
        assert_eq!(got["valid"], want.counts.valid, "{name}");
        assert_eq!(got["good"], want.counts.good, "{name}");
        assert!(want.counts.valid > 0, "{name}: the test data must count");
        close(&got["sli"], want.sli, name);
        assert_eq!(got["target"], want.target);
        assert_eq!(
            got["compliance"],
            serde_json::json!(want.compliant),
            "{name}"
        );
        let b = &got["budget"];
        close(&b["consumed_fraction"], want.budget.consumed_fraction, name);
        close(
            &b["remaining_fraction"],
            want.budget.remaining_fraction,
            name,
        );
        close(
            &b["remaining_bad_events"],
            Some(want.budget.remaining_bad_events),
            name,
        );
        assert_eq!(b["exhausted"], want.budget.exhausted);
        let rates = got["burn_rates"].as_array().unwrap();
        assert_eq!(rates.len(), want.burn_rates.len());
        for (g, w) in rates.iter().zip(&want.burn_rates) {
            assert_eq!(g["window_ms"], w.window_ms);
            assert_eq!(g["valid"], w.counts.valid);
            close(&g["rate"], w.rate, &format!("{name} burn {}", w.window_ms));
        }
        let states: Vec<&str> = want
            .alerts
            .iter()
            .map(|s| match s {
                AlertState::Inactive => "inactive",
                AlertState::Pending { .. } => "pending",
                AlertState::Firing { .. } => "firing",
            })
            .collect();
        let got_states: Vec<&str> = got["alerts"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["state"].as_str().unwrap())
            .collect();
        assert_eq!(got_states, states, "{name}");
    }
    // The clustered failures of the last hour page on availability.
    assert_eq!(slos[0]["alert_state"], "firing");

    // `burn` agrees with the engine for arbitrary windows.
    let burn = run_json(
        &p,
        &[
            "burn",
            "login-availability",
            "--windows",
            "1m,90m,2d",
            "--at",
            &AT_MS.to_string(),
        ],
    );
    for (g, w) in
        burn["burn_rates"]
            .as_array()
            .unwrap()
            .iter()
            .zip([60_000, 5_400_000, 172_800_000])
    {
        let want = engine.burn_rate("login-availability", AT_MS, w).unwrap();
        assert_eq!(g["window_ms"], w);
        close(&g["rate"], want.rate, "burn");
    }

    // `alerts` shows the page firing since the burst began, unresolved.
    let alerts = run_json(&p, &["alerts", "--at", &AT_MS.to_string()]);
    let eps = alerts["slos"][0]["episodes"].as_array().unwrap();
    assert!(
        eps.iter()
            .any(|e| e["severity"] == "page" && e["resolved_at_ms"].is_null()),
        "{alerts}"
    );
}

#[test]
fn an_empty_store_gives_undefined_slis_not_100_percent() {
    let dir = tempfile::tempdir().unwrap();
    let slos = dir.path().join("slos");
    std::fs::create_dir(&slos).unwrap();
    std::fs::write(slos.join("t.yaml"), SLOS).unwrap();
    let out = sightline(&[
        "--db",
        dir.path().join("none.db").to_str().unwrap(),
        "--json",
        "slo",
        "--slos",
        slos.to_str().unwrap(),
        "status",
        "--at",
        "0",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    for s in doc["slos"].as_array().unwrap() {
        assert!(s["sli"].is_null(), "{s}");
        assert!(s["compliance"].is_null(), "{s}");
    }
}

#[test]
fn bad_definitions_and_times_are_refused_naming_the_field() {
    let dir = tempfile::tempdir().unwrap();
    let slos = dir.path().join("slos");
    std::fs::create_dir(&slos).unwrap();
    std::fs::write(
        slos.join("bad.yaml"),
        "name: x\nsli: { kind: availability }\nfilter: { journey: j }\ntarget: 1.5\nwindow: { rolling: { days: 7 } }\n",
    )
    .unwrap();
    let out = sightline(&["slo", "--slos", slos.to_str().unwrap(), "list"]);
    assert_eq!(out.status.code(), Some(3));
    assert!(
        stderr(&out).contains("bad.yaml: x: target:"),
        "{}",
        stderr(&out)
    );

    std::fs::write(
        slos.join("bad.yaml"),
        "name: x\nsli: { kind: availability }\nfilter: { journey: j }\ntarget: high\nwindow: { rolling: { days: 7 } }\n",
    )
    .unwrap();
    let out = sightline(&["slo", "--slos", slos.to_str().unwrap(), "list"]);
    assert_eq!(out.status.code(), Some(3));
    assert!(
        stderr(&out).contains("document 0: target:"),
        "{}",
        stderr(&out)
    );

    std::fs::remove_file(slos.join("bad.yaml")).unwrap();
    let out = sightline(&[
        "slo",
        "--slos",
        slos.to_str().unwrap(),
        "status",
        "--at",
        "yesterday",
    ]);
    assert_eq!(out.status.code(), Some(3));
    assert!(stderr(&out).contains("--at:"), "{}", stderr(&out));
}

/// The example SLOs shipped in the repository load.
#[test]
fn the_repository_slos_load() {
    let out = sightline(&["--json", "slo", "--slos", "../../slos", "list"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let names: Vec<&str> = doc
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert!(names.contains(&"shop-login-availability"), "{names:?}");
    assert!(names.contains(&"api-checkout-good"), "{names:?}");
}

#[test]
fn prometheus_export_passes_promtool() {
    let dir = tempfile::tempdir().unwrap();
    let slos = dir.path().join("slos");
    std::fs::create_dir(&slos).unwrap();
    std::fs::write(slos.join("t.yaml"), SLOS).unwrap();
    let rules = dir.path().join("rules.yaml");
    let out = sightline(&[
        "slo",
        "--slos",
        slos.to_str().unwrap(),
        "export",
        "--format",
        "prometheus",
        "--out",
        rules.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    // The step SLO cannot be expressed in runner metrics: skipped, said so.
    assert!(
        stderr(&out).contains("checkout-pay-step"),
        "{}",
        stderr(&out)
    );
    let text = std::fs::read_to_string(&rules).unwrap();
    assert!(text.contains("login-availability"));
    assert!(!text.contains("checkout-pay-step"));
    // The repository's own example SLOs too.
    let repo_rules = dir.path().join("repo-rules.yaml");
    let out = sightline(&[
        "slo",
        "--slos",
        "../../slos",
        "export",
        "--format",
        "prometheus",
        "--out",
        repo_rules.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    for file in [rules, repo_rules] {
        match std::process::Command::new("promtool")
            .args(["check", "rules"])
            .arg(&file)
            .output()
        {
            Err(_) => {
                eprintln!("skipped: promtool not installed (Debian package `prometheus`)");
                return;
            }
            Ok(o) => assert!(
                o.status.success(),
                "promtool on {}: {}{}\n{}",
                file.display(),
                String::from_utf8_lossy(&o.stdout),
                String::from_utf8_lossy(&o.stderr),
                std::fs::read_to_string(&file).unwrap()
            ),
        }
    }
}

#[test]
fn openslo_fixtures_import_and_export_back() {
    let fixtures = Path::new("../../../shared/fixtures/openslo");
    let Ok(entries) = std::fs::read_dir(fixtures) else {
        eprintln!("skipped: {} not found", fixtures.display());
        return;
    };
    let mut files: Vec<PathBuf> = entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml" || e == "yml"))
        .collect();
    files.sort();
    assert!(!files.is_empty());
    for f in files {
        let dir = tempfile::tempdir().unwrap();
        let slos = dir.path().join("slos");
        let out = sightline(&[
            "--json",
            "slo",
            "--slos",
            slos.to_str().unwrap(),
            "import",
            f.to_str().unwrap(),
        ]);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}: {}{}",
            f.display(),
            stderr(&out),
            String::from_utf8_lossy(&out.stdout)
        );
        let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        // Fixtures use other data sources: kept as is, with a warning.
        assert!(
            !doc["warnings"].as_array().unwrap().is_empty(),
            "{}: {doc}",
            f.display()
        );
        let out = sightline(&[
            "slo",
            "--slos",
            slos.to_str().unwrap(),
            "export",
            "--format",
            "openslo",
        ]);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        let text = String::from_utf8_lossy(&out.stdout);
        let original = sightline_slo::openslo::import(&std::fs::read_to_string(&f).unwrap())
            .unwrap()
            .documents;
        let back = sightline_slo::openslo::import(&text).unwrap().documents;
        assert_eq!(back, original, "{}: kept documents round-trip", f.display());
    }
}

#[test]
fn sightline_slos_round_trip_through_openslo() {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("src");
    std::fs::create_dir(&src).unwrap();
    std::fs::write(src.join("t.yaml"), SLOS).unwrap();
    let exported = dir.path().join("openslo.yaml");
    let out = sightline(&[
        "slo",
        "--slos",
        src.to_str().unwrap(),
        "export",
        "--format",
        "openslo",
        "--out",
        exported.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let dst = dir.path().join("dst");
    let out = sightline(&[
        "slo",
        "--slos",
        dst.to_str().unwrap(),
        "import",
        exported.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let again = sightline(&[
        "slo",
        "--slos",
        dst.to_str().unwrap(),
        "import",
        exported.to_str().unwrap(),
    ]);
    assert_eq!(again.status.code(), Some(3), "existing files need --force");
    for def in definitions() {
        let text = std::fs::read_to_string(dst.join(format!("{}.yaml", def.name))).unwrap();
        let back: SloDefinition = from_yaml(&text);
        assert_eq!(back, def);
    }
}
