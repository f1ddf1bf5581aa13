//! `sightline replay` end to end: API journeys against a local server (no
//! browser needed), exit codes, the stored run, and secrets kept out of the
//! database. Browser replay itself is tested in crates/browser.

use std::process::Command;

use crate::{ok_server as server, stderr};

fn replay(dir: &std::path::Path, yaml: &str, extra_env: &[(&str, &str)]) -> std::process::Output {
    let file = dir.join("j.yaml");
    std::fs::write(&file, yaml).unwrap();
    let db = dir.join("s.db");
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_sightline"));
    cmd.args([
        "--json",
        "--db",
        db.to_str().unwrap(),
        "replay",
        file.to_str().unwrap(),
    ])
    .env_remove("SIGHTLINE_DB")
    .env("HOME", std::env::temp_dir());
    for (k, v) in extra_env {
        cmd.env(k, v);
    }
    cmd.output().expect("run sightline")
}

#[test]
fn a_passing_api_journey_exits_0_and_is_stored() {
    let origin = server(1);
    let dir = tempfile::tempdir().unwrap();
    let out = replay(
        dir.path(),
        &format!(
            "name: api\nbaseUrl: {origin}\nsteps:\n  - {{type: http, url: /ok, expect: {{json: [{{pointer: /status, equals: ok}}]}}}}\n"
        ),
        &[],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["run"]["outcome"], "pass");
    assert_eq!(doc["run"]["steps"][0]["kind"], "http");
    let conn = rusqlite::Connection::open(dir.path().join("s.db")).unwrap();
    let n: i64 = conn
        .query_row("SELECT count(*) FROM step_results", [], |r| r.get(0))
        .unwrap();
    assert_eq!(n, 1);
}

#[test]
fn a_failing_step_exits_1_with_its_error_class() {
    let origin = server(1);
    let dir = tempfile::tempdir().unwrap();
    let out = replay(
        dir.path(),
        &format!("name: api\nbaseUrl: {origin}\nsteps:\n  - {{type: http, url: /broken}}\n"),
        &[],
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["run"]["outcome"], "fail");
    assert_eq!(doc["run"]["error_class"], "http_status");
}

#[test]
fn a_missing_secret_is_a_runner_error_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let out = replay(
        dir.path(),
        "name: api\nbaseUrl: http://127.0.0.1:9\nsecrets: [TOKEN]\nsteps:\n  - {type: http, url: /ok, headers: {authorization: 'Bearer {{secret.TOKEN}}'}}\n",
        &[],
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["run"]["outcome"], "error");
    assert_eq!(doc["run"]["error_class"], "runner_error");
}

#[test]
fn a_secret_from_the_environment_is_used_and_never_stored() {
    let origin = server(1);
    let dir = tempfile::tempdir().unwrap();
    let secret = "tok-9f8e7d6c5b4a";
    // The secret is part of the URL path, so the failure message would carry it.
    let out = replay(
        dir.path(),
        &format!(
            "name: api\nbaseUrl: {origin}\nsecrets: [TOKEN]\nsteps:\n  - {{type: http, url: '/x/{{{{secret.TOKEN}}}}'}}\n"
        ),
        &[("SIGHTLINE_SECRET_TOKEN", secret)],
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("/x/***"), "{text}");
    assert!(!text.contains(secret));
    for entry in std::fs::read_dir(dir.path()).unwrap() {
        let p = entry.unwrap().path();
        if p.is_file() {
            let bytes = std::fs::read(&p).unwrap();
            assert!(
                !bytes.windows(secret.len()).any(|w| w == secret.as_bytes()),
                "secret in {}",
                p.display()
            );
        }
    }
}
