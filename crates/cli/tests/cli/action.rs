//! The action loop end to end: `notify evaluate` killed between the outbox
//! commit and the send, restarted, and every alert transition delivered
//! exactly once to a loopback receiver; signed webhooks and PagerDuty events
//! as sent. The gate's tests (in `gate.rs`) share the project and runs built here.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::path::Path;
use std::process::{Command, Output};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use rand::SeedableRng;
use sightline_core::{Outcome, Region, Run, RunId};
use sightline_store::Store;

use crate::{stderr, stdout_json};

/// 2026-09-21, in the past of the wall clock: the sender sends what is due by
/// the wall clock, and notices carry the data's time.
pub(crate) const T0: i64 = 1_790_000_000_000;
pub(crate) const MIN: i64 = 60_000;
pub(crate) const HOUR: i64 = 60 * MIN;
const REGIONS: [&str; 3] = ["us-east-1", "eu-west-1", "ap-south-1"];
const HOOK_SECRET: &str = "test-signing-secret-0123456789";

/// One request the receiver took.
#[derive(Debug, Clone)]
struct Taken {
    path: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Taken {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
    fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap()
    }
}

/// A loopback HTTP receiver that records every request and answers 202. It
/// stops when dropped, and after two minutes at most.
struct Receiver {
    url: String,
    taken: Arc<Mutex<Vec<Taken>>>,
    stop: Arc<std::sync::atomic::AtomicBool>,
}

impl Receiver {
    fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let taken = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let (t, s) = (taken.clone(), stop.clone());
        std::thread::spawn(move || {
            let deadline = Instant::now() + Duration::from_secs(120);
            while !s.load(std::sync::atomic::Ordering::Relaxed) && Instant::now() < deadline {
                match listener.accept() {
                    Ok((stream, _)) => {
                        stream.set_nonblocking(false).unwrap();
                        if let Some(req) = read_request(&stream) {
                            t.lock().unwrap().push(req);
                        }
                        let mut w = &stream;
                        let _ = w.write_all(
                            b"HTTP/1.1 202 Accepted\r\ncontent-type: application/json\r\ncontent-length: 20\r\nconnection: close\r\n\r\n{\"status\":\"success\"}",
                        );
                    }
                    Err(_) => std::thread::sleep(Duration::from_millis(5)),
                }
            }
        });
        Receiver { url, taken, stop }
    }

    fn taken(&self) -> Vec<Taken> {
        self.taken.lock().unwrap().clone()
    }
}

impl Drop for Receiver {
    fn drop(&mut self) {
        self.stop.store(true, std::sync::atomic::Ordering::Relaxed);
    }
}

fn read_request(stream: &std::net::TcpStream) -> Option<Taken> {
    stream.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    let mut r = BufReader::new(stream);
    let mut line = String::new();
    r.read_line(&mut line).ok()?;
    let path = line.split_whitespace().nth(1)?.to_owned();
    let mut headers = Vec::new();
    loop {
        let mut h = String::new();
        r.read_line(&mut h).ok()?;
        let h = h.trim_end();
        if h.is_empty() {
            break;
        }
        let (k, v) = h.split_once(':')?;
        headers.push((k.trim().to_owned(), v.trim().to_owned()));
    }
    let len: usize = headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    let mut body = vec![0; len];
    r.read_exact(&mut body).ok()?;
    Some(Taken {
        path,
        headers,
        body,
    })
}

fn run_at(rng: &mut rand::rngs::StdRng, at: i64, region: &str, outcome: Outcome) -> Run {
    Run {
        id: RunId::new(at, rng),
        journey: "checkout".into(),
        journey_version: "v1".into(),
        region: Region::new(region),
        runner_id: "test".into(),
        attempt: 1,
        is_final_attempt: true,
        retry_of: None,
        started_at_ms: at,
        duration_ms: 1_200,
        outcome,
        error_class: None,
        error_message: None,
        trace_id: None,
        release_id: None,
        simulated: false,
        steps: vec![],
    }
}

/// Runs once a minute per region over `[from, to)`, failing inside `bad`.
pub(crate) fn store_runs(db: &Path, from: i64, to: i64, bad: &[(i64, i64)]) {
    let mut rng = rand::rngs::StdRng::seed_from_u64(11);
    let runs: Vec<Run> = (0..(to - from) / MIN)
        .flat_map(|m| REGIONS.map(|r| (from + m * MIN, r)))
        .map(|(at, r)| {
            let failing = bad.iter().any(|(a, b)| at >= *a && at < *b);
            run_at(
                &mut rng,
                at,
                r,
                if failing {
                    Outcome::Fail
                } else {
                    Outcome::Pass
                },
            )
        })
        .collect();
    let mut store = Store::open(db).unwrap();
    for chunk in runs.chunks(5_000) {
        store.insert_runs(chunk, from).unwrap();
    }
}

