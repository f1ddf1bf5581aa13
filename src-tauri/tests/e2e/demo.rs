//! README command 1 as a user sees it: the closed-loop demo runs for real
//! (shop, OTLP receiver, a runner per region in headless Chromium, live SLOs,
//! the short bad-release scenario) and, once its checkout alert has fired, the
//! real app opens on the demo's database. The Overview must show the firing
//! alert and the bad release's deploy marker; the failing checkout run must
//! open in the run viewer with its failing step, its screenshot and the
//! backend span waterfall in which payment failed. The questions the Overview
//! suggests for the firing alert must ask the real engine and get the bad
//! release's answer. The screenshots of the alert and of the waterfall are
//! the README's (with `SIGHTLINE_BLESS=1`).

use std::path::Path;
use std::time::{Duration, Instant};

use sightline_demo::{DemoOptions, Progress};
use sightline_store::Store;
use tokio_util::sync::CancellationToken;

use crate::webdriver::ESCAPE;
use crate::{Session, bless, block_on_within, drivers, open_app, shoot};

/// The demo needs about 2 minutes to page; the whole test gets 12.
const LIMIT: Duration = Duration::from_secs(720);

#[test]
#[ignore = "needs a display (xvfb-run), tauri-driver, WebKitWebDriver and Chromium; run by scripts/test.sh"]
fn the_demos_checkout_alert_and_its_failing_run_in_the_real_window() {
    let (driver, native) = drivers();
    block_on_within(LIMIT, run(&driver, &native));
}

async fn run(driver: &Path, native: &Path) {
    let dir = tempfile::tempdir().unwrap();
    let opts = DemoOptions {
        dir: dir.path().join("demo"),
        scenario: "checkout-short".into(),
        history_days: 3,
        ..DemoOptions::default()
    };
    let stop = CancellationToken::new();
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let demo = tokio::spawn(sightline_demo::run(opts, stop.clone(), tx));
    let db = loop {
        match rx.recv().await {
            Some(Progress::Live { db }) => break db,
            Some(Progress::Step(s)) => eprintln!("demo: {s}"),
            Some(Progress::Frame(_)) => {}
            None => panic!("the demo ended before going live: {:?}", demo.await),
        }
    };
    tokio::spawn(async move { while rx.recv().await.is_some() {} });

    let fired_at = wait_for_page(&db, || demo.is_finished()).await;
    eprintln!("demo: checkout-availability paged at {fired_at}");
    let (run_id, step) = failing_checkout_with_payment_span(&db).await;
    eprintln!("demo: failing run {run_id} (step {step}) has a payment error span");

    let project = db.parent().unwrap().to_owned();
    let app = open_app(driver, native, &db, &project).await;
    let s = &app.session;
    overview(s).await;
    run_viewer(s, &run_id, step).await;
    app.session.end().await;

    stop.cancel();
    let outcome = demo.await.unwrap().expect("the demo stops cleanly");
    assert!(outcome.markdown.is_file());
}

/// What the demo stored: alert episodes and live runs by region and outcome.
fn diagnosis(store: &Store) -> String {
    let rows = |sql: &str| -> Vec<String> {
        let mut stmt = store.conn().prepare(sql).unwrap();
        stmt.query_map([], |r| r.get::<_, String>(0))
            .unwrap()
            .map(Result::unwrap)
            .collect()
    };
    format!(
        "alerts {:?}; live runs {:?}",
        rows("SELECT slo || ' ' || severity || ' ' || regions || ' at ' || firing_at_ms FROM alert_episodes"),
        rows(
            "SELECT region || ' ' || journey || ' ' || outcome || ' ' || coalesce(error_class, '') || ': ' || count(*)
             FROM runs WHERE simulated = 0 GROUP BY region, journey, outcome, error_class"
        )
    )
}

