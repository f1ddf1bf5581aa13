//! `eval attribution`, `attribute` and `telemetry import`, run as a user
//! would, on a recorded incident from `datasets/incidents/`.

use std::path::{Path, PathBuf};
use std::process::Command;

use sightline_store::Store;

use crate::{
    INCIDENT, dataset, has_onset_band, incident_telemetry, recorded_incident, self_contained_svgs,
    sightline, stderr, stdout_json as json, svg_texts,
};

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
    }
}

/// A database holding the recorded incident, and the moment its recording ended.
fn incident_db(dir: &Path) -> (PathBuf, i64) {
    let db = dir.join("incident.db");
    let runs = incident_telemetry(&db);
    Store::open(&db).unwrap().insert_runs(&runs, 0).unwrap();
    let at = runs.last().unwrap().started_at_ms + 1;
    (db, at)
}

#[test]
fn eval_attribution_scores_a_recorded_incident_through_the_cli() {
    let tmp = tempfile::tempdir().unwrap();
    copy_dir(&dataset().join(INCIDENT), &tmp.path().join(INCIDENT));
    std::fs::copy(dataset().join("slos.yaml"), tmp.path().join("slos.yaml")).unwrap();
    let out = sightline(&[
        "--json",
        "eval",
        "attribution",
        tmp.path().to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let doc = json(&out);
    let s = &doc["incidents"][0];
    assert_eq!(s["slo"], "orders-latency", "{doc:#}");
    assert_eq!(s["answer"][0], "payment", "{doc:#}");
    assert_eq!(s["answer"][1], "us-east-1");
    assert_eq!(
        s["answer"][2],
        serde_json::Value::Null,
        "no release is to blame"
    );
    assert!(
        s["red_herring_rank"].is_null(),
        "the CPU decoy is never a cause: {doc:#}"
    );
    assert!(s["onset_error_s"].as_f64().unwrap() <= 120.0);
    assert_eq!(doc["summary"]["service_top1"], 1.0);
    assert_eq!(doc["goals_met"], true);
}

#[test]
fn eval_attribution_names_a_missing_dataset() {
    let tmp = tempfile::tempdir().unwrap();
    let out = sightline(&["eval", "attribution", tmp.path().to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(3));
    assert!(stderr(&out).contains("slos.yaml"), "{}", stderr(&out));
}

#[test]
fn attribute_explains_an_slo_from_the_database() {
    let tmp = tempfile::tempdir().unwrap();
    let (db, at) = incident_db(tmp.path());
    let slos = dataset();
    let at = at.to_string();
    let args = [
        "--db",
        db.to_str().unwrap(),
        "--json",
        "attribute",
        "orders-latency",
        "--slos",
    ];
    let out = sightline(&[&args[..], &[slos.to_str().unwrap(), "--at", &at]].concat());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let r = json(&out);
    let top = &r["causes"][0];
    assert_eq!(top["service"], "payment", "{r:#}");
    assert_eq!(top["region"], "us-east-1");
    assert_eq!(top["kind"], "latency");
    assert!(top["share"].as_f64().unwrap() > 0.5 && top["share"].as_f64().unwrap() <= 1.0);
    assert!(
        top["evidence"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["kind"] == "span")
    );
    let herrings = r["red_herrings"].as_array().unwrap();
    assert!(
        herrings.iter().any(|h| h["service"] == "inventory"),
        "the CPU spike on inventory is ruled out: {r:#}"
    );
    assert!(r["sentence"].as_str().unwrap().contains("payment"));

    let md = sightline(&[
        "--db",
        db.to_str().unwrap(),
        "attribute",
        "orders-latency",
        "--slos",
        slos.to_str().unwrap(),
        "--at",
        &at,
        "--markdown",
    ]);
    assert_eq!(md.status.code(), Some(0), "{}", stderr(&md));
    assert!(String::from_utf8_lossy(&md.stdout).starts_with("# Why orders-latency is burning"));
}

/// The recorded bad release: payment@2.4.1 reaches us-east-1 and fails there.
const BAD_RELEASE: &str = "01-payment-bad-release-use1";

#[test]
fn attribute_writes_the_report_with_its_charts_as_files_to_attach() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("bad-release.db");
    let runs = recorded_incident(BAD_RELEASE, &db);
    Store::open(&db).unwrap().insert_runs(&runs, 0).unwrap();
    let at = (runs.last().unwrap().started_at_ms + 1).to_string();
    let slos = dataset();
    let base = [
        "--db",
        db.to_str().unwrap(),
        "attribute",
        "orders-availability",
        "--slos",
        slos.to_str().unwrap(),
        "--at",
        &at,
    ];
    let run = |extra: &[&str]| sightline(&[&base[..], extra].concat());
    let out = sightline(&[&["--json"][..], &base].concat());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let r = json(&out);
    let top = &r["causes"][0];
    let legend = format!(
        "{} {} in {}",
        top["service"].as_str().unwrap(),
        top["kind"].as_str().unwrap(),
        top["region"].as_str().unwrap()
    );
    let labels: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(dataset().join(BAD_RELEASE).join("labels.json")).unwrap(),
    )
    .unwrap();
    let deploys: Vec<&str> = labels["deploys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["release_id"].as_str().unwrap())
        .collect();
    assert!(!deploys.is_empty());

    // Markdown into a folder: the report and its two charts beside it.
    let dir = tmp.path().join("ticket");
    std::fs::create_dir_all(&dir).unwrap();
    let out = run(&["--markdown", "--out", dir.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let md = std::fs::read_to_string(dir.join("attribution-orders-availability.md")).unwrap();
    assert!(
        md.starts_with("# Why orders-availability is burning"),
        "{md}"
    );
    let chart = |name: &str| {
        let file = format!("attribution-orders-availability-{name}.svg");
        assert!(
            md.contains(&format!("]({file})")),
            "no link to {file}:\n{md}"
        );
        std::fs::read_to_string(dir.join(file)).unwrap()
    };
    let (sli, burn) = (chart("sli"), chart("burn"));
    let deploy = sightline_charts::theme::svg_colour(sightline_charts::theme::DEPLOY);
    let marked: Vec<String> = svg_texts(&sli)
        .into_iter()
        .filter(|(fill, _)| *fill == deploy)
        .map(|(_, t)| t)
        .collect();
    assert_eq!(
        marked, deploys,
        "one marker per deploy, labelled with its release"
    );
    assert!(has_onset_band(&sli) && has_onset_band(&burn));
    assert!(
        svg_texts(&burn).iter().any(|(_, t)| *t == legend),
        "the burn's legend names the top cause {legend:?}"
    );

    // One HTML page: the same charts inline, nothing fetched.
    let page_file = tmp.path().join("report.html");
    let out = run(&["--html", "--out", page_file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let page = std::fs::read_to_string(&page_file).unwrap();
    let svgs = self_contained_svgs(&page);
    assert_eq!(svgs.len(), 2);
    assert!(svg_texts(&svgs[0]).iter().any(|(_, t)| t == deploys[0]));
    assert!(page.contains(top["service"].as_str().unwrap()));

    // Standard output keeps its Markdown; --out alone is refused.
    let out = run(&["--markdown"]);
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("# Why orders-availability"));
    let out = run(&["--out", page_file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(3));
    assert!(
        stderr(&out).contains("--markdown or --html"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn attribute_refuses_an_unknown_slo_and_names_the_known_ones() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("x.db");
    let out = sightline(&[
        "--db",
        db.to_str().unwrap(),
        "attribute",
        "nope",
        "--slos",
        dataset().to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(3));
    assert!(stderr(&out).contains("orders-latency"), "{}", stderr(&out));
    let out = sightline(&["--db", db.to_str().unwrap(), "attribute"]);
    assert_eq!(out.status.code(), Some(3));
    assert!(stderr(&out).contains("--from"), "{}", stderr(&out));
}

#[test]
fn attribute_ranks_suspects_from_telemetry_alone() {
    let tmp = tempfile::tempdir().unwrap();
    let (db, _) = incident_db(tmp.path());
    let labels: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(dataset().join(INCIDENT).join("labels.json")).unwrap(),
    )
    .unwrap();
    // The window is the recording's last four minutes, the baseline its
    // first two (taken from the recording's bounds, not from the fault).
    let end = labels["ended_ms"].as_i64().unwrap();
    let start = labels["started_ms"].as_i64().unwrap();
    let out = sightline(&[
        "--db",
        db.to_str().unwrap(),
        "--json",
        "attribute",
        "--from",
        &(end - 240_000).to_string(),
        "--to",
        &end.to_string(),
        "--baseline-from",
        &start.to_string(),
        "--baseline-to",
        &(start + 120_000).to_string(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let r = json(&out);
    assert_eq!(r["subject"]["mode"], "telemetry");
    assert_eq!(r["causes"][0]["service"], "payment", "{r:#}");
    assert_eq!(r["causes"][0]["region"], "us-east-1");
}

#[test]
fn telemetry_import_keeps_a_file_with_a_bad_line_out_unless_asked() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("t.db");
    let db_s = db.to_str().unwrap();
    // A real recording, gzip: every line good.
    let traces = dataset().join(INCIDENT).join("traces.jsonl.gz");
    let out = sightline(&[
        "--db",
        db_s,
        "--json",
        "telemetry",
        "import",
        traces.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let stored = json(&out)["files"][0]["stored"].as_u64().unwrap();
    assert!(stored > 1000, "{stored}");

    // One good line, one bad, one good: refused whole, then imported with --skip-bad.
    let good = r#"{"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"svc"}}]},"scopeSpans":[{"spans":[{"traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b174","name":"GET /","kind":2,"startTimeUnixNano":"1544712660000000000","endTimeUnixNano":"1544712661000000000","status":{}}]}]}]}"#;
    let other = good.replace("eee19b7ec3c1b174", "eee19b7ec3c1b175");
    let file = tmp.path().join("mixed.jsonl");
    std::fs::write(
        &file,
        format!("{good}\n{{\"resourceSpans\": [}}\n{other}\n"),
    )
    .unwrap();
    let f = file.to_str().unwrap();
    let out = sightline(&["--db", db_s, "telemetry", "import", f]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("mixed.jsonl: line 2:"),
        "{}",
        stderr(&out)
    );
    let count = || {
        Store::open_read_only(&db)
            .unwrap()
            .conn()
            .query_row("SELECT count(*) FROM spans", [], |r| r.get::<_, i64>(0))
            .unwrap()
    };
    assert_eq!(
        count(),
        i64::try_from(stored).unwrap(),
        "nothing from the bad file, nothing lost"
    );
    let out = sightline(&[
        "--db",
        db_s,
        "--json",
        "telemetry",
        "import",
        "--skip-bad",
        f,
    ]);
    let doc = json(&out);
    assert_eq!(doc["files"][0]["stored"], 2, "{doc:#}");
    assert_eq!(doc["files"][0]["bad_lines"][0]["line"], 2);
    assert_eq!(count(), i64::try_from(stored).unwrap() + 2);
}

#[test]
fn attribute_open_refuses_without_a_display_before_touching_the_database() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("x.db");
    let out = Command::new(env!("CARGO_BIN_EXE_sightline"))
        .args([
            "--db",
            db.to_str().unwrap(),
            "attribute",
            "orders-latency",
            "--open",
        ])
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .env("HOME", std::env::temp_dir())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("--open: no display"),
        "{}",
        stderr(&out)
    );
    assert!(!db.exists(), "nothing was created");
    // --open explains one SLO: without one it is a usage error.
    let out = sightline(&["--db", db.to_str().unwrap(), "attribute", "--open"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
}