/// A project with one SLO and, when given a receiver, a notify.yaml that
/// sends everything to a signed webhook and pages to PagerDuty (both the
/// receiver).
pub(crate) fn project(dir: &Path, receiver: Option<&str>) {
    std::fs::create_dir_all(dir.join("slos")).unwrap();
    std::fs::write(
        dir.join("slos/checkout.yaml"),
        "name: checkout-availability\nsli: { kind: availability }\nfilter: { journey: checkout }\ntarget: 0.99\nwindow: { rolling: { days: 30 } }\n",
    )
    .unwrap();
    if let Some(url) = receiver {
        std::fs::write(
            dir.join("notify.yaml"),
            format!(
                "apiVersion: sightline/v1\nkind: Notifications\ntargets:\n  hook: {{ webhook: {{ url: \"{url}/hook\", signing_secret: {{ env: TEST_HOOK_SECRET }} }} }}\n  pd: {{ pagerduty: {{ routing_key: {{ env: TEST_PD_KEY }}, url: \"{url}/pd\" }} }}\nroutes:\n  - to: [hook]\n  - match: {{ severity: page }}\n    to: [pd]\n"
            ),
        )
        .unwrap();
    }
}

pub(crate) fn sightline_env(args: &[&str], envs: &[(&str, &str)]) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_sightline"));
    c.args(args)
        .env_remove("SIGHTLINE_DB")
        .env_remove("SIGHTLINE_FAULT")
        .env("HOME", std::env::temp_dir())
        .env("TEST_HOOK_SECRET", HOOK_SECRET)
        .env("TEST_PD_KEY", "pd-routing-key-for-tests");
    for (k, v) in envs {
        c.env(k, v);
    }
    c.output().expect("run sightline")
}

/// Every (key, kind) stored as an alert transition: firings, and
/// resolutions of those that resolved.
pub(crate) fn transitions(db: &Path) -> Vec<(String, String)> {
    let store = Store::open(db).unwrap();
    let mut out = Vec::new();
    let rows = sightline_store::queries::alerts::fired_between(store.conn(), 0, i64::MAX).unwrap();
    for e in rows {
        let key = format!("{}/{}/{}", e.slo, e.rule, e.firing_at_ms);
        out.push((key.clone(), "firing".to_owned()));
        if e.resolved_at_ms.is_some() {
            out.push((key, "resolved".to_owned()));
        }
    }
    out.sort();
    out
}