/// Waits until the live evaluator has stored a firing checkout page for
/// us-east-1; `demo_over` says the demo has ended without one.
async fn wait_for_page(db: &Path, demo_over: impl Fn() -> bool) -> i64 {
    let t0 = Instant::now();
    loop {
        let store = Store::open_read_only(db).unwrap();
        let fired: Option<i64> = store
            .conn()
            .query_row(
                "SELECT min(firing_at_ms) FROM alert_episodes
                 WHERE slo = 'checkout-availability' AND severity = 'page'
                   AND regions = '[\"us-east-1\"]'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        if let Some(at) = fired {
            return at;
        }
        if t0.elapsed() > Duration::from_secs(420) || demo_over() {
            panic!(
                "checkout-availability did not page for us-east-1 (demo over: {}): {}",
                demo_over(),
                diagnosis(&store)
            );
        }
        tokio::time::sleep(Duration::from_secs(2)).await;
    }
}

/// The newest failed live checkout in us-east-1 whose trace holds a failing
/// payment span (spans arrive within the shop's 2 s export interval), with
/// the index of its failed step.
async fn failing_checkout_with_payment_span(db: &Path) -> (String, i64) {
    let t0 = Instant::now();
    loop {
        let store = Store::open_read_only(db).unwrap();
        let found: Option<(Vec<u8>, i64)> = store
            .conn()
            .query_row(
                "SELECT r.id, (SELECT min(st.idx) FROM step_results st
                               WHERE st.run_id = r.id AND st.outcome != 'pass')
                 FROM runs r
                 WHERE r.simulated = 0 AND r.outcome = 'fail' AND r.journey = 'demo-checkout'
                   AND r.region = 'us-east-1'
                   AND EXISTS (SELECT 1 FROM spans s WHERE s.trace_id = r.trace_id
                               AND s.service = 'payment' AND s.status = 'error')
                 ORDER BY r.started_at_ms DESC LIMIT 1",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .ok();
        if let Some((id, step)) = found {
            return (uuid_text(&id), step);
        }
        assert!(
            t0.elapsed() < Duration::from_secs(120),
            "no failed us-east-1 checkout with a stored payment error span"
        );
        tokio::time::sleep(Duration::from_secs(2)).await;
    }
}

fn uuid_text(b: &[u8]) -> String {
    let h: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &h[0..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..32]
    )
}

async fn overview(s: &Session) {
    let banner = s
        .wait_for("[data-testid=firing]", Duration::from_secs(60))
        .await;
    // The page is us-east-1's alone (checked in the store by `wait_for_page`;
    // the banner does not name regions, and the cards' region SLIs span the
    // whole 30-day window, simulated failures included).
    let text = s.text(&banner).await;
    assert!(text.contains("PAGE checkout-availability"), "{text}");
    let deploys = s
        .js("const d = document.querySelector('details.deploys');
             return d ? d.textContent : '';")
        .await;
    assert!(
        deploys
            .as_str()
            .is_some_and(|t| t.contains("payment@2.4.1")),
        "the bad release is marked: {deploys}"
    );
    let path = shoot(s, "demo-alert").await;
    bless(&path, "demo-alert.png");
    suggested_question(s).await;
}

/// The firing alert's first suggested question opens the question box and is
/// answered by the engine from the demo's data; Escape closes the box again.
async fn suggested_question(s: &Session) {
    let first = s
        .wait_for(
            "[data-testid=firing-questions] button",
            Duration::from_secs(30),
        )
        .await;
    let asked = s.text(&first).await;
    assert_eq!(asked, "why is checkout-availability burning?");
    s.click(&first).await;
    let text = s
        .wait_for("[data-testid=ask-text]", Duration::from_secs(60))
        .await;
    let shown = s.text(&text).await;
    eprintln!("suggested question: {asked} -> {shown}");
    for fact in ["payment", "us-east-1", "2.4.1"] {
        assert!(
            shown.contains(fact),
            "{fact} missing from the answer: {shown}"
        );
    }
    s.chord(&[ESCAPE]).await;
    for _ in 0..50 {
        if s.find("[data-testid=ask-box]").await.is_none() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("Escape did not close the question box");
}

async fn run_viewer(s: &Session, run_id: &str, step: i64) {
    s.js(&format!("location.hash = '#/runs/{run_id}'; return true;"))
        .await;
    let table = s
        .wait_for("[data-testid=step-table]", Duration::from_secs(30))
        .await;
    assert!(s.text(&table).await.contains("Place the order"));
    let failed = s
        .js("return document.querySelector('[data-testid=step-table] tr.failed').dataset.step")
        .await;
    assert_eq!(failed, step.to_string().as_str(), "the failed step");
    s.wait_for("img.screenshot", Duration::from_secs(10)).await;
    s.wait_for(
        "[data-testid=span-waterfall] tr[data-service=payment][data-error=true]",
        Duration::from_secs(10),
    )
    .await;
    shoot(s, "demo-run").await;
    // Scrolled to where the error begins: the failing checkout and its payment span.
    s.js(
        "document.querySelector('[data-testid=span-waterfall] tr[data-error=true]')
            .scrollIntoView({ block: 'center' });
          return true;",
    )
    .await;
    let path = shoot(s, "demo-spans").await;
    bless(&path, "demo-spans.png");
}
