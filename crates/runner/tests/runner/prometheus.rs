//! The same SLO computed by Prometheus across a fleet: the rules
//! `sightline slo export --format prometheus` writes are checked by
//! `promtool`, evaluated by Prometheus' own engine against a known history
//! (promtool unit tests) and compared with Sightline's engine on the same
//! history; then a real Prometheus server scrapes a real runner and its
//! error ratio is compared with the engine's over the same runs.

use std::fmt::Write as _;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

use sightline_core::{Outcome, RunId, SliKind, SloDefinition, SloFilter, SloWindow};
use sightline_slo::alert::AlertState;
use sightline_slo::prometheus::export_rules;
use sightline_slo::{SliEvent, SloConfig, SloEngine};

use crate::{options, project, store_sink, stored_runs};

const MIN: i64 = 60_000;

fn slo(name: &str, journey: &str, target: f64) -> SloConfig {
    SloConfig::new(SloDefinition {
        name: name.into(),
        description: String::new(),
        sli: SliKind::Availability,
        filter: SloFilter {
            journey: journey.into(),
            step: None,
            regions: vec![],
            tags: vec![],
        },
        target,
        window: SloWindow::Rolling { days: 30 },
    })
}

fn promtool(args: &[&str], dir: &Path) -> std::process::Output {
    Command::new("promtool")
        .args(args)
        .current_dir(dir)
        .output()
        .expect(
            "promtool (Debian package `prometheus`) must be installed; scripts/test.sh installs it",
        )
}

/// Two hours of runs every 10 s; in the second hour every fifth one fails,
/// an error ratio of 0.2: a burn rate of 20 against a 99% objective.
fn history() -> Vec<(i64, Outcome)> {
    (1..=720)
        .map(|k| {
            let failing = k > 360 && k % 5 == 0;
            (
                k * 10_000,
                if failing {
                    Outcome::Fail
                } else {
                    Outcome::Pass
                },
            )
        })
        .collect()
}

