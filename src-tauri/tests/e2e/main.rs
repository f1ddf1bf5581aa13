//! End to end, in a real window: the real `sightline-app` binary under Xvfb,
//! driven over WebDriver through tauri-driver and WebKitWebDriver, against a
//! database this test prepares. It opens every view, checks that the numbers
//! shown are the engine's for that database, replays the demo journey against
//! the demo shop and watches its steps arrive, and saves a screenshot of each
//! view (checked to be a real picture, not a blank window). `ask.rs` asks the
//! question box about a recorded incident and follows its evidence;
//! `attribution.rs` opens a firing page's Attribution view and its incident;
//! `record.rs` records a journey in the Chromium window Record opens.
//!
//! Run by `scripts/test.sh` under `xvfb-run`; ignored by a plain `cargo test`
//! (it needs a display, tauri-driver and Chromium):
//!
//! ```sh
//! xvfb-run -a cargo test -p sightline-app --test e2e -- --ignored --nocapture
//! ```
//!
//! Screenshots go to `$CARGO_TARGET_DIR/e2e-screenshots/`; with
//! `SIGHTLINE_BLESS=1` the Overview's also replaces `docs/images/overview.png`
//! (and the question box's `docs/images/ask.png`, the Attribution and
//! Incident views' `attribution.png` and `incident.png`).

mod approvals;
mod ask;
mod attribution;
mod demo;
mod discovery;
mod fixture;
mod images;
mod record;
mod webdriver;

use std::net::TcpListener;
use std::os::unix::process::CommandExt as _;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;
use sightline_api::ApiContext;
use sightline_api::journeys::JourneysRequest;
use sightline_api::overview::OverviewRequest;

use crate::webdriver::Session;

/// The whole test's time limit, so a hung window never hangs CI.
const LIMIT: Duration = Duration::from_secs(600);

/// Stops a child process and everything it started when dropped: the
/// child leads its own process group (see `open_app_with_env`), so
/// WebKitWebDriver and the app go with tauri-driver.
struct Reaped(Child);

impl Drop for Reaped {
    fn drop(&mut self) {
        let group = format!("-{}", self.0.id());
        let _ = Command::new("kill")
            .args(["-KILL", "--", &group])
            .stderr(Stdio::null())
            .status();
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    // The driver takes a port number, not a socket: pick one the OS says is
    // free, release it, and hand it over.
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

fn which(name: &str) -> Option<PathBuf> {
    let home = std::env::var_os("HOME").map(PathBuf::from);
    let cargo_bin = home.map(|h| h.join(".cargo/bin").join(name));
    std::env::var_os("PATH")
        .into_iter()
        .flat_map(|p| std::env::split_paths(&p).collect::<Vec<_>>())
        .map(|d| d.join(name))
        .chain(cargo_bin)
        .find(|p| p.is_file())
}

fn screenshot_dir() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR").map_or_else(
        || {
            Path::new(
                &std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"),
            )
            .join("../target")
        },
        PathBuf::from,
    );
    let dir = target.join("e2e-screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Saves the window as `<name>.png` after checking it is a real picture.
async fn shoot(s: &Session, name: &str) -> PathBuf {
    // Let charts (loaded lazily) and fonts settle before the picture.
    tokio::time::sleep(Duration::from_millis(800)).await;
    let png = s.screenshot().await;
    // Written first, so a picture that fails the checks can be looked at.
    let path = screenshot_dir().join(format!("{name}.png"));
    std::fs::write(&path, &png).unwrap();
    let pic = images::inspect(&png);
    assert!(
        pic.width >= 800 && pic.height >= 500,
        "{name}: {}x{}",
        pic.width,
        pic.height
    );
    assert!(
        png.len() > 20_000,
        "{name}: only {} bytes of PNG",
        png.len()
    );
    assert!(
        pic.colours >= 24 && pic.dominant_share < 0.99,
        "{name}: looks blank ({} colours, {:.0}% one colour)",
        pic.colours,
        pic.dominant_share * 100.0
    );
    eprintln!(
        "screenshot {name}: {} ({}x{}, {} colours)",
        path.display(),
        pic.width,
        pic.height,
        pic.colours
    );
    path
}

/// `percent` of ui/src/format: two decimals, never 100.00% below 1.
fn percent(share: Option<f64>) -> String {
    let Some(v) = share else {
        return "–".into();
    };
    let mut text = format!("{:.2}", v * 100.0);
    if v < 1.0 && text.parse::<f64>().unwrap() >= 100.0 {
        text = "99.99".into();
    }
    format!("{text}%")
}

/// `burnRate` of ui/src/format: "14.4×", "0.23×".
fn burn_rate(rate: Option<f64>) -> String {
    match rate {
        None => "–".into(),
        Some(r) if r >= 10.0 => format!("{r:.1}×"),
        Some(r) => format!("{r:.2}×"),
    }
}

/// A number the UI put in `data-value` (JSON numbers round-trip exactly).
fn value_of(v: &Value) -> Option<f64> {
    v.as_str()
        .filter(|s| !s.is_empty())
        .map(|s| s.parse::<f64>().expect("a number"))
}

/// tauri-driver and WebKitWebDriver, after checking there is a display.
fn drivers() -> (PathBuf, PathBuf) {
    assert!(
        std::env::var_os("DISPLAY").is_some(),
        "no DISPLAY: run under xvfb-run (scripts/test.sh does)"
    );
    let driver = which("tauri-driver").expect("tauri-driver (cargo install tauri-driver --locked)");
    let native = which("WebKitWebDriver").expect("WebKitWebDriver (Debian: webkit2gtk-driver)");
    (driver, native)
}

/// Runs `test` on a multi-threaded runtime within `limit`.
fn block_on_within<F: std::future::Future<Output = ()>>(limit: Duration, test: F) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        tokio::time::timeout(limit, test)
            .await
            .expect("the end-to-end test took longer than its limit");
    });
}

