//! Crash safety: a child process writes runs in a loop and reports each commit;
//! the parent kills it with SIGKILL at random moments. After every kill the
//! database must open, pass `integrity_check`, and hold every reported run
//! whole (the run and all of its steps), and no run may be partial.
//!
//! The child is this same test binary, re-run with `--exact crash::child_writer
//! --ignored`; it works under both `cargo test` and nextest.

use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use rand::Rng;
use sightline_core::{Outcome, RunId};
use sightline_store::Store;

use crate::{rng, sample_run};

const KILLS: u32 = 20;
const DB_ENV: &str = "SIGHTLINE_CRASH_DB";
const SEED_ENV: &str = "SIGHTLINE_CRASH_SEED";

/// The child: writes forever (until killed), one line per committed run.
#[test]
#[ignore = "child process of `crash_safety_under_sigkill`; it runs it"]
fn child_writer() {
    use std::io::Write;
    let (Ok(path), Ok(seed)) = (std::env::var(DB_ENV), std::env::var(SEED_ENV)) else {
        panic!("run by crash_safety_under_sigkill only");
    };
    let mut r = rng(seed.parse().unwrap());
    let mut store = Store::open(&path).unwrap();
    let mut out = std::io::stdout().lock();
    let mut at =
        1_700_000_000_000 + i64::try_from(seed.parse::<u64>().unwrap()).unwrap() * 10_000_000;
    // Bounded so a child that is never killed still ends.
    for _ in 0..200_000 {
        // Mix single-run transactions with batches, and vary the step count.
        let batch = if r.random_bool(0.3) {
            r.random_range(2..50)
        } else {
            1
        };
        let runs: Vec<_> = (0..batch)
            .map(|_| {
                at += 1;
                let steps = r.random_range(1..=8);
                sample_run(&mut r, at, steps, Outcome::Pass)
            })
            .collect();
        store.insert_runs(&runs, at).unwrap();
        for run in &runs {
            writeln!(out, "COMMITTED {} {}", run.id, run.steps.len()).unwrap();
        }
        out.flush().unwrap();
    }
}

#[test]
fn crash_safety_under_sigkill() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("crash.db");
    let exe = std::env::current_exe().unwrap();
    let mut r = rng(42);
    let mut committed: HashMap<RunId, usize> = HashMap::new();

    for kill in 0..KILLS {
        let mut child = Command::new(&exe)
            .args([
                "--exact",
                "crash::child_writer",
                "--ignored",
                "--nocapture",
                "--test-threads=1",
            ])
            .env(DB_ENV, &path)
            .env(SEED_ENV, kill.to_string())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let lines = Arc::new(Mutex::new(Vec::<String>::new()));
        let reader = {
            let lines = Arc::clone(&lines);
            let stdout = child.stdout.take().unwrap();
            std::thread::spawn(move || {
                for line in BufReader::new(stdout).lines() {
                    let Ok(line) = line else { break };
                    lines.lock().unwrap().push(line);
                }
            })
        };
        // Wait (bounded) until the child is writing, then kill it at a random moment.
        let deadline = Instant::now() + Duration::from_secs(30);
        while lines
            .lock()
            .unwrap()
            .iter()
            .all(|l| !l.starts_with("COMMITTED"))
            && Instant::now() < deadline
        {
            std::thread::sleep(Duration::from_millis(5));
        }
        std::thread::sleep(Duration::from_millis(r.random_range(0..250)));
        child.kill().unwrap(); // SIGKILL on Unix
        child.wait().unwrap();
        reader.join().unwrap();

        let mut reported = 0;
        for line in lines.lock().unwrap().iter() {
            let mut parts = line.split_whitespace();
            if parts.next() != Some("COMMITTED") {
                continue;
            }
            let (Some(id), Some(steps), None) = (parts.next(), parts.next(), parts.next()) else {
                continue; // a line cut by the kill
            };
            let (Ok(id), Ok(steps)) = (RunId::parse(id), steps.parse()) else {
                continue;
            };
            committed.insert(id, steps);
            reported += 1;
        }
        assert!(
            reported > 0,
            "kill {kill}: the child reported no commit within 30 s"
        );

        let store =
            Store::open(&path).unwrap_or_else(|e| panic!("kill {kill}: reopen failed: {e}"));
        let verdict: String = store
            .conn()
            .query_row("PRAGMA integrity_check", [], |row| row.get(0))
            .unwrap();
        assert_eq!(verdict, "ok", "kill {kill}");
        for (id, steps) in &committed {
            let run = store
                .run(*id)
                .unwrap()
                .unwrap_or_else(|| panic!("kill {kill}: lost {id}"));
            assert_eq!(run.steps.len(), *steps, "kill {kill}: run {id} is partial");
        }
        // No run anywhere is partial, reported or not: the journey name says how
        // many steps it was written with.
        let partial: i64 = store
            .conn()
            .query_row(
                "SELECT count(*) FROM runs r WHERE CAST(substr(r.journey, 9) AS INTEGER) !=
                   (SELECT count(*) FROM step_results s WHERE s.run_id = r.id)",
                [],
                |row| row.get(0),
            )
            .unwrap();
        assert_eq!(partial, 0, "kill {kill}: partial runs found");
    }
    assert!(committed.len() >= KILLS as usize);
}
