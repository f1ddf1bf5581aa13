//! The question box in the real window: a database holding a recorded
//! incident (payment 2.4.1 breaks orders in us-east-1), the app told to
//! answer at the moment the recording ends (`SIGHTLINE_ASK_AT`), Ctrl-K,
//! a question typed and sent with Enter. The answer shown must be the
//! engine's for that database and name the cause; following an evidence link
//! must close the box and open that view. Asked again on an incident's view,
//! the question must join that incident's history, in the box and in the
//! store. The screenshot of the answered box is the docs' `ask.png` (with
//! `SIGHTLINE_BLESS=1`).

use std::path::Path;
use std::time::Duration;

use sightline_api::ApiContext;
use sightline_ask::bindings::AskRequest;
use sightline_store::{Store, TelemetryBatch};

use crate::fixture;
use crate::webdriver::{CONTROL, ENTER};
use crate::{bless, block_on_within, drivers, open_app_with_env, shoot};

/// Loading the incident, opening the app and answering take well under this.
const LIMIT: Duration = Duration::from_secs(300);
const INCIDENT: &str = "01-payment-bad-release-use1";
const QUESTION: &str = "why is checkout failing?";
/// Asked on the incident's view.
const ON_INCIDENT: &str = "is us-east-1 ok?";

/// A project holding the incidents' SLOs and journeys, and a database with
/// the recorded incident and an incident opened on it; the moment the
/// recording ends (answers are for it) and the incident's number.
fn prepare(root: &Path) -> (i64, i64) {
    let inc = fixture::incident_project(root, INCIDENT);
    let at_ms = inc.runs.iter().map(|r| r.started_at_ms).max().unwrap() + 1;
    let mut store = Store::open(root.join("data/sightline.db")).unwrap();
    let batches = [
        TelemetryBatch::Spans(inc.spans),
        TelemetryBatch::Logs(inc.logs),
        TelemetryBatch::Metrics(inc.metrics),
        TelemetryBatch::Events(inc.events),
    ];
    store
        .insert_telemetry(&batches.iter().collect::<Vec<_>>(), at_ms)
        .unwrap();
    store.insert_runs(&inc.runs, at_ms).unwrap();
    let incident = sightline_store::queries::incidents::open(
        store.conn(),
        "orders-availability",
        "orders are failing",
        (Some("payment"), Some("us-east-1")),
        at_ms - 60_000,
    )
    .unwrap();
    (at_ms, incident)
}

#[test]
#[ignore = "needs a display (xvfb-run), tauri-driver and WebKitWebDriver; run by scripts/test.sh"]
fn the_question_box_answers_an_incident_and_its_evidence_opens_the_view() {
    let (driver, native) = drivers();
    block_on_within(LIMIT, run(&driver, &native));
}

