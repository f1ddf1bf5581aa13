//! `sightline discover`: simulate, list with --json, accept, reject, eval,
//! and the real samples through the binary (OTLP via sightline-telemetry).

use serde_json::Value;

use crate::{sightline, stderr};

fn json(out: &std::process::Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{e}: {}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

#[test]
fn simulate_list_reject_accept_and_eval() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let sim = d.join("sim");
    let log = sim.join("access.log");
    let (sim_s, log_s, proj) = (
        sim.to_str().expect("utf-8"),
        log.to_str().expect("utf-8"),
        d.to_str().expect("utf-8"),
    );
    let out = sightline(&["discover", "simulate", sim_s, "--sessions", "600"]);
    assert!(out.status.success(), "{out:?}");
    let list = json(&sightline(&[
        "--json",
        "discover",
        log_s,
        "--project",
        proj,
    ]));
    let cands = list["discovery"]["candidates"]
        .as_array()
        .expect("candidates");
    assert!(cands.len() >= 5, "{list}");
    let first = cands[0]["id"].as_str().expect("id").to_owned();
    assert!(cands[0]["proposal"]["availability"]["target"].is_f64());
    assert!(cands[0]["score"]["total"].is_f64());
    assert_eq!(list["inputs"][0]["format"], "combined");
    // Reject: hidden next time, same ids otherwise.
    assert!(
        sightline(&["discover", "reject", &first, "--project", proj])
            .status
            .success()
    );
    let again = json(&sightline(&[
        "--json",
        "discover",
        log_s,
        "--project",
        proj,
    ]));
    assert_eq!(again["hidden_rejected"], 1);
    let ids: Vec<&str> = again["discovery"]["candidates"]
        .as_array()
        .expect("candidates")
        .iter()
        .filter_map(|c| c["id"].as_str())
        .collect();
    assert!(!ids.contains(&first.as_str()));
    let expected: Vec<&str> = cands[1..].iter().filter_map(|c| c["id"].as_str()).collect();
    assert_eq!(ids, expected, "ids are stable across runs");
    // Accept: an SLO the SLO loader reads and a journey the journey loader reads.
    let pick = ids[0];
    let acc = json(&sightline(&[
        "--json",
        "discover",
        "accept",
        pick,
        log_s,
        "--project",
        proj,
    ]));
    let slo = acc["slo"].as_str().expect("slo path");
    let journey = acc["journey"].as_str().expect("journey path");
    let slos = sightline_api::slo::load_slos(&d.join("slos")).expect("the SLO file loads");
    assert_eq!(slos.len(), 1, "{slo}");
    let j = sightline_journeys::load(std::path::Path::new(journey)).expect("the skeleton loads");
    assert_eq!(slos[0].config.definition.filter.journey, j.journey.name);
    let again = sightline(&["discover", "accept", pick, log_s, "--project", proj]);
    assert_eq!(again.status.code(), Some(3), "no overwrite");
    // Eval prints the figures.
    let ev = json(&sightline(&["--json", "discover", "eval", sim_s]));
    assert!(
        ev["score"]["agreement"]["ari"].as_f64().unwrap_or(0.0) >= 0.9,
        "{ev}"
    );
}

