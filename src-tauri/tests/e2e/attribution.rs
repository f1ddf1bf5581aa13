//! The Attribution and Incidents views in the real window. A recorded
//! incident (payment 2.4.1 breaks orders in us-east-1) is played through
//! the live SLO loop into a fresh database, as `sightline serve` would have
//! watched it: the page fires, its report is stored, an incident opens. The
//! app is fixed at the recording's end (`SIGHTLINE_AT`), so the page fires
//! on its Overview. The test opens the alert, checks that the sentence and
//! the top cause shown are the engine's (`sightline_api::attribution` for
//! the same database and moment), follows a run evidence link into the run
//! viewer, then opens the incident and checks its timeline. Both views'
//! screenshots are saved (with `SIGHTLINE_BLESS=1`, as the docs'
//! `attribution.png` and `incident.png`).

use std::path::Path;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Duration;

use sightline_api::ApiContext;
use sightline_api::investigate::{AttributionRequest, IncidentRequest};

use crate::{bless, block_on_within, drivers, fixture, open_app_with_env, shoot};

/// Playing the incident, opening the app and both views take well under this.
const LIMIT: Duration = Duration::from_secs(400);
const INCIDENT: &str = "01-payment-bad-release-use1";

#[test]
#[ignore = "needs a display (xvfb-run), tauri-driver and WebKitWebDriver; run by scripts/test.sh"]
fn a_firing_page_opens_its_attribution_its_evidence_and_its_incident() {
    let (driver, native) = drivers();
    block_on_within(LIMIT, run(&driver, &native));
}

async fn run(driver: &Path, native: &Path) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let db = root.join("data/sightline.db");
    let (changes, end) = fixture::incident_project(root, INCIDENT)
        .replay_live(&db, root, 20_000)
        .unwrap();
    let page = changes
        .iter()
        .find(|c| c.change == "firing" && c.severity == "page")
        .unwrap_or_else(|| panic!("the recording fires a page: {changes:#?}"));

    END.store(end, Ordering::Relaxed);

    // What the engine shows for the same database and moment.
    let ctx = ApiContext::new(&db).with_project(root);
    let engine = sightline_api::attribution(
        &ctx,
        AttributionRequest {
            slo: page.slo.clone(),
            incident: None,
            at_ms: Some(end),
        },
    )
    .unwrap();
    let top = engine.report.causes.first().expect("a cause");
    assert_eq!(top.service.as_deref(), Some("payment"));
    let incident = engine.incident.expect("the page opened an incident");

    let at = end.to_string();
    let env = [(sightline_app::AT_ENV, at.as_str())];
    let app = open_app_with_env(driver, native, &db, root, &env).await;
    let s = &app.session;

    // The alert on the Overview opens its attribution.
    let why = s
        .wait_for(
            &format!("[data-testid=open-attribution][data-slo=\"{}\"]", page.slo),
            Duration::from_secs(60),
        )
        .await;
    s.click(&why).await;
    let sentence = s
        .wait_for(
            "[data-testid=attribution-sentence]",
            Duration::from_secs(60),
        )
        .await;
    assert_eq!(
        s.text(&sentence).await,
        engine.report.sentence,
        "the window shows the engine's sentence"
    );
    let cause = s
        .wait_for("[data-testid=top-cause]", Duration::from_secs(5))
        .await;
    let cause_text = s.text(&cause).await;
    for fact in [
        top.service.as_deref().unwrap(),
        top.region.as_deref().unwrap(),
    ] {
        assert!(cause_text.contains(fact), "{fact}: {cause_text}");
    }
    let confidence = s
        .js("return document.querySelector('[data-testid=attribution-confidence]').dataset.value")
        .await;
    let shown: f64 = confidence
        .as_str()
        .expect("the confidence's value")
        .parse()
        .unwrap();
    assert!(
        (shown - top.confidence).abs() < 1e-9,
        "{shown} vs {}",
        top.confidence
    );
    let burn_layers = s
        .js("return document.querySelector('[data-testid=burn-chart]').dataset.layers")
        .await;
    assert_eq!(
        burn_layers.as_str(),
        Some(
            engine
                .chart
                .as_ref()
                .unwrap()
                .burn
                .len()
                .to_string()
                .as_str()
        ),
        "one stacked layer per cause, and the rest"
    );
    s.wait_for("[data-testid=blamed-trace]", Duration::from_secs(5))
        .await;
    let path = shoot(s, "attribution").await;
    bless(&path, "attribution.png");

    // A run the engine cited opens in the run viewer.
    let link = s
        .wait_for("[data-testid=evidence-run]", Duration::from_secs(5))
        .await;
    let run_id = s
        .js("return document.querySelector('[data-testid=evidence-run]').dataset.runId")
        .await;
    let run_id = run_id.as_str().expect("a run id").to_owned();
    let cited = top
        .evidence
        .iter()
        .flat_map(|e| e.ids.iter())
        .any(|id| id == &run_id);
    assert!(cited, "{run_id} is the engine's evidence");
    s.click(&link).await;
    s.wait_for("[data-testid=step-table]", Duration::from_secs(30))
        .await;
    assert_eq!(
        s.js("return location.hash").await,
        format!("#/runs/{run_id}").as_str()
    );

    // The incident, with its timeline in the engine's order.
    s.js(&format!(
        "location.hash = '#/incidents/{incident}'; return true;"
    ))
    .await;
    s.wait_for("[data-testid=timeline-entry]", Duration::from_secs(30))
        .await;
    let detail = sightline_api::incident_detail(
        &ApiContext::new(&db).with_project(root).with_clock(at_end),
        IncidentRequest { id: incident },
    )
    .unwrap();
    let kinds = s
        .js("return Array.from(document.querySelectorAll('[data-testid=timeline-entry]')).map((e) => e.dataset.kind)")
        .await;
    let want: Vec<&str> = detail.timeline.iter().map(|e| e.kind.as_str()).collect();
    let kinds: Vec<&str> = kinds
        .as_array()
        .expect("a list")
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert_eq!(kinds, want, "the timeline, in time order");
    let path = shoot(s, "incident").await;
    bless(&path, "incident.png");
    app.session.end().await;
}

/// The moment the app is fixed at, for the test's own context.
static END: AtomicI64 = AtomicI64::new(0);

fn at_end() -> i64 {
    END.load(Ordering::Relaxed)
}