#[test]
fn killed_between_commit_and_send_every_transition_is_delivered_exactly_once() {
    let dir = tempfile::tempdir().unwrap();
    let rx = Receiver::start();
    project(dir.path(), Some(&rx.url));
    let db = dir.path().join("s.db");
    let (db_s, p_s) = (db.to_str().unwrap(), dir.path().to_str().unwrap());
    // Ten bursts of failures, four hours apart, over healthy traffic.
    let bursts: Vec<(i64, i64)> = (0..10)
        .map(|i| {
            (
                T0 + i * 4 * HOUR + HOUR,
                T0 + i * 4 * HOUR + HOUR + 15 * MIN,
            )
        })
        .collect();
    store_runs(&db, T0 - 24 * HOUR, T0 + 40 * HOUR, &bursts);

    let mut kills = 0;
    let mut evaluations = 0;
    let times: Vec<i64> = bursts
        .iter()
        .flat_map(|(a, _)| [a + 15 * MIN, a + 3 * HOUR])
        .collect();
    for at in times {
        let at_s = at.to_string();
        let out = sightline_env(
            &[
                "--db",
                db_s,
                "notify",
                "evaluate",
                "--project",
                p_s,
                "--at",
                &at_s,
            ],
            &[("SIGHTLINE_FAULT", "after-outbox-commit")],
        );
        evaluations += 1;
        if out.status.code().is_none() {
            kills += 1; // died at the fault point: committed, not sent
        } else {
            assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        }
        // The restart: delivers what the dead process queued. Some evaluations
        // hold more than one transition; each restart may die again at the
        // next one, so evaluate again until one finishes.
        for _ in 0..10 {
            let again = sightline_env(
                &[
                    "--db",
                    db_s,
                    "notify",
                    "evaluate",
                    "--project",
                    p_s,
                    "--at",
                    &at_s,
                ],
                &[("SIGHTLINE_FAULT", "after-outbox-commit")],
            );
            if again.status.code().is_none() {
                kills += 1;
                continue;
            }
            assert_eq!(again.status.code(), Some(0), "{}", stderr(&again));
            break;
        }
        let out = sightline_env(
            &[
                "--db",
                db_s,
                "--json",
                "notify",
                "deliver",
                "--project",
                p_s,
            ],
            &[],
        );
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    }
    assert!(
        kills >= 20,
        "only {kills} kills in {evaluations} evaluations"
    );

    let taken = rx.taken();
    let mut delivered: Vec<(String, String)> = Vec::new();
    for t in taken.iter().filter(|t| t.path == "/hook") {
        let ts: i64 = t.header("Sightline-Timestamp").unwrap().parse().unwrap();
        let sig = t.header("Sightline-Signature").unwrap();
        assert!(
            sightline_action::payload::webhook::verify(HOOK_SECRET.as_bytes(), ts, &t.body, sig),
            "the signature verifies"
        );
        for n in t.json()["notices"].as_array().unwrap() {
            delivered.push((
                n["key"].as_str().unwrap().to_owned(),
                n["kind"].as_str().unwrap().to_owned(),
            ));
        }
    }
    delivered.sort();
    // Policy notices (fast-burn notifies) go out too, each once.
    let policy: Vec<_> = delivered
        .iter()
        .filter(|(_, k)| k == "policy")
        .cloned()
        .collect();
    let mut unique = policy.clone();
    unique.dedup();
    assert_eq!(policy, unique, "a policy notice twice");
    assert!(!policy.is_empty());
    delivered.retain(|(_, k)| k != "policy");
    let stored = transitions(&db);
    assert!(stored.len() >= 20, "{stored:?}");
    assert_eq!(
        delivered, stored,
        "each transition exactly once ({kills} kills)"
    );
    // No secret in the outbox.
    let text = std::fs::read(&db).unwrap();
    for secret in [
        HOOK_SECRET.as_bytes(),
        b"pd-routing-key-for-tests".as_slice(),
    ] {
        assert!(
            !text.windows(secret.len()).any(|w| w == secret),
            "a secret reached the database"
        );
    }
}

#[test]
fn pagerduty_gets_a_trigger_then_a_resolve_with_one_dedup_key() {
    let dir = tempfile::tempdir().unwrap();
    let rx = Receiver::start();
    project(dir.path(), Some(&rx.url));
    let db = dir.path().join("s.db");
    let (db_s, p_s) = (db.to_str().unwrap(), dir.path().to_str().unwrap());
    store_runs(
        &db,
        T0 - 24 * HOUR,
        T0 + 4 * HOUR,
        &[(T0 + HOUR, T0 + HOUR + 15 * MIN)],
    );
    for at in [T0 + HOUR + 15 * MIN, T0 + 3 * HOUR] {
        let out = sightline_env(
            &[
                "--db",
                db_s,
                "--json",
                "notify",
                "evaluate",
                "--project",
                p_s,
                "--at",
                &at.to_string(),
            ],
            &[],
        );
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    }
    let pd: Vec<serde_json::Value> = rx
        .taken()
        .iter()
        .filter(|t| t.path == "/pd")
        .map(Taken::json)
        .collect();
    let first_page = pd
        .iter()
        .find(|e| e["event_action"] == "trigger")
        .expect("a trigger");
    sightline_action::payload::pagerduty::check(first_page).unwrap();
    assert_eq!(first_page["routing_key"], "pd-routing-key-for-tests");
    assert_eq!(first_page["payload"]["severity"], "critical");
    let key = first_page["dedup_key"].as_str().unwrap();
    assert!(key.starts_with("checkout-availability/"), "{key}");
    let resolve = pd
        .iter()
        .find(|e| e["event_action"] == "resolve" && e["dedup_key"] == key);
    assert!(
        resolve.is_some(),
        "the resolve closes the same incident: {pd:#?}"
    );
    let out = sightline_env(&["--db", db_s, "--json", "notify", "outbox"], &[]);
    let doc = stdout_json(&out);
    assert_eq!(doc["pending"], 0);
    assert_eq!(doc["dead"], 0);
}
