//! The Discovery view in the real window: a simulated shop's access log in
//! the project, its path typed into the view, Discover pressed. The ranked
//! candidates shown must be the engine's (`sightline_api::discovery` over
//! the same file); accepting the top one must write its SLO and journey
//! skeleton into the project, and open the recorder on the skeleton's first
//! URL (the skeletons' base URL typed in: the demo shop on loopback). The screenshot is the docs' `discovery.png`
//! (with `SIGHTLINE_BLESS=1`).

use std::path::Path;
use std::time::Duration;

use sightline_api::ApiContext;
use sightline_api::discovery::DiscoveryRequest;
use sightline_paths::Format;

use crate::{bless, block_on_within, drivers, open_app_with_env, shoot};

const LIMIT: Duration = Duration::from_secs(300);
const LOG: &str = "logs/access.log";

#[test]
#[ignore = "needs a display (xvfb-run), tauri-driver and WebKitWebDriver; run by scripts/test.sh"]
fn discovery_ranks_the_engines_candidates_and_accepting_one_writes_its_slo() {
    let (driver, native) = drivers();
    block_on_within(LIMIT, run(&driver, &native));
}

async fn run(driver: &Path, native: &Path) {
    let (shop, origin) = crate::demo_shop().await;
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let g = sightline_paths::simulate::generate(&sightline_paths::simulate::Mix {
        sessions: 600,
        seed: 11,
        ..Default::default()
    });
    std::fs::create_dir_all(root.join("logs")).unwrap();
    std::fs::write(root.join(LOG), &g.log).unwrap();
    let db = root.join("data/sightline.db");

    // What the engine finds in the same file, with the view's defaults.
    let ctx = ApiContext::new(&db).with_project(root);
    let engine = sightline_api::discovery(
        &ctx,
        DiscoveryRequest {
            files: vec![LOG.into()],
            format: Format::Auto,
            store_hours: None,
            weights: Vec::new(),
            fields: Vec::new(),
            gap_minutes: None,
            base_url: None,
            include_rejected: false,
        },
    )
    .unwrap();
    let want: Vec<String> = engine
        .discovery
        .candidates
        .iter()
        .map(|c| c.id.clone())
        .collect();
    assert!(want.len() >= 3, "{want:?}");

    let env = [("SIGHTLINE_VIEW", "discovery")];
    let app = open_app_with_env(driver, native, &db, root, &env).await;
    let s = &app.session;
    let files = s
        .wait_for("[data-testid=discovery-files]", Duration::from_secs(60))
        .await;
    s.type_into(&files, LOG).await;
    // The skeletons start at a real site, so the recorder opened on accept
    // loads its first page (the shop answers every path, 404 or not).
    s.js("document.querySelector('.discovery-form details, details').open = true; return true")
        .await;
    let base = s
        .wait_for("[data-testid=discovery-base-url]", Duration::from_secs(5))
        .await;
    s.type_into(&base, &origin).await;
    let go = s
        .wait_for("[data-testid=discovery-run]", Duration::from_secs(5))
        .await;
    s.click(&go).await;
    s.wait_for("[data-testid=candidate]", Duration::from_secs(60))
        .await;
    let shown = s
        .js("return Array.from(document.querySelectorAll('[data-testid=candidate]')).map((e) => e.dataset.candidateId)")
        .await;
    let shown: Vec<String> = shown
        .as_array()
        .expect("a list")
        .iter()
        .map(|v| v.as_str().unwrap().to_owned())
        .collect();
    assert_eq!(shown, want, "the engine's candidates, in its order");
    let rank = s
        .js("return document.querySelector('[data-testid=candidate]').dataset.rank")
        .await;
    assert_eq!(rank.as_str(), Some("1"));
    s.wait_for("[data-testid=discovery-sankey]", Duration::from_secs(10))
        .await;
    let path = shoot(s, "discovery").await;
    bless(&path, "discovery.png");

    // Accepting the selected (top) candidate writes its SLO and skeleton.
    let accept = s
        .wait_for("[data-testid=candidate-accept]", Duration::from_secs(5))
        .await;
    s.click(&accept).await;
    let written = s
        .wait_for("[data-testid=decision-files]", Duration::from_secs(60))
        .await;
    let text = s.text(&written).await;
    let top = &engine.discovery.candidates[0];
    let slo = format!("slos/discovered-{}.yaml", top.name);
    let journey = format!("journeys/discovered/{}.yaml", top.name);
    for f in [&slo, &journey] {
        assert!(text.contains(f.as_str()), "{f}: {text}");
        assert!(root.join(f).is_file(), "{f} was written");
    }
    let loaded = sightline_api::slo::load_slos(&root.join("slos")).unwrap();
    assert_eq!(
        loaded[0].config.definition.filter.journey, top.name,
        "the accepted SLO watches the skeleton's journey"
    );
    // Accepting opened the recorder on the skeleton's first URL, in a
    // Chromium window on the Xvfb display; stopping it records over the
    // skeleton.
    let status = "const e = document.querySelector('[data-testid=record-status]'); \
                  return e ? [e.dataset.phase, e.textContent] : null";
    let t0 = std::time::Instant::now();
    loop {
        let v = s.js(status).await;
        match v[0].as_str() {
            Some("recording") => break,
            Some("failed") => panic!("the recorder did not start: {v}"),
            _ => {}
        }
        assert!(
            t0.elapsed() < Duration::from_secs(60),
            "the recorder never started: {v}"
        );
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    let stop = s
        .wait_for("[data-testid=record-stop]", Duration::from_secs(5))
        .await;
    s.click(&stop).await;
    s.wait_for("[data-testid=record-saved]", Duration::from_secs(60))
        .await;
    let recorded = sightline_journeys::load(&root.join(&journey)).unwrap();
    assert_eq!(
        recorded.journey.name, top.name,
        "recorded over the skeleton"
    );
    assert_eq!(recorded.journey.base_url.as_deref(), Some(origin.as_str()));
    assert!(
        recorded.journey.tags.contains(&"discovered".to_owned()),
        "the skeleton's tags are kept: {:?}",
        recorded.journey.tags
    );
    app.session.end().await;
    drop(shop);
}
