//! README command 1 end to end: `sightline demo --headless` with the short
//! scenario, as a user runs it. Real shop, real Chromium, real SQLite. The
//! test is named `closed_loop_*` so scripts/test.sh runs it on its own, after
//! the rest of the suite, with the machine's cores to itself.

use std::process::Command;

use crate::stderr;

#[test]
fn closed_loop_demo_alerts_on_checkout_in_us_east_1_only_and_reports_it() {
    let dir = tempfile::tempdir().unwrap();
    let demo_dir = dir.path().join("demo");
    let out = Command::new(env!("CARGO_BIN_EXE_sightline"))
        .args([
            "--json",
            "demo",
            "--headless",
            "--scenario",
            "checkout-short",
        ])
        .args(["--history-days", "3", "--dir", demo_dir.to_str().unwrap()])
        .env_remove("SIGHTLINE_DB")
        .env_remove("DISPLAY")
        .env("HOME", dir.path())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stdout)));
    let alerts = report["timeline"]["alerts"].as_array().unwrap();
    let failures = report["timeline"]["failures"].as_array().unwrap();
    let firing: Vec<_> = alerts.iter().filter(|a| a["change"] == "firing").collect();

    // The checkout SLO paged, for us-east-1.
    let page = firing
        .iter()
        .find(|a| a["slo"] == "checkout-availability" && a["severity"] == "page")
        .unwrap_or_else(|| panic!("no checkout page: {alerts:#?}\n{}", stderr(&out)));
    assert_eq!(
        page["regions"],
        serde_json::json!(["us-east-1"]),
        "{page:#}\nruns: {:#}\nfailures: {failures:#?}",
        report["timeline"]["runs"]
    );
    // ... within three minutes of the fault starting (the deploy at 0:40).
    let deploy = report["timeline"]["deploys"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["release_id"] == "payment@2.4.1")
        .unwrap_or_else(|| panic!("no deploy: {report:#}"));
    let after_ms = page["at_ms"].as_i64().unwrap() - deploy["at_ms"].as_i64().unwrap();
    assert!(
        (0..=180_000).contains(&after_ms),
        "paged {after_ms} ms after the fault"
    );
    // The pipeline's gate for the next payment release: green before the bad
    // release, red (exit 1) from the burn it causes (a fast burn, or a short
    // history's budget spent), and red when the page fires.
    let gate = report["timeline"]["gate"].as_array().unwrap();
    assert_eq!(gate[0]["outcome"], "pass", "{gate:#?}");
    let blocked = gate
        .iter()
        .find(|g| g["outcome"] == "blocked")
        .unwrap_or_else(|| panic!("the gate never blocked: {gate:#?}"));
    assert_eq!(blocked["exit_code"], 1);
    assert!(
        blocked["at_ms"].as_i64().unwrap() >= deploy["at_ms"].as_i64().unwrap(),
        "blocked before the bad release: {gate:#?}"
    );
    let at_page = gate
        .iter()
        .rev()
        .find(|g| g["at_ms"].as_i64().unwrap() <= page["at_ms"].as_i64().unwrap() + 2_000)
        .unwrap();
    assert_eq!(at_page["outcome"], "blocked", "{gate:#?}");
    // No alert blamed another region.
    for a in &firing {
        let regions = a["regions"].as_array().unwrap();
        assert!(
            regions.iter().all(|r| r == "us-east-1"),
            "only us-east-1 burns: {a:#}\nfailures: {failures:#?}"
        );
    }
    // The other regions' live runs passed.
    let runs = &report["timeline"]["runs"];
    for region in ["eu-west-1", "ap-south-1"] {
        assert!(runs[region]["pass"].as_u64().unwrap_or(0) >= 10, "{runs:#}");
        assert_eq!(
            runs[region]["fail"].as_u64().unwrap_or(0),
            0,
            "{region}: {runs:#}\nfailures: {failures:#?}"
        );
    }
    assert!(
        runs["us-east-1"]["fail"].as_u64().unwrap_or(0) >= 3,
        "{runs:#}"
    );

    // Failing runs carry trace ids, and the database holds the rest.
    assert!(
        failures
            .iter()
            .all(|f| f["trace_id"].as_str().is_some_and(|t| t.len() == 32))
    );
    let db = demo_dir.join("demo.db");
    let conn = rusqlite::Connection::open(&db).unwrap();
    let simulated: i64 = conn
        .query_row("SELECT count(*) FROM runs WHERE simulated = 1", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert!(simulated > 1_000, "{simulated}");
    let episodes: i64 = conn
        .query_row(
            "SELECT count(*) FROM alert_episodes WHERE slo = 'checkout-availability' AND regions = '[\"us-east-1\"]'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(episodes >= 1);
    let deploys: i64 = conn
        .query_row(
            "SELECT count(*) FROM events WHERE kind = 'deploy' AND service = 'payment' AND region = 'us-east-1' AND payload LIKE '%payment@2.4.1%'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(
        deploys, 1,
        "the shop posted the bad release to the deploy-event endpoint"
    );

    // The shop exported its spans over OTLP to the demo's receiver: every
    // failing run's trace is stored, and a failing checkout's trace shows the
    // payment span where the error began.
    let spans_of = |trace: &str, extra: &str| -> i64 {
        conn.query_row(
            &format!("SELECT count(*) FROM spans WHERE trace_id = ?1 {extra}"),
            [trace],
            |r| r.get(0),
        )
        .unwrap()
    };
    let mut payment_errors = 0;
    for f in failures {
        let trace = f["trace_id"].as_str().unwrap();
        assert!(spans_of(trace, "") > 0, "no spans for failing run {f:#}");
        if f["journey"] == "demo-checkout" {
            payment_errors += spans_of(
                trace,
                "AND service = 'payment' AND status = 'error' AND region = 'us-east-1' \
                 AND service_version = '2.4.1'",
            );
        }
    }
    assert!(payment_errors >= 1, "{failures:#?}");
    let logs: i64 = conn
        .query_row(
            "SELECT count(*) FROM logs WHERE service = 'payment' AND severity_number >= 17 AND trace_id IS NOT NULL",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(logs >= 1, "payment's error logs carry trace ids");
    let points: i64 = conn
        .query_row(
            "SELECT count(*) FROM metric_points WHERE name = 'http.server.request.duration' AND service = 'payment'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(
        points >= 1,
        "payment's request-duration histogram is stored"
    );

    // The attribution engine ran when the page fired, and its report is in
    // the demo's: payment in us-east-1, with the 2.4.1 deploy.
    let attribution = &report["attribution"];
    let top = &attribution["causes"][0];
    assert_eq!(top["service"], "payment", "{attribution:#}");
    assert_eq!(top["region"], "us-east-1", "{attribution:#}");
    assert_eq!(top["change"]["release"], "payment@2.4.1", "{attribution:#}");
    let stored: i64 = conn
        .query_row(
            "SELECT count(*) FROM alert_episodes WHERE slo = 'checkout-availability' AND attribution IS NOT NULL",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(stored >= 1, "the report is stored with the alert");

    // The report names all of it.
    let md = std::fs::read_to_string(demo_dir.join("report.md")).unwrap();
    for needle in [
        "checkout-availability",
        "us-east-1",
        "payment@2.4.1",
        "Ground truth",
        "simulated",
        "payment POST /charges",
        "Attribution: ",
    ] {
        assert!(md.contains(needle), "report.md lacks {needle:?}:\n{md}");
    }
    let html = std::fs::read_to_string(demo_dir.join("report.html")).unwrap();
    assert!(html.contains("<table>") && html.contains("checkout-availability"));
}