async fn run(driver: &Path, native: &Path) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let (at_ms, incident) = prepare(root);
    let db = root.join("data/sightline.db");

    // What the engine answers, through the shell's own function, for the
    // same database, moment and zone the window will use.
    let ctx = ApiContext::new(&db).with_project(root);
    let at = at_ms.to_string();
    let req = AskRequest {
        question: QUESTION.into(),
        at_ms: None,
        incident: None,
    };
    let engine = sightline_app::ask::answer(&ctx, req, Some(&at), Some("UTC")).unwrap();
    for fact in ["payment", "us-east-1"] {
        assert!(engine.answer.contains(fact), "{fact}: {}", engine.answer);
    }

    let env = [
        (sightline_app::ask::ASK_AT_ENV, at.as_str()),
        (sightline_app::ask::TZ_ENV, "UTC"),
    ];
    let app = open_app_with_env(driver, native, &db, root, &env).await;
    let s = &app.session;
    s.wait_for("[data-testid=open-ask]", Duration::from_secs(60))
        .await;
    assert!(s.find("[data-testid=ask-box]").await.is_none());

    // Ctrl-K from the view, then the question and Enter, as typed.
    s.chord(&[CONTROL, "k"]).await;
    s.wait_for("[data-testid=ask-box]", Duration::from_secs(10))
        .await;
    // The focus moves as the box opens; give the page a moment, bounded.
    let mut focused = serde_json::Value::Null;
    for _ in 0..50 {
        focused = s
            .js("return document.activeElement && document.activeElement.id")
            .await;
        if focused == "ask-input" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(focused, "ask-input", "the question has the focus");
    let input = s.wait_for("#ask-input", Duration::from_secs(5)).await;
    s.type_into(&input, &format!("{QUESTION}{ENTER}")).await;

    let text = s
        .wait_for("[data-testid=ask-text]", Duration::from_secs(60))
        .await;
    let shown = s.text(&text).await;
    eprintln!("ask: {shown}");
    for fact in ["payment", "us-east-1"] {
        assert!(shown.contains(fact), "{fact} missing: {shown}");
    }
    assert_eq!(shown, engine.answer, "the window shows the engine's answer");
    let links = s
        .js("return Array.from(document.querySelectorAll('[data-testid=ask-evidence] a')).map((a) => a.getAttribute('href'))")
        .await;
    let links: Vec<String> = links
        .as_array()
        .expect("a list")
        .iter()
        .map(|v| v.as_str().unwrap().to_owned())
        .collect();
    let want: Vec<String> = engine
        .evidence
        .iter()
        .filter_map(|e| e.link.clone())
        .collect();
    assert_eq!(links, want, "every linked evidence item is a link");
    let path = shoot(s, "ask").await;
    bless(&path, "ask.png");

    // Follow the SLO's evidence when there is one, else the first link.
    let link = links
        .iter()
        .find(|l| l.starts_with("#/slos/"))
        .or_else(|| links.first())
        .expect("the answer links some evidence")
        .clone();
    let anchor = s
        .wait_for(
            &format!("[data-testid=ask-evidence] a[href=\"{link}\"]"),
            Duration::from_secs(5),
        )
        .await;
    s.click(&anchor).await;
    let landed = if link.starts_with("#/slos/") {
        "#slo-form-title"
    } else if link.starts_with("#/runs/") {
        "[data-testid=step-table]"
    } else {
        "main h2"
    };
    s.wait_for(landed, Duration::from_secs(30)).await;
    let hash = s.js("return location.hash").await;
    assert_eq!(hash, link.as_str(), "the app followed the evidence");
    assert!(
        s.find("[data-testid=ask-box]").await.is_none(),
        "the box closed"
    );
    if let Some(name) = link.strip_prefix("#/slos/") {
        let title = s.wait_for("#slo-form-title", Duration::from_secs(5)).await;
        assert_eq!(s.text(&title).await, format!("Edit {name}"));
    }
    eprintln!("ask: followed {link}");

    // On an incident's view the box sends the incident with the question:
    // the engine keeps it there, and the box lists the incident's questions.
    s.js(&format!(
        "location.hash = '#/incidents/{incident}'; return true;"
    ))
    .await;
    s.wait_for("[data-testid=timeline-entry]", Duration::from_secs(30))
        .await;
    s.chord(&[CONTROL, "k"]).await;
    s.wait_for(
        "[data-testid=ask-incident-history-none]",
        Duration::from_secs(30),
    )
    .await;
    let input = s.wait_for("#ask-input", Duration::from_secs(5)).await;
    // The box keeps the last question as a draft; empty it as a person would.
    s.js(
        "const i = document.getElementById('ask-input'); i.value = ''; \
          i.dispatchEvent(new Event('input', { bubbles: true })); return true;",
    )
    .await;
    s.type_into(&input, &format!("{ON_INCIDENT}{ENTER}")).await;
    let history = s
        .wait_for(
            "[data-testid=ask-incident-history]",
            Duration::from_secs(60),
        )
        .await;
    let listed = s.text(&history).await;
    assert!(
        listed.contains(ON_INCIDENT),
        "the history lists it: {listed}"
    );
    let store = Store::open_read_only(&db).unwrap();
    let kept = sightline_api::incidents::questions::list(&store, incident, 10).unwrap();
    assert_eq!(kept.len(), 1, "{kept:#?}");
    assert_eq!(kept[0].question, ON_INCIDENT);
    let intent = s
        .js("return document.querySelector('[data-testid=ask-answer]').dataset.intent")
        .await;
    assert_eq!(intent, kept[0].intent.as_str(), "stored as answered");
    eprintln!("ask: kept on incident {incident}: {listed}");
    app.session.end().await;
}
