//! `sightline ask` and `sightline eval ask`, run as a user would, on a
//! recorded incident.

use std::path::{Path, PathBuf};

use sightline_store::Store;

use crate::{dataset, recorded_incident, sightline, stderr, stdout_json as json};

const INCIDENT: &str = "01-payment-bad-release-use1";

/// A project (slos/, journeys/) and a database holding [`INCIDENT`], and
/// the moment its recording ended.
fn project(dir: &Path) -> (PathBuf, PathBuf, i64) {
    let db = dir.join("incident.db");
    let runs = recorded_incident(INCIDENT, &db);
    Store::open(&db).unwrap().insert_runs(&runs, 0).unwrap();
    let at = runs.last().unwrap().started_at_ms + 1;
    let p = dir.join("project");
    std::fs::create_dir_all(p.join("slos")).unwrap();
    std::fs::create_dir_all(p.join("journeys")).unwrap();
    std::fs::copy(dataset().join("slos.yaml"), p.join("slos/slos.yaml")).unwrap();
    for f in ["api-login.yaml", "api-browse.yaml"] {
        std::fs::copy(
            dataset().join("journeys").join(f),
            p.join("journeys").join(f),
        )
        .unwrap();
    }
    std::fs::copy(
        dataset().join("../../journeys/demo/api-order-status.yaml"),
        p.join("journeys/api-order-status.yaml"),
    )
    .unwrap();
    (db, p, at)
}

#[test]
fn ask_answers_with_entities_evidence_and_followups_as_json() {
    let tmp = tempfile::tempdir().unwrap();
    let (db, p, at) = project(tmp.path());
    let at = at.to_string();
    let out = sightline(&[
        "--db",
        db.to_str().unwrap(),
        "--json",
        "ask",
        "why",
        "is",
        "chekout",
        "failing?",
        "--project",
        p.to_str().unwrap(),
        "--at",
        &at,
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let a = json(&out);
    assert_eq!(a["intent"], "why_failing", "{a:#}");
    assert_eq!(a["entities"]["slo"], "orders-availability");
    assert_eq!(a["entities"]["journey"], "demo-api-order-status");
    assert_eq!(a["source"], "builtin");
    let text = a["answer"].as_str().unwrap();
    assert!(
        text.contains("payment errors in us-east-1") && text.contains("payment@2.4.1"),
        "{text}"
    );
    assert!(
        a["evidence"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["ids"].as_array().is_some_and(|i| !i.is_empty()))
    );
    assert!(a["followups"].as_array().unwrap().len() >= 2);
    assert_eq!(a["ungrounded"], serde_json::json!([]));
    assert!(
        a["calls"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["tool"] == "explain")
    );

    // The same as text, for people.
    let out = sightline(&[
        "--db",
        db.to_str().unwrap(),
        "ask",
        "is us-east-1 ok?",
        "--project",
        p.to_str().unwrap(),
        "--at",
        &at,
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.starts_with("us-east-1 is not ok"), "{text}");
    assert!(text.contains("You could also ask:"), "{text}");
}

#[test]
fn ask_refuses_bad_input_with_the_reason() {
    let tmp = tempfile::tempdir().unwrap();
    let (db, p, at) = project(tmp.path());
    let at = at.to_string();
    let db = db.to_str().unwrap();
    let p = p.to_str().unwrap();
    let out = sightline(&[
        "--db",
        db,
        "ask",
        "is eu ok",
        "--project",
        p,
        "--at",
        &at,
        "--tz",
        "Mars/Olympus",
    ]);
    assert_eq!(out.status.code(), Some(3));
    assert!(
        stderr(&out).contains("Mars/Olympus") && stderr(&out).contains("IANA"),
        "{}",
        stderr(&out)
    );
    let missing = tmp.path().join("none.db");
    let out = sightline(&[
        "--db",
        missing.to_str().unwrap(),
        "ask",
        "is eu ok",
        "--project",
        p,
    ]);
    assert_eq!(out.status.code(), Some(3));
    assert!(stderr(&out).contains("none.db"), "{}", stderr(&out));
    let out = sightline(&["--db", db, "ask", "  ", "--project", p, "--at", &at]);
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert!(stderr(&out).contains("empty"), "{}", stderr(&out));
}

#[test]
fn eval_ask_scores_a_question_file_and_names_bad_labels() {
    let tmp = tempfile::tempdir().unwrap();
    let set = tmp.path().join("set");
    std::fs::create_dir_all(&set).unwrap();
    std::fs::write(
        set.join("questions.yaml"),
        format!(
            "- incident: {INCIDENT}\n  question: why is checkout failing?\n  intent: why_failing\n  entities: {{ journey: demo-api-order-status, slo: orders-availability }}\n  facts: [payment, us-east-1, 2.4.1]\n\
             - incident: {INCIDENT}\n  question: what changed in the last 30 minutes?\n  intent: changes\n  since_min: 30\n  facts: [payment, 2.4.1]\n"
        ),
    )
    .unwrap();
    let root = dataset().join("../..");
    let out = sightline(&[
        "--json",
        "eval",
        "ask",
        set.to_str().unwrap(),
        "--incidents",
        dataset().to_str().unwrap(),
        "--journeys",
        root.join("journeys").to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let doc = json(&out);
    assert_eq!(doc["summary"]["questions"], 2);
    assert_eq!(doc["summary"]["intent_accuracy"], 1.0, "{doc:#}");
    assert_eq!(doc["summary"]["fact_recall"], 1.0, "{doc:#}");
    assert_eq!(doc["summary"]["goals_met"], true);

    std::fs::write(
        set.join("questions.yaml"),
        format!("- incident: {INCIDENT}\n  question: hi\n  intent: chit_chat\n"),
    )
    .unwrap();
    let out = sightline(&[
        "eval",
        "ask",
        set.to_str().unwrap(),
        "--incidents",
        dataset().to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(3));
    assert!(
        stderr(&out).contains("questions.yaml") && stderr(&out).contains("chit_chat"),
        "{}",
        stderr(&out)
    );
}
