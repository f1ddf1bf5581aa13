//! `ingest prometheus`, `ingest k8s-events`, `event deploy` and
//! `runs show --trace`, run as a user would.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use sightline_core::{
    ErrorClass, Outcome, Region, Run, RunId, Span, SpanKind, SpanStatus, StepResult,
};
use sightline_store::{Store, TelemetryBatch};

use crate::{sightline, stderr};

fn fixture(rel: &str) -> Option<PathBuf> {
    let p = PathBuf::from(
        std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"),
    )
    .join("../../../shared/fixtures")
    .join(rel);
    if p.exists() {
        Some(p)
    } else {
        eprintln!("SKIPPED: fixture {} not found", p.display());
        None
    }
}

fn json(out: &std::process::Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}\n{}",
            String::from_utf8_lossy(&out.stdout),
            stderr(out)
        )
    })
}

fn count(db: &Path, table: &str) -> i64 {
    let s = Store::open_read_only(db).unwrap();
    s.conn()
        .query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))
        .unwrap()
}

#[test]
fn prometheus_files_import_whole_or_not_at_all() {
    let Some(good) = fixture("prometheus-text/metrics-test.prom") else {
        return;
    };
    let bad = fixture("prometheus-text/prometheus-common/from_test_parse_error_19").unwrap();
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("s.db");
    let d = db.to_str().unwrap();
    let out = sightline(&[
        "--db",
        d,
        "--json",
        "ingest",
        "prometheus",
        good.to_str().unwrap(),
        "--at",
        "2026-12-01T10:00:00Z",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let r = json(&out);
    assert_eq!(r["service"], "metrics-test");
    assert_eq!(r["points"], r["stored"]);
    assert_eq!(count(&db, "metric_points"), r["stored"].as_i64().unwrap());
    let out = sightline(&["--db", d, "ingest", "prometheus", bad.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(3));
    assert!(
        stderr(&out).contains("from_test_parse_error_19:3: label le: \"bla\" is not a number"),
        "{}",
        stderr(&out)
    );
    let out = sightline(&[
        "--db",
        d,
        "--json",
        "ingest",
        "prometheus",
        bad.to_str().unwrap(),
    ]);
    assert_eq!(json(&out)["error"]["code"], "telemetry.parse");
    assert_eq!(
        count(&db, "metric_points"),
        r["stored"].as_i64().unwrap(),
        "nothing half-imported"
    );
}

#[test]
fn kubectl_events_import_once_and_bad_files_are_named() {
    let Some(file) = fixture("k8s-events/message-container-creating-failed-mount.json") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("s.db");
    let d = db.to_str().unwrap();
    let r = json(&sightline(&[
        "--db",
        d,
        "--json",
        "ingest",
        "k8s-events",
        file.to_str().unwrap(),
    ]));
    assert_eq!(
        (r["events"].as_u64(), r["stored"].as_u64()),
        (Some(76), Some(76))
    );
    assert!(r["warnings"].as_u64().unwrap() > 0);
    let again = json(&sightline(&[
        "--db",
        d,
        "--json",
        "ingest",
        "k8s-events",
        file.to_str().unwrap(),
    ]));
    assert_eq!(
        (again["stored"].as_u64(), again["duplicates"].as_u64()),
        (Some(0), Some(76))
    );
    let broken = dir.path().join("events.json");
    std::fs::write(
        &broken,
        "{\"kind\":\"EventList\",\"items\":[{\"reason\":\"X\"}]}",
    )
    .unwrap();
    let out = sightline(&["--db", d, "ingest", "k8s-events", broken.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(3));
    assert!(
        stderr(&out).contains("events.json: items[0].involvedObject.kind: is required"),
        "{}",
        stderr(&out)
    );
    assert_eq!(count(&db, "events"), 76);
}

#[test]
fn a_deploy_is_recorded_once_with_its_fields() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("s.db");
    let d = db.to_str().unwrap();
    let args = [
        "--db",
        d,
        "--json",
        "event",
        "deploy",
        "--service",
        "payment",
        "--version",
        "1.4.2",
        "--region",
        "us-east-1",
        "--commit",
        "abc123",
        "--at",
        "2026-02-03T17:00:00Z",
        "--release",
        "r2026.02.03-17",
    ];
    let r = json(&sightline(&args));
    assert_eq!(r["stored"], true);
    assert_eq!(
        (r["release_id"].as_str(), r["at_ms"].as_i64()),
        (Some("r2026.02.03-17"), Some(1_770_138_000_000))
    );
    assert_eq!(json(&sightline(&args))["stored"], false);
    let out = sightline(&[
        "--db",
        d,
        "event",
        "deploy",
        "--service",
        "x",
        "--version",
        "1",
        "--at",
        "tuesday",
    ]);
    assert_eq!(out.status.code(), Some(3));
    assert!(stderr(&out).contains("at: \"tuesday\""), "{}", stderr(&out));
    assert_eq!(count(&db, "events"), 1);
}

fn span(
    id: &str,
    parent: Option<&str>,
    service: &str,
    name: &str,
    start_ms: i64,
    dur_ms: i64,
) -> Span {
    Span {
        trace_id: "4bf92f3577b34da6a3ce929d0e0e4736".into(),
        span_id: id.into(),
        parent_span_id: parent.map(str::to_owned),
        service: service.into(),
        name: name.into(),
        kind: SpanKind::Server,
        start_time_unix_nano: (1_793_527_200_000 + start_ms) * 1_000_000,
        duration_nano: dur_ms * 1_000_000,
        status: SpanStatus::Unset,
        status_message: None,
        http_route: None,
        http_status_code: None,
        db_system: None,
        rpc_system: None,
        rpc_service: None,
        rpc_method: None,
        region: None,
        service_version: None,
        pod: None,
        attributes: BTreeMap::new(),
    }
}

#[test]
fn runs_show_prints_the_steps_and_the_backend_waterfall() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("s.db");
    let mut store = Store::open(&db).unwrap();
    let mut rng = <rand::rngs::StdRng as rand::SeedableRng>::seed_from_u64(1);
    let at = 1_793_527_200_000;
    let run = Run {
        id: RunId::new(at, &mut rng),
        journey: "checkout".into(),
        journey_version: "sha256:01".into(),
        region: Region::new("us-east-1"),
        runner_id: "r1".into(),
        attempt: 1,
        is_final_attempt: true,
        retry_of: None,
        started_at_ms: at,
        duration_ms: 450,
        outcome: Outcome::Fail,
        error_class: Some(ErrorClass::StepTimeout),
        error_message: Some("pay: timed out".into()),
        trace_id: Some("4bf92f3577b34da6a3ce929d0e0e4736".into()),
        release_id: None,
        simulated: false,
        steps: vec![StepResult {
            index: 0,
            name: "pay".into(),
            kind: "click".into(),
            started_at_ms: at,
            duration_ms: 450,
            outcome: Outcome::Fail,
            error_class: Some(ErrorClass::StepTimeout),
            error_message: None,
        }],
    };
    store.insert_run(&run, at).unwrap();
    let mut pay = span("b2", Some("a1"), "payment", "POST /pay", 50, 300);
    pay.status = SpanStatus::Error;
    pay.status_message = Some("upstream timeout".into());
    let spans = vec![span("a1", None, "frontend", "POST /checkout", 0, 400), pay];
    store
        .insert_telemetry(&[&TelemetryBatch::Spans(spans)], at)
        .unwrap();
    drop(store);
    let id = run.id.to_string();
    let d = db.to_str().unwrap();
    let out = sightline(&["--db", d, "runs", "show", &id, "--trace"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("step_timeout: pay: timed out"), "{text}");
    assert!(
        text.contains("trace 4bf92f3577b34da6a3ce929d0e0e4736: 2 spans, 400.0 ms"),
        "{text}"
    );
    assert!(
        text.contains("  payment POST /pay"),
        "child indented under its parent:\n{text}"
    );
    assert!(text.contains("ERROR: upstream timeout"), "{text}");
    let r = json(&sightline(&[
        "--db", d, "--json", "runs", "show", &id, "--trace",
    ]));
    assert_eq!(r["run"]["journey"], "checkout");
    assert_eq!(r["trace"]["spans"][1]["depth"], 1);
    assert_eq!(r["trace"]["spans"][1]["span_id"], "b2");
    let no_trace = json(&sightline(&["--db", d, "--json", "runs", "show", &id]));
    assert!(no_trace.get("trace").is_none());
    let out = sightline(&[
        "--db",
        d,
        "runs",
        "show",
        "0190a0a0-0000-7000-8000-000000000009",
    ]);
    assert_eq!(out.status.code(), Some(3));
    assert!(stderr(&out).contains("no run"), "{}", stderr(&out));
}