#[test]
fn the_demo_shop_driven_by_simulated_users_logs_traffic_discovery_clusters() {
    // Real requests to the real shop on loopback: the log is the shop's own.
    let dir = tempfile::tempdir().expect("tempdir");
    let sim = dir.path().join("shop");
    let sim_s = sim.to_str().expect("utf-8");
    let out = sightline(&[
        "--json",
        "discover",
        "simulate",
        sim_s,
        "--shop",
        "--sessions",
        "400",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let driven = json(&out);
    assert_eq!(driven["sessions"], 420, "{driven}");
    let requests = driven["requests"].as_u64().expect("requests");
    assert!(requests > 2_000, "{driven}");
    // Pages, redirects after forms, the bots' misses, and the payment
    // fault's failed checkouts: all answered by the shop itself.
    for status in ["200", "303", "404", "502"] {
        assert!(
            driven["statuses"][status].as_u64().unwrap_or(0) > 0,
            "{status}: {driven}"
        );
    }
    assert!(
        driven["statuses"].get("0").is_none(),
        "every request was answered: {driven}"
    );

    let log = std::fs::read_to_string(sim.join("access.log")).expect("the shop wrote its log");
    assert_eq!(log.lines().count() as u64, requests, "one line per request");
    let first = log.lines().next().expect("a line");
    assert!(
        first.starts_with("10.0.") && first.contains(" HTTP/1.1\" ") && first.contains("] \""),
        "Combined, with the forwarded client: {first}"
    );
    assert!(
        log.contains("\"POST /checkout HTTP/1.1\" 303 "),
        "checkouts went through"
    );
    assert!(
        log.contains("\"GET /api/orders/"),
        "the API flow read its own order"
    );

    let ev = json(&sightline(&["--json", "discover", "eval", sim_s]));
    let ari = ev["score"]["agreement"]["ari"].as_f64().unwrap_or(0.0);
    assert!(ari >= 0.9, "ARI {ari} on the shop's log: {ev}");
    assert_eq!(ev["score"]["bots_dropped"], 20, "{ev}");

    // With 30% of the people browsing at random, still above 0.8.
    let noisy = dir.path().join("noisy");
    let noisy_s = noisy.to_str().expect("utf-8");
    let out = sightline(&[
        "discover",
        "simulate",
        noisy_s,
        "--shop",
        "--sessions",
        "400",
        "--noise",
        "0.3",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let ev = json(&sightline(&["--json", "discover", "eval", noisy_s]));
    let ari = ev["score"]["agreement"]["ari"].as_f64().unwrap_or(0.0);
    assert!(ari > 0.8, "ARI {ari} with 30% noise: {ev}");
}

#[test]
fn real_samples_through_the_binary() {
    let fx = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/fixtures");
    if !fx.exists() {
        eprintln!("SKIPPED: no shared/fixtures beside the repository");
        return;
    }
    let f = |rel: &str| fx.join(rel).to_string_lossy().into_owned();
    let (otlp, har, alb) = (
        f("otlp-json/trace.json"),
        f("har/chrome.har"),
        f("access-logs/opentelemetry-collector-contrib/alb_al_valid_logs.log"),
    );
    let out = json(&sightline(&["--json", "discover", &otlp, &har, &alb]));
    let formats: Vec<&str> = out["inputs"]
        .as_array()
        .expect("inputs")
        .iter()
        .filter_map(|i| i["format"].as_str())
        .collect();
    assert_eq!(formats, vec!["otlp", "har", "alb"]);
    assert_eq!(out["inputs"][2]["requests"], 2);
    let bad = sightline(&[
        "--json",
        "discover",
        &f("access-logs/opentelemetry-collector-contrib/alb_al_invalid_syntax.log"),
        "--format",
        "alb",
    ]);
    assert!(bad.status.success());
    assert_eq!(json(&bad)["inputs"][0]["bad_lines"], 1);
    let unknown = sightline(&[
        "--json",
        "discover",
        &f("access-logs/opentelemetry-collector-contrib/alb_al_invalid_syntax.log"),
    ]);
    assert_eq!(unknown.status.code(), Some(3));
    assert_eq!(json(&unknown)["error"]["code"], "cli.error");
}

#[test]
fn a_listing_cut_short_by_head_exits_quietly() {
    use std::process::{Command, Stdio};
    let tmp = tempfile::tempdir().unwrap();
    let sim = tmp.path().join("sim");
    let out = sightline(&[
        "discover",
        "simulate",
        sim.to_str().unwrap(),
        "--sessions",
        "300",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let mut child = Command::new(env!("CARGO_BIN_EXE_sightline"))
        .args([
            "discover",
            sim.join("access.log").to_str().unwrap(),
            "--all",
        ])
        .env("HOME", tmp.path())
        .current_dir(tmp.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Close the reading end before the listing is written, as `| head -0`
    // would: the first write fails with a broken pipe.
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!err.contains("panicked"), "{err}");
    assert_eq!(out.status.code(), Some(0), "{err}");
}
