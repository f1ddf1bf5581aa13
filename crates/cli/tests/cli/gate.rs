//! `sightline gate` end to end: red during a burn and green after it, fixes,
//! approvals, JUnit output, and a remote `serve` with a token.

use std::io::{BufRead, BufReader};
use std::process::Command;

use crate::action::{HOUR, MIN, T0, project, sightline_env, store_runs};
use crate::{stderr, stdout_json};

#[test]
fn the_gate_blocks_during_the_burn_passes_after_it_and_takes_approvals() {
    let dir = tempfile::tempdir().unwrap();
    project(dir.path(), None);
    let db = dir.path().join("s.db");
    let (db_s, p_s) = (db.to_str().unwrap(), dir.path().to_str().unwrap());
    store_runs(
        &db,
        T0 - 48 * HOUR,
        T0 + 4 * HOUR,
        &[(T0 + HOUR, T0 + HOUR + 15 * MIN)],
    );
    let junit = dir.path().join("gate.xml");
    let during = (T0 + HOUR + 15 * MIN).to_string();
    let gate = |at: &str, extra: &[&str]| {
        let mut args = vec![
            "--db",
            db_s,
            "--json",
            "gate",
            "--project",
            p_s,
            "--at",
            at,
            "--release",
            "shop@2.4.2",
            "--service",
            "payment",
        ];
        args.extend_from_slice(extra);
        sightline_env(&args, &[])
    };
    let out = gate(&during, &["--junit", junit.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1), "blocked: {}", stderr(&out));
    let v = stdout_json(&out);
    assert_eq!(v["outcome"], "blocked");
    assert_eq!(v["policy"], "the built-in default policy");
    assert_eq!(v["checks"][0]["status"], "blocked");
    assert!(
        v["checks"][0]["reason"]
            .as_str()
            .unwrap()
            .contains("page alert"),
        "{v:#}"
    );
    let xml = std::fs::read_to_string(&junit).unwrap();
    assert!(
        xml.contains("<failure message=") && xml.contains("checkout-availability"),
        "{xml}"
    );

    // A fix passes the fast-burn rule.
    let out = gate(&during, &["--fix"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));

    // After the burn, with half the budget left: green.
    let after = (T0 + 4 * HOUR - MIN).to_string();
    let out = gate(&after, &[]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let v = stdout_json(&out);
    assert_eq!(v["outcome"], "pass");
    let left = v["checks"][0]["budget_remaining"].as_f64().unwrap();
    assert!(left > 0.3 && left < 0.8, "{left}");

    // An unknown SLO cannot be decided, with a message naming it.
    let out = gate(&after, &["--slo", "nope"]);
    assert_eq!(out.status.code(), Some(3));
    let said = format!("{}{}", String::from_utf8_lossy(&out.stdout), stderr(&out));
    assert!(
        said.contains("no SLO named") && said.contains("nope"),
        "{said}"
    );
}

#[test]
fn an_approval_made_before_the_decision_lets_a_blocked_release_out() {
    let dir = tempfile::tempdir().unwrap();
    project(dir.path(), None);
    let db = dir.path().join("s.db");
    let (db_s, p_s) = (db.to_str().unwrap(), dir.path().to_str().unwrap());
    // The burn ends just before now, so "now" is inside the data.
    let now = sightline_browser::system_now_ms();
    store_runs(&db, now - 48 * HOUR, now, &[(now - 15 * MIN, now)]);
    let out = sightline_env(
        &["--db", db_s, "gate", "--project", p_s, "--release", "r9"],
        &[],
    );
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let out = sightline_env(
        &[
            "--db",
            db_s,
            "policy",
            "approve",
            "--release",
            "r9",
            "--by",
            "alice",
            "--reason",
            "hotfix",
        ],
        &[],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let out = sightline_env(
        &[
            "--db",
            db_s,
            "--json",
            "gate",
            "--project",
            p_s,
            "--release",
            "r9",
        ],
        &[],
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let v = stdout_json(&out);
    assert_eq!(v["checks"][0]["status"], "approved");
    assert_eq!(v["approval"]["by"], "alice");
}

#[test]
fn a_remote_serve_answers_the_gate_with_a_token() {
    let dir = tempfile::tempdir().unwrap();
    project(dir.path(), None);
    let db = dir.path().join("s.db");
    let (db_s, p_s) = (db.to_str().unwrap(), dir.path().to_str().unwrap());
    store_runs(
        &db,
        T0 - 48 * HOUR,
        T0 + 4 * HOUR,
        &[(T0 + HOUR, T0 + HOUR + 15 * MIN)],
    );
    let token = "a-long-enough-test-token";
    let mut serve = Command::new(env!("CARGO_BIN_EXE_sightline"))
        .args([
            "--db",
            db_s,
            "--json",
            "serve",
            "--addr",
            "127.0.0.1:0",
            "--otlp-grpc",
            "off",
            "--for",
            "60s",
            "--token",
            token,
            "--project",
            p_s,
        ])
        .env("HOME", std::env::temp_dir())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(serve.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let listening: serde_json::Value = serde_json::from_str(&line).unwrap();
    let url = format!("http://{}", listening["listening"].as_str().unwrap());
    let during = (T0 + HOUR + 15 * MIN).to_string();
    let out = sightline_env(
        &[
            "--json",
            "gate",
            "--server",
            &url,
            "--at",
            &during,
            "--release",
            "r1",
        ],
        &[("SIGHTLINE_TOKEN", token)],
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert_eq!(stdout_json(&out)["outcome"], "blocked");
    let out = sightline_env(
        &["gate", "--server", &url, "--at", &during],
        &[("SIGHTLINE_TOKEN", "wrong-token-wrong-token")],
    );
    assert_eq!(out.status.code(), Some(3));
    assert!(stderr(&out).contains("401"), "{}", stderr(&out));
    let _ = serve.kill();
    let _ = serve.wait();
}
