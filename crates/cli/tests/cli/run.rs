//! `sightline run`, `sightline runner` and `sightline serve` end to end, as
//! processes: JSON lines per stored run, a summary, SIGTERM draining, and a
//! remote runner pushing into a workbench.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::{ok_server, stderr};

fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_sightline"));
    c.env_remove("SIGHTLINE_DB")
        .env_remove("SIGHTLINE_TOKEN")
        .env("HOME", std::env::temp_dir());
    c
}

/// A project with one API journey (no browser) against `origin`.
fn api_project(dir: &Path, origin: &str, every: &str, extra_steps: &str) -> String {
    std::fs::write(
        dir.join("api.yaml"),
        format!(
            "name: api\nbaseUrl: {origin}\ntimeouts: {{ runMs: 60000, stepMs: 60000 }}\nsteps:\n  - type: http\n    url: /ok\n    expect: {{ status: 200 }}\n{extra_steps}"
        ),
    )
    .unwrap();
    let file = dir.join("sightline.toml");
    std::fs::write(
        &file,
        format!("[runner]\ngrace = \"300ms\"\n[regions.eu-west-1]\n[[schedule]]\njourney = \"api.yaml\"\nevery = \"{every}\"\njitter = \"0s\"\n"),
    )
    .unwrap();
    file.to_str().unwrap().to_owned()
}

fn json_lines(stdout: &[u8]) -> Vec<serde_json::Value> {
    String::from_utf8_lossy(stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{l:?}: {e}")))
        .collect()
}

fn count_runs(db: &Path) -> i64 {
    let conn = rusqlite::Connection::open(db).unwrap();
    conn.query_row("SELECT count(*) FROM runs", [], |r| r.get(0))
        .unwrap()
}

#[test]
fn run_prints_each_stored_attempt_and_a_summary() {
    let dir = tempfile::tempdir().unwrap();
    let origin = ok_server(10);
    let project = api_project(dir.path(), &origin, "1s", "");
    let db = dir.path().join("s.db");
    let out = bin()
        .args([
            "--json",
            "--db",
            db.to_str().unwrap(),
            "run",
            "--project",
            &project,
            "--slots",
            "2",
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let lines = json_lines(&out.stdout);
    let stored: Vec<_> = lines.iter().filter(|l| l["event"] == "stored").collect();
    assert_eq!(stored.len(), 2, "{lines:#?}");
    assert!(
        stored
            .iter()
            .all(|l| l["outcome"] == "pass" && l["region"] == "eu-west-1")
    );
    let summary = lines.last().unwrap();
    assert_eq!(summary["event"], "summary");
    assert_eq!(summary["runs"]["pass"], 2);
    assert_eq!(count_runs(&db), 2);
}

#[test]
fn a_bad_project_file_is_refused_with_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("sightline.toml");
    std::fs::write(&file, "[[schedule]]\njourney = \"x.yaml\"\nevery = 5\n").unwrap();
    let out = bin()
        .args([
            "run",
            "--project",
            file.to_str().unwrap(),
            "--db",
            dir.path().join("s.db").to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("sightline.toml") && err.contains("line 3"),
        "{err}"
    );
}

fn wait_for_line(child: &mut Child, want: &str, limit: Duration) -> String {
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let start = Instant::now();
    while start.elapsed() < limit {
        if let Ok(line) = rx.recv_timeout(Duration::from_millis(200))
            && line.contains(want)
        {
            return line;
        }
    }
    panic!("no line with {want:?} within {limit:?}");
}

#[test]
fn sigterm_drains_and_records_the_cut_short_run_as_a_shutdown_error() {
    let dir = tempfile::tempdir().unwrap();
    let origin = ok_server(10);
    // The first step passes, then a 30 s wait: longer than the 300 ms grace.
    let project = api_project(dir.path(), &origin, "1m", "  - type: wait\n    ms: 30000\n");
    let db = dir.path().join("s.db");
    let child = bin()
        .args(["--db", db.to_str().unwrap(), "run", "--project", &project])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_secs(3));
    let pid = child.id().to_string();
    assert!(
        Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .unwrap()
            .success()
    );
    let start = Instant::now();
    let out = child.wait_with_output().unwrap();
    assert!(
        start.elapsed() < Duration::from_secs(20),
        "{:?}",
        start.elapsed()
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("runs under way were cut short"), "{text}");
    let conn = rusqlite::Connection::open(&db).unwrap();
    let (outcome, class, msg): (String, String, String) = conn
        .query_row(
            "SELECT outcome, error_class, error_message FROM runs",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    assert_eq!(
        (outcome.as_str(), class.as_str()),
        ("error", "runner_error")
    );
    assert!(msg.starts_with("shutdown"), "{msg}");
}

#[test]
fn a_remote_runner_pushes_into_serve_with_its_token() {
    let dir = tempfile::tempdir().unwrap();
    let origin = ok_server(10);
    let project = api_project(dir.path(), &origin, "1s", "");
    let wb_db = dir.path().join("workbench.db");
    let token = "a-long-enough-test-token";
    let mut serve = bin()
        .args([
            "--db",
            wb_db.to_str().unwrap(),
            "serve",
            "--addr",
            "127.0.0.1:0",
            "--for",
            "60s",
        ])
        .env("SIGHTLINE_TOKEN", token)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let line = wait_for_line(&mut serve, "listening on", Duration::from_secs(20));
    let url = line.trim_start_matches("listening on ").trim().to_owned();

    // A wrong token: the runs stay in the spool, nothing is stored.
    let spool = dir.path().join("spool.db");
    let out = bin()
        .args([
            "--json",
            "runner",
            "--project",
            &project,
            "--region",
            "eu-west-1",
            "--push",
            &url,
        ])
        .args(["--spool", spool.to_str().unwrap(), "--slots", "1"])
        .env("SIGHTLINE_TOKEN", "not-the-token-at-all")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let summary = json_lines(&out.stdout).pop().unwrap();
    assert_eq!(summary["push"]["still_spooled"], 1, "{summary}");
    assert_eq!(summary["push"]["inserted"], 0);

    // The right token: the spooled run and two new ones land.
    let out = bin()
        .args([
            "--json",
            "runner",
            "--project",
            &project,
            "--region",
            "eu-west-1",
            "--push",
            &url,
        ])
        .args(["--spool", spool.to_str().unwrap(), "--slots", "2"])
        .env("SIGHTLINE_TOKEN", token)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let summary = json_lines(&out.stdout).pop().unwrap();
    assert_eq!(summary["push"]["still_spooled"], 0, "{summary}");
    assert_eq!(summary["push"]["inserted"], 3, "{summary}");
    let _ = serve.kill();
    let _ = serve.wait();
    assert_eq!(count_runs(&wb_db), 3);
}
