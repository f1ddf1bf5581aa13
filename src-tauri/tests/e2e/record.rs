//! Record in the real window: the demo shop on loopback, a journey of the
//! project opened, Record pressed with the journey's base URL prefilled. A
//! real Chromium window opens on the Xvfb display; the test plays the person
//! through its DevTools address (CDP Input events: a click, typing, a
//! click), watches the app count the steps as they are recorded, presses
//! Stop and save, and reads the journey file the app wrote over the old one.
//! The screenshot is the docs' `record.png` (with `SIGHTLINE_BLESS=1`).

use std::path::Path;
use std::time::{Duration, Instant};

use chromiumoxide::{Browser, Page};
use futures::StreamExt;
use sightline_core::journey::Step;

use crate::webdriver::Session;
use crate::{bless, block_on_within, drivers, open_app_with_env, shoot};

const LIMIT: Duration = Duration::from_secs(300);

#[test]
#[ignore = "needs a display (xvfb-run), tauri-driver and WebKitWebDriver; run by scripts/test.sh"]
fn record_opens_chromium_counts_the_steps_and_saves_the_journey() {
    let (driver, native) = drivers();
    block_on_within(LIMIT, run(&driver, &native));
}

/// A value the page sets, polled until `done` says it is there.
async fn poll(s: &Session, script: &str, what: &str, done: impl Fn(&serde_json::Value) -> bool) {
    let t0 = Instant::now();
    loop {
        let v = s.js(script).await;
        if done(&v) {
            return;
        }
        assert!(t0.elapsed() < Duration::from_secs(60), "{what}: last {v}");
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}

/// The recorded tab, through a second DevTools client.
async fn recorded_tab(devtools: &str, origin: &str) -> (Browser, Page) {
    let (mut browser, mut handler) = Browser::connect(devtools).await.expect("connect");
    tokio::spawn(async move { while handler.next().await.is_some() {} });
    let t0 = Instant::now();
    loop {
        browser.fetch_targets().await.expect("targets");
        tokio::time::sleep(Duration::from_millis(300)).await;
        for page in browser.pages().await.expect("pages") {
            if let Ok(Some(url)) = page.url().await
                && url.starts_with(origin)
            {
                return (browser, page);
            }
        }
        assert!(t0.elapsed() < Duration::from_secs(30), "no recorded tab");
    }
}

async fn run(driver: &Path, native: &Path) {
    let (shop, origin) = crate::demo_shop().await;
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir_all(root.join("journeys")).unwrap();
    std::fs::write(
        root.join("journeys/shop.yaml"),
        format!(
            "name: shop-search\ndescription: Search the shop.\nbaseUrl: {origin}\n\
             steps:\n  - type: navigate\n    url: /\n"
        ),
    )
    .unwrap();
    let db = root.join("data/sightline.db");

    let app = open_app_with_env(driver, native, &db, root, &[("SIGHTLINE_VIEW", "journeys")]).await;
    let s = &app.session;
    let row = s
        .wait_for("tr[data-journey=shop-search]", Duration::from_secs(60))
        .await;
    s.click(&row).await;
    let open = s
        .wait_for("[data-testid=record-open]", Duration::from_secs(30))
        .await;
    s.click(&open).await;
    s.wait_for("[data-testid=record-panel]", Duration::from_secs(10))
        .await;
    let prefilled = s
        .js("return ['record-url', 'record-file', 'record-name'].map((id) => document.querySelector(`[data-testid=${id}]`).value)")
        .await;
    assert_eq!(
        prefilled,
        serde_json::json!([origin, "journeys/shop.yaml", "shop-search"]),
        "the journey's own URL, file and name"
    );
    let start = s
        .wait_for("[data-testid=record-start]", Duration::from_secs(5))
        .await;
    s.click(&start).await;
    let status = "const e = document.querySelector('[data-testid=record-status]'); \
                  return e ? { phase: e.dataset.phase, count: Number(e.dataset.count || 0), devtools: e.dataset.devtoolsUrl || null } : null";
    poll(s, status, "recording", |v| v["phase"] == "recording").await;
    let devtools = s.js(status).await["devtools"]
        .as_str()
        .expect("the DevTools address on the status")
        .to_owned();

    // The person, in the Chromium window the app opened.
    let (_browser, page) = recorded_tab(&devtools, &origin).await;
    let t0 = Instant::now();
    let input = loop {
        if let Ok(e) = page.find_element("#search-input").await {
            break e;
        }
        assert!(t0.elapsed() < Duration::from_secs(20), "no search box");
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    input.click().await.unwrap();
    input.type_str("lantern").await.unwrap();
    page.find_element("[data-testid=search-submit]")
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let _ = tokio::time::timeout(Duration::from_secs(10), page.wait_for_navigation()).await;

    poll(s, status, "the steps counted live", |v| {
        v["count"].as_f64().unwrap_or(0.0) >= 2.0
    })
    .await;
    let shot = shoot(s, "record").await;
    bless(&shot, "record.png");
    let stop = s
        .wait_for("[data-testid=record-stop]", Duration::from_secs(5))
        .await;
    s.click(&stop).await;
    let saved = s
        .wait_for("[data-testid=record-saved]", Duration::from_secs(60))
        .await;
    let text = s.text(&saved).await;
    assert!(text.contains("journeys/shop.yaml"), "{text}");

    let loaded = sightline_journeys::load(&root.join("journeys/shop.yaml")).unwrap();
    let j = &loaded.journey;
    assert_eq!(j.name, "shop-search");
    assert_eq!(j.description, "Search the shop.", "kept from the old file");
    assert!(
        j.steps
            .iter()
            .any(|s| matches!(s, Step::Change(c) if c.value == "lantern")),
        "{j:#?}"
    );
    app.session.end().await;
    drop(shop);
}
