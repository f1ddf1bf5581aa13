//! `sightline ask` and `sightline eval ask`, run as a user would, on a
//! recorded incident.

use std::path::{Path, PathBuf};

use sightline_store::Store;

use crate::{
    dataset, incidents_project, recorded_incident, sightline, stderr, stdout_json as json,
};

const INCIDENT: &str = "01-payment-bad-release-use1";

/// A project (slos/, journeys/) and a database holding [`INCIDENT`], and
/// the moment its recording ended.
fn project(dir: &Path) -> (PathBuf, PathBuf, i64) {
    let db = dir.join("incident.db");
    let runs = recorded_incident(INCIDENT, &db);
    Store::open(&db).unwrap().insert_runs(&runs, 0).unwrap();
    let at = runs.last().unwrap().started_at_ms + 1;
    (db, incidents_project(dir), at)
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

/// Answers one HTTP request with a 500 and says whether one came.
fn failing_endpoint() -> (String, std::thread::JoinHandle<bool>) {
    use std::io::{Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/v1", listener.local_addr().unwrap());
    listener.set_nonblocking(true).unwrap();
    let handle = std::thread::spawn(move || {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
        while std::time::Instant::now() < deadline {
            if let Ok((mut s, _)) = listener.accept() {
                s.set_nonblocking(false).unwrap();
                s.set_read_timeout(Some(std::time::Duration::from_secs(5)))
                    .unwrap();
                let mut buf = [0u8; 65536];
                let _ = s.read(&mut buf);
                let body = "{\"error\":\"model not loaded\"}";
                let _ = write!(
                    s,
                    "HTTP/1.1 500 Internal Server Error\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                    body.len()
                );
                return true;
            }
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
        false
    });
    (url, handle)
}

#[test]
fn ask_uses_the_model_in_the_project_file_and_falls_back_when_it_fails() {
    let tmp = tempfile::tempdir().unwrap();
    let (db, p, at) = project(tmp.path());
    let (url, served) = failing_endpoint();
    std::fs::write(
        p.join("sightline.toml"),
        format!("[ask]\nmodel_url = \"{url}\"\nmodel = \"absent-model\"\ntimeout_s = 10\n"),
    )
    .unwrap();
    let at = at.to_string();
    let args = |p: &str| {
        vec![
            "--db".to_owned(),
            db.to_str().unwrap().to_owned(),
            "--json".into(),
            "ask".into(),
            "why is checkout failing?".into(),
            "--project".into(),
            p.to_owned(),
            "--at".into(),
            at.clone(),
        ]
    };
    let a = args(p.to_str().unwrap());
    let out = sightline(&a.iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(served.join().unwrap(), "the project's model was asked");
    let doc = json(&out);
    assert_eq!(doc["source"], "builtin", "{doc:#}");
    assert!(
        doc["fallback"].as_str().unwrap_or_default().contains("500"),
        "{doc:#}"
    );
    assert!(doc["answer"].as_str().unwrap().contains("payment"));

    // A model URL without a model is refused, naming the field.
    std::fs::write(
        p.join("sightline.toml"),
        "[ask]\nmodel_url = \"http://127.0.0.1:9/v1\"\n",
    )
    .unwrap();
    let out = sightline(&a.iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    // With --json the refusal is a JSON document on stdout.
    let said = format!("{}{}", String::from_utf8_lossy(&out.stdout), stderr(&out));
    assert!(said.contains("ask.model"), "{said}");
    assert!(said.contains("sightline.toml"), "{said}");
}