/// The app in a real window, driven over WebDriver; dropping it stops the drivers.
struct App {
    session: Session,
    _driver: Reaped,
}

/// Starts tauri-driver and the real `sightline-app` on `db` and `project`.
async fn open_app(driver: &Path, native: &Path, db: &Path, project: &Path) -> App {
    open_app_with_env(driver, native, db, project, &[]).await
}

/// [`open_app`], with more variables for the app's environment.
async fn open_app_with_env(
    driver: &Path,
    native: &Path,
    db: &Path,
    project: &Path,
    env: &[(&str, &str)],
) -> App {
    let port = free_port();
    let native_port = free_port();
    let driver = Reaped(
        Command::new(driver)
            .process_group(0)
            .args(["--port", &port.to_string()])
            .args(["--native-port", &native_port.to_string()])
            .arg("--native-driver")
            .arg(native)
            // The app inherits these through the drivers.
            .env(sightline_api::DB_ENV, db)
            .env(sightline_api::PROJECT_ENV, project)
            .env_remove("SIGHTLINE_VIEW")
            .env_remove(sightline_app::ask::ASK_AT_ENV)
            .env_remove(sightline_app::ask::TZ_ENV)
            .env_remove(sightline_app::AT_ENV)
            .envs(env.iter().copied())
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("tauri-driver starts"),
    );
    let url = format!("http://127.0.0.1:{port}");
    let t0 = Instant::now();
    while reqwest::get(format!("{url}/status")).await.is_err() {
        assert!(
            t0.elapsed() < Duration::from_secs(30),
            "tauri-driver did not listen"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let session = Session::start(&url, env!("CARGO_BIN_EXE_sightline-app"), &[]).await;
    eprintln!("session {}", session.id());
    App {
        session,
        _driver: driver,
    }
}

/// The demo shop on loopback with one region, and that region's address
/// (no trailing slash).
async fn demo_shop() -> (sightline_demo_shop::ShopHandle, String) {
    let shop = sightline_demo_shop::start(sightline_demo_shop::ShopConfig {
        regions: vec!["eu-west-1".into()],
        ..Default::default()
    })
    .await
    .expect("demo shop");
    let origin = shop
        .frontend_url("eu-west-1")
        .unwrap()
        .trim_end_matches('/')
        .to_owned();
    (shop, origin)
}

/// With `SIGHTLINE_BLESS=1`, copies a screenshot over `docs/images/<name>`.
fn bless(shot: &Path, name: &str) {
    if std::env::var("SIGHTLINE_BLESS").is_ok_and(|v| v == "1") {
        let docs = Path::new(
            &std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"),
        )
        .join("../docs/images")
        .join(name);
        std::fs::copy(shot, &docs).unwrap();
        eprintln!("updated {}", docs.display());
    }
}

#[test]
#[ignore = "needs a display (xvfb-run), tauri-driver and WebKitWebDriver; run by scripts/test.sh"]
fn every_view_in_the_real_window_shows_the_engines_numbers() {
    let (driver, native) = drivers();
    block_on_within(LIMIT, run(&driver, &native));
}

async fn run(driver: &Path, native: &Path) {
    let (shop, shop_url) = demo_shop().await;
    let demo = std::fs::read_to_string(
        Path::new(&std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"))
            .join("../journeys/demo/browse-search.yaml"),
    )
    .unwrap();
    let project = fixture::prepare(&shop_url, &demo, sightline_api::system_now_ms());
    // The built-in page rule, and releases that need an approval while most
    // of the budget is spent (both SLOs are), so the cards offer Approve.
    std::fs::write(
        project.root().join("policy.yaml"),
        "apiVersion: sightline/v1\nkind: ErrorBudgetPolicy\nrules:\n\
         \x20 - name: fast-burn\n    when: { alert_firing: { severity: page } }\n    then: [block, notify]\n    except_fixes: true\n\
         \x20 - name: approvals\n    when: { budget_remaining_below: 95% }\n    then: [require_approval]\n",
    )
    .unwrap();

    let app = open_app(driver, native, &project.db(), project.root()).await;
    let s = &app.session;
    let ctx = ApiContext::new(project.db()).with_project(project.root());

    let pay_fast_sli = overview(s, &ctx).await;
    approvals::approve_release(s, &ctx).await;
    journeys(s, &ctx).await;
    replay_now(s).await;
    run_viewer(s, &project).await;
    slo_editor(s, pay_fast_sli).await;
    settings(s, &project).await;

    app.session.end().await;
    shop.shutdown().await;
}

/// Checks the Overview; answers the engine's SLI of `checkout-pay-fast`.
async fn overview(s: &Session, ctx: &ApiContext) -> Option<f64> {
    s.wait_for("[data-testid=slo-card]", Duration::from_secs(60))
        .await;
    let at_ms: i64 = s
        .js("return document.querySelector('[data-testid=overview-at]').dataset.atMs")
        .await
        .as_str()
        .expect("data-at-ms")
        .parse()
        .unwrap();
    let engine = sightline_api::overview(ctx, OverviewRequest { at_ms: Some(at_ms) }).unwrap();
    assert_eq!(engine.slos.len(), 2);
    for slo in &engine.slos {
        let st = &slo.status;
        let shown = s
            .js(&format!(
                "const c = document.querySelector('article[data-slo=\"{}\"]');
                 const m = (k) => {{ const e = c.querySelector('[data-metric=\"' + k + '\"]');
                                     return [e.textContent, e.dataset.value]; }};
                 return {{ sli: m('sli'), budget: m('budget'), h1: m('burn-1h'), h6: m('burn-6h'),
                          d3: m('burn-3d'), alert: m('alert'),
                          regions: Array.from(c.querySelectorAll('tr[data-region]')).map(
                            (r) => [r.dataset.region, r.querySelector('[data-metric=region-sli]').dataset.value]) }};",
                st.name
            ))
            .await;
        if std::env::var_os("SIGHTLINE_E2E_DEBUG").is_some() {
            eprintln!("shown: {shown}");
        }
        let check = |key: &str, want: Option<f64>, text: String| {
            assert_eq!(value_of(&shown[key][1]), want, "{}: {key} value", st.name);
            assert_eq!(shown[key][0], text.as_str(), "{}: {key} text", st.name);
        };
        let burn = |w: &str| {
            st.burn_rates
                .iter()
                .find(|b| b.window == w)
                .and_then(|b| b.rate)
        };
        check("sli", st.sli, percent(st.sli));
        check(
            "budget",
            st.budget.remaining_fraction,
            percent(st.budget.remaining_fraction),
        );
        check("h1", burn("1h"), burn_rate(burn("1h")));
        check("h6", burn("6h"), burn_rate(burn("6h")));
        check("d3", burn("3d"), burn_rate(burn("3d")));
        assert_eq!(shown["alert"][0], st.alert_state, "{}: alert", st.name);
        let regions: Vec<(String, Option<f64>)> = shown["regions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| (r[0].as_str().unwrap().to_owned(), value_of(&r[1])))
            .collect();
        let want: Vec<(String, Option<f64>)> = st
            .by_region
            .iter()
            .map(|r| (r.region.clone(), r.sli))
            .collect();
        assert_eq!(regions, want, "{}: regions", st.name);
        eprintln!(
            "{}: SLI {} budget {} burn 1h {} alert {} (UI = engine)",
            st.name,
            percent(st.sli),
            percent(st.budget.remaining_fraction),
            burn_rate(burn("1h")),
            st.alert_state
        );
    }
    // The burst in eu-west-1 fires the fast page alert, shown first.
    assert!(
        !engine.firing.is_empty(),
        "the prepared burst fires an alert"
    );
    let banner = s
        .wait_for("[data-testid=firing]", Duration::from_secs(5))
        .await;
    assert!(s.text(&banner).await.contains("checkout-availability"));
    let path = shoot(s, "overview").await;
    bless(&path, "overview.png");
    engine
        .slos
        .iter()
        .find(|s| s.status.name == "checkout-pay-fast")
        .and_then(|s| s.status.sli)
}

async fn journeys(s: &Session, ctx: &ApiContext) {
    let nav = s
        .wait_for("nav a[href='#/journeys']", Duration::from_secs(5))
        .await;
    s.click(&nav).await;
    s.wait_for("tr[data-journey=checkout]", Duration::from_secs(30))
        .await;
    let shown = s
        .js(
            "const r = document.querySelector('tr[data-journey=checkout]');
             return [r.querySelector('[data-metric=success]').dataset.value,
                     r.querySelector('[data-metric=p95]').dataset.value];",
        )
        .await;
    // The list's window ends when it was fetched; nothing was stored since,
    // so the engine at now counts the same runs.
    let engine = sightline_api::journeys(ctx, JourneysRequest { at_ms: None }).unwrap();
    let checkout = engine
        .journeys
        .iter()
        .find(|j| j.name == "checkout")
        .unwrap();
    assert_eq!(value_of(&shown[0]), checkout.success_rate, "success rate");
    assert_eq!(
        value_of(&shown[1]),
        checkout.p95_ms.map(|v| v as f64),
        "p95"
    );
    // Open it: its steps, Replay now, and its runs in the virtualised list.
    let row = s
        .wait_for("tr[data-journey=checkout]", Duration::from_secs(5))
        .await;
    s.click(&row).await;
    s.wait_for("[role=listbox] [role=option]", Duration::from_secs(30))
        .await;
    let total = s
        .js("return document.querySelector('#runs-title').textContent")
        .await;
    assert!(
        total.as_str().is_some_and(|t| t.contains("5,760")),
        "every stored run is counted: {total}"
    );
    shoot(s, "journeys").await;
}

async fn replay_now(s: &Session) {
    let row = s
        .wait_for(
            "tr[data-journey=demo-browse-search]",
            Duration::from_secs(10),
        )
        .await;
    s.click(&row).await;
    s.wait_for("[data-testid=replay-now]", Duration::from_secs(30))
        .await;
    // Replay from eu-west-1, where the demo shop listens.
    s.js("const sel = document.querySelector('.replay-form select');
          sel.value = 'eu-west-1'; sel.dispatchEvent(new Event('change', { bubbles: true }));
          return true;")
        .await;
    let button = s
        .wait_for("[data-testid=replay-now]", Duration::from_secs(5))
        .await;
    s.click(&button).await;
    s.wait_for("[data-testid=live-steps]", Duration::from_secs(30))
        .await;

    // Watch the steps change state as they run: at some moment some are done
    // and some are not yet, which a result arriving all at once never shows.
    let t0 = Instant::now();
    let mut partial_seen = false;
    let mut snapshots = Vec::new();
    loop {
        let v = s
            .js("const l = document.querySelector('[data-testid=live-steps]');
                 return l ? [l.dataset.phase, Array.from(l.querySelectorAll('li')).map((li) => li.dataset.status)] : null;")
            .await;
        let phase = v[0].as_str().unwrap_or("").to_owned();
        let statuses: Vec<String> = v[1]
            .as_array()
            .map(|a| {
                a.iter()
                    .map(|x| x.as_str().unwrap_or("").to_owned())
                    .collect()
            })
            .unwrap_or_default();
        let done = statuses
            .iter()
            .filter(|x| *x == "pass" || *x == "fail")
            .count();
        if done > 0 && done < statuses.len() {
            partial_seen = true;
        }
        if snapshots.last() != Some(&statuses) {
            snapshots.push(statuses.clone());
        }
        if phase == "finished" || phase == "failed" {
            assert_eq!(phase, "finished", "{snapshots:?}");
            assert!(statuses.iter().all(|x| x == "pass"), "{snapshots:?}");
            break;
        }
        assert!(
            t0.elapsed() < Duration::from_secs(120),
            "replay did not finish: {snapshots:?}"
        );
        tokio::time::sleep(Duration::from_millis(40)).await;
    }
    assert!(
        partial_seen,
        "steps never appeared one by one: {snapshots:?}"
    );
    eprintln!("replay: {} distinct progress states seen", snapshots.len());
    shoot(s, "replay").await;
}

async fn run_viewer(s: &Session, project: &fixture::Prepared) {
    s.js(&format!(
        "location.hash = '#/runs/{}'; return true;",
        project.failed_run
    ))
    .await;
    let table = s
        .wait_for("[data-testid=step-table]", Duration::from_secs(30))
        .await;
    let text = s.text(&table).await;
    assert!(text.contains("failed here"), "{text}");
    let failed = s
        .js("return document.querySelector('[data-testid=step-table] tr.failed').dataset.step")
        .await;
    assert_eq!(failed, "1", "the failed step is Pay");
    s.wait_for("img.screenshot", Duration::from_secs(5)).await;
    let rows = s
        .js("return document.querySelectorAll('[data-testid=network-table] tbody tr').length")
        .await;
    assert_eq!(rows, 2, "the HAR's two requests");
    shoot(s, "run").await;
}

async fn slo_editor(s: &Session, want_sli: Option<f64>) {
    s.js("location.hash = '#/slos/checkout-pay-fast'; return true;")
        .await;
    s.wait_for("[data-metric=preview-sli]", Duration::from_secs(30))
        .await;
    // The preview of the saved SLO is what the Overview showed for it: the
    // history of `checkout` did not change (the replay ran another journey).
    let shown = s
        .js("return document.querySelector('[data-metric=preview-sli]').dataset.value")
        .await;
    assert_eq!(value_of(&shown), want_sli, "preview SLI");
    shoot(s, "slo-editor").await;
}

async fn settings(s: &Session, project: &fixture::Prepared) {
    s.js("location.hash = '#/settings'; return true;").await;
    let db = s
        .wait_for("[data-testid=db-path]", Duration::from_secs(30))
        .await;
    assert_eq!(s.text(&db).await, project.db().to_string_lossy());
    let secrets = s
        .wait_for("[data-testid=secrets]", Duration::from_secs(5))
        .await;
    let text = s.text(&secrets).await;
    assert!(text.contains("Secrets"), "{text}");
    shoot(s, "settings").await;
}