#[test]
fn promtool_agrees_with_the_engine_on_burn_rates_and_alerts() {
    let dir = tempfile::tempdir().unwrap();
    let config = slo("checkout-availability", "checkout", 0.99);
    let rules = export_rules(std::slice::from_ref(&config)).unwrap();
    std::fs::write(dir.path().join("rules.yaml"), &rules).unwrap();
    let check = promtool(&["check", "rules", "rules.yaml"], dir.path());
    assert!(
        check.status.success(),
        "{}",
        String::from_utf8_lossy(&check.stdout)
    );

    // The engine on the history, alerts evaluated every minute.
    let mut engine = SloEngine::new(vec![config.clone()], None).unwrap();
    let mut rng = rand::rng();
    for (t, outcome) in history() {
        engine.apply(SliEvent {
            run_id: RunId::new(t, &mut rng),
            started_at_ms: t,
            journey: "checkout".into(),
            region: "r".into(),
            tags: vec![],
            duration_ms: 500,
            outcome,
            steps: vec![],
        });
    }
    let firing_at = |at: i64, engine: &mut SloEngine| {
        let mut t = MIN;
        while t <= at {
            engine.evaluate_alerts(t).unwrap();
            t += MIN;
        }
        let s = engine.status_of("checkout-availability", at).unwrap();
        s.alerts
            .iter()
            .map(|a| matches!(a, AlertState::Firing { .. }))
            .collect::<Vec<_>>()
    };
    let ratio_1h = engine
        .burn_rate("checkout-availability", 120 * MIN, 60 * MIN)
        .unwrap();
    assert_eq!((ratio_1h.counts.valid, ratio_1h.counts.bad()), (360, 72));
    assert!((ratio_1h.rate.unwrap() - 20.0).abs() < 1e-9);
    let mut e70 = SloEngine::new(vec![config.clone()], None).unwrap();
    for (t, outcome) in history().into_iter().filter(|(t, _)| *t <= 70 * MIN) {
        e70.apply(SliEvent {
            run_id: RunId::new(t, &mut rng),
            started_at_ms: t,
            journey: "checkout".into(),
            region: "r".into(),
            tags: vec![],
            duration_ms: 500,
            outcome,
            steps: vec![],
        });
    }
    // Rules: page 1h/5m, page 6h/30m, ticket 3d/6h.
    assert_eq!(firing_at(70 * MIN, &mut e70), vec![false, false, true]);
    assert_eq!(firing_at(120 * MIN, &mut engine), vec![true, true, true]);

    // The same history as counters, as the runner exports them, into
    // Prometheus' own rule engine with the same expectations.
    let (mut pass, mut fail) = (String::new(), String::new());
    let (mut p, mut f) = (0, 0);
    for (_, outcome) in std::iter::once((0, Outcome::Error)).chain(history()) {
        match outcome {
            Outcome::Pass => p += 1,
            Outcome::Fail => f += 1,
            Outcome::Error => {}
        }
        let _ = write!(pass, "{p} ");
        let _ = write!(fail, "{f} ");
    }
    let labels = r#"journey="checkout",sightline_slo="checkout-availability""#;
    let alert = |severity: &str, long: &str, short: &str, rate: &str| {
        format!(
            "          - exp_labels: {{ alertname: SightlineSloBurn{cap}, severity: {severity}, journey: checkout, sightline_slo: checkout-availability, long_window: {long}, short_window: {short}, sightline_window: {long} }}\n            exp_annotations: {{ summary: \"checkout-availability is burning its error budget {rate}x too fast ({long}/{short})\" }}\n",
            cap = if severity == "page" { "Page" } else { "Ticket" }
        )
    };
    let test = format!(
        "rule_files: [rules.yaml]\nevaluation_interval: 1m\ntests:\n  - interval: 10s\n    input_series:\n\
         \x20     - series: 'sightline_journey_runs_total{{journey=\"checkout\",region=\"r\",outcome=\"pass\"}}'\n        values: '{pass}'\n\
         \x20     - series: 'sightline_journey_runs_total{{journey=\"checkout\",region=\"r\",outcome=\"fail\"}}'\n        values: '{fail}'\n\
         \x20   promql_expr_test:\n\
         \x20     - expr: round(slo:sli_error:ratio_rate1h * 1e9) / 1e9\n        eval_time: 2h\n        exp_samples:\n          - labels: '{{{labels},sightline_window=\"1h\"}}'\n            value: 0.2\n\
         \x20   alert_rule_test:\n\
         \x20     - eval_time: 70m\n        alertname: SightlineSloBurnPage\n        exp_alerts: []\n\
         \x20     - eval_time: 70m\n        alertname: SightlineSloBurnTicket\n        exp_alerts:\n{t70}\
         \x20     - eval_time: 2h\n        alertname: SightlineSloBurnPage\n        exp_alerts:\n{p1}{p2}\
         \x20     - eval_time: 2h\n        alertname: SightlineSloBurnTicket\n        exp_alerts:\n{t2}",
        pass = pass.trim_end(),
        fail = fail.trim_end(),
        t70 = alert("ticket", "3d", "6h", "1"),
        p1 = alert("page", "1h", "5m", "14.4"),
        p2 = alert("page", "6h", "30m", "6"),
        t2 = alert("ticket", "3d", "6h", "1"),
    );
    std::fs::write(dir.path().join("test.yaml"), &test).unwrap();
    let out = promtool(&["test", "rules", "test.yaml"], dir.path());
    assert!(
        out.status.success(),
        "promtool test rules failed:\n{}\n{}\n--- test.yaml\n{test}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A free loopback port (bound and released; Prometheus binds it next).
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Answers 500 to every fourth request and 200 otherwise.
async fn flaky_site() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    let n = Arc::new(AtomicU64::new(0));
    let app = axum::Router::new().route(
        "/",
        axum::routing::get(move || {
            let n = n.clone();
            async move {
                if n.fetch_add(1, Ordering::Relaxed) % 4 == 3 {
                    (axum::http::StatusCode::INTERNAL_SERVER_ERROR, "boom")
                } else {
                    (axum::http::StatusCode::OK, "ok")
                }
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    url
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_real_prometheus_scraping_a_runner_sees_the_engines_error_ratio() {
    let site = flaky_site().await;
    let dir = tempfile::tempdir().unwrap();
    let journey = format!(
        "name: api\nbaseUrl: {site}\nsteps:\n  - type: http\n    url: /\n    expect: {{ status: 200 }}\n"
    );
    let toml = "[[schedule]]\njourney = \"j.yaml\"\nevery = \"1s\"\njitter = \"0s\"\n";
    let p = project(dir.path(), toml, &[("j.yaml", journey)]);
    let (db, sink) = store_sink(dir.path());
    let mut handle = sightline_runner::start(p, sink, options(1_000));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let metrics_addr = listener.local_addr().unwrap();
    let router = sightline_runner::metrics::router(handle.metrics());
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });

    let rules = export_rules(&[slo("api-availability", "api", 0.99)]).unwrap();
    std::fs::write(dir.path().join("rules.yaml"), rules).unwrap();
    std::fs::write(
        dir.path().join("prometheus.yml"),
        format!(
            "global: {{ scrape_interval: 1s, evaluation_interval: 1s }}\nrule_files: [rules.yaml]\n\
             scrape_configs:\n  - job_name: runner\n    static_configs: [{{ targets: ['{metrics_addr}'] }}]\n"
        ),
    )
    .unwrap();
    let port = free_port();
    let mut prom = Command::new("prometheus")
        .current_dir(dir.path())
        .args([
            "--config.file=prometheus.yml",
            "--storage.tsdb.path=tsdb",
            &format!("--web.listen-address=127.0.0.1:{port}"),
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("prometheus (Debian package) must be installed; scripts/test.sh installs it");
    let client = reqwest::Client::new();
    let base = format!("http://127.0.0.1:{port}");
    let mut ready = false;
    for _ in 0..100 {
        tokio::time::sleep(Duration::from_millis(200)).await;
        if let Ok(r) = client.get(format!("{base}/-/ready")).send().await
            && r.status().is_success()
        {
            ready = true;
            break;
        }
    }
    assert!(ready, "prometheus did not become ready");

    // About 40 runs, one a second, a quarter of them failing.
    tokio::time::sleep(Duration::from_secs(40)).await;
    handle.shutdown().await;
    // Two more scrapes and a rule evaluation after the last run.
    tokio::time::sleep(Duration::from_secs(4)).await;
    let query = r#"slo:sli_error:ratio_rate5m{sightline_slo="api-availability"}"#;
    let url = reqwest::Url::parse_with_params(&format!("{base}/api/v1/query"), &[("query", query)])
        .unwrap();
    let resp: serde_json::Value = client.get(url).send().await.unwrap().json().await.unwrap();
    let _ = prom.kill();
    let _ = prom.wait();
    let value: f64 = resp["data"]["result"][0]["value"][1]
        .as_str()
        .unwrap_or_else(|| panic!("no result: {resp}"))
        .parse()
        .unwrap();

    let runs = stored_runs(&db);
    let mut engine = SloEngine::new(vec![slo("api-availability", "api", 0.99)], None).unwrap();
    for r in &runs {
        engine.apply(SliEvent::from_run(r, &[]));
    }
    let now = sightline_browser::system_now_ms();
    let burn = engine.burn_rate("api-availability", now, 5 * MIN).unwrap();
    let (valid, bad) = (burn.counts.valid, burn.counts.bad());
    assert!(valid >= 25, "too few runs for a comparison: {valid}");
    let engine_ratio = bad as f64 / valid as f64;
    // rate() extrapolates both series the same way, so the ratio is close;
    // the engine counts runs exactly.
    assert!(
        (value - engine_ratio).abs() <= 0.05,
        "prometheus {value} vs engine {engine_ratio} ({bad}/{valid})"
    );
    assert!((engine_ratio - 0.25).abs() <= 0.05, "{engine_ratio}");
}
